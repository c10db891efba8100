"""The learned line classifier: is each line of scraped text article body or page furniture?

Plain text has no markup to say where the article is; what it has is the shape of each line
and of its neighbours. `classify(page, model)` scores every line the rules left open in two
passes:

1. a logistic model over the line's own features, its neighbours', where it stands in the
   text, the rules' verdicts on the lines around it (`features`) and hashed tokens of the
   line (the furniture vocabulary);
2. a context pass (jusText-like, learned): a second logistic model over the first pass's
   scores of the line and its neighbours and their averages over wider windows, so a short
   line inside a run of paragraphs is judged by the run and a paragraph-sized teaser blurb
   inside a menu by the menu;
3. the body span: the article is one stretch of the text, so only the lines of the stretch
   whose context scores sum highest (`body_span`) may stay; what stands before or after it
   goes, however much it reads like prose (another story's blurb, the comments, the next
   article of the feed); each line the rules removed between two of its lines (a menu, a
   share row, a "Related" label; not an advert label or a caption) costs it too. Inside the
   span the context pass decides line by line, except that a list (three or more same-shaped
   lines in a row) is decided as one, by its items' mean, and a span whose edge falls inside
   a list takes the whole list; a table the scraper wrote one cell per line
   (`cells.table_blocks`) costs the span nothing and, right under a body line, is kept whole
   (`decide`). A comment section under the article (its heading, then comment headers:
   `comment_section`) is never body and the span cannot reach into it: the comments are
   prose, often more than the story.
4. the headline: where the rules' headline does not read as the article's, the model's title
   part picks one among the lines above the body, or none (headline.py).

The model is trained by `python -m bench.train_lines` on the generated text of the reference
corpora (see bench/text_shapes.py) and shipped as `line_model.json`: numbers only (weights of
named features and of hashed token buckets), never lines of the corpus.
"""

from __future__ import annotations

import itertools
import json
import math
import re
import zlib
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np

from newsdesk.clean import patterns as P
from newsdesk.clean.cells import table_blocks
from newsdesk.clean.headline import TitleModel, pick_title
from newsdesk.clean.patterns import RULE_GROUPS, STOP_WORDS, UPPER_START
from newsdesk.clean.text import (
    PROSE_ALWAYS_WORDS,
    PROSE_MIN_WORDS,
    Page,
    is_headline_like,
    is_prose,
)

MODEL_PATH = Path(__file__).with_name("line_model.json")
# The feature layout this code computes; a model file of another layout is refused.
FEATURE_VERSION = 1
# Token buckets of the hashed vocabulary. 2**12 keeps the model file ~100 KB; 2**14 measured
# no better under cross-validation (bench/train_lines.py --hash-bits).
HASH_BITS = 12
# Lines up to this many words hash all their tokens (menus, labels, buttons, teasers); longer
# lines only their first and last tokens (prose is told by its shape, not its words).
HASH_ALL_WORDS = 15
# Texts with more open lines than this are left to the rules: the longest page the model was
# trained on has ~2,000 lines, and a longer text is a dump of many articles (or an attack);
# the bound also caps the classifier's memory (~30 MB of features at this size).
MAX_LINES = 5000
# Neighbour offsets whose summary features each line sees.
NEIGHBOURS = (-3, -2, -1, 1, 2, 3)
# Windows (lines each side) of the prose-density features: a paragraph's own surroundings and
# the stretch of the page around it.
DENSITY_WINDOWS = (2, 8)
_WORD = re.compile(r"\w+(?:[’'-]\w+)*")
# Word-level shapes, counted per line (C-speed findall): words in capitals.
_CAPS_WORD = re.compile(r"\b[A-ZÀ-ÖØ-ÞΑ-ΩА-Я]{2,}\b")
# A sentence end at the end of a line, found in the page's text at once (one a line at most).
_TERMINAL = re.compile(r"[.!?…][\"'”’)\]]*$", re.MULTILINE)
_DIGITS_RUN = re.compile(r"\d+")
_HAS_DIGIT = re.compile(r"\d").search
# Rarer marks, found by scanning the whole text once per mark and counted per line: prices and
# market moves, clock times, social handles and hashtags, URL-like text, markup residue (tags,
# entities, attributes, braces), separators of menus and breadcrumbs, letters outside the Latin
# script. Each alternative starts with a character class so the scan skips ahead fast (no
# lookbehind or \b first: those made it 5 times slower); none crosses a line break.
MARKS: dict[str, re.Pattern[str]] = {
    "currency": re.compile(r"[$£€¥₹] ?\d|\d ?(?:USD|EUR|GBP|dollars?)\b"),
    "percent": re.compile(r"\d ?%|% ?\d"),
    "clock": re.compile(r"\d:\d\d"),
    "handle": re.compile(r"@\w\w"),
    "urlish": re.compile(r"https?://|www\.|\.(?:com|org|net|co|uk|io)\b|/\w+/"),
    "hashtag": re.compile(r"#\w\w"),
    "markup": re.compile(r"</?[a-zA-Z][\w-]*(?:[ \t][^>\n]*)?/?>|&[a-z]{2,6};|&#\d+;|=[\"']|[{}]"),
    # A slash or ">" between spaces: the spaces are looked for after the mark is found, as a
    # space-first pattern stops at every space of the text.
    "separators": re.compile(r"[|•·»]|[/>](?<=[ \t][/>])(?=[ \t])"),
    # Greek to Tibetan, kana to CJK, Hangul.
    "non_latin": re.compile(r"[\u0370-\u0fff\u3040-\u9fff\uac00-\ud7af]+"),
}
# The marks that count as present or absent (the others count as shares).
PRESENCE_MARKS = ("currency", "percent", "clock", "handle", "urlish", "hashtag", "markup")


