"""Normalise stage: a RawDocument and its cleaned lines -> one typed Article.

Each field is taken from the most reliable source that has it: the record's own fields (JSON
input), then markup metadata (JSON-LD, meta tags), then what the clean stage read off the text
(headline, deck, byline, masthead, dateline) — `candidates.py` gathers them all. The field
normalisers are total: any messy value in, one clean type out. Every metadata value the
article has carries where it came from and the candidates that lost (`Article.provenance`).

    candidates.py  every value per field, by source
    authors.py     person names from bylines
    credits.py     agencies credited, apart from the authors
    publishers.py  publisher names by domain, for pages that name none
    dates.py       date parsing, the publication date
    language.py    the declared or guessed language
"""

from __future__ import annotations

import html
import re
from collections.abc import Mapping
from datetime import datetime

from newsdesk.clean.text import fold
from newsdesk.errors import RejectError
from newsdesk.normalise.authors import choose_authors, normalise_authors
from newsdesk.normalise.candidates import Sources, gather
from newsdesk.normalise.credits import credits
from newsdesk.normalise.dates import choose_modified, choose_published, parse_date
from newsdesk.normalise.language import guess_language, language
from newsdesk.normalise.publishers import name_for, url_domain
from newsdesk.records import Article, Candidate, Cleaned, FieldSource, RawDocument

__all__ = ["guess_language", "normalise", "normalise_authors", "parse_date"]

# The headline leads the text; a copy after this many paragraphs is a quotation of it.
TITLE_MAX_POSITION = 2


def normalise(
    doc: RawDocument, cleaned: Cleaned, publisher_names: Mapping[str, str] | None = None
) -> Article:
    """Build the Article from a document and its cleaned lines.

    `publisher_names`: domain -> publisher name beyond the shipped registry (the user's), for
    a page that names no publisher of its own (`publishers.py`).
    """
    sources = gather(doc, cleaned)
    provenance: dict[str, FieldSource] = {}
    title = _title(sources, provenance)
    standfirst = _standfirst(sources, cleaned, provenance)
    body = _body(cleaned, title, standfirst)
    if not body:
        raise RejectError(
            "normalise",
            "empty_body",
            f"{doc.source_uri}: after the headline and deck nothing is left for the body. "
            "Check that the scrape holds the article text, not only its teaser.",
        )
    url, _ = sources.first_text("url")
    publisher = _publisher(sources, url, publisher_names or {}, provenance)
    authors, found = choose_authors(sources, publisher)
    if authors and found:
        provenance["authors"] = sources.provenance("authors", found, authors)
    published_at, modified_at = _dates(sources, url, provenance)
    return Article(
        source_uri=doc.source_uri,
        title=title,
        standfirst=standfirst,
        authors=authors,
        publisher=publisher,
        published_at=published_at,
        modified_at=modified_at,
        credits=_credits(sources, cleaned, body),
        body=body,
        removed=list(cleaned.removed),
        url=url,
        section=sources.first_text("section")[0],
        language=language(sources.first_text("language")[0], body),
        provenance=provenance,
    )


def _title(sources: Sources, provenance: dict[str, FieldSource]) -> str | None:
    """The headline, entities decoded and whitespace folded."""
    text, found = sources.first_text("title")
    if not text or found is None:
        return None
    title = " ".join(html.unescape(text).split())
    provenance["title"] = sources.provenance("title", found, title)
    return title


def _publisher(
    sources: Sources, url: str | None, names: Mapping[str, str], provenance: dict[str, FieldSource]
) -> str | None:
    """The publisher a page names; for one that names none (only a byline e-mail's domain,
    or only its URL), the registry's name for that domain, else the domain as it stands."""
    publisher, found = sources.first_text("publisher")
    if found is None or found.source == "email-domain":
        domain = publisher if found is not None else url_domain(url)
        name = name_for(domain, names) if domain else None
        if name:
            lost = sources.every.get("publisher", [])
            if found is None:
                lost = [*lost, Candidate("publisher", domain, "url")]
            provenance["publisher"] = FieldSource("registry", name, tuple(lost))
            return name
    if publisher and found:
        provenance["publisher"] = sources.provenance("publisher", found, publisher)
    return publisher


