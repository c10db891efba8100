"""WARC files through the ETL flow into Postgres (real database, real model), on WARCs the
tests write with warcio: what loads, what is skipped or rejected, filters, reruns, reprocess."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from flows.etl import etl
from flows.reprocess import reprocess
from newsdesk.errors import NewsdeskError
from tests.robustness.helpers import snapshot
from tests.warcs import cut_last_member, page, response, write_crawl, write_warc

pytestmark = pytest.mark.slow


def _rows(url: str, query: str) -> list[tuple[object, ...]]:
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return [tuple(r) for r in conn.execute(text(query))]
    finally:
        engine.dispose()


def test_a_crawl_loads_its_pages_and_only_them(
    prefect_harness: None, db_url: str, tmp_path: Path
) -> None:
    folder = tmp_path / "crawls"
    folder.mkdir()
    one = write_crawl(folder / "one.warc.gz", count=4)
    two = write_crawl(folder / "two.warc.gz", first=10, count=3, host="news.example.org")
    cut_last_member(two.path)  # its last record (a repeated payload) is cut off
    summary = etl([str(folder)], database_url=db_url)

    pages = {**one.pages, **two.pages}
    assert summary["loaded"] == len(pages)
    assert summary["already_loaded"] == 1  # one.warc.gz's repeated payload
    assert summary["rejected"] == 1 and summary["rejected_by_reason"] == {"damaged_record": 1}
    skipped = {k: one.skipped[k] + two.skipped[k] for k in one.skipped}
    assert summary["skipped_by_kind"] == skipped
    articles = dict(_rows(db_url, "SELECT url, title FROM articles"))
    assert set(articles) == set(pages)
    documents = _rows(
        db_url,
        "SELECT d.target_uri, d.fetched_at, d.record_id, d.record_offset, d.source_uri, "
        "a.url, a.published_at FROM documents d JOIN articles a ON a.document_id = d.id",
    )
    for target, fetched, record_id, offset, source, url, published in documents:
        assert target == url
        assert fetched == datetime(2024, 5, 1, 10, tzinfo=UTC)
        assert str(record_id).startswith("<urn:uuid:")
        assert str(source).endswith(f".warc.gz#{offset}")
        assert published != fetched  # the fetch time is never the publication date
    [(source, stage, reason)] = _rows(db_url, "SELECT source_uri, stage, reason FROM rejects")
    assert str(source).startswith(str(two.path) + "#") and (stage, reason) == (
        "read",
        "damaged_record",
    )

    again = etl([str(folder)], database_url=db_url)
    assert again["loaded"] == 0
    assert again["already_loaded"] == len(pages) + 1
    assert again["skipped_by_kind"] == skipped


def test_filters_keep_records_out_before_parsing(
    prefect_harness: None, db_url: str, tmp_path: Path
) -> None:
    hosts = ["www.bbc.co.uk", "notbbc.co.uk", "bbc.co.uk", "news.bbc.co.uk"]
    dates = [
        "2024-05-01T09:00:00Z",
        "2024-05-01T10:00:00Z",
        "2024-05-02T10:00:00Z",
        "2024-05-04T10:00:00Z",
    ]
    path = write_warc(
        tmp_path / "hosts.warc.gz",
        [
            response(f"https://{h}/2024/05/01/story-{n}", page(n), date=d)
            for n, (h, d) in enumerate(zip(hosts, dates, strict=True))
        ],
    )
    summary = etl(
        [str(path)],
        database_url=db_url,
        domains=["bbc.co.uk"],
        since="2024-05-01",
        until="2024-05-03",
    )
    assert summary["loaded"] == 2 and summary["filtered"] == 2
    urls = {u for (u,) in _rows(db_url, "SELECT url FROM articles")}
    assert urls == {
        "https://www.bbc.co.uk/2024/05/01/story-0",
        "https://bbc.co.uk/2024/05/01/story-2",
    }
    with pytest.raises(NewsdeskError, match="--since"):
        etl([str(path)], database_url=db_url, since="yesterday")


def test_reprocess_rebuilds_from_the_stored_records(
    prefect_harness: None, db_url: str, tmp_path: Path
) -> None:
    path = write_warc(
        tmp_path / "enc.warc.gz",
        [
            response("https://a.example/2024/05/01/x", page(1), encode="gzip+chunked"),
            response(
                "https://a.example/2024/05/01/y",
                page(2).replace("council voted", "conseil a voté").encode("cp1252"),
                content_type="text/html; charset=windows-1252",
            ),
        ],
    )
    etl([str(path)], database_url=db_url)
    before = snapshot(db_url)
    raws = _rows(db_url, "SELECT raw FROM documents ORDER BY record_offset")
    assert all(bytes(raw).startswith(b"HTTP/1.1 200 OK") for (raw,) in raws)  # type: ignore[arg-type]
    path.unlink()  # reprocess needs the database only
    engine = create_engine(db_url)
    with engine.begin() as conn:  # what an older pipeline wrote
        conn.execute(text("UPDATE articles SET body = 'stale', url = NULL"))
    engine.dispose()
    summary = reprocess(database_url=db_url)
    assert summary["reprocessed"] == 2 and summary["kept"] == []
    after = snapshot(db_url)
    assert after["articles"] == before["articles"]
    bodies = [b for (b,) in _rows(db_url, "SELECT body FROM articles")]
    assert any("conseil a voté" in str(b) for b in bodies)
