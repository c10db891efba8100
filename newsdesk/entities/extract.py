"""The entities stage: articles in, resolved person and organisation mentions out."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from functools import cache
from itertools import groupby
from typing import get_args

from spacy.language import Language
from spacy.tokens import Doc

from newsdesk.entities.kinds import KindModel, decide, load_kind_model, place_keys
from newsdesk.entities.model import known_acronyms
from newsdesk.entities.resolve import common_words, is_common_phrase, resolve
from newsdesk.entities.rules import RULES, Rules
from newsdesk.entities.spans import PLACE_LABELS, Candidate, candidates, echoes, name_words
from newsdesk.errors import RejectError
from newsdesk.records import Article, Field, Mention

# The mention-bearing fields, in reading order: resolution looks "before" in this order.
FIELDS: tuple[Field, ...] = get_args(Field)


@dataclass(frozen=True)
class EntityOptions:
    """How to run the model over articles."""

    batch_size: int = 64  # texts per nlp.pipe batch (spaCy's default is 1000 for short texts)
    processes: int = 1  # nlp.pipe n_process; >1 forks workers, worth it for large batches


@cache
def shipped_kind_model() -> KindModel:
    """The kind model shipped with newsdesk (kinds.json), read once per process."""
    return load_kind_model()


def kind_inputs(
    docs: Mapping[Field, Doc], rules: Rules = RULES
) -> tuple[list[Candidate], dict[Field, str], frozenset[str]]:
    """An article's candidates (in field order), field texts and place names."""
    texts = {name: doc.text for name, doc in docs.items()}
    found = [c for name in FIELDS if name in docs for c in candidates(docs[name], name, rules)]
    places = place_keys(
        e.text for doc in docs.values() for e in doc.ents if e.label_ in PLACE_LABELS
    )
    return found, texts, places


def mentions_from_docs(
    docs: Mapping[Field, Doc],
    acronyms: Mapping[str, str] | None = None,
    rules: Rules = RULES,
    kind_model: KindModel | None = None,
) -> list[Mention]:
    """One article's mentions from its per-field Docs (pure: no model needed).

    `acronyms` (organisation key -> acronym) fills in acronyms the article does not define;
    `kind_model` replaces the shipped kind model (the bench passes held-out ones).
    """
    found, texts, places = kind_inputs(docs, rules)
    if rules.kinds:
        found = decide(found, texts, places, kind_model or shipped_kind_model(), rules)
    common = common_words(texts) if rules.common_phrases else set()
    tagged = {
        name: [c for c in found if c.field == name and not is_common_phrase(c, common)]
        for name in FIELDS
        if name in docs
    }
    words = name_words(c.surface for cs in tagged.values() for c in cs if c.kind == "person")
    if not rules.echoes:
        words = set()
    found = [
        c
        for name, cs in tagged.items()
        for c in sorted(cs + echoes(docs[name], name, cs, words), key=lambda c: c.start)
    ]
    mentions = resolve(found, texts, rules)
    return [_with_acronym(m, acronyms or {}) for m in mentions]


def _with_acronym(mention: Mention, acronyms: Mapping[str, str]) -> Mention:
    """The mention with a known acronym when it is an organisation without one."""
    if mention.kind != "organisation" or mention.acronym or mention.key not in acronyms:
        return mention
    return replace(mention, acronym=acronyms[mention.key])


def check_length(nlp: Language, article: Article) -> None:
    """Raise RejectError when a field is longer than the model accepts (`nlp.max_length`)."""
    # spaCy refuses longer texts (its parser and NER need ~1 GB per 100,000 characters), and
    # a news article is a few thousand characters: such a body is a dump, not an article.
    for name in FIELDS:
        length = len(article.field_text(name))
        if length > nlp.max_length:
            raise RejectError(
                "entities",
                "too_long",
                f"{article.source_uri}: the {name} is {length:,} characters, over the "
                f"{nlp.max_length:,} the entity model accepts; split the input into articles",
            )


def extract(
    nlp: Language, articles: Sequence[Article], options: EntityOptions | None = None
) -> list[list[Mention]]:
    """Mentions for each article, in order, from one streamed pass of the model.

    Raises RejectError (stage "entities") for an article too long for the model.
    """
    options = options or EntityOptions()
    for article in articles:
        check_length(nlp, article)
    jobs = [
        (i, name)
        for i, article in enumerate(articles)
        for name in FIELDS
        if article.field_text(name)
    ]
    texts = [articles[i].field_text(name) for i, name in jobs]
    docs = nlp.pipe(texts, batch_size=options.batch_size, n_process=options.processes)
    acronyms = known_acronyms(nlp)
    result: list[list[Mention]] = [[] for _ in articles]
    # An article's fields are consecutive: resolve it as soon as its last Doc arrives, so
    # only one article's Docs are held at a time.
    for i, group in groupby(zip(jobs, docs, strict=True), key=lambda pair: pair[0][0]):
        result[i] = mentions_from_docs({name: doc for (_, name), doc in group}, acronyms)
    return result
