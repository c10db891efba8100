"""Near-duplicates at load time: the one linker, for a new batch and for an article rewritten
in place. Each article links (`duplicate_of`) to the first article of the chain it nearly
repeats among the articles *before* it; its signature and band keys are indexed for later ones.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np
from sqlalchemy import Connection, text

from newsdesk.dedupe import DUPLICATE_SIMILARITY, similarities
from newsdesk.load.copy import copy_text, driver_cursor
from newsdesk.records import Item

# Advisory-lock key (one bigint) of the near-duplicate index; the two-int run locks live in a
# key space of their own.
NEAR_DUPLICATE_LOCK = 0x6E64_6475_7073


def lock_near_duplicates(conn: Connection) -> None:
    """Hold the near-duplicate index until commit, before looking for near-duplicates in it.

    Two runs loading near-duplicates at once would each miss the other's uncommitted articles
    and link neither, so looking up candidates, writing the articles with their links and
    indexing their bands happen under one lock, and the second run's lookup sees the first's
    commit. One lock, not one per band key: a batch has thousands of band keys, and as many
    locks cost more than the wait (and can exhaust the server's lock table). Take it after
    anything that may wait for another transaction's rows (documents, entities), so a
    transaction holding it never waits for one waiting for it.
    """
    conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": NEAR_DUPLICATE_LOCK})


# Stored articles sharing a band with the batch, with the band keys they share (the only ones
# a lookup can hit, so their other keys need not be computed). One index probe per key: with
# `band_key = ANY(:keys)` or a plain join and thousands of keys the planner reads the whole
# table instead (a hash join), so each batch would cost more as the database grows. OFFSET 0
# keeps the lateral subquery from being flattened into that join. Run on the driver's cursor
# (psycopg placeholders) in binary: 128-value signatures come back several times faster so.
CANDIDATES = (
    "SELECT b.article_id, b.keys, s.signature, a.duplicate_of FROM "
    "(SELECT hit.article_id, array_agg(hit.band_key) AS keys "
    "FROM unnest(CAST(%(keys)s AS bigint[])) AS wanted(key) CROSS JOIN LATERAL "
    "(SELECT article_id, band_key FROM article_bands WHERE band_key = wanted.key OFFSET 0) hit "
    "GROUP BY hit.article_id) b "
    "JOIN article_signatures s ON s.article_id = b.article_id "
    "JOIN articles a ON a.id = b.article_id"
)


def links(conn: Connection, article_ids: Sequence[int], items: Sequence[Item]) -> list[int | None]:
    """`duplicate_of` for each article: the first of the chain it nearly repeats, if any.

    Candidates are the stored articles sharing a band with any of `items` (one query) and the
    earlier ones of `items`, and only articles with a smaller id than the one linked: a fresh
    batch draws larger ids than anything stored, and an article rewritten in place (reprocess)
    must never become a copy of a later copy of itself. Call with the near-duplicate lock held.
    """
    wanted = sorted({k for item in items for k in item.bands})
    index = BandIndex()
    if wanted:
        with driver_cursor(conn, CANDIDATES, binary=True) as cursor:
            for article_id, keys, signature, original in cursor.execute(
                CANDIDATES, {"keys": wanted}
            ):
                index.add(article_id, signature, keys, original)
    found: list[int | None] = []
    for article_id, item in zip(article_ids, items, strict=True):
        target = None
        if item.signature:
            signature = np.asarray(item.signature, dtype=np.int64)  # once, for both calls
            target = index.match(signature, item.bands, before=article_id)
            index.add(article_id, signature, item.bands, target)
        found.append(target)
    return found


def write_index(conn: Connection, article_ids: Sequence[int], items: Sequence[Item]) -> None:
    """Signatures and band keys, as COPY text made here: only integers, nothing to escape, and
    much faster than adapting 128-value arrays row by row."""
    indexed = [(a, item) for a, item in zip(article_ids, items, strict=True) if item.signature]
    signatures = "".join(
        f"{a}\t{{{','.join(map(str, item.signature or ()))}}}\n" for a, item in indexed
    )
    bands = "".join(f"{k}\t{a}\n" for a, item in indexed for k in sorted(set(item.bands)))
    copy_text(conn, "article_signatures", ("article_id", "signature"), signatures)
    copy_text(conn, "article_bands", ("band_key", "article_id"), bands)


class BandIndex:
    """Signatures by band key, to find the earliest near-duplicate of an article."""

    def __init__(self) -> None:
        self.by_band: dict[int, list[int]] = {}
        self.signatures: dict[int, np.ndarray] = {}
        self.originals: dict[int, int | None] = {}

    def add(
        self,
        article_id: int,
        signature: Sequence[int] | np.ndarray,
        keys: Iterable[int],
        original: int | None,
    ) -> None:
        self.signatures[article_id] = np.asarray(signature, dtype=np.int64)  # once, not per match
        self.originals[article_id] = original
        for key in keys:
            self.by_band.setdefault(key, []).append(article_id)

    def match(self, signature: np.ndarray, keys: Iterable[int], before: int) -> int | None:
        """The first article of the chain this signature nearly repeats among the articles
        with an id below `before`, if any."""
        candidates = sorted({a for k in keys for a in self.by_band.get(k, []) if a < before})
        scores = similarities(signature, [self.signatures[a] for a in candidates])
        for other, score in zip(candidates, scores, strict=True):
            if score >= DUPLICATE_SIMILARITY:
                return self.originals[other] or other
        return None
