"""The analyst's subcommands through `newsdesk.cli.main`: exit codes and messages."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine

from newsdesk.cli import main
from newsdesk.settings import get_settings
from tests.analyst.helpers import add_article, scalar

BODY = "Ana Lima met A. Lima's deputy, Bo Chen, at the harbour on Monday morning."


@pytest.fixture
def cli_db(engine: Engine, db_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[Engine]:
    add_article(
        engine,
        BODY,
        [
            ("person", "Ana Lima", "Ana Lima"),
            ("person", "A. Lima", "A. Lima"),
            ("person", "Bo Chen", "Bo Chen"),
        ],
    )
    monkeypatch.setenv("NEWSDESK_DATABASE_URL", db_url)
    get_settings.cache_clear()
    yield engine
    get_settings.cache_clear()


def test_merge_and_split_commands(cli_db: Engine, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["merge", "person", "Ana Lima", "A. Lima", "--note", "initial"]) == 0
    out = capsys.readouterr().out
    assert "merged person 'A. Lima'" in out and "newsdesk split person --merge 1" in out
    assert scalar(cli_db, "SELECT count(*) FROM people") == 2
    assert main(["split", "person", "--merge", "1"]) == 0
    assert "1 mention(s) restored" in capsys.readouterr().out
    assert scalar(cli_db, "SELECT count(*) FROM people") == 3


def test_errors_are_one_clear_line(cli_db: Engine, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["merge", "person", "Ana Lima", "Nobody"]) == 1
    assert "no person named 'Nobody'" in capsys.readouterr().err
    assert main(["split", "person", "Bo Chen"]) == 1
    assert "no standing merge" in capsys.readouterr().err
    assert main(["report", "--from", "2025-03-31", "--to", "2025-03-01"]) == 1
    assert "is before --from" in capsys.readouterr().err
    assert main(["report", "--from", "March", "--to", "2025-03-01"]) == 1
    assert "take dates like" in capsys.readouterr().err


def test_report_and_export_commands(
    cli_db: Engine, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "r.html"
    assert main(["report", "--from", "2025-01-01", "--to", "2025-01-31", "--out", str(out)]) == 0
    assert out.read_text().startswith("<!doctype html>")
    assert main(["export", "--format", "csv", "--out", str(tmp_path / "csv")]) == 0
    assert "exported 12 tables and views" in capsys.readouterr().out
    assert (tmp_path / "csv" / "article_entities.csv").read_text().count("\n") == 4
