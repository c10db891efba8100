"""HTML to lines: drop page chrome, pick the article's container, linearise it into lines.

Parsing uses lxml.html directly (libxml2, the parser beautifulsoup4 would delegate to): the
tree walk here needs no soup features, and on the extraction benchmark's 123 pages parsing
took 5 ms a page with lxml.html against 110 ms with BeautifulSoup(markup, "lxml") (measured
2026-11-22 on the shared 2-core machine), more than a whole trafilatura extraction.

A page nested deeper than `max_html_depth`, or so deep that libxml2
stopped building its tree (at 255 ancestors, silently dropping what lies below), is flattened
to text from its markup instead. No tree walk here recurses in Python.
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass, field
from typing import Any

from lxml import etree
from lxml import html as lxml_html
from lxml.html import HtmlElement

from newsdesk.clean import metadata
from newsdesk.clean.tables import read_table
from newsdesk.records import PageMeta, Removed

# Elements that never hold article prose, dropped wherever they are.
ALWAYS_DROP = read_table("always_drop")
# Page chrome: dropped inside the chosen container too, each recorded as "html:<tag>".
CHROME_TAGS = read_table("chrome_tags")
# class/id tokens that name furniture unambiguously. Matched as whole tokens of class/id split
# on non-letters, so "ad" matches "ad-slot" but not "header" or "read".
STRONG_TOKENS = read_table("strong_tokens")
# Every class/id token of a furniture container: the strong ones, and those ("sidebar",
# "widget", "video", "hidden") that also appear on layout wrappers around the article, so
# they only remove smaller elements.
JUNK_TOKENS = STRONG_TOKENS | read_table("weak_tokens")
# Substrings of class/id that name the article body ("article-body__ArticleBox-sc-1").
BODY_MARKER = re.compile(
    r"article[-_]?body|articlebody|story[-_]?body|entry[-_]content|post[-_](?:content|body)"
    r"|article[-_]?(?:content|text)|story[-_]?(?:content|text)|body[-_]?text"
)
# Only elements with a class or id can name themselves the body.
NAMED_SELECTOR = ".//*[@class or @id]"
# Class words of a container that wraps the body itself.
BODYISH = re.compile(r"body|content|article|story|text|main", re.IGNORECASE)
# Prose rescue: an element under a weak sign is kept when it holds this many paragraphs of at
# least this many characters with few links (paywalled or visually collapsed article text).
PROSE_RESCUE_PARAGRAPHS = 2
PROSE_RESCUE_CHARS = 80
PROSE_LINK_DENSITY = 0.3
PROSE_RESCUE_SCAN = 20
# Siblings of the chosen container join it when they hold this share of its paragraph text
# (and at least this many characters).
SIBLING_SHARE = 0.2
SIBLING_MIN_CHARS = 200
# How far up from the container to look for segments of the same class.
SEGMENT_SCOPE_LEVELS = 4
# A weakly-marked element holding at least this share of the page's paragraph text is kept.
WRAPPER_SHARE = 0.5
# Reasons for tokens, so "removed" says what kind of furniture went.
TOKEN_REASON = dict(line.split() for line in read_table("token_reasons"))
_TOKEN_SPLIT = re.compile(r"[^a-z0-9]+")
# Containers named as the article body by common CMSs and schema.org.
BODY_TOKENS = read_table("body_tokens")
# Block-level elements: each starts a new line in the linearised text.
BLOCK_TAGS = read_table("block_tags")
# Elements whose own text is scored as a paragraph; the container kinds credit themselves.
TEXT_BLOCK_TAGS = ("p", "pre", "blockquote", "h2", "h3", "div", "td", "section", "article", "font")
CONTAINER_TAGS = frozenset(["div", "td", "section", "article"])
# Blocks that may be nothing but a link to another page (see _is_link_block).
PARAGRAPH_TAGS = frozenset(["p", "h2", "h3", "h4", "blockquote", "li", "pre", "td"])
# A block whose text is at least this share link text is navigation, not prose.
LINK_DENSITY_MAX = 0.6
LINK_BLOCK_MIN_WORDS = 3
# An <article>/body-class candidate must hold this share of the densest block's paragraph text
# to be preferred over it (teaser <article>s in sidebars are short).
CANDIDATE_SHARE = 0.5
# Readability-style scoring: a paragraph credits its parent fully and its grandparent half.
GRANDPARENT_SHARE = 0.5
MIN_PARAGRAPH_CHARS = 25
# Characters libxml2 refuses in a str (C0 controls, surrogates, U+FFFE/U+FFFF).
NOT_XML_CHARS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
# The nesting depth at which libxml2's HTML parser stops building the tree (it keeps 255
# ancestors); measured with lxml 6.1 / libxml2 2.14 on a 10,000-deep page.
LIBXML_MAX_DEPTH = 255
_XML_DECL = re.compile(r"^\s*<\?xml[^>]*>", re.IGNORECASE)
REMOVED_MAX_CHARS = 500


@dataclass
class HtmlResult:
    """Lines of the article's container, the page's metadata and the dropped chrome."""

    lines: list[str]
    meta: PageMeta | None = None
    removed: list[Removed] = field(default_factory=list)


def too_deep(tree: HtmlElement, max_html_depth: int) -> bool:
    """True when the tree nests deeper than allowed, or libxml2 truncated it at its limit.

    libxml2 stops nesting at LIBXML_MAX_DEPTH and drops what lies below, so reaching that
    depth means text was lost: the page is flattened from its markup instead. The test runs
    as one XPath in C, not as a Python walk.
    """
    limit = min(max_html_depth, LIBXML_MAX_DEPTH)
    return bool(tree.xpath(f"boolean(//*[count(ancestor::*) >= {limit}])"))


def flatten(markup: str) -> list[str]:
    """Text of markup too deep to parse: block tags become line breaks, other tags vanish."""
    markup = re.sub(r"<(script|style)\b.*?</\1\s*>", " ", markup, flags=re.I | re.S)
    block = "|".join(sorted(BLOCK_TAGS))
    markup = re.sub(rf"</?(?:{block})\b[^>]*>", "\n", markup, flags=re.I)
    text = lxml_html.fromstring(f"<div>{re.sub(r'<[^>]*>', ' ', markup)}</div>").text_content()
    return [" ".join(line.split()) for line in text.split("\n")]


# lxml.html's parser picks each element's class in Python, once for every element a walk
# touches (about 7 % of the cleaning time); nothing here needs its form-field classes, so
# every element is an HtmlElement, picked in C. One parser per thread (lxml's rule).
_parsers = threading.local()


def _parser() -> etree.HTMLParser:
    """This thread's HTML parser: lxml.html's options, a lookup done in C."""
    parser = getattr(_parsers, "parser", None)
    if parser is None:
        parser = lxml_html.HTMLParser()
        parser.set_element_class_lookup(
            etree.ElementDefaultClassLookup(
                element=lxml_html.HtmlElement,
                comment=lxml_html.HtmlComment,
                pi=lxml_html.HtmlProcessingInstruction,
                entity=lxml_html.HtmlEntity,
            )
        )
        _parsers.parser = parser
    return parser


def parse(markup: str) -> HtmlElement | None:
    """The parsed document, or None when lxml finds no elements."""
    markup = _XML_DECL.sub("", markup)
    if not markup.strip():
        return None
    try:
        return lxml_html.document_fromstring(markup, parser=_parser())
    except (etree.ParserError, ValueError):
        return None


def extract(markup: str, max_html_depth: int) -> HtmlResult:
    """Lines of the article in markup, its metadata, and the chrome that was dropped."""
    markup = NOT_XML_CHARS.sub("", markup)
    tree = parse(markup)
    if tree is None:
        return HtmlResult([])
    if too_deep(tree, max_html_depth):
        return HtmlResult(flatten(markup), PageMeta(flattened=True))
    meta = metadata.from_tree(tree)
    removed: list[Removed] = []
    for element in metadata.widget_dates(tree):  # the date of the visit, not the article's
        removed.append(Removed(metadata.element_text(element), "date_widget"))
        _remove(element)
    _drop_always(tree)
    body = tree.find("body")
    root = body if body is not None else tree
    named = _named_bodies(root)
    _drop_chrome(root, removed, _protected(root, named))
    main = _main_container(root, named)
    blocks = _same_class_segments(main, root) or _with_siblings(main, root)
    lines: list[str] = []
    for block in blocks:
        lines += _linearise(block, removed)
    outside = _outside_text(root, blocks)
    if outside:
        removed.append(Removed(outside[:REMOVED_MAX_CHARS], "html:outside"))
    return HtmlResult(lines, meta, removed)


def _same_class_segments(main: HtmlElement, root: HtmlElement) -> list[HtmlElement]:
    """Body segments: elements sharing the container's class within its near ancestors.

    CMSs that interleave the story with product boxes or embeds render each stretch of text
    as a segment of the same class ("article-detail__text-only"); all of them are the body.
    Empty when the container has no class or no such twins.
    """
    name = main.get("class")
    if not name or main is root:
        return []
    scope = main
    for _ in range(SEGMENT_SCOPE_LEVELS):
        parent = scope.getparent()
        if parent is None or parent is root:
            break
        scope = parent
    segments = [e for e in scope.iter(main.tag) if e.get("class") == name]
    outermost = [e for e in segments if not any(a in segments for a in e.iterancestors())]
    return outermost if len(outermost) > 1 else []


def _outside_text(root: HtmlElement, blocks: list[HtmlElement]) -> str:
    """Page text left outside the article's containers (recorded once, not line by line)."""
    chosen = set(blocks)
    pieces: list[str] = []
    walker = etree.iterwalk(root, events=("start",))
    for _, element in walker:
        if element in chosen:
            walker.skip_subtree()
        elif isinstance(element.tag, str) and element.text:
            pieces.append(element.text)
        if element is not root and element.tail:
            pieces.append(element.tail)
    return " ".join(" ".join(pieces).split())


