"""Learned boilerplate, applied so that what an article keeps depends on the learned set only.

A line is learned from the body lines articles keep *without* learned boilerplate
(`learnable_lines`), and each article is cleaned with exactly the learned lines its body holds
that way (`held`): so the learned set is a function of which articles are loaded, and each
article's cleaning a function of its own text and that set, whatever order or runs the
articles came in. The loader stores the learnable lines (`article_lines`); `newsdesk.learn`
counts them and rebuilds the articles a change of the learned set concerns.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache

from newsdesk.clean.text import fold

# Boilerplate lines are short; a long paragraph that recurs is wire copy, not furniture.
LEARN_MAX_WORDS = 25


def learnable_lines(body: str) -> tuple[tuple[str, str], ...]:
    """(folded line, line as first written) for each body line of at most LEARN_MAX_WORDS
    words, sorted by the folded line, each once: what learning counts."""
    found: dict[str, str] = {}
    for line in body.split("\n"):
        key = fold(line)
        if key and len(key.split()) <= LEARN_MAX_WORDS:
            found.setdefault(key, line.strip())
    return tuple(sorted(found.items()))


def held(learned: frozenset[str], lines: Iterable[tuple[str, str]]) -> frozenset[str]:
    """The learned lines (folded or not) among an article's learnable lines, folded."""
    return _folded(learned) & frozenset(key for key, _ in lines)


@lru_cache(maxsize=4)
def _folded(learned: frozenset[str]) -> frozenset[str]:
    """The learned lines folded, once per learned set (a run uses one set for every page)."""
    return frozenset(fold(line) for line in learned)
