"""Normalise stage: a RawDocument and its cleaned lines -> one typed Article.

Each field is taken from the most reliable source that has it: the record's own fields (JSON
input), then markup metadata (JSON-LD, meta tags), then what the clean stage read off the text
(headline, deck, byline, masthead, dateline). The field normalisers are total: any messy value
in, one clean type out.
"""

from __future__ import annotations

import html
import re
from datetime import UTC, datetime, timedelta, timezone, tzinfo
from typing import Any
from zoneinfo import ZoneInfo

from dateutil import parser as date_parser

from newsdesk.clean.metadata import YEAR, clean_title
from newsdesk.clean.names import authors_from_byline, proper_case
from newsdesk.clean.text import fold
from newsdesk.errors import RejectError
from newsdesk.records import Article, Cleaned, RawDocument

# Record keys per field, in order of preference.
RECORD_KEYS: dict[str, tuple[str, ...]] = {
    "title": ("title", "headline"),
    "standfirst": ("standfirst", "subtitle", "deck", "summary"),
    "authors": ("authors", "author", "byline"),
    "publisher": ("publisher", "site", "source", "site_name"),
    "published": ("published_at", "published", "date", "datePublished", "pubdate"),
    "section": ("section", "category"),
    "url": ("url", "link", "canonical_url"),
    "language": ("language", "lang"),
}
# A lone name from structured metadata: at most this long.
SINGLE_NAME_MAX_WORDS = 5
SINGLE_NAME_MAX_CHARS = 60
# Credits that name a desk, publication or website rather than a person.
NOT_A_PERSON = re.compile(
    r"\b(?:staff|reports?|editorial|desk|team|newsroom|contributors?|editors|redazione|redaktion"
    r"|r[ée]daction|redacci[óo]n)$|\.(?:com|org|net|co)\b"
    r"|\b(?:times|news|daily|journal|telegra(?:ph|m)|gazette|herald|tribune|post|gear|digest"
    r"|channel|magazine|economist|independent|online|media|network|weekly|today|review|courier"
    r"|observer|chronicle|inquirer|guardian|mirror|express)$"
    r"|^(?:the\s+)?(?:reuters|afp|bloomberg|ap)$",
    re.IGNORECASE,
)
# US and common newsroom timezone abbreviations dateutil does not know by itself. A fixed
# offset where the abbreviation names one ("EDT"); the zone itself where it names a region
# whose offset changes with summer time ("ET" is -05:00 in January and -04:00 in June).
TZ_ABBREVIATIONS: dict[str, int | tzinfo] = {
    "EST": -5 * 3600,
    "EDT": -4 * 3600,
    "CST": -6 * 3600,
    "CDT": -5 * 3600,
    "MST": -7 * 3600,
    "MDT": -6 * 3600,
    "PST": -8 * 3600,
    "PDT": -7 * 3600,
    "ET": ZoneInfo("America/New_York"),
    "CT": ZoneInfo("America/Chicago"),
    "MT": ZoneInfo("America/Denver"),
    "PT": ZoneInfo("America/Los_Angeles"),
    "BST": 3600,
    "CET": 3600,
    "CEST": 7200,
    "IST": 19800,
    "KST": 9 * 3600,
    "JST": 9 * 3600,
    "HKT": 8 * 3600,
    "AEST": 10 * 3600,
    "AEDT": 11 * 3600,
    "GMT": 0,
    "UTC": 0,
}
# Pieces of text shaped like one date: ISO, "December 23, 2023", "23 Dec 2023", "12/23/2023".
DATE_SHAPED = re.compile(
    r"\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2})?(?:\.\d+)?(?:Z|[+-]\d{2}:?\d{2})?)?"
    r"|[A-Za-z]{3,9}\.?\s+\d{1,2}(?:st|nd|rd|th)?,?\s+\d{4}|\d{1,2}\s+[A-Za-z]{3,9}\.?,?\s+\d{4}"
    r"|\d{1,2}/\d{1,2}/\d{4}"
)
# Dates in URL paths: /2023/12/20/ and /2023/dec/21/.
URL_DATE = re.compile(r"/((?:19|20)\d{2})/(\d{1,2}|[a-z]{3})/(\d{1,2})(?:/|$)", re.IGNORECASE)
# The headline leads the text; a copy after this many paragraphs is a quotation of it.
TITLE_MAX_POSITION = 2
# Labels naming the date that follows them. A value may carry both ("Posted: Dec 22, 2023 |
# Last Updated: January 2"); the published one is the publication date.
DATE_LABEL = re.compile(
    r"\b(?:(?P<published>(?:first\s+|originally\s+)?(?:published|posted))"
    r"|(?:last\s+)?(?:updated|modified|edited))\b(?:\s+(?:on|at))?\s*:?",
    re.IGNORECASE,
)
# A printed time of day ("10:00 PM", "9:03AM", "8 p.m."): hour and minutes.
PRINTED_TIME = re.compile(r"(?<!\d)(\d{1,2})(?:[:.](\d{2})|\s*(?=[ap]\.?m\b))", re.IGNORECASE)
# A structured timestamp and the page's printed time of the same moment differ by the page's
# UTC offset: whole quarter hours, at most 14 hours (every offset in use is both). Printed
# times drop the seconds, so up to a minute more is rounding; a looser bound would let an
# unrelated time on the page pass for the same moment.
OFFSET_STEP = timedelta(minutes=15)
MAX_UTC_OFFSET = timedelta(hours=14)
PRINTED_TIME_SLACK = timedelta(minutes=1)
# Dates outside this range are parsing accidents (a year read from a phone number, say).
MIN_YEAR, MAX_YEAR = 1990, 2100
# Language guess: the share of tokens that are the language's commonest function words. 0.2 is
# well below what running prose scores (0.35-0.5 in English news) and well above other
# languages' accidental overlap.
STOPWORDS: dict[str, frozenset[str]] = {
    "en": frozenset(
        [
            "the",
            "of",
            "and",
            "to",
            "in",
            "a",
            "is",
            "that",
            "for",
            "on",
            "with",
            "as",
            "was",
            "by",
            "it",
            "at",
            "from",
            "he",
            "said",
            "are",
            "has",
            "have",
            "be",
        ]
    ),
    "de": frozenset(
        [
            "der",
            "die",
            "das",
            "und",
            "in",
            "den",
            "von",
            "zu",
            "mit",
            "sich",
            "des",
            "ist",
            "im",
            "dem",
            "nicht",
            "ein",
            "eine",
            "auf",
            "für",
        ]
    ),
    "fr": frozenset(
        [
            "le",
            "la",
            "les",
            "de",
            "des",
            "et",
            "en",
            "un",
            "une",
            "du",
            "est",
            "que",
            "pour",
            "dans",
            "qui",
            "sur",
            "au",
            "par",
            "pas",
        ]
    ),
    "es": frozenset(
        [
            "el",
            "la",
            "de",
            "que",
            "y",
            "en",
            "los",
            "del",
            "las",
            "un",
            "por",
            "con",
            "una",
            "para",
            "es",
            "se",
            "al",
            "como",
        ]
    ),
    "it": frozenset(
        [
            "il",
            "di",
            "che",
            "la",
            "e",
            "in",
            "un",
            "per",
            "del",
            "della",
            "con",
            "non",
            "una",
            "sono",
            "alla",
            "dei",
            "le",
            "da",
        ]
    ),
    "pt": frozenset(
        [
            "o",
            "a",
            "de",
            "que",
            "e",
            "do",
            "da",
            "em",
            "um",
            "para",
            "com",
            "não",
            "uma",
            "os",
            "no",
            "se",
            "na",
            "por",
        ]
    ),
    "nl": frozenset(
        [
            "de",
            "het",
            "een",
            "en",
            "van",
            "in",
            "is",
            "dat",
            "op",
            "te",
            "zijn",
            "met",
            "voor",
            "niet",
            "aan",
            "er",
        ]
    ),
}
LANGUAGE_MIN_SHARE = 0.2
LANGUAGE_MIN_TOKENS = 20
SCRIPTS = (
    ("ko", re.compile(r"[\uac00-\ud7af]")),
    ("ja", re.compile(r"[\u3040-\u30ff]")),
    ("zh", re.compile(r"[\u4e00-\u9fff]")),
    ("ru", re.compile(r"[\u0400-\u04ff]")),
    ("ar", re.compile(r"[\u0600-\u06ff]")),
)
# A script must cover this share of letters to decide the language on its own.
SCRIPT_MIN_SHARE = 0.3
_TOKEN = re.compile(r"[^\W\d_]+")
_ISO_LANGUAGE = re.compile(r"^([a-zA-Z]{2,3})(?:[-_][A-Za-z0-9]+)*$")


