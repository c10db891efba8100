"""Title, authors, date and body on the news-metadata corpus: newsdesk, trafilatura, newspaper4k.

    .venv/bin/python -m bench.metadata [--only newsdesk] [--limit N] [--show-misses FIELD]
        [--sites all|dev|held-out] [--without-url]

Titles match after folding whitespace and quotes; authors compare as sets (case-insensitive,
periods read as spaces), F1 per page, and a page without gold authors scores 1 only when none
are returned; dates match on the same day; body is the 4-gram F1 of bench.extraction.

Every tool is given the page's URL (newsdesk as a record's `url`, as JSON Lines and WARC input
carry it; `--without-url` leaves it out for newsdesk). Date misses are counted by cause (see
`date_cause`) in a table per tool. `--sites dev` / `held-out` keeps half of the sites each
(split by a hash of the site, so a site's pages stay together): date rules are studied on
the dev half and judged on the held-out half.
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import re
import sys
import time
import warnings
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
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
from newsdesk.normalise import normalise, parse_date
from newsdesk.records import RawDocument

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
    """newsdesk's clean + normalise, the URL given as a record field (as JSON Lines carry it)."""
    document = html_document(key, html)
    if url and WITH_URL:
        raw = document.raw
        document = RawDocument(
            document.source_uri,
            hashlib.sha256(raw).hexdigest(),
            "text/html",
            raw,
            html,
            "utf-8",
            {"url": url},
        )
    try:
        article = normalise(document, clean(document))
    except RejectError:
        return Extracted()
    date_ = article.published_at.date().isoformat() if article.published_at else None
    return Extracted(article.title, article.authors, date_, article.body)


WITH_URL = True


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


# Why a date was missed, tested in this order: one day off (a timestamp read in another
# zone); the page's modified stamp taken (a day its updated/modified keys give and its
# published keys do not); the gold day is that modified stamp (the annotator read the updated
# date the page shows); the gold day written nowhere in the page or its URL but the tool's
# day differs from it only in the year (the annotator's year slipped, as when a story of
# January names the new year); the gold day written nowhere at all; another day the page
# writes (a related story's, a copyright or a comment date); no date returned though the page
# writes the gold day.
DATE_CAUSES = (
    "zone shift",
    "updated taken for published",
    "gold is the updated date",
    "gold year off",
    "no date on page",
    "a related story's date",
    "none chosen",
    "other",
)
_ISO_DAY = re.compile(r"((?:19|20)\d{2})[-/.]([01]?\d)[-/.]([0-3]?\d)(?!\d)")
_TEXT_DAY = re.compile(
    r"(?:[A-Za-z]{3,9}\.?\s+\d{1,2}(?:st|nd|rd|th)?,?\s+(?:19|20)\d{2})"
    r"|(?:\d{1,2}(?:st|nd|rd|th)?\s+(?:of\s+)?[A-Za-z]{3,9}\.?,?\s+(?:19|20)\d{2})"
)
_MODIFIED = re.compile(
    r"(?:datemodified|modified_time|updated_time|dateupdated|last-modified|lastmod)"
    r"[\"'\s:=]+(?:content=)?[\"']?([^\"'<>]{8,40})",
    re.IGNORECASE,
)

_PUBLISHED = re.compile(
    r"(?:datepublished|published_time|pubdate|publish-date|datecreated)"
    r"[\"'\s:=]+(?:content=)?[\"']?([^\"'<>]{8,40})",
    re.IGNORECASE,
)


def page_days(html: str, url: str) -> set[str]:
    """Every day the page (markup and text) or its URL writes, as YYYY-MM-DD."""
    days: set[str] = set()
    for text in (html, url):
        for y, m, d in _ISO_DAY.findall(text):
            try:
                days.add(date(int(y), int(m), int(d)).isoformat())
            except ValueError:
                continue
        for match in _TEXT_DAY.findall(text):
            parsed = parse_date(match)
            if parsed:
                days.add(parsed.date().isoformat())
    url_day = re.search(r"/((?:19|20)\d{2})/(\d{1,2})/(\d{1,2})(?:/|$)", url)
    if url_day:
        y, m, d = (int(g) for g in url_day.groups())
        with contextlib.suppress(ValueError):
            days.add(date(y, m, d).isoformat())
    return days


