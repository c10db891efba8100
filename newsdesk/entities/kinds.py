"""The kind of each name an article mentions, from evidence: person, organisation or neither.

Mentions are grouped first (one folded name; a short name into the one full name holding its
words; an acronym into the one long form it abbreviates), so the kind is decided once per
group, whatever the model tagged each mention: "Wrobel" and "Tomasz Wrobel" are one person
even when the model called the full name an organisation. The evidence is features of each
mention, averaged over its group: its words (given names, organisation designators, places,
shape, endings), the words around it (titles and roles before, "said", a pronoun after, a
comma and a role), and the model's label. A multinomial logistic regression weighs them
(`KindModel`, weights in kinds.json); `bench/kinds.py` refits it on the dev sets and prints
its figures held out by document. Handles ("@POTUS") are never a person or an organisation,
and names from the EntityRuler's patterns are organisations.
"""

from __future__ import annotations

import json
import re
import zlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from newsdesk.entities.keys import fold_key, fold_words, initials
from newsdesk.entities.rules import RULES, Rules
from newsdesk.entities.spans import (
    COUNTRIES,
    DEMONYMS,
    DETERMINERS,
    MAX_PERSON_WORDS,
    NAME_PARTICLES,
    ORG_HEADS,
    Candidate,
    bare,
    is_capitalised,
    is_title,
    read_words,
    retrimmed,
)
from newsdesk.records import EntityKind, Field

KIND_MODEL_PATH = Path(__file__).with_name("kinds.json")
CLASSES: tuple[str, ...] = ("person", "organisation", "neither")
# Hashed feature space: 2**14 slots keep collisions rare for the ~4,000 features the dev sets
# produce, and the stored weights small.
DIM = 1 << 14
# Given names (a first word found here is evidence of a person), organisation designators and
# person nouns (roles, occupations, relations), written by the team: words/*.txt.
GIVEN_NAMES = read_words("given_names")
ORG_WORDS = read_words("org_words") | ORG_HEADS
PERSON_NOUNS = read_words("person_nouns")
PLACE_WORDS = read_words("place_words")
ORG_NOUNS = read_words("org_nouns")
# Words read after a name and a comma for the head of an apposition ("X, the bakery chain").
APPOSITION_WORDS = 5
# Pronouns that refer back to a person or to a thing, first one after the name in its sentence.
PERSON_PRONOUNS = frozenset({"he", "she", "his", "her", "him", "himself", "herself"})
THING_PRONOUNS = frozenset({"it", "its", "itself"})
# Connectors that sit inside organisation names, never inside a person's.
ORG_CONNECTORS = frozenset({"of", "for", "and", "&", "the", "on", "in", "at"})
_WORD = re.compile(r"[^\W\d_]+(?:['’.-][^\W\d_]+)*\.?|\d+|[^\w\s]")
_INTERCAP = re.compile(r"[a-z][A-Z]")
_INITIAL = re.compile(r"(?:[A-Z]\.)+")
_HANDLE = re.compile(r"^[@#]\w")
_DOMAIN = re.compile(r"\w\.(?:com|org|net|gov|edu|co|io)\b", re.IGNORECASE)
# Characters of context read on each side of a mention (a few words).
WINDOW = 60


def hashed(name: str) -> int:
    """The slot of a named feature."""
    return zlib.crc32(name.encode("utf-8")) & (DIM - 1)


def _context_word(word: str) -> str:
    """A context word as a feature value: lower-case words as written, else their shape."""
    if word.isdigit():
        return "NUM"
    if word[:1].isupper():
        return "CAP"
    return word.casefold().rstrip(".") or word


def _words_before(text: str, start: int) -> list[str]:
    """Up to three words before `start` on its line, nearest last."""
    line_start = text.rfind("\n", 0, start) + 1
    return _WORD.findall(text[max(line_start, start - WINDOW) : start])[-3:]