# The features of a line on its own, by group (the groups bench.train_lines --ablation drops).
OWN_FEATURES: dict[str, tuple[str, ...]] = {
    "length and punctuation": (
        "log_words",
        "log_chars",
        "words_le2",
        "words_le5",
        "words_le12",
        "words_le30",
        "ends_sentence",
        "ends_colon",
        "ends_bare",
        "commas_per_word",
        "prose",
        "headline_like",
    ),
    "stop words and capitals": (
        "stop_ratio",
        "capitalised_share",
        "caps_share",
        "starts_upper",
        "non_latin",
    ),
    "digits, links, markup": ("starts_digit", "digit_share", *PRESENCE_MARKS, "separators"),
    "title, repetition": ("title_likeness", "is_title", "repeats", "is_standfirst"),
}
# Where the line stands in the document.
DOC_FEATURES = (
    "position",
    "prose_before",
    "prose_after",
    "inside_body",
    *(f"density_{w}" for w in DENSITY_WINDOWS),
    "rel_words",
    "doc_log_lines",
    "doc_prose_share",
)


def feature_names() -> list[str]:
    """Names of the dense features, in column order."""
    own = [name for group in OWN_FEATURES.values() for name in group]
    gaps = [
        f"gap_{side}_{group}" for side in ("before", "after") for group in ("all", *RULE_GROUPS)
    ]
    near = [
        f"{name}@{offset:+d}" for offset in NEIGHBOURS for name in ("present", *NEIGHBOUR_FEATURES)
    ]
    return [*own, *gaps, *DOC_FEATURES, *near]


# The own features each neighbour contributes (a summary: shape, prose, rules).
NEIGHBOUR_FEATURES = (
    "log_words",
    "ends_sentence",
    "stop_ratio",
    "prose",
    "headline_like",
    "gap_before_all",
    "urlish",
    "markup",
)


@dataclass(frozen=True)
class Logistic:
    """One logistic layer: weights over standardised dense features, and over token buckets."""

    weights: np.ndarray
    mean: np.ndarray
    scale: np.ndarray
    bias: float
    hashed: np.ndarray  # one weight per token bucket (empty: no hashed features)

    def score(self, dense: np.ndarray, buckets: np.ndarray, owners: np.ndarray) -> np.ndarray:
        """Per row, the log-odds of body."""
        weights = self.weights / self.scale  # standardise the weights, not a copy of the rows
        z = dense @ weights + (self.bias - float(self.mean @ weights))
        if self.hashed.size and buckets.size:
            z += np.bincount(owners, weights=self.hashed[buckets], minlength=len(z))
        return np.asarray(z)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Logistic:
        """A layer from its JSON form."""
        return cls(
            weights=np.asarray(data["weights"], dtype=np.float64),
            mean=np.asarray(data["mean"], dtype=np.float64),
            scale=np.asarray(data["scale"], dtype=np.float64),
            bias=float(data["bias"]),
            hashed=np.asarray(data.get("hashed", []), dtype=np.float64),
        )

    def to_json(self) -> dict[str, Any]:
        """The JSON form, at six significant digits (more than the fit is worth)."""
        return {
            "bias": _round(self.bias),
            **{
                k: [_round(v) for v in getattr(self, k)]
                for k in ("weights", "mean", "scale", "hashed")
            },
        }


@dataclass(frozen=True)
class Span:
    """How the body span is chosen (see `body_span`); fitted by bench.train_lines."""

    bias: float  # added to each line's clipped log-odds: higher, a longer span
    floor: float  # the log-odds of a line are clipped here: what one furniture line costs
    power: float  # each line weighs by its words to this power
    # What each line the rules removed between two rows of the span costs it (`row_gaps`): a
    # menu or a "Related" block the rules took still parts the article from what follows.
    gap: float = 0.0

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Span:
        """A span rule from its JSON form."""
        return cls(
            float(data["bias"]),
            float(data["floor"]),
            float(data["power"]),
            float(data.get("gap", 0.0)),
        )


