"""Line rules: mark every line of scraped text as article text or furniture, with a reason.

The rules run as a cascade over a `Page` (lines plus one reason slot per line). Each rule only
looks at lines no earlier rule has claimed, so the order below is the order of confidence:
exact furniture classes first, then blocks that need context (promos, video players, weather
widgets), then position (the header before the first paragraph, the trailer after the last).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from newsdesk.clean import patterns as P
from newsdesk.clean.cells import numeric_table_cells
from newsdesk.clean.metadata import YEAR
from newsdesk.clean.names import authors_from_byline, looks_like_names
from newsdesk.records import Hints

# A paragraph of article prose: at least this many words and sentence-final punctuation, or
# long enough that no widget would print it. 12/30 separate one-sentence paragraphs from
# headlines (median 10-12 words) and captions without credits.
PROSE_MIN_WORDS = 12
PROSE_ALWAYS_WORDS = 30
# Headlines and decks: 3..35 words, the range of print and web headlines.
HEADLINE_MIN_WORDS = 3
HEADLINE_MAX_WORDS = 35
# Lines of furniture are short; no rule removes a line longer than this many words unless the
# whole line matches a furniture class (a caption with a credit, say).
SHORT_LINE_WORDS = 12
CAPTION_MAX_WORDS = 70
# A promo box is its opener, at most this many short lines and a call to action.
PROMO_BLURB_LINES = 3
PROMO_MAX_WORDS = 25
# A link to another story standing between paragraphs is headline-sized: 6..25 words. Shorter
# lines are more often subheadings, which articles keep.
RELATED_MIN_WORDS = 6
RELATED_MAX_WORDS = 25
# More standalone headlines than this in one text are its subheadings, not links.
RELATED_INLINE_MAX = 2
# Subheadings of explainers and how-tos open with a question word or "How to".
SUBHEADING_OPENER = re.compile(
    r"^(?:what|why|how|when|where|who|which|whose|can|should|is|are|do|does|will|step\s+\d+)\b",
    re.IGNORECASE,
)
# A section label is one to three capitalised words before the headline.
SECTION_MAX_WORDS = 3
# What stands between the entries of a menu row or a breadcrumb written out as one line.
MENU_SEPARATOR = re.compile(r"\s+[|•·»/>]\s+")
MASTHEAD_MAX_WORDS = 6
# A writer's line that ends in a date (`_dated_tail`) is short.
DATED_TAIL_MAX_WORDS = 16
# A dateline is short; a long line with a date in it is a sentence.
DATELINE_MAX_CHARS = 120
# A promo paragraph (call to action + marketing words) is at most this long.
PROMO_PARAGRAPH_WORDS = 50
# After the last paragraph, a run of this many headline-like lines is a list of other stories.
TRAILER_HEADLINE_RUN = 2
# Hard-wrapped text: at least this many lines, none longer than WRAP_MAX_WIDTH, the width
# (90th percentile of line lengths) at least WRAP_MIN_WIDTH, and at least WRAP_NEAR_SHARE of
# lines within WRAP_FULL_SHARE of it. Wrapped copy is set at 60-80 columns; scraped text
# that is not wrapped has paragraphs far longer than 100 characters.
WRAP_MIN_LINES = 6
WRAP_MAX_WIDTH = 100
WRAP_MIN_WIDTH = 40
WRAP_FULL_SHARE = 0.75
WRAP_NEAR_SHARE = 0.5
# A line of plain text whose tags make up at least this share of its characters is an embed's
# raw markup (a tweet or video block the scraper wrote out as HTML): article text has no tags,
# and a sentence quoting one ("the <br> tag") is mostly words.
MARKUP_SHARE = 0.5
# Punctuation around a widget label ("Related:", "Loading...", "» More news").
LABEL_PUNCTUATION = " .:…|»>«<–—-•·*!"
# Duplicates: repeated lines of at least this many words (shorter repeats are labels, which
# their own rules catch, or legitimate one-word answers in an interview).
DUPLICATE_MIN_WORDS = 3
# A repeat further away must be sentence-sized: lists (recipes, price tables) repeat short
# items legitimately.
DUPLICATE_FAR_WORDS = 8
# After the last paragraph: label lines have at most this many words, and this many or more
# lines there are a list the article ends with, not a stack of widgets.
TRAILER_LABEL_WORDS = 4
TRAILER_LIST_LINES = 6

_QUOTES = str.maketrans({"‘": "'", "’": "'", "“": '"', "”": '"', "′": "'", "`": "'"})
_NON_WORD = re.compile(r"[\W_]+")
_TRAILER_RELATED_LABEL = re.compile(
    r"related|more|also|recommend|popular|trending|read|like|latest|top", re.IGNORECASE
)


def unwrap(lines: list[str]) -> list[str]:
    """Rejoin hard-wrapped paragraphs (text broken at a fixed width, as e-mail and wire copy is).

    Text counts as wrapped when no line is longer than WRAP_MAX_WIDTH and most lines come
    close to the longest; a line well short of the width ends its paragraph.
    """
    lengths = sorted(len(line.strip()) for line in lines if line.strip())
    if len(lengths) < WRAP_MIN_LINES or lengths[-1] > WRAP_MAX_WIDTH:
        return lines
    width = lengths[int(len(lengths) * 0.9) - 1]
    near = sum(length >= WRAP_FULL_SHARE * width for length in lengths)
    if width < WRAP_MIN_WIDTH or near < WRAP_NEAR_SHARE * len(lengths):
        return lines
    out: list[str] = []
    current: list[str] = []
    for line in [*lines, ""]:
        text = line.strip()
        if current and (not text or P.BULLET.match(text)):
            out.append(" ".join(current))
            current = []
        if not text:
            out.append("")
            continue
        current.append(text)
        if len(text) < WRAP_FULL_SHARE * width:
            out.append(" ".join(current))
            current = []
    return out[:-1]


def fold(line: str) -> str:
    """The comparison key for a line: case, quotes, punctuation and whitespace folded."""
    return " ".join(_NON_WORD.sub(" ", line.translate(_QUOTES).casefold()).split())


def word_count(line: str) -> int:
    """Words in a line."""
    return len(P.WORD.findall(line))


def is_prose(line: str) -> bool:
    """True for a line that reads as a paragraph of article text."""
    words = word_count(line)
    if words >= PROSE_ALWAYS_WORDS:
        return True
    return words >= PROSE_MIN_WORDS and bool(P.TERMINAL.search(line))


def is_headline_like(line: str, words: int | None = None) -> bool:
    """True for a headline-sized line that does not end like a sentence (`words`: the line's
    word count, when the caller has it)."""
    if words is None:
        words = word_count(line)
    if not HEADLINE_MIN_WORDS <= words <= HEADLINE_MAX_WORDS:
        return False
    return not line.rstrip("\"'”’)").endswith((".", ",", ";", ":"))


def _is_label_like(line: str, max_words: int) -> bool:
    """1..max_words capitalised words and no sentence punctuation (a label or a name)."""
    words = P.WORD.findall(line)
    if not 1 <= len(words) <= max_words or re.search(r"[.,:;!?\"“”]", line):
        return False
    return all(
        w[0].isupper() or w[0].isdigit() or w in {"of", "the", "and", "&", "in"} for w in words
    )


@dataclass
class Page:
    """Lines of one document and, per line, the reason it was removed (None = kept)."""

    lines: list[str]
    reasons: list[str | None] = field(default_factory=list)
    hints: Hints = field(default_factory=Hints)
    plain: bool = True

    def __post_init__(self) -> None:
        self.lines = [line.strip() for line in self.lines]
        if not self.reasons:
            self.reasons = [None] * len(self.lines)

    def open(self) -> Iterable[int]:
        """Indices of non-blank lines no rule has claimed yet."""
        return (i for i, line in enumerate(self.lines) if line and self.reasons[i] is None)

    def mark(self, i: int, reason: str) -> None:
        """Claim line i for a reason (first rule wins)."""
        if self.reasons[i] is None and self.lines[i]:
            self.reasons[i] = reason

    def next_open(self, i: int, *, cross_blank: bool = True) -> int | None:
        """The next unclaimed non-blank line after i (None when a blank ends the block)."""
        for j in range(i + 1, len(self.lines)):
            if not self.lines[j]:
                if not cross_blank:
                    return None
                continue
            if self.reasons[j] is None:
                return j
        return None

    def kept(self) -> list[int]:
        """Indices of kept non-blank lines."""
        return list(self.open())


def _mark_by_pattern(page: Page) -> None:
    """Step 1: whole-line furniture classes that need no context, except that a clock in a
    table ("1", "Pellow", "21:14", then "2", ...) is a cell, not a video's duration badge."""
    cells: set[int] | None = None  # the lines in tables, read once the first clock is found
    for i in list(page.open()):
        line = page.lines[i]
        short = word_count(line) <= SHORT_LINE_WORDS
        reason = _pattern_reason(line, short)
        if reason is None and page.plain and _is_markup(line):
            reason = "embed"  # in HTML, markup left in the text is the page's own quotation
        if reason == "video_duration":
            cells = _table_cells(page) if cells is None else cells
            if i in cells:
                continue
        if reason:
            page.mark(i, reason)


