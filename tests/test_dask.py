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
