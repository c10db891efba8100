"""Documents that are records of a WARC file (a crawl: CC-NEWS, Heritrix, Browsertrix, wget).

Why: a crawl's pages arrive as records of one large .warc.gz, not as files. Each HTML response
record is loaded as its own document, and the document now says where the record came from and
when the page was fetched, so an article can be traced back to its record (and `reprocess`
rebuilds it from `raw`, the record's HTTP block) and the fetch time is kept apart from the
publication date. All four columns are NULL for documents that are not WARC records.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-01
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Kept here rather than imported from `models`, so this migration stays what it was when
# applied; tests/test_migrations.py checks `models` carries the same texts.
COLUMNS: dict[str, tuple[sa.types.TypeEngine[Any], str]] = {
    "fetched_at": (
        sa.DateTime(timezone=True),
        "For a WARC record: its WARC-Date, when the crawler fetched the page (never the "
        "publication date, which is articles.published_at).",
    ),
    "target_uri": (
        sa.Text(),
        "For a WARC record: its WARC-Target-URI, the URL the page was fetched from (the "
        "article's url).",
    ),
    "record_id": (sa.Text(), "For a WARC record: its WARC-Record-ID."),
    "record_offset": (
        sa.BigInteger(),
        "For a WARC record: the byte offset its record starts at in the file source_uri names "
        "(in the compressed file for .warc.gz).",
    ),
}
# Comments of older columns that now say what they hold for a WARC record, and what they said.
CHANGED = {
    "source_uri": "Where the input came from: file path, path#line[index] for a record of a "
    ".json/.jsonl file, or path#offset for a record of a WARC file.",
    "content_sha256": "SHA-256 of raw (for a WARC record: of its payload, decoded); unique, so "
    "the same content is stored once.",
    "raw": "The original bytes (for a JSON record: the record as canonical JSON; for a WARC "
    "record: its HTTP block, status line, headers and payload as stored).",
}
BEFORE = {
    "source_uri": "Where the input came from: file path, or path#line[index] for a record of "
    "a .json/.jsonl file.",
    "content_sha256": "SHA-256 of raw; unique, so the same content is stored once.",
    "raw": "The original bytes (for a JSON record: the record as canonical JSON).",
}


def upgrade() -> None:
    for name, (type_, _) in COLUMNS.items():
        op.add_column("documents", sa.Column(name, type_, nullable=True))
    comments = {**{name: comment for name, (_, comment) in COLUMNS.items()}, **CHANGED}
    for name, comment in comments.items():
        op.execute(f"COMMENT ON COLUMN documents.{name} IS {_quote(comment)}")


def downgrade() -> None:
    for name, comment in BEFORE.items():
        op.execute(f"COMMENT ON COLUMN documents.{name} IS {_quote(comment)}")
    for name in reversed(COLUMNS):
        op.drop_column("documents", name)


def _quote(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"
