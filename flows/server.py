"""A Prefect server run as a child process: waiting for it to answer, and stopping it.

`newsdesk serve` (which starts its own server) and the deployment tests share these.
"""

from __future__ import annotations

import subprocess
import time
import urllib.request

from newsdesk.errors import NewsdeskError

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