def stamped_days(html: str, pattern: re.Pattern[str]) -> set[str]:
    """The days of the page's timestamps under keys matching pattern."""
    found = (parse_date(v) for v in pattern.findall(html))
    return {d.date().isoformat() for d in found if d}


def date_cause(got: str | None, gold: str, html: str, url: str) -> str:
    """Why a tool's date differs from the gold day (a miss; see DATE_CAUSES)."""
    if got and abs(date.fromisoformat(got) - date.fromisoformat(gold)) == timedelta(days=1):
        return "zone shift"
    modified, published = stamped_days(html, _MODIFIED), stamped_days(html, _PUBLISHED)
    if got and got in modified - published:
        return "updated taken for published"
    if gold in modified - published:
        return "gold is the updated date"
    days = page_days(html, url)
    if gold not in days and got and got[4:] == gold[4:]:
        return "gold year off"
    if gold not in days:
        return "no date on page"
    if got and got in days:
        return "a related story's date"
    if not got:
        return "none chosen"
    return "other"


def in_half(site: str, half: str) -> bool:
    """Whether a site falls in the dev or held-out half (a stable hash of its name)."""
    if half == "all":
        return True
    return (zlib.crc32(site.encode()) % 2 == 0) == (half == "dev")


def main() -> None:
    """Score each tool and print one line per tool, then the date misses by cause."""
    global WITH_URL
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", choices=sorted(TOOLS))
    parser.add_argument("--limit", type=int)
    parser.add_argument("--show-misses", choices=FIELDS[:3])
    parser.add_argument("--sites", choices=("all", "dev", "held-out"), default="all")
    parser.add_argument("--without-url", action="store_true", help="newsdesk without the URL")
    args = parser.parse_args()
    if not METADATA.exists():
        sys.exit(f"{METADATA} is absent: the corpus lives beside the repo in ../shared")
    WITH_URL = not args.without_url
    warnings.simplefilter("ignore")
    pages = [p for p in corpus(args.limit) if in_half(p[2].get("site", ""), args.sites)]
    print(f"news-metadata: {len(pages)} pages ({args.sites} sites)")
    gold = {k: g for k, _, g in pages}
    html = {k: h for k, h, _ in pages}
    causes: dict[str, dict[str, int]] = {}
    for tool in TOOLS:
        if args.only and tool != args.only:
            continue
        means, seconds, results = evaluate(tool, pages)
        fields = "  ".join(f"{name}={means[name]:.4f}" for name in FIELDS)
        print(f"{tool:12s} {fields}  {seconds * 1000:.1f} ms/page", flush=True)
        causes[tool] = dict.fromkeys(DATE_CAUSES, 0)
        for key, result in results.items():
            if result["score"]["date"] < 1:
                cause = date_cause(
                    result["got"].date, gold[key]["date"], html[key], gold[key].get("url", "")
                )
                causes[tool][cause] += 1
                if args.show_misses == "date" and tool == "newsdesk":
                    print(
                        f"    {key[:10]} [{cause}] got={result['got'].date!r} "
                        f"gold={gold[key]['date']!r} {gold[key].get('url', '')}"
                    )
        if args.show_misses and args.show_misses != "date":
            for key, result in results.items():
                if result["score"][args.show_misses] < 1:
                    got = getattr(result["got"], args.show_misses)
                    print(f"    {key[:10]} got={got!r} gold={gold[key][args.show_misses]!r}")
    print("\ndate misses by cause:")
    print(f"{'cause':30s}" + "".join(f"{tool:>13s}" for tool in causes))
    for cause in DATE_CAUSES:
        print(f"{cause:30s}" + "".join(f"{c[cause]:13d}" for c in causes.values()))
    print(f"{'total':30s}" + "".join(f"{sum(c.values()):13d}" for c in causes.values()))


if __name__ == "__main__":
    main()
