"""Lone name words the model missed, found again from names other articles gave in full.

spaCy's small model tags "Zhao" in one sentence and misses "Choe" in the next; when no
article of the corpus spells "Choe" out in full, the within-article echo (spans.echoes) has
nothing to match. Across the corpus, "Choe Ryong-hae" may be known: then a lone, capitalised
"Choe" in running text is a candidate mention. This module only finds the candidates (pure
text, no model); `newsdesk.learn` stores them and keeps those the story resolves.

The rules are conservative, because a surname can also be a word ("Sun", "May", "Will"):
the token must be the whole word (not part of a hyphenated or longer capitalised run), not
start a sentence or line, not follow a determiner, never appear in lower case in the same
article, and lie in a sentence another mention of the article already lies in (the sentence
is what resolution joins on; a name with no sentence partner could not be resolved anyway).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from newsdesk.entities.spans import DETERMINERS, is_capitalised
from newsdesk.records import Field

# A run of letters: the unit a name word is compared on ("Choe" in "Choe’s").
_LETTERS = re.compile(r"[^\W\d_]+")
# Characters that glue a word to the next one into a compound ("Choe-led", "O'Neill").
_GLUE = frozenset("-‐–'’")


@dataclass(frozen=True)
class Echo:
    """A lone occurrence of a known name word in one field of one article."""

    field: Field
    start: int
    end: int
    surface: str
    sentence: str


@dataclass(frozen=True)
class Taken:
    """A mention the article already has: its span and the sentence it was found in."""

    field: Field
    start: int
    end: int
    sentence: str


def find_echoes(texts: Mapping[Field, str], taken: Sequence[Taken], words: set[str]) -> list[Echo]:
    """Untagged lone occurrences of `words` in an article's fields (see the module doc)."""
    if not words:
        return []
    lower = {w.casefold() for text in texts.values() for w in _LETTERS.findall(text) if w.islower()}
    out = []
    for field, text in texts.items():
        spans = [t for t in taken if t.field == field]
        for match in _LETTERS.finditer(text):
            word, start, end = match.group(), match.start(), match.end()
            if word not in words or word.casefold() in lower:
                continue
            if any(t.start < end and start < t.end for t in spans):
                continue
            if not _stands_alone(text, start, end):
                continue
            sentence = _sentence_around(text, start, end, spans)
            if sentence is not None:
                out.append(Echo(field, start, end, word, sentence))
    return out


def _stands_alone(text: str, start: int, end: int) -> bool:
    """Not glued to a neighbour, not after a capitalised word or determiner, not first."""
    before, after = text[:start], text[end:]
    if before[-1:] in _GLUE or (after[:1] in _GLUE and not _possessive(after)):
        return False
    stripped = before.rstrip(" \t\u00a0")
    if stripped == before or not stripped:
        return False  # first word of the text or of a line, or glued to what precedes
    if stripped[-1] != ",":  # a list ("Zhao, Choe and Kim") is fine; other punctuation not
        previous = _LETTERS.findall(stripped[-40:])
        if not previous or not stripped.endswith(previous[-1]):
            return False  # after a full stop, quote, colon or bracket: may start a sentence
        if is_capitalised(previous[-1]) or previous[-1].casefold() in DETERMINERS:
            return False  # "Leader Choe", "the Choe": part of a longer name, or a thing
    following = re.match(r"[ \t\u00a0]+([^\W\d_]+)", after)
    return not (following and is_capitalised(following.group(1)))


def _possessive(after: str) -> bool:
    return re.match(r"['’]s\b", after) is not None


def _sentence_around(text: str, start: int, end: int, spans: Sequence[Taken]) -> str | None:
    """The sentence of another mention that contains [start, end), if any."""
    for t in spans:
        at = text.find(t.sentence)
        while at != -1:
            if at <= start and end <= at + len(t.sentence):
                return t.sentence
            at = text.find(t.sentence, at + 1)
    return None