@dataclass(frozen=True)
class LineModel:
    """The trained classifier: the line pass, the context pass, the operating point, the span."""

    lines: Logistic
    context: Logistic
    offset: float = 0.0  # added to the context pass's log-odds before the 0 threshold
    meta: dict[str, Any] | None = None
    span: Span | None = None  # None: no span, every line is judged by the context pass alone
    title: TitleModel | None = None  # None: the rules' headline stands

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> LineModel:
        """A model from its JSON form; refuses another feature layout."""
        if data.get("feature_version") != FEATURE_VERSION or data.get("features") != (
            feature_names()
        ):
            raise ValueError(
                "line model was trained on another feature layout: rebuild it with "
                "`python -m bench.train_lines`"
            )
        return cls(
            Logistic.from_json(data["lines"]),
            Logistic.from_json(data["context"]),
            offset=float(data.get("offset", 0.0)),
            meta=data.get("meta"),
            span=Span.from_json(data["span"]) if data.get("span") else None,
            title=TitleModel.from_json(data["title"]) if data.get("title") else None,
        )

    def to_json(self) -> dict[str, Any]:
        """The JSON form."""
        return {
            "feature_version": FEATURE_VERSION,
            "features": feature_names(),
            "hash_bits": HASH_BITS,
            "meta": self.meta or {},
            "offset": _round(self.offset),
            "span": {k: _round(v) for k, v in vars(self.span).items()} if self.span else None,
            "lines": self.lines.to_json(),
            "context": self.context.to_json(),
            "title": self.title.to_json() if self.title else None,
        }


def _round(value: float) -> float:
    """A float at six significant digits."""
    return float(f"{value:.6g}")


@cache
def shipped_model() -> LineModel:
    """The model shipped with the package, read once per process."""
    return LineModel.from_json(json.loads(MODEL_PATH.read_text(encoding="utf-8")))


@dataclass
class Features:
    """The feature rows of one page's non-blank lines."""

    rows: list[int]  # page line index of each row
    dense: np.ndarray  # [rows, dense features], unstandardised
    buckets: np.ndarray  # hashed token buckets, concatenated
    owners: np.ndarray  # row of each bucket entry
    siblings: np.ndarray | None = None  # per row, the id of its run of same-shaped lines
    tables: np.ndarray | None = None  # per row, the id of its table (-1: none; table_blocks)
    numbered: np.ndarray | None = None  # per row, the id of its numbered list (-1: none)


def features(page: Page) -> Features:
    """Dense and hashed features of the lines the rule cascade left open.

    Neighbours, positions and densities are counted over the open lines only: the lines the
    rules removed show as the gap features of the lines around them.
    """
    rows = list(page.open())
    if not rows:
        empty = np.zeros(0, dtype=np.int64)
        return Features(rows, np.zeros((0, len(feature_names()))), empty, empty)
    lines = [page.lines[i] for i in rows]
    title = page.hints.title
    title_words = set(_WORD.findall(title.casefold())) if isinstance(title, str) else set()
    standfirst = set(page.hints.standfirst_lines)
    words = [_words(line) for line in lines]
    keys = [" ".join(w) for w in words]  # the line folded (case, punctuation, digits)
    counts: dict[str, int] = {}
    for key in keys:
        counts[key] = counts.get(key, 0) + 1
    repeats = np.array([math.log(counts[key]) for key in keys])
    decks = np.array([i in standfirst for i in rows], dtype=np.float64)
    buckets, owners = _buckets(words)
    own = np.column_stack(
        [*_own(lines, words, title, title_words), repeats, decks, _gaps(page, rows)]
    )
    dense = np.hstack([own, _document(own), _neighbours(own)])
    return Features(
        rows,
        dense,
        buckets,
        owners,
        sibling_runs(lines),
        table_blocks(lines, [len(w) for w in words]),
        numbered_lists(lines),
    )


# A line's shape for telling list siblings: each run of capitals with the lower-case letters
# after it read as "A", other lower-case runs as "a", digit runs as "0", the punctuation and
# other letters kept ("June 3 – Lisbon @ Riverside Arena" and "June 4 – Porto @ Harbour Hall"
# share one). The substitutions run over the page's text at once (C speed).
_SHAPE_RUNS = (
    (re.compile(r"[0-9]+"), "0"),
    (re.compile(r"[A-Z]+[a-z]*"), "A"),
    (re.compile(r"[a-z]+"), "a"),
    (re.compile(r"[ \t]+"), " "),
)


# Lines longer than this are paragraphs, not list items: each is a shape of its own (and is
# not read, which keeps the cost down: ~1 ms on a whole page).
SIBLING_MAX_CHARS = 120


def line_shapes(lines: list[str]) -> list[str]:
    """The shape of each line (see _SHAPE_RUNS); a long line's is its index."""
    short = [n for n, line in enumerate(lines) if len(line) <= SIBLING_MAX_CHARS]
    text = "\n".join(lines[n] for n in short)
    for run, mark in _SHAPE_RUNS:
        text = run.sub(mark, text)
    shapes = [f"\n{n}" for n in range(len(lines))]  # no short line has this shape
    for n, shape in zip(short, text.split("\n") if short else [], strict=True):
        shapes[n] = shape.strip()
    return shapes


def sibling_runs(lines: list[str]) -> np.ndarray:
    """Per line, the id of its run: consecutive lines of one shape share an id."""
    shapes = line_shapes(lines)
    starts = [n == 0 or shapes[n] != shapes[n - 1] for n in range(len(shapes))]
    return np.cumsum(starts, dtype=np.int64) - 1


