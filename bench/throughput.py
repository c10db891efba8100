"""Throughput and memory of the whole pipeline against bare spaCy NER, in the same run.

    .venv/bin/python -m bench.throughput                # N = 2,000, memory at 2,000 and 20,000
    .venv/bin/python -m bench.throughput --n 500 --memory-n 0 --memory-big 0   # a quick look

What it measures (every figure is a ratio against a baseline from the same run):
1. bare NER: `nlp.pipe` over exactly the texts the pipeline sends to the model (each article's
   cleaned title, standfirst and body), one process, the same model and components;
2. end to end: the ETL flow over the N files into a fresh database (Prefect's server already
   up, as in a deployment): reading, cleaning, normalising, NER, resolving, loading;
3. loading: mentions written per second by the load stage alone (documents, articles with
   their full-text index, near-duplicate index, entities, mentions: one transaction a batch),
   with the time of each of its steps, and the rate of the mention writes alone (entities
   upserted and mentions copied); and the load stage's rate again in the big memory run, to
   show it does not fall as the database grows;
4. a second run over the unchanged corpus, as a share of the first;
5. peak memory (RSS) of a whole run in a fresh process at N and at 10 x N: of the flow
   process, and of the flow process with its NER workers (sampled);
6. HTML cleaning against trafilatura on the extraction benchmark's pages, seconds per page.

The corpus is built from texts the team wrote (`samples/`) and, when `../shared/corpus` is
present, the bodies of its extraction benchmark and seeds; each generated article reorders and
drops paragraphs of one source and adds the page furniture newsdesk cleans, so every file is
distinct. Targets (issue "Throughput close to the NER limit"): end-to-end <= 1.3 x bare NER,
loading >= 20,000 mentions/s, memory(10 N) <= 1.2 x memory(N), second run <= 3 % of the first,
HTML cleaning no slower per page than trafilatura.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
CORPUS = REPO.parent / "shared" / "corpus"
FURNITURE = [
    "Advertisement",
    "Related posts",
    "Share this article",
    "Sign up for our morning newsletter",
    "Photo: Staff photographer",
]
# Paragraphs kept per generated article: 3 to 12 of its source's (about 290 words on average over
# the default corpus; 90 % between ~100 and ~600), so articles of one source overlap only in part.
MAX_PARAGRAPHS = 12


def source_texts() -> list[list[str]]:
    """Paragraph lists of the source articles: the team's samples, plus the corpus if present."""
    sources: list[list[str]] = []
    for path in sorted((REPO / "samples").glob("*.txt")):
        sources.append(_paragraphs(path.read_text()))
    truth = CORPUS / "article-extraction-benchmark" / "ground-truth.json"
    if truth.exists():
        for record in json.loads(truth.read_text()).values():
            sources.append(_paragraphs(record["articleBody"]))
    for path in sorted((CORPUS / "seeds").glob("*.txt")) if CORPUS.exists() else []:
        sources.append(_paragraphs(path.read_text()))
    return [s for s in sources if len(s) >= 3]


def _paragraphs(text: str) -> list[str]:
    return [p.strip() for p in text.split("\n") if len(p.split()) >= 8]


def build_corpus(folder: Path, n: int, seed: int = 7) -> Path:
    """Write n distinct scraped-looking articles into folder."""
    rng = random.Random(seed)
    sources = source_texts()
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(n):
        paragraphs = list(sources[i % len(sources)])
        rng.shuffle(paragraphs)
        body = paragraphs[: rng.randint(3, MAX_PARAGRAPHS)]
        lines = [f"Report {i}: " + " ".join(body[0].split()[:10]), ""]
        for p in body:
            lines += [p, ""]
            if rng.random() < 0.25:
                lines += [rng.choice(FURNITURE), ""]
        (folder / f"article-{i:06d}.txt").write_text("\n".join(lines))
    return folder


def ner_texts(folder: Path) -> tuple[list[str], int]:
    """The texts the pipeline sends to the model, and their word count."""
    from newsdesk import sources
    from newsdesk.clean import clean
    from newsdesk.normalise import normalise
    from newsdesk.records import RawDocument

    texts: list[str] = []
    for path in sources.discover([folder]):
        for doc in sources.read(path):
            if isinstance(doc, RawDocument):
                article = normalise(doc, clean(doc))
                texts += [t for t in (article.title, article.standfirst, article.body) if t]
    return texts, sum(len(t.split()) for t in texts)


