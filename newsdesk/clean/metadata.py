"""Article metadata from markup: JSON-LD, OpenGraph and meta tags, <time>, byline elements.

Every value is a `Candidate` (a string or a list of strings, and the rule that found it);
normalise picks among them and turns them into typed fields.
Sources are read in order of reliability: JSON-LD of a NewsArticle-like type, then meta tags,
then visible markup.
"""

from __future__ import annotations

import itertools
import json
import re
from collections.abc import Iterator
from typing import Any

from lxml.html import HtmlElement

from newsdesk.records import Candidate, PageMeta

# schema.org types whose JSON-LD object describes the article itself: Article and every
# subtype named ...Article (NewsArticle, ReportageNewsArticle, OpinionNewsArticle ...),
# ...Posting (BlogPosting, SocialMediaPosting), Report, and WebPage for its date and URL.
ARTICLE_TYPES = re.compile(r"[A-Za-z]*(?:Article|Posting)|WebPage|Report")
# JSON-LD keys per field, most specific first; a WebPage object gives only its date, URL and
# language (its name and description are the site's).
JSON_LD_KEYS: dict[str, tuple[str, ...]] = {
    "title": ("headline", "name"),
    "published": ("datePublished", "dateCreated"),
    "modified": ("dateModified",),
    "authors": ("author", "creator"),
    "publisher": ("publisher",),
    "section": ("articleSection",),
    "url": ("url", "mainEntityOfPage"),
    "description": ("description",),
    "language": ("inLanguage",),
}
JSON_LD_KEYS_OF_PAGE = {k: JSON_LD_KEYS[k] for k in ("published", "modified", "url", "language")}
# Meta tag names/properties per field, most specific first.
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
    "modified": (
        "article:modified_time",
        "og:updated_time",
        "datemodified",
        "dc.date.modified",
        "dcterms.modified",
        "last-modified",
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
# Date elements named for today's date, a clock or the weather (in the element or the two
# levels above it), or inside the site's navigation or masthead, are page furniture: they
# date the visit, never the article.
TODAY_WIDGET = re.compile(r"today|current|clock|weather|\bnow\b", re.IGNORECASE)
TODAY_WIDGET_LEVELS = 3
# The words of TODAY_WIDGET, for a cheap first test of the class and id of every element
# that has one.
WIDGET_WORDS = ("today", "current", "clock", "weather", "now")
# Site chrome: class tokens that start with nav or site-header ("nav-item", "navbar",
# "site-header__date"); "article-nav" or "asset-masthead" may wrap the article's own header.
SITE_CHROME = re.compile(r"(?:^|\s)(?:nav(?:bar|igation)?|site-?header)(?:$|\s|[-_])", re.I)
# Date elements named for an update rank after the others; those named for publication first.
MODIFIED_MARK = re.compile(r"updat|modif|revis|edited", re.IGNORECASE)
PUBLISHED_MARK = re.compile(r"publish|posted|pubdate|created", re.IGNORECASE)
# A machine-readable value that starts like an ISO date must be one ("2023-06-08", with or
# without a time); a malformed one ("2022-02-112023-06-08") gives way to the element's text.
ISO_START = re.compile(r"\d{4}-")
ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}(?:[T ]\S.*)?")
# Last resort: an element holding only a date ("Oct 17, 2023", "17 October 2023 09:14")
# among the elements right after the headline, where pages print the article's date. 40
# elements covers a byline block (name, role, avatar, links) without reaching the body's own
# dates; the length bound keeps sentences that mention a date out.
MONTH = r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?"
DATE_ONLY = re.compile(
    rf"(?:[a-z]+,?\s+)?(?:{MONTH}\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}}"
    rf"|\d{{1,2}}\s+{MONTH},?\s+\d{{4}}|\d{{4}}-\d{{2}}-\d{{2}})"
    r"(?:,?\s*(?:at\s+)?\d{1,2}[:.]\d{2}\s*(?:[ap]\.?m\.?)?(?:\s+[a-z]{2,4})?)?",
    re.IGNORECASE,
)
HEADLINE_DATE_WINDOW = 40
HEADLINE_DATE_MAX_CHARS = 40
# An <h1> shorter than this is a logo or a section name, not the headline.
H1_MIN_WORDS = 3
# Title separators: "Headline | Site", "Headline - Site".
TITLE_SEPARATOR = re.compile(r"\s+(?:[|–—·»:]|-{1,2})\s+")


