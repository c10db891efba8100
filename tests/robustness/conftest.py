"""Fixtures for the robustness tests."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.conftest import _db_url, create_database, drop_database


@pytest.fixture
def other_db_url(pg_server_url: str, template_db: str) -> Iterator[str]:
    """A second fresh, migrated database in the same test (for a clean reference run)."""
    name = create_database(pg_server_url, template=template_db)
    yield _db_url(pg_server_url, name)
    from newsdesk.db import dispose_engines

    dispose_engines()
    drop_database(pg_server_url, name)
