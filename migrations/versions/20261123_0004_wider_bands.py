"""Near-duplicate bands of 6 signature values instead of 4: 21 bands per article, not 32.

Why: the decision threshold is an estimated Jaccard similarity of 0.8, but bands of 4 values
made every pair above about 0.42 a candidate (the LSH threshold is (1/bands)^(1/rows)). Loads
spent their time writing 32 band rows per article and comparing signatures of articles that
share a few paragraphs and nothing more. With 21 bands of 6 values a pair at 0.8 is still a
candidate with probability 0.998 (0.99998 at 0.85), a pair at 0.5 with 0.28 instead of 0.87,
and each article writes a third fewer rows.

The stored signatures are unchanged; this migration recomputes every article's band keys from
them (both directions), in chunks, so an existing database keeps finding its near-duplicates.
The key function is copied here rather than imported, so this migration stays what it was
when applied.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-23
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

CHUNK = 5000


def upgrade() -> None:
    _set_band_width(6, was=4)


def downgrade() -> None:
    _set_band_width(4, was=6)


def _set_band_width(rows: int, was: int) -> None:
    """Every stored article's bands recomputed `rows` values wide, and the column says so."""
    _reband(rows)
    op.alter_column(
        "article_bands",
        "band_key",
        existing_type=sa.BigInteger(),
        comment=f"Hash of one band ({rows} values) of the signature.",
        existing_comment=f"Hash of one band ({was} values) of the signature.",
    )


def _band_keys(signature: Sequence[int], rows: int) -> list[int]:
    """newsdesk.load.band_keys as of this revision, with the band width as a parameter."""
    keys = []
    for band in range(0, len(signature) - rows + 1, rows):
        data = band.to_bytes(2, "big") + b"".join(
            int(v).to_bytes(8, "big") for v in signature[band : band + rows]
        )
        digest = hashlib.blake2b(data, digest_size=8).digest()
        keys.append(int.from_bytes(digest, "big", signed=True))
    return keys


def _reband(rows: int) -> None:
    conn = op.get_bind()
    conn.execute(sa.text("DELETE FROM article_bands"))
    after = 0
    select = sa.text(
        "SELECT article_id, signature FROM article_signatures WHERE article_id > :after "
        "ORDER BY article_id LIMIT :n"
    )
    insert = sa.text(
        "INSERT INTO article_bands (band_key, article_id) "
        "SELECT * FROM unnest(CAST(:keys AS bigint[]), CAST(:ids AS bigint[])) "
        "ON CONFLICT DO NOTHING"
    )
    while chunk := conn.execute(select, {"after": after, "n": CHUNK}).all():
        keys: list[int] = []
        ids: list[int] = []
        for article_id, signature in chunk:
            for key in sorted(set(_band_keys(signature, rows))):
                keys.append(key)
                ids.append(article_id)
        conn.execute(insert, {"keys": keys, "ids": ids})
        after = chunk[-1][0]