# A numbered list: lines that start "1." or "1)", then "2.", "3." ... in order, other lines
# between them allowed (an item's description, a removed link), at most NUMBERED_REACH rows
# apart and at least NUMBERED_MIN items. An article's own lists are numbered ("1) A tide clock",
# a shop's link, "2) Oilskin gloves", ...), a site's story boxes seldom are: `decide` keeps such
# a list whole when its first item is kept.
_NUMBERED = re.compile(r"[ \t]*(\d{1,2})[ \t]?[.)][ \t]+\S")
NUMBERED_MIN = 3
NUMBERED_REACH = 40


def numbered_lists(lines: list[str]) -> np.ndarray:
    """Per line, the id of the numbered list it is an item of, or -1 (see NUMBERED_MIN)."""
    out = np.full(len(lines), -1, dtype=np.int64)
    found = [(n, int(m.group(1))) for n, line in enumerate(lines) if (m := _NUMBERED.match(line))]
    lists = 0
    run: list[tuple[int, int]] = []  # the items (line, number) of the list being read
    for line, number in [*found, (-1, 0)]:
        if run and number == run[-1][1] + 1 and line - run[-1][0] <= NUMBERED_REACH:
            run.append((line, number))
            continue
        if len(run) >= NUMBERED_MIN:
            out[[at for at, _ in run]] = lists
            lists += 1
        run = [(line, number)] if number == 1 else []
    return out


_OWN = {name: n for n, name in enumerate(feature_names())}


def _per_line(
    pattern: re.Pattern[str], joined: str, starts: np.ndarray, lengths: bool = False
) -> np.ndarray:
    """Per line of `joined` (lines starting at `starts`), how many matches of the pattern
    start in it (lengths: how many characters they cover)."""
    found = [(m.start(), m.end()) for m in pattern.finditer(joined)]
    if not found:
        return np.zeros(len(starts))
    at = np.searchsorted(starts, [start for start, _ in found], side="right") - 1
    weights = [float(end - start) for start, end in found] if lengths else None
    return np.bincount(at, weights=weights, minlength=len(starts)).astype(np.float64)


def _words(line: str) -> list[str]:
    """The case-folded words of a line, digit runs read as 0."""
    lower = line.casefold()
    if _HAS_DIGIT(lower):
        lower = _DIGITS_RUN.sub("0", lower)
    return _WORD.findall(lower)


# patterns.TERMINAL's sentence ends, found in the page's text at once like _TERMINAL's.
_PROSE_END_EOL = re.compile(P.TERMINAL.pattern, re.MULTILINE)


def _own(
    lines: list[str], words: list[list[str]], title: Any, title_words: set[str]
) -> list[np.ndarray]:
    """The columns of the features of each line on its own (OWN_FEATURES' order, repetition
    and deck flags aside). Rare marks and sentence ends are found in the page's text at once;
    what most lines have (capitals, digits, commas) is counted line by line, in C."""
    joined = "\n".join(lines)
    starts = np.cumsum([0] + [len(line) + 1 for line in lines[:-1]])

    def count(pattern: re.Pattern[str], lengths: bool = False) -> np.ndarray:
        return _per_line(pattern, joined, starts, lengths)

    def flag(values: Iterable[bool]) -> np.ndarray:
        return np.fromiter(values, dtype=np.float64, count=len(lines))

    n = np.array([len(w) for w in words], dtype=np.float64)
    length = np.array([len(line) for line in lines], dtype=np.float64)
    per_word = np.maximum(n, 1.0)
    chars = np.maximum(length, 1.0)
    prose_end = count(_PROSE_END_EOL) > 0
    if title_words:
        likeness = [len((ws := set(w)) & title_words) / len(ws | title_words) for w in words]
    else:
        likeness = [0.0] * len(lines)
    return [
        np.array([math.log1p(len(w)) for w in words]),  # math's log1p, as the model was fit on
        np.array([math.log1p(len(line)) for line in lines]),
        n <= 2,
        n <= 5,
        n <= 12,
        n <= 30,
        count(_TERMINAL) > 0,
        flag(line.endswith(":") for line in lines),
        flag(line[-1:].isalnum() for line in lines),
        np.array([line.count(",") + line.count(";") for line in lines]) / per_word,
        (n >= PROSE_ALWAYS_WORDS) | ((n >= PROSE_MIN_WORDS) & prose_end),
        flag(is_headline_like(line, len(w)) for line, w in zip(lines, words, strict=True)),
        np.array([sum(map(STOP_WORDS.__contains__, w)) for w in words]) / per_word,
        np.array([len(UPPER_START.findall(line)) for line in lines]) / per_word,
        np.array([len(_CAPS_WORD.findall(line)) for line in lines]) / per_word,
        flag(line[:1].isupper() for line in lines),
        count(MARKS["non_latin"], lengths=True) / chars,
        flag(line[:1].isdigit() for line in lines),
        np.array([sum(map(line.count, "0123456789")) for line in lines]) / chars,
        *(count(MARKS[name]) > 0 for name in PRESENCE_MARKS),
        count(MARKS["separators"]) / per_word,
        np.array(likeness),
        flag(isinstance(title, str) and line == title for line in lines),
    ]


