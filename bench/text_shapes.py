"""The scraped-text shapes of bench.text_extraction, built from the corpus' HTML pages.

Two shapes per page, as issue 14 defines them:

- **region**: the text of the smallest element whose text holds at least 90 % of the true
  body's word 4-grams (what a scraper that targets the article container writes);
- **page**: the same for the whole `<body>`.

Both are one line per block element, with `script`, `style`, `noscript`, `template` and
`head` dropped, whitespace folded inside a line. A page whose `<body>` text holds less than
90 % of its true body's 4-grams is left out: its true body is not in the visible text.

Each line also gets a label, "true" when it is part of the true body, for the oracle and for
training the line classifier (`label_lines`).
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterator
from dataclasses import dataclass
from urllib.parse import urlsplit

import numpy as np
from lxml import etree
from lxml import html as lxml_html

from bench.scoring import EXTRACTION, METADATA, NGRAM, load_json, read_page

# Dropped with everything inside them (the list).
DROPPED = frozenset(["script", "style", "noscript", "template", "head"])
# Elements a browser lays out as blocks (display: block, list-item, table rows and cells): each
# starts and ends a line. `br` breaks a line as well.
_BLOCK_TAGS = (
    "address article aside blockquote body center dd details dialog dir div dl dt fieldset"
    " figcaption figure footer form frameset h1 h2 h3 h4 h5 h6 header hgroup hr html legend li"
    " main menu nav ol p pre section summary table tbody thead tfoot tr td th caption ul br"
    " option select textarea iframe"
)
BLOCK = frozenset(_BLOCK_TAGS.split())
# The coverage: an element holds the true body when its text has 90 % of its 4-grams.
COVERAGE = 0.9
# A line is part of the true body when at least half of the 4-grams it takes part in are true
# 4-grams (the majority; lines are rarely half article and half furniture).
LINE_TRUE_SHARE = 0.5
_TOKEN = re.compile(r"\w+")
_SPACE = re.compile(r"\s+")
# Second-level labels under which a country code's sites register ("bbc.co.uk").
_SECOND_LEVEL = frozenset(["co", "com", "org", "net", "ac", "gov", "ne", "or", "edu"])


@dataclass
class Shaped:
    """One page of the corpus as scraped text, with the truth to score against."""

    key: str
    corpus: str  # "aeb" | "news-metadata"
    site: str
    true_body: str
    region: list[str]
    page: list[str]
    title: str | None = None  # the true title (news-metadata only; the AEB has none)
    authors: str | None = None  # the true authors, comma-separated (news-metadata only)
    date: str | None = None  # the true publication day, YYYY-MM-DD (news-metadata only)


def site_of(url: str) -> str:
    """The registered domain of a URL ("edition.cnn.com" -> "cnn.com")."""
    host = urlsplit(url if "//" in url else f"//{url}").netloc.lower().split(":")[0]
    labels = [part for part in host.split(".") if part]
    keep = 3 if len(labels) >= 3 and len(labels[-1]) == 2 and labels[-2] in _SECOND_LEVEL else 2
    return ".".join(labels[-keep:]) or host


def linearise(root: etree._Element) -> tuple[str, dict[etree._Element, tuple[int, int]]]:
    """The visible text of a tree, a newline around each block, and each element's char span."""
    parts: list[str] = []
    length = 0
    spans: dict[etree._Element, tuple[int, int]] = {}
    starts: dict[etree._Element, int] = {}
    walker = etree.iterwalk(root, events=("start", "end", "comment", "pi"))
    for event, element in walker:
        tag = element.tag if isinstance(element.tag, str) else ""
        if event in {"comment", "pi"}:
            if element.tail:
                parts.append(element.tail)
                length += len(element.tail)
            continue
        if event == "start":
            if tag.lower() in DROPPED:
                walker.skip_subtree()
                starts[element] = -1
                continue
            if tag.lower() in BLOCK:
                parts.append("\n")
                length += 1
            starts[element] = length
            if element.text:
                parts.append(element.text)
                length += len(element.text)
            continue
        start = starts.pop(element, -1)
        if start >= 0:
            if tag.lower() in BLOCK:
                parts.append("\n")
                length += 1
            spans[element] = (start, length)
        if element.tail and element is not root:
            parts.append(element.tail)
            length += len(element.tail)
    return "".join(parts), spans


def lines_of(text: str) -> list[str]:
    """Non-empty lines, whitespace folded inside each."""
    out = []
    for raw in text.split("\n"):
        line = _SPACE.sub(" ", raw).strip()
        if line:
            out.append(line)
    return out


