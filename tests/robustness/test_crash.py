"""Crash safety: a run killed with SIGKILL part-way, then run again, equals one clean run.

The killed run is a real `etl` flow in a child process (reporting to the session's Prefect
server); it is killed once some articles are in. Table contents (not just counts) are then
compared with a clean single run into another database.
"""

from __future__ import annotations

import signal
import subprocess
import time
from pathlib import Path

import pytest
from sqlalchemy import Engine, text

from flows.etl import etl
from tests.robustness.helpers import PYTHON, scalar, snapshot, subprocess_env, write_corpus

ARTICLES = 40
CHILD = """
import sys
from flows.etl import etl
etl([sys.argv[1]], batch_size=2, database_url=sys.argv[2])
"""


def _kill_after_some_articles(inbox: Path, url: str) -> int:
    """Start a run in a child process, SIGKILL it once a few articles are in; returns how many."""
    child = subprocess.Popen(
        [PYTHON, "-c", CHILD, str(inbox), url],
        env=subprocess_env(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    deadline = time.monotonic() + 120
    try:
        while time.monotonic() < deadline and child.poll() is None:
            if scalar(url, "SELECT count(*) FROM articles") >= 3:
                break
            time.sleep(0.02)
        assert child.poll() is None, child.stderr.read().decode()[-2000:] if child.stderr else ""
        child.send_signal(signal.SIGKILL)
    finally:
        child.kill()
        child.wait()
    return int(scalar(url, "SELECT count(*) FROM articles"))


@pytest.mark.slow
def test_killed_run_then_rerun_equals_one_clean_run(
    prefect_harness: None, db_url: str, other_db_url: str, tmp_path: Path
) -> None:
    inbox = tmp_path / "inbox"
    write_corpus(inbox, range(ARTICLES))
    (inbox / "empty.txt").write_text("\n")

    loaded_when_killed = _kill_after_some_articles(inbox, db_url)
    assert 0 < loaded_when_killed < ARTICLES, "the kill came too late to test anything"
    print(f"killed with {loaded_when_killed} of {ARTICLES} articles loaded")
    # No half-loaded article: every document has its article (they share one transaction).
    orphans = scalar(
        db_url,
        "SELECT count(*) FROM documents d LEFT JOIN articles a ON a.document_id = d.id "
        "WHERE a.id IS NULL",
    )
    assert orphans == 0
    killed = scalar(db_url, "SELECT status FROM pipeline_runs ORDER BY id LIMIT 1")
    assert killed == "running"  # a SIGKILL leaves no chance to close the row

    rerun = etl([str(inbox)], batch_size=8, database_url=db_url)
    clean = etl([str(inbox)], batch_size=8, database_url=other_db_url)

    statuses = scalar(db_url, "SELECT string_agg(status, ',' ORDER BY id) FROM pipeline_runs")
    assert statuses == "crashed,completed"  # the rerun closed the killed run's row
    assert "killed" in scalar(db_url, "SELECT error FROM pipeline_runs ORDER BY id LIMIT 1")
    assert rerun["loaded"] + rerun["already_loaded"] == ARTICLES
    assert rerun["already_loaded"] == loaded_when_killed
    assert clean["loaded"] == ARTICLES
    assert rerun["inputs_seen"] == clean["inputs_seen"] == ARTICLES + 1
    after_rerun, after_clean = snapshot(db_url), snapshot(other_db_url)
    for table in after_clean:
        assert after_rerun[table] == after_clean[table], table
    assert len(after_clean["mentions"]) > ARTICLES  # the comparison covered real content


def test_dead_runs_are_closed_and_live_ones_left_alone(engine: Engine) -> None:
    from newsdesk import load

    live = load.start_run(engine, "live")
    with engine.begin() as conn:  # a row whose process died: nobody holds its lock
        dead = conn.scalar(
            text("INSERT INTO pipeline_runs (pipeline_version) VALUES ('0') RETURNING id")
        )
    assert load.close_dead_runs(engine) == [dead]
    load.finish_run(engine, live, load.LoadCounts(), "completed")
    url = engine.url.render_as_string(hide_password=False)
    assert scalar(url, "SELECT status FROM pipeline_runs WHERE id = :i", i=dead) == "crashed"
    assert scalar(url, "SELECT status FROM pipeline_runs WHERE id = :i", i=live) == "completed"