def _words_after(text: str, end: int) -> list[str]:
    """Up to three words after `end` on its line."""
    line_end = text.find("\n", end)
    return _WORD.findall(text[end : min(end + WINDOW, line_end if line_end >= 0 else len(text))])[
        :3
    ]


def _pronoun_after(sentence: str, surface: str) -> str | None:
    """The first person or thing pronoun after the name in its sentence, as a class."""
    at = sentence.find(surface)
    rest = sentence[at + len(surface) :] if at >= 0 else ""
    for word in _WORD.findall(rest):
        folded = word.casefold()
        if folded in PERSON_PRONOUNS:
            return "person"
        if folded in THING_PRONOUNS:
            return "thing"
    return None


def word_features(surface: str, rules: Rules) -> list[str]:
    """Features of the name's own words: lexicons, shape, endings."""
    words = surface.split()
    folded = [bare(w) for w in words]
    out = [f"nwords={min(len(words), 4)}"]
    if rules.given_names and folded and folded[0] in GIVEN_NAMES:
        out.append("given_first")
    if rules.designators:
        out += ["org_last"] if folded and folded[-1] in ORG_WORDS else []
        out += ["org_inside"] if any(f in ORG_WORDS for f in folded[:-1]) else []
        out += ["connector"] if any(f in ORG_CONNECTORS for f in folded[1:-1]) else []
        out += ["particle"] if any(f in NAME_PARTICLES for f in folded[1:-1]) else []
    if rules.places:
        out += ["country"] if " ".join(fold_words(surface)) in COUNTRIES else []
        out += ["demonym"] if any(f in DEMONYMS for f in folded) else []
        out += ["place_last"] if len(folded) > 1 and folded[-1] in PLACE_WORDS else []
        out += ["place_first"] if len(folded) > 1 and folded[0] in PLACE_WORDS else []
    if rules.shape:
        out += _shape(surface, words)
    if rules.suffixes and folded:
        out += [f"suffix3={folded[-1][-3:]}", f"suffix2={folded[-1][-2:]}"]
    return out


def _shape(surface: str, words: Sequence[str]) -> list[str]:
    """Shape features: capitals, digits, initials, hyphens, inner capitals, domains."""
    letters = [ch for ch in surface if ch.isalpha()]
    flags = {
        "allcaps": len(letters) > 1 and all(ch.isupper() for ch in letters),
        "digit": any(ch.isdigit() for ch in surface),
        "initial": any(_INITIAL.fullmatch(w) for w in words),
        "hyphen": "-" in surface,
        "intercap": any(_INTERCAP.search(w) for w in words),
        "domain": bool(_DOMAIN.search(surface)),
        "lower_word": any(w[:1].isalpha() and not is_capitalised(w) for w in words),
    }
    return [name for name, on in flags.items() if on]


def context_features(candidate: Candidate, text: str, rules: Rules) -> list[str]:
    """Features of the words around the mention: titles, roles, verbs, pronouns."""
    before = _words_before(text, candidate.start)
    after = _words_after(text, candidate.end)
    out: list[str] = []
    if rules.context:
        out += [f"before1={_context_word(w)}" for w in before[-1:]] or ["before1=START"]
        out += [f"before2={_context_word(w)}" for w in before[-2:-1]]
        out += [f"after1={_context_word(w)}" for w in after[:1]] or ["after1=END"]
        out += [f"after2={_context_word(w)}" for w in after[1:2]]
        out += ["determiner_before"] if before and before[-1].casefold() in DETERMINERS else []
    if rules.titles:
        out += _title_features(before, after) + _apposition(text, candidate.end)
    if rules.pronouns:
        pronoun = _pronoun_after(candidate.sentence, candidate.surface)
        out += [f"pronoun_after={pronoun}"] if pronoun else []
    return out


