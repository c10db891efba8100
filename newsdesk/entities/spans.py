"""From a spaCy `Doc` to candidate name spans: trim titles and possessives, drop junk.

Trimming moves offsets and never edits text, so `text[start:end] == surface` always holds.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, replace
from pathlib import Path

from spacy.tokens import Doc, Span, Token

from newsdesk.entities.keys import fold_words
from newsdesk.entities.rules import RULES, Rules
from newsdesk.records import EntityKind, Field

# Word lists shipped as data (one word a line, "#" comments), so users can extend them.
WORDS_DIR = Path(__file__).parent / "words"


# A generic event noun right before a name, maybe with "called"/"dubbed" or a comma between:
# the name is the event's. The nouns are the kinds of named events news reports (military
# exercises and operations, campaigns, programmes, festivals, tournaments), not any list of names.
EVENT_NAME_BEFORE = re.compile(
    r"\b(?:exercises?|drills?|operations?|manoeuvres?|maneuvers?|campaigns?|missions?|"
    r"programmes?|programs?|projects?|initiatives?|festivals?|tournaments?|summits?)"
    r"\s*,?\s*(?:(?:dubbed|called|named|code-named|codenamed)\s+)?[\"“‘']?\s*$",
    re.IGNORECASE,
)


def read_words(name: str) -> frozenset[str]:
    """A word list from words/<name>.txt, lower-cased, comments and blank lines skipped."""
    lines = (WORDS_DIR / f"{name}.txt").read_text(encoding="utf-8").splitlines()
    return frozenset(line.strip().casefold() for line in lines if line.strip()[:1] not in {"", "#"})


# spaCy labels kept, and the kind each becomes. NORP and GPE are left out: nationalities and
# places are not organisations, and their rare organisational uses are ambiguous.
LABEL_KINDS: dict[str, EntityKind] = {"PERSON": "person", "ORG": "organisation"}
# Labels whose spans the kinds step may also take for a person or an organisation (the small
# model calls a museum a facility, a newspaper a work of art, a company a product); their
# provisional kind is organisation. Places (GPE, LOC) and nationalities (NORP) stay out: a name
# that is a place is neither, and is evidence against a span of the same name (kinds.py).
OTHER_LABELS = frozenset({"FAC", "PRODUCT", "WORK_OF_ART", "EVENT", "LAW"})
# Labels of places: their names, folded, tell the kinds step which names are places here.
PLACE_LABELS = frozenset({"GPE", "LOC"})

# Titles, honorifics and roles that precede a person's name in news copy. Hyphenated titles
# ("Vice-Premier") are split on hyphens and match when every part is listed here.
TITLE_WORDS = read_words("titles")
# Lower-case words that belong inside names ("Ludwig van Beethoven", "Osama bin Laden").
NAME_PARTICLES = read_words("particles")
# Generational suffixes: a title word before one is a surname ("Martin Luther King Jr.").
SUFFIXES = frozenset({"jr", "sr", "ii", "iii", "iv"})
# Single words that spaCy tags as PERSON/ORG but that name nobody here.
JUNK_NAMES = read_words("junk")
# Role nouns cut from the end of organisation spans ("State Department spokesperson").
TRAILING_ROLES = read_words("roles")
# Head nouns of organisation names: lower-case words before one are part of the name.
ORG_HEADS = read_words("org_heads")
# Nationalities and regional adjectives spaCy sometimes tags as ORG.
DEMONYMS = read_words("demonyms")
# Countries and their acronyms ("DPRK", "Russian Federation"), which spaCy sometimes tags as
# ORG: a place, not an organisation. Compared on folded words (case, accents, apostrophes).
COUNTRIES = frozenset(" ".join(fold_words(line)) for line in read_words("countries"))
# Possessive endings removed from the last word ("Zhao’s", "Workers’" -> kept, see below).
_POSSESSIVE = re.compile(r"(?:['’]s|(?<=s)['’])$", re.IGNORECASE)
# Punctuation that never ends a name (quotes, brackets, commas...).
_EDGE_PUNCT = "\"'“”‘’«»()[]{},;:!?*•|/\\-–—"
# Abbreviations whose final full stop is part of the name.
_KEEP_DOT = frozenset({"jr.", "sr.", "inc.", "co.", "corp.", "ltd.", "st.", "bros."})
# Words before a noun that a person's name never follows ("the Polaroid", "a Warhol").
DETERMINERS = frozenset({"the", "a", "an", "this", "that", "these", "those", "every", "each"})
_WORD = re.compile(r"\S+")
_HAS_LETTER = re.compile(r"[^\W\d_]")


@dataclass(frozen=True)
class Candidate:
    """A trimmed name span in one field, before resolution."""

    kind: EntityKind
    field: Field
    start: int
    end: int
    surface: str
    sentence: str
    canonical: str = ""  # a canonical name given by an EntityRuler pattern id
    label: str = ""  # the model's label ("" for a name word found again, see echoes)
    raw: tuple[int, int] = (0, 0)  # the model's span before trimming (start, end)

    @property
    def words(self) -> list[str]:
        """The whitespace-separated words of the surface."""
        return self.surface.split()


def bare(word: str) -> str:
    """A word without edge punctuation, lower-cased, for vocabulary checks."""
    return word.strip(_EDGE_PUNCT + ".").casefold()


def is_title(word: str) -> bool:
    """True for a title or role word, hyphenated ones included ("Vice-Premier")."""
    folded = bare(word)
    if not folded:
        return False
    parts = [p for p in re.split(r"[-‐–]", folded) if p]
    return folded in TITLE_WORDS or (bool(parts) and all(p in TITLE_WORDS for p in parts))


def is_capitalised(word: str) -> bool:
    """True when the first letter of the word is upper case."""
    letters = _HAS_LETTER.findall(word)
    return bool(letters) and letters[0].isupper()


def word_spans(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Offsets of the whitespace-separated words of text[start:end]."""
    return [(start + m.start(), start + m.end()) for m in _WORD.finditer(text[start:end])]


