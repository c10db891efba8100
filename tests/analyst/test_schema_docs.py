"""The schema explains itself: every table, view and column has a comment; docs/schema.md is
what the generator makes of them."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine, text

from newsdesk.analyst import schema_docs

SCHEMA_MD = Path(__file__).resolve().parents[2] / "docs" / "schema.md"
ANALYST_VIEWS = {
    "article_entities",
    "daily_entity_mentions",
    "entity_pairs",
    "person_pairs",
    "top_people",
    "top_organisations",
}


def test_every_table_view_and_column_has_a_comment(engine: Engine) -> None:
    with engine.connect() as conn:
        relations, _ = schema_docs.read_schema(conn)
        missing = schema_docs.missing_comments(conn)
    assert {r.name for r in relations if r.is_view} >= ANALYST_VIEWS
    assert len(relations) >= 18
    assert missing == [], f"add a COMMENT ON in a migration for: {missing}"


def test_missing_comments_notices_a_new_column(engine: Engine) -> None:
    with engine.begin() as conn:
        conn.execute(text("ALTER TABLE people ADD COLUMN nickname text"))
        assert schema_docs.missing_comments(conn) == ["people.nickname"]


def test_search_function_is_described(engine: Engine) -> None:
    with engine.connect() as conn:
        comment = conn.scalar(
            text("SELECT obj_description('search_articles(text, boolean)'::regprocedure)")
        )
    assert comment and "ix_articles_fts" in comment


def test_committed_schema_md_matches_the_generator(engine: Engine) -> None:
    with engine.connect() as conn:
        generated = schema_docs.render(conn)
    assert SCHEMA_MD.read_text(encoding="utf-8") == generated, (
        "docs/schema.md is stale: run python -m newsdesk.analyst.schema_docs "
        "--url <a migrated database>"
    )


def test_schema_md_draws_the_relationships(engine: Engine) -> None:
    with engine.connect() as conn:
        generated = schema_docs.render(conn)
    assert "```mermaid\nerDiagram" in generated
    assert 'people ||--o{ mentions : "person_id"' in generated
    assert 'documents ||--o{ articles : "document_id"' in generated
    assert "### top_people" in generated and "### search_articles(" in generated
