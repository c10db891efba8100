"""Across articles: expand short names an article never expands, using names already known."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace

from newsdesk.entities.keys import fold_key, initials
from newsdesk.entities.resolve import acronym_of
from newsdesk.records import Mention


def resolve_with_known(
    mentions: Sequence[Mention],
    known_full_names: Mapping[str, str],
    known_organisations: Mapping[str, str] | None = None,
) -> list[Mention]:
    """One article's mentions with unexpanded short names resolved against known entities.

    `known_full_names` maps person keys to display names (e.g. the people the database holds
    for the same story or period). A person mention still named by its one-word surface
    ("Choe") takes the known full name whose words include it, when exactly one does and the
    article holds no fitting full name of its own (then it was left short on purpose, as
    ambiguous). `known_organisations` does the same for unexpanded acronyms ("KCNA"), matched
    on the initials of known organisation names. Everything else is returned unchanged.
    """
    people = _expansions(mentions, "person", known_full_names)
    orgs = _expansions(mentions, "organisation", known_organisations or {})
    expansions = {**people, **orgs}
    return [_expanded(m, expansions.get((m.kind, m.key))) for m in mentions]


def _fits(kind: str, short: str, key: str, name: str) -> bool:
    """A one-word person key fits a longer key containing the word; an acronym fits initials."""
    if kind == "organisation":
        return initials(name).casefold() == short
    words = key.split()
    return short in words and len(words) > 1


def _expansions(
    mentions: Sequence[Mention], kind: str, known: Mapping[str, str]
) -> dict[tuple[str, str], tuple[str, str]]:
    """(kind, short key) -> (known key, name) for short keys with exactly one fitting entity."""
    shorts = {m.key for m in mentions if m.kind == kind and _is_short(m)}
    own = {(m.key, m.name) for m in mentions if m.kind == kind and not _is_short(m)}
    out: dict[tuple[str, str], tuple[str, str]] = {}
    for short in shorts:
        if any(_fits(kind, short, key, name) for key, name in own):
            continue
        matches = {key for key, name in known.items() if _fits(kind, short, key, name)}
        if len(matches) == 1:
            key = matches.pop()
            out[(kind, short)] = (key, known[key])
    return out


def _is_short(mention: Mention) -> bool:
    """A mention still named by a one-word surface: an unexpanded surname or acronym."""
    one_word = len(mention.key.split()) == 1 and fold_key(mention.surface) == mention.key
    if mention.kind == "organisation":
        return one_word and acronym_of(mention.surface) is not None
    return one_word


def _expanded(mention: Mention, expansion: tuple[str, str] | None) -> Mention:
    """The mention renamed to a known entity, or unchanged."""
    if expansion is None:
        return mention
    key, name = expansion
    acronym = mention.surface if mention.kind == "organisation" else mention.acronym
    return replace(mention, key=key, name=name, acronym=acronym)