def normalise(doc: RawDocument, cleaned: Cleaned) -> Article:
    """Build the Article from a document and its cleaned lines."""
    sources = _sources(doc, cleaned)
    title = _title(sources)
    standfirst = _standfirst(sources, cleaned)
    body = _body(cleaned, title, standfirst)
    if not body:
        raise RejectError(
            "normalise",
            "empty_body",
            f"{doc.source_uri}: after the headline and deck nothing is left for the body. "
            "Check that the scrape holds the article text, not only its teaser.",
        )
    return Article(
        source_uri=doc.source_uri,
        title=title,
        standfirst=standfirst,
        authors=_authors(sources),
        publisher=_first_text(sources, "publisher"),
        published_at=_published(sources),
        body=body,
        removed=list(cleaned.removed),
        url=_first_text(sources, "url"),
        section=_first_text(sources, "section"),
        language=_language(sources, body),
    )


def _sources(doc: RawDocument, cleaned: Cleaned) -> list[dict[str, Any]]:
    """Field values by source, most reliable first: record, markup, text hints."""
    record = {**cleaned.hints.get("record", {}), **doc.metadata}
    from_record = {f: _pick(record, keys) for f, keys in RECORD_KEYS.items()}
    meta = dict(cleaned.hints.get("meta", {}))
    if meta.get("title"):
        meta["title"] = clean_title(meta["title"], meta.get("h1"), meta.get("publisher"))
    # The visible headline is what readers (and citations) use; meta titles are often SEO text.
    if meta.get("h1") and fold(meta["h1"]) != fold(str(meta.get("publisher") or "")):
        meta["title"] = meta["h1"]
    hints = cleaned.hints
    from_text = {
        "title": hints.get("title"),
        "standfirst": hints.get("standfirst"),
        "authors": hints.get("byline_authors") or hints.get("contact_authors"),
        "publisher": hints.get("publisher"),
        "published": hints.get("dateline"),
        "late_published": hints.get("late_dateline"),
        "section": hints.get("section"),
    }
    from_markup_text = {"authors": meta.pop("byline_text", None), "title": meta.get("h1")}
    return [from_record, meta, from_text, from_markup_text]


