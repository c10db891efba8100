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


@dataclass(frozen=True)
class Candidate:
    """One value a page offers for a metadata field, and where on the page it was found.

    `field` is "title", "standfirst", "description", "authors", "publisher", "published",
    "modified", "section", "url" or "language"; `value` is the text as found (a list of names
    for "authors"); `source` names the rule: "json-ld:datePublished", "meta:og:site_name",
    "title-tag", "time-tag", "byline-line", "dateline", "url", "record:title", ...
    """

    field: str
    value: Any
    source: str

    def as_json(self) -> dict[str, Any]:
        """As `articles.provenance` holds a candidate: {value, source}."""
        return {"value": self.value, "source": self.source}


@dataclass
class PageMeta:
    """Metadata read off an HTML page's markup (clean/metadata.py), for normalise.

    `candidates` in order of reliability: JSON-LD of the article, meta tags, <title>, then the
    dates the page shows. `h1` is the visible headline; `printed_dates` the texts of the date
    elements (for the timezone the page prints); `byline_texts` the byline elements' texts.
    """

    candidates: list[Candidate] = field(default_factory=list)
    h1: str | None = None
    printed_dates: list[str] = field(default_factory=list)
    byline_texts: list[str] = field(default_factory=list)
    flattened: bool = False  # too deep to parse: the text was read from the markup instead

    def all(self, name: str) -> list[Candidate]:
        """The non-empty candidates for a field, most reliable first."""
        return [c for c in self.candidates if c.field == name and c.value]

    def first(self, name: str) -> Candidate | None:
        """The most reliable non-empty candidate for a field."""
        return next(iter(self.all(name)), None)

    def value(self, name: str) -> Any:
        """The most reliable non-empty value for a field, or None."""
        found = self.first(name)
        return found.value if found else None


@dataclass
class Hints:
    """What the clean stage read off the page besides its lines, for normalise.

    The text rules (clean/text.py) fill the line hints; `meta` is the markup's metadata (HTML
    only; None for text), `record` the fields of a JSON record whose text was cleaned.
    """

    title: str | None = None  # the headline line
    standfirst: str | None = None  # the deck (bullets joined by newlines)
    standfirst_lines: list[int] = field(default_factory=list)  # indices of the deck's lines
    byline_authors: list[str] = field(default_factory=list)
    contact_authors: list[str] = field(default_factory=list)  # "Jo Roe can be reached at ..."
    emails: list[str] = field(default_factory=list)  # e-mails of byline and contact lines
    masthead: str | None = None
    dateline: str | None = None  # a date line above the text
    late_dateline: str | None = None  # the first date line below the text's start
    section: str | None = None
    meta: PageMeta | None = None
    record: dict[str, Any] = field(default_factory=dict)


@dataclass
class Cleaned:
    """What the clean stage hands to normalise."""

    lines: list[str]  # kept lines, in order; blank lines separate paragraphs
    removed: list[Removed]
    hints: Hints = field(default_factory=Hints)


@dataclass(frozen=True)
class FieldSource:
    """Where an article's value for one field came from, and the candidates that lost."""

    source: str
    value: Any  # the value as found (before normalising)
    lost: tuple[Candidate, ...] = ()

    def as_json(self) -> dict[str, Any]:
        """As `articles.provenance` holds one field: {source, value, lost: [{value, source}]}."""
        return {
            "source": self.source,
            "value": self.value,
            "lost": [c.as_json() for c in self.lost],
        }


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
    modified_at: datetime | None = None
    credits: list[str] = field(default_factory=list)  # agencies credited, apart from authors
    removed: list[Removed] = field(default_factory=list)
    url: str | None = None
    section: str | None = None
    language: str | None = None
    # Per metadata field the article has a value for (title, standfirst, authors, publisher,
    # published_at, modified_at): where it came from and what lost.
    provenance: dict[str, FieldSource] = field(default_factory=dict)

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
