"""Property tests: the cleaner survives arbitrary text and markup."""

from __future__ import annotations

import contextlib

from clean_docs import doc
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from newsdesk.clean import clean
from newsdesk.errors import RejectError
from newsdesk.normalise import normalise

TAGS = [
    "<p>", "</p>", "<div class='ad'>", "</div>", "<article>", "<script>", "</script>", "<br>",
    "<nav>", "<!--", "-->", "<h1>", "</h1>", "&amp;", "<a href='x'>", "</a>", "<",
    "<time datetime='2024-13-45'>", "<span style='display:none'>", "<p hidden>",
    "<div class='article-body'>",
    "<meta property='article:published_time' content='0000-00-00'>",
    '<script type="application/ld+json">{"@type":"NewsArticle","author":[[[]]],'
    '"datePublished":{}}</script>',
]  # fmt: skip
FURNITURE = [
    "Advertisement", "02:43", "Photo: AFP", "By JOHN DOE", "68 F", "Share", "\n", "\n\n",
    "Get more with X", "Learn more", "jo@x.example", "Published: 3 May 2024", "•  item",
]  # fmt: skip


def run(text: str, media_type: str) -> None:
    """Clean and normalise; only RejectError may escape."""
    document = doc(text, media_type)
    with contextlib.suppress(RejectError):
        normalise(document, clean(document))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(max_size=2000))
def test_any_text_is_cleaned_or_rejected(text: str) -> None:
    run(text, "text/plain")


@settings(max_examples=150, deadline=None)
@given(st.lists(st.sampled_from(TAGS + FURNITURE) | st.text(max_size=40), max_size=80))
def test_any_markup_is_cleaned_or_rejected(pieces: list[str]) -> None:
    run("".join(pieces), "text/html")


@settings(max_examples=60, deadline=None)
@given(st.lists(st.sampled_from(FURNITURE) | st.text(max_size=200), max_size=40))
def test_any_json_text_is_cleaned_or_rejected(pieces: list[str]) -> None:
    run("\n".join(pieces), "application/json")
