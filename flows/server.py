"""The Prefect servers newsdesk's commands talk to, and its helpers for child processes.

With PREFECT_API_URL unset, `run`, `reprocess` and `automations` share one local Prefect server
(`ensure_local`): the first command that needs it starts it as a detached process and later
commands reuse it, so a run costs its work and not a server's start, and the Prefect UI keeps
the history of every run. It keeps its own SQLite database under its own PREFECT_HOME in
newsdesk's data directory (`<data dir>/prefect`), never in newsdesk's Postgres (both keep an
`alembic_version` table). `server.json` there records its pid, port and Prefect version; a
record whose process is gone, or whose port answers something else or another version, is
replaced; `server.lock` keeps two commands from starting two servers. `stop_local` ends it.

`newsdesk serve` starts a server of its own instead (`served`), tied to its process. This module
imports no Prefect at import: the NER workers import it too.
"""

from __future__ import annotations

import contextlib
import http.client
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future
from dataclasses import asdict, dataclass
from functools import partial
from importlib.metadata import version as installed_version
from pathlib import Path

import psutil

from newsdesk.errors import NewsdeskError
from newsdesk.processes import ask_parent_death_signal

# How long a server may take to answer, and a process to exit on SIGTERM before SIGKILL. A first
# start migrates Prefect's empty SQLite database (about 8 s on the 2-core machine): 120 s leaves
# room for a loaded machine.
START_SECONDS = 120
STOP_SECONDS = 30

HOST = "127.0.0.1"
# The local server's port when free: fixed, so its UI keeps one address a user can bookmark,
# and beside Prefect's own default 4200 (which `newsdesk serve` and a user's `prefect server
# start` take) so they run side by side. When it is taken, the kernel picks a free port.
PREFERRED_PORT = 4201
# How long one request to a server may take before it counts as not answering.
REQUEST_SECONDS = 5.0
POLL_SECONDS = 0.1

Announce = Callable[[str], None]


@dataclass(frozen=True)
class LocalServer:
    """The local Prefect server as `server.json` records it."""

    pid: int
    port: int
    version: str  # the Prefect version it runs
    created: float  # its process's start time: a pid the kernel reused belongs to another

    @property
    def api_url(self) -> str:
        return f"http://{HOST}:{self.port}/api"

    @property
    def ui_url(self) -> str:
        return f"http://{HOST}:{self.port}"


def local_home(data_dir: Path) -> Path:
    """The local server's PREFECT_HOME: its database, record, lock and log."""
    return data_dir / "prefect"


def ensure_local(data_dir: Path, announce: Announce | None = None) -> LocalServer:
    """The data directory's Prefect server: the recorded one if it answers, else a new one."""
    home = local_home(data_dir)
    home.mkdir(parents=True, exist_ok=True)
    expected = installed_version("prefect")
    with _locked(home):
        server = _read(home)
        if server is not None and _is_ours(server):
            if _wait_answer(server.port, lambda: _is_ours(server)) == expected:
                return server
            _end(server.pid)  # hung, or running another Prefect version
        return _start(home, expected, announce or (lambda _: None))


def start_local_in_background(
    data_dir: Path, announce: Announce | None = None
) -> Future[LocalServer]:
    """`ensure_local` in a daemon thread, so a command does the rest of its start-up meanwhile."""
    future: Future[LocalServer] = Future()

    def run() -> None:
        try:
            future.set_result(ensure_local(data_dir, announce))
        except BaseException as exc:  # handed to the thread that waits for the server
            future.set_exception(exc)

    threading.Thread(target=run, name="newsdesk-prefect-server", daemon=True).start()
    return future


def stop_local(data_dir: Path) -> bool:
    """End the data directory's Prefect server; False when none was running."""
    home = local_home(data_dir)
    if not home.is_dir():
        return False
    with _locked(home):
        server = _read(home)
        (home / "server.json").unlink(missing_ok=True)
        if server is None or not _is_ours(server):
            return False
        _end(server.pid)
        return True