def _table_cells(page: Page) -> set[int]:
    """The line indices of the page's tables of numbers (`cells.numeric_table_cells`)."""
    at = [i for i, line in enumerate(page.lines) if line]
    lines = [page.lines[i] for i in at]
    found = numeric_table_cells(lines, [word_count(line) for line in lines])
    return {at[n] for n in found}


def is_dateline(line: str) -> bool:
    """True for a line made only of a date, times and "Published/Updated" words."""
    if len(line) > DATELINE_MAX_CHARS or not P.DATE_ANCHOR.search(line):
        return False
    return not P.DATE_PIECE.sub("", unglue_date(line)).strip()


# A line that carries a date or a clock reads as a deck only with at least this many words
# beside the date's pieces: "Posted by Jo Roe on May 3, 2024, 6:21 AM EST" (three: "by Jo Roe")
# is a byline, "Senior Editor, Courier May 3, 2024 3:30 am" (three) a writer's line.
DECK_MIN_WORDS_BESIDE_DATE = 8


def is_time_line(line: str) -> bool:
    """Whether a line is what dates or times an article rather than a deck: a read time ("2 min
    read"), a time ago, or a dated line (`is_dated_line`)."""
    text = P.BULLET.sub("", line)
    return bool(P.READ_TIME.match(text) or P.TIMESTAMP.match(text)) or is_dated_line(text)


