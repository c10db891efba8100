"""HTML: chrome containers dropped, the article container chosen, metadata read, depth guarded."""

from __future__ import annotations

import time

import pytest
from clean_docs import doc

from newsdesk.clean import CleanOptions, clean
from newsdesk.errors import RejectError
from newsdesk.records import PageMeta

PROSE = (
    "The harbour authority confirmed on Friday that dredging of the main channel will begin in "
    "May, allowing larger container ships to dock at the eastern quay for the first time."
)


def page(body: str, head: str = "") -> str:
    """A minimal HTML page."""
    return f"<html><head>{head}</head><body>{body}</body></html>"


def test_chrome_is_dropped_and_article_kept() -> None:
    html = page(
        "<nav><a href='/'>Home</a> <a href='/news'>News</a></nav>"
        f"<article><h1>Dredging to start</h1><p>{PROSE}</p>"
        "<figure><img src='x.jpg'><figcaption>The quay at dawn.</figcaption></figure>"
        "<div class='ad-container'>Advertisement</div>"
        "<p><a href='/other'>Ten things to do in the harbour this weekend</a></p>"
        f"<p>{PROSE.replace('Friday', 'Monday')}</p></article>"
        "<footer>About us Contact Careers</footer>"
    )
    cleaned = clean(doc(html, "text/html"))
    kept = " ".join(cleaned.lines)
    assert PROSE in kept and "Home" not in kept and "About us" not in kept
    assert "The quay at dawn" not in kept and "Advertisement" not in kept
    reasons = {r.reason for r in cleaned.removed}
    assert {"html:figure", "advert", "related_link"} <= reasons


def test_json_ld_and_meta_become_hints() -> None:
    head = (
        '<script type="application/ld+json">{"@context":"https://schema.org","@graph":['
        '{"@type":"NewsArticle","headline":"Dredging to start",'
        '"datePublished":"2025-04-04T08:00:00Z",'
        '"author":{"@type":"Person","name":"Nils Berg"},"publisher":{"name":"Harbour News"}}]}'
        '</script><meta property="og:site_name" content="HN">'
    )
    cleaned = clean(doc(page(f"<p>{PROSE}</p>", head), "text/html"))
    meta = cleaned.hints.meta
    assert meta is not None
    assert meta.value("title") == "Dredging to start" and meta.value("authors") == ["Nils Berg"]
    assert meta.value("publisher") == "Harbour News"
    assert meta.value("published").startswith("2025-04-04")


def test_script_only_html_is_rejected_with_reason() -> None:
    html = page("<script>var app = {};</script><style>body{}</style><noscript></noscript>")
    with pytest.raises(RejectError) as error:
        clean(doc(html, "text/html"))
    assert error.value.reason == "no_article_text" and "HTML" in str(error.value)


def test_ten_thousand_levels_deep_does_not_blow_the_stack() -> None:
    html = page("<div>" * 10_000 + f"<p>{PROSE}</p>" + "</div>" * 10_000)
    started = time.perf_counter()
    cleaned = clean(doc(html, "text/html"))
    assert PROSE in cleaned.lines
    assert time.perf_counter() - started < 5


def test_depth_limit_is_an_option() -> None:
    html = page("<div>" * 50 + f"<p>{PROSE}</p>" + "</div>" * 50)
    cleaned = clean(doc(html, "text/html"), CleanOptions(max_html_depth=20))
    assert cleaned.hints.meta is not None and cleaned.hints.meta.flattened is True
    assert PROSE in cleaned.lines


def test_json_record_with_html_text() -> None:
    cleaned = clean(doc(page(f"<p>{PROSE}</p>"), "application/json", title="Dredging"))
    assert PROSE in cleaned.lines


def test_hidden_article_text_is_kept_but_hidden_chrome_goes() -> None:
    html = page(
        f"<article><p>{PROSE}</p>"
        f"<div style='display:none'><p>{PROSE.replace('Friday', 'Sunday')}</p></div>"
        "<div hidden>Menu Search Login</div></article>"
    )
    kept = " ".join(clean(doc(html, "text/html")).lines)
    assert "Sunday" in kept and "Menu Search" not in kept


def test_wrapper_with_chrome_like_class_is_not_dropped() -> None:
    paras = "".join(f"<p>{PROSE.replace('May', m)}</p>" for m in ("June", "July", "August"))
    html = page(f"<div class='layout has-sidebar'><div class='content'>{paras}</div></div>")
    kept = " ".join(clean(doc(html, "text/html")).lines)
    assert "June" in kept and "August" in kept


def test_article_split_over_sibling_containers_is_joined() -> None:
    first = "".join(f"<p>{PROSE.replace('May', m)}</p>" for m in ("June", "July", "August"))
    second = "".join(f"<p>{PROSE.replace('May', m)}</p>" for m in ("October", "November"))
    html = page(
        f"<main><div class='text'>{first}</div><div class='shop-box'><a href='/x'>Buy</a></div>"
        f"<div class='text'>{second}</div></main>"
    )
    kept = " ".join(clean(doc(html, "text/html")).lines)
    assert "June" in kept and "November" in kept and "Buy" not in kept


def test_metadata_fallbacks_visible_date_and_h1() -> None:
    meta = page_meta(
        "<h1>Harbour dredging to start in May</h1>"
        "<span class='article-date'>Published 4 April 2025</span>",
        "<title>Dredging | Harbour News</title>",
    )
    assert meta.h1 == "Harbour dredging to start in May"
    assert meta.value("published") == "Published 4 April 2025"


def test_the_h1_the_title_repeats_beats_a_logo_h1() -> None:
    meta = page_meta(
        "<header><h1>The Harbour Evening News</h1></header><h1>Harbour dredging to start in May</h1>",
        "<title>Harbour dredging to start in May - The Harbour Evening News</title>",
    )
    assert meta.h1 == "Harbour dredging to start in May"


def page_meta(header: str, head: str) -> PageMeta:
    """The markup metadata of a page: its header, then one article paragraph."""
    html = page(f"{header}<div class='article-body'><p>{PROSE}</p></div>", head)
    meta = clean(doc(html, "text/html")).hints.meta
    assert meta is not None
    return meta


def test_body_segments_of_the_same_class_are_joined() -> None:
    segment = "<section><div class='story-text'><p>{}</p><p>{}</p></div></section>"
    shop = (
        "<section><div class='shop'><a href='/x'>Buy the Harbour Lamp for $20</a></div></section>"
    )
    months = ["June", "July", "August", "October"]
    parts = [
        segment.format(PROSE.replace("May", a), PROSE.replace("May", b))
        for a, b in (months[:2], months[2:])
    ]
    html = page(f"<main><div class='column'>{parts[0]}{shop}{parts[1]}</div></main>")
    kept = " ".join(clean(doc(html, "text/html")).lines)
    assert all(m in kept for m in months) and "Harbour Lamp" not in kept


def test_a_dated_line_under_the_headline_is_neither_deck_nor_body() -> None:
    # A dateline with the outlet's name on it, as a page prints it under the headline.
    dated = "Updated on: May 3, 2025 / 10:07 AM / Harbour Courier"
    html = page(
        f"<article><h1>Dredging to start in May</h1><p>{dated}</p><p>{PROSE}</p>"
        f"<p>{PROSE.replace('Friday', 'Monday')}</p></article>"
    )
    cleaned = clean(doc(html, "text/html"))
    assert dated not in cleaned.lines and cleaned.hints.standfirst is None
    assert {r.text: r.reason for r in cleaned.removed}.get(dated) == "dateline"