def _buckets(words: list[list[str]]) -> tuple[np.ndarray, np.ndarray]:
    """Hashed token buckets of each line, concatenated, and the line each belongs to: a line's
    words (or, for a long line, its first and last), its first and last word marked, its size."""
    mask = (1 << HASH_BITS) - 1
    tokens: list[str] = []
    owners: list[int] = []
    for row, w in enumerate(words):
        if not w:
            line_tokens = {"<empty>"}
        elif len(w) <= HASH_ALL_WORDS:
            line_tokens = {*w, f"^{w[0]}", f"{w[-1]}$", f"#{len(w)}"}
        else:
            line_tokens = {f"^{w[0]}", f"^^{w[0]} {w[1]}", f"{w[-1]}$"}
        tokens += line_tokens
        owners += [row] * len(line_tokens)
    # Each distinct token is hashed once; the lookups run in C.
    bucket = {token: zlib.crc32(token.encode("utf-8")) & mask for token in set(tokens)}
    buckets = np.fromiter(map(bucket.__getitem__, tokens), dtype=np.int64, count=len(tokens))
    return buckets, np.array(owners, dtype=np.int64)


def _gaps(page: Page, rows: list[int]) -> np.ndarray:
    """Per open line, the removed lines up to the open line before and after it, by group."""
    groups = list(RULE_GROUPS.values())
    width = 1 + len(groups)
    counts = np.zeros((len(rows) + 1, width))
    bounds = [-1, *rows, len(page.lines)]
    for n in range(len(rows) + 1):
        for i in range(bounds[n] + 1, bounds[n + 1]):
            reason = page.reasons[i]
            if reason is None:
                continue
            counts[n, 0] += 1
            for g, members in enumerate(groups, start=1):
                if reason in members:
                    counts[n, g] += 1
    logged = np.log1p(counts)
    return np.hstack([logged[:-1], logged[1:]])


def _document(own: np.ndarray) -> np.ndarray:
    """Where each line stands in the document: position, prose around it, relative size."""
    n = own.shape[0]
    words = np.expm1(own[:, _OWN["log_words"]])
    prose_words = words * own[:, _OWN["prose"]]
    total = max(prose_words.sum(), 1.0)
    cumulative = np.cumsum(prose_words)
    before = (cumulative - prose_words) / total
    after = (total - cumulative) / total
    columns = [
        np.arange(n) / max(n - 1, 1),
        before,
        after,
        np.minimum(before, after) * 2,
    ]
    padded = np.concatenate([[0.0], cumulative])
    for window in DENSITY_WINDOWS:
        lo = np.clip(np.arange(n) - window, 0, n)
        hi = np.clip(np.arange(n) + window + 1, 0, n)
        density = padded[hi] - padded[lo]
        columns.append(density / max(density.max(), 1.0))
    columns += [
        words / max(words.max(), 1.0),
        np.full(n, math.log1p(n)),
        np.full(n, own[:, _OWN["prose"]].mean()),
    ]
    return np.column_stack(columns)


_NEAR = [_OWN[name] for name in NEIGHBOUR_FEATURES]
_GAP_ALL, _GAP_MEDIA, _GAP_META = (
    _OWN[f"gap_before_{group}"] for group in ("all", "media", "meta")
)


def _neighbours(own: np.ndarray) -> np.ndarray:
    """Each line's neighbours' summary features (zeros and present = 0 past either end)."""
    n = own.shape[0]
    summary = np.hstack([np.ones((n, 1)), own[:, _NEAR]])
    blocks = []
    for offset in NEIGHBOURS:
        shifted = np.zeros_like(summary)
        if offset < 0 and n > -offset:
            shifted[-offset:] = summary[:offset]
        elif offset > 0 and n > offset:
            shifted[:-offset] = summary[offset:]
        blocks.append(shifted)
    return np.hstack(blocks)


def line_scores(feats: Features, model: LineModel) -> np.ndarray:
    """The first pass: per row, the line model's log-odds that the line is body."""
    return model.lines.score(feats.dense, feats.buckets, feats.owners)


# The context pass sees the first-pass scores of these neighbours and their means over these
# windows (lines each side): the paragraph's surroundings, the section, the page region.
CONTEXT_OFFSETS = (-3, -2, -1, 1, 2, 3)
CONTEXT_WINDOWS = (2, 8, 25)
_NO_TOKENS = np.zeros(0, dtype=np.int64)


