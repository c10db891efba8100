"""Exports: one CSV or Parquet file per table and flat view, with the rows and types kept."""

from __future__ import annotations

import csv
import json
from datetime import UTC, datetime
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from sqlalchemy import Engine

from newsdesk.analyst.export import EXPORTS, export
from newsdesk.clean import clean
from newsdesk.normalise import normalise
from tests.analyst.helpers import add_article, scalar
from tests.records import html_document, load_article

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
    assert "removed" in articles[0] and "removed_keys" not in articles[0]  # internal, derived
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


def test_exports_carry_provenance_modified_and_credits(engine: Engine, tmp_path: Path) -> None:
    head = (
        '<script type="application/ld+json">{"@type":"NewsArticle",'
        '"datePublished":"2025-03-04T09:15:00Z","dateModified":"2025-03-06T17:00:00Z"}</script>'
    )
    body = (
        "<h1>Harbour dredging to start in May</h1><p>BRENMOUTH (AP) — The harbour board voted "
        "on Tuesday to dredge the eastern channel before the summer, after two cargo ships ran "
        "aground there in March.</p>"
    )
    doc = html_document(body, head)
    article = normalise(doc, clean(doc))
    assert article.credits == ["AP"] and article.modified_at is not None
    assert load_article(engine, doc, article, []) is not None
    export(engine, "parquet", tmp_path)  # every table and view, as `newsdesk export`
    row = pq.read_table(tmp_path / "articles.parquet").to_pylist()[0]
    assert row["modified_at"] == datetime(2025, 3, 6, 17, tzinfo=UTC)
    assert row["credits"] == ["AP"]
    assert json.loads(row["provenance"])["published_at"]["source"] == "json-ld:datePublished"
    export(engine, "csv", tmp_path)
    with (tmp_path / "article_provenance.csv").open(newline="", encoding="utf-8") as f:
        fields = {r["field"]: r["source"] for r in csv.DictReader(f)}
    assert fields["published_at"] == "json-ld:datePublished"
    assert fields["modified_at"] == "json-ld:dateModified" and fields["title"] == "h1"
    flat = pq.read_table(tmp_path / "article_provenance.parquet").to_pylist()
    assert {r["field"] for r in flat} == set(fields)
