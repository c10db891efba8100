"""Exports: one CSV or Parquet file per table and flat view, with the rows and types kept."""

from __future__ import annotations

import csv
from datetime import UTC, datetime
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from sqlalchemy import Engine

from newsdesk.analyst.export import EXPORTS, export
from tests.analyst.helpers import add_article, scalar

BODY = 'Ana Lima, the "harbour" chair, met Bo Chen.\nThey agreed, said Lima.'


@pytest.fixture
def loaded(engine: Engine) -> Engine:
    add_article(
        engine,
        BODY,
        [("person", "Ana Lima", "Ana Lima"), ("person", "Bo Chen", "Bo Chen")],
        published_at=datetime(2025, 3, 3, 9, 30, tzinfo=UTC),
    )
    return engine


def test_csv_export_has_every_table_and_round_trips_text(loaded: Engine, tmp_path: Path) -> None:
    written = export(loaded, "csv", tmp_path)
    assert [w.name for w in written] == list(EXPORTS)
    with (tmp_path / "articles.csv").open(newline="", encoding="utf-8") as f:
        articles = list(csv.DictReader(f))
    assert len(articles) == 1 and articles[0]["body"] == BODY  # quotes and newline survive
    with (tmp_path / "documents.csv").open(newline="", encoding="utf-8") as f:
        assert "raw" not in next(csv.reader(f))
    counts = {w.name: w.rows for w in written}
    assert counts["mentions"] == 2 and counts["article_entities"] == 2


def test_parquet_export_keeps_types(loaded: Engine, tmp_path: Path) -> None:
    written = {w.name: w for w in export(loaded, "parquet", tmp_path)}
    articles = pq.read_table(tmp_path / "articles.parquet")
    assert articles.num_rows == 1
    assert str(articles.schema.field("published_at").type) == "timestamp[us, tz=UTC]"
    assert str(articles.schema.field("authors").type) == "list<element: string>"
    row = articles.to_pylist()[0]
    assert row["published_at"] == datetime(2025, 3, 3, 9, 30, tzinfo=UTC)
    assert row["body"] == BODY and row["removed"] == "[]"
    flat = pq.read_table(tmp_path / "article_entities.parquet").to_pylist()
    assert {r["entity_name"] for r in flat} == {"Ana Lima", "Bo Chen"}
    assert (
        str(pq.read_schema(tmp_path / "article_entities.parquet").field("day").type)
        == "date32[day]"
    )
    empty = pq.read_table(tmp_path / "rejects.parquet")
    assert empty.num_rows == 0 and "reason" in empty.column_names and written["rejects"].rows == 0
    assert scalar(loaded, "SELECT count(*) FROM mentions") == written["mentions"].rows