def bare_ner_seconds(texts: list[str]) -> float:
    """One process, the pipeline's own model and components, nlp.pipe over the same texts."""
    from flows.etl import get_nlp
    from newsdesk.settings import get_settings

    settings = get_settings()
    nlp = get_nlp(settings.spacy_model, settings.spacy_model_version)
    list(nlp.pipe(texts[:50], batch_size=settings.nlp_batch_size))  # warm up
    started = time.perf_counter()
    for _ in nlp.pipe(texts, batch_size=settings.nlp_batch_size):
        pass
    return time.perf_counter() - started


def fresh_database() -> tuple[str, Any]:
    """A new empty database: on NEWSDESK_BENCH_DATABASE_URL's server, or an embedded one."""
    import uuid

    import psycopg
    from sqlalchemy import make_url

    server = os.environ.get("NEWSDESK_BENCH_DATABASE_URL")
    name = f"nd_bench_{uuid.uuid4().hex[:8]}"
    if server:
        admin = make_url(server).set(drivername="postgresql")
        keep = None
    else:
        import pgserver

        keep = tempfile.TemporaryDirectory(prefix="newsdesk-bench-pg-")
        pg = pgserver.get_server(Path(keep.name) / "pgdata", cleanup_mode="delete")
        admin = make_url(pg.get_uri("postgres"))
        keep = (keep, pg)
    with psycopg.connect(admin.render_as_string(hide_password=False), autocommit=True) as conn:
        conn.execute(f"CREATE DATABASE {name}")
    url = admin.set(drivername="postgresql+psycopg", database=name)
    return url.render_as_string(hide_password=False), keep


def run_flow(folder: Path, url: str) -> dict[str, Any]:
    """The ETL flow over folder; returns its summary with the wall time."""
    from flows.etl import etl

    started = time.perf_counter()
    summary = etl([str(folder)], database_url=url)
    summary["wall_seconds"] = time.perf_counter() - started
    return summary


def memory_of_run(n: int) -> tuple[int, int, dict[str, Any]]:
    """Peak RSS (bytes) of a whole run over n files in a fresh process: (flow process, tree),
    and the run's summary.

    The tree is the flow process plus its NER workers, summed, sampled every 0.2 s: the
    workers hold the model and the texts in flight, so a leak there shows. Prefect's own
    temporary server (a child too) is left out: in a deployment it is a separate service.
    """
    import psutil

    with tempfile.TemporaryDirectory(prefix="newsdesk-bench-mem-") as tmp:
        folder = build_corpus(Path(tmp) / "in", n)
        url, keep = fresh_database()
        code = (
            "import json, resource, sys\n"
            "from prefect.testing.utilities import prefect_test_harness\n"
            "from bench.throughput import run_flow\n"
            "with prefect_test_harness(server_startup_timeout=120):\n"
            "    summary = run_flow(__import__('pathlib').Path(sys.argv[1]), sys.argv[2])\n"
            "rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss\n"
            "print(json.dumps({'maxrss': rss, 'summary': summary}, default=str))\n"
        )
        with subprocess.Popen(
            [sys.executable, "-c", code, str(folder), url],
            cwd=REPO,
            stdout=subprocess.PIPE,
            text=True,
        ) as proc:
            tree_peak = 0
            flow = psutil.Process(proc.pid)
            while proc.poll() is None:
                tree_peak = max(tree_peak, _tree_rss(flow))
                time.sleep(0.2)
            out = proc.stdout.read() if proc.stdout else ""
        if proc.returncode:
            raise RuntimeError(f"the memory run over {n} files failed ({proc.returncode})")
        del keep
        last = json.loads(out.strip().splitlines()[-1])
        return int(last["maxrss"]) * 1024, tree_peak, last["summary"]


def _tree_rss(flow: Any) -> int:
    """RSS of the flow process and its children, Prefect's server excluded (0 once gone)."""
    import psutil

    try:
        total = flow.memory_info().rss
        for child in flow.children(recursive=True):
            try:
                command = child.cmdline()
                if "prefect" in " ".join(command) and "server" in command:
                    continue
                total += child.memory_info().rss
            except psutil.Error:
                continue
        return int(total)
    except psutil.Error:
        return 0


