"""The samples loaded once per module through the real ETL flow, for tests that only read."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.conftest import REPO, _db_url, _forget_engines, create_database, drop_database

SAMPLES = REPO / "samples"


@pytest.fixture(scope="module")
def loaded_db(pg_server_url: str, template_db: str, prefect_harness: None) -> Iterator[str]:
    """A migrated database holding samples/, loaded by the flow; tests must not change it."""
    from flows.etl import etl

    name = create_database(pg_server_url, template=template_db)
    url = _db_url(pg_server_url, name)
    summary = etl([str(SAMPLES)], database_url=url)
    assert summary["status"] == "completed" and summary["loaded"] >= 5
    yield url
    _forget_engines()
    drop_database(pg_server_url, name)
