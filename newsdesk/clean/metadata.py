"""Article metadata from markup: JSON-LD, OpenGraph and meta tags, <time>, byline elements.

Every value is a hint (a string or a list of strings); normalise turns hints into typed fields.
Sources are read in order of reliability: JSON-LD of a NewsArticle-like type, then meta tags,
then visible markup.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

from lxml.html import HtmlElement

# schema.org types whose JSON-LD object describes the article itself: Article and every
# subtype named ...Article (NewsArticle, ReportageNewsArticle, OpinionNewsArticle ...),
# ...Posting (BlogPosting, SocialMediaPosting), Report, and WebPage for its date and URL.
ARTICLE_TYPES = re.compile(r"[A-Za-z]*(?:Article|Posting)|WebPage|Report")
# Meta tag names/properties per hint, most specific first.
META_KEYS: dict[str, tuple[str, ...]] = {
    "title": ("og:title", "twitter:title", "dc.title", "headline", "title"),
    "published": (
        "article:published_time",
        "og:published_time",
        "datepublished",
        "publishdate",
        "pubdate",
        "publish-date",
        "publish_date",
        "date",
        "dc.date",
        "dc.date.issued",
        "dcterms.created",
        "sailthru.date",
        "parsely-pub-date",
        "article.published",
        "og:pubdate",
        "release_date",
        "citation_publication_date",
        "cxenseparse:recs:publishtime",
    ),
    "authors": (
        "author",
        "article:author",
        "parsely-author",
        "dc.creator",
        "sailthru.author",
        "byl",
        "twitter:creator",
        "cxenseparse:author",
        "citation_author",
    ),
    "publisher": ("og:site_name", "application-name", "publisher", "dc.publisher", "twitter:site"),
    "section": ("article:section", "section", "parsely-section", "category"),
    "url": ("og:url", "twitter:url"),
    "description": ("og:description", "description", "twitter:description"),
}
# Elements that hold a byline, by class/id/itemprop/rel tokens.
BYLINE_SELECTOR = (
    "//*[@rel='author' or @itemprop='author' or contains(@class,'byline')"
    " or contains(@class,'author') or contains(@id,'byline') or contains(@class,'Byline')"
    " or contains(@class,'Author')]"
)
BYLINE_MAX_CHARS = 120
# Elements that show the publication date, most explicit first.
DATE_SELECTOR = (
    "//*[@itemprop='datePublished'] | //time | //*[contains(@class,'publish') or"
    " contains(@class,'date') or contains(@class,'timestamp') or contains(@class,'Date')]"
)
DATE_CANDIDATES = 30
DATE_TEXT_MAX_CHARS = 80
YEAR = re.compile(r"(?<!\d)(?:19|20)\d{2}(?!\d)")
# An <h1> shorter than this is a logo or a section name, not the headline.
H1_MIN_WORDS = 3
# Title separators: "Headline | Site", "Headline - Site".
TITLE_SEPARATOR = re.compile(r"\s+(?:[|–—·»:]|-{1,2})\s+")


def from_tree(tree: HtmlElement) -> dict[str, Any]:
    """All metadata hints found in a parsed page."""
    hints: dict[str, Any] = {}
    objects = list(_json_ld_objects(tree))
    for obj in objects:
        if _is_article(obj.get("@type")):
            _merge(hints, _from_json_ld(obj))
    _merge(hints, _from_meta(tree))
    _merge(hints, _headings(tree))
    # A visible date is searched only when structured metadata has none.
    if not hints.get("published"):
        hints["published"] = _visible_date(tree) or next(
            (_text(o.get("datePublished")) for o in objects),
            None,  # any JSON-LD type
        )
    # Byline elements always: structured authors may turn out to be desks or the publisher.
    hints["byline_text"] = _byline_texts(tree)
    return hints


def _merge(into: dict[str, Any], new: dict[str, Any]) -> None:
    """Keep the first non-empty value per key."""
    for key, value in new.items():
        if value and not into.get(key):
            into[key] = value


def _json_ld_objects(tree: HtmlElement) -> Iterator[dict[str, Any]]:
    """Every JSON-LD object on the page, including those inside @graph."""
    for script in tree.iterfind(".//script[@type='application/ld+json']"):
        try:
            data = json.loads(script.text or "", strict=False)
        except (ValueError, RecursionError):
            continue
        stack: list[Any] = [data]
        while stack:
            item = stack.pop(0)
            if isinstance(item, list):
                stack.extend(item)
            elif isinstance(item, dict):
                stack.extend(v for k, v in item.items() if k == "@graph")
                yield item


def _is_article(kind: Any) -> bool:
    """True for a schema.org @type (or list of types) naming an article."""
    kinds = kind if isinstance(kind, list) else [kind]
    return any(isinstance(k, str) and ARTICLE_TYPES.fullmatch(k) for k in kinds)


def _from_json_ld(obj: dict[str, Any]) -> dict[str, Any]:
    """Hints from one JSON-LD article object."""
    hints: dict[str, Any] = {
        "title": _text(obj.get("headline") or obj.get("name")),
        "published": _text(obj.get("datePublished") or obj.get("dateCreated")),
        "authors": _names(obj.get("author") or obj.get("creator")),
        "publisher": _names(obj.get("publisher"))[:1],
        "section": _text(obj.get("articleSection")),
        "url": _text(obj.get("url") or obj.get("mainEntityOfPage")),
        "description": _text(obj.get("description")),
        "language": _text(obj.get("inLanguage")),
    }
    if hints["publisher"]:
        hints["publisher"] = hints["publisher"][0]
    if "WebPage" in str(obj.get("@type")):
        hints = {k: v for k, v in hints.items() if k in {"published", "url", "language"}}
    return hints


def _text(value: Any) -> str | None:
    """A string from a JSON-LD value that may be a list or an object with @id/name."""
    if isinstance(value, list):
        value = value[0] if value else None
    if isinstance(value, dict):
        value = value.get("name") or value.get("@id")
    return value.strip() if isinstance(value, str) and value.strip() else None


def _names(value: Any) -> list[str]:
    """Names from a JSON-LD person/organisation value (string, object or list of either)."""
    items = value if isinstance(value, list) else [value]
    names: list[str] = []
    for item in items:
        name = item.get("name") if isinstance(item, dict) else item
        if isinstance(name, list):
            name = name[0] if name else None
        if isinstance(name, str) and name.strip() and name.strip() not in names:
            names.append(name.strip())
    return names


def _from_meta(tree: HtmlElement) -> dict[str, Any]:
    """Hints from <meta> tags, <link rel=canonical> and <html lang>."""
    metas: dict[str, list[str]] = {}
    for meta in tree.iterfind(".//meta"):
        key = (meta.get("property") or meta.get("name") or meta.get("itemprop") or "").lower()
        content = (meta.get("content") or "").strip()
        if key and content:
            metas.setdefault(key, []).append(content)
    hints: dict[str, Any] = {}
    for hint, keys in META_KEYS.items():
        for key in keys:
            if key in metas:
                hints[hint] = metas[key] if hint == "authors" else metas[key][0]
                break
    if isinstance(hints.get("authors"), list):
        hints["authors"] = [a for a in hints["authors"] if not a.startswith(("http", "@"))]
    canonical = tree.find(".//link[@rel='canonical']")
    if canonical is not None and canonical.get("href"):
        hints.setdefault("url", canonical.get("href"))
    root = tree.getroottree().getroot()
    if root is not None and root.get("lang"):
        hints["language"] = root.get("lang")
    return hints


def _headings(tree: HtmlElement) -> dict[str, Any]:
    """The page's <h1> (when headline-sized) and <title>."""
    hints: dict[str, Any] = {}
    for h1 in tree.iter("h1"):
        text = " ".join(h1.text_content().split())
        if len(text.split()) >= H1_MIN_WORDS:
            hints["h1"] = text
            break
    title = tree.find(".//title")
    if title is not None and title.text:
        hints["title"] = " ".join(title.text.split())
    return hints


