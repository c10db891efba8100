"""The chain of stages for one document, written once: clean -> normalise -> signature.

    items, rejects = prepare(docs, CleanOptions(...))   # then entities, then the load

Every entry point that turns documents into articles goes through `prepare`: the ETL flow, a
rebuild for learned lines, reprocess. One policy guards each stage: a `RejectError` rejects
the document at the stage it names, anything else at the stage that raised it (a bug in a
stage must never stop a run), and each document ends as an `Item` or a `Rejected`.
Pure: no database, no Prefect.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from typing import TypeVar

from newsdesk.clean import CleanOptions, clean
from newsdesk.clean.learned import held, learnable_lines
from newsdesk.dedupe import band_keys, signature
from newsdesk.errors import Failure, attempt
from newsdesk.normalise import normalise
from newsdesk.records import Article, Item, Mention, RawDocument, Rejected

T = TypeVar("T")


def prepare(
    docs: Sequence[RawDocument], options: CleanOptions
) -> tuple[list[Item], list[Rejected]]:
    """Clean, normalise and sign each document; rejects keep the order of their documents."""
    items: list[Item] = []
    rejects: list[Rejected] = []
    for doc in docs:
        outcome = prepare_one(doc, options)
        if isinstance(outcome, Rejected):
            rejects.append(outcome)
        else:
            items.append(outcome)
    return items, rejects


def prepare_one(doc: RawDocument, options: CleanOptions) -> Item | Rejected:
    """One document through clean, normalise and its near-duplicate signature.

    Cleaned first without learned boilerplate: what that body keeps is what learning counts
    (`Item.lines`) and what the near-duplicate signature is made of, so neither depends on
    what was learned when the article came; then, if the body holds learned lines, again
    with exactly those (`clean.learned`).
    """
    unlearned = replace(options, learned_boilerplate=frozenset())
    plain = _clean_and_normalise(doc, unlearned)
    if isinstance(plain, Rejected):
        return plain
    lines = learnable_lines(plain.body)
    article: Article | Rejected = plain
    if learned := held(options.learned_boilerplate, lines):
        article = _clean_and_normalise(doc, replace(options, learned_boilerplate=learned))
    if isinstance(article, Rejected):
        return article
    signed = guarded(doc, "normalise", lambda: signature(plain.body))
    if isinstance(signed, Rejected):
        return signed
    return Item(doc, article, (), signed, band_keys(signed), lines)


def _clean_and_normalise(doc: RawDocument, options: CleanOptions) -> Article | Rejected:
    cleaned = guarded(doc, "clean", lambda: clean(doc, options))
    if isinstance(cleaned, Rejected):
        return cleaned
    return guarded(doc, "normalise", lambda: normalise(doc, cleaned, dict(options.publisher_names)))


def with_mentions(
    items: Sequence[Item],
    found: Sequence[Sequence[Mention]],
    failed: Mapping[int, tuple[str, str]],
) -> tuple[list[Item], list[Rejected]]:
    """Items with the mentions the entities stage found; those it failed on as rejects.

    `found[i]` are item i's mentions; `failed` maps the index of an item the stage could not
    take to (reason, detail).
    """
    done: list[Item] = []
    rejects: list[Rejected] = []
    for i, item in enumerate(items):
        if i in failed:
            reason, detail = failed[i]
            rejects.append(rejected(item.doc, "entities", reason, detail))
        else:
            done.append(replace(item, mentions=list(found[i])))
    return done, rejects


def guarded(doc: RawDocument, stage: str, step: Callable[[], T]) -> T | Rejected:
    """Run one stage for one document (`errors.attempt`); a failure is its reject."""
    outcome = attempt(doc.source_uri, stage, step)
    if isinstance(outcome, Failure):
        return rejected(doc, outcome.stage, outcome.reason, outcome.detail)
    return outcome


def rejected(doc: RawDocument, stage: str, reason: str, detail: str) -> Rejected:
    """The reject of one document."""
    return Rejected(doc.source_uri, doc.content_sha256, stage, reason, detail)
