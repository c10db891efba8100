"""Publication dates from HTML: which source wins, and in which timezone the day is taken."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta

import pytest
from clean_docs import doc

from newsdesk.clean import clean
from newsdesk.normalise import normalise, parse_date

PROSE = (
    "The ferry operator said on Thursday that the winter timetable would keep two crossings a "
    "day to the outer islands, after residents asked for an earlier morning sailing."
)
MORE = (
    "Councillors had warned that cutting the second crossing would leave pupils without a "
    "way to reach the secondary school on the mainland before the first lesson of the day."
)


def page(body: str, head: str = "") -> str:
    """A minimal HTML page with an article of two paragraphs after the given body markup."""
    article = f"<article><p>{PROSE}</p><p>{MORE}</p></article>"
    return f"<html><head>{head}</head><body>{body}{article}</body></html>"


def json_ld(**fields: str) -> str:
    """A <script> with one JSON-LD object."""
    return f"<script type='application/ld+json'>{json.dumps(fields)}</script>"


def published(html: str) -> datetime | None:
    """The published_at newsdesk reads off a page."""
    document = doc(html, "text/html")
    return normalise(document, clean(document)).published_at


def test_json_ld_published_beats_modified() -> None:
    head = json_ld(
        **{
            "@type": "NewsArticle",
            "headline": "Ferry timetable kept",
            "dateModified": "2025-03-02T09:00:00Z",
            "datePublished": "2025-02-20T09:00:00Z",
        }
    )
    stamp = published(page("<h1>Ferry timetable kept for winter</h1>", head))
    assert stamp is not None and stamp.date() == date(2025, 2, 20)


@pytest.mark.parametrize("kind", ["ReportageNewsArticle", "OpinionNewsArticle", "SatiricalArticle"])
def test_every_article_subtype_is_read(kind: str) -> None:
    head = json_ld(**{"@type": kind, "datePublished": "2025-02-20T09:00:00Z"})
    body = "<time class='stamp' datetime='2025-03-02T09:00:00Z'>Updated 2 March 2025</time>"
    stamp = published(page(body, head))
    assert stamp is not None and stamp.date() == date(2025, 2, 20)


@pytest.mark.parametrize(
    ("printed", "day", "offset"),
    [
        ("20 February 2025 10:00 PM", date(2025, 2, 20), timedelta(hours=-5)),  # no zone printed
        ("Feb. 20, 2025 10:00 pm EST", date(2025, 2, 20), timedelta(hours=-5)),  # zone printed
        ("21 February 2025 - 2:00PM", date(2025, 2, 21), timedelta(hours=11)),
    ],
)
def test_utc_timestamp_keeps_the_day_the_page_prints(
    printed: str, day: date, offset: timedelta
) -> None:
    head = "<meta property='article:published_time' content='2025-02-21T03:00:41Z'>"
    body = f"<h1>Ferry timetable kept for winter</h1><div class='post-date'>{printed}</div>"
    stamp = published(page(body, head))
    assert stamp == datetime(2025, 2, 21, 3, 0, 41, tzinfo=UTC)  # the same moment
    assert stamp.date() == day and stamp.utcoffset() == offset


def test_unrelated_printed_time_does_not_move_the_day() -> None:
    head = "<meta property='article:published_time' content='2025-02-21T03:00:41Z'>"
    body = "<div class='post-date'>19 February 2025 6:17 PM</div>"  # another moment
    stamp = published(page(body, head))
    assert (
        stamp is not None
        and stamp.date() == date(2025, 2, 21)
        and stamp.utcoffset() == timedelta(0)
    )


def test_date_only_timestamp_is_not_moved() -> None:
    head = "<meta property='article:published_time' content='2025-02-21'>"
    body = "<div class='post-date'>20 February 2025 11:00 PM</div>"
    stamp = published(page(body, head))
    assert stamp is not None and stamp.date() == date(2025, 2, 21)


def test_today_widget_never_wins() -> None:
    body = (
        "<header class='site-header'><div class='site-header__date'>Monday, 3 March 2025</div>"
        "</header><div class='today-date'>3 March 2025</div>"
        "<h1>Ferry timetable kept for winter</h1>"
        "<span class='article-date'>20 February 2025</span>"
    )
    stamp = published(page(body))
    assert stamp is not None and stamp.date() == date(2025, 2, 20)


def test_visible_published_date_ranks_before_updated() -> None:
    body = (
        "<h1>Ferry timetable kept for winter</h1>"
        "<span class='date-updated'>2 March 2025</span>"
        "<span class='date-published'>20 February 2025</span>"
    )
    stamp = published(page(body))
    assert stamp is not None and stamp.date() == date(2025, 2, 20)


def test_malformed_datetime_attribute_gives_way_to_the_text() -> None:
    body = "<time datetime='2019-01-012025-02-20'>20 February 2025</time>"
    stamp = published(page(body))
    assert stamp is not None and stamp.date() == date(2025, 2, 20)


def test_date_alone_right_after_the_headline_is_the_last_resort() -> None:
    body = (
        "<div class='x1'><h1>Ferry timetable kept for winter</h1>"
        "<div class='x2'><span class='x3'>Ann Lee</span><span class='x4'>Feb 20, 2025</span>"
        "</div></div>"
    )
    stamp = published(page(body))
    assert stamp is not None and stamp.date() == date(2025, 2, 20)


def test_dateline_below_the_text_loses_to_markup() -> None:
    text = (
        f"Ferry timetable kept for winter\n\n{PROSE}\n\n{MORE}\n\nCorrections\n\n"
        "March 2, 2025 9:25 AM\n\nABOUT THE AUTHOR"
    )
    html = (
        "<html><head><meta property='article:published_time' content='2025-02-20T09:00:00Z'>"
        f"</head><body><article>{''.join(f'<p>{p}</p>' for p in text.split(chr(10) * 2))}"
        "</article></body></html>"
    )
    cleaned = clean(doc(html, "text/html"))
    assert cleaned.hints.late_dateline == "March 2, 2025 9:25 AM"
    assert cleaned.hints.dateline is None
    stamp = published(html)
    assert stamp is not None and stamp.date() == date(2025, 2, 20)


def test_dateline_above_the_text_still_wins() -> None:
    html = (
        "<html><head><meta property='article:published_time' content='2025-02-18T09:00:00Z'>"
        "</head><body><article><h1>Ferry timetable kept for winter</h1>"
        f"<p>Updated 20 February 2025</p><p>{PROSE}</p><p>{MORE}</p></article></body></html>"
    )
    stamp = published(html)
    assert stamp is not None and stamp.date() == date(2025, 2, 20)


@pytest.mark.parametrize(
    ("content", "offset"),
    [
        ("2025-02-20T09:25:00-05:00", timedelta(hours=-5)),  # the same clock time: its zone
        ("2025-02-20T14:25:00Z", timedelta(0)),  # another clock time: the dateline, as UTC
    ],
)
def test_a_zoneless_dateline_takes_the_zone_of_markup_showing_the_same_time(
    content: str, offset: timedelta
) -> None:
    html = (
        f"<html><head><meta property='article:published_time' content='{content}'>"
        "</head><body><article><h1>Ferry timetable kept for winter</h1>"
        f"<p>February 20, 2025 9:25 AM</p><p>{PROSE}</p><p>{MORE}</p></article></body></html>"
    )
    stamp = published(html)
    assert stamp is not None and stamp.utcoffset() == offset
    assert (stamp.date(), stamp.hour, stamp.minute) == (date(2025, 2, 20), 9, 25)


@pytest.mark.parametrize(
    "value",
    [
        "Posted: Feb 20, 2025 8:25 AM EST | Last Updated: March 2, 2025",
        "Updated: March 2, 2025 | Published: Feb 20, 2025",
        "Last updated 2 March 2025, first published 20 February 2025",
    ],
)
def test_labelled_published_part_is_parsed(value: str) -> None:
    parsed = parse_date(value)
    assert parsed is not None and parsed.date() == date(2025, 2, 20)


@pytest.mark.parametrize(
    ("line", "day", "hour"),
    [
        ("Published 6:12am, 14 Oct 2025", date(2025, 10, 14), 6),
        ("Oct 14, 2025, 07:40pm EST", date(2025, 10, 14), 19),
        ("14 October 2025 • 1:16PM", date(2025, 10, 14), 13),
        # A clock written with a dot, as British papers print it.
        ("Tue 14 Oct 2025 06.12 BST", date(2025, 10, 14), 6),
        # The year and the clock written without a space between them.
        ("Oct 14, 20256:12 AM", date(2025, 10, 14), 6),
    ],
)
def test_a_text_dateline_with_am_pm_written_on_its_clock_is_read(
    line: str, day: date, hour: int
) -> None:
    # "6:12am": the am/pm glued to the clock, as many sites print it; "06.12": a dot for a colon.
    story = "Ferry winter timetable keeps two crossings"
    late = (
        "The last sailing of the day will leave the harbour at 5.35pm on October 20, an hour "
        "earlier than in the summer months, the operator said in its statement."
    )
    text = "\n\n".join([story, "By Ines Marlow", line, PROSE, late, MORE])
    document = doc(text, "text/plain")
    cleaned = clean(document)
    article = normalise(document, cleaned)
    assert article.published_at is not None
    assert article.published_at.date() == day and article.published_at.hour == hour
    assert {r.reason for r in cleaned.removed if r.text == line} == {"dateline"}
    # A sentence that tells a time and a date is no dateline.
    assert "5.35pm on October 20" in article.body


def test_a_dotted_clock_is_read_and_a_dotted_date_stays_a_date() -> None:
    stamp = parse_date("Mon 13 Oct 2025 23.40 BST")
    assert stamp is not None and stamp.astimezone(UTC) == datetime(2025, 10, 13, 22, 40, tzinfo=UTC)
    dotted = parse_date("13.10.2025")
    assert dotted is not None and (dotted.date(), dotted.hour) == (date(2025, 10, 13), 0)
    # Not a time of day: left as written, the day still read.
    late = parse_date("13 Oct 2025 27.75")
    assert late is not None and late.date() == date(2025, 10, 13) and late.hour == 0


def test_a_stamped_dateline_wins_over_a_bare_date_at_the_top_of_a_page() -> None:
    # A whole page's text: the site's "today" (a bare date) above the menu, the article's
    # dateline (a clock, or a "Published" label) under its headline.
    def published_day(dateline: str | None) -> date | None:
        header = ["Friday, October 17, 2025", "News", "Sport", "Weather", "Sign in"]
        story = ["Ferry winter timetable keeps two crossings", "By Ines Marlow"]
        text = "\n\n".join([*header, *story, *([dateline] if dateline else []), PROSE, MORE])
        document = doc(text, "text/plain")
        stamp = normalise(document, clean(document)).published_at
        return stamp.date() if stamp else None

    assert published_day("Oct. 14, 2025, 6:12 p.m. ET") == date(2025, 10, 14)
    assert published_day("Published: 14 Oct 2025") == date(2025, 10, 14)
    # A bare date under the headline is no better than the one at the top: the first stands.
    assert published_day("October 14, 2025") == date(2025, 10, 17)
    # With nothing else, the bare date is the dateline.
    assert published_day(None) == date(2025, 10, 17)


def test_a_writers_line_ending_in_a_stamped_date_dates_the_text() -> None:
    # No dateline of its own: the writer's line under the headline ends in the date and clock.
    def published_at(writer: str) -> datetime | None:
        story = ["Ferry winter timetable keeps two crossings", writer]
        document = doc("\n\n".join([*story, PROSE, MORE]), "text/plain")
        return normalise(document, clean(document)).published_at

    stamp = published_at("Ines Marlow, Transport Editor Oct 14, 2025 6:12 pm PDT")
    assert stamp is not None and stamp.date() == date(2025, 10, 14) and stamp.hour == 18
    # A date with no clock at the end of such a line is as likely a related story's: not read.
    assert published_at("Ines Marlow, Transport Editor, Oct 14, 2025") is None


@pytest.mark.parametrize("value", ["December 2023", "Archive: June 2023 (38)", "2023", "2023-12"])
def test_a_date_without_its_day_is_no_date(value: str) -> None:
    # dateutil fills a missing day or month from today's: the page would change date daily.
    assert parse_date(value) is None


def test_a_days_date_is_read_whatever_the_day_it_is_read_on() -> None:
    assert parse_date("5 December 2023") == datetime(2023, 12, 5, tzinfo=UTC)
    # The day-less part aside, a later whole date in the same text is read.
    stamp = parse_date("Updated June 2023, first published 5 May 2023")
    assert stamp is not None and stamp.date() == date(2023, 5, 5)
