"""NER worker processes exit with the flow process that started them, even a SIGKILLed one."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
# How long orphaned workers may linger: the kernel's signal is immediate, the portable watch
# polls every PARENT_POLL_SECONDS (1 s); the rest is slack for a busy machine.
DEADLINE_SECONDS = 15

# The pool of the flow: started from a short-lived thread (as a task runner's thread starts it),
# which must not stop the workers; then used from the main thread; then the owner waits to be
# killed. It prints the worker pids seen from each thread.
REAL_POOL = """
import os, sys, threading, time
from newsdesk.entities import pool as nlp_pool
from newsdesk.records import Article
from newsdesk.settings import get_settings

def pids():
    s = get_settings()
    article = Article("mem://a", "Ana Ruiz met Bo Chen", None, [], None, None, "Ana Ruiz spoke.")
    nlp_pool.extract([article, article], s.spacy_model, s.spacy_model_version, 64, 2)
    return sorted(p.pid for p in nlp_pool._pool._processes.values())

if __name__ == "__main__":
    seen = []
    thread = threading.Thread(target=lambda: seen.append(pids()))
    thread.start()
    thread.join()
    time.sleep(1)  # the starting thread is gone; its workers were signalled
    print(*seen[0], flush=True)
    print(*pids(), flush=True)
    time.sleep(600)
"""

# The portable watch alone (no prctl), with a pool of trivial workers.
POLLING_POOL = """
import multiprocessing, os, time
from concurrent.futures import ProcessPoolExecutor
from newsdesk.entities import pool as nlp_pool

def init():
    nlp_pool._ask_kernel = lambda parent: False
    nlp_pool.watch_parent()

if __name__ == "__main__":
    pool = ProcessPoolExecutor(2, mp_context=multiprocessing.get_context("spawn"), initializer=init)
    list(pool.map(time.sleep, [0.5, 0.5]))
    pids = sorted(p.pid for p in pool._processes.values())
    print(*pids, flush=True)
    print(*pids, flush=True)
    time.sleep(600)
"""


def _alive(pid: int) -> bool:
    """Running, not a zombie waiting for a reaper (a container's init may never reap it)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except FileNotFoundError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] not in ("Z", "X")


def _kill_owner(script: str, tmp_path: Path) -> tuple[list[int], list[int], list[int]]:
    """Run `script` and SIGKILL it once it has printed its worker pids.

    Returns the pids it printed (from its starting thread, then from its main thread) and those
    of its workers still alive after the deadline.
    """
    path = tmp_path / "owner.py"
    path.write_text(textwrap.dedent(script))
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    owner = subprocess.Popen(
        [sys.executable, str(path)], cwd=REPO, env=env, stdout=subprocess.PIPE, text=True
    )
    first: list[int] = []
    workers: list[int] = []
    try:
        assert owner.stdout is not None
        first = [int(p) for p in owner.stdout.readline().split()]
        workers = [int(p) for p in owner.stdout.readline().split()]
        assert len(workers) == 2 and all(_alive(p) for p in workers)
        os.kill(owner.pid, signal.SIGKILL)
        owner.wait()
        deadline = time.monotonic() + DEADLINE_SECONDS
        while any(_alive(p) for p in workers) and time.monotonic() < deadline:
            time.sleep(0.2)
        return first, workers, [p for p in workers if _alive(p)]
    finally:
        owner.kill()
        for pid in {*first, *workers}:
            if _alive(pid):  # a failed run must not leave them behind either
                os.kill(pid, signal.SIGKILL)


pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")


@pytest.mark.slow
def test_ner_workers_exit_with_a_killed_flow_process_not_with_its_threads(
    tmp_path: Path,
) -> None:
    first, workers, left = _kill_owner(REAL_POOL, tmp_path)
    assert first == workers  # the starting thread's end stopped no worker
    assert left == []


def test_the_portable_watch_ends_orphaned_workers_too(tmp_path: Path) -> None:
    _, workers, left = _kill_owner(POLLING_POOL, tmp_path)
    assert len(workers) == 2 and left == []


# A flow run in a multiprocessing child, as Prefect's runner starts one: it uses the pool and
# returns; the child must then exit on its own.
POOL_IN_CHILD = """
import multiprocessing, sys
from newsdesk.entities import pool as nlp_pool
from newsdesk.records import Article
from newsdesk.settings import get_settings

def flow_run():
    s = get_settings()
    article = Article("mem://a", "Ana Ruiz met Bo Chen", None, [], None, None, "Ana Ruiz spoke.")
    nlp_pool.extract([article, article], s.spacy_model, s.spacy_model_version, 64, 2)

if __name__ == "__main__":
    child = multiprocessing.get_context("spawn").Process(target=flow_run)
    child.start()
    child.join(timeout=float(sys.argv[1]))
    print(child.exitcode, flush=True)
    if child.exitcode is None:
        for worker in multiprocessing.active_children():
            worker.kill()
        child.kill()
"""


@pytest.mark.slow
def test_a_flow_run_process_with_a_pool_exits_when_done(tmp_path: Path) -> None:
    path = tmp_path / "runner.py"
    path.write_text(textwrap.dedent(POOL_IN_CHILD))
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    done = subprocess.run(
        [sys.executable, str(path), "90"], cwd=REPO, env=env, capture_output=True, text=True
    )
    assert done.stdout.strip() == "0", done.stderr[-2000:]