def _visible_date(tree: HtmlElement) -> str | None:
    """A date marked up in the page: itemprop=datePublished, <time>, or a date-classed element."""
    for element in tree.xpath(DATE_SELECTOR)[:DATE_CANDIDATES]:
        value = element.get("content") or element.get("datetime") or ""
        text = " ".join(element.text_content().split())
        for candidate in (value, text):
            if candidate and len(candidate) <= DATE_TEXT_MAX_CHARS and YEAR.search(candidate):
                return candidate
    return None


def _byline_texts(tree: HtmlElement) -> list[str]:
    """Short texts of byline-like elements, outermost first."""
    texts: list[str] = []
    for element in tree.xpath(BYLINE_SELECTOR)[:20]:
        text = " ".join(" ".join(element.itertext()).split())  # spaced: "Jo Roe Senior reporter"
        if text and len(text) <= BYLINE_MAX_CHARS and text not in texts:
            texts.append(text)
    return texts


def clean_title(title: str, h1: str | None, site: str | None) -> str:
    """A <title>/og:title without the " | Site" suffix, preferring the page's <h1> when equal."""
    if h1 and h1 in title:
        return h1
    parts = TITLE_SEPARATOR.split(title)
    if len(parts) > 1:
        if site and any(site.casefold() in p.casefold() for p in parts):
            parts = [p for p in parts if site.casefold() not in p.casefold()] or parts
        return max(parts, key=len)
    return title
