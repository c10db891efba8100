"""Every value a document offers for each metadata field, with where it came from.

Four kinds of source, most reliable first: the record's own fields (JSON input, "record:<key>"),
markup metadata (JSON-LD, meta tags, <title>, the dates the page shows: `records.PageMeta`),
what the clean stage read off the text (headline, deck, byline, masthead, dateline), and the
page's byline elements. Normalise picks one candidate per field; the rest are kept as the
candidates that lost (`records.FieldSource`).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

from newsdesk.clean.metadata import clean_title
from newsdesk.clean.names import publisher_from_email
from newsdesk.clean.text import fold
from newsdesk.normalise.dates import update_part, url_date_text
from newsdesk.records import Candidate, Cleaned, FieldSource, PageMeta, RawDocument

# Record keys per field, in order of preference.
RECORD_KEYS: dict[str, tuple[str, ...]] = {
    "title": ("title", "headline"),
    "standfirst": ("standfirst", "subtitle", "deck", "summary"),
    "authors": ("authors", "author", "byline"),
    "publisher": ("publisher", "site", "source", "site_name"),
    "published": ("published_at", "published", "date", "datePublished", "pubdate"),
    "modified": ("modified_at", "modified", "dateModified", "updated_at", "updated"),
    "section": ("section", "category"),
    "url": ("url", "link", "canonical_url"),
    "language": ("language", "lang"),
}


@dataclass
class Sources:
    """The candidates of one document, by kind of source.

    `record`, `meta` and `text` hold the chosen candidate per field of each kind (`meta` after
    the title rules: the visible headline over SEO titles); `every` all candidates per field,
    for provenance.
    """

    record: dict[str, Candidate] = field(default_factory=dict)
    meta: dict[str, Candidate] = field(default_factory=dict)
    text: dict[str, Candidate] = field(default_factory=dict)
    bylines: list[Candidate] = field(default_factory=list)  # byline elements' texts
    page: PageMeta | None = None
    every: dict[str, list[Candidate]] = field(default_factory=dict)

    def ordered(self, name: str) -> list[Candidate]:
        """The chosen candidate of each kind for a field, most reliable kind first."""
        found = [kind.get(name) for kind in (self.record, self.meta, self.text)]
        if name == "title" and self.page is not None and self.page.h1:
            found.append(Candidate("title", self.page.h1, "h1"))
        return [c for c in found if c is not None]

    def first_text(self, name: str) -> tuple[str | None, Candidate | None]:
        """The first non-empty string value of a field across sources, and its candidate."""
        for candidate in self.ordered(name):
            value = candidate.value
            if isinstance(value, list):
                value = value[0] if value else None
            if isinstance(value, str) and value.strip():
                return " ".join(value.split()), candidate
        return None, None

    def provenance(self, name: str, chosen: Candidate, value: Any = None) -> FieldSource:
        """Where a field's value came from (`value`: as shown, when it differs from the
        candidate's) and every other candidate for it."""
        lost = tuple(c for c in self.every.get(name, []) if c != chosen)
        shown = chosen.value if value is None else value
        return FieldSource(chosen.source, shown, lost)


def gather(doc: RawDocument, cleaned: Cleaned) -> Sources:
    """The candidates of a document and its cleaned text."""
    hints = cleaned.hints
    sources = Sources(page=hints.meta)
    record = {**hints.record, **doc.metadata}
    for name, keys in RECORD_KEYS.items():
        present = [Candidate(name, record[k], f"record:{k}") for k in keys if record.get(k)]
        sources.every[name] = present
        if present:
            sources.record[name] = present[0]
    if hints.meta is not None:
        sources.meta = _meta(hints.meta)
        for candidate in hints.meta.candidates:
            sources.every.setdefault(candidate.field, []).append(candidate)
        if hints.meta.h1:
            sources.every.setdefault("title", []).append(Candidate("title", hints.meta.h1, "h1"))
        sources.bylines = [
            Candidate("authors", t, "byline-element") for t in hints.meta.byline_texts
        ]
    sources.text = _text(cleaned)
    for candidate in [*sources.text.values(), *sources.bylines]:
        sources.every.setdefault(candidate.field, []).append(candidate)
    sources.every.setdefault("modified", []).extend(_updates(cleaned))
    email = _email_domain(cleaned)
    if email.value and email not in sources.every.get("publisher", []):
        sources.every.setdefault("publisher", []).append(email)  # the domain, for learning
    url, _ = sources.first_text("url")
    in_url = url_date_text(url or "")
    if in_url:
        sources.every.setdefault("published", []).append(Candidate("published", in_url, "url"))
    return sources


def _meta(page: PageMeta) -> dict[str, Candidate]:
    """The first markup candidate per field; the title cleaned of its site suffix, or the
    page's visible headline (what readers and citations use; meta titles are often SEO text)."""
    chosen = {c.field: c for c in reversed(page.candidates)}
    title, publisher = chosen.get("title"), page.value("publisher")
    if title is not None:
        chosen["title"] = replace(title, value=clean_title(title.value, page.h1, publisher))
    if page.h1 and fold(page.h1) != fold(str(publisher or "")):
        chosen["title"] = Candidate("title", page.h1, "h1")
    return chosen


def _text(cleaned: Cleaned) -> dict[str, Candidate]:
    """What the text rules read off the lines, as candidates ("late_published": a dateline
    below the text's start, a weaker candidate for the published date)."""
    hints = cleaned.hints
    authors = (
        Candidate("authors", hints.byline_authors, "byline-line")
        if hints.byline_authors
        else Candidate("authors", hints.contact_authors, "contact-line")
    )
    found = {
        "title": Candidate("title", hints.title, "headline-line"),
        "standfirst": Candidate("standfirst", hints.standfirst, "deck-line"),
        "authors": authors,
        "publisher": _publisher(cleaned),
        "published": Candidate("published", hints.dateline, "dateline"),
        "late_published": Candidate("published", hints.late_dateline, "late-dateline"),
        "section": Candidate("section", hints.section, "section-line"),
    }
    return {key: c for key, c in found.items() if c.value}


def _updates(cleaned: Cleaned) -> list[Candidate]:
    """Update dates the page prints: "Updated: ..." parts of its datelines and date elements."""
    hints = cleaned.hints
    printed = hints.meta.printed_dates if hints.meta is not None else []
    texts = [
        (hints.dateline, "dateline"),
        (hints.late_dateline, "late-dateline"),
        *((t, "date-element") for t in printed),
    ]
    found = [(update_part(t), source) for t, source in texts if t]
    return [Candidate("modified", part, source) for part, source in found if part]


def _publisher(cleaned: Cleaned) -> Candidate:
    """The publisher the text names: its masthead, else the domain of a byline e-mail."""
    if cleaned.hints.masthead:
        return Candidate("publisher", cleaned.hints.masthead, "masthead")
    return _email_domain(cleaned)


def _email_domain(cleaned: Cleaned) -> Candidate:
    """The domain of the first byline e-mail that is not a free mail service's."""
    for email in cleaned.hints.emails:
        domain = publisher_from_email(email)
        if domain:
            return Candidate("publisher", domain, "email-domain")
    return Candidate("publisher", None, "email-domain")
