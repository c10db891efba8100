"""Metadata an analyst can trust: where each value came from, and a modified date apart.

Why: no extractor said how it knew an article's date, publisher or authors, so an analyst
could not tell a date read from the page's JSON-LD from one guessed from its URL, nor find
the articles whose date rests on the weakest evidence. Now every article keeps:

- `articles.provenance`: per metadata field it has a value for (title, standfirst, authors,
  publisher, published_at, modified_at), the source that won ('json-ld:datePublished',
  'meta:og:site_name', 'time-tag', 'byline-line', 'dateline', 'url', ...) and the candidates
  that lost;
- `articles.modified_at`: the page's last-modified date, kept apart from its publication date
  (pages that print only "Updated ..." used to have that taken for published);
- the view `article_provenance`: one row per article and field, so "articles whose date came
  only from the URL" is one WHERE clause (docs/queries.sql);
- `publisher_names`: publisher names learned from what is loaded (a domain whose pages name
  their site in og:site_name, JSON-LD publisher or a masthead), given to the domain's pages
  that name none: they showed a bare domain ("joongang.co.kr") as their publisher;
- `articles.credits`: the agencies credited ("Photo: AFP", "[YONHAP]", "(AP)", "Reuters"),
  kept apart from the authors, so syndicated copies can be counted by source.

Articles loaded before this migration have an empty provenance: `newsdesk reprocess
--outdated-only` rebuilds them (PIPELINE_VERSION 0.4.0).

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-01
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Kept here rather than imported from `models`, so this migration stays what it was when
# applied; tests/test_migrations.py checks `models` carries the same texts.
COLUMN_COMMENTS: dict[str, str] = {
    "provenance": "Where each metadata value came from: a JSON object keyed by field (title, "
    "standfirst, authors, publisher, published_at, modified_at; only fields with a value), "
    "each {source, value, lost: [{source, value}]}: the rule that won (e.g. "
    "'json-ld:datePublished', 'meta:og:site_name', 'time-tag', 'byline-line', 'dateline', "
    "'url') with the value as found, and the candidates that lost. See the view "
    "article_provenance.",
    "modified_at": "When the page says the article was last updated (timestamptz); NULL when "
    "it gives no such date. Kept apart from published_at.",
    "credits": "News and photo agencies the article credits (e.g. 'AFP', 'Yonhap', 'Reuters'), "
    "the wire dateline's first; kept apart from authors. Empty when none.",
}
PUBLISHER_NAMES_COMMENT = (
    "Publisher names learned from the loaded articles: a web or e-mail domain whose pages name "
    "their site (og:site_name, JSON-LD publisher, a masthead) in at least 2 originals, one "
    "name for at least two thirds of them. Articles of the domain that name no publisher of "
    "their own take it (provenance source 'learned'). Relearned by every settle."
)
PUBLISHER_NAMES_COLUMNS: dict[str, str] = {
    "domain": "The host of the articles' URL without 'www.', or the domain of their byline "
    "e-mails.",
    "name": "The publisher name the domain's pages give.",
    "articles": "Original articles of the domain that give that name.",
    "learned_at": "When the name was first learned.",
}

VIEW = """
    SELECT a.id AS article_id, p.key AS field, p.value ->> 'source' AS source,
           p.value -> 'value' AS value,
           jsonb_array_length(coalesce(p.value -> 'lost', '[]'::jsonb)) AS lost_candidates,
           coalesce(p.value -> 'lost', '[]'::jsonb) AS lost,
           a.publisher, a.published_at, a.url, a.duplicate_of
    FROM articles a
    CROSS JOIN LATERAL jsonb_each(a.provenance) AS p(key, value)
"""
VIEW_COMMENT = (
    "One row per article and metadata field it has a value for: where the value came from "
    "(articles.provenance unnested). Includes near-duplicates; filter on duplicate_of IS NULL "
    "to drop them."
)
VIEW_COLUMN_COMMENTS: dict[str, str] = {
    "article_id": "The article (articles.id).",
    "field": "title, standfirst, authors, publisher, published_at or modified_at.",
    "source": "The rule the value came from: 'json-ld:<key>', 'meta:<name>', 'title-tag', "
    "'h1', 'time-tag', 'date-element', 'after-headline', 'headline-line', 'deck-line', "
    "'byline-line', 'byline-element', 'masthead', 'email-domain', 'dateline', "
    "'late-dateline', 'url', 'record:<key>', 'registry' (the shipped or the user's registry "
    "of names by domain), 'learned' (publisher_names).",
    "value": "The value as the source gave it (JSON: a string, or a list of names).",
    "lost_candidates": "How many other candidates the field had (0: this source was the only one).",
    "lost": "The candidates that lost: a JSON array of {source, value}.",
    "publisher": "The article's publisher.",
    "published_at": "The article's publication time.",
    "url": "The article's URL.",
    "duplicate_of": "Non-NULL for a near-duplicate article (articles.duplicate_of).",
}


def _quote(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def upgrade() -> None:
    op.add_column(
        "articles",
        sa.Column(
            "provenance",
            postgresql.JSONB(astext_type=sa.Text()),
            server_default=sa.text("'{}'::jsonb"),
            nullable=False,
        ),
    )
    op.add_column("articles", sa.Column("modified_at", sa.DateTime(timezone=True), nullable=True))
    op.add_column(
        "articles",
        sa.Column(
            "credits",
            postgresql.ARRAY(sa.Text()),
            server_default=sa.text("'{}'"),
            nullable=False,
        ),
    )
    op.create_table(
        "publisher_names",
        sa.Column("domain", sa.Text(), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("articles", sa.Integer(), nullable=False),
        sa.Column(
            "learned_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.PrimaryKeyConstraint("domain", name=op.f("pk_publisher_names")),
    )
    op.execute(f"COMMENT ON TABLE publisher_names IS {_quote(PUBLISHER_NAMES_COMMENT)}")
    for column, text_ in PUBLISHER_NAMES_COLUMNS.items():
        op.execute(f"COMMENT ON COLUMN publisher_names.{column} IS {_quote(text_)}")
    for column, text_ in COLUMN_COMMENTS.items():
        op.execute(f"COMMENT ON COLUMN articles.{column} IS {_quote(text_)}")
    op.execute(f"CREATE VIEW article_provenance AS {VIEW}")
    op.execute(f"COMMENT ON VIEW article_provenance IS {_quote(VIEW_COMMENT)}")
    for column, text_ in VIEW_COLUMN_COMMENTS.items():
        op.execute(f"COMMENT ON COLUMN article_provenance.{column} IS {_quote(text_)}")


def downgrade() -> None:
    op.execute("DROP VIEW article_provenance")
    op.drop_table("publisher_names")
    op.drop_column("articles", "credits")
    op.drop_column("articles", "modified_at")
    op.drop_column("articles", "provenance")
