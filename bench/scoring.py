"""Shared pieces of the benchmarks: corpus paths, page decoding, the 4-gram body metric."""

from __future__ import annotations

import gzip
import hashlib
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from newsdesk.records import RawDocument
from newsdesk.sources import decode

CORPUS = Path(__file__).resolve().parents[1] / ".." / "shared" / "corpus"
EXTRACTION = CORPUS / "article-extraction-benchmark"
METADATA = CORPUS / "news-metadata"
FLOORS = Path(__file__).resolve().with_name("floors.json")
# The benchmark's shingles: word 4-grams of \w+ tokens.
NGRAM = 4
_TOKEN = re.compile(r"\w+")
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([\w-]+)""", re.IGNORECASE)


@dataclass
class Score:
    """Averaged precision and recall over pages, and F1 from the averages."""

    precision: float
    recall: float

    @property
    def f1(self) -> float:
        """Harmonic mean of the averaged precision and recall."""
        total = self.precision + self.recall
        return 2 * self.precision * self.recall / total if total else 0.0


def shingles(text: str) -> set[tuple[str, ...]]:
    """The set of word 4-grams of a text."""
    tokens = _TOKEN.findall(text)
    return {tuple(tokens[i : i + NGRAM]) for i in range(len(tokens) - NGRAM + 1)}


def page_precision_recall(extracted: str, true: str) -> tuple[float, float]:
    """Per-page precision and recall of extracted 4-grams against the true ones."""
    got, want = shingles(extracted), shingles(true)
    if not got and not want:
        return 1.0, 1.0
    shared = len(got & want)
    precision = shared / len(got) if got else 0.0
    recall = shared / len(want) if want else 0.0
    return precision, recall


def average(pairs: list[tuple[float, float]]) -> Score:
    """Average per-page (precision, recall) pairs."""
    if not pairs:
        return Score(0.0, 0.0)
    return Score(sum(p for p, _ in pairs) / len(pairs), sum(r for _, r in pairs) / len(pairs))


def read_page(path: Path) -> str:
    """A gzipped HTML page as text: BOM, UTF-8, the declared charset, then detection."""
    raw = gzip.decompress(path.read_bytes())
    if not raw.startswith((b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")):
        try:
            return raw.decode("utf-8")
        except UnicodeDecodeError:
            declared = _META_CHARSET.search(raw[:4096])
            if declared:
                try:
                    return raw.decode(declared.group(1).decode("ascii"), errors="replace")
                except LookupError:
                    pass
    return decode(raw)[0]


def html_document(key: str, html: str) -> RawDocument:
    """A RawDocument for one benchmark page."""
    raw = html.encode("utf-8", errors="replace")
    return RawDocument(
        f"bench://{key}", hashlib.sha256(raw).hexdigest(), "text/html", raw, html, "utf-8"
    )


def load_json(path: Path) -> dict[str, Any]:
    """A JSON file as a dict."""
    return dict(json.loads(path.read_text(encoding="utf-8")))