def is_dated_line(line: str) -> bool:
    """A date or clock with fewer than DECK_MIN_WORDS_BESIDE_DATE other words beside it: a
    dateline with more on it than a date ("Updated on: May 3, 2024 / 10:07 AM / Courier"), a
    byline or writer's line with its date."""
    if not P.DATED.search(line):
        return False
    beside = P.DATE_PIECE.sub(" ", unglue_date(line))
    return word_count(beside) < DECK_MIN_WORDS_BESIDE_DATE


def unglue_date(text: str) -> str:
    """A date's parts spaced where the scraper joined them: "Dec 23, 202310:30 AM" -> "Dec 23,
    2023 10:30 AM", "9:53 AM UTCUpdated ago" -> "9:53 AM UTC Updated ago"."""
    return P.GLUED_DATE_LABEL.sub(" ", P.GLUED_YEAR_CLOCK.sub(r"\1 ", text))


def _pattern_reason(line: str, short: bool) -> str | None:
    """The reason a single line is furniture on its own, if any."""
    if P.ADVERT.match(line):
        return "advert"
    if P.URL_LINE.match(line):
        return "related_link"
    if is_dateline(line):
        return "dateline"
    if word_count(line) <= PROMO_PARAGRAPH_WORDS:
        reason = _paragraph_reason(line)
        if reason:
            return reason
    if P.VIDEO_DURATION.match(line) or P.PLAYER_POSITION.match(line):
        return "video_duration"
    if P.CAPTION_PREFIX.match(line) and word_count(line) <= CAPTION_MAX_WORDS:
        return "photo_caption"
    if P.END_MARKER.match(line):
        return "publisher_credit"
    if P.READ_TIME.match(P.BULLET.sub("", line, count=1)):  # "5 min read", "• 5 min read"
        return "read_time"
    if not short:
        return None
    label = line.strip(LABEL_PUNCTUATION)  # "Related:", "Loading...", "» More news"
    checks: list[tuple[re.Pattern[str], str, str]] = [
        (P.SHARE_PROMPT, "share_prompt", label),
        (P.WIDGET_LABEL, "widget_label", label),
        (P.TAG_LIST, "widget_label", line),
        (P.RELATED_PREFIX, "related_link", line),
        (P.VIDEO_LABEL, "video_headline", line),
    ]
    for pattern, reason, text in checks:
        if text and pattern.match(text):
            return reason
    if P.CALL_TO_ACTION.match(line):
        return "promo"
    if P.PUBLISHER_CREDIT.search(line) and not is_prose(line):
        return "publisher_credit"
    return None