def _with_siblings(main: HtmlElement, root: HtmlElement) -> list[HtmlElement]:
    """The container and those of its siblings that carry a good share of prose.

    Pages that interleave the article with product boxes or paywall breaks split the text
    over sibling containers; readability merges siblings the same way.
    """
    parent = main.getparent()
    if parent is None or main is root:
        return [main]
    weights = _text_weights(parent)
    floor = max(SIBLING_MIN_CHARS, SIBLING_SHARE * weights.get(main, 0))
    blocks = []
    for sibling in parent:
        if sibling is main:
            blocks.append(sibling)
        elif isinstance(sibling.tag, str) and weights.get(sibling, 0) >= floor:
            text_length = _text_length(sibling)
            if _link_density(sibling, text_length) < PROSE_LINK_DENSITY:
                blocks.append(sibling)
    return blocks


def _protected(root: HtmlElement, named: list[HtmlElement]) -> set[HtmlElement]:
    """Elements never dropped as chrome: the headline's and the article body's ancestors.

    Wrappers often carry furniture-like class names ("content-with-sidebar", "has-video");
    an element that holds the <h1> or the body container is the page, not its chrome.
    """
    anchors = [*root.iter("h1"), *named]
    articles = sorted(root.iter("article"), key=_text_length, reverse=True)
    anchors += articles[:1]
    protected: set[HtmlElement] = set()
    for anchor in anchors:
        node: HtmlElement | None = anchor
        while node is not None and node not in protected:
            protected.add(node)
            node = node.getparent()
    return protected


