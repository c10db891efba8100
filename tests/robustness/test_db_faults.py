"""Database faults: a server restart or killed connections mid-run lose and duplicate nothing.

The restart uses a private PostgreSQL (pgserver) started for this test, never the shared
server; killed connections use pg_terminate_backend on this test's own database.
"""

from __future__ import annotations

import threading
import time
from pathlib import Path

import psycopg
import pytest
from sqlalchemy import make_url

from flows.etl import etl
from newsdesk.db import dispose_engines, normalise_url
from tests.robustness.helpers import scalar, snapshot, write_corpus

pytestmark = pytest.mark.slow

ARTICLES = 24


def _wait_for_articles(url: str, n: int, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if scalar(url, "SELECT count(*) FROM articles") >= n:
                return
        except Exception:  # the schema may not exist yet
            pass
        time.sleep(0.02)
    raise AssertionError(f"{n} articles never arrived")


def _run_until_complete(inbox: Path, url: str) -> tuple[list[str], dict[str, object]]:
    """Run the flow; a failed run must say why, and the next run must complete."""
    failures: list[str] = []
    for _ in range(2):
        try:
            return failures, etl([str(inbox)], batch_size=2, database_url=url)
        except Exception as exc:
            failures.append(f"{type(exc).__name__}: {exc}")
    raise AssertionError(f"two runs failed: {failures}")


def _assert_same_as_clean_run(url: str, reference_url: str, inbox: Path) -> None:
    clean = etl([str(inbox)], batch_size=8, database_url=reference_url)
    assert clean["loaded"] == ARTICLES
    orphans = scalar(
        url,
        "SELECT count(*) FROM documents d LEFT JOIN articles a ON a.document_id = d.id "
        "WHERE a.id IS NULL",
    )
    assert orphans == 0  # no document without its article: no half-loaded article
    got, want = snapshot(url), snapshot(reference_url)
    for table in want:
        assert got[table] == want[table], table


def test_server_restart_mid_run(prefect_harness: None, other_db_url: str, tmp_path: Path) -> None:
    import pgserver
    from pgserver._commands import pg_ctl  # type: ignore[attr-defined]

    inbox = tmp_path / "inbox"
    write_corpus(inbox, range(ARTICLES))
    server = pgserver.get_server(tmp_path / "pgdata", cleanup_mode="delete")
    try:
        server.psql("CREATE DATABASE newsdesk;")
        uri = server.get_uri("newsdesk")
        url = normalise_url(uri)
        outage: list[float] = []

        def restart() -> None:
            _wait_for_articles(url, 3)
            started = time.monotonic()
            pg_ctl(["-w", "-m", "fast", "stop"], pgdata=server.pgdata, user=server.system_user)
            time.sleep(2)  # down long enough for the run to notice
            server.ensure_postgres_running()
            outage.append(time.monotonic() - started)

        thread = threading.Thread(target=restart)
        thread.start()
        failures, summary = _run_until_complete(inbox, url)
        thread.join()
        assert outage, "the server was never restarted"
        assert server.get_uri("newsdesk") == uri
        print(f"server down {outage[0]:.1f} s; failed runs: {failures}")
        assert not failures, failures  # retries ride out a short restart
        assert summary["status"] == "completed"
        assert summary["loaded"] + summary["already_loaded"] == ARTICLES
        _assert_same_as_clean_run(url, other_db_url, inbox)
    finally:
        dispose_engines()
        server.cleanup()


def test_killed_connections_mid_run(
    prefect_harness: None, db_url: str, other_db_url: str, tmp_path: Path
) -> None:
    inbox = tmp_path / "inbox"
    write_corpus(inbox, range(ARTICLES))
    database = make_url(db_url).database
    admin = make_url(db_url).set(drivername="postgresql", database="postgres")
    killed: list[int] = []
    stop = threading.Event()

    def terminate() -> None:
        _wait_for_articles(db_url, 2)
        with psycopg.connect(admin.render_as_string(hide_password=False), autocommit=True) as c:
            while not stop.is_set() and len(killed) < 10:
                rows = c.execute(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                    "WHERE datname = %s AND pid <> pg_backend_pid()",
                    (database,),
                ).fetchall()
                killed.extend(1 for (ok,) in rows if ok)
                time.sleep(0.3)

    thread = threading.Thread(target=terminate)
    thread.start()
    try:
        failures, summary = _run_until_complete(inbox, db_url)
    finally:
        stop.set()
        thread.join()
    print(f"{len(killed)} connections killed; failed runs: {failures}")
    assert killed, "no connection was ever killed"
    for failure in failures:
        assert "connection" in failure.lower() or "terminat" in failure.lower(), failure
    assert summary["status"] == "completed"
    _assert_same_as_clean_run(db_url, other_db_url, inbox)