def _is_markup(line: str) -> bool:
    """A line made mostly of HTML tags."""
    tags = sum(len(m.group(0)) for m in P.MARKUP_TAG.finditer(line)) if "<" in line else 0
    return tags >= MARKUP_SHARE * len(line)


def _paragraph_reason(line: str) -> str | None:
    """Paragraph-sized furniture: promos, donation asks, disclaimers, credits, bios."""
    if _is_promo_paragraph(line) or P.SUPPORT_ASK.search(line) or P.NEWSLETTER_LINE.search(line):
        return "promo"
    if P.AFFILIATE_DISCLAIMER.search(line) or P.LEGAL_NOTICE.search(line):
        return "disclaimer"
    if P.CREDIT_PARAGRAPH.match(line):
        return "publisher_credit"
    if P.AUTHOR_BIO.match(line):
        return "author_bio"
    if P.EDITOR_NOTE.match(line):
        return "editor_note"
    if P.EMAIL.search(line) and P.CONTACT.search(line):
        return "email"
    return None


def _is_promo_paragraph(line: str) -> bool:
    """A call to action together with another marketing signal ("Sign up ... newsletter")."""
    action = P.PROMO_ACTION.search(line)
    if not action:
        return False
    rest = line[: action.start()] + " " + line[action.end() :]
    return bool(P.PROMO_SIGNAL.search(rest))


def _mark_promos(page: Page) -> None:
    """Step 2: a promo opener, its blurb and its call to action."""
    for i in list(page.open()):
        line = page.lines[i]
        if word_count(line) > PROMO_MAX_WORDS or not P.PROMO_HEAD.match(line):
            continue
        if is_prose(line) and not re.search(r"newsletter|subscri|sign up|app\b", line, re.I):
            continue
        page.mark(i, "promo")
        _mark_promo_blurb(page, i)


def _mark_promo_blurb(page: Page, head: int) -> None:
    """Mark the short lines after a promo opener when a call to action closes them."""
    blurb: list[int] = []
    j: int | None = head
    for _ in range(PROMO_BLURB_LINES + 1):
        j = _next_line(page, j) if j is not None else None
        if j is None:
            return
        if page.reasons[j] == "promo" or P.CALL_TO_ACTION.match(page.lines[j]):
            for k in [*blurb, j]:
                page.reasons[k] = None
                page.mark(k, "promo")
            return
        if word_count(page.lines[j]) > PROMO_MAX_WORDS:
            return
        blurb.append(j)


def _next_line(page: Page, i: int) -> int | None:
    """The next non-blank line after i, claimed or not."""
    for j in range(i + 1, len(page.lines)):
        if page.lines[j]:
            return j
    return None


def _prev_line(page: Page, i: int) -> int | None:
    """The previous non-blank line before i, claimed or not."""
    for j in range(i - 1, -1, -1):
        if page.lines[j]:
            return j
    return None


def _mark_video_blocks(page: Page) -> None:
    """Step 3: after a duration badge, the video's headline (often printed twice)."""
    for i, reason in enumerate(page.reasons):
        if reason != "video_duration":
            continue
        j = page.next_open(i)
        if j is None or not is_headline_like(page.lines[j]):
            continue  # a paragraph after the badge is article text, not the video's title
        headline = fold(page.lines[j])
        page.mark(j, "video_headline")
        k = page.next_open(j)
        while k is not None and fold(page.lines[k]) == headline:
            page.mark(k, "video_headline")
            k = page.next_open(k)


