"""Entity extraction on a Dask cluster (two local workers) loads the same rows as a local run."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from flows.etl import etl
from tests.test_inbox import _write

pytestmark = pytest.mark.slow

# Everything an analyst sees, without ids and timestamps (which differ between databases).
SNAPSHOT = {
    "articles": "SELECT source_uri, title, body, authors, publisher FROM articles ORDER BY 1",
    "people": "SELECT name, name_key FROM people ORDER BY 2",
    "organisations": "SELECT name, name_key, acronym FROM organisations ORDER BY 2",
    "mentions": (
        "SELECT a.source_uri, m.field, m.start_char, m.end_char, m.surface, "
        "coalesce(p.name_key, o.name_key) FROM mentions m JOIN articles a ON a.id = m.article_id "
        "LEFT JOIN people p ON p.id = m.person_id "
        "LEFT JOIN organisations o ON o.id = m.organisation_id ORDER BY 1, 2, 3"
    ),
}


def _snapshot(url: str) -> dict[str, list[tuple[object, ...]]]:
    engine = create_engine(url)
    with engine.connect() as conn:
        rows = {k: [tuple(r) for r in conn.execute(text(q))] for k, q in SNAPSHOT.items()}
    engine.dispose()
    return rows


@pytest.fixture
def second_db_url(pg_server_url: str, template_db: str):  # type: ignore[no-untyped-def]
    from tests.conftest import _db_url, _forget_engines, create_database, drop_database

    name = create_database(pg_server_url, template=template_db)
    yield _db_url(pg_server_url, name)
    _forget_engines()
    drop_database(pg_server_url, name)


def test_two_worker_dask_cluster_loads_what_a_local_run_loads(
    prefect_harness: None, db_url: str, second_db_url: str, tmp_path: Path
) -> None:
    from prefect_dask import DaskTaskRunner

    inbox = tmp_path / "inbox"
    _write(inbox, 12)
    local = etl([str(inbox)], batch_size=4, database_url=db_url)
    on_dask = etl.with_options(
        task_runner=DaskTaskRunner(cluster_kwargs={"n_workers": 2, "threads_per_worker": 1})
    )
    distributed = on_dask([str(inbox)], batch_size=4, database_url=second_db_url)
    assert local["loaded"] == distributed["loaded"] == 12
    assert local["mentions"] == distributed["mentions"] > 0
    assert _snapshot(db_url) == _snapshot(second_db_url)


def test_warc_files_are_prepared_on_the_cluster_a_byte_range_a_task(
    prefect_harness: None,
    db_url: str,
    second_db_url: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """With NEWSDESK_DASK_ADDRESS set, each WARC file is cut into byte ranges read, cleaned
    and given their entities on the workers; only the load stays in the flow. The tables end
    as a local run leaves them (documents with their origin columns too)."""
    from flows import etl as flow_module
    from tests.robustness.helpers import snapshot
    from tests.warcs import cut_last_member, write_crawl

    folder = tmp_path / "crawls"
    folder.mkdir()
    one = write_crawl(folder / "one.warc.gz", count=10)
    two = write_crawl(folder / "two.warc", first=20, count=6, host="news.example.org")
    three = write_crawl(folder / "three.warc.gz", first=40, count=3, host="www.bbc.co.uk")
    cut_last_member(three.path)
    pages = len(one.pages) + len(two.pages) + len(three.pages)
    local = etl([str(folder)], batch_size=2, database_url=db_url)

    submitted: list[tuple[int, int]] = []
    ranges = flow_module._warc_ranges

    def counted(path: str, batch_size: int) -> list[tuple[int, int]]:
        found = ranges(path, batch_size)
        submitted.extend(found)
        return found

    monkeypatch.setattr(flow_module, "_warc_ranges", counted)
    monkeypatch.setattr(flow_module, "WARC_RANGE_BYTES_PER_ARTICLE", 1024)  # several a file
    monkeypatch.setenv("NEWSDESK_DASK_ADDRESS", "local")
    distributed = etl([str(folder)], batch_size=2, database_url=second_db_url)

    assert len(submitted) > 6  # the files really were cut into ranges
    assert local["loaded"] == distributed["loaded"] == pages
    for key in ("already_loaded", "rejected", "rejected_by_reason", "skipped_by_kind", "mentions"):
        assert local[key] == distributed[key], key
    assert distributed["rejected_by_reason"] == {"damaged_record": 1}
    assert "prepare on the cluster (waiting)" in distributed["stage_seconds"]
    after_local, after_dask = snapshot(db_url), snapshot(second_db_url)
    for table in after_local:
        assert after_local[table] == after_dask[table], table
