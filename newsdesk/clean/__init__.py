"""Clean stage: take the page furniture out of a scraped article and say why each line went.

`clean(doc, options)` returns the kept lines (blank lines between paragraphs), every removed
line with its reason, and the metadata it read (`records.Hints`) for normalise. Plain text
goes through the rule cascade (text.py: exact furniture classes, bylines, captions with
credits ...) and then the learned line classifier (lines.py), which removes what the rules
left and reads as page furniture, and picks the headline above the body it found
(headline.py). HTML is cut to its article container by markup (html.py) and
gets the rules only: the classifier measured worse there (AEB body F1 0.968 -> 0.955). It never
raises on odd input; a document with no article text left raises
`RejectError(stage="clean", ...)`.

Removal reasons (short labels, stored in `articles.removed`):

- ``advert``          ad-slot labels ("Advertisement", "- Advertisement -", "Sponsored content")
- ``promo``           newsletter/app/membership boxes: opener, blurb and call to action;
                      paragraphs pairing a call to action with a marketing signal; donation
                      asks ("contributing as little as $2 keeps our journalism free")
- ``disclaimer``      affiliate/commerce disclaimers ("we may earn a commission") and a
                      site's legal notices (a supplement's FDA statement, "you agree to our Terms")
- ``author_bio``      a bio line about the writer ("Jane Roe is a senior reporter at ...")
- ``editor_note``     corrections and editor's notes ("A previous version of this story ...")
- ``video_duration``  a video player's duration badge ("02:43")
- ``video_headline``  the headline a video player prints (often twice), "Watch: ..." labels
- ``photo_caption``   captions recognised by their credit ("... Photo: AFP", "... [YONHAP]",
                      "Courtesy of ...", "... in May. (AP)", "... REUTERS/Jo Roe")
- ``weather_widget``  temperature, place and date of a weather widget
- ``date_widget``     HTML: a today/clock widget's date, or a date in the site's chrome (the
                      date of the visit, never the article's: no dateline)
- ``widget_label``    widget headings and buttons ("Must read", "Related posts", "Post"),
                      and short label lines after the last paragraph
- ``read_time``       "Estimated read time 3 min read"
- ``share_prompt``    social sharing buttons ("Share", "Tweet", "Copy link")
- ``byline``          bylines ("By Jane Roe", "- Jane Roe jane.roe@paper.com"); names -> authors
- ``email``           contact lines with an e-mail ("... can be reached at jo@paper.com")
- ``masthead``        the publisher's name standing as a line before the headline or at the end
- ``publisher_credit`` copyright, agency and reporting credits ("© 2024 ...", "— Reuters"),
                      citation and source notes ("Citation: ...", "More information: ...")
- ``section_label``   a section name above the headline ("Diplomacy")
- ``dateline``        a line made only of a date ("Published: 3 March 2024 10:02 GMT"); the
                      first one above the text becomes the published-date hint (one further
                      down only a weak hint: it may date a correction)
- ``timestamp``       a time with no date ("3 hours ago", "Updated 9:40am"): no date hint
- ``related_link``    a link to another story: a headline standing alone between paragraphs,
                      "Read more: ..." lines, headline lists after a "Related" label, HTML
                      blocks that are all link text
- ``embed``           raw markup of an embed left in the text ("<a href=...>#tag</a>"); from
                      the classifier also handle- and URL-like lines (tweets' credit lines)
- ``duplicate_line``  a repeat of an earlier kept line
- ``learned``         a line the publisher repeats across articles
                      (CleanOptions.learned_boilerplate)

Removed by the line classifier (plain text only), named by the line's shape and place:

- ``navigation``      short furniture above the article's first paragraph (menus, sections)
- ``footer``          furniture below the article's last paragraph (site links, legal lines)
- ``teaser_list``     a run of headline-like lines: other stories' headlines
- ``price_box``       a short line of prices, market moves or figures ("$22", "-0.77%")
- ``comments``        the comment section under the article, from its heading ("34 responses
                      to ...", "6 thoughts on ...") followed by comment headers ("Jo says:",
                      "2 days ago at 07:52 am") to the end of the text
- ``boilerplate``     anything else the classifier reads as furniture (inside the article:
                      stray labels, credits, teaser blurbs)
- ``html:<tag>``      an HTML container of page chrome (``html:nav``, ``html:aside``,
                      ``html:figure``, ``html:footer``, ``html:form``, ``html:hidden``, ...)
                      or ``html:<class word>`` for a container named as chrome
                      (``html:sidebar``, ``html:cookie``); ad/share/related/caption containers
                      use the line reasons above.
- ``html:outside``    the rest of the page's text outside the article's container(s):
                      one entry per page (first 500 characters), so nothing goes unrecorded
                      without bloating ``articles.removed``
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, replace
from typing import Any

from newsdesk.clean import html as html_stage
from newsdesk.clean.encoding import normalise_text
from newsdesk.clean.lines import LineModel, mark_by_classifier
from newsdesk.clean.text import Page, apply_rules, fold, is_prose, mark_timestamps, text_page
from newsdesk.errors import RejectError
from newsdesk.limits import MAX_HTML_DEPTH
from newsdesk.records import Cleaned, PageMeta, RawDocument, Removed

__all__ = ["CleanOptions", "clean", "fold"]

# Text that starts with (or soon contains) one of these tags is HTML whatever the media type.
LOOKS_LIKE_HTML = re.compile(
    r"<(?:!doctype\s+html|html|head|body|article|div|p|section|main)[\s>]", re.I
)
HTML_SNIFF_CHARS = 2000
# JSON record keys that may hold the article text or markup, in order of preference.
JSON_TEXT_KEYS = ("text", "html", "body", "content", "articleBody", "raw_html")


@dataclass(frozen=True)
class CleanOptions:
    """How to clean one document; the caller fills these from settings and the database."""

    learned_boilerplate: frozenset[str] = frozenset()
    """Lines this publisher repeats across many articles; a kept line equal to one after
    folding case, quotes, punctuation and whitespace (see `fold`) is removed as "learned"."""
    max_html_depth: int = MAX_HTML_DEPTH
    """HTML nested deeper than this is flattened to text before parsing."""
    classify_lines: bool = True
    """Plain text: let the learned line classifier remove the furniture the rules leave."""
    line_model: LineModel | None = None
    """The line classifier's model; None is the one shipped with the package."""
    publisher_names: tuple[tuple[str, str], ...] = ()
    """For normalise, beyond the shipped registry: (domain, publisher name) pairs the user
    gives (the setting publishers_file), for pages that name no publisher of their own."""