def drop_leading(
    text: str, words: list[tuple[int, int]], kind: EntityKind
) -> list[tuple[int, int]]:
    """Drop titles, roles, articles and lower-case words in front of a name."""
    if kind == "person":
        cut = _after_last_title(text, words)
        words = words[cut:]
    while words:
        word = text[slice(*words[0])]
        droppable = bare(word) in {"the", "a", "an"} or not _HAS_LETTER.search(word)
        if kind == "person":
            droppable = droppable or is_title(word)
        if not is_capitalised(word) and (kind != "person" or bare(word) not in NAME_PARTICLES):
            droppable = True
        if not droppable:
            break
        words = words[1:]
    return words


def _after_last_title(text: str, words: list[tuple[int, int]]) -> int:
    """Index after the last title word that is followed by a capitalised word, else 0."""
    cut = 0
    for index, (start, end) in enumerate(words[:-1]):
        following = text[slice(*words[index + 1])]
        if (
            is_title(text[start:end])
            and is_capitalised(following)
            and bare(following) not in SUFFIXES
        ):
            cut = index + 1
    return cut


def drop_trailing(
    text: str, words: list[tuple[int, int]], kind: EntityKind
) -> list[tuple[int, int]]:
    """Drop lower-case words after a name, page labels after a person, roles after an org.

    An organisation ending in a head noun keeps it ("Chinese foreign ministry").
    """
    if kind == "organisation" and words and bare(text[slice(*words[-1])]) in ORG_HEADS:
        return words
    while len(words) > 1:
        word = text[slice(*words[-1])]
        role = kind == "organisation" and bare(word) in TRAILING_ROLES
        label = kind == "person" and bare(word) in JUNK_NAMES  # "Disney Belle Image"
        if not (role or label) and (is_capitalised(word) or not _HAS_LETTER.search(word)):
            break
        words = words[:-1]
    return words


def trim_end(text: str, start: int, end: int) -> int:
    """Move the end back over possessives and trailing punctuation."""
    while end > start:
        word_start = text.rfind(" ", start, end) + 1 or start
        word = text[max(word_start, start) : end]
        possessive = _POSSESSIVE.search(word)
        if possessive and len(word) > len(possessive.group()):
            end -= len(possessive.group())
        elif (
            text[end - 1] in _EDGE_PUNCT
            or text[end - 1].isspace()
            or (text[end - 1] == "." and word.casefold() not in _KEEP_DOT and not _is_initial(word))
        ):
            end -= 1
        else:
            break
    return end


def _is_initial(word: str) -> bool:
    """True for an initial such as "J." or "U.S."."""
    return bool(re.fullmatch(r"(?:[^\W\d_]\.)+", word))


