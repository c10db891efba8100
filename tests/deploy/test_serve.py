"""`newsdesk serve` on one machine: starts its own Prefect server and runs on its schedule."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import psutil
import pytest
from sqlalchemy import create_engine, text

from flows.server import wait_healthy
from tests.deploy.test_deployment import ARTICLE, _free_port

pytestmark = [pytest.mark.deployment, pytest.mark.slow]


def _serve_env(db_url: str, tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PREFECT_", "NEWSDESK_"))}
    return env | {"PREFECT_HOME": str(tmp_path / "prefect"), "NEWSDESK_DATABASE_URL": db_url}


def test_serve_runs_the_inbox_on_its_schedule(db_url: str, tmp_path: Path) -> None:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "bridge.txt").write_text(ARTICLE)
    env = _serve_env(db_url, tmp_path)
    # Faster loops than production's, so the first scheduled run comes within seconds.
    env |= {
        "PREFECT_SERVER_SERVICES_SCHEDULER_LOOP_SECONDS": "5",
        "PREFECT_RUNNER_POLL_FREQUENCY": "2",
    }
    log = open(tmp_path / "serve.log", "wb")  # noqa: SIM115 - closed below
    serve = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "newsdesk"),
            "serve",
            "--inbox",
            str(inbox),
            "--interval",
            "5",
            "--port",
            str(_free_port()),
        ],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    engine = create_engine(db_url)
    try:
        deadline, loaded = time.monotonic() + 240, 0
        while time.monotonic() < deadline and not loaded and serve.poll() is None:
            time.sleep(3)
            with engine.connect() as conn:
                if conn.scalar(text("SELECT to_regclass('articles')")):
                    loaded = conn.scalar(text("SELECT count(*) FROM articles")) or 0
        assert loaded == 1, (tmp_path / "serve.log").read_text()[-3000:]
    finally:
        serve.send_signal(signal.SIGINT)
        try:
            serve.wait(timeout=60)
        except subprocess.TimeoutExpired:
            serve.kill()
        log.close()
        engine.dispose()


def test_a_killed_serve_does_not_leave_its_prefect_server_running(
    db_url: str, tmp_path: Path
) -> None:
    port = _free_port()
    (tmp_path / "inbox").mkdir()
    serve = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "newsdesk"),
            "serve",
            "--inbox",
            str(tmp_path / "inbox"),
            "--interval",
            "3600",
            "--port",
            str(port),
        ],
        env=_serve_env(db_url, tmp_path),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_healthy(f"http://127.0.0.1:{port}/api", serve)
        children = psutil.Process(serve.pid).children(recursive=True)
        assert children, "serve started no Prefect server"
    finally:
        serve.kill()  # no chance to stop its server itself
        serve.wait()
    _, alive = psutil.wait_procs(children, timeout=60)
    for process in alive:
        process.kill()
    assert not alive, [p.cmdline() for p in alive]