@contextlib.contextmanager
def talking_to(server: LocalServer) -> Iterator[None]:
    """Prefect's client settings for flows run against the local server."""
    from prefect.settings import (
        PREFECT_API_URL,
        PREFECT_FLOWS_HEARTBEAT_FREQUENCY,
        temporary_settings,
    )

    # No flow-run heartbeats: they only feed a zombie-run automation, which this server has
    # none of, and the engine joins the heartbeat thread at the end of every run, waiting out
    # its current one-second sleep (0.5 s a run on average, a quarter of a rerun's time).
    with temporary_settings(
        {PREFECT_API_URL: server.api_url, PREFECT_FLOWS_HEARTBEAT_FREQUENCY: None}
    ):
        yield


def _start(home: Path, expected: str, announce: Announce) -> LocalServer:
    """Start a server, record it before it answers (a command killed meanwhile leaves it to the
    next one), and wait until it answers; a port taken meanwhile is tried once more."""
    first = not (home / "prefect.db").exists()
    for port in (_free_port(PREFERRED_PORT), _free_port(0)):
        announce(
            f"newsdesk: starting a local Prefect server at http://{HOST}:{port}"
            + (" (its first start sets up its database, about 10 s)" if first else "")
        )
        process = _spawn(home, port)
        server = LocalServer(process.pid, port, expected, psutil.Process(process.pid).create_time())
        _write(home, server)
        answer = _wait_answer(port, partial(_running, process))
        if answer == expected:
            return server
        if process.poll() is None:
            _end(process.pid)
            raise NewsdeskError(
                f"the local Prefect server at {server.api_url} did not answer as Prefect "
                f"{expected} within {START_SECONDS} s ({answer or 'no answer'}); see "
                f"{home / 'server.log'}"
            )
    (home / "server.json").unlink(missing_ok=True)
    raise NewsdeskError(f"the local Prefect server did not start; see {home / 'server.log'}")


def _spawn(home: Path, port: int) -> subprocess.Popen[bytes]:
    """Prefect's server app under uvicorn, as `prefect server start --background` runs it, in a
    session of its own so that it outlives the command (and a Ctrl-C in its terminal)."""
    api = f"http://{HOST}:{port}/api"
    # Only these settings: a user's PREFECT_* variables and profiles belong to their own setup.
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")} | {
        "PREFECT_HOME": str(home),
        "PREFECT_API_DATABASE_CONNECTION_URL": f"sqlite+aiosqlite:///{home / 'prefect.db'}",
        "PREFECT_SERVER_API_HOST": HOST,
        "PREFECT_SERVER_API_PORT": str(port),
        "PREFECT_UI_API_URL": api,
        # No telemetry from a batch tool's server (its other services all run: idle, the server
        # takes about 2 % of a core).
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
        "PREFECT_SERVER_LOGGING_LEVEL": "WARNING",
        "PREFECT__SERVER_FINAL": "1",
    }
    command = [sys.executable, "-m", "uvicorn", "--factory", "prefect.server.api.server:create_app"]
    command += ["--host", HOST, "--port", str(port), "--log-level", "warning"]
    with (home / "server.log").open("ab") as log:
        return subprocess.Popen(
            command,
            cwd=home,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )


def _wait_answer(port: int, running: Callable[[], bool]) -> str | None:
    """The Prefect version the server on `port` reports, once it answers; None if its process
    ends or it does not answer within START_SECONDS. Something else on the port answers
    something else."""
    deadline = time.monotonic() + START_SECONDS
    while running() and time.monotonic() < deadline:
        try:
            return _version_at(port)
        except OSError:
            time.sleep(POLL_SECONDS)
    return None