def trim_start(text: str, start: int, end: int) -> int:
    """Move the start forward over opening punctuation."""
    while start < end and (text[start] in _EDGE_PUNCT or text[start].isspace()):
        start += 1
    return start


def trim(text: str, start: int, end: int, kind: EntityKind) -> tuple[int, int] | None:
    """Offsets of the name inside text[start:end], or None when nothing name-like is left."""
    words = word_spans(text, start, end)
    words = drop_trailing(text, drop_leading(text, words, kind), kind)
    if not words:
        return None
    new_start, new_end = words[0][0], words[-1][1]
    new_end = trim_end(text, new_start, new_end)
    new_start = trim_start(text, new_start, new_end)
    return (new_start, new_end) if new_end > new_start else None


def is_junk(surface: str, kind: EntityKind, vocabulary: bool = True) -> bool:
    """True for spans that are not names: lower-case text, a person with digits or too many
    words; with `vocabulary`, also roles alone, page labels, dates, pronouns and
    nationalities (words/junk.txt, titles.txt, demonyms.txt)."""
    words = surface.split()
    folded = [bare(w) for w in words]
    if not _HAS_LETTER.search(surface) or not any(is_capitalised(w) for w in words):
        return True
    if vocabulary and is_junk_word(words, folded):
        return True
    if kind == "person" and (any(ch.isdigit() for ch in surface) or not _person_shaped(words)):
        return True
    return len(surface) < 2


def is_country(surface: str) -> bool:
    """ "DPRK", "the United States": a country (a place), never an organisation."""
    return " ".join(fold_words(surface)) in COUNTRIES


def narrow_person(text: str, start: int, end: int) -> tuple[int, int] | None:
    """The name at the head of a person span that runs on into figures or a second name.

    The model's person spans swallow what follows a name in tables and lists ("D. Smith
    4-43", "A. Jones 442,201") and run a name into its full form ("Ann Lee Ann Mary Lee"):
    the words before the first word with a digit, or before the name's first word comes
    again, are the name. None when no word is left.
    """
    words = word_spans(text, start, end)
    kept: list[tuple[int, int]] = []
    for word_start, word_end in words:
        word = text[word_start:word_end]
        if any(ch.isdigit() for ch in word):
            break
        if len(kept) > 1 and bare(word) == bare(text[kept[0][0] : kept[0][1]]):
            break
        kept.append((word_start, word_end))
    if not kept:
        return None
    if len(kept) == len(words):
        return start, end
    new_end = trim_end(text, kept[0][0], kept[-1][1])
    return (kept[0][0], new_end) if new_end > kept[0][0] else None


def is_junk_word(words: list[str], folded: list[str]) -> bool:
    """A role, label, date word, pronoun or nationality alone, or only titles or nationalities."""
    if len(words) == 1 and (is_title(words[0]) or folded[0] in JUNK_NAMES | DEMONYMS):
        return True
    # "Prime Minister", "North Korean"; but "Foreign Ministry" is a name
    return all(is_title(w) for w in words) or all(f in DEMONYMS for f in folded)


# The most words a person's name runs to, particles and suffixes aside ("Martin Luther King
# Jr.", "Gabriel García Márquez"); a longer "person" is a phrase or two names run together.
MAX_PERSON_WORDS = 4


def _person_shaped(words: list[str]) -> bool:
    """No lower-case word but particles inside, and not too many words."""
    inner = [bare(w) for w in words if not is_capitalised(w)]
    named = [w for w in words if bare(w) not in NAME_PARTICLES and bare(w) not in SUFFIXES]
    return all(w in NAME_PARTICLES for w in inner) and len(named) <= MAX_PERSON_WORDS


def names_an_event(text: str, start: int) -> bool:
    """True when the span is the name given to an event, not a person ("the exercise, Freedom
    Shield", "an operation dubbed Iron Wall"): the model often reads such names as people."""
    return EVENT_NAME_BEFORE.search(text, max(0, start - 40), start) is not None


def sentence_of(span: Span, text: str, has_sentences: bool) -> str:
    """The sentence holding the span, never reaching past its line (paragraph).

    The model's sentence boundaries do not always break at a blank line: a sentence may run
    on into the next paragraphs, so it is cut at the line ends around the span. Without
    sentence annotation, the line is the sentence.
    """
    start, end = 0, len(text)
    if has_sentences:
        sent = span.sent
        start, end = sent.start_char, sent.end_char
    line_start = text.rfind("\n", 0, span.start_char) + 1
    line_end = text.find("\n", span.end_char)
    start = max(start, line_start)
    end = min(end, line_end if line_end >= 0 else len(text))
    return text[start:end].strip()