def shape(html: str, true_body: str) -> tuple[list[str], list[str]] | None:
    """(region lines, page lines) of a page, or None when its body text lacks the true body."""
    try:
        tree = lxml_html.document_fromstring(html)
    except (etree.ParserError, ValueError):
        return None
    body = tree.find("body")
    root = body if body is not None else tree
    text, spans = linearise(root)
    true_ids = _true_ngram_ids(true_body)
    if not true_ids:
        return None
    tokens = list(_TOKEN.finditer(text))
    hits = _hits(tokens, true_ids)
    token_starts = [t.start() for t in tokens]
    needed = COVERAGE * len(true_ids)
    best: tuple[int, int] | None = None
    for start, end in sorted(set(spans.values()), key=lambda s: s[1] - s[0]):
        first = bisect.bisect_left(token_starts, start)
        last = bisect.bisect_left(token_starts, end)
        if last - first < needed:
            continue
        window = hits[first : max(first, last - NGRAM + 1)]
        if len(np.unique(window[window >= 0])) >= needed:
            best = (start, end)
            break
    if best is None:
        return None
    return lines_of(text[best[0] : best[1]]), lines_of(text)


def _true_ngram_ids(true_body: str) -> dict[tuple[str, ...], int]:
    """Each distinct 4-gram of the true body, numbered."""
    tokens = _TOKEN.findall(true_body)
    grams = dict.fromkeys(tuple(tokens[i : i + NGRAM]) for i in range(len(tokens) - NGRAM + 1))
    return {gram: n for n, gram in enumerate(grams)}


def _hits(tokens: list[re.Match[str]], ids: dict[tuple[str, ...], int]) -> np.ndarray:
    """Per token position, the id of the true 4-gram starting there (-1 for none)."""
    words = [t.group(0) for t in tokens]
    out = np.full(max(len(words), 1), -1, dtype=np.int64)
    for i in range(len(words) - NGRAM + 1):
        out[i] = ids.get(tuple(words[i : i + NGRAM]), -1)
    return out


def label_lines(lines: list[str], true_body: str) -> list[bool]:
    """Per line, whether it belongs to the true body.

    A line's 4-grams are those it takes part in, counted within the line together with the
    last three words of the line before it (or, when that gives none, the first three of the
    line after it, so a short subheading after a removed line is still judged by its text).
    """
    truth = set(_true_ngram_ids(true_body))
    words = [_TOKEN.findall(line) for line in lines]
    labels = []
    for i, own in enumerate(words):
        if not own:
            labels.append(False)
            continue
        before = words[i - 1][-(NGRAM - 1) :] if i else []
        after = words[i + 1][: NGRAM - 1] if i + 1 < len(words) else []
        shares = [_true_share(own, [], truth)] if len(own) >= NGRAM else []
        shares += [_true_share(own, before, truth, left=True), _true_share(own, after, truth)]
        known = [s for s in shares if s is not None]
        labels.append(bool(known) and max(known) >= LINE_TRUE_SHARE)
    return labels


def _true_share(
    own: list[str], context: list[str], truth: set[tuple[str, ...]], *, left: bool = False
) -> float | None:
    """Share of true 4-grams among those of own with context on one side (None: no 4-gram)."""
    seq = [*context, *own] if left else [*own, *context]
    offset = len(context) if left else 0
    grams = [
        tuple(seq[i : i + NGRAM])
        for i in range(len(seq) - NGRAM + 1)
        if i + NGRAM > offset and i < offset + len(own)
    ]
    if not grams:
        return None
    return sum(g in truth for g in grams) / len(grams)


def _sources() -> Iterator[tuple[str, str, str, str, str, dict[str, str | None]]]:
    """(key, corpus, url, html, true body, {"title", "authors", "date": the true values}) for
    every page of both corpora (the AEB has none of the three: an empty dict)."""
    if EXTRACTION.exists():
        truth = load_json(EXTRACTION / "ground-truth.json")
        for key in sorted(truth):
            html = read_page(EXTRACTION / "html" / f"{key}.html.gz")
            yield key, "aeb", truth[key].get("url", ""), html, truth[key]["articleBody"], {}
    if METADATA.exists():
        gold = load_json(METADATA / "articles.json")
        for key in sorted(gold):
            html = read_page(METADATA / "html" / f"{key}.html.gz")
            url = gold[key].get("url") or gold[key].get("site", "")
            body = gold[key].get("articleBody") or ""
            fields = {name: gold[key].get(name) or None for name in ("title", "authors", "date")}
            yield key, "news-metadata", url, html, body, fields


def build(limit: int | None = None) -> tuple[list[Shaped], list[tuple[str, str]]]:
    """Every page that has its true body in its visible text, and (key, corpus) of the rest."""
    kept: list[Shaped] = []
    left_out: list[tuple[str, str]] = []
    for n, (key, corpus, url, html, true_body, gold) in enumerate(_sources()):
        if limit is not None and n >= limit:
            break
        shapes = shape(html, true_body)
        if shapes is None:
            left_out.append((key, corpus))
            continue
        kept.append(
            Shaped(
                key,
                corpus,
                site_of(url),
                true_body,
                *shapes,
                title=gold.get("title"),
                authors=gold.get("authors"),
                date=gold.get("date"),
            )
        )
    return kept, left_out
