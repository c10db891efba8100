"""Crash safety: a run killed with SIGKILL part-way, then run again, equals one clean run.

The killed run is a real `etl` flow in a child process (reporting to the session's Prefect
server); it is killed once some articles are in. Table contents (not just counts) are then
compared with a clean single run into another database.
"""

from __future__ import annotations

import signal
import subprocess
import time
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, text

from flows.etl import etl
from tests.robustness.helpers import (
    PYTHON,
    scalar,
    snapshot,
    subprocess_env,
    write_corpus,
    write_stories,
)
from tests.warcs import write_crawl

ARTICLES = 40
CHILD = """
import sys
from flows.etl import etl
etl([sys.argv[1]], batch_size=2, database_url=sys.argv[2])
"""


def _kill_after_some_articles(inbox: Path, url: str, child_code: str = CHILD) -> int:
    """Start a run in a child process, SIGKILL it once a few articles are in; returns how many."""
    child = subprocess.Popen(
        [PYTHON, "-c", child_code, str(inbox), url],
        env=subprocess_env(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    deadline = time.monotonic() + 120
    try:
        while time.monotonic() < deadline and child.poll() is None:
            if scalar(url, "SELECT count(*) FROM articles") >= 3:
                break
            time.sleep(0.02)
        assert child.poll() is None, child.stderr.read().decode()[-2000:] if child.stderr else ""
        child.send_signal(signal.SIGKILL)
    finally:
        child.kill()
        child.wait()
    return int(scalar(url, "SELECT count(*) FROM articles"))


@pytest.mark.slow
def test_killed_run_then_rerun_equals_one_clean_run(
    prefect_harness: None, db_url: str, other_db_url: str, tmp_path: Path
) -> None:
    inbox = tmp_path / "inbox"
    write_corpus(inbox, range(ARTICLES))
    (inbox / "empty.txt").write_text("\n")

    loaded_when_killed = _kill_after_some_articles(inbox, db_url)
    assert 0 < loaded_when_killed < ARTICLES, "the kill came too late to test anything"
    print(f"killed with {loaded_when_killed} of {ARTICLES} articles loaded")
    # No half-loaded article: every document has its article (they share one transaction).
    orphans = scalar(
        db_url,
        "SELECT count(*) FROM documents d LEFT JOIN articles a ON a.document_id = d.id "
        "WHERE a.id IS NULL",
    )
    assert orphans == 0
    killed = scalar(db_url, "SELECT status FROM pipeline_runs ORDER BY id LIMIT 1")
    assert killed == "running"  # a SIGKILL leaves no chance to close the row

    rerun = etl([str(inbox)], batch_size=8, database_url=db_url)
    clean = etl([str(inbox)], batch_size=8, database_url=other_db_url)

    statuses = scalar(db_url, "SELECT string_agg(status, ',' ORDER BY id) FROM pipeline_runs")
    assert statuses == "crashed,completed"  # the rerun closed the killed run's row
    assert "killed" in scalar(db_url, "SELECT error FROM pipeline_runs ORDER BY id LIMIT 1")
    assert rerun["loaded"] + rerun["already_loaded"] == ARTICLES
    assert rerun["already_loaded"] == loaded_when_killed
    assert clean["loaded"] == ARTICLES
    assert rerun["inputs_seen"] == clean["inputs_seen"] == ARTICLES + 1
    after_rerun, after_clean = snapshot(db_url), snapshot(other_db_url)
    for table in after_clean:
        assert after_rerun[table] == after_clean[table], table
    assert len(after_clean["mentions"]) > ARTICLES  # the comparison covered real content


@pytest.mark.slow
def test_killed_warc_run_resumes_at_the_next_unloaded_record(
    prefect_harness: None, db_url: str, other_db_url: str, tmp_path: Path
) -> None:
    """One WARC file, killed part-way: the rerun skips the loaded records by hash and loads
    the rest; the tables equal one clean run's (documents with their origin columns too)."""
    crawl = write_crawl(tmp_path / "crawl.warc.gz", count=ARTICLES)
    pages = len(crawl.pages)  # the repeated payload loads once
    loaded_when_killed = _kill_after_some_articles(crawl.path, db_url)
    assert 0 < loaded_when_killed < pages, "the kill came too late to test anything"

    rerun = etl([str(crawl.path)], batch_size=8, database_url=db_url)
    clean = etl([str(crawl.path)], batch_size=8, database_url=other_db_url)

    assert rerun["already_loaded"] >= loaded_when_killed
    assert rerun["loaded"] == pages - loaded_when_killed
    assert clean["loaded"] == pages and clean["rejected"] == 0
    assert rerun["skipped_by_kind"] == clean["skipped_by_kind"] == crawl.skipped
    after_rerun, after_clean = snapshot(db_url), snapshot(other_db_url)
    for table in after_clean:
        assert after_rerun[table] == after_clean[table], table
    assert len(after_clean["documents"]) == pages


def test_dead_runs_are_closed_and_live_ones_left_alone(engine: Engine) -> None:
    from newsdesk import load

    live = load.start_run(engine, "live")
    with engine.begin() as conn:  # a row whose process died: nobody holds its lock
        dead = conn.scalar(
            text("INSERT INTO pipeline_runs (pipeline_version) VALUES ('0') RETURNING id")
        )
    assert load.close_dead_runs(engine) == [dead]
    load.finish_run(engine, live, load.LoadCounts(), "completed")
    url = engine.url.render_as_string(hide_password=False)
    assert scalar(url, "SELECT status FROM pipeline_runs WHERE id = :i", i=dead) == "crashed"
    assert scalar(url, "SELECT status FROM pipeline_runs WHERE id = :i", i=live) == "completed"


# Where a child run kills itself (SIGKILL, so nothing gets to clean up): a function of the
# pipeline replaced by one that kills the process at its n-th call, before or after the
# original runs. Each phase of a run, of reprocess and of merge.
KILL_POINTS = {
    "reading": ("newsdesk.sources", "read", 9, "before"),
    "entities": ("newsdesk.entities.pool", "extract_guarded", 3, "before"),
    "load": ("newsdesk.load.duplicates", "write_index", 3, "after"),  # in a batch transaction
    "learned-rebuild": ("newsdesk.load", "replace_article", 2, "after"),
    "cross-article-pass": ("newsdesk.learn", "_decide_short_names", 1, "after"),
    "finishing-the-run": ("newsdesk.load", "finish_run", 1, "before"),
    "reprocess": ("newsdesk.load", "replace_article", 3, "after"),
    "reprocess-settle": ("newsdesk.learn", "_decide_short_names", 1, "after"),
    "merge": ("sqlalchemy.engine.base", "RootTransaction.commit", 1, "before"),
}
KILLING_CHILD = """
import functools, importlib, os, signal, sys
phase, module_name, attribute, nth, when, inbox, url = sys.argv[1:8]
module = importlib.import_module(module_name)
owner, name = (module, attribute)
if "." in attribute:
    owner_name, name = attribute.split(".")
    owner = getattr(module, owner_name)
original = getattr(owner, name)
calls = [0]

@functools.wraps(original)
def killing(*args, **kwargs):
    calls[0] += 1
    if calls[0] >= int(nth) and when == "before":
        os.kill(os.getpid(), signal.SIGKILL)
    result = original(*args, **kwargs)
    if calls[0] >= int(nth):
        os.kill(os.getpid(), signal.SIGKILL)
    return result

setattr(owner, name, killing)
if phase.startswith("reprocess"):
    from flows.reprocess import reprocess
    reprocess(database_url=url, batch_size=4)
elif phase == "merge":
    from newsdesk.analyst.corrections import merge
    from newsdesk.db import make_engine
    merge(make_engine(url), "person", "Samuel Okafor", "Rosa Delgado")
else:
    from flows.etl import etl
    etl([inbox], batch_size=4, database_url=url)
print("the kill point was never reached", file=sys.stderr)
sys.exit(3)
"""
STORIES = 24


@pytest.fixture(scope="module")
def story_inbox(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Stories of two publishers (learned lines, names across articles), and two inputs that
    are rejected: one empty, one of a kind newsdesk does not read."""
    inbox = tmp_path_factory.mktemp("stories")
    write_stories(inbox, range(STORIES))
    (inbox / "empty.txt").write_text("\n")
    (inbox / "export.csv").write_text("id,title\n1,not an article\n")
    return inbox


_REFERENCE: dict[str, Any] = {}


def _reference(kind: str, inbox: Path, url: str) -> Any:
    """The tables of one clean run (then a clean reprocess or merge), made once per module."""
    if kind not in _REFERENCE:
        from flows.reprocess import reprocess
        from newsdesk.analyst.corrections import merge
        from newsdesk.db import make_engine

        etl([str(inbox)], batch_size=8, database_url=url)
        if kind == "reprocess":
            reprocess(database_url=url, batch_size=8)
        if kind == "merge":
            merge(make_engine(url), "person", "Samuel Okafor", "Rosa Delgado")
        _REFERENCE[kind] = snapshot(url)
    return _REFERENCE[kind]


@pytest.mark.slow
@pytest.mark.parametrize("phase", list(KILL_POINTS))
def test_killed_in_any_phase_then_run_again_equals_one_clean_run(
    prefect_harness: None, db_url: str, other_db_url: str, story_inbox: Path, phase: str
) -> None:
    kind = "merge" if phase == "merge" else "reprocess" if "reprocess" in phase else "run"
    if kind != "run":  # what is killed works on a loaded database
        etl([str(story_inbox)], batch_size=8, database_url=db_url)
    module, attribute, nth, when = KILL_POINTS[phase]
    child = subprocess.run(
        [
            PYTHON,
            "-c",
            KILLING_CHILD,
            phase,
            module,
            attribute,
            str(nth),
            when,
            str(story_inbox),
            db_url,
        ],
        env=subprocess_env(NEWSDESK_NLP_PROCESSES="1"),
        capture_output=True,
        timeout=300,
    )
    assert child.returncode == -signal.SIGKILL, child.stderr.decode()[-3000:]

    if phase == "reprocess":
        from flows.reprocess import reprocess

        reprocess(database_url=db_url, batch_size=4)
    elif phase == "merge":
        from newsdesk.analyst.corrections import merge
        from newsdesk.db import make_engine

        assert scalar(db_url, "SELECT count(*) FROM entity_merges") == 0  # it rolled back
        merge(make_engine(db_url), "person", "Samuel Okafor", "Rosa Delgado")
    else:  # any run finishes what the killed one left, with something new to load or not
        assert etl([str(story_inbox)], batch_size=4, database_url=db_url)["status"] == "completed"
    assert snapshot(db_url) == _reference(kind, story_inbox, other_db_url)
    statuses = scalar(db_url, "SELECT string_agg(status, ',' ORDER BY id) FROM pipeline_runs")
    if kind == "run":
        assert statuses == "crashed,completed"
    elif kind == "reprocess":
        assert statuses == "completed,crashed,completed"
    assert scalar(db_url, "SELECT count(*) FROM rejects WHERE stage = 'discover'") == 1