def candidates(doc: Doc, field: Field, rules: Rules = RULES) -> list[Candidate]:
    """The trimmed, filtered person and organisation spans of one field's Doc."""
    text = doc.text  # built from the tokens on every access: read it once
    has_sentences = doc.has_annotation("SENT_START")
    found = []
    for ent in doc.ents:
        kind = LABEL_KINDS.get(ent.label_)
        if kind is None and rules.kinds and ent.label_ in OTHER_LABELS:
            kind = "organisation"
        if kind is None:
            continue
        sentence = sentence_of(ent, text, has_sentences)
        raw = Candidate(
            kind, field, ent.start_char, ent.end_char, ent.text, sentence, ent.ent_id_, ent.label_
        )
        candidate = retrimmed(raw, text, kind, rules)
        if candidate is not None:
            found.append(candidate)
    return found


def retrimmed(
    candidate: Candidate, text: str, kind: EntityKind, rules: Rules = RULES
) -> Candidate | None:
    """The candidate as `kind`, trimmed from its raw span; None when no name is left."""
    start, end = candidate.raw if candidate.raw != (0, 0) else (candidate.start, candidate.end)
    offsets = trim(text, start, end, kind) if rules.trim else (start, end)
    if offsets is None:
        return None
    if rules.junk and kind == "person":
        offsets = narrow_person(text, *offsets)
        if offsets is None:
            return None
    surface = text[offsets[0] : offsets[1]]
    if rules.junk and is_junk(surface, kind, vocabulary=not rules.kinds):
        return None
    if rules.countries and kind == "organisation" and is_country(surface):
        return None
    if rules.events and kind == "person" and names_an_event(text, offsets[0]):
        return None
    return replace(
        candidate, kind=kind, start=offsets[0], end=offsets[1], surface=surface, raw=(start, end)
    )


def name_words(names: Iterable[str]) -> set[str]:
    """Words of multi-word person names that could stand alone ("Rathbun", "Choe")."""
    words: set[str] = set()
    for name in names:
        parts = name.split()
        if len(parts) > 1:
            words.update(w for w in parts if is_capitalised(w) and _could_stand_alone(w))
    return words


def _could_stand_alone(word: str) -> bool:
    """A name word that is not a title, junk word, nationality or initial."""
    folded = bare(word)
    return (
        len(folded) > 1
        and folded.isalpha()
        and not is_title(word)
        and folded not in JUNK_NAMES
        and folded not in DEMONYMS
    )


def echoes(doc: Doc, field: Field, found: list[Candidate], words: set[str]) -> list[Candidate]:
    """Untagged lone occurrences of a person's name word: the model missed them.

    A token counts when it is exactly a word of a multi-word person name in the article, no
    entity covers it, no determiner precedes it, and neither neighbour is another capitalised
    word (so "Warhol Foundation" is not an echo of "Andy Warhol").
    """
    if not words:
        return []
    text = doc.text
    taken = [(c.start, c.end) for c in found if c.field == field]
    has_sentences = doc.has_annotation("SENT_START")
    out = []
    for token in doc:
        if token.text not in words or token.ent_type_ or _has_name_neighbour(token):
            continue
        if token.i > 0 and doc[token.i - 1].lower_ in DETERMINERS:
            continue  # "the Polaroid", "a Warhol": a thing, not the person
        start, end = token.idx, token.idx + len(token.text)
        if any(s < end and start < e for s, e in taken):
            continue
        sentence = sentence_of(doc[token.i : token.i + 1], text, has_sentences)
        out.append(Candidate("person", field, start, end, token.text, sentence, raw=(start, end)))
    return out


def _has_name_neighbour(token: Token) -> bool:
    """Whether the token sits next to another capitalised word (part of a longer name)."""
    doc = token.doc
    before = doc[token.i - 1] if token.i > 0 else None
    after = doc[token.i + 1] if token.i + 1 < len(doc) else None
    return any(
        t is not None and t.is_alpha and is_capitalised(t.text) and not t.is_sent_start
        for t in (before,)
    ) or (after is not None and after.is_alpha and is_capitalised(after.text))