def _drop_always(tree: HtmlElement) -> None:
    """Remove elements that never hold prose, and comments."""
    for element in list(tree.iter(etree.Comment, etree.ProcessingInstruction)):
        _remove(element)
    for element in [e for e in tree.iter() if isinstance(e.tag, str) and e.tag in ALWAYS_DROP]:
        _remove(element)


def _remove(element: Any) -> None:
    """Remove an element but keep its tail text in the tree."""
    parent = element.getparent()
    if parent is None:
        return
    tail = element.tail
    if tail and tail.strip():
        previous = element.getprevious()
        if previous is not None:
            previous.tail = (previous.tail or "") + tail
        else:
            parent.text = (parent.text or "") + tail
    parent.remove(element)


def _tokens(element: HtmlElement) -> set[str]:
    """Lower-case tokens of an element's class, id and role."""
    raw = " ".join(filter(None, (element.get("class"), element.get("id"), element.get("role"))))
    lowered = raw.lower()
    tokens = set(_TOKEN_SPLIT.split(lowered))
    tokens.update(lowered.split())
    return tokens - {""}


def _junk_reason(element: HtmlElement) -> tuple[str, bool] | None:
    """Why an element is chrome (e.g. "html:nav", "advert") and whether the sign is strong."""
    tag = element.tag if isinstance(element.tag, str) else ""
    if tag in CHROME_TAGS:
        return f"html:{tag}", True
    if element.get("aria-hidden") == "true" or element.get("hidden") is not None:
        return "html:hidden", False
    style = (element.get("style") or "").replace(" ", "").lower()
    if "display:none" in style or "visibility:hidden" in style:
        return "html:hidden", False
    junk = _tokens(element) & JUNK_TOKENS
    if not junk or _is_named_body(element):
        return None
    strong = sorted(junk & STRONG_TOKENS)
    token = strong[0] if strong else sorted(junk)[0]
    return TOKEN_REASON.get(token, f"html:{token}"), bool(strong)