def context_features(z: np.ndarray) -> np.ndarray:
    """Per row, the first-pass scores around it: neighbours, window means, body share."""
    n = len(z)
    columns = [z]
    for offset in CONTEXT_OFFSETS:
        shifted, present = np.zeros(n), np.zeros(n)
        if offset < 0 and n > -offset:
            shifted[-offset:], present[-offset:] = z[:offset], 1.0
        elif offset > 0 and n > offset:
            shifted[:-offset], present[:-offset] = z[offset:], 1.0
        columns += [shifted, present]
    cumulative = np.concatenate([[0.0], np.cumsum(z)])
    for window in CONTEXT_WINDOWS:
        lo = np.clip(np.arange(n) - window, 0, n)
        hi = np.clip(np.arange(n) + window + 1, 0, n)
        columns.append((cumulative[hi] - cumulative[lo]) / np.maximum(hi - lo, 1))
    p = 1.0 / (1.0 + np.exp(-np.clip(z, -30, 30)))
    body = np.cumsum(p)
    total = max(float(body[-1]), 1e-9) if n else 1.0
    columns += [(body - p) / total, (total - body) / total]
    if not n:
        return np.zeros((0, 3 + 2 * len(CONTEXT_OFFSETS) + len(CONTEXT_WINDOWS)))
    return np.column_stack(columns)


def context_scores(z: np.ndarray, model: LineModel) -> np.ndarray:
    """The second pass: per row, the context model's log-odds, with the operating point."""
    return model.context.score(context_features(z), _NO_TOKENS, _NO_TOKENS) + model.offset


# The context pass's log-odds are clipped at this ceiling in the span's sum, so one long,
# sure paragraph cannot carry a span across a block of furniture on its own.
SPAN_CEILING = 3.0


def body_span(
    c: np.ndarray, words: np.ndarray, span: Span, gaps: np.ndarray | None = None
) -> tuple[int, int]:
    """(first, last) row of the run of rows whose weighted, clipped log-odds sum highest, less
    `span.gap` for each line the rules removed between two of its rows (`gaps`: per row, the
    lines removed just before it)."""
    gain = (np.clip(c, span.floor, SPAN_CEILING) + span.bias) * np.maximum(words, 1.0) ** span.power
    cost = span.gap * gaps if gaps is not None else np.zeros(len(c))
    prefix = np.concatenate([[0.0], np.cumsum(gain - cost)])
    # A run from row f to row l sums prefix[l + 1] - prefix[f] + cost[f]: the lines removed
    # above its first row are not between two of its rows.
    starts = prefix[:-1] - cost
    lowest = np.minimum.accumulate(starts)
    last = int(np.argmax(prefix[1:] - lowest))
    return int(np.argmin(starts[: last + 1])), last


# A run of at least this many same-shaped lines in a row (a list: tour dates, results, a
# recipe's steps) is decided as one: by its mean context score, so one item of a list is not
# cut where its siblings stay.
SIBLING_RUN = 3


def decide(
    c: np.ndarray,
    words: np.ndarray,
    span: Span | None,
    siblings: np.ndarray | None = None,
    tables: np.ndarray | None = None,
    gaps: np.ndarray | None = None,
    numbered: np.ndarray | None = None,
    lead_ins: np.ndarray | None = None,
) -> np.ndarray:
    """Per row, body or not: the context pass's verdict (a list's items by their mean), inside
    the body span when there is one (`gaps`: per row, the removed lines that cost the span,
    see `row_gaps`); a table (`tables`, see table_blocks) right under a body line is the
    article's, and is kept whole; so is a numbered list whose first item is kept (`numbered`,
    see numbered_lists), and the short lines between a kept line that ends in a colon
    (`lead_ins`) and the next kept line (see LIST_MAX_ITEMS)."""
    runs = np.arange(len(c)) if siblings is None else siblings  # no lists: a run per row
    size = np.bincount(runs)
    listed = size[runs] >= SIBLING_RUN
    mean = np.bincount(runs, weights=c) / np.maximum(size, 1)
    keep = np.where(listed, mean[runs], c) > 0
    cells = np.zeros(len(c), dtype=bool) if tables is None else tables >= 0
    if span is not None and len(c):
        # A table's cells cost the span nothing: it may reach across a table to the text below.
        first, last = body_span(np.where(cells, -span.bias, c), words, span, gaps)
        # A list the span's edge falls in is taken whole (its verdict above) or not at all.
        if listed[first]:
            first = int(np.flatnonzero(runs == runs[first])[0])
        if listed[last]:
            last = int(np.flatnonzero(runs == runs[last])[-1])
        keep[:first] = False
        keep[last + 1 :] = False
    if tables is not None and cells.any():
        for table in np.unique(tables[cells]).tolist():
            at = np.flatnonzero(tables == table)
            if at[0] > 0 and keep[at[0] - 1]:
                keep[at] = True
    if numbered is not None:
        for items in np.unique(numbered[numbered >= 0]).tolist():
            at = np.flatnonzero(numbered == items)
            if keep[at[0]]:
                keep[at] = True
    if lead_ins is not None:
        _keep_introduced_lists(keep, words, lead_ins)
    return keep


# A body line that ends in a colon ("Here's what to know:", "Think about it:") introduces the
# lines under it: up to LIST_MAX_ITEMS lines of up to LIST_ITEM_WORDS words each, between it and
# the next body line, are the article's list (its items, unpunctuated, read as furniture on
# their own).
LIST_MAX_ITEMS = 15
LEAD_IN_WORDS = 3  # a lead-in has at least this many words ("Read more:" is no lead-in)
LIST_ITEM_WORDS = 30