def _pick(record: dict[str, Any], keys: tuple[str, ...]) -> Any:
    """The first present value among keys."""
    return next((record[k] for k in keys if record.get(k)), None)


def _first_text(sources: list[dict[str, Any]], name: str) -> str | None:
    """The first non-empty string value of a field across sources."""
    for source in sources:
        value = source.get(name)
        if isinstance(value, list):
            value = value[0] if value else None
        if isinstance(value, str) and value.strip():
            return " ".join(value.split())
    return None


def _title(sources: list[dict[str, Any]]) -> str | None:
    """The headline, entities decoded and whitespace folded."""
    title = _first_text(sources, "title")
    return " ".join(html.unescape(title).split()) if title else None


def _standfirst(sources: list[dict[str, Any]], cleaned: Cleaned) -> str | None:
    """The deck: from the record, the text's deck or bullets, or a markup description."""
    for source in (sources[0], sources[2]):
        value = source.get("standfirst")
        if isinstance(value, str) and value.strip():
            return value.strip()
    description = sources[1].get("description")
    if isinstance(description, str) and description.strip():
        key = fold(description)
        body_keys = {fold(line) for line in cleaned.lines if line}
        if key and key not in body_keys and not any(key in k for k in body_keys):
            return " ".join(description.split())
    return None


def _body(cleaned: Cleaned, title: str | None, standfirst: str | None) -> str:
    """Paragraphs joined by blank lines, without the headline(s) and the deck's lines.

    In plain text, the headline the text leads with goes too when a record supplied a
    different title. (In HTML the container's first heading-like line may be a kicker the
    page prints as part of the story, so only the chosen title is dropped there.)
    """
    text_title = None if "meta" in cleaned.hints else cleaned.hints.get("title")
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


