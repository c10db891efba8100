"""Body extraction on the Article Extraction Benchmark: newsdesk and trafilatura in one run.

    .venv/bin/python -m bench.extraction [--only newsdesk] [--limit N] [--show-worst K]

Metric (the benchmark's): per page, the sets of word 4-grams of the extracted and the true
body; precision = |shared| / |extracted|, recall = |shared| / |true|, each averaged over pages;
F1 from the averaged precision and recall. Seconds per page are wall time of extraction only
(the page is decoded once, outside the timer, and handed to both tools as the same string).
"""

from __future__ import annotations

import argparse
import sys
import time
import warnings
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.scoring import (
    EXTRACTION,
    Score,
    average,
    html_document,
    load_json,
    page_precision_recall,
    read_page,
)
from newsdesk.clean import clean
from newsdesk.errors import RejectError
from newsdesk.normalise import normalise

Extractor = Callable[[str, str], str]


def newsdesk_body(key: str, html: str) -> str:
    """The body newsdesk extracts (empty when it rejects the page)."""
    document = html_document(key, html)
    try:
        return normalise(document, clean(document)).body
    except RejectError:
        return ""


def trafilatura_body(key: str, html: str) -> str:
    """The body trafilatura 2.3.1 extracts with its defaults."""
    import trafilatura

    return trafilatura.extract(html) or ""


EXTRACTORS: dict[str, Extractor] = {"newsdesk": newsdesk_body, "trafilatura": trafilatura_body}


def pages(limit: int | None = None) -> list[tuple[str, str, str]]:
    """(id, html, true body) for every benchmark page."""
    truth = load_json(EXTRACTION / "ground-truth.json")
    keys = sorted(truth)[:limit]
    return [
        (k, read_page(EXTRACTION / "html" / f"{k}.html.gz"), truth[k]["articleBody"]) for k in keys
    ]


def run(
    extractors: dict[str, Extractor], corpus: list[tuple[str, str, str]]
) -> dict[str, tuple[Score, float, dict[str, tuple[float, float]]]]:
    """Per tool: averaged score, seconds per page and per-page (precision, recall).

    Tools take turns page by page, so a busy machine slows them alike.
    """
    pairs: dict[str, dict[str, tuple[float, float]]] = {name: {} for name in extractors}
    elapsed = dict.fromkeys(extractors, 0.0)
    for key, html, true in corpus:
        for name, extractor in extractors.items():
            started = time.perf_counter()
            body = extractor(key, html)
            elapsed[name] += time.perf_counter() - started
            pairs[name][key] = page_precision_recall(body, true)
    pages = max(len(corpus), 1)
    return {
        name: (average(list(pairs[name].values())), elapsed[name] / pages, pairs[name])
        for name in extractors
    }


def main() -> None:
    """Score the extractors and print one line each."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", choices=sorted(EXTRACTORS))
    parser.add_argument("--limit", type=int)
    parser.add_argument("--show-worst", type=int, default=0)
    args = parser.parse_args()
    if not EXTRACTION.exists():
        sys.exit(f"{EXTRACTION} is absent: the corpus lives beside the repo in ../shared")
    warnings.simplefilter("ignore")
    corpus = pages(args.limit)
    print(f"article-extraction-benchmark: {len(corpus)} pages")
    chosen = {n: e for n, e in EXTRACTORS.items() if not args.only or n == args.only}
    for name, (score, seconds, per_page) in run(chosen, corpus).items():
        print(
            f"{name:12s} P={score.precision:.4f} R={score.recall:.4f} F1={score.f1:.4f}"
            f"  {seconds * 1000:.1f} ms/page"
        )
        worst = sorted(per_page, key=lambda k: Score(*per_page[k]).f1)[: args.show_worst]
        for key in worst:
            precision, recall = per_page[key]
            print(f"    P={precision:.3f} R={recall:.3f} {key}")


if __name__ == "__main__":
    main()