def _mark_weather(page: Page) -> None:
    """Step 4: a temperature reading and the place, conditions and date printed with it."""
    for i in list(page.open()):
        if not P.TEMPERATURE.match(page.lines[i]):
            continue
        page.mark(i, "weather_widget")
        j: int | None = None
        for _ in range(3):
            j = _next_in_block(page, i if j is None else j)
            if j is None or not _is_weather_companion(page.lines[j]):
                break
            page.reasons[j] = "weather_widget"  # the widget's date is not a dateline
        prev = _prev_line(page, i)
        if prev is not None and _is_weather_companion(page.lines[prev]):
            page.mark(prev, "weather_widget")


def _next_in_block(page: Page, i: int) -> int | None:
    """The line after i when it is unclaimed or a dateline and no blank line comes between."""
    j = i + 1
    if j >= len(page.lines) or not page.lines[j]:
        return None
    return j if page.reasons[j] in {None, "dateline"} else None


def _is_weather_companion(line: str) -> bool:
    """A place name, weather word or date line as a weather widget prints them."""
    if P.DATE_LINE.match(line) or P.WEATHER_WORD.match(line):
        return True
    return _is_label_like(line.replace(",", " "), 4)


def _mark_captions(page: Page) -> None:
    """Step 5: photo captions, recognised by the credit that ends them."""
    for i in list(page.open()):
        line = page.lines[i]
        if word_count(line) > CAPTION_MAX_WORDS or not P.PHOTO_CREDIT.search(line):
            continue
        if P.EMAIL.search(line):
            continue  # "[name@paper.com]" ends a byline, not a caption
        page.mark(i, "photo_caption")


def _mark_bylines(page: Page) -> None:
    """Step 6: bylines and contact lines; their names and domains become hints."""
    for i in list(page.open()):
        line = page.lines[i]
        if word_count(line) > SHORT_LINE_WORDS + 4:
            continue
        found = read_byline(line)
        if found is None:
            continue
        reason, names = found
        page.mark(i, reason)
        _add_authors(page, names)
        dated = byline_date(line)
        if dated and page.hints.dateline is None:
            page.hints.dateline = dated
        if P.EMAIL.search(line):
            page.hints.emails.extend(P.EMAIL.findall(line))


def read_byline(line: str) -> tuple[str, list[str]] | None:
    """("byline" or "email", the author names) of a byline or contact line, else None."""
    line = P.JOINED_BYLINE.sub(" ", line)
    email = P.EMAIL.search(line)
    byline = P.BYLINE.match(line) or P.DATED_BYLINE.match(line)
    if email and not byline:
        byline = P.DASH_NAME.match(line)
    if byline:
        names = authors_from_byline(byline.group("names"))
        return ("byline", names) if names or email else None
    if email:
        rest = P.BYLINE_DATE_TAIL.sub("", P.EMAIL.sub(" ", line).strip(" -–—[]()<>|,;:"))
        names = authors_from_byline(rest) if looks_like_names(rest) else []
        return ("byline" if names else "email"), names
    return None


def byline_date(line: str) -> str | None:
    """The date a byline prints before or after its names ("Posted on 8 August 2024 by ...",
    "By Jo Roe - March 3, 2024"), when it reads as a dateline; else None."""
    line = P.JOINED_BYLINE.sub(" ", line)
    dated = P.DATED_BYLINE.match(line)
    date = dated.group("date") if dated else _tail_date(line)
    return date if date and is_dateline(date) else None


def _tail_date(line: str) -> str:
    """What follows a byline's names when it starts like a date ("Jo Roe - March 3, 2024" ->
    "March 3, 2024"); "" when nothing does. Whether it is a date is the caller's check."""
    tail = P.BYLINE_DATE_TAIL.search(line)
    return tail.group(0).strip(" -–—|•·,") if tail else ""


def _contact_authors(page: Page) -> None:
    """Names from contact lines ("Staff writer Jo Roe can be reached at ...") as a hint."""
    names: list[str] = []
    for i, reason in enumerate(page.reasons):
        if reason == "email":
            names += [m.group("name") for m in P.CONTACT_NAME.finditer(page.lines[i])]
    if names:
        page.hints.contact_authors = list(dict.fromkeys(names))


def _add_authors(page: Page, names: list[str]) -> None:
    """Append names to the authors hint, keeping order and dropping repeats."""
    authors = page.hints.byline_authors
    for name in names:
        if name not in authors:
            authors.append(name)


def _first_prose(page: Page) -> int | None:
    """Index of the first kept prose line."""
    return next((i for i in page.open() if is_prose(page.lines[i])), None)


