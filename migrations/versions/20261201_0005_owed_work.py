"""What a run owes after its articles commit, kept in the database with the articles.

Why: the cross-article pass (short names resolved from other articles of the same story,
names the model missed) and the learned boilerplate ran after the last batch committed, and a
run killed in between lost them for good: the rerun found nothing new to load and never did
them. Now every load writes, in the transaction of its articles:

- `pending_work`: one row per article whose after-commit work is not done yet; every run (one
  with nothing new, a scheduled one, reprocess) first settles what an earlier run left, and
  the row goes in the transaction that settles it;
- `article_lines`: the short lines each article keeps when no learned boilerplate is applied,
  the statistic learned boilerplate is counted on, so what is learned depends only on which
  articles are loaded, never on the order or the runs they came in;
- `learned_lines`: the learned boilerplate last applied, so the articles a change concerns
  are found and rebuilt;
- `mentions.short_key` and `mentions.echo`: which mentions the cross-article pass decided, so
  a later pass can decide them again when new articles change what the story says (a second
  "Kim" makes a short "Kim" ambiguous again).

Articles loaded before this migration have no `article_lines`: `newsdesk reprocess` fills them.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Kept here rather than imported from `models`, so this migration stays what it was when
# applied; tests/test_migrations.py checks `models` carries the same texts.
COMMENTS: dict[str, tuple[str | None, dict[str, str]]] = {
    "pending_work": (
        "Articles whose after-commit work (learned boilerplate, cross-article names) is not "
        "done yet: written with the article, deleted by the run that settles it. Rows here "
        "after every run has finished mean a run was killed; the next run settles them.",
        {
            "article_id": "The article (articles.id).",
            "run_id": "The run that wrote or rewrote the article (pipeline_runs.id).",
            "created_at": "When the work became owed.",
        },
    ),
    "article_lines": (
        "The short lines an article keeps when no learned boilerplate is applied: what "
        "learned boilerplate is counted on.",
        {
            "article_id": "The article (articles.id).",
            "line_key": "The line folded (case, quotes, punctuation; newsdesk.clean.text.fold).",
            "line": "The line as the article first writes it.",
        },
    ),
    "learned_lines": (
        "Boilerplate learned from the loaded articles and applied to them: a line that at "
        "least 3 articles and a fifth of one publisher's originals keep.",
        {
            "line_key": "The folded line; articles holding it list it in removed as 'learned'.",
            "line": "The line as one of those articles writes it.",
            "publishers": "The publishers whose articles repeat it.",
            "learned_at": "When it was first applied.",
        },
    ),
    "mentions": (
        None,
        {
            "short_key": "For a mention the cross-article pass decided: the one-word name "
            "key it was written as (e.g. 'choe'); NULL when the article itself decided it.",
            "echo": "True for a lone name word the model did not tag, found by the "
            "cross-article pass in another article of the same story.",
        },
    ),
    "pipeline_runs": (
        None,
        {"status": "running, completed, failed, or crashed (the process died mid-run)."},
    ),
    "rejects": (
        None,
        {
            "stage": "Stage that rejected it: discover (a file of a kind newsdesk does not "
            "read), read, clean, normalise, entities or load."
        },
    ),
}
OLD_COMMENTS = {
    "pipeline_runs.status": "running, completed or failed.",
    "rejects.stage": "Stage that rejected it: read, clean, normalise, entities or load.",
}


def upgrade() -> None:
    op.create_table(
        "pending_work",
        sa.Column("article_id", sa.BigInteger(), nullable=False),
        sa.Column("run_id", sa.BigInteger(), nullable=True),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.ForeignKeyConstraint(
            ["article_id"],
            ["articles.id"],
            name=op.f("fk_pending_work_article_id_articles"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["run_id"],
            ["pipeline_runs.id"],
            name=op.f("fk_pending_work_run_id_pipeline_runs"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("article_id", name=op.f("pk_pending_work")),
    )
    op.create_table(
        "article_lines",
        sa.Column("article_id", sa.BigInteger(), nullable=False),
        sa.Column("line_key", sa.Text(), nullable=False),
        sa.Column("line", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["article_id"],
            ["articles.id"],
            name=op.f("fk_article_lines_article_id_articles"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("article_id", "line_key", name=op.f("pk_article_lines")),
    )
    op.create_index(op.f("ix_article_lines_line_key"), "article_lines", ["line_key"])
    op.create_table(
        "learned_lines",
        sa.Column("line_key", sa.Text(), nullable=False),
        sa.Column("line", sa.Text(), nullable=False),
        sa.Column(
            "publishers",
            sa.dialects.postgresql.ARRAY(sa.Text()),
            server_default=sa.text("'{}'"),
            nullable=False,
        ),
        sa.Column(
            "learned_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.PrimaryKeyConstraint("line_key", name=op.f("pk_learned_lines")),
    )
    op.add_column("mentions", sa.Column("short_key", sa.Text(), nullable=True))
    op.add_column(
        "mentions",
        sa.Column("echo", sa.Boolean(), server_default=sa.text("false"), nullable=False),
    )
    for table, (comment, columns) in COMMENTS.items():
        if comment is not None:
            op.execute(f"COMMENT ON TABLE {table} IS {_quote(comment)}")
        for column, text_ in columns.items():
            op.execute(f"COMMENT ON COLUMN {table}.{column} IS {_quote(text_)}")


def downgrade() -> None:
    for column, comment in OLD_COMMENTS.items():
        op.execute(f"COMMENT ON COLUMN {column} IS {_quote(comment)}")
    op.drop_column("mentions", "echo")
    op.drop_column("mentions", "short_key")
    op.drop_table("learned_lines")
    op.drop_index(op.f("ix_article_lines_line_key"), table_name="article_lines")
    op.drop_table("article_lines")
    op.drop_table("pending_work")


def _quote(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"