def _title_features(before: Sequence[str], after: Sequence[str]) -> list[str]:
    """A title or person noun before the name (or before a comma before it), or a role after."""
    out = []
    last = before[-1] if before else ""
    if last and (is_title(last) or bare(last) in PERSON_NOUNS):
        out.append("title_before")
    if last == "," and len(before) > 1 and bare(before[-2]) in PERSON_NOUNS:
        out.append("role_comma_before")  # "its director, Nadia Farouk"
    if after and bare(after[0]) in PERSON_NOUNS | {"chief", "managing", "vice"}:
        out.append("role_after")  # "Dunmore chairman Robert Achterberg": the employer
    if len(after) > 1 and after[0] == "," and bare(after[1]) in PERSON_NOUNS:
        out.append("role_comma_after")
    if last and bare(last) in ORG_NOUNS:
        out.append("org_noun_before")  # "the operator Bluewater Marine"
    return out


def _apposition(text: str, end: int) -> list[str]:
    """What heads a phrase after the name and a comma: a person noun or an organisation noun."""
    words = _WORD.findall(text[end : end + 2 * WINDOW])[: APPOSITION_WORDS + 1]
    if not words or words[0] != ",":
        return []
    for word in words[1:]:
        if not word[:1].isalpha():
            break
        if bare(word) in ORG_NOUNS:
            return ["org_apposition"]
        if bare(word) in PERSON_NOUNS:
            return ["person_apposition"]
    return []


def mention_features(
    candidate: Candidate, text: str, places: frozenset[str], rules: Rules = RULES
) -> list[str]:
    """Every named feature of one mention."""
    out = ["bias", *word_features(candidate.surface, rules)]
    out += ["in_title"] if candidate.field == "title" else []
    out += context_features(candidate, text, rules)
    if rules.labels:
        out.append(f"label={candidate.label or 'ECHO'}")
    if rules.places and fold_key(candidate.surface) in places:
        out.append("place_name")  # the model calls the same name a place in this article
    return out


class Groups:
    """Union-find over candidate indices."""

    def __init__(self, size: int) -> None:
        self.parent = list(range(size))

    def find(self, index: int) -> int:
        """The representative of an index's group."""
        while self.parent[index] != index:
            self.parent[index] = self.parent[self.parent[index]]
            index = self.parent[index]
        return index

    def join(self, left: int, right: int) -> None:
        """Put two indices in one group."""
        self.parent[self.find(left)] = self.find(right)


def group_candidates(found: Sequence[Candidate], rules: Rules = RULES) -> list[int]:
    """A group number per candidate: one name, a short name in one full name, an acronym."""
    keys = [fold_key(c.surface) for c in found]
    groups = Groups(len(found))
    first: dict[str, int] = {}
    for index, key in enumerate(keys):
        groups.join(index, first.setdefault(key, index))
    if rules.groups:
        for short, full in _containment_links(found, keys) + _acronym_links(found, keys):
            groups.join(first[short], first[full])
    return [groups.find(i) for i in range(len(found))]


def _containment_links(found: Sequence[Candidate], keys: Sequence[str]) -> list[tuple[str, str]]:
    """(short key, full key) where the short name's words lie in exactly one longer name.

    The longer name must read as a person's (no organisation designator or connector), so
    "Warhol" joins "Andy Warhol" and not the "Andy Warhol Museum".
    """
    word_sets = {key: frozenset(key.split()) for key in keys}
    fulls = [
        key
        for key in word_sets
        if 1 < len(word_sets[key]) <= MAX_PERSON_WORDS
        and not any(w in ORG_WORDS or w in ORG_CONNECTORS for w in key.split())
    ]
    links = []
    for key, words in word_sets.items():
        if acronym_like(key, found, keys):
            continue
        containers = [full for full in fulls if words < word_sets[full]]
        if len(containers) == 1:
            links.append((key, containers[0]))
    return links