def _is_named_body(element: HtmlElement) -> bool:
    """True for a container whose class/id/itemprop calls it the article body."""
    if element.get("itemprop") == "articleBody":
        return True
    names = " ".join(filter(None, (element.get("class"), element.get("id")))).lower()
    if not names or not (BODYISH.search(names) or BODYISH.search(element.get("role") or "")):
        return False  # every body token and marker holds a BODYISH word: the cheap test first
    return bool(_tokens(element) & BODY_TOKENS) or bool(BODY_MARKER.search(names))


def _is_prose_block(element: HtmlElement, needed: int = 0) -> bool:
    """True when an element holds paragraphs of prose (kept even under a weak chrome sign)."""
    needed = needed or (1 if element.tag == "p" else PROSE_RESCUE_PARAGRAPHS)
    paragraphs = [element] if element.tag == "p" else list(element.iter("p"))
    prose = 0
    for para in paragraphs[:PROSE_RESCUE_SCAN]:
        text = " ".join(para.text_content().split())
        if len(text) >= PROSE_RESCUE_CHARS and _link_density(para, len(text)) < PROSE_LINK_DENSITY:
            prose += 1
    return prose >= needed


def _keep_despite(element: HtmlElement, reason: str, strong: bool, weight: int, total: int) -> bool:
    """True when a chrome-looking element is really the article (or hidden article text)."""
    if reason == "html:hidden":
        return _is_prose_block(element, needed=1)  # text hidden from non-subscribers
    bodyish = BODYISH.search(element.get("class") or "")
    if strong:
        # "Cheat__body-and-footer": the body's own wrapper, named after its parts.
        return bool(bodyish) and (weight >= WRAPPER_SHARE * total or _is_prose_block(element))
    return weight >= WRAPPER_SHARE * total or _is_prose_block(element)


def _text_weights(root: HtmlElement) -> dict[HtmlElement, int]:
    """Characters of paragraph text at or under each element."""
    weights: dict[HtmlElement, int] = {}
    for block in root.iter(*TEXT_BLOCK_TAGS):
        length = len(_own_text(block))
        if length < MIN_PARAGRAPH_CHARS:
            continue
        node: HtmlElement | None = block
        while node is not None:
            weights[node] = weights.get(node, 0) + length
            node = node.getparent()
    return weights


def _spaced_text(element: HtmlElement) -> str:
    """An element's text with a space between its pieces ("01:48 Headline")."""
    return " ".join(" ".join(element.itertext()).split())


def _text_length(element: HtmlElement) -> int:
    """Characters of visible text under an element."""
    return len(" ".join(element.text_content().split()))


def _paragraph_scores(tree: HtmlElement) -> dict[HtmlElement, float]:
    """Readability-style container scores from the paragraphs they hold."""
    scores: dict[HtmlElement, float] = {}
    for para in tree.iter(*TEXT_BLOCK_TAGS):
        text = _own_text(para)
        if len(text) < MIN_PARAGRAPH_CHARS or _link_density(para, len(text)) > LINK_DENSITY_MAX:
            continue
        score = len(text) * (1.0 + min(text.count(",") + text.count("."), 10) / 10)
        # Text directly inside a div (lines split by <br>) makes the div itself the container.
        parent = para if para.tag in CONTAINER_TAGS else para.getparent()
        if parent is None:
            continue
        scores[parent] = scores.get(parent, 0.0) + score
        grandparent = parent.getparent()
        if grandparent is not None:
            scores[grandparent] = scores.get(grandparent, 0.0) + score * GRANDPARENT_SHARE
    return scores


