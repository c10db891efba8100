"""A child tied to its parent (`newsdesk serve`'s Prefect server) dies with it, even by SIGKILL."""

from __future__ import annotations

import signal
import subprocess
import sys
import time

import psutil
import pytest

from flows.server import tied_to_this_process

# A parent that starts a tied `sleep`, reports its pid, and waits to be killed.
PARENT = (
    "import subprocess, sys, time\n"
    "from flows.server import tied_to_this_process\n"
    "child = subprocess.Popen(tied_to_this_process(['/bin/sleep', '120']))\n"
    "print(child.pid, flush=True)\n"
    "time.sleep(120)\n"
)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="parent-death signal is Linux's")
def test_a_tied_child_exits_when_its_parent_is_killed() -> None:
    parent = subprocess.Popen([sys.executable, "-c", PARENT], stdout=subprocess.PIPE, text=True)
    assert parent.stdout is not None
    child = psutil.Process(int(parent.stdout.readline()))
    deadline = time.monotonic() + 10
    while child.name() != "sleep" and time.monotonic() < deadline:  # until the exec is done
        time.sleep(0.05)
    assert child.name() == "sleep" and child.is_running()
    parent.send_signal(signal.SIGKILL)
    parent.wait()
    _, alive = psutil.wait_procs([child], timeout=10)
    for process in alive:
        process.kill()
    assert not alive, "the child outlived its SIGKILLed parent"


def test_an_untied_child_outlives_its_parent_so_the_test_above_means_something() -> None:
    code = PARENT.replace("tied_to_this_process(['/bin/sleep', '120'])", "['/bin/sleep', '120']")
    parent = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
    assert parent.stdout is not None
    child = psutil.Process(int(parent.stdout.readline()))
    parent.send_signal(signal.SIGKILL)
    parent.wait()
    time.sleep(1)
    try:
        assert child.is_running()
    finally:
        child.kill()


def test_tying_keeps_the_command() -> None:
    assert tied_to_this_process(["/bin/true", "x"])[-2:] == ["/bin/true", "x"]
