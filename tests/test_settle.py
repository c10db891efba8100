"""Work owed after a commit: recorded with the articles, settled by whichever run finds it, with
a result that does not depend on where runs or batches were cut."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from itertools import pairwise

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine, create_engine

from newsdesk import bulk, learn
from newsdesk.clean.dedupe import signature
from newsdesk.entities import fold_key
from newsdesk.records import Article, Item, Mention
from tests.records import raw_document
from tests.robustness.helpers import empty_tables, scalar, snapshot

# Two full names share a surname, so a story's short "Okafor" is ambiguous once both have
# appeared beside the same organisation, and settled again when the second one arrives.
FULL = ["Samuel Okafor", "Marta Okafor", "Rosa Delgado"]
ORGS = ["Harbour Council", "Water Board"]

# One sentence of an article: how its person is written, which person, which organisation.
# "full": the full name, tagged; "short": the surname alone, tagged as a one-word person;
# "lone": the surname alone and untagged (the model missed it), only the organisation tagged.
SENTENCE = st.tuples(
    st.sampled_from(["full", "short", "lone"]), st.integers(0, len(FULL) - 1), st.integers(0, 1)
)
ARTICLE = st.lists(SENTENCE, min_size=1, max_size=3)
CORPUS = st.lists(ARTICLE, min_size=2, max_size=8)


def _mention(kind: str, name: str, surface: str, start: int, sentence: str) -> Mention:
    return Mention(
        kind, name, fold_key(surface), surface, "body", start, start + len(surface), sentence
    )  # type: ignore[arg-type]


def story(number: int, sentences: Sequence[tuple[str, int, int]]) -> Item:
    """An article built by hand, with its mentions at exact offsets (no model)."""
    parts: list[str] = []
    mentions: list[Mention] = []
    offset = 0
    for form, who, where in sentences:
        full, org = FULL[who], ORGS[where]
        surname = full.split()[-1]
        person = full if form == "full" else surname
        sentence = f"{person} spoke to the {org} on day {number}."
        if form == "lone":
            sentence = f"The {org} heard {person} on day {number}."
        start = offset
        if form != "lone":
            mentions.append(_mention("person", person, person, start, sentence))
        at = start + sentence.index(org)
        mentions.append(_mention("organisation", org, org, at, sentence))
        parts.append(sentence)
        offset += len(sentence) + 1
    body = " ".join(parts)
    doc = raw_document(f"story {number}\n{body}".encode(), source_uri=f"mem://{number:03d}.txt")
    article = Article(doc.source_uri, f"Story {number}", None, [], "The Test Gazette", None, body)
    return Item(doc, article, mentions, signature(body))


def _load(engine: Engine, items: Sequence[Item], batch_size: int) -> None:
    for start in range(0, len(items), batch_size):
        bulk.load_items(engine, items[start : start + batch_size])


@pytest.fixture
def two_engines(db_url: str, other_db_url: str) -> Iterator[tuple[Engine, Engine]]:
    engines = create_engine(db_url), create_engine(other_db_url)
    yield engines
    for engine in engines:
        engine.dispose()


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(CORPUS, st.lists(st.integers(1, 7), max_size=3), st.integers(1, 4))
# A short name settled in the first run, made ambiguous by the second ...
@example([[("full", 0, 0)], [("short", 0, 0)], [("full", 1, 0)]], [2], 1)
# ... and a word the model missed, whose full name only the second run brings.
@example([[("lone", 2, 1)], [("full", 2, 1), ("short", 1, 0)]], [1], 2)
def test_loading_in_pieces_settles_like_loading_at_once(
    two_engines: tuple[Engine, Engine],
    corpus: list[list[tuple[str, int, int]]],
    cuts: list[int],
    batch_size: int,
) -> None:
    pieces_engine, whole_engine = two_engines
    for engine in two_engines:
        empty_tables(engine.url.render_as_string(hide_password=False))
    items = [story(i, sentences) for i, sentences in enumerate(corpus)]
    edges = sorted({0, len(items), *(c for c in cuts if c < len(items))})
    for start, end in pairwise(edges):  # one run per piece
        _load(pieces_engine, items[start:end], batch_size)
        learn.settle(pieces_engine)
    _load(whole_engine, items, len(items))
    learn.settle(whole_engine)
    pieces = snapshot(pieces_engine.url.render_as_string(hide_password=False))
    assert pieces == snapshot(whole_engine.url.render_as_string(hide_password=False))
    learn.settle(pieces_engine)  # nothing owed: nothing changes
    assert snapshot(pieces_engine.url.render_as_string(hide_password=False)) == pieces


def test_a_later_article_makes_a_settled_short_name_ambiguous_again(engine: Engine) -> None:
    url = engine.url.render_as_string(hide_password=False)
    first = [story(0, [("full", 0, 0)]), story(1, [("short", 0, 0)])]
    bulk.load_items(engine, first)
    assert scalar(url, "SELECT count(*) FROM pending_work") == 2  # owed, with the articles
    assert learn.settle(engine).resolved == 1
    owner = "SELECT p.name FROM mentions m JOIN people p ON p.id = m.person_id WHERE m.surface = 'Okafor'"
    assert scalar(url, owner) == "Samuel Okafor"
    # A second Okafor beside the same council: the story no longer says which one.
    bulk.load_items(engine, [story(2, [("full", 1, 0)])])
    learn.settle(engine)
    assert scalar(url, owner) == "Okafor"
    assert scalar(url, "SELECT short_key FROM mentions WHERE surface = 'Okafor'") is None
    assert scalar(url, "SELECT count(*) FROM pending_work") == 0


def test_owed_work_survives_until_a_settle_commits(engine: Engine) -> None:
    url = engine.url.render_as_string(hide_password=False)
    bulk.load_items(engine, [story(0, [("full", 2, 1)]), story(1, [("lone", 2, 1)])])

    class Killed(Exception):
        pass

    def crash(*_: object) -> None:
        raise Killed

    original = learn._decide_short_names
    learn._decide_short_names = crash  # type: ignore[assignment]
    try:
        with pytest.raises(Killed):
            learn.settle(engine)
    finally:
        learn._decide_short_names = original  # type: ignore[assignment]
    # The pass rolled back whole: the echo it had written is gone, the work still owed.
    assert scalar(url, "SELECT count(*) FROM mentions WHERE echo") == 0
    assert scalar(url, "SELECT count(*) FROM pending_work") == 2
    assert learn.settle(engine).articles == 2
    lone = "SELECT p.name FROM mentions m JOIN people p ON p.id = m.person_id WHERE m.echo"
    assert scalar(url, lone) == "Rosa Delgado"
    assert scalar(url, "SELECT count(*) FROM pending_work") == 0