def _own_text(element: HtmlElement) -> str:
    """Text of an element and its inline descendants, leaving out nested blocks."""
    pieces = [element.text or ""]
    for child in element:
        if isinstance(child.tag, str) and child.tag not in BLOCK_TAGS:
            pieces.append(child.text_content())
        pieces.append(child.tail or "")
    return " ".join(" ".join(pieces).split())


def _link_density(element: HtmlElement, text_length: int) -> float:
    """Share of an element's text that sits inside links."""
    if text_length <= 0:
        return 0.0
    linked = sum(len(" ".join(a.text_content().split())) for a in element.iter("a"))
    return linked / text_length


def _main_container(root: HtmlElement, named: list[HtmlElement]) -> HtmlElement:
    """The element holding the article: a named body container, <article>, or the densest."""
    scores = _paragraph_scores(root)
    densest = max(scores, key=lambda e: scores[e]) if scores else root
    best_score = scores.get(densest, 0.0)
    articles = sorted(root.iter("article"), key=_text_length, reverse=True)
    for candidate in [*named, *articles[:1]]:
        if _subtree_score(candidate, scores) >= CANDIDATE_SHARE * best_score:
            return candidate
    return densest


def _named_bodies(root: HtmlElement) -> list[HtmlElement]:
    """Containers that call themselves the article body, itemprop first, in page order."""
    named = root.xpath(".//*[@itemprop='articleBody']")
    named += [e for e in root.xpath(NAMED_SELECTOR) if e not in named and _is_named_body(e)]
    return list(named)


def _subtree_score(element: HtmlElement, scores: dict[HtmlElement, float]) -> float:
    """The densest score at or under an element."""
    return max((scores.get(e, 0.0) for e in element.iter()), default=0.0)


def _drop_chrome(root: HtmlElement, removed: list[Removed], protected: set[HtmlElement]) -> None:
    """Remove chrome containers (not protected ones), recording what went and why.

    A weak sign (a "sidebar", "widget" or "hidden" class) does not remove an element holding
    most of the page's paragraph text: that is a layout wrapper around the article.
    """
    weights = _text_weights(root)
    total = weights.get(root, 0)
    for element in list(root.iterdescendants()):
        if element in protected or not isinstance(element.tag, str):
            continue
        if not _attached(element, root):
            continue
        junk = _junk_reason(element)
        if junk is None:
            continue
        reason, strong = junk
        if _keep_despite(element, reason, strong, weights.get(element, 0), total):
            continue
        text = _spaced_text(element)
        if text:
            removed.append(Removed(text[:REMOVED_MAX_CHARS], reason))
        _remove(element)


def _attached(element: HtmlElement, root: HtmlElement) -> bool:
    """True while element is still inside root (an ancestor may have been removed)."""
    node: HtmlElement | None = element
    while node is not None:
        if node is root:
            return True
        node = node.getparent()
    return False


def _linearise(main: HtmlElement, removed: list[Removed]) -> list[str]:
    """The container's text as lines: one per block, blank lines between paragraphs."""
    lines: list[str] = []
    current: list[str] = []

    def flush() -> None:
        text = " ".join("".join(current).split())
        current.clear()
        if text:
            lines.extend([text, ""])

    for event, element in etree.iterwalk(main, events=("start", "end")):
        tag = element.tag if isinstance(element.tag, str) else ""
        if event == "start":
            if tag in BLOCK_TAGS:
                flush()
                if _is_link_block(element):
                    removed.append(Removed(_spaced_text(element), "related_link"))
                    element.clear(keep_tail=True)
                    continue
            if element.text:
                current.append(element.text)
        else:
            if tag in BLOCK_TAGS:
                flush()
            if element.tail and element is not main:
                current.append(element.tail)
    flush()
    return lines


def _is_link_block(element: HtmlElement) -> bool:
    """A paragraph or list item that is (almost) all link: a link to another page."""
    if element.tag not in PARAGRAPH_TAGS and element.tag not in {"div", "li"}:
        return False
    if any(child.tag in BLOCK_TAGS for child in element if isinstance(child.tag, str)):
        return False
    text = " ".join(element.text_content().split())
    if len(text.split()) < LINK_BLOCK_MIN_WORDS:
        return False
    return _link_density(element, len(text)) > LINK_DENSITY_MAX
