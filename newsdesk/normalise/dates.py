"""Dates: parse any printed or structured date, and choose the publication date.

A dateline above the text beats markup: it is what readers see. So does a date standing alone
under the headline when its day is not markup's (the page shows that day as the story's; on
pages that show their update there, markup's published day is kept as a lost candidate). A
dateline further down may date a correction, so markup beats it. Markup's timestamp is kept
in the timezone the page prints it in, so that its day is the page's publication day (a UTC
timestamp may fall on the next day); converting to UTC is for whoever queries the data.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta, timezone, tzinfo
from typing import Any
from zoneinfo import ZoneInfo

from dateutil import parser as date_parser

from newsdesk.clean.metadata import YEAR
from newsdesk.clean.text import unglue_date
from newsdesk.records import Candidate

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
# A clock written with a dot, "06.12" (not part of a dotted date, "14.10.2024", or a number).
DOT_CLOCK = re.compile(r"(?<![\d.])(\d{1,2})\.(\d{2})(?![\d.])")
# Dates in URL paths: /2023/12/20/ and /2023/dec/21/.
URL_DATE = re.compile(r"/((?:19|20)\d{2})/(\d{1,2}|[a-z]{3})/(\d{1,2})(?:/|$)", re.IGNORECASE)
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
            _published_part(unglue_date(value.strip())),
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


# Two defaults that differ in year, month and day (see `_parse_text_date`).
_DEFAULTS = (datetime(2001, 1, 1), datetime(2002, 2, 2))


def _parse_text_date(text: str) -> datetime | None:
    """dateutil on the whole text, else on its first date-shaped piece ("Sat Dec 23, 2023 ...");
    a clock written with a dot ("Mon 14 Oct 2024 06.12 BST") is read as one with a colon.

    A text that names no day ("December 2023", "2023") is no date: dateutil would fill the
    missing day and month from today's, so the same page would be dated differently each day.
    It is parsed against two different defaults; where they show through, a part was missing.
    """
    text = DOT_CLOCK.sub(_colon_clock, text)
    for candidate in (text, *(m.group(0) for m in DATE_SHAPED.finditer(text))):
        try:
            found = [
                date_parser.parse(candidate, default=d, fuzzy=True, tzinfos=TZ_ABBREVIATIONS)
                for d in _DEFAULTS
            ]
        except (ValueError, OverflowError, TypeError):
            continue
        if found[0].date() == found[1].date():
            return found[0]
        # The day or the month came from the defaults, not this candidate: try the next.
    return None


def _colon_clock(match: re.Match[str]) -> str:
    """The clock "06.12" as "06:12" when it is a time of day; anything else as it was."""
    hour, minute = int(match.group(1)), int(match.group(2))
    return f"{match.group(1)}:{match.group(2)}" if hour <= 23 and minute <= 59 else match.group(0)


def update_part(text: str) -> str | None:
    """The part of a dated text labelled updated or modified, when it holds a year:
    "Posted: Dec 22, 2023 | Last Updated: Jan 2, 2024" -> "Jan 2, 2024"."""
    labels = list(DATE_LABEL.finditer(text))
    for label, following in zip(labels, [*labels[1:], None], strict=False):
        end = following.start() if following else len(text)
        part = text[label.end() : end].strip(" |,;·-")
        if not label.group("published") and YEAR.search(part):
            return part
    return None


def choose_modified(
    candidates: list[Candidate], printed: list[str]
) -> tuple[datetime | None, Candidate | None]:
    """The last-modified date and its candidate: the first that parses, most reliable first
    (a timestamp shown in the page's printed timezone, as the publication date is)."""
    for candidate in candidates:
        stamp = parse_date(candidate.value)
        if stamp is None:
            continue
        if PRINTED_TIME.search(str(candidate.value)):
            stamp = _in_page_timezone(stamp, printed)
        return stamp, candidate
    return None, None


def choose_published(
    record: Candidate | None,
    markup: Candidate | None,
    dateline: Candidate | None,
    late: Candidate | None,
    printed: list[str],
    url: str | None,
    headline: Candidate | None = None,
) -> tuple[datetime | None, Candidate | None]:
    """The publication date and the candidate it came from: the record's, else the page's
    dateline, else markup's (in the page's printed timezone) unless the date printed under
    the headline (`headline`) falls on another day, else a dateline further down, else the
    URL's."""
    stamp = parse_date(markup.value) if markup else None
    for candidate in (record, dateline):
        parsed = _parse_wall_clock(candidate.value) if candidate else None
        if parsed and parsed.tzinfo is None and _same_wall_clock(parsed, stamp):
            return stamp, markup  # the dateline prints no zone; markup gives the same time with one
        if parsed:
            return (parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)), candidate
    if stamp and markup and PRINTED_TIME.search(str(markup.value)):
        stamp = _in_page_timezone(stamp, printed)
    if stamp and markup:
        shown = _headline_date(headline) if headline != markup else None
        if shown and shown.date() != stamp.date():
            return (shown if shown.tzinfo else shown.replace(tzinfo=UTC)), headline
        return stamp, markup
    late_date = parse_date(late.value) if late else None
    if late_date:
        return late_date, late
    in_url = url_date_text(url or "")
    if in_url:
        return parse_date(in_url), Candidate("published", in_url, "url")
    return None, None


def _headline_date(headline: Candidate | None) -> datetime | None:
    """The date printed under the headline, unless it is labelled an update ("Updated ...")."""
    if headline is None or _update_only(headline.value):
        return None
    return _parse_wall_clock(headline.value)


def _update_only(value: Any) -> bool:
    """Whether a printed date is labelled an update and nothing labels it published."""
    if not isinstance(value, str) or update_part(value) is None:
        return False
    return not any(label.group("published") for label in DATE_LABEL.finditer(value))


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


def url_date_text(url: str) -> str | None:
    """The date in a URL path ("/2023/12/20/" -> "2023 12 20", "/2023/dec/21/"), or None."""
    match = URL_DATE.search(url)
    if not match:
        return None
    text = " ".join(match.groups())
    return text if parse_date(text) else None