def _version_at(port: int) -> str:
    """GET /api/admin/version (http.client: no proxy from the environment for a local port)."""
    connection = http.client.HTTPConnection(HOST, port, timeout=REQUEST_SECONDS)
    try:
        connection.request("GET", "/api/admin/version")
        response = connection.getresponse()
        body = response.read()
    finally:
        connection.close()
    if response.status != 200:
        return f"HTTP {response.status}"
    try:
        return str(json.loads(body))
    except ValueError:
        return body[:80].decode("utf-8", "replace")


def _free_port(preferred: int) -> int:
    """`preferred` if nothing listens on it (0: any free port)."""
    with socket.socket() as sock:
        # As uvicorn binds: a port left in TIME_WAIT by a stopped server counts as free.
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((HOST, preferred))
        except OSError:
            sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


def _running(process: subprocess.Popen[bytes]) -> bool:
    return process.poll() is None


def _is_ours(server: LocalServer) -> bool:
    """The recorded process is still running, and is the one recorded (not a reused pid)."""
    try:
        process = psutil.Process(server.pid)
        return process.create_time() == server.created and process.status() != psutil.STATUS_ZOMBIE
    except psutil.Error:
        return False


def _end(pid: int) -> None:
    """SIGTERM, and SIGKILL after STOP_SECONDS; gone already is fine."""
    try:
        process = psutil.Process(pid)
        process.terminate()
        try:
            process.wait(STOP_SECONDS)
        except psutil.TimeoutExpired:
            process.kill()
            process.wait(STOP_SECONDS)
    except psutil.NoSuchProcess:
        pass


def _read(home: Path) -> LocalServer | None:
    try:
        return LocalServer(**json.loads((home / "server.json").read_text()))
    except (OSError, ValueError, TypeError):
        return None


def _write(home: Path, server: LocalServer) -> None:
    """Replace the record whole (a reader never sees half of one)."""
    partial = home / "server.json.partial"
    partial.write_text(json.dumps(asdict(server)))
    partial.replace(home / "server.json")


@contextlib.contextmanager
def _locked(home: Path) -> Iterator[None]:
    """An exclusive lock on the server's record, across processes (released if one dies)."""
    import fcntl  # POSIX; imported here so that the NER workers import this module anywhere

    with (home / "server.lock").open("a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        yield


@contextlib.contextmanager
def served(port: int, announce: Announce) -> Iterator[None]:
    """`newsdesk serve`'s own Prefect server (its SQLite database under PREFECT_HOME), for as
    long as it serves; nothing when PREFECT_API_URL is set."""
    if os.environ.get("PREFECT_API_URL"):
        yield
        return
    api = f"http://{HOST}:{port}/api"
    announce(f"newsdesk: starting a local Prefect server at {api} (UI on port {port})")
    log_path = Path(os.environ.get("PREFECT_HOME", Path.home() / ".prefect")) / "server.log"
    log_path.parent.mkdir(parents=True, exist_ok=True)
    announce(f"newsdesk: the server logs to {log_path}")
    command = ["prefect", "server", "start", "--host", HOST, "--port", str(port)]
    # Prefect 3.8.8 starts none of its loop services (the scheduler among them) when
    # PREFECT_SERVER_ANALYTICS_ENABLED is false, so this server keeps the default.
    env = {k: v for k, v in os.environ.items() if k != "PREFECT_SERVER_ANALYTICS_ENABLED"}
    with log_path.open("ab") as log:
        # Tied to this process: a `newsdesk serve` killed outright does not leave it running.
        server = subprocess.Popen(
            tied_to_this_process([sys.executable, "-m", *command]),
            stdout=log,
            stderr=log,
            env=env,
        )
        try:
            wait_healthy(api, server)
            os.environ["PREFECT_API_URL"] = api
            yield
        finally:
            stop(server)


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


def _exec_tied(parent: int, command: list[str]) -> None:
    ask_parent_death_signal(signal.SIGTERM)
    if os.getppid() != parent:  # the parent died before the signal was asked for
        sys.exit(1)
    os.execv(command[0], command)


if __name__ == "__main__":
    _exec_tied(int(sys.argv[1]), sys.argv[2:])