def from_tree(tree: HtmlElement) -> PageMeta:
    """All metadata candidates found in a parsed page, most reliable first."""
    objects = list(_json_ld_objects(tree))
    candidates: list[Candidate] = []
    for obj in objects:
        if _is_article(obj.get("@type")):
            candidates += _from_json_ld(obj)
    candidates += _from_meta(tree)
    candidates += _title_tag(tree)
    elements = _date_elements(tree)
    # Dates the page shows stand in for the published date when structured metadata has none
    # (they rank after it, so they are kept as the candidates that lost otherwise).
    candidates += _visible_date(elements)
    candidates += _visible_update(elements)
    candidates += [  # the first JSON-LD object's date, whatever its type
        Candidate("published", _text(o.get("datePublished")), "json-ld:datePublished")
        for o in objects[:1]
    ]
    headline = _headline_h1(tree, [c.value for c in candidates if c.field == "title"])
    candidates += _date_after_headline(headline)
    return PageMeta(
        candidates=[c for c in candidates if c.value],
        h1=_h1_text(headline),
        # The dates the page prints, for the timezone it prints them in (see normalise).
        printed_dates=_printed_dates(elements),
        # Byline elements always: structured authors may turn out to be desks or the publisher.
        byline_texts=_byline_texts(tree),
    )


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


def _from_json_ld(obj: dict[str, Any]) -> list[Candidate]:
    """Candidates from one JSON-LD article object (a WebPage gives only date, URL, language)."""
    fields = JSON_LD_KEYS_OF_PAGE if "WebPage" in str(obj.get("@type")) else JSON_LD_KEYS
    found: list[Candidate] = []
    for name, keys in fields.items():
        key = next((k for k in keys if obj.get(k)), keys[0])
        value = obj.get(key)
        if name == "authors":
            text: Any = _names(value)
        elif name == "publisher":
            text = next(iter(_names(value)), None)
        else:
            text = _text(value)
        found.append(Candidate(name, text, f"json-ld:{key}"))
    return found


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


def _from_meta(tree: HtmlElement) -> list[Candidate]:
    """Candidates from <meta> tags, <link rel=canonical> and <html lang>."""
    metas: dict[str, list[str]] = {}
    for meta in tree.iterfind(".//meta"):
        key = (meta.get("property") or meta.get("name") or meta.get("itemprop") or "").lower()
        content = (meta.get("content") or "").strip()
        if key and content:
            metas.setdefault(key, []).append(content)
    found: list[Candidate] = []
    for name, keys in META_KEYS.items():
        present = [k for k in keys if k in metas]
        if name == "authors":  # every value of the first tag present, handles and links out
            found += [
                Candidate(
                    name, [a for a in metas[k] if not a.startswith(("http", "@"))], f"meta:{k}"
                )
                for k in present[:1]
            ]
        else:
            found += [Candidate(name, metas[k][0], f"meta:{k}") for k in present]
        if name == "url":
            canonical = tree.find(".//link[@rel='canonical']")
            if canonical is not None and canonical.get("href"):
                found.append(Candidate("url", canonical.get("href"), "link:canonical"))
    root = tree.getroottree().getroot()
    if root is not None and root.get("lang"):
        found.append(Candidate("language", root.get("lang"), "html-lang"))
    return found


def _h1_text(h1: HtmlElement | None) -> str | None:
    """The text of the page's headline <h1> (`_headline_h1`), when it is headline-sized."""
    text = element_text(h1) if h1 is not None else ""
    return text if len(text.split()) >= H1_MIN_WORDS else None


def _headline_h1(tree: HtmlElement, titles: list[Any]) -> HtmlElement | None:
    """The page's headline <h1>, for the title and the date under it: the longest
    headline-sized one the page's titles repeat (a site's logo can be the first <h1>, with the
    edition's date after it, and the title ends with the site's name too), else the first
    headline-sized one, else the first."""
    folded = [" ".join(t.split()).casefold() for t in titles if isinstance(t, str)]
    h1s = [(h1, element_text(h1)) for h1 in tree.iter("h1")]
    sized = [(h1, text) for h1, text in h1s if len(text.split()) >= H1_MIN_WORDS]
    repeated = [(h1, text) for h1, text in sized if any(text.casefold() in t for t in folded)]
    if repeated:
        return max(repeated, key=lambda pair: len(pair[1]))[0]
    return next((h1 for h1, _ in sized or h1s), None)


def _title_tag(tree: HtmlElement) -> list[Candidate]:
    """The page's <title>."""
    title = tree.find(".//title")
    if title is not None and title.text:
        return [Candidate("title", " ".join(title.text.split()), "title-tag")]
    return []


def _date_elements(tree: HtmlElement) -> list[HtmlElement]:
    """Elements that show a date, today-widgets dropped, publication first and updates last."""
    elements = [e for e in tree.xpath(DATE_SELECTOR)[:DATE_CANDIDATES] if not _is_today_widget(e)]
    return sorted(elements, key=_date_rank)  # stable: page order within a rank


