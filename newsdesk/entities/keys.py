"""Folded keys: the rules that decide when two names are one entity."""

from __future__ import annotations

import re
import unicodedata

# Apostrophes vanish ("Workers' Party" == "Workers Party", "O'Brien" == "OBrien"): they
# join parts of one word, so removing them is safer than splitting.
_APOSTROPHES = re.compile(r"[\u0027\u2018\u2019\u02bc\u0060\u00b4]")
# Everything that is not a letter or digit separates words, hyphens included, so that
# "Kim Jong-un", "Kim Jong Un" and "KIM JONG-UN" fold to the same words.
_SEPARATORS = re.compile(r"[^\w]+|_+")
_LEADING_ARTICLE = re.compile(r"^the\s+")
# A committee named after its parent both ways round: "Standing Committee of the National
# People's Congress" is the "National People's Congress Standing Committee". Only committees:
# for other heads the two orders can name different bodies ("Council of Europe" is not the
# "European Council").
_COMMITTEE_OF = re.compile(r"^((?:\w+ ){0,2}committee) of (?:the )?(.+)$")
# Demonym endings folded in organisation keys only ("Korean" -> "korea", "Russian" ->
# "russia"); applied to person names it would damage given names such as "Brian".
_DEMONYM = re.compile(r"(?<=[a-z]{3})(ea|ia)n$")
# Words skipped when taking the initials of a long name ("Ministry of Foreign Affairs" ->
# "MFA"), as acronyms do in English.
INITIALS_SKIP = frozenset({"of", "the", "and", "for", "in", "on", "to", "a", "an", "&", "de"})


def strip_diacritics(text: str) -> str:
    """Drop combining marks after canonical decomposition ("Pérez" -> "Perez")."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def fold_words(text: str) -> list[str]:
    """The folded words of a name: NFKC, casefold, no diacritics, no punctuation."""
    folded = strip_diacritics(unicodedata.normalize("NFKC", text)).casefold()
    folded = _APOSTROPHES.sub("", folded)
    return [word for word in _SEPARATORS.split(folded) if word]


def fold_key(text: str, kind: str = "person") -> str:
    """The key an entity is stored under; variants of one name give one key.

    Organisation keys also drop a leading "the" and fold demonym endings, so
    "the Korea Central News Agency" and "Korean Central News Agency" share a key.
    """
    words = fold_words(text)
    if kind == "organisation":
        key = _LEADING_ARTICLE.sub("", " ".join(words))
        key = _COMMITTEE_OF.sub(r"\2 \1", key)
        return " ".join(_DEMONYM.sub(r"\1", word) for word in key.split())
    if words and words[0] == "the" and len(words) > 1:
        words = words[1:]
    return " ".join(words)


def initials(text: str) -> str:
    """Upper-case initials of a name's content words ("Korean Central News Agency" -> "KCNA")."""
    words = [w for w in re.split(r"[\s\-]+", text) if w]
    return "".join(
        w[0] for w in words if w.casefold() not in INITIALS_SKIP and w[0].isalnum()
    ).upper()
