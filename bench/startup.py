"""What a command costs as a whole process, start-up included, against loading the model.

    .venv/bin/python -m bench.startup                  # 5 runs of each, 600 articles
    .venv/bin/python -m bench.startup --runs 3 --n 200

Every figure is the median wall time of whole processes started as a user starts them (the
`newsdesk` script, a fresh HOME, no NEWSDESK_* or PREFECT_* settings), quoted as a ratio to the
yardstick measured in the same run, between the others: a process that imports spaCy and loads
the model. Each run of 1-4 has a data directory of its own:
1. the first `newsdesk run samples`: the embedded PostgreSQL created and the local Prefect
   server started (its database set up), the five samples loaded;
2. the same again, nothing new;
3. `newsdesk inspect --json` of one sample, and 4. the same with `--no-entities`; both after
   the run, with a database to learn boilerplate from, as a user meets them (and 4 once more
   before the first run, with no database yet);
5. N articles built as bench.throughput builds its corpus: their first run into a fresh
   database, the servers already up (so start-up is the process's own, not the servers'
   first start), and a rerun over the unchanged folder as a share of it.
Two floors no newsdesk change can go under, measured the same way: the local Prefect server's
first start on an empty data directory (Prefect migrates its new SQLite database), which the
first run waits for, and a process that imports Prefect's flow API, which every run pays.
Targets (issue "A run costs what its work costs"): 1 <= 4 x, 2 <= 1 x, 3 <= 1.5 x, 4 <= 0.5 x,
5 <= 3 %.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from bench.throughput import build_corpus

REPO = Path(__file__).resolve().parents[1]
NEWSDESK = str(Path(sys.executable).parent / "newsdesk")
SAMPLES = REPO / "samples"
ONE_SAMPLE = SAMPLES / "harbour-gazette-ferry-subsidy.txt"
TARGETS = {
    "first": 4.0,
    "rerun": 1.0,
    "inspect": 1.5,
    "inspect_ne": 0.5,
    "inspect_ne_bare": 0.5,
    "big_share": 0.03,
}
LABELS = {
    "first": "first `newsdesk run samples`, fresh HOME",
    "rerun": "the same again, nothing new",
    "inspect": "`inspect --json` of one file",
    "inspect_ne": "`inspect --json --no-entities` of one file",
    "inspect_ne_bare": "the same, before any database exists",
}
FLOORS = {
    "server": "floor: local Prefect server, first start",
    "prefect": "floor: a process importing prefect.flows",
}
SERVER_START = (
    "import sys; from pathlib import Path; from flows.server import ensure_local; "
    "ensure_local(Path(sys.argv[1]))"
)


def yardstick_seconds() -> float:
    """A process that imports spaCy and loads the pipeline's model."""
    from newsdesk.settings import Settings

    code = f"import spacy; spacy.load({Settings().spacy_model!r})"
    return _timed([sys.executable, "-c", code], os.environ.copy())


def _timed(command: list[str], env: dict[str, str]) -> float:
    """Wall seconds of one whole process; raises with its output if it fails."""
    started = time.perf_counter()
    done = subprocess.run(command, env=env, cwd=REPO, capture_output=True, text=True)
    seconds = time.perf_counter() - started
    if done.returncode:
        raise RuntimeError(f"{' '.join(command)} exited {done.returncode}:\n{done.stderr[-3000:]}")
    return seconds


