"""normalise: field sources in order, total normalisers for authors, dates and language."""

from __future__ import annotations

import sys
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent / "clean"))
from clean_docs import doc

from newsdesk.clean import clean
from newsdesk.errors import RejectError
from newsdesk.normalise import guess_language, normalise, normalise_authors, parse_date
from newsdesk.records import Cleaned, Hints

PROSE = (
    "The national weather service said on Tuesday that the spring had been the wettest on "
    "record in the north, with rainfall more than twice the average in some valleys."
)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("By JANE ROE and JOHN DOE", ["Jane Roe", "John Doe"]),
        (
            "BY LIM JEONG-WON, SHIN KYUNG-JIN [lim@paper.example]",
            ["Lim Jeong-won", "Shin Kyung-jin"],
        ),
        ("Jane Roe, Political Editor", ["Jane Roe"]),
        # A beat before the title is the title's ("City Hall reporter" is no co-author) ...
        ("By Dana Whitcombe, City Hall reporter", ["Dana Whitcombe"]),
        # ... and a surname that is also a beat word stays a name.
        ("By Jo Hall and Ben Food, Staff Writers", ["Jo Hall", "Ben Food"]),
        (["Ann Lee", {"name": "Bo Chan"}, None, 3], ["Ann Lee", "Bo Chan"]),
        ("Reuters", []),  # an agency credit names the publisher, not a person
        ("https://example.com/authors/x", []),
        (None, []),
        (42, []),
        ("SEAN O'NEIL & MARY MCDONALD", ["Sean O'Neil", "Mary McDonald"]),
    ],
)
def test_normalise_authors(value: object, expected: list[str]) -> None:
    assert normalise_authors(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (
            "2025-03-09T06:40:00+02:00",
            datetime(2025, 3, 9, 6, 40, tzinfo=timezone(timedelta(hours=2))),
        ),
        ("2025-03-09 06:40", datetime(2025, 3, 9, 6, 40, tzinfo=UTC)),
        ("Published: 12 February 2025", datetime(2025, 2, 12, tzinfo=UTC)),
        ("not a date", None),
        ("", None),
        (None, None),
        ("1066-10-14", None),
    ],
)
def test_parse_date(value: object, expected: datetime | None) -> None:
    assert parse_date(value) == expected


@pytest.mark.parametrize(
    ("value", "hours"),
    [
        ("January 8, 2025 9:00 AM ET", -5),
        ("July 8, 2025 9:00 AM ET", -4),  # summer time
        ("July 8, 2025 9:00 AM PT", -7),
        ("July 8, 2025 9:00 AM PST", -8),  # the abbreviation names the offset itself
    ],
)
def test_regional_zone_abbreviations_follow_summer_time(value: str, hours: int) -> None:
    parsed = parse_date(value)
    assert parsed is not None and parsed.utcoffset() == timedelta(hours=hours)


GERMAN = (
    "Der Wetterdienst sagte am Dienstag, dass der Frühling in dem Norden der nasseste war und "
    "es nicht aufhörte zu regnen, mit der doppelten Menge für die Täler."
)


def test_guess_language() -> None:
    assert guess_language(PROSE) == "en"
    assert guess_language(GERMAN) == "de"
    assert guess_language("北京今天天气很好，很多人去公园散步。") == "zh"
    assert guess_language("12 34 56") is None


def test_record_fields_win_over_text_hints() -> None:
    text = f"Wettest spring on record in the north\n\nBy Ann Lee\n\n{PROSE}"
    document = doc(
        text,
        "application/json",
        title="Record rain",
        url="https://x.example/a",
        author="Bo Chan",
        published_at="2025-06-01T10:00:00Z",
        language="en-GB",
    )
    article = normalise(document, clean(document))
    assert article.title == "Record rain" and article.authors == ["Bo Chan"]
    assert article.url == "https://x.example/a" and article.language == "en"
    assert article.published_at == datetime(2025, 6, 1, 10, tzinfo=UTC)


def test_title_and_deck_leave_the_body() -> None:
    deck = "• Rain twice the average\n• Valleys flooded"
    text = f"Wettest spring on record in the north\n\n{deck}\n\n{PROSE}"
    article = normalise(doc(text), clean(doc(text)))
    assert article.title == "Wettest spring on record in the north"
    assert article.standfirst == "Rain twice the average\nValleys flooded"
    assert article.body == PROSE and article.word_count == len(PROSE.split())


def test_only_a_headline_is_a_reject() -> None:
    cleaned = Cleaned(
        lines=["Wettest spring on record"],
        removed=[],
        hints=Hints(title="Wettest spring on record"),
    )
    with pytest.raises(RejectError) as error:
        normalise(doc("x"), cleaned)
    assert error.value.stage == "normalise" and error.value.reason == "empty_body"


def test_html_title_prefers_visible_headline_and_decodes_entities() -> None:
    html = (
        "<html><head><title>SEO title &amp; more | Site</title></head><body>"
        "<h1>Ferry routes saved &amp; fares frozen</h1>"
        f"<article><p>{PROSE}</p></article></body></html>"
    )
    document = doc(html, "text/html")
    article = normalise(document, clean(document))
    assert article.title == "Ferry routes saved & fares frozen"


def test_date_from_url_when_the_page_has_none() -> None:
    html = (
        '<html><head><link rel="canonical" href="https://x.example/2025/06/01/rain/">'
        f"</head><body><article><p>{PROSE}</p></article></body></html>"
    )
    document = doc(html, "text/html")
    assert normalise(document, clean(document)).published_at == datetime(2025, 6, 1, tzinfo=UTC)


@pytest.mark.parametrize("credit", ["TMZ Staff", "Top Gear", "The Daily Courier", "example.com"])
def test_desks_and_publications_are_not_authors(credit: str) -> None:
    assert normalise_authors(credit) == []


def test_date_shaped_piece_is_parsed_when_the_whole_is_not() -> None:
    value = "Saturday December 23, 2023 09:30 PM EST 12/23/2023 9:30 PM"
    parsed = parse_date(value)
    assert parsed is not None and parsed.date().isoformat() == "2023-12-23"


def test_texts_own_headline_leaves_the_body_when_the_record_has_a_title() -> None:
    text = f"Wettest spring on record in the north\n\n{PROSE}"
    document = doc(text, "application/json", title="Record rain in the north")
    article = normalise(document, clean(document))
    assert article.title == "Record rain in the north" and article.body == PROSE


@pytest.mark.parametrize(
    ("byline", "expected"),
    [
        ("By ANA REYES and TOM BAKER Associated Press", ["Ana Reyes", "Tom Baker"]),
        ("By Jo Roe, Associated Press", ["Jo Roe"]),
        ("By Associated Press", ["Associated Press"]),
    ],
)
def test_agency_after_names_is_not_an_author(byline: str, expected: list[str]) -> None:
    assert normalise_authors(byline) == expected