def _last_prose(page: Page) -> int | None:
    """Index of the last kept prose line."""
    found = None
    for i in page.open():
        if is_prose(page.lines[i]):
            found = i
    return found


def _mark_header(page: Page) -> None:
    """Step 7: before the first paragraph: sections, mastheads, datelines, title, deck."""
    first = _first_prose(page)
    header = [i for i in page.open() if first is None or i < first]
    title = _find_title(page, header)
    if title is None:
        # A Title Case headline can end like a masthead ("Fed Holds Rates Steady Today"):
        # with no other headline above the text, the masthead-shaped line is the headline.
        title = next(
            (
                i
                for i in header
                if _is_masthead(page.lines[i]) and word_count(page.lines[i]) >= HEADLINE_MIN_WORDS
            ),
            None,
        )
    for i in header:
        line = page.lines[i]
        if i == title:
            continue
        if _is_masthead(line):
            page.mark(i, "masthead")
            page.hints.masthead = page.hints.masthead or line
        elif P.DATE_LINE.match(line):
            page.mark(i, "dateline")
            page.hints.dateline = page.hints.dateline or line
        elif (title is None or i < title) and _is_label_like(line, SECTION_MAX_WORDS):
            page.mark(i, "section_label")
            page.hints.section = page.hints.section or line
        elif _repeats_section(page, line):
            page.mark(i, "section_label")
    if title is not None:
        page.hints.title = page.lines[title]
        find_standfirst(page, title, first)


def _repeats_section(page: Page, line: str) -> bool:
    """True for a repeat of the section label found above the headline."""
    section = page.hints.section
    return section is not None and fold(line) == fold(str(section))


def _find_title(page: Page, header: list[int]) -> int | None:
    """The headline: the first headline-like header line that is not a label, a masthead or
    a row of menu entries."""
    for i in header:
        line = page.lines[i]
        if _is_masthead(line) or P.DATE_LINE.match(line) or P.BULLET.match(line):
            continue
        if _is_menu_row(line):
            continue
        if is_headline_like(line) and not (
            _is_label_like(line, SECTION_MAX_WORDS) and word_count(line) <= SECTION_MAX_WORDS
        ):
            return i
    return None


def _is_menu_row(line: str) -> bool:
    """Short entries between menu separators ("Log in | Create account", "News • Sport")."""
    entries = MENU_SEPARATOR.split(line)
    return len(entries) >= 2 and all(0 < word_count(e) <= SECTION_MAX_WORDS for e in entries)


def find_standfirst(page: Page, title: int, first: int | None) -> None:
    """The deck: bullets or a sentence-sized line between the headline and the body, neither
    of them a time line (`is_time_line`)."""
    end = first if first is not None else len(page.lines)
    between = [i for i in page.open() if title < i < end]
    bullets = [
        i for i in between if P.BULLET.match(page.lines[i]) and not is_time_line(page.lines[i])
    ]
    if bullets:
        page.hints.standfirst = "\n".join(P.BULLET.sub("", page.lines[i]) for i in bullets)
        page.hints.standfirst_lines = bullets
        return
    if first is None:
        return
    candidates = [
        i
        for i in between
        if word_count(page.lines[i]) >= RELATED_MIN_WORDS and not is_time_line(page.lines[i])
    ]
    byline_after = any(page.reasons[k] == "byline" for k in range(title, end))
    if len(candidates) == 1 and (byline_after or is_headline_like(page.lines[candidates[0]])):
        page.hints.standfirst = page.lines[candidates[0]]
        page.hints.standfirst_lines = candidates


def _is_masthead(line: str) -> bool:
    """A short Title Case name ending in a news-outlet noun ("The Daily Courier").

    One word alone is a masthead only when it is a name ("Reuters"): a menu's "News" or
    "Radio" names a section, not the publisher.
    """
    if not (_is_label_like(line, MASTHEAD_MAX_WORDS) and P.OUTLET_WORD.search(line)):
        return False
    return word_count(line) > 1 or bool(P.OUTLET_NAME.fullmatch(line))