def _keep_introduced_lists(keep: np.ndarray, words: np.ndarray, lead_ins: np.ndarray) -> None:
    """Keep, in place, the lines between a kept lead-in line (`lead_ins`) and the next kept
    line when they are a list's items (see LIST_MAX_ITEMS)."""
    kept = np.flatnonzero(keep)
    for at, after in zip(kept[:-1].tolist(), kept[1:].tolist(), strict=True):
        items = slice(at + 1, after)
        if (
            lead_ins[at]
            and 0 < after - at - 1 <= LIST_MAX_ITEMS
            and (words[items] <= LIST_ITEM_WORDS).all()
        ):
            keep[items] = True


def row_words(feats: Features) -> np.ndarray:
    """Per row, the words of the line."""
    return np.expm1(feats.dense[:, _OWN["log_words"]])


def decide_rows(c: np.ndarray, feats: Features, span: Span | None) -> np.ndarray:
    """`decide` over a page's feature rows, as `classify` decides (the training code calls it
    too, so the span it fits is judged the same way)."""
    words = row_words(feats)
    lead_ins = (feats.dense[:, _OWN["ends_colon"]] > 0) & (words >= LEAD_IN_WORDS)
    return decide(
        c, words, span, feats.siblings, feats.tables, row_gaps(feats), feats.numbered, lead_ins
    )


# A byline, a dateline or another line of the rules' "meta" group between two open lines counts
# this many times in `row_gaps`: below the article's header it is most often another story's
# (a teaser's date, the next article's byline). See bench/train_lines.py SPAN_GAP.
META_GAP_WEIGHT = 2


def row_gaps(feats: Features) -> np.ndarray:
    """Per row, the lines the rules removed between the row before it and it, media lines
    aside (an advert label, a caption or a video player's residue stands inside articles; a
    menu, a share row or a "Related" label between the article and what follows it), meta
    lines counted `META_GAP_WEIGHT` times."""
    removed = np.rint(np.expm1(feats.dense[:, [_GAP_ALL, _GAP_MEDIA, _GAP_META]]))
    return removed[:, 0] - removed[:, 1] + (META_GAP_WEIGHT - 1) * removed[:, 2]


def classify(page: Page, model: LineModel | None = None) -> dict[int, bool]:
    """Open line index -> True when the classifier reads the line as article body."""
    return _classify(page, model)[0]


def _classify(
    page: Page, model: LineModel | None
) -> tuple[dict[int, bool], Features | None, np.ndarray, int | None]:
    """The verdicts of `classify`, the features they were read from (None: not read), the
    context pass's log-odds per feature row and where the comment section starts (None: no
    comments found)."""
    model = model or shipped_model()
    if sum(1 for _ in page.open()) > MAX_LINES:
        return {}, None, np.zeros(0), None
    feats = features(page)
    if not feats.rows:
        return {}, feats, np.zeros(0), None
    c, comments = page_context_scores(feats, page.lines, model)
    keep = decide_rows(c, feats, model.span)
    return dict(zip(feats.rows, keep.tolist(), strict=True)), feats, c, comments


# A comment section is read as one when its heading is followed, within this many lines, by
# the first of at least this many comment headers (see patterns.COMMENTS_HEADING and
# COMMENT_HEADER): three, so a story quoting two people "said:" is not one.
COMMENT_REACH = 12
MIN_COMMENTS = 3
COMMENT_HEADER_MAX_WORDS = 14
# The log-odds the lines from a comment section's heading on get: never body, and each costs
# the body span what the span's floor charges (the span cannot reach across them).
COMMENT_SCORE = -30.0
# When nothing above a comment section reads as body, the lines above are raised until the
# best paragraph among them reads as body by this margin (see `set_comments_apart`).
ABOVE_COMMENTS_LIFT = 1e-3


def page_context_scores(
    feats: Features, lines: list[str], model: LineModel
) -> tuple[np.ndarray, int | None]:
    """Both passes' log-odds per feature row with the comment section set apart, and where it
    starts (`set_comments_apart`): what `classify` decides on (the training code scores pages
    with it too)."""
    return set_comments_apart(context_scores(line_scores(feats, model), model), feats.rows, lines)


def set_comments_apart(
    c: np.ndarray, rows: list[int], lines: list[str]
) -> tuple[np.ndarray, int | None]:
    """The context log-odds with the comment section's rows at COMMENT_SCORE, and the line
    where the section starts (None: no comment section, or no paragraph above it).

    The article stands above its comments. When the classifier reads none of the lines above
    as body (a short post under a long menu), they are all raised by one amount, until the
    best-scored paragraph among them reads as body: the span then takes the article's text
    rather than nothing, and never the comments. With no paragraph above (a heading matched
    high on the page, over the article itself) the section is not set apart.
    """
    start = comment_section(lines)
    if start is None:
        return c, None
    before = np.asarray(rows) < start
    if not (c[before] > 0).any():
        prose = before & np.array([is_prose(lines[r]) for r in rows], dtype=bool)
        if not prose.any():
            return c, None
        c = np.where(before, c - c[prose].max() + ABOVE_COMMENTS_LIFT, c)
    return np.where(before, c, COMMENT_SCORE), start


