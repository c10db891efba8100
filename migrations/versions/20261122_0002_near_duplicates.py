"""Near-duplicate index: MinHash signatures and LSH bands of article bodies.

Why: the same story republished (wire copy, a second edition) should be linked through
`articles.duplicate_of` without comparing every new article with every old one. Each article's
MinHash signature is split into bands; two articles that share a band are candidates, and only
candidates have their signatures compared.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "article_signatures",
        sa.Column("article_id", sa.BigInteger(), nullable=False),
        sa.Column("signature", postgresql.ARRAY(sa.BigInteger()), nullable=False),
        sa.ForeignKeyConstraint(
            ["article_id"],
            ["articles.id"],
            name=op.f("fk_article_signatures_article_id_articles"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("article_id", name=op.f("pk_article_signatures")),
    )
    op.create_table(
        "article_bands",
        sa.Column("band_key", sa.BigInteger(), nullable=False),
        sa.Column("article_id", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["article_id"],
            ["articles.id"],
            name=op.f("fk_article_bands_article_id_articles"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("band_key", "article_id", name=op.f("pk_article_bands")),
    )
    op.create_index(op.f("ix_article_bands_article_id"), "article_bands", ["article_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_article_bands_article_id"), table_name="article_bands")
    op.drop_table("article_bands")
    op.drop_table("article_signatures")
