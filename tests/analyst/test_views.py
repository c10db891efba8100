"""The analyst views and search_articles() on hand-made articles: counts, pairs, duplicates."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import Engine, text

from tests.analyst.helpers import add_article, rows, scalar

MONDAY = datetime(2025, 3, 3, 9, 0, tzinfo=UTC)
TUESDAY = datetime(2025, 3, 4, 23, 30, tzinfo=UTC)
STORY = (
    "Ana Lima and Bo Chen met at the Harbour Authority to discuss the ferry subsidy. Lima said "
    "the subsidy would keep the island routes running, and Chen agreed with the authority."
)
OTHER = "Ana Lima visited the museum with Cy Ode on Tuesday to open the restored textile mill."
PEOPLE = [("person", "Ana Lima", "Ana Lima"), ("person", "Bo Chen", "Bo Chen")]


@pytest.fixture
def corpus(engine: Engine) -> dict[str, int]:
    """Two articles, and a near-duplicate of the first (wire copy in another paper)."""
    first = add_article(
        engine,
        STORY,
        [
            *PEOPLE,
            ("organisation", "Harbour Authority", "Harbour Authority"),
            ("person", "Ana Lima", "Lima"),
        ],
        publisher="Gazette",
        published_at=MONDAY,
        title="Ferry subsidy agreed",
    )
    second = add_article(
        engine,
        OTHER,
        [("person", "Ana Lima", "Ana Lima"), ("person", "Cy Ode", "Cy Ode")],
        publisher="Courier",
        published_at=TUESDAY,
        title="Mill reopens",
    )
    copy = add_article(
        engine,
        STORY + " More soon.",
        PEOPLE,
        publisher="Reprints",
        published_at=TUESDAY,
        title="Ferry subsidy agreed (wire)",
    )
    assert scalar(engine, "SELECT duplicate_of FROM articles WHERE id = :i", i=copy) == first
    return {"first": first, "second": second, "copy": copy}


def test_article_entities_is_flat_and_keeps_duplicates(
    engine: Engine, corpus: dict[str, int]
) -> None:
    got = rows(
        engine,
        "SELECT article_id, entity_name, mentions, day, duplicate_of FROM article_entities "
        "WHERE entity_name = 'Ana Lima' ORDER BY article_id",
    )
    assert got == [
        (corpus["first"], "Ana Lima", 2, MONDAY.date(), None),
        (corpus["second"], "Ana Lima", 1, TUESDAY.date(), None),
        (corpus["copy"], "Ana Lima", 1, TUESDAY.date(), corpus["first"]),
    ]


def test_daily_mentions_by_publisher_leave_duplicates_out(
    engine: Engine, corpus: dict[str, int]
) -> None:
    got = rows(
        engine,
        "SELECT day, publisher, mentions, articles FROM daily_entity_mentions "
        "WHERE entity_name = 'Ana Lima' ORDER BY day",
    )
    assert got == [(MONDAY.date(), "Gazette", 2, 1), (TUESDAY.date(), "Courier", 1, 1)]


def test_person_pairs_count_shared_articles_once_per_pair(
    engine: Engine, corpus: dict[str, int]
) -> None:
    got = rows(engine, "SELECT person_a, person_b, shared_articles FROM person_pairs ORDER BY 1, 2")
    assert got == [("Ana Lima", "Bo Chen", 1), ("Ana Lima", "Cy Ode", 1)]
    mixed = rows(
        engine,
        "SELECT kind_a, name_a, kind_b, name_b, shared_articles FROM entity_pairs "
        "WHERE 'Harbour Authority' IN (name_a, name_b) ORDER BY name_b",
    )
    assert mixed == [
        ("organisation", "Harbour Authority", "person", "Ana Lima", 1),
        ("organisation", "Harbour Authority", "person", "Bo Chen", 1),
    ]


def test_top_entities_rank_by_articles(engine: Engine, corpus: dict[str, int]) -> None:
    got = rows(
        engine,
        "SELECT rank, name, articles, mentions, publishers FROM top_people ORDER BY rank, name",
    )
    assert got == [(1, "Ana Lima", 2, 3, 2), (2, "Bo Chen", 1, 1, 1), (2, "Cy Ode", 1, 1, 1)]
    assert rows(engine, "SELECT name, articles FROM top_organisations") == [
        ("Harbour Authority", 1)
    ]


def test_search_ranks_and_highlights(engine: Engine, corpus: dict[str, int]) -> None:
    got = rows(engine, "SELECT article_id, title, snippet FROM search_articles('ferry subsidy')")
    assert [r[0] for r in got] == [corpus["first"]]  # the wire copy only on request
    assert "**subsidy**" in str(got[0][2]) and "\n" not in str(got[0][2])
    both = rows(engine, "SELECT article_id FROM search_articles('subsidy', true)")
    assert {r[0] for r in both} == {corpus["first"], corpus["copy"]}
    assert rows(engine, "SELECT * FROM search_articles('mill -ferry')")[0][0] == corpus["second"]
    assert rows(engine, "SELECT * FROM search_articles('zeppelin')") == []
    ranks = rows(engine, "SELECT rank FROM search_articles('subsidy or mill', true)")
    assert [r[0] for r in ranks] == sorted((r[0] for r in ranks), reverse=True)


def test_search_uses_the_full_text_index(engine: Engine, corpus: dict[str, int]) -> None:
    with engine.connect() as conn:
        # A handful of rows would be scanned anyway; forbid that to see what the plan can use.
        conn.execute(text("SET enable_seqscan = off"))
        plan = "\n".join(
            conn.scalars(text("EXPLAIN SELECT * FROM search_articles('ferry', true)")).all()
        )
    assert "ix_articles_fts" in plan, plan