def normalise_authors(value: Any, *, strict: bool = False) -> list[str]:
    """Author names from any byline shape: a string, a list, names with "By", e-mails, roles.

    strict: only person-shaped names (for text scraped from byline elements, which also holds
    job titles and "Follow on Twitter" links); otherwise a lone name such as "Reuters" stays.
    """
    items = value if isinstance(value, list) else [value]
    names: list[str] = []
    for item in items:
        if isinstance(item, dict):
            item = item.get("name")
        if not isinstance(item, str):
            continue
        item = re.sub(r"^\s*By(?=[A-Z])", "", item)  # "ByJane Roe" from glued markup
        found = authors_from_byline(item) or ([] if strict else _single_name(item))
        found = [_undouble(n) for n in found]
        names.extend(n for n in found if n not in names and not _is_not_a_person(n))
    return names


def _single_name(text: str) -> list[str]:
    """A lone one-word or unusual name kept as written (JSON-LD "author": "Reuters")."""
    text = " ".join(text.split()).strip(" ,;|-–—•")
    text = re.sub(r"^(?:written\s+|reported\s+)?by\s+", "", text, flags=re.IGNORECASE)
    if not re.search(r"[^\W\d_]{2}", text) or len(text.split()) > SINGLE_NAME_MAX_WORDS:
        return []
    if 0 < len(text) <= SINGLE_NAME_MAX_CHARS and not re.search(r"[@/\d]|https?:", text):
        return [proper_case(_undouble(text))]
    return []


def _undouble(text: str) -> str:
    """ "Associated Press Associated Press" -> "Associated Press" (a name printed twice)."""
    words = text.split()
    half = len(words) // 2
    if len(words) % 2 == 0 and words[:half] == words[half:]:
        return " ".join(words[:half])
    return text


def _is_not_a_person(name: str) -> bool:
    """A desk, a publication or a website credited as the author ("TMZ Staff", "Top Gear")."""
    return bool(NOT_A_PERSON.search(name))


def _authors(sources: list[dict[str, Any]]) -> list[str]:
    """Authors from the first source that names any (excluding the publisher's own name)."""
    publisher = fold(_first_text(sources, "publisher") or "")
    *structured, markup = sources
    # Byline elements across the page also credit teasers and related stories: the first
    # element that names a person is the article's byline.
    candidates = [s.get("authors") for s in structured] + [[t] for t in markup.get("authors") or []]
    for index, value in enumerate(candidates):
        names = normalise_authors(value, strict=index >= len(structured))
        names = [n for n in names if fold(n) != publisher]
        if names:
            return names
    return []


def parse_date(value: Any) -> datetime | None:
    """A tz-aware datetime from a date value; no timezone given means UTC; junk means None."""
    parsed = _parse_wall_clock(value)
    if parsed is None:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _parse_wall_clock(value: Any) -> datetime | None:
    """A datetime as written: naive when the value names no timezone; junk means None."""
    if isinstance(value, datetime):
        parsed = value
    elif isinstance(value, str) and value.strip():
        text = re.sub(
            r"^\s*(?:first\s+)?(?:published|updated|posted|date)\s*(?:on|at)?\s*:?",
            "",
            _published_part(value.strip()),
            flags=re.IGNORECASE,
        )
        if not YEAR.search(text):
            return None  # without a year, dateutil would fill in the current one
        found = _parse_text_date(text)
        if found is None:
            return None
        parsed = found
    else:
        return None
    if not MIN_YEAR <= parsed.year <= MAX_YEAR:
        return None
    return parsed


def _published_part(text: str) -> str:
    """The part of a dated text labelled published or posted, when another label follows."""
    labels = list(DATE_LABEL.finditer(text))
    if len(labels) < 2:
        return text
    for label, following in zip(labels, [*labels[1:], None], strict=True):
        end = following.start() if following else len(text)
        part = text[label.end() : end].strip(" |,;·-")
        if label.group("published") and YEAR.search(part):
            return part
    return text


def _parse_text_date(text: str) -> datetime | None:
    """dateutil on the whole text, else on its first date-shaped piece ("Sat Dec 23, 2023 ...")."""
    for candidate in (text, *(m.group(0) for m in DATE_SHAPED.finditer(text))):
        try:
            return date_parser.parse(candidate, fuzzy=True, tzinfos=TZ_ABBREVIATIONS)
        except (ValueError, OverflowError, TypeError):
            continue
    return None