@contextmanager
def fresh_user(root: Path, name: str) -> Iterator[dict[str, str]]:
    """The environment of a new user: empty HOME and data directory; servers stopped after."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("NEWSDESK_", "PREFECT_"))}
    env |= {"HOME": str(root / name / "home"), "NEWSDESK_DATA_DIR": str(root / name / "data")}
    Path(env["HOME"]).mkdir(parents=True)
    try:
        yield env
    finally:
        subprocess.run([NEWSDESK, "stop"], env=env, capture_output=True, timeout=120)
        shutil.rmtree(root / name, ignore_errors=True)


def small_runs(root: Path, runs: int, yardstick: list[float]) -> dict[str, list[float]]:
    """Figures 1-4, one fresh user per run, with a yardstick before each."""
    times: dict[str, list[float]] = {k: [] for k in (*LABELS, *FLOORS)}
    inspect = [NEWSDESK, "inspect", "--json", str(ONE_SAMPLE)]
    for i in range(runs):
        yardstick.append(yardstick_seconds())
        with fresh_user(root, f"user-{i}") as env:
            times["inspect_ne_bare"].append(_timed([*inspect, "--no-entities"], env))
            times["first"].append(_timed([NEWSDESK, "run", str(SAMPLES)], env))
            times["rerun"].append(_timed([NEWSDESK, "run", str(SAMPLES)], env))
            times["inspect"].append(_timed(inspect, env))
            times["inspect_ne"].append(_timed([*inspect, "--no-entities"], env))
        with fresh_user(root, f"server-{i}") as env:
            start = [sys.executable, "-c", SERVER_START, env["NEWSDESK_DATA_DIR"]]
            times["server"].append(_timed(start, env))
            times["prefect"].append(_timed([sys.executable, "-c", "import prefect.flows"], env))
        _progress(f"run {i + 1}/{runs}", times)
    return times


def big_runs(root: Path, n: int, runs: int, yardstick: list[float]) -> tuple[float, list[float]]:
    """Figure 5: the first run over n articles and `runs` reruns over the unchanged folder."""
    folder = build_corpus(root / "corpus", n)
    (root / "nothing").mkdir()
    with fresh_user(root, "big") as env:
        _timed([NEWSDESK, "run", str(root / "nothing")], env)  # both servers up, no articles
        yardstick.append(yardstick_seconds())
        first = _timed([NEWSDESK, "run", str(folder)], env)
        reruns = [_timed([NEWSDESK, "run", str(folder)], env) for _ in range(runs)]
    yardstick.append(yardstick_seconds())
    return first, reruns


def _progress(label: str, times: dict[str, list[float]]) -> None:
    last = ", ".join(f"{k} {v[-1]:.2f} s" for k, v in times.items() if v)
    print(f"  {label}: {last}", file=sys.stderr, flush=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=5, help="runs of each figure (median)")
    parser.add_argument("--n", type=int, default=600, help="articles for the rerun share")
    args = parser.parse_args(argv)
    yardstick: list[float] = []
    with tempfile.TemporaryDirectory(prefix="newsdesk-bench-startup-") as tmp:
        small = small_runs(Path(tmp), args.runs, yardstick)
        first, reruns = big_runs(Path(tmp), args.n, args.runs, yardstick)
    report(small, first, reruns, yardstick, args.n)
    return 0


def report(
    small: dict[str, list[float]],
    first: float,
    reruns: list[float],
    yardstick: list[float],
    n: int,
) -> None:
    """One table: median seconds, ratio to the yardstick (or share), target, verdict."""
    base = statistics.median(yardstick)
    print(f"yardstick (import spaCy, load the model): {base:.2f} s, median of {len(yardstick)}")
    print(f"{'figure':<48} {'seconds':>8} {'ratio':>8} {'target':>8}")
    for key, label in LABELS.items():
        seconds = statistics.median(small[key])
        _row(label, seconds, seconds / base, TARGETS[key], lambda r: f"{r:.2f} x")
    for key, label in FLOORS.items():
        seconds = statistics.median(small[key])
        print(f"{label:<48} {seconds:>8.2f} {seconds / base:>7.2f} x")
    rerun = statistics.median(reruns)
    _row(f"{n} articles: first run", first, None, None, str)
    _row(
        f"{n} articles: rerun, share of the first",
        rerun,
        rerun / first,
        TARGETS["big_share"],
        lambda r: f"{r:.1%}",
    )


def _row(
    label: str,
    seconds: float,
    ratio: float | None,
    target: float | None,
    shown: Callable[[float], str],
) -> None:
    if ratio is None or target is None:
        print(f"{label:<48} {seconds:>8.2f}")
        return
    verdict = "met" if ratio <= target else "NOT met"
    print(f"{label:<48} {seconds:>8.2f} {shown(ratio):>8} {shown(target):>8}  {verdict}")


if __name__ == "__main__":
    sys.exit(main())
