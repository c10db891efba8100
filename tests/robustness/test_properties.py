"""Invariants under generated inputs: reading never crashes, offsets hold, loading is idempotent.

Cleaning and normalising arbitrary text and markup are covered by tests/clean/
test_clean_properties.py, and offsets on hand-built Docs by tests/entities/; these add the read
stage on arbitrary bytes, offsets from the real model, and idempotence on real Postgres.
"""

from __future__ import annotations

import contextlib
import random
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine

from newsdesk import entities, load
from newsdesk.clean import clean
from newsdesk.dedupe import signature
from newsdesk.errors import RejectError
from newsdesk.normalise import normalise
from newsdesk.records import Article, RawDocument, Rejected
from newsdesk.sources import decode_document
from tests.records import load_article
from tests.robustness.helpers import empty_tables, loader_inputs, snapshot

ENCODINGS = ["utf-8", "utf-16", "utf-8-sig", "latin-1", "cp1252", "gbk", "shift_jis"]


@settings(max_examples=150, deadline=None)
@given(st.binary(max_size=3000), st.sampled_from(["text/plain", "text/html"]))
def test_any_bytes_are_read_then_cleaned_or_rejected(data: bytes, media_type: str) -> None:
    item = decode_document("mem://x", data, media_type)
    if isinstance(item, Rejected):
        assert item.stage == "read" and item.detail
        return
    assert "\x00" not in item.text and "\r" not in item.text
    with contextlib.suppress(RejectError):
        normalise(item, clean(item))


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=1500), st.sampled_from(ENCODINGS))
def test_any_text_in_any_encoding_is_read(value: str, encoding: str) -> None:
    try:
        data = value.encode(encoding)
    except UnicodeEncodeError:
        data = value.encode(encoding, errors="replace")
    item = decode_document("mem://x", data, "text/plain")
    assert isinstance(item, RawDocument | Rejected)
    if isinstance(item, RawDocument):
        with contextlib.suppress(RejectError):
            normalise(item, clean(item))


NAMES = ["Rosa Delgado", "Kim Jong Un", "Kim Jong-un", "Seán O'Brien", "Zhao Leji", "Ana Lima"]
WORDS = st.sampled_from(
    [
        "the",
        "council",
        "said",
        "on",
        "Monday",
        "Minister",
        "met",
        "with",
        "and",
        "KCNA",
        "(",
        ")",
        ",",
        ".",
        "\n",
        "  ",
        "’s",
        "Mr",
        "Dr.",
        "—",
        "«",
        "»",
        "é",
        "\t",
    ]
)
SENTENCE = st.one_of(
    st.builds(lambda n, w: f"{n} {w}.", st.sampled_from(NAMES), st.text(max_size=30)),
    st.lists(WORDS | st.sampled_from(NAMES), max_size=25).map(" ".join),
    st.text(max_size=60),
)


@pytest.mark.slow
@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    st.lists(SENTENCE, max_size=3).map(" ".join),
    st.lists(SENTENCE, max_size=3).map(" ".join),
    st.lists(SENTENCE, min_size=1, max_size=10).map(" ".join),
)
def test_mention_offsets_point_at_the_surface(nlp: Any, title: str, lead: str, body: str) -> None:
    article = Article("mem://x", title or None, lead or None, [], None, None, body)
    for x in entities.extract(nlp, [article])[0]:
        assert article.field_text(x.field)[x.start : x.end] == x.surface, x


PEOPLE = st.lists(st.sampled_from([*NAMES, "Bo Chen", "Ines Duarte"]), max_size=4)
ORGS = st.lists(
    st.sampled_from(["Harbour Council", "KCNA", "Water Board", "O'Neill & Sons"]), max_size=4
)
CORPUS = st.lists(st.tuples(st.integers(0, 30), PEOPLE, ORGS), min_size=1, max_size=6)


@settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(CORPUS, st.randoms(use_true_random=False))
def test_loading_twice_changes_nothing(
    engine: Engine, corpus: list[tuple[int, list[str], list[str]]], rnd: random.Random
) -> None:
    url = engine.url.render_as_string(hide_password=False)
    empty_tables(url)  # each example starts from empty tables
    items = [loader_inputs(i, people, orgs) for i, people, orgs in corpus]
    rejects = [
        Rejected("mem://gone.txt", None, "read", "unreadable", "mem://gone.txt could not be read"),
        Rejected("mem://e.txt", "e" * 64, "clean", "only_boilerplate", "every line went"),
    ]

    def load_all() -> list[int | None]:
        load.record_rejects(engine, rejects, None)
        return [load_article(engine, d, a, m, signature(a.body)) for d, a, m in items]

    first = load_all()
    before = snapshot(url)
    rnd.shuffle(items)
    second = load_all()
    assert all(x is None for x in second)
    assert sum(x is not None for x in first) == len({d.content_sha256 for d, _, _ in items})
    assert snapshot(url) == before
