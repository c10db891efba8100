"""A real Prefect deployment, here: server on localhost, `prefect deploy` from prefect.yaml, a
process worker, runs triggered through the API, rows checked in Postgres, and the failure
automation's webhook received.

Marked `deployment` (and slow): `pytest -m "not deployment"` skips it; CI runs it.
"""

from __future__ import annotations

import http.server
import json
import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any, ClassVar

import pytest
from sqlalchemy import create_engine, text

from flows.server import stop, wait_healthy
from tests.conftest import REPO

pytestmark = [pytest.mark.deployment, pytest.mark.slow]

BIN = Path(sys.executable).parent
ARTICLE = """Council opens new cycle bridge

The River Council opened the Weir Street cycle bridge on Friday, council leader Hana Suzuki said.

Suzuki said the bridge would cut the school run by ten minutes for hundreds of families.
"""
SECOND = """Port authority reports record cargo

The Eastport Harbour Board handled more cargo in March than in any month on record, chief executive Lewis Grant said.

Grant credited the new container cranes.
"""


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="module")
def prefect_env(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    """A Prefect server on localhost with its own (SQLite) database, never newsdesk's."""
    home = tmp_path_factory.mktemp("prefect-home")
    port = _free_port()
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")},
        "PREFECT_HOME": str(home),
        "PREFECT_API_URL": f"http://127.0.0.1:{port}/api",
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
        "PREFECT_WORKER_QUERY_SECONDS": "1",
        "PREFECT_LOGGING_LEVEL": "INFO",
        "NEWSDESK_HOME": str(REPO),
    }
    log = open(home / "server.log", "wb")  # noqa: SIM115 - closed below
    server = subprocess.Popen(
        [str(BIN / "prefect"), "server", "start", "--host", "127.0.0.1", "--port", str(port)],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        wait_healthy(env["PREFECT_API_URL"], server)
        yield env
    finally:
        stop(server)
        log.close()


@pytest.fixture(scope="module")
def worker(prefect_env: dict[str, str]) -> Iterator[subprocess.Popen[bytes]]:
    """`prefect deploy --all` from the repo, then a process worker on the pool."""
    prefect = str(BIN / "prefect")
    run = {"env": prefect_env, "cwd": REPO, "capture_output": True, "text": True, "timeout": 180}
    pool = subprocess.run([prefect, "work-pool", "create", "newsdesk", "--type", "process"], **run)
    assert pool.returncode == 0, pool.stdout + pool.stderr
    deployed = subprocess.run([prefect, "--no-prompt", "deploy", "--all"], **run)
    assert deployed.returncode == 0, deployed.stdout + deployed.stderr
    log = open(Path(prefect_env["PREFECT_HOME"]) / "worker.log", "wb")  # noqa: SIM115
    process = subprocess.Popen(
        [prefect, "worker", "start", "--pool", "newsdesk", "--type", "process"],
        env=prefect_env,
        cwd=REPO,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    yield process
    stop(process)
    log.close()


def _trigger(env: dict[str, str], parameters: dict[str, Any], timeout: float = 300) -> Any:
    """Start a run of the deployment through the API and wait for it to end."""
    script = (
        "import json, sys\n"
        "from prefect.deployments import run_deployment\n"
        "run = run_deployment('newsdesk-inbox/inbox', parameters=json.loads(sys.argv[1]),"
        f" timeout={timeout})\n"
        "print(json.dumps({'state': run.state.type.value, 'message': run.state.message}))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script, json.dumps(parameters)],
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout + 60,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_deployment_run_loads_articles(
    prefect_env: dict[str, str], worker: subprocess.Popen[bytes], db_url: str, tmp_path: Path
) -> None:
    inbox, archive = tmp_path / "inbox", tmp_path / "archive"
    inbox.mkdir()
    (inbox / "bridge.txt").write_text(ARTICLE)
    (inbox / "port.txt").write_text(SECOND)
    result = _trigger(
        prefect_env,
        {"inbox": str(inbox), "archive_dir": str(archive), "database_url": db_url},
    )
    assert result["state"] == "COMPLETED", result
    engine = create_engine(db_url)
    with engine.connect() as conn:
        titles = set(conn.scalars(text("SELECT title FROM articles")))
        people = set(conn.scalars(text("SELECT name FROM people")))
        run = conn.execute(text("SELECT status, loaded, flow_run_id FROM pipeline_runs")).one()
    engine.dispose()
    assert titles == {"Council opens new cycle bridge", "Port authority reports record cargo"}
    assert {"Hana Suzuki", "Lewis Grant"} <= people
    assert (run.status, run.loaded) == ("completed", 2) and run.flow_run_id
    # Processed files moved to the archive; the inbox is empty for the next scheduled run.
    assert sorted(p.name for p in archive.iterdir()) == ["bridge.txt", "port.txt"]
    assert not any(inbox.iterdir())


class _Hook(http.server.BaseHTTPRequestHandler):
    received: ClassVar[list[dict[str, Any]]] = []

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length", 0))
        self.received.append(json.loads(self.rfile.read(length) or b"{}"))
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args: Any) -> None:
        pass


def test_failed_run_fails_and_notifies(
    prefect_env: dict[str, str], worker: subprocess.Popen[bytes], db_url: str, tmp_path: Path
) -> None:
    server = http.server.HTTPServer(("127.0.0.1", 0), _Hook)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        hook = f"http://127.0.0.1:{server.server_port}/alert"
        applied = subprocess.run(
            [str(BIN / "newsdesk"), "automations", "--webhook", hook],
            env=prefect_env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert applied.returncode == 0, applied.stderr
        result = _trigger(
            prefect_env, {"inbox": str(tmp_path / "no-such-inbox"), "database_url": db_url}
        )
        assert result["state"] == "FAILED"
        assert "is not a folder" in (result["message"] or "")
        deadline = time.monotonic() + 90
        while not _Hook.received and time.monotonic() < deadline:
            time.sleep(1)
        assert _Hook.received, "the failed-run automation sent no notification"
        assert "Failed" in json.dumps(_Hook.received[0])
    finally:
        server.shutdown()
