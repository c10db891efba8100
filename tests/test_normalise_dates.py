"""Dates an analyst can trust: modified apart from published, time and zone kept, the URL's
date when nothing else dates the page, and no date from a widget's "today"."""

from __future__ import annotations

import hashlib
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import Engine, text

from newsdesk.clean import clean
from newsdesk.normalise import normalise
from newsdesk.records import Article, RawDocument
from tests.records import html_document, load_article

PROSE = (
    "The harbour board voted on Tuesday to dredge the eastern channel before the summer, "
    "after two cargo ships ran aground there in March and the pilots' association warned "
    "that larger vessels would avoid the port."
)
HEADLINE = "<h1>Harbour dredging to start in May</h1>"


def page(body: str, head: str = "", **record: str) -> Article:
    doc = html_document(body, head, record)
    return normalise(doc, clean(doc))


def json_ld(**fields: str) -> str:
    pairs = ",".join(f'"{k}":"{v}"' for k, v in fields.items())
    return f'<script type="application/ld+json">{{"@type":"NewsArticle",{pairs}}}</script>'


def test_modified_is_kept_apart_from_published() -> None:
    article = page(
        f"{HEADLINE}<p>{PROSE}</p>",
        json_ld(datePublished="2025-03-04T09:15:00Z", dateModified="2025-03-06T17:00:00Z"),
    )
    assert article.published_at == datetime(2025, 3, 4, 9, 15, tzinfo=UTC)
    assert article.modified_at == datetime(2025, 3, 6, 17, tzinfo=UTC)
    assert article.provenance["modified_at"].source == "json-ld:dateModified"
    assert article.provenance["published_at"].source == "json-ld:datePublished"


def test_modified_from_meta_tags_and_update_elements() -> None:
    tags = page(
        f"{HEADLINE}<p>{PROSE}</p>",
        '<meta property="article:published_time" content="2025-03-04T09:15:00Z">'
        '<meta property="article:modified_time" content="2025-03-05T08:00:00Z">',
    )
    assert tags.published_at is not None and tags.published_at.date() == date(2025, 3, 4)
    assert tags.modified_at == datetime(2025, 3, 5, 8, tzinfo=UTC)
    assert tags.provenance["modified_at"].source == "meta:article:modified_time"
    shown = page(
        f"{HEADLINE}<span class='published'>4 March 2025</span>"
        f"<span class='updated'>7 March 2025</span><p>{PROSE}</p>"
    )
    assert shown.published_at is not None and shown.published_at.date() == date(2025, 3, 4)
    assert shown.modified_at is not None and shown.modified_at.date() == date(2025, 3, 7)


def test_a_page_without_an_update_has_no_modified_date() -> None:
    article = page(f"{HEADLINE}<p>{PROSE}</p>", json_ld(datePublished="2025-03-04T09:15:00Z"))
    assert article.modified_at is None and "modified_at" not in article.provenance


def test_time_and_zone_are_kept_where_the_page_gives_them(engine: Engine) -> None:
    article = page(f"{HEADLINE}<p>{PROSE}</p>", json_ld(datePublished="2025-03-04T23:30:00+09:00"))
    assert article.published_at is not None
    assert article.published_at.utcoffset() == timedelta(hours=9)
    assert (article.published_at.day, article.published_at.hour) == (4, 23)  # the page's day
    assert article.provenance["published_at"].value == "2025-03-04T23:30:00+09:00"
    raw = b"zone"
    doc = RawDocument("mem://z.html", hashlib.sha256(raw).hexdigest(), "text/html", raw, "", "")
    article_id = load_article(engine, doc, article, [])
    with engine.connect() as conn:
        stored, source = conn.execute(
            text(
                "SELECT published_at, provenance #>> '{published_at,value}' FROM articles "
                "WHERE id = :id"
            ),
            {"id": article_id},
        ).one()
    assert stored == datetime(2025, 3, 4, 14, 30, tzinfo=UTC)  # the same moment
    assert source == "2025-03-04T23:30:00+09:00"  # and the zone the page wrote it in


def test_the_url_dates_a_page_that_prints_no_date() -> None:
    known = page(f"{HEADLINE}<p>{PROSE}</p>", url="https://news.example/2025/03/04/dredging")
    assert known.published_at == datetime(2025, 3, 4, tzinfo=UTC)
    assert known.provenance["published_at"].source == "url"
    assert page(f"{HEADLINE}<p>{PROSE}</p>").published_at is None


