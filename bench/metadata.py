"""Title, authors, date and body on the news-metadata corpus: newsdesk, trafilatura, newspaper4k.

    .venv/bin/python -m bench.metadata [--only newsdesk] [--limit N] [--show-misses FIELD]

Titles match after folding whitespace and quotes; authors compare as sets (case-insensitive,
periods read as spaces), F1 per page, and a page without gold authors scores 1 only when none
are returned; dates match on the same day; body is the 4-gram F1 of bench.extraction.
"""

from __future__ import annotations

import argparse
import re
import sys
import time
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.scoring import (
    METADATA,
    average,
    html_document,
    load_json,
    page_precision_recall,
    read_page,
)
from newsdesk.clean import clean
from newsdesk.errors import RejectError
from newsdesk.normalise import normalise

FIELDS = ("title", "authors", "date", "body")
_QUOTES = str.maketrans({"‘": "'", "’": "'", "“": '"', "”": '"', "«": '"', "»": '"'})


@dataclass
class Extracted:
    """What one tool read off one page."""

    title: str | None = None
    authors: list[str] = field(default_factory=list)
    date: str | None = None  # YYYY-MM-DD
    body: str = ""


def newsdesk_extract(key: str, html: str, url: str) -> Extracted:
    """newsdesk's clean + normalise."""
    document = html_document(key, html)
    try:
        article = normalise(document, clean(document))
    except RejectError:
        return Extracted()
    date = article.published_at.date().isoformat() if article.published_at else None
    return Extracted(article.title, article.authors, date, article.body)


def trafilatura_extract(key: str, html: str, url: str) -> Extracted:
    """trafilatura 2.3.1's bare_extraction with metadata."""
    import trafilatura

    doc = trafilatura.bare_extraction(html, url=url, with_metadata=True)
    if doc is None:
        return Extracted()
    authors = [a.strip() for a in (doc.author or "").split(";") if a.strip()]
    return Extracted(doc.title, authors, doc.date, doc.text or "")


def newspaper_extract(key: str, html: str, url: str) -> Extracted:
    """newspaper4k 0.9.6's Article.parse on the same HTML."""
    import newspaper

    # fetch_images=False: parsing must not go to the network for the top image.
    article = newspaper.Article(url, fetch_images=False)
    article.download(input_html=html)
    article.parse()
    date = article.publish_date.date().isoformat() if article.publish_date else None
    return Extracted(article.title, list(article.authors), date, article.text or "")


TOOLS: dict[str, Callable[[str, str, str], Extracted]] = {
    "newsdesk": newsdesk_extract,
    "trafilatura": trafilatura_extract,
    "newspaper4k": newspaper_extract,
}


def fold_title(title: str | None) -> str:
    """A title with quotes straightened and whitespace folded."""
    return " ".join((title or "").translate(_QUOTES).split()).casefold()


def fold_author(name: str) -> str:
    """An author name case-folded, periods read as spaces, whitespace folded."""
    return " ".join(name.replace(".", " ").casefold().split())


def author_f1(got: list[str], gold: str) -> float:
    """Set F1 of author names; no gold authors scores 1 only when none are returned."""
    want = {fold_author(a) for a in re.split(r",", gold) if a.strip()}
    have = {fold_author(a) for a in got if a.strip()}
    if not want:
        return 1.0 if not have else 0.0
    shared = len(want & have)
    if not shared:
        return 0.0
    precision, recall = shared / len(have), shared / len(want)
    return 2 * precision * recall / (precision + recall)


def score_page(got: Extracted, gold: dict[str, str]) -> dict[str, float | tuple[float, float]]:
    """Per-field scores of one page."""
    return {
        "title": float(fold_title(got.title) == fold_title(gold["title"])),
        "authors": author_f1(got.authors, gold.get("authors") or ""),
        "date": float(bool(got.date) and got.date == gold.get("date")),
        "body": page_precision_recall(got.body, gold.get("articleBody") or ""),
    }


def evaluate(
    tool: str, corpus: list[tuple[str, str, dict[str, str]]]
) -> tuple[dict[str, float], float, dict[str, dict]]:
    """Mean score per field, seconds per page, and per-page results for one tool."""
    extract = TOOLS[tool]
    pages: dict[str, dict] = {}
    elapsed = 0.0
    for key, html, gold in corpus:
        started = time.perf_counter()
        try:
            got = extract(key, html, gold.get("url", ""))
        except Exception:
            got = Extracted()
        elapsed += time.perf_counter() - started
        pages[key] = {"got": got, "score": score_page(got, gold)}
    means: dict[str, float] = {}
    for name in ("title", "authors", "date"):
        means[name] = sum(p["score"][name] for p in pages.values()) / max(len(pages), 1)
    means["body"] = average([p["score"]["body"] for p in pages.values()]).f1
    return means, elapsed / max(len(corpus), 1), pages


def corpus(limit: int | None = None) -> list[tuple[str, str, dict[str, str]]]:
    """(key, html, gold fields) for every page."""
    gold = load_json(METADATA / "articles.json")
    keys = sorted(gold)[:limit]
    return [(k, read_page(METADATA / "html" / f"{k}.html.gz"), gold[k]) for k in keys]


def main() -> None:
    """Score each tool and print one line per tool."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", choices=sorted(TOOLS))
    parser.add_argument("--limit", type=int)
    parser.add_argument("--show-misses", choices=FIELDS[:3])
    args = parser.parse_args()
    if not METADATA.exists():
        sys.exit(f"{METADATA} is absent: the corpus lives beside the repo in ../shared")
    warnings.simplefilter("ignore")
    pages = corpus(args.limit)
    print(f"news-metadata: {len(pages)} pages")
    gold = {k: g for k, _, g in pages}
    for tool in TOOLS:
        if args.only and tool != args.only:
            continue
        means, seconds, results = evaluate(tool, pages)
        fields = "  ".join(f"{name}={means[name]:.4f}" for name in FIELDS)
        print(f"{tool:12s} {fields}  {seconds * 1000:.1f} ms/page", flush=True)
        if args.show_misses:
            for key, result in results.items():
                if result["score"][args.show_misses] < 1:
                    got = getattr(result["got"], args.show_misses)
                    print(f"    {key[:10]} got={got!r} gold={gold[key][args.show_misses]!r}")


if __name__ == "__main__":
    main()
