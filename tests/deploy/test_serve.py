"""`newsdesk serve` on one machine: starts its own Prefect server and runs on its schedule."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from tests.deploy.test_deployment import ARTICLE, _free_port

pytestmark = [pytest.mark.deployment, pytest.mark.slow]


def test_serve_runs_the_inbox_on_its_schedule(db_url: str, tmp_path: Path) -> None:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "bridge.txt").write_text(ARTICLE)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PREFECT_", "NEWSDESK_"))}
    env |= {"PREFECT_HOME": str(tmp_path / "prefect"), "NEWSDESK_DATABASE_URL": db_url}
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
