"""The scheduled inbox flow: only what is new, archived when asked, never two runs at once."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from flows.etl import inbox_etl
from newsdesk import load
from newsdesk.db import engine_for

pytestmark = pytest.mark.slow

STORY = """{title}

{name} of the Northfield Rowing Club said on Sunday that the club would host the regional final.

{surname} said volunteers were already marking out the course.
"""


def _write(folder: Path, n: int, start: int = 0) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    names = ["Ada Byrne", "Tomas Varga", "Ines Duarte", "Kofi Mensah", "Lena Berg", "Omar Haddad"]
    for i in range(start, start + n):
        name = names[i % len(names)]
        body = STORY.format(title=f"Rowing final number {i}", name=name, surname=name.split()[1])
        (folder / f"story-{i}.txt").write_text(body)


def test_each_run_processes_only_what_is_new(
    prefect_harness: None, db_url: str, tmp_path: Path
) -> None:
    inbox = tmp_path / "inbox"
    _write(inbox, 3)
    first = inbox_etl(inbox=str(inbox), database_url=db_url)
    _write(inbox, 2, start=3)
    second = inbox_etl(inbox=str(inbox), database_url=db_url)
    assert (first["loaded"], first["already_loaded"]) == (3, 0)
    assert (second["loaded"], second["already_loaded"]) == (2, 3)


def test_processed_files_move_to_the_archive(
    prefect_harness: None, db_url: str, tmp_path: Path
) -> None:
    inbox, archive = tmp_path / "inbox", tmp_path / "archive"
    _write(inbox / "monday", 2)
    (inbox / "empty.txt").write_text("")
    summary = inbox_etl(inbox=str(inbox), archive_dir=str(archive), database_url=db_url)
    assert (summary["loaded"], summary["rejected"]) == (2, 1)
    assert sorted(str(p.relative_to(archive)) for p in archive.rglob("*.txt")) == [
        "empty.txt",
        "monday/story-0.txt",
        "monday/story-1.txt",
    ]
    assert not list(inbox.rglob("*.txt"))


def test_an_overlapping_run_skips_the_inbox(
    prefect_harness: None, db_url: str, tmp_path: Path
) -> None:
    inbox = tmp_path / "inbox"
    _write(inbox, 2)
    # Another run (another process, in production) holds the inbox's lock.
    with load.inbox_lock(engine_for(db_url), str(inbox.resolve())) as held:
        assert held
        skipped = inbox_etl(inbox=str(inbox), database_url=db_url)
    assert skipped["status"] == "skipped"
    engine = create_engine(db_url)
    with engine.connect() as conn:
        assert conn.scalar(text("SELECT count(*) FROM documents")) == 0
    engine.dispose()
    # The lock is released with its holder: the next run goes ahead.
    assert inbox_etl(inbox=str(inbox), database_url=db_url)["loaded"] == 2


def test_missing_inbox_fails_the_run(prefect_harness: None, db_url: str, tmp_path: Path) -> None:
    from newsdesk.errors import NewsdeskError

    with pytest.raises(NewsdeskError, match="is not a folder"):
        inbox_etl(inbox=str(tmp_path / "nope"), database_url=db_url)