def _published(sources: list[dict[str, Any]]) -> datetime | None:
    """The publication date: the record's, else the page's dateline, else markup's.

    A dateline above the text beats markup: it is what readers see. A dateline further down
    may date a correction, so markup beats it. Markup's timestamp is kept in the timezone the
    page prints it in, so that its day is the page's publication day (a UTC timestamp may fall
    on the next day); converting to UTC is for whoever queries the data.
    """
    record, meta, text = sources[0], sources[1], sources[2]
    stamp = parse_date(meta.get("published"))
    for value in (record.get("published"), text.get("published")):
        parsed = _parse_wall_clock(value)
        if parsed and parsed.tzinfo is None and _same_wall_clock(parsed, stamp):
            return stamp  # the dateline prints no zone; markup gives the same time with one
        if parsed:
            return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
    if stamp and PRINTED_TIME.search(str(meta.get("published"))):
        return _in_page_timezone(stamp, meta.get("visible_dates") or [])
    return (
        stamp
        or parse_date(text.get("late_published"))
        or _date_from_url(_first_text(sources, "url") or "")
    )


def _same_wall_clock(printed: datetime, stamp: datetime | None) -> bool:
    """Whether a zoneless printed date-time reads like the timestamp in the timestamp's zone."""
    if stamp is None or (printed.hour, printed.minute) == (0, 0):
        return False  # a date alone says nothing about the zone
    return printed.replace(second=0, microsecond=0) == stamp.replace(
        tzinfo=None, second=0, microsecond=0
    )


def _in_page_timezone(stamp: datetime, printed: list[str]) -> datetime:
    """A timestamp in the UTC offset of the first printed date that shows the same moment."""
    for value in printed:
        offset = _printed_offset(stamp, value)
        if offset is not None:
            return stamp.astimezone(timezone(offset))
    return stamp


def _printed_offset(stamp: datetime, value: str) -> timedelta | None:
    """The UTC offset in which a printed date-time shows the moment of stamp, or None."""
    text = _published_part(value)
    times = {(int(h) % 12, int(m or 0)) for h, m in PRINTED_TIME.findall(text)}
    shown = _parse_text_date(text)
    if shown is None or (shown.hour % 12, shown.minute) not in times:
        return None  # no time printed, or the parser did not read the printed one
    if shown.tzinfo is not None:  # a zone is printed: the same moment, in that zone
        same = abs(shown - stamp) <= PRINTED_TIME_SLACK
        return shown.utcoffset() if same else None
    delta = shown - stamp.astimezone(UTC).replace(tzinfo=None)
    offset = round(delta / OFFSET_STEP) * OFFSET_STEP
    if abs(offset) <= MAX_UTC_OFFSET and abs(delta - offset) <= PRINTED_TIME_SLACK:
        return offset
    return None


def _date_from_url(url: str) -> datetime | None:
    """A date in a URL path ("/2023/12/20/", "/2023/dec/21/"), as UTC midnight."""
    match = URL_DATE.search(url)
    if not match:
        return None
    year, month, day = match.groups()
    return parse_date(f"{year} {month} {day}")


def _language(sources: list[dict[str, Any]], body: str) -> str | None:
    """An ISO 639-1 code: declared by the record or markup, else guessed from the body."""
    declared = _first_text(sources, "language")
    if declared:
        match = _ISO_LANGUAGE.match(declared)
        if match:
            return match.group(1).lower()
    return guess_language(body)


def guess_language(text: str) -> str | None:
    """A cheap guess: dominant non-Latin script, else the best stopword share (or None)."""
    letters = [ch for ch in text[:5000] if ch.isalpha()]
    if not letters:
        return None
    sample = "".join(letters)
    for code, script in SCRIPTS:
        if len(script.findall(sample)) / len(sample) >= SCRIPT_MIN_SHARE:
            return code
    tokens = [t.lower() for t in _TOKEN.findall(text[:5000])]
    if len(tokens) < LANGUAGE_MIN_TOKENS:
        return None
    share = {
        code: sum(t in words for t in tokens) / len(tokens) for code, words in STOPWORDS.items()
    }
    best = max(share, key=lambda code: share[code])
    return best if share[best] >= LANGUAGE_MIN_SHARE else None
