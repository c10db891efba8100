"""The headline of scraped text: which line above the article's first paragraph is its title.

The rules (text.py) take the first headline-shaped line before the first paragraph. On a whole
page's text that is a menu entry, a sign-in prompt or a date; in an article container's text
that has no headline, a caption. Once the line classifier has found where the body starts,
`pick_title` weighs every line in the `WINDOW` lines above it, and the choice of no title at
all, with a conditional logit (one softmax over the candidates and "none"), unless the rules'
headline reads as the article's (the classifier keeps it, or it stands just above the body):

- a candidate's score is a linear function of its shape (words, sentence punctuation, capitals,
  digits, a date), where it stands (how far above the body, whether a headline-shaped line
  stands between), what the rules and the classifier made of it, and how many of its content
  words the body's first lines repeat (a headline is about its lead);
- "none" scores a linear function of the page: how many lines stand above the body, whether
  any of them is headline-shaped.

The weights are fitted by `python -m bench.train_lines` on the text shapes of the
news-metadata corpus, whose pages come with their true titles, and shipped in
`line_model.json` beside the line classifier's (numbers only).
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass
from typing import Any

import numpy as np

from newsdesk.clean import patterns as P
from newsdesk.clean.names import bare_name_byline
from newsdesk.clean.patterns import RULE_GROUPS, STOP_WORDS, UPPER_START
from newsdesk.clean.text import (
    Page,
    find_standfirst,
    is_headline_like,
    is_prose,
    read_byline,
    title_index,
)

# How many non-blank lines above the body's first paragraph may hold the headline. Between
# them stand bylines, dates, share buttons, the deck, captions and image credits; on the
# news-metadata pages' whole-page text the true title stood up to 30 lines above (20: 143 of
# 160 pages' titles in reach, 40: 148; 10: 111, and title accuracy fell from 0.81 to 0.54).
WINDOW = 40
# The rules' headline stands when the classifier keeps it or it is one of this many lines
# above the body: a short header (masthead, section, headline, deck, byline), as in the seeds
# and in text written as headline-then-article. Without this the picker, fitted mostly on
# whole-page and container text, chose "none" over such headlines (title right on the region
# text under its true title 0.896 -> 0.903 with it, rules alone 0.917; on region text without
# a headline 0.854 -> 0.792, as it keeps the captions the rules took for a headline). Both
# (kept and near) measured 0.896 and 0.854, but a short header whose headline the classifier
# reads as a label (masthead, section, headline, deck, byline) then lost its headline.
RULES_REACH = 5
# The body's first lines whose content words a headline is expected to share.
LEAD_LINES = 5
# Words shorter than this (and stop words, and numbers) are not content words.
CONTENT_MIN_CHARS = 3
_TOKEN = re.compile(r"\w+")

# What the rules or the classifier made of a candidate line.
STATES = ("open", "classifier", *RULE_GROUPS, "other")
_GROUP_OF = {reason: group for group, reasons in RULE_GROUPS.items() for reason in reasons}

FEATURES = (
    "log_distance",
    "adjacent",
    "log_words",
    "words_le3",
    "words_gt25",
    "headline_like",
    "ends_sentence",
    "ends_question",
    "digit_share",
    "date_line",
    "capitalised_share",
    "stop_ratio",
    *(f"state_{state}" for state in STATES),
    "context_score",
    "lead_overlap",
    "log_repeats",
    "rules_title",
    "nearest_headline",
    "position",
    "starts_upper",
    "above_headline",
    "below_headline",
    "above_sentence",
    "below_sentence",
    "first_line",
)
NONE_FEATURES = ("bias", "log_window", "log_lines_above", "any_headline")
# The classifier's log-odds are clipped to this range (a sure line is as sure at 5 as at 20).
SCORE_CLIP = 5.0


@dataclass(frozen=True)
class TitleModel:
    """Weights of the candidates' standardised features and of the "none" option's."""

    weights: np.ndarray
    mean: np.ndarray
    scale: np.ndarray
    none: np.ndarray

    def choose(
        self, candidates: np.ndarray, page: np.ndarray, eligible: np.ndarray | None = None
    ) -> int | None:
        """The row of the best candidate (among the `eligible` ones), or None when "none"
        scores higher."""
        if not len(candidates) or (eligible is not None and not eligible.any()):
            return None
        scores = ((candidates - self.mean) / self.scale) @ self.weights
        if eligible is not None:
            scores = np.where(eligible, scores, -np.inf)
        best = int(np.argmax(scores))
        return best if scores[best] > float(page @ self.none) else None

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> TitleModel:
        """A model from its JSON form; refuses another feature layout."""
        if data.get("features") != list(FEATURES) or data.get("none_features") != list(
            NONE_FEATURES
        ):
            raise ValueError(
                "title model was trained on another feature layout: rebuild it with "
                "`python -m bench.train_lines`"
            )
        return cls(
            *(np.asarray(data[k], dtype=np.float64) for k in ("weights", "mean", "scale", "none"))
        )

    def to_json(self) -> dict[str, Any]:
        """The JSON form, at six significant digits."""
        return {
            "features": list(FEATURES),
            "none_features": list(NONE_FEATURES),
            **{
                k: [float(f"{v:.6g}") for v in getattr(self, k)]
                for k in ("weights", "mean", "scale", "none")
            },
        }


@dataclass
class Candidates:
    """The lines that may be the headline of one page, and their features."""

    lines: list[int]  # page line index per row, nearest the body first
    rows: np.ndarray  # [candidates, FEATURES]
    page: np.ndarray  # [NONE_FEATURES]
    eligible: np.ndarray | None = None  # per row, whether it may be chosen (`may_be_headline`)


def body_start(page: Page, verdict: dict[int, bool]) -> int | None:
    """The first line the classifier keeps that reads as a paragraph."""
    return next((i for i, keep in verdict.items() if keep and is_prose(page.lines[i])), None)


def candidates(
    page: Page, verdict: dict[int, bool], scores: dict[int, float], first: int
) -> Candidates:
    """Every non-blank line in the `WINDOW` above line `first`, with its features."""
    above = [i for i in range(first - 1, -1, -1) if page.lines[i]][:WINDOW]
    lead = [i for i in sorted(verdict) if i >= first and verdict[i]][:LEAD_LINES]
    lead_words = set().union(*(_content(page.lines[i]) for i in lead))
    counts = Counter(line.casefold() for line in page.lines if line)
    headline = [is_headline_like(page.lines[i]) for i in above]
    sentence = [bool(P.TERMINAL.search(page.lines[i])) for i in above]
    top = next((i for i, line in enumerate(page.lines) if line), -1)  # the text's first line
    rows = []
    seen_headline = False
    for d, i in enumerate(above):
        line = page.lines[i]
        words = _TOKEN.findall(line.casefold())
        n = max(len(words), 1)
        content = _content(line)
        state = _state(page, verdict, i)
        rows.append(
            [
                math.log1p(d),
                d == 0,
                math.log1p(len(words)),
                len(words) <= 3,
                len(words) > 25,
                headline[d],
                sentence[d],
                line.endswith(("?", "!")),
                sum(map(str.isdigit, line)) / max(len(line), 1),
                bool(P.DATE_LINE.match(line)),
                len(UPPER_START.findall(line)) / n,
                sum(w in STOP_WORDS for w in words) / n,
                *(state == s for s in STATES),
                max(min(scores.get(i, 0.0), SCORE_CLIP), -SCORE_CLIP),
                len(content & lead_words) / max(len(content), 1),
                math.log(counts[line.casefold()]),
                line == page.hints.title,
                headline[d] and not seen_headline,
                i / len(page.lines),
                line[:1].isupper(),
                d + 1 < len(above) and headline[d + 1],
                d > 0 and headline[d - 1],
                d + 1 < len(above) and sentence[d + 1],
                d > 0 and sentence[d - 1],
                i == top,
            ]
        )
        seen_headline = seen_headline or headline[d]
    lines_above = sum(1 for line in page.lines[:first] if line)
    page_row = [1.0, math.log1p(len(above)), math.log1p(lines_above), float(any(headline))]
    matrix = np.array(rows, dtype=np.float64).reshape(len(rows), len(FEATURES))
    eligible = np.array([may_be_headline(page.lines[i]) for i in above], dtype=bool)
    return Candidates(above, matrix, np.array(page_row), eligible)


# Punctuation a headline's first word may carry ("‘Despicable’ move ...", "(Video) ...").
_OPENING = "\"'‘’“”«»([{¿¡-–—*#"


def may_be_headline(line: str) -> bool:
    """False for a line whose first word is all lower case ("may not manifest immediately,
    ..."): the middle of a sentence a scraper broke across lines, never a headline (none of
    the 144 true titles of news-metadata starts so; "iPhone" and "eBay" do not count)."""
    words = line.split(maxsplit=1)
    first = words[0].strip(_OPENING) if words else ""
    return not (first.isalpha() and first.islower())


def _content(line: str) -> set[str]:
    """The content words of a line, case-folded."""
    return {
        w
        for w in _TOKEN.findall(line.casefold())
        if len(w) >= CONTENT_MIN_CHARS and w not in STOP_WORDS and not w.isdigit()
    }


def _state(page: Page, verdict: dict[int, bool], i: int) -> str:
    """What the rules or the classifier made of line i (see STATES)."""
    reason = page.reasons[i]
    if reason is None:
        return "open" if verdict.get(i, True) else "classifier"
    return _GROUP_OF.get(reason, "other")


def rules_headline_stands(page: Page, verdict: dict[int, bool], found: Candidates) -> bool:
    """Whether the rules' headline reads as the article's: the classifier keeps it, or it is
    one of the `RULES_REACH` lines above the body."""
    at = title_index(page)
    return at >= 0 and (verdict.get(at, False) or at in found.lines[:RULES_REACH])


def pick_title(
    page: Page, verdict: dict[int, bool], scores: dict[int, float], model: TitleModel
) -> None:
    """Set the page's headline (or none) from the lines above the body the classifier found,
    and its authors from the bylines between the two.

    The chosen line is kept (a rule's or the classifier's claim on it is withdrawn: it is the
    title, and normalise takes it out of the body); the rules' deck stays only when it stands
    between the chosen headline and the body, and is otherwise looked for again there.
    """
    first = body_start(page, verdict)
    if first is None:
        return
    found = candidates(page, verdict, scores, first)
    if not rules_headline_stands(page, verdict, found):
        _choose(page, found, model, first)
    title = next((i for i in found.lines if page.lines[i] == page.hints.title), None)
    if title is not None:
        _authors_under_headline(page, title, first)


def _choose(page: Page, found: Candidates, model: TitleModel, first: int) -> None:
    """The picker's headline (or none), and the deck under it."""
    choice = model.choose(found.rows, found.page, found.eligible)
    title = None if choice is None else found.lines[choice]
    if title is not None:
        page.reasons[title] = None
        page.hints.title = page.lines[title]
    else:
        page.hints.title = None
    deck = page.hints.standfirst_lines
    if title is None or not all(title < i < first for i in deck):
        page.hints.standfirst = None
        page.hints.standfirst_lines = []
    if title is not None and not page.hints.standfirst_lines:
        find_standfirst(page, title, first)


