"""A Prefect server run as a child process: tying it to its parent, waiting for it to answer,
and stopping it.

`newsdesk serve` (which starts its own server) and the deployment tests share these.
"""

from __future__ import annotations

import ctypes
import os
import signal
import subprocess
import sys
import time
import urllib.request
from collections.abc import Sequence

from newsdesk.errors import NewsdeskError

_PR_SET_PDEATHSIG = 1  # from <linux/prctl.h>

# How long a server may take to answer, and a process to exit on SIGTERM before SIGKILL.
START_SECONDS = 120
STOP_SECONDS = 30


def wait_healthy(api: str, server: subprocess.Popen[bytes], timeout: float = START_SECONDS) -> None:
    """Return once the server at `api` answers its health check; raise if it exits or is slow."""
    deadline = time.monotonic() + timeout
    while True:
        if server.poll() is not None:
            raise NewsdeskError(
                f"the Prefect server for {api} exited with code {server.returncode} before "
                "answering (is its port free?)"
            )
        try:
            with urllib.request.urlopen(f"{api}/health", timeout=2):
                return
        except OSError:
            if time.monotonic() > deadline:
                raise NewsdeskError(
                    f"the Prefect server at {api} did not answer within {timeout:.0f} s"
                ) from None
            time.sleep(0.5)


def stop(process: subprocess.Popen[bytes], grace: float = STOP_SECONDS) -> None:
    """SIGTERM, and SIGKILL if it is still shutting down after `grace` seconds."""
    process.terminate()
    try:
        process.wait(timeout=grace)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=grace)


def tied_to_this_process(command: Sequence[str]) -> list[str]:
    """`command` started so that it gets SIGTERM when this process dies, even by SIGKILL.

    On Linux the child asks the kernel for a parent-death signal (which survives the exec into
    `command`); elsewhere `command` is returned unchanged. Start it from a thread that lives as
    long as the process (the kernel signals when the starting *thread* ends).
    """
    if not sys.platform.startswith("linux"):
        return list(command)
    return [sys.executable, "-m", "flows.server", str(os.getpid()), *command]


def ask_parent_death_signal(signum: int) -> bool:
    """Have Linux send `signum` to this process when the thread that started it ends (with its
    process, even by SIGKILL); False where the kernel cannot."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        return int(libc.prctl(_PR_SET_PDEATHSIG, int(signum), 0, 0, 0)) == 0
    except (OSError, AttributeError):
        return False


def _exec_tied(parent: int, command: list[str]) -> None:
    ask_parent_death_signal(signal.SIGTERM)
    if os.getppid() != parent:  # the parent died before the signal was asked for
        sys.exit(1)
    os.execv(command[0], command)


if __name__ == "__main__":
    _exec_tied(int(sys.argv[1]), sys.argv[2:])
