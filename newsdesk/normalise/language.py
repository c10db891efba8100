"""The article's language: declared by the record or markup, else guessed from the body."""

from __future__ import annotations

import re

# Language guess: the share of tokens that are the language's commonest function words. 0.2 is
# well below what running prose scores (0.35-0.5 in English news) and well above other
# languages' accidental overlap.
STOPWORDS: dict[str, frozenset[str]] = {
    "en": frozenset(
        [
            "the",
            "of",
            "and",
            "to",
            "in",
            "a",
            "is",
            "that",
            "for",
            "on",
            "with",
            "as",
            "was",
            "by",
            "it",
            "at",
            "from",
            "he",
            "said",
            "are",
            "has",
            "have",
            "be",
        ]
    ),
    "de": frozenset(
        [
            "der",
            "die",
            "das",
            "und",
            "in",
            "den",
            "von",
            "zu",
            "mit",
            "sich",
            "des",
            "ist",
            "im",
            "dem",
            "nicht",
            "ein",
            "eine",
            "auf",
            "für",
        ]
    ),
    "fr": frozenset(
        [
            "le",
            "la",
            "les",
            "de",
            "des",
            "et",
            "en",
            "un",
            "une",
            "du",
            "est",
            "que",
            "pour",
            "dans",
            "qui",
            "sur",
            "au",
            "par",
            "pas",
        ]
    ),
    "es": frozenset(
        [
            "el",
            "la",
            "de",
            "que",
            "y",
            "en",
            "los",
            "del",
            "las",
            "un",
            "por",
            "con",
            "una",
            "para",
            "es",
            "se",
            "al",
            "como",
        ]
    ),
    "it": frozenset(
        [
            "il",
            "di",
            "che",
            "la",
            "e",
            "in",
            "un",
            "per",
            "del",
            "della",
            "con",
            "non",
            "una",
            "sono",
            "alla",
            "dei",
            "le",
            "da",
        ]
    ),
    "pt": frozenset(
        [
            "o",
            "a",
            "de",
            "que",
            "e",
            "do",
            "da",
            "em",
            "um",
            "para",
            "com",
            "não",
            "uma",
            "os",
            "no",
            "se",
            "na",
            "por",
        ]
    ),
    "nl": frozenset(
        [
            "de",
            "het",
            "een",
            "en",
            "van",
            "in",
            "is",
            "dat",
            "op",
            "te",
            "zijn",
            "met",
            "voor",
            "niet",
            "aan",
            "er",
        ]
    ),
}
LANGUAGE_MIN_SHARE = 0.2
LANGUAGE_MIN_TOKENS = 20
SCRIPTS = (
    ("ko", re.compile(r"[\uac00-\ud7af]")),
    ("ja", re.compile(r"[\u3040-\u30ff]")),
    ("zh", re.compile(r"[\u4e00-\u9fff]")),
    ("ru", re.compile(r"[\u0400-\u04ff]")),
    ("ar", re.compile(r"[\u0600-\u06ff]")),
)
# A script must cover this share of letters to decide the language on its own.
SCRIPT_MIN_SHARE = 0.3
_TOKEN = re.compile(r"[^\W\d_]+")
_ISO_LANGUAGE = re.compile(r"^([a-zA-Z]{2,3})(?:[-_][A-Za-z0-9]+)*$")


def language(declared: str | None, body: str) -> str | None:
    """An ISO 639-1 code: the declared one when it is shaped like one, else a guess."""
    if declared:
        match = _ISO_LANGUAGE.match(declared)
        if match:
            return match.group(1).lower()
    return guess_language(body)


def guess_language(text: str) -> str | None:
    """A cheap guess: dominant non-Latin script, else the best stopword share (or None)."""
    letters = [ch for ch in text[:5000] if ch.isalpha()]
    if not letters:
        return None
    sample = "".join(letters)
    for code, script in SCRIPTS:
        if len(script.findall(sample)) / len(sample) >= SCRIPT_MIN_SHARE:
            return code
    tokens = [t.lower() for t in _TOKEN.findall(text[:5000])]
    if len(tokens) < LANGUAGE_MIN_TOKENS:
        return None
    share = {
        code: sum(t in words for t in tokens) / len(tokens) for code, words in STOPWORDS.items()
    }
    best = max(share, key=lambda code: share[code])
    return best if share[best] >= LANGUAGE_MIN_SHARE else None
