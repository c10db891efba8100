"""Shared fixtures: real Postgres (never SQLite or mocks), one database per test.

The server is NEWSDESK_TEST_DATABASE_URL when set (CI points it at the local PostgreSQL),
otherwise a throwaway embedded PostgreSQL from pgserver. Each test that asks for `db_url` gets
a fresh database cloned from a template migrated once per session, so tests never see each
other's rows and the schema under test is the one the migrations build.
"""

from __future__ import annotations

import os
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from sqlalchemy import Engine, make_url

REPO = Path(__file__).resolve().parents[1]
CORPUS = REPO.parent / "shared" / "corpus"


def corpus_dir(name: str) -> Path:
    """A folder of ../shared/corpus, or skip the test with the reason."""
    path = CORPUS / name
    if not path.exists():
        pytest.skip(f"{path} is absent: the reference corpus lives beside the repo in ../shared")
    return path


@pytest.fixture(scope="session")
def pg_server_url() -> Iterator[str]:
    """A libpq URL of a server where tests may create databases."""
    configured = os.environ.get("NEWSDESK_TEST_DATABASE_URL")
    if configured:
        url = make_url(configured).set(drivername="postgresql")
        yield url.render_as_string(hide_password=False)
        return
    import pgserver

    with tempfile.TemporaryDirectory(prefix="newsdesk-test-pg-") as tmp:
        server = pgserver.get_server(Path(tmp) / "pgdata", cleanup_mode="delete")
        yield server.get_uri("postgres")
        server.cleanup()


def _admin(server_url: str) -> psycopg.Connection:
    return psycopg.connect(server_url, autocommit=True)


def _db_url(server_url: str, name: str) -> str:
    return (
        make_url(server_url)
        .set(drivername="postgresql+psycopg", database=name)
        .render_as_string(hide_password=False)
    )


def create_database(server_url: str, template: str | None = None) -> str:
    """Create a uniquely named database; returns its name."""
    name = f"nd_test_{uuid.uuid4().hex[:12]}"
    with _admin(server_url) as conn:
        suffix = f" TEMPLATE {template}" if template else ""
        conn.execute(f"CREATE DATABASE {name}{suffix}")
    return name


def drop_database(server_url: str, name: str) -> None:
    with _admin(server_url) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


@pytest.fixture(scope="session")
def template_db(pg_server_url: str) -> Iterator[str]:
    """A database migrated to head once per session, cloned for each test."""
    from newsdesk.db import make_engine, migrate

    name = create_database(pg_server_url)
    engine = make_engine(_db_url(pg_server_url, name))
    migrate(engine)
    engine.dispose()
    yield name
    drop_database(pg_server_url, name)


def _fresh(server_url: str, template: str | None) -> Iterator[str]:
    """A database for one test (cloned from `template`), dropped after it."""
    name = create_database(server_url, template=template)
    yield _db_url(server_url, name)
    _forget_engines()
    drop_database(server_url, name)


@pytest.fixture
def db_url(pg_server_url: str, template_db: str) -> Iterator[str]:
    """SQLAlchemy URL of a fresh, migrated database for this test alone."""
    yield from _fresh(pg_server_url, template_db)


@pytest.fixture
def other_db_url(pg_server_url: str, template_db: str) -> Iterator[str]:
    """A second fresh, migrated database in the same test (for a clean reference run)."""
    yield from _fresh(pg_server_url, template_db)


@pytest.fixture
def empty_db_url(pg_server_url: str) -> Iterator[str]:
    """SQLAlchemy URL of a fresh database with no schema at all."""
    yield from _fresh(pg_server_url, None)


@pytest.fixture
def engine(db_url: str) -> Iterator[Engine]:
    from newsdesk.db import make_engine

    eng = make_engine(db_url)
    yield eng
    eng.dispose()


def _forget_engines() -> None:
    """Close the flows' pooled connections so the test database can be dropped cleanly."""
    from newsdesk.db import dispose_engines

    dispose_engines()


@pytest.fixture(scope="session")
def prefect_harness() -> Iterator[None]:
    """One temporary Prefect server for the whole session (it takes ~10 s to start)."""
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=120):
        yield


@pytest.fixture(scope="session")
def nlp():  # type: ignore[no-untyped-def]
    """The real spaCy model, loaded once per session, as the pipeline loads it."""
    from flows.etl import get_nlp
    from newsdesk.settings import Settings

    settings = Settings()
    return get_nlp(settings.spacy_model, settings.spacy_model_version)