def test_a_widget_today_is_no_publication_date() -> None:
    for widget in (
        "<div class='top-bar'><span class='today'>Tuesday, December 1, 2026</span></div>",
        "<div id='todays-date'>Tuesday, December 1, 2026</div>",
        "<div class='clock'>Tuesday, December 1, 2026 10:45</div>",
        "<nav><span class='date'>1 December 2026</span><a href='/'>Home</a></nav>",
    ):
        article = page(f"<article>{widget}{HEADLINE}<p>{PROSE}</p></article>")
        assert article.published_at is None, widget
        assert "published_at" not in article.provenance
        assert "2026" not in article.body
    dated = page(
        "<article><span class='today'>Tuesday, December 1, 2026</span>"
        f"{HEADLINE}<time datetime='2025-03-04'>4 March 2025</time><p>{PROSE}</p></article>"
    )
    assert dated.published_at is not None and dated.published_at.date() == date(2025, 3, 4)
    assert "date_widget" in {r.reason for r in dated.removed}


def test_the_date_under_the_headline_beats_markup_on_another_day() -> None:
    markup = json_ld(datePublished="2025-03-04T09:15:00Z", dateModified="2025-03-06T17:00:00Z")
    body = f"<header>{HEADLINE}<div>{{}}</div></header><article><p>{PROSE}</p></article>"
    shown = page(body.format("March 6, 2025"), markup)
    assert shown.published_at is not None and shown.published_at.date() == date(2025, 3, 6)
    found = shown.provenance["published_at"]
    assert found.source == "after-headline"
    assert ("json-ld:datePublished", "2025-03-04T09:15:00Z") in [
        (c.source, c.value) for c in found.lost
    ]
    assert shown.modified_at == datetime(2025, 3, 6, 17, tzinfo=UTC)  # still kept apart
    # The same day under the headline: markup's time and zone stay.
    same = page(body.format("March 4, 2025"), markup)
    assert same.published_at == datetime(2025, 3, 4, 9, 15, tzinfo=UTC)
    assert same.provenance["published_at"].source == "json-ld:datePublished"


def test_an_update_or_an_editions_date_under_a_headline_does_not_beat_markup() -> None:
    markup = json_ld(datePublished="2025-03-04T09:15:00Z")
    byline = "<div><span>By Jo Reed</span> <span>Updated March 6, 2025</span></div>"
    body = f"<header>{HEADLINE}{byline}</header><article><p>{PROSE}</p></article>"
    found = page(body, markup).provenance["published_at"]
    assert found.source == "json-ld:datePublished"
    assert ("after-headline", "Updated March 6, 2025") in [(c.source, c.value) for c in found.lost]
    # The site's logo is the first <h1>, the day's edition date after it; the headline the
    # page's title repeats comes later, with no date of its own.
    masthead = "<div><h1>The Harbour Gazette Weekly</h1><div>March 9, 2025</div></div>"
    title = "<title>Harbour dredging to start in May | The Harbour Gazette</title>"
    article = page(f"{masthead}<article>{HEADLINE}<p>{PROSE}</p></article>", markup + title)
    assert article.published_at == datetime(2025, 3, 4, 9, 15, tzinfo=UTC)


def test_the_headline_the_title_repeats_dates_the_page_not_the_logo_above_it() -> None:
    # The title ends with the site's name, so it repeats the logo <h1> too: the date under
    # the headline (the longest <h1> it repeats) is the one read, not the edition's.
    markup = json_ld(datePublished="2025-03-04T09:15:00Z")
    title = "<title>Harbour dredging to start in May | The Harbour Gazette</title>"
    masthead = "<div><h1>The Harbour Gazette</h1><div>March 9, 2025</div></div>"
    story = f"<article>{HEADLINE}<div>March 6, 2025</div><p>{PROSE}</p></article>"
    article = page(masthead + story, markup + title)
    assert article.title == "Harbour dredging to start in May"
    assert article.published_at is not None and article.published_at.date() == date(2025, 3, 6)
    assert ("after-headline", "March 9, 2025") not in [
        (c.source, c.value) for c in article.provenance["published_at"].lost
    ]