def clean(doc: RawDocument, options: CleanOptions | None = None) -> Cleaned:
    """Remove boilerplate from one document; raise RejectError when no article text is left."""
    options = options or CleanOptions()
    body, record = _body_text(doc)
    is_html = doc.media_type == "text/html" or bool(LOOKS_LIKE_HTML.search(body[:HTML_SNIFF_CHARS]))
    removed: list[Removed] = []
    meta: PageMeta | None = None
    if is_html:
        result = html_stage.extract(body, options.max_html_depth)
        removed, meta = result.removed, result.meta
        page = apply_rules(Page(result.lines, plain=False), options.learned_boilerplate)
    else:
        page = text_page(body, options.learned_boilerplate)
        if options.classify_lines:
            mark_by_classifier(page, options.line_model)
    mark_timestamps(page)
    hints = replace(page.hints, meta=meta, record=record)
    kept = page.kept()
    _reject_if_empty(doc, page, kept, is_html)
    removed += [Removed(page.lines[i], r) for i, r in enumerate(page.reasons) if r is not None]
    return Cleaned(
        lines=_with_paragraph_breaks([page.lines[i] for i in kept]), removed=removed, hints=hints
    )


def _body_text(doc: RawDocument) -> tuple[str, dict[str, Any]]:
    """The text to clean, and the fields of a JSON record when doc.text is still one."""
    text = normalise_text(doc.text)
    if doc.media_type != "application/json" or not text.lstrip().startswith("{"):
        return text, {}
    try:
        record = json.loads(text)
    except (ValueError, RecursionError):
        return text, {}
    if not isinstance(record, dict):
        return text, {}
    for key in JSON_TEXT_KEYS:
        value = record.get(key)
        if isinstance(value, str) and value.strip():
            return normalise_text(value), {k: v for k, v in record.items() if k != key}
    return "", record


def _reject_if_empty(doc: RawDocument, page: Page, kept: list[int], is_html: bool) -> None:
    """Raise RejectError when nothing that reads as article text survived cleaning."""
    if any(is_prose(page.lines[i]) for i in kept) or sum(len(page.lines[i]) for i in kept) >= 200:
        return
    if not any(page.lines):
        kind = (
            "HTML holds no visible text (only scripts, styles or markup)"
            if is_html
            else "text is empty"
        )
        raise RejectError(
            "clean",
            "no_article_text",
            f"{doc.source_uri}: the {kind}. Check that the scraper saved the article page, "
            "not a loader shell or an error page.",
        )
    if not kept:
        raise RejectError(
            "clean",
            "only_boilerplate",
            f"{doc.source_uri}: every line was page furniture (adverts, widgets, captions); no "
            "article text is left. Check the scrape, or the learned boilerplate for this "
            "publisher.",
        )


def _with_paragraph_breaks(lines: list[str]) -> list[str]:
    """Kept lines with a blank line after each (every kept line is one paragraph)."""
    out: list[str] = []
    for line in lines:
        out.extend([line, ""])
    return out[:-1]