def _mark_trailer(page: Page) -> None:
    """Step 8: after the last paragraph: mastheads, labels and lists of related headlines."""
    last = _last_prose(page)
    if last is None:
        return
    in_related = False
    after = [i for i in page.open() if i > last]
    # In HTML, and where many lines follow (tour dates, a squad list), the lines after the last
    # paragraph are content the page set as a list; only named furniture goes.
    generic = page.plain and len(after) < TRAILER_LIST_LINES
    for i in after:
        line = page.lines[i]
        if _is_masthead(line):
            page.mark(i, "masthead")
            page.hints.masthead = page.hints.masthead or line
        elif in_related and is_headline_like(line):
            page.mark(i, "related_link")
        elif generic and _is_trailing_label(line):
            page.mark(i, "widget_label")
    trailing = [i for i in page.open() if i > last and is_headline_like(page.lines[i])]
    if generic and len(trailing) >= TRAILER_HEADLINE_RUN:
        for i in trailing:
            page.mark(i, "related_link")
    for i in range(last + 1, len(page.lines)):
        if page.reasons[i] == "widget_label" and _TRAILER_RELATED_LABEL.search(page.lines[i]):
            in_related = True
        elif in_related and page.reasons[i] is None and is_headline_like(page.lines[i]):
            page.mark(i, "related_link")


def _is_trailing_label(line: str) -> bool:
    """A few words with no sentence punctuation, digits or data separators: a widget's label."""
    if re.fullmatch(r"\d{1,2}", line):
        return True  # the rank in a "Most read" list
    if word_count(line) > TRAILER_LABEL_WORDS or P.TERMINAL.search(line):
        return False
    return not re.search(r"[\d:@$€£]", line)


def _mark_related_inline(page: Page) -> None:
    """Step 9 (plain text): a headline standing alone between two paragraphs links elsewhere.

    Subheadings look the same; they differ in number (a structured article has several, a
    story carries one or two links) and in form (questions, "How to ...").
    """
    standalone = [i for i in list(page.open()) if _is_inline_headline(page, i)]
    if len(standalone) > RELATED_INLINE_MAX:
        return
    for i in standalone:
        line = page.lines[i]
        if not line.rstrip("\"'”’").endswith(("?", "!")) and not SUBHEADING_OPENER.match(line):
            page.mark(i, "related_link")


def _is_inline_headline(page: Page, i: int) -> bool:
    """A headline-shaped line alone between two prose paragraphs, below the title."""
    line = page.lines[i]
    words = word_count(line)
    if not RELATED_MIN_WORDS <= words <= RELATED_MAX_WORDS:
        return False
    if not (is_headline_like(line) or line.rstrip("\"'”’").endswith("?")):
        return False
    if P.TIMESTAMP.match(line):
        return False  # "Posted at 1:23 p.m. ET": a time, left to `mark_timestamps`
    if i == 0 or page.lines[i - 1] or i + 1 >= len(page.lines) or page.lines[i + 1]:
        return False  # must stand alone, with a blank line each side
    prev, nxt = _prev_kept(page, i), page.next_open(i)
    if prev is None or nxt is None:
        return False
    return is_prose(page.lines[prev]) and is_prose(page.lines[nxt]) and prev > title_index(page)


def _prev_kept(page: Page, i: int) -> int | None:
    """The previous unclaimed non-blank line before i."""
    for j in range(i - 1, -1, -1):
        if page.lines[j] and page.reasons[j] is None:
            return j
    return None


def title_index(page: Page) -> int:
    """Index of the title line (-1 when none was found)."""
    title = page.hints.title
    return next((i for i, line in enumerate(page.lines) if line == title), -1)


def _mark_duplicates(page: Page) -> None:
    """Step 10: a line that repeats an earlier kept line."""
    seen: set[str] = set()
    previous = ""
    for i in list(page.open()):
        key = fold(page.lines[i])
        words = word_count(page.lines[i])
        adjacent = key == previous and words >= DUPLICATE_MIN_WORDS
        if key in seen and (adjacent or words >= DUPLICATE_FAR_WORDS):
            page.mark(i, "duplicate_line")
        seen.add(key)
        previous = key


def mark_learned(page: Page, learned: frozenset[str]) -> None:
    """Lines a publisher repeats across articles, learned by the caller."""
    if not learned:
        return
    keys = {fold(line) for line in learned}
    for i in list(page.open()):
        if fold(page.lines[i]) in keys:
            page.mark(i, "learned")