def acronym_like(key: str, found: Sequence[Candidate], keys: Sequence[str]) -> bool:
    """Whether every mention of the key is written in capitals (an acronym or a headline)."""
    return all(
        sum(ch.isupper() for ch in c.surface) > 1 and c.surface.upper() == c.surface
        for c, k in zip(found, keys, strict=True)
        if k == key
    )


def _acronym_links(found: Sequence[Candidate], keys: Sequence[str]) -> list[tuple[str, str]]:
    """(acronym key, long key) where an acronym's letters are the initials of one long name."""
    longs: dict[str, set[str]] = {}
    for c, key in zip(found, keys, strict=True):
        letters = initials(c.surface)
        if len(c.words) > 1 and len(letters) > 1:
            longs.setdefault(letters, set()).add(key)
    links = []
    for c, key in zip(found, keys, strict=True):
        word = c.surface.replace(".", "")
        if len(c.words) == 1 and len(word) > 1 and word.isupper() and len(longs.get(word, ())) == 1:
            links.append((key, next(iter(longs[word]))))
    return links


def group_features(
    found: Sequence[Candidate],
    groups: Sequence[int],
    texts: Mapping[Field, str],
    places: frozenset[str],
    rules: Rules = RULES,
) -> dict[int, dict[int, float]]:
    """Per group, its members' hashed features averaged, with the group's size and shape."""
    sums: dict[int, dict[int, float]] = {}
    sizes: dict[int, int] = {}
    keys: dict[int, set[str]] = {}
    for c, group in zip(found, groups, strict=True):
        row = sums.setdefault(group, {})
        for name in mention_features(c, texts.get(c.field, ""), places, rules):
            slot = hashed(name)
            row[slot] = row.get(slot, 0.0) + 1.0
        sizes[group] = sizes.get(group, 0) + 1
        keys.setdefault(group, set()).add(fold_key(c.surface))
    out = {}
    for group, row in sums.items():
        averaged = {slot: value / sizes[group] for slot, value in row.items()}
        for name in _size_features(sizes[group], keys[group]):
            averaged[hashed(name)] = 1.0
        out[group] = averaged
    return out


def _size_features(size: int, keys: Iterable[str]) -> list[str]:
    """How often the group is mentioned, and whether it holds a short and a full name."""
    lengths = {len(k.split()) for k in keys}
    out = [f"mentions={min(size, 4)}", "bias_group"]
    if len(lengths) > 1:
        out.append("short_and_full")
    return out


@dataclass(frozen=True)
class KindModel:
    """Weights of a multinomial logistic regression over hashed features."""

    weights: np.ndarray  # (DIM, len(CLASSES))

    def probabilities(self, features: Mapping[int, float]) -> np.ndarray:
        """P(person), P(organisation), P(neither) for one group's features."""
        slots = np.fromiter(features.keys(), dtype=np.int64, count=len(features))
        values = np.fromiter(features.values(), dtype=np.float64, count=len(features))
        scores = values @ self.weights[slots]
        scores = np.exp(scores - scores.max())
        return scores / scores.sum()

    def kind(self, features: Mapping[int, float]) -> str:
        """The most probable class (weighing "neither" down by 1.5, 2 or 3 kept more names
        and lowered the held-out entity sets on all three dev sets)."""
        return CLASSES[int(np.argmax(self.probabilities(features)))]

    def save(self, path: Path, provenance: Mapping[str, object]) -> None:
        """Write the non-zero weights (4 decimals) and where they came from, as JSON."""
        head = {"classes": CLASSES, "dim": DIM, "provenance": provenance}
        lines = [json.dumps(head, indent=1, sort_keys=True)[:-2] + ',\n "weights": {']
        slots = np.flatnonzero(np.abs(self.weights).sum(axis=1) > 5e-5)
        rows = [f'  "{s}": {[round(float(w), 4) for w in self.weights[s]]}' for s in slots]
        path.write_text("\n".join(lines) + "\n" + ",\n".join(rows) + "\n }\n}\n", "utf-8")


