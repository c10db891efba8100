"""Reprocess and merges through the real flows: rebuilt in place, nothing duplicated, merges hold."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import create_engine

from flows.etl import etl
from flows.reprocess import reprocess
from newsdesk.analyst.corrections import merge
from newsdesk.cli import main
from newsdesk.settings import get_settings
from tests.analyst.conftest import SAMPLES
from tests.analyst.helpers import rows, scalar

pytestmark = pytest.mark.slow

LATER_ARTICLE = """Minister defends island ferry subsidy

Transport Minister Daniel Whitcombe defended the ferry subsidy in parliament on Tuesday.

Daniel Whitcombe said the routes would keep running until 2027, and that fares would stay frozen.
"""

SNAPSHOT = "SELECT a.id, a.document_id, a.title, a.body, a.publisher FROM articles a ORDER BY a.id"
MENTIONS = (
    "SELECT article_id, coalesce(p.name, o.name), field, start_char, surface FROM mentions m "
    "LEFT JOIN people p ON p.id = m.person_id LEFT JOIN organisations o ON o.id = m.organisation_id "
    "ORDER BY 1, 3, 4, 2"
)


def test_reprocess_rebuilds_articles_in_place(prefect_harness: None, db_url: str) -> None:
    etl([str(SAMPLES)], database_url=db_url)
    engine = create_engine(db_url)
    articles, mentions = rows(engine, SNAPSHOT), rows(engine, MENTIONS)
    documents = scalar(engine, "SELECT count(*) FROM documents")
    first, second = articles[0][0], articles[1][0]
    # What an older pipeline might have left: a worse title, no mentions, an older version.
    with engine.begin() as conn:
        conn.exec_driver_sql(
            f"UPDATE articles SET title = 'stale', pipeline_version = '0.0.1' WHERE id = {first}"
        )
        conn.exec_driver_sql(f"UPDATE articles SET title = 'stale too' WHERE id = {second}")
        conn.exec_driver_sql(f"DELETE FROM mentions WHERE article_id = {first}")

    summary = reprocess(database_url=db_url, outdated_only=True)
    assert summary["status"] == "completed" and summary["reprocessed"] == 1
    assert rows(engine, "SELECT title FROM articles WHERE id = :i", i=second) == [("stale too",)]

    summary = reprocess(database_url=db_url)
    assert summary["reprocessed"] == len(articles) and summary["kept"] == []
    assert rows(engine, SNAPSHOT) == articles  # same ids, same content
    assert rows(engine, MENTIONS) == mentions
    assert scalar(engine, "SELECT count(*) FROM documents") == documents
    again = reprocess(database_url=db_url)
    assert again["reprocessed"] == len(articles)
    assert rows(engine, MENTIONS) == mentions  # twice changes nothing
    assert scalar(engine, "SELECT count(*) FROM article_signatures") == len(articles)
    assert scalar(engine, "SELECT count(*) FROM pipeline_runs WHERE status = 'completed'") == 4
    engine.dispose()


def test_a_merge_survives_later_runs_and_reprocess(
    prefect_harness: None, db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    etl([str(SAMPLES)], database_url=db_url)
    engine = create_engine(db_url)
    result = merge(engine, "person", "Aoife Brennan", "Daniel Whitcombe", note="test")
    assert result.kept is not None and result.mentions == 2
    brennan = result.kept.id

    (tmp_path / "later.txt").write_text(LATER_ARTICLE)
    summary = etl([str(tmp_path / "later.txt")], database_url=db_url)
    assert summary["loaded"] == 1
    later = rows(
        engine,
        "SELECT m.person_id, m.surface FROM mentions m JOIN articles a ON a.id = m.article_id "
        "WHERE a.title LIKE 'Minister defends%' AND m.surface LIKE '%Whitcombe%'",
    )
    assert later and {p for p, _ in later} == {brennan}  # B's new mentions land on A
    assert scalar(engine, "SELECT count(*) FROM people WHERE name_key = 'daniel whitcombe'") == 0

    monkeypatch.setenv("NEWSDESK_DATABASE_URL", db_url)
    get_settings.cache_clear()
    try:
        assert main(["reprocess"]) == 0
        assert (
            scalar(engine, "SELECT count(*) FROM people WHERE name_key = 'daniel whitcombe'") == 0
        )
        assert scalar(engine, "SELECT count(*) FROM mentions WHERE person_id = :p", p=brennan) >= 5
        assert main(["split", "person", "Daniel Whitcombe"]) == 0
    finally:
        get_settings.cache_clear()
    whitcombe = rows(
        engine,
        "SELECT count(*) FROM mentions m JOIN people p ON p.id = m.person_id "
        "WHERE p.name = 'Daniel Whitcombe' AND m.surface = 'Daniel Whitcombe'",
    )
    assert whitcombe[0][0] >= 2  # the full-name mentions from both runs are his again
    engine.dispose()