RULES: list[Callable[[Page], None]] = [
    _mark_by_pattern,
    _mark_promos,
    _mark_video_blocks,
    _mark_weather,
    _mark_captions,
    _mark_bylines,
    _mark_header,
    _mark_trailer,
]


def text_page(text: str, learned: frozenset[str] = frozenset()) -> Page:
    """The lines of plain text, unwrapped, after the cascade of line rules."""
    return apply_rules(Page(unwrap(text.split("\n")), plain=True), learned)


def mark_timestamps(page: Page) -> None:
    """The last step, after the rules (and, on plain text, the classifier): a time with no date
    ("3 hours ago", "Updated 9:40am") is furniture, and dates nothing.

    It runs after the classifier, not among the rules, because on a whole page's text these
    lines separate the teasers of a story list, and the classifier reads them better with the
    lines there (removing them first measured lower under cross-validation by site: page
    F1 0.9163 -> 0.9140, line level).
    """
    for i in list(page.open()):
        if P.TIMESTAMP.match(page.lines[i]):
            page.mark(i, "timestamp")


def apply_rules(page: Page, learned: frozenset[str] = frozenset()) -> Page:
    """Run the cascade of line rules over a page, in order of confidence."""
    mark_learned(page, learned)
    for rule in RULES:
        rule(page)
    if page.plain:
        _mark_related_inline(page)
    _mark_duplicates(page)
    _contact_authors(page)
    _late_dateline(page)
    _prefer_stamped_dateline(page)
    _dated_tail(page)
    _mark_dated_header(page)
    return page


def _mark_dated_header(page: Page) -> None:
    """After the date hints are read: a dated line between the headline and the first
    paragraph (`is_dated_line`: "Senior Editor, Courier May 3, 2024 3:30 am", "Updated on: May
    3, 2024 / 10:07 AM / Courier") is a dateline with more on it, and goes. Its date was read only
    as a writer's line's is (`_dated_tail`), never as the dateline: such a line's date without
    a clock is as likely a related story's."""
    title = title_index(page)
    first = _first_prose(page)
    if title < 0 or first is None:
        return
    for i in list(page.open()):
        if title < i < first and is_dated_line(page.lines[i]):
            page.mark(i, "dateline")


def _dated_tail(page: Page) -> None:
    """With no dateline found, the first short line that ends in a date with its clock ("Senior
    Editor, PCWorld Nov 14, 2023 3:30 am PST", "Tiernan Ray, Writer Dec. 13, 2023 at 7:17 a.m.
    PT"): a writer's line the byline rules did not read. The line itself is left to the rest."""
    if page.hints.dateline is not None or page.hints.late_dateline is not None:
        return
    for i in page.open():
        line = unglue_date(page.lines[i])
        if word_count(line) > DATED_TAIL_MAX_WORDS:
            continue
        date = _tail_date(line)
        if date and is_dateline(date) and P.STAMPED_DATE.search(date) and YEAR.search(date):
            page.hints.late_dateline = date
            return


def _prefer_stamped_dateline(page: Page) -> None:
    """A bare date taken for the dateline ("Sunday, December 24, 2023": no clock, no label) gives
    way to a dateline further on that prints a clock or a publication label ("Dec 23, 2023,
    1:45 p.m. ET", "Published: 22 Dec 2023"): on a whole page's text the bare date at the top
    is as often the site's "today" as the article's day."""
    hint = page.hints.dateline
    if hint is None or P.STAMPED_DATE.search(hint):
        return
    for i, reason in enumerate(page.reasons):
        line = page.lines[i]
        if reason == "dateline" and line != hint and P.STAMPED_DATE.search(line):
            page.hints.dateline = line
            return


def _late_dateline(page: Page) -> None:
    """The first dateline below the first paragraph, when none stands above it.

    It is a weaker hint than a dateline in the header: below the text's start a date line may
    date a correction, an update note or a related story rather than the article.
    """
    if page.hints.dateline is not None:
        return
    first = _first_prose(page)
    for i, reason in enumerate(page.reasons):
        if reason == "dateline":
            if first is None or i < first:
                page.hints.dateline = page.lines[i]
            else:
                page.hints.late_dateline = page.lines[i]
            return