def load_kind_model(path: Path = KIND_MODEL_PATH) -> KindModel:
    """The shipped (or given) kind model."""
    payload = json.loads(path.read_text(encoding="utf-8"))
    if tuple(payload["classes"]) != CLASSES or payload["dim"] != DIM:
        raise ValueError(f"{path}: kind model for other classes or size; rebuild it")
    weights = np.zeros((DIM, len(CLASSES)))
    for slot, row in payload["weights"].items():
        weights[int(slot)] = row
    return KindModel(weights)


# Fitting: L2 strength and full-batch Adam steps, chosen on the dev sets' held-out folds
# (bench/kinds.py): stronger L2 lost recall of rare evidence, weaker overfitted the suffixes.
L2 = 1e-3
STEPS = 300
LEARNING_RATE = 0.05


def fit(
    rows: Sequence[Mapping[int, float]],
    labels: Sequence[int],
    weights: Sequence[float] | None = None,
) -> KindModel:
    """Fit the weights on groups' features and their classes (deterministic)."""
    used = sorted({slot for row in rows for slot in row})
    column = {slot: i for i, slot in enumerate(used)}
    x = np.zeros((len(rows), len(used)), dtype=np.float32)
    for i, row in enumerate(rows):
        for slot, value in row.items():
            x[i, column[slot]] = value
    y = np.zeros((len(rows), len(CLASSES)), dtype=np.float32)
    y[np.arange(len(rows)), labels] = 1.0
    if weights is not None:
        y *= np.asarray(weights, dtype=np.float32)[:, None] / float(np.mean(weights))
    fitted = np.zeros((DIM, len(CLASSES)))
    fitted[used] = _adam(x, y)
    return KindModel(fitted)


def _adam(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Softmax regression weights by full-batch Adam on mean cross-entropy plus L2."""
    w = np.zeros((x.shape[1], y.shape[1]), dtype=np.float32)
    m, v = np.zeros_like(w), np.zeros_like(w)
    for step in range(1, STEPS + 1):
        scores = x @ w
        scores -= scores.max(axis=1, keepdims=True)
        p = np.exp(scores)
        p /= p.sum(axis=1, keepdims=True)
        grad = x.T @ (p * y.sum(axis=1, keepdims=True) - y) / len(x) + L2 * w
        m = 0.9 * m + 0.1 * grad
        v = 0.999 * v + 0.001 * grad * grad
        m_hat, v_hat = m / (1 - 0.9**step), v / (1 - 0.999**step)
        w -= LEARNING_RATE * m_hat / (np.sqrt(v_hat) + 1e-8)
    return w


def place_keys(names: Iterable[str]) -> frozenset[str]:
    """Folded names of the places the model found in an article."""
    return frozenset(fold_key(name) for name in names)


def decide(
    found: Sequence[Candidate],
    texts: Mapping[Field, str],
    places: frozenset[str],
    model: KindModel,
    rules: Rules = RULES,
) -> list[Candidate]:
    """The candidates with the kind of their group; those of no kind are dropped."""
    groups = group_candidates(found, rules)
    features = group_features(found, groups, texts, places, rules)
    kinds = {group: model.kind(row) for group, row in features.items()}
    out = []
    for c, group in zip(found, groups, strict=True):
        kind = _hard_kind(c) or kinds[group]
        if kind == "neither":
            continue
        person_or_org: EntityKind = "person" if kind == "person" else "organisation"
        kept = c if person_or_org == c.kind else retrimmed(c, texts.get(c.field, ""), person_or_org)
        if kept is not None:
            out.append(kept)
    return out


def _hard_kind(candidate: Candidate) -> str | None:
    """The kind some evidence settles alone: handles are nothing, ruler names organisations."""
    if _HANDLE.match(candidate.surface):
        return "neither"
    if candidate.canonical:
        return "organisation"
    return None
