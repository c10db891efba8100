"""The values that flow between stages. Plain dataclasses: no database, no Prefect."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal, TypeVar

T = TypeVar("T")

Field = Literal["title", "standfirst", "body"]
EntityKind = Literal["person", "organisation"]


@dataclass(frozen=True)
class RecordOrigin:
    """Where a record of a WARC file came from: the file, the byte offset its record starts at
    (in the compressed file for .warc.gz), the record's id, its WARC-Target-URI and WARC-Date
    (the fetch time, never the publication date)."""

    file: str
    offset: int
    record_id: str | None
    url: str | None
    fetched_at: datetime | None


@dataclass(frozen=True)
class RawDocument:
    """One input as read: the bytes, their hash and the decoded text."""

    source_uri: str
    content_sha256: str
    media_type: str  # "text/plain" | "text/html" | "application/json"
    raw: bytes
    text: str  # decoded, NUL-free, newlines normalised to "\n"
    encoding: str
    # Fields a structured record (.json/.jsonl) supplied beside its text: url, title, ...
    metadata: dict[str, Any] = field(default_factory=dict)
    # A WARC record's origin; `raw` is then its HTTP block (status, headers, payload as stored)
    # and `content_sha256` the hash of the decoded payload, so the same page loads once.
    origin: RecordOrigin | None = None


@dataclass(frozen=True)
class Removed:
    """A line (or block) the cleaner took out, and why."""

    text: str
    reason: str

    def as_json(self) -> dict[str, str]:
        """As `articles.removed` and `inspect --json` hold it: {text, reason}."""
        return {"text": self.text, "reason": self.reason}


@dataclass
class Cleaned:
    """What the clean stage hands to normalise."""

    lines: list[str]  # kept lines, in order; blank lines separate paragraphs
    removed: list[Removed]
    # Metadata found in the markup or in removed lines (title, authors, date, publisher, ...)
    hints: dict[str, Any] = field(default_factory=dict)


@dataclass
class Article:
    """A normalised article: what `articles` stores and what `inspect --json` prints."""

    source_uri: str
    title: str | None
    standfirst: str | None
    authors: list[str]
    publisher: str | None
    published_at: datetime | None
    body: str
    removed: list[Removed] = field(default_factory=list)
    url: str | None = None
    section: str | None = None
    language: str | None = None

    @property
    def word_count(self) -> int:
        return len(self.body.split())

    def field_text(self, name: Field) -> str:
        """The text of one mention-bearing field ("" when absent)."""
        value = {"title": self.title, "standfirst": self.standfirst, "body": self.body}[name]
        return value or ""


@dataclass(frozen=True)
class Mention:
    """One mention of a person or organisation, resolved to its canonical entity."""

    kind: EntityKind
    name: str  # canonical display name, e.g. "Zhao Leji"
    key: str  # folded key, unique per entity, e.g. "zhao leji"
    surface: str  # the text as written, e.g. "Zhao"
    field: Field
    start: int  # offsets into the field's text: field_text[start:end] == surface
    end: int
    sentence: str
    acronym: str | None = None  # organisations: "KCNA" for Korean Central News Agency


@dataclass(frozen=True)
class Rejected:
    """An input that ends in `rejects`: where it failed and why, in words a person understands."""

    source_uri: str
    content_sha256: str | None
    stage: str
    reason: str
    detail: str


@dataclass
class Item:
    """One article on its way to the database: what each stage added to its document.

    `signature` None (or empty) leaves the article out of near-duplicate detection; `bands` are
    its LSH band keys (`dedupe.band_keys`), computed with it. `lines` are the short lines the
    article keeps without learned boilerplate, (folded, as written): what learning counts
    (`clean.learned.learnable_lines`, stored in `article_lines`).
    """

    doc: RawDocument
    article: Article
    mentions: Sequence[Mention] = ()
    signature: Sequence[int] | None = None
    bands: Sequence[int] = ()
    lines: Sequence[tuple[str, str]] = ()


def chunks(items: Sequence[T], size: int) -> Iterator[list[T]]:
    """`items` in consecutive lists of `size` (the last one shorter): how work is batched."""
    for start in range(0, len(items), size):
        yield list(items[start : start + size])
