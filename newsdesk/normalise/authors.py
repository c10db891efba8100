"""Authors: person names from any byline shape, desks and publications left out."""

from __future__ import annotations

import re
from typing import Any

from newsdesk.clean.names import authors_from_byline, proper_case
from newsdesk.clean.text import fold
from newsdesk.normalise.candidates import Sources
from newsdesk.records import Candidate

# A lone name from structured metadata: at most this long.
SINGLE_NAME_MAX_WORDS = 5
SINGLE_NAME_MAX_CHARS = 60
# Credits that name a desk, publication or website rather than a person.
NOT_A_PERSON = re.compile(
    r"\b(?:staff|reports?|editorial|desk|team|newsroom|contributors?|editors|redazione|redaktion"
    r"|r[ée]daction|redacci[óo]n)$|\.(?:com|org|net|co)\b"
    r"|\b(?:times|news|daily|journal|telegra(?:ph|m)|gazette|herald|tribune|post|gear|digest"
    r"|channel|magazine|economist|independent|online|media|network|weekly|today|review|courier"
    r"|observer|chronicle|inquirer|guardian|mirror|express)$"
    r"|^(?:the\s+)?(?:reuters|afp|bloomberg|ap)$",
    re.IGNORECASE,
)


def normalise_authors(value: Any, *, strict: bool = False) -> list[str]:
    """Author names from any byline shape: a string, a list, names with "By", e-mails, roles.

    strict: only person-shaped names (for text scraped from byline elements, which also holds
    job titles and "Follow on Twitter" links); otherwise a lone name such as "Reuters" stays.
    """
    items = value if isinstance(value, list) else [value]
    names: list[str] = []
    for item in items:
        if isinstance(item, dict):
            item = item.get("name")
        if not isinstance(item, str):
            continue
        item = re.sub(r"^\s*By(?=[A-Z])", "", item)  # "ByJane Roe" from glued markup
        found = authors_from_byline(item) or ([] if strict else _single_name(item))
        found = [_undouble(n) for n in found]
        names.extend(n for n in found if n not in names and not _is_not_a_person(n))
    return names


def _single_name(text: str) -> list[str]:
    """A lone one-word or unusual name kept as written (JSON-LD "author": "Reuters")."""
    text = " ".join(text.split()).strip(" ,;|-–—•")
    text = re.sub(r"^(?:written\s+|reported\s+)?by\s+", "", text, flags=re.IGNORECASE)
    if not re.search(r"[^\W\d_]{2}", text) or len(text.split()) > SINGLE_NAME_MAX_WORDS:
        return []
    if 0 < len(text) <= SINGLE_NAME_MAX_CHARS and not re.search(r"[@/\d]|https?:", text):
        return [proper_case(_undouble(text))]
    return []


def _undouble(text: str) -> str:
    """ "Associated Press Associated Press" -> "Associated Press" (a name printed twice)."""
    words = text.split()
    half = len(words) // 2
    if len(words) % 2 == 0 and words[:half] == words[half:]:
        return " ".join(words[:half])
    return text


def _is_not_a_person(name: str) -> bool:
    """A desk, a publication or a website credited as the author ("TMZ Staff", "Top Gear")."""
    return bool(NOT_A_PERSON.search(name))


def choose_authors(sources: Sources, publisher: str | None) -> tuple[list[str], Candidate | None]:
    """Authors from the first source that names any (the publisher's own name left out), and
    the candidate they came from.

    Byline elements across the page also credit teasers and related stories: the first element
    that names a person is the article's byline (read strictly: person-shaped names only).
    """
    folded = fold(publisher or "")
    structured = [
        sources.record.get("authors"),
        sources.meta.get("authors"),
        sources.text.get("authors"),
    ]
    candidates = [(c, False) for c in structured if c is not None]
    candidates += [(c, True) for c in sources.bylines]
    for candidate, strict in candidates:
        names = normalise_authors(candidate.value, strict=strict)
        names = [n for n in names if fold(n) != folded]
        if names:
            return names, candidate
    return [], None
