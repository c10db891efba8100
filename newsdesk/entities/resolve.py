"""Within one article: short names to full names, acronyms to long forms, one key per entity."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import replace

from newsdesk.entities.keys import fold_key, fold_words, initials
from newsdesk.entities.rules import RULES, Rules
from newsdesk.entities.spans import Candidate
from newsdesk.records import EntityKind, Field, Mention

# An acronym: one word of 2-10 upper-case letters (digits, "&" and dots allowed after the
# first letter), e.g. "KCNA", "U.N.", "G7"; at least two letters so "A" or "I" never qualify.
_ACRONYM = re.compile(r"[A-Z](?:[A-Z0-9&]|\.(?=[A-Z]))+\.?")
# A lower-case word, for telling capitalised common nouns from names.
_LOWER_WORD = re.compile(r"(?<![\w'’-])[a-z]+(?![\w'’-])")
# A parenthesised acronym right after a long name defines it: "Korean Central News Agency (KCNA)".
_DEFINITION = re.compile(r"\s*[(\[]\s*([A-Z][A-Za-z0-9.&]{1,11})\s*[)\]]")


def acronym_of(surface: str) -> str | None:
    """The acronym (dots removed) when the surface is one, else None."""
    if not _ACRONYM.fullmatch(surface):
        return None
    letters = surface.replace(".", "")
    return letters if sum(ch.isalpha() for ch in letters) >= 2 else None


def well_formed(surface: str) -> bool:
    """A display-worthy variant: mixed case (not a shouted headline or lower-case text)."""
    return any(ch.isupper() for ch in surface) and any(ch.islower() for ch in surface)


def best_display(surfaces: Sequence[str]) -> str:
    """The longest well-formed variant, earliest on ties; any variant when none is well-formed."""
    ranked = sorted(
        enumerate(surfaces),
        key=lambda item: (not well_formed(item[1]), -len(item[1].split()), -len(item[1]), item[0]),
    )
    return ranked[0][1]


def sentence_id(candidate: Candidate) -> tuple[Field, str]:
    """Identifies the sentence a candidate sits in."""
    return (candidate.field, candidate.sentence)


def word_set(candidate: Candidate) -> frozenset[str]:
    """The folded words of a candidate's surface, as a set."""
    return frozenset(fold_words(candidate.surface))


def person_targets(people: Sequence[Candidate]) -> list[int]:
    """For each person, the index of the full name it resolves to (itself when none fits)."""
    sets = [word_set(c) for c in people]
    full = [not any(s < other for other in sets) for s in sets]
    targets = []
    for index, words in enumerate(sets):
        fits = [j for j, other in enumerate(sets) if full[j] and words < other]
        targets.append(index if full[index] else _pick_full_name(people, index, fits))
    return targets


def _pick_full_name(people: Sequence[Candidate], index: int, fits: list[int]) -> int:
    """The most recent fitting full name before `index`, else the first after.

    When the chosen name shares its sentence with another fitting full name ("Kim Jong-un
    hosted Kim Yo-jong"), the one mentioned more often so far wins; a tie is ambiguous and the
    short name stays unresolved.
    """
    before = [j for j in fits if j < index]
    after = [j for j in fits if j > index]
    if not before and not after:
        return index
    chosen = before[-1] if before else after[0]
    same_sentence = [j for j in fits if sentence_id(people[j]) == sentence_id(people[chosen])]
    rivals = {fold_key(people[j].surface) for j in same_sentence}
    if len(rivals) == 1:
        return chosen
    seen = before or fits
    counts = Counter(
        fold_key(people[j].surface) for j in seen if fold_key(people[j].surface) in rivals
    )
    ranked = counts.most_common(2)
    if len(ranked) > 1 and ranked[0][1] == ranked[1][1]:
        return index
    return max(j for j in seen if fold_key(people[j].surface) == ranked[0][0])


def resolve_people(people: Sequence[Candidate], short_names: bool = True) -> list[tuple[str, str]]:
    """(display name, key) for each person candidate, in order."""
    targets = person_targets(people) if short_names else range(len(people))
    keys = [fold_key(people[t].surface) for t in targets]
    variants: dict[str, list[str]] = {}
    for c in people:
        variants.setdefault(fold_key(c.surface), []).append(c.surface)
    return [(best_display(variants[key]), key) for key in keys]


def acronym_definitions(orgs: Sequence[Candidate], texts: Mapping[Field, str]) -> dict[str, str]:
    """Acronyms defined in parentheses right after a long name: {"KCNA": "Korean Central ..."}."""
    defined: dict[str, str] = {}
    for org in orgs:
        if acronym_of(org.surface):
            continue
        match = _DEFINITION.match(texts.get(org.field, ""), org.end)
        acronym = acronym_of(match.group(1)) if match else None
        if acronym and acronym[0] == initials(org.surface)[:1]:
            defined.setdefault(acronym, org.canonical or org.surface)
    return defined


def _expand_acronym(
    orgs: Sequence[Candidate], index: int, defined: Mapping[str, str]
) -> str | None:
    """The long form an acronym stands for in this article, if one is known."""
    acronym = acronym_of(orgs[index].surface)
    if acronym is None:
        return None
    if acronym in defined:
        return defined[acronym]
    if orgs[index].canonical:
        return orgs[index].canonical
    longs = [
        j
        for j, c in enumerate(orgs)
        if not acronym_of(c.surface) and initials(c.surface) == acronym
    ]
    before = [j for j in longs if j < index]
    if longs:
        return orgs[before[-1] if before else longs[0]].surface
    return None