def widget_dates(tree: HtmlElement) -> list[HtmlElement]:
    """Short dated elements of a today/clock widget (named so, or their parent): the date of
    the visit, outermost first.

    Their text is no dateline either (html.py drops them as ``date_widget``), so a page whose
    only dates are a widget's "today" gets no date.
    """
    found: list[HtmlElement] = []
    for element in tree.xpath("//*[@class or @id]"):
        own = f"{element.get('class') or ''} {element.get('id') or ''}".lower()
        if not any(word in own for word in WIDGET_WORDS):
            continue
        for candidate in (element, *element):  # the named element, or a child of it
            if (
                isinstance(candidate.tag, str)
                and candidate not in found
                and _is_widget_date(candidate)
                and not any(a in found for a in candidate.iterancestors())
            ):
                found.append(candidate)
    return found


def _is_widget_date(element: HtmlElement) -> bool:
    """A short date named (or whose parent is named) for today, a clock or the weather."""
    parent = element.getparent()
    names = _names_of(element) + " " + (_names_of(parent) if parent is not None else "")
    if not TODAY_WIDGET.search(names):
        return False
    text = element_text(element)
    return len(text) <= DATE_TEXT_MAX_CHARS and bool(YEAR.search(text) and DATE_ONLY.search(text))


def _names_of(element: HtmlElement) -> str:
    """The class, id and itemprop of an element, as one string."""
    return " ".join(element.get(a) or "" for a in ("class", "id", "itemprop"))


def _is_today_widget(element: HtmlElement) -> bool:
    """True for a date of the visit: a today/clock widget, or a date in the site's chrome."""
    for level, node in enumerate((element, *element.iterancestors())):
        if node.tag in {"body", "html"}:
            return False
        names = _names_of(node)
        if level < TODAY_WIDGET_LEVELS and TODAY_WIDGET.search(names):
            return True
        if node.tag == "nav" or node.get("role") == "navigation" or SITE_CHROME.search(names):
            return True
    return False


def _date_rank(element: HtmlElement) -> int:
    """0 for an element named for publication, 2 for one named for an update, else 1."""
    names = _names_of(element)
    if PUBLISHED_MARK.search(names) or element.get("pubdate") is not None:
        return 0
    return 2 if MODIFIED_MARK.search(names) else 1


def _visible_date(elements: list[HtmlElement]) -> list[Candidate]:
    """The first date value (machine-readable attribute, else text) among date elements."""
    for element in elements:
        value = _date_value(element)
        if value:
            return [Candidate("published", value, _date_source(element))]
    return []


def _visible_update(elements: list[HtmlElement]) -> list[Candidate]:
    """The first date value of a date element named for an update ("updated", "modified")."""
    for element in elements:
        value = _date_value(element) if _date_rank(element) == 2 else None
        if value:
            return [Candidate("modified", value, _date_source(element))]
    return []


def _date_value(element: HtmlElement) -> str | None:
    """An element's date: its machine-readable attribute when that is a date, else its text;
    None when neither is short and holds a year."""
    value = element.get("content") or element.get("datetime") or ""
    if ISO_START.match(value) and not ISO_DATE.fullmatch(value):
        value = ""
    for candidate in (value, element_text(element)):
        if candidate and len(candidate) <= DATE_TEXT_MAX_CHARS and YEAR.search(candidate):
            return candidate
    return None


def _date_source(element: HtmlElement) -> str:
    """How a date element is named in provenance: "time-tag", "itemprop:datePublished", ..."""
    if element.tag == "time":
        return "time-tag"
    if element.get("itemprop"):
        return f"itemprop:{element.get('itemprop')}"
    return "date-element"


def _printed_dates(elements: list[HtmlElement]) -> list[str]:
    """The texts of date elements that hold a year, in rank order."""
    texts = [element_text(e) for e in elements]
    return [t for t in texts if len(t) <= DATE_TEXT_MAX_CHARS and YEAR.search(t)]


def element_text(element: HtmlElement) -> str:
    """An element's text with whitespace folded."""
    return " ".join(element.text_content().split())


def _date_after_headline(h1: HtmlElement | None) -> list[Candidate]:
    """A date standing alone in an element shortly after the page's headline <h1>
    (`_headline_h1`; not one named for an update, nor a widget's today)."""
    if h1 is None:
        return []
    after = itertools.dropwhile(lambda e: e is not h1, h1.getroottree().iter())
    for element in itertools.islice(after, 1, HEADLINE_DATE_WINDOW + 1):
        if not isinstance(element.tag, str):
            continue
        text = element_text(element)
        if len(text) > HEADLINE_DATE_MAX_CHARS or not DATE_ONLY.fullmatch(text):
            continue
        # An element named for an update, or a widget's today, dates no publication.
        if _date_rank(element) < 2 and not _is_today_widget(element):
            return [Candidate("published", text, "after-headline")]
    return []


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