def html_seconds_per_page(limit: int) -> tuple[float, float, int]:
    """newsdesk's HTML cleaning and trafilatura's extraction, seconds per page, same pages."""
    import trafilatura

    from newsdesk.clean import clean
    from newsdesk.records import RawDocument

    pages = []
    html_dir = CORPUS / "article-extraction-benchmark" / "html"
    for path in sorted(html_dir.glob("*.html.gz"))[:limit]:
        html = gzip.decompress(path.read_bytes()).decode("utf-8", errors="replace")
        pages.append(html)
    if not pages:
        return float("nan"), float("nan"), 0
    docs = [
        RawDocument(f"p{i}", str(i), "text/html", b"", html, "utf-8")
        for i, html in enumerate(pages)
    ]
    timings = []
    for fn in (
        lambda: [_safe_clean(clean, d) for d in docs],
        lambda: [trafilatura.extract(h) for h in pages],
    ):
        fn()  # warm up both
        best = min(_timed(fn) for _ in range(3))
        timings.append(best / len(pages))
    return timings[0], timings[1], len(pages)


def _safe_clean(clean: Any, doc: Any) -> Any:
    try:
        return clean(doc)
    except Exception:  # a page the cleaner rejects still costs its time
        return None


def _timed(fn: Any) -> float:
    started = time.perf_counter()
    fn()
    return time.perf_counter() - started


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--n", type=int, default=2000, help="articles for the speed run")
    parser.add_argument("--memory-n", type=int, default=2000, help="articles, small memory run")
    parser.add_argument("--memory-big", type=int, default=20000, help="articles, big memory run")
    parser.add_argument("--html-pages", type=int, default=123, help="benchmark pages to time")
    parser.add_argument("--json", action="store_true", help="print the results as JSON too")
    args = parser.parse_args(argv)
    os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")
    # Stopping the test harness cancels its server's task-run recorder mid-flush, which logs a
    # traceback per pending event; a server error that matters fails the run anyway.
    os.environ.setdefault("PREFECT_SERVER_LOGGING_LEVEL", "CRITICAL")
    # The test harness needs no scheduler; without telemetry its SQLite sees no lock contention.
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    from prefect.testing.utilities import prefect_test_harness

    results: dict[str, Any] = {"n": args.n, "cores": os.cpu_count()}
    with tempfile.TemporaryDirectory(prefix="newsdesk-bench-") as tmp:
        folder = build_corpus(Path(tmp) / "in", args.n)
        texts, words = ner_texts(folder)
        results["words"] = words
        results["bare_ner_seconds"] = bare_ner_seconds(texts)
        url, keep = fresh_database()
        with prefect_test_harness(server_startup_timeout=120):
            first = run_flow(folder, url)
            second = run_flow(folder, url)
        del keep
    results["end_to_end_seconds"] = first["wall_seconds"]
    results["ratio_end_to_end_vs_bare_ner"] = first["wall_seconds"] / results["bare_ner_seconds"]
    results["articles_per_second"] = first["loaded"] / first["wall_seconds"]
    results["words_per_second"] = words / first["wall_seconds"]
    results["bare_ner_words_per_second"] = words / results["bare_ner_seconds"]
    results["stage_seconds"] = first["stage_seconds"]
    results["mentions"] = first["mentions"]
    results["load_mentions_per_second"] = load_rate(first)
    results["load_step_seconds"] = first["load_seconds"]
    writes = sum(first["load_seconds"].get(k, 0.0) for k in ("entities", "mentions"))
    results["mention_writes_per_second"] = first["mentions"] / writes if writes else float("nan")
    results["second_run_share"] = second["wall_seconds"] / first["wall_seconds"]
    results["loaded"], results["second_run_loaded"] = first["loaded"], second["loaded"]
    _report(results)  # the speed figures now: the memory runs take minutes
    if args.memory_n and args.memory_big:
        (small, small_tree, small_run), (big, big_tree, big_run) = (
            memory_of_run(args.memory_n),
            memory_of_run(args.memory_big),
        )
        memory = {
            "memory_small_n": args.memory_n,
            "memory_big_n": args.memory_big,
            "load_mentions_per_second_small": load_rate(small_run),
            "load_mentions_per_second_big": load_rate(big_run),
            "peak_rss_small_mb": small / 2**20,
            "peak_rss_big_mb": big / 2**20,
            "memory_ratio_big_vs_small": big / small,
            "peak_tree_small_mb": small_tree / 2**20,
            "peak_tree_big_mb": big_tree / 2**20,
            "memory_tree_ratio_big_vs_small": big_tree / small_tree,
        }
        results.update(memory)
        _report(memory)
    ours, theirs, pages = html_seconds_per_page(args.html_pages)
    html = {
        "html_pages": pages,
        "html_newsdesk_s_per_page": ours,
        "html_trafilatura_s_per_page": theirs,
    }
    results.update(html)
    _report(html)
    if args.json:
        print(json.dumps(results, indent=2))
    return 0