def resolve_organisations(
    orgs: Sequence[Candidate], texts: Mapping[Field, str], acronyms: bool = True
) -> list[tuple[str, str, str | None]]:
    """(display name, key, acronym) for each organisation candidate, in order."""
    defined = acronym_definitions(orgs, texts) if acronyms else {}
    expanded = [
        _expand_acronym(orgs, index, defined) if acronyms else None for index in range(len(orgs))
    ]
    names = [long or org.canonical or org.surface for org, long in zip(orgs, expanded, strict=True)]
    groups = group_variants(names)
    found = _group_acronyms(orgs, expanded, names, groups, defined)
    by_group: dict[int, list[str]] = {}
    for group, name in zip(groups, names, strict=True):
        by_group.setdefault(group, []).append(name)
    display = {group: best_display(variants) for group, variants in by_group.items()}
    return [
        (
            display[g],
            fold_key(display[g], "organisation"),
            found.get(g) or acronym_of(display[g]),
        )
        for g in groups
    ]


def _group_acronyms(
    orgs: Sequence[Candidate],
    expanded: Sequence[str | None],
    names: Sequence[str],
    groups: Sequence[int],
    defined: Mapping[str, str],
) -> dict[int, str]:
    """The acronym each organisation group is known by in the article (first seen wins)."""
    found: dict[int, str] = {}
    for org, long, group in zip(orgs, expanded, groups, strict=True):
        acronym = acronym_of(org.surface) if long else None
        if acronym:
            found.setdefault(group, acronym)
    for acronym, long_form in defined.items():
        if long_form in names:
            found.setdefault(groups[names.index(long_form)], acronym)
    return found


def group_variants(names: Sequence[str]) -> list[int]:
    """Group numbers for names: one per organisation key (first seen numbers first).

    (Joining names whose words were merely similar, with the same initials, changed nothing
    on the dev sets but one document of gum-news, for the worse: removed.)
    """
    numbers: dict[str, int] = {}
    groups = [numbers.setdefault(fold_key(name, "organisation"), len(numbers)) for name in names]
    return groups


def reconcile_kinds(found: Sequence[Candidate]) -> list[Candidate]:
    """Fix spaCy's kind where the article settles it.

    A one-word name that is part of a person's full name in the same article is that person
    ("Wang" after "Wang Huning"), unless it is tagged an organisation more often than it is
    tagged a person or seen inside such names ("Polaroid" beside one "Warhol Polaroid").
    Otherwise the same name tagged both ways takes its majority kind (ties keep each tag), and
    a one-word all-capitals person matching the initials of an organisation in the article is
    that organisation.
    """
    votes = Counter((fold_key(c.surface), c.kind) for c in found)
    person_sets = [word_set(c) for c in found if c.kind == "person" and len(c.words) > 1]
    org_initials = {initials(c.surface) for c in found if c.kind == "organisation"}
    fixed = []
    for c in found:
        key = fold_key(c.surface)
        other: EntityKind = "organisation" if c.kind == "person" else "person"
        in_names = _in_person_names(c, person_sets)
        person_evidence = in_names + votes[(key, "person")]
        name_part = in_names > 0 and person_evidence >= votes[(key, "organisation")]
        if name_part:
            c = replace(c, kind="person")
        elif votes[(key, other)] > votes[(key, c.kind)]:
            c = replace(c, kind=other)
        elif c.kind == "person" and (acronym_of(c.surface) or "-") in org_initials:
            c = replace(c, kind="organisation")
        fixed.append(c)
    return fixed


def _in_person_names(candidate: Candidate, person_sets: Sequence[frozenset[str]]) -> int:
    """How many multi-word person mentions contain this one-word name (not from the ruler)."""
    if len(candidate.words) != 1 or candidate.canonical:
        return 0
    words = word_set(candidate)
    return sum(1 for s in person_sets if words < s)


def common_words(texts: Mapping[Field, str]) -> set[str]:
    """Words written in lower case somewhere in the article."""
    return {w for text in texts.values() for w in _LOWER_WORD.findall(text)}


def is_common_noun(mention: Mention, common: set[str]) -> bool:
    """An unresolved one-word name that the article also writes in lower case ("Water")."""
    return (
        mention.name == mention.surface
        and len(mention.surface.split()) == 1
        and acronym_of(mention.surface) is None
        and mention.surface.casefold() in common
    )


def is_common_phrase(candidate: Candidate, common: set[str]) -> bool:
    """A multi-word "person" whose every word the article also writes in lower case.

    "Space Shuttle" or "Art Gallery" tagged PERSON are capitalised common nouns, not names.
    """
    words = candidate.words
    return (
        candidate.kind == "person" and len(words) > 1 and all(w.casefold() in common for w in words)
    )


def resolve(
    found: Sequence[Candidate], texts: Mapping[Field, str], rules: Rules = RULES
) -> list[Mention]:
    """Mentions for one article's candidates (in article order), resolved within the article."""
    if not rules.kinds:
        found = reconcile_kinds(found)
    people = [c for c in found if c.kind == "person"]
    orgs = [c for c in found if c.kind == "organisation"]
    person_names = iter(resolve_people(people, rules.short_names))
    org_names = iter(resolve_organisations(orgs, texts, rules.acronyms))
    mentions = []
    for c in found:
        if c.kind == "person":
            name, key = next(person_names)
            acronym = None
        else:
            name, key, acronym = next(org_names)
        mentions.append(
            Mention(c.kind, name, key, c.surface, c.field, c.start, c.end, c.sentence, acronym)
        )
    if not rules.common_nouns:
        return mentions
    common = common_words(texts)
    return [m for m in mentions if not is_common_noun(m, common)]