def _authors_under_headline(page: Page, title: int, first: int) -> None:
    """The authors of the bylines between the headline and the body, when there are any: a
    whole page's other bylines belong to its teasers and related stories. Without a "By ..."
    byline there, a line that is only a name is one (`bare_name_byline`): the first such line
    under the headline, and those standing within BARE_NAME_REACH lines after it (co-authors
    printed one a line)."""
    names: list[str] = []
    for i in range(title + 1, first):
        found = read_byline(page.lines[i]) if page.reasons[i] == "byline" else None
        names += [name for name in (found[1] if found else []) if name not in names]
    if not names:
        names = _bare_names(page, title, first)
    if names:
        page.hints.byline_authors = names


# Co-authors printed one a line stand this close to each other (a role or a photo line
# between); more names than BARE_NAME_MOST in such a run are a list of other stories' authors.
BARE_NAME_REACH = 3
BARE_NAME_MOST = 3


def _bare_names(page: Page, title: int, first: int) -> list[str]:
    """Names of the bare-name bylines between the headline and the body, marked "byline".

    Runs before the classifier's verdicts are marked, so a line a rule claimed (a widget
    label, a credit) is passed over and one only the classifier would remove is read.
    """
    names: list[str] = []
    last = None
    for i in range(title + 1, first):
        if last is not None and i - last > BARE_NAME_REACH:
            break
        if page.reasons[i] is not None:
            continue
        found = bare_name_byline(page.lines[i])
        if not found:
            continue
        names += [name for name in found if name not in names]
        page.reasons[i] = "byline"
        last = i
    return names if len(names) <= BARE_NAME_MOST else []