def comment_section(lines: list[str]) -> int | None:
    """The line index where the comment section under the article starts, or None.

    The comments are prose, often more of it than the article, so the body span alone would
    take them (or take them instead of a short article). The section is told by its heading
    ("167 comments", "6 thoughts on ...") followed closely by comment headers ("Jo says:",
    "2 days ago at 07:52 am").
    """
    for n, line in enumerate(lines):
        if not P.COMMENTS_HEADING.match(line.strip()):
            continue
        near = range(n + 1, min(n + 1 + COMMENT_REACH, len(lines)))
        if not any(_is_comment_header(lines[h]) for h in near):
            continue
        headers = (h for h in range(n + 1, len(lines)) if _is_comment_header(lines[h]))
        if len(list(itertools.islice(headers, MIN_COMMENTS))) == MIN_COMMENTS:
            return n
    return None


def _is_comment_header(line: str) -> bool:
    """A comment's header: the commenter's "says:" line or the comment's date line."""
    line = line.strip()
    return (
        len(line.split()) <= COMMENT_HEADER_MAX_WORDS
        and bool(P.COMMENT_HEADER.match(line))
        and not P.PRONOUN_START.match(line)
    )


# A removed run of at least this many headline-like lines is a list of other stories.
TEASER_RUN = 2
# A short line that is mostly digits, prices or percentages is a price or market box.
PRICE_DIGIT_SHARE = 0.25
PRICE_MAX_WORDS = 12


def mark_by_classifier(page: Page, model: LineModel | None = None) -> None:
    """Remove the lines the rules kept and the classifier reads as furniture, each with a class.

    The model's title part then picks the headline among the lines above the body
    (`headline.pick_title`); the headline and the deck stay (they are the article's title and
    standfirst). When the classifier would keep nothing the rules' verdict stands.
    """
    model = model or shipped_model()
    verdict, feats, c, comments = _classify(page, model)
    body = [i for i, keep in verdict.items() if keep and page.reasons[i] is None]
    if not body or feats is None:
        return
    if model.title is not None:
        pick_title(page, verdict, dict(zip(feats.rows, c.tolist(), strict=True)), model.title)
    protected = set(page.hints.standfirst_lines)
    title = page.hints.title
    removed = [
        i
        for i, keep in verdict.items()
        if not keep and page.reasons[i] is None and i not in protected and page.lines[i] != title
    ]
    shapes = dict(zip(feats.rows, shape_classes(feats), strict=True))
    headline_like = dict(zip(feats.rows, feats.dense[:, _OWN["headline_like"]] > 0, strict=True))
    headline = {i: headline_like[i] for i in removed}
    for i in removed:
        page.mark(i, furniture_class(page, i, shapes[i], headline, body[0], body[-1], comments))


def shape_classes(feats: Features) -> list[str]:
    """Per row, the class its shape alone gives a removed line, read off its features: "embed"
    (markup residue or a social handle), "price_box" (a price, a market move or mostly digits
    in a few words), or "" (neither)."""
    dense = feats.dense
    embed = (dense[:, _OWN["markup"]] > 0) | (dense[:, _OWN["handle"]] > 0)
    money = (dense[:, _OWN["currency"]] > 0) | (dense[:, _OWN["percent"]] > 0)
    digits = dense[:, _OWN["digit_share"]] >= PRICE_DIGIT_SHARE
    price = (money | digits) & (np.rint(row_words(feats)) <= PRICE_MAX_WORDS)
    return np.where(embed, "embed", np.where(price, "price_box", "")).tolist()


def furniture_class(
    page: Page,
    i: int,
    shape: str,
    headline: dict[int, bool],
    first: int,
    last: int,
    comments: int | None = None,
) -> str:
    """The class of a line the classifier removed, from its shape and where it stands.

    `shape` is what its shape alone says (`shape_classes`); `headline` holds, for every line
    the classifier removed, whether it is headline-like; `comments` is where the comment
    section starts (`comment_section`), if there is one.
    """
    line = page.lines[i]
    if P.TIMESTAMP.match(line):
        return "timestamp"
    if shape == "embed" or P.URL_LINE.match(line):
        return "embed"
    if shape:
        return shape
    if headline[i] and _in_headline_run(i, headline):
        return "teaser_list"
    if comments is not None and i >= comments:
        return "comments"
    if i < first:
        return "navigation"
    if i > last:
        return "footer"
    return "boilerplate"


def _in_headline_run(i: int, headline: dict[int, bool]) -> bool:
    """Whether a removed line next to line i (blank lines aside) is headline-like too."""
    near = (headline.get(j, False) for j in (i - 2, i - 1, i + 1, i + 2))
    return sum(near) >= TEASER_RUN - 1