def load_rate(summary: dict[str, Any]) -> float:
    """Mentions written per second of the run's load stage."""
    seconds = summary["stage_seconds"].get("load")
    return summary["mentions"] / seconds if seconds else float("nan")


def verdict(ok: bool) -> str:
    """How a figure stands against its target."""
    return "met" if ok else "MISSED"


def _report(r: dict[str, Any]) -> None:
    if "n" not in r:
        _report_rest(r)
        return
    print(f"corpus: {r['n']} articles, {r['words']:,} words to NER, {r['cores']} cores")
    print(
        f"bare NER (1 process):  {r['bare_ner_seconds']:.1f} s "
        f"({r['bare_ner_words_per_second']:,.0f} words/s)"
    )
    print(
        f"end to end:            {r['end_to_end_seconds']:.1f} s "
        f"({r['articles_per_second']:.1f} articles/s, {r['words_per_second']:,.0f} words/s)"
    )
    ratio = r["ratio_end_to_end_vs_bare_ner"]
    print(f"  ratio end-to-end / bare NER = {ratio:.2f}  (target <= 1.30: {verdict(ratio <= 1.3)})")
    stages = ", ".join(f"{k} {v:.1f}s" for k, v in sorted(r["stage_seconds"].items()))
    print(f"  stages (flow thread): {stages}")
    rate = r["load_mentions_per_second"]
    print(
        f"loading: {r['mentions']:,} mentions at {rate:,.0f}/s "
        f"(target >= 20,000/s: {verdict(rate >= 20000)})"
    )
    steps = r["load_step_seconds"]
    total = sum(steps.values()) or 1.0
    print("  load steps: " + ", ".join(f"{k} {v:.2f}s ({v / total:.0%})" for k, v in steps.items()))
    print(f"  mention writes alone (entities + mentions): {r['mention_writes_per_second']:,.0f}/s")
    share = r["second_run_share"]
    print(
        f"second run: {share:.1%} of the first, {r['second_run_loaded']} loaded "
        f"(target <= 3%: {verdict(share <= 0.03)})"
    )
    _report_rest(r)


def _report_rest(r: dict[str, Any]) -> None:
    if "memory_ratio_big_vs_small" in r:
        small, big = r["load_mentions_per_second_small"], r["load_mentions_per_second_big"]
        print(
            f"loading as the database grows: {small:,.0f} mentions/s over {r['memory_small_n']:,}"
            f" articles, {big:,.0f}/s over {r['memory_big_n']:,} (ratio {big / small:.2f})"
        )
        mem, tree = r["memory_ratio_big_vs_small"], r["memory_tree_ratio_big_vs_small"]
        print(
            f"peak memory, flow process: {r['peak_rss_small_mb']:.0f} MB -> "
            f"{r['peak_rss_big_mb']:.0f} MB, ratio {mem:.2f} "
            f"(target <= 1.20: {verdict(mem <= 1.2)})"
        )
        print(
            f"peak memory, flow + NER workers: {r['peak_tree_small_mb']:.0f} MB -> "
            f"{r['peak_tree_big_mb']:.0f} MB, ratio {tree:.2f} "
            f"(target <= 1.20: {verdict(tree <= 1.2)})"
        )
    if r.get("html_pages"):
        ours, theirs = r["html_newsdesk_s_per_page"], r["html_trafilatura_s_per_page"]
        print(
            f"HTML cleaning: newsdesk {ours * 1000:.1f} ms/page, trafilatura "
            f"{theirs * 1000:.1f} ms/page over {r['html_pages']} pages, ratio "
            f"{ours / theirs:.2f} (target <= 1.00: {verdict(ours <= theirs)})"
        )


if __name__ == "__main__":
    sys.exit(main())
