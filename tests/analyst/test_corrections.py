"""Merging and splitting entities: what moves, what later loads do, what a split restores."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine

from newsdesk.analyst.corrections import merge, split
from newsdesk.errors import NewsdeskError
from tests.analyst.helpers import add_article, rows, scalar

BODY_ONE = "Kim Jong Un met Moon Jae-in. The Workers' Party said so."
BODY_TWO = "Kim Jong-eun visited a factory with Moon Jae-in."
LATER = "Kim Jong Un spoke again on Friday, a second report said."


def _person(engine: Engine, key: str) -> int | None:
    return scalar(engine, "SELECT id FROM people WHERE name_key = :k", k=key)  # type: ignore[return-value]


def _mentions_of(engine: Engine, person_id: int) -> list[int]:
    return [
        r[0]
        for r in rows(
            engine, "SELECT id FROM mentions WHERE person_id = :p ORDER BY id", p=person_id
        )
    ]  # type: ignore[misc]


@pytest.fixture
def two_kims(engine: Engine) -> Engine:
    """'kim jong un' and 'kim jong eun' are two spellings that fold apart: two rows for one man."""
    add_article(
        engine,
        BODY_ONE,
        [
            ("person", "Kim Jong Un", "Kim Jong Un"),
            ("person", "Moon Jae-in", "Moon Jae-in"),
            ("organisation", "Workers' Party", "Workers' Party"),
        ],
    )
    add_article(
        engine,
        BODY_TWO,
        [("person", "Kim Jong-eun", "Kim Jong-eun"), ("person", "Moon Jae-in", "Moon Jae-in")],
    )
    return engine


def test_merge_moves_aliases_and_mentions_and_records_them(two_kims: Engine) -> None:
    engine = two_kims
    keep, away = _person(engine, "kim jong un"), _person(engine, "kim jong eun")
    assert keep is not None and away is not None and keep != away
    moved = _mentions_of(engine, away)
    result = merge(engine, "person", "Kim Jong-eun", "Kim Jong Un", note="same man")
    # Names are folded like the loader folds them, so the ref needs no exact spelling.
    assert (result.kept and result.kept.id, result.merged.id) == (away, keep)
    assert _person(engine, "kim jong un") is None  # the merged row is gone
    assert rows(engine, "SELECT person_id FROM person_aliases WHERE alias_key = 'kim jong un'") == [
        (away,)
    ]
    assert set(moved) < set(_mentions_of(engine, away)) and len(_mentions_of(engine, away)) == 2
    record = rows(
        engine, "SELECT kept_id, merged_id, merged_name, alias_keys, note FROM entity_merges"
    )
    assert record == [(away, keep, "Kim Jong Un", ["kim jong un"], "same man")]
    # The views count one person in two articles now.
    assert scalar(engine, "SELECT articles FROM top_people WHERE person_id = :p", p=away) == 2


def test_a_merge_survives_later_loads(two_kims: Engine) -> None:
    engine = two_kims
    result = merge(engine, "person", "Kim Jong-eun", "Kim Jong Un")
    kept = result.kept.id if result.kept else 0
    article = add_article(engine, LATER, [("person", "Kim Jong Un", "Kim Jong Un")])
    landed = rows(engine, "SELECT person_id FROM mentions WHERE article_id = :a", a=article)
    assert landed == [(kept,)]
    assert _person(engine, "kim jong un") is None  # no new row for the merged name


def test_split_restores_exactly_and_takes_later_mentions_back(two_kims: Engine) -> None:
    engine = two_kims
    before = rows(engine, "SELECT id, person_id, organisation_id FROM mentions ORDER BY id")
    people = rows(engine, "SELECT id, name, name_key FROM people ORDER BY id")
    aliases = rows(engine, "SELECT alias_key, alias, person_id FROM person_aliases ORDER BY 1")
    merge(engine, "person", "Kim Jong-eun", "Kim Jong Un")
    later = add_article(engine, LATER, [("person", "Kim Jong Un", "Kim Jong Un")])
    result = split(engine, "person", "Kim Jong Un")
    assert rows(engine, "SELECT id, name, name_key FROM people ORDER BY id") == people
    assert (
        rows(engine, "SELECT alias_key, alias, person_id FROM person_aliases ORDER BY 1") == aliases
    )
    after = rows(
        engine,
        "SELECT id, person_id, organisation_id FROM mentions WHERE article_id <> :a ORDER BY id",
        a=later,
    )
    assert after == before
    # The mention loaded while merged was written "Kim Jong Un": it goes back to him too.
    assert rows(engine, "SELECT person_id FROM mentions WHERE article_id = :a", a=later) == [
        (result.merged.id,)
    ]
    assert scalar(engine, "SELECT split_at IS NOT NULL FROM entity_merges") is True
    with pytest.raises(NewsdeskError, match="no standing merge"):
        split(engine, "person", "Kim Jong Un")


def test_split_by_merge_id_and_organisations(two_kims: Engine) -> None:
    engine = two_kims
    add_article(
        engine,
        "The Workers Party of Korea met.",
        [("organisation", "Workers Party of Korea", "Workers Party of Korea")],
    )
    result = merge(engine, "organisation", "Workers Party of Korea", "Workers' Party")
    assert result.mentions == 1 and result.aliases == 1
    assert scalar(engine, "SELECT count(*) FROM organisations") == 1
    undone = split(engine, "organisation", merge_id=result.merge_id)
    assert undone.merged.name == "Workers' Party"
    assert scalar(engine, "SELECT count(*) FROM organisations") == 2


def test_merge_refuses_nonsense(two_kims: Engine) -> None:
    engine = two_kims
    with pytest.raises(NewsdeskError, match="no person named"):
        merge(engine, "person", "Kim Jong Un", "Nobody At All")
    with pytest.raises(NewsdeskError, match="already the same"):
        merge(engine, "person", "Kim Jong Un", "kim jong un")
    with pytest.raises(NewsdeskError, match="unknown kind"):
        merge(engine, "place", "Pyongyang", "Seoul")
    assert scalar(engine, "SELECT count(*) FROM entity_merges") == 0


def test_merge_by_id(two_kims: Engine) -> None:
    engine = two_kims
    keep, away = _person(engine, "kim jong un"), _person(engine, "kim jong eun")
    result = merge(engine, "person", str(keep), str(away))
    assert result.kept is not None and result.kept.id == keep and result.merged.id == away