def _standfirst(
    sources: Sources, cleaned: Cleaned, provenance: dict[str, FieldSource]
) -> str | None:
    """The deck: from the record, the text's deck or bullets, or a markup description."""
    for found in (sources.record.get("standfirst"), sources.text.get("standfirst")):
        value = found.value if found else None
        if found and isinstance(value, str) and value.strip():
            provenance["standfirst"] = sources.provenance("standfirst", found, value.strip())
            return value.strip()
    found = sources.meta.get("description")
    description = found.value if found else None
    if found and isinstance(description, str) and description.strip():
        key = fold(description)
        body_keys = {fold(line) for line in cleaned.lines if line}
        if key and key not in body_keys and not any(key in k for k in body_keys):
            standfirst = " ".join(description.split())
            # The description stands as the deck: the other descriptions are what it beat.
            provenance["standfirst"] = FieldSource(
                found.source,
                standfirst,
                tuple(
                    c
                    for c in [
                        *sources.every.get("description", []),
                        *sources.every.get("standfirst", []),
                    ]
                    if c != found
                ),
            )
            return standfirst
    return None


def _dates(
    sources: Sources, url: str | None, provenance: dict[str, FieldSource]
) -> tuple[datetime | None, datetime | None]:
    """The publication and last-modified dates (see dates.choose_published, choose_modified)."""
    printed = sources.page.printed_dates if sources.page else []
    published_at, found = choose_published(
        record=sources.record.get("published"),
        markup=sources.meta.get("published"),
        dateline=sources.text.get("published"),
        late=sources.text.get("late_published"),
        printed=printed,
        url=url,
        headline=next(
            (c for c in sources.every.get("published", []) if c.source == "after-headline"),
            None,
        ),
    )
    if published_at and found:
        provenance["published_at"] = sources.provenance("published", found)
    modified_at, found = choose_modified(sources.every.get("modified", []), printed)
    if modified_at and found:
        provenance["modified_at"] = sources.provenance("modified", found)
    return published_at, modified_at


def _credits(sources: Sources, cleaned: Cleaned, body: str) -> list[str]:
    """The agencies credited: in removed credit lines, the structured author values (not the
    page's byline elements, which credit teasers too), the body's wire dateline."""
    structured = (sources.record, sources.meta, sources.text)
    authors = [kind["authors"].value for kind in structured if "authors" in kind]
    return credits(cleaned.removed, authors, body)


def _body(cleaned: Cleaned, title: str | None, standfirst: str | None) -> str:
    """Paragraphs joined by blank lines, without the headline(s) and the deck's lines.

    In plain text, the headline the text leads with goes too when a record supplied a
    different title. (In HTML the container's first heading-like line may be a kicker the
    page prints as part of the story, so only the chosen title is dropped there.)
    """
    text_title = None if cleaned.hints.meta is not None else cleaned.hints.title
    headlines = {fold(t) for t in (title, text_title) if isinstance(t, str) and t}
    deck_keys = {fold(_strip_bullet(line)) for line in (standfirst or "").split("\n") if line}
    paragraphs: list[str] = []
    for line in filter(None, cleaned.lines):
        text = _strip_bullet(line)
        key = fold(text)
        if key in headlines and len(paragraphs) <= TITLE_MAX_POSITION:
            headlines.discard(key)  # only the first, leading copy is the headline
            continue
        if key not in deck_keys:
            paragraphs.append(text)
    return "\n\n".join(paragraphs)


def _strip_bullet(line: str) -> str:
    """A line without a leading list bullet."""
    return re.sub(r"^\s*[•·▪●◦‣]\s+", "", line)
