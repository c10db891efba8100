"""Bulk loading: a batch of articles in one transaction, every table written set-based.

Each article is still all or nothing: the batch commits whole or not at all, and when it fails
for a reason that is not transient (one article the database refuses), the batch is loaded
again one article per transaction, so the bad one is isolated and the rest go in. Loading one
article (`load.load_article`, and the fallback) is the same code with a batch of one.

A batch costs a fixed handful of round trips, whatever its size:
1. documents: one INSERT ... SELECT FROM unnest(...) ON CONFLICT DO NOTHING; the rows it
   returns are the fresh inputs, the rest were loaded before (by this run or another);
2. entities: aliases looked up and missing entities upserted for the whole batch;
3. the fresh inputs' old rejects deleted;
4. the near-duplicate lock (held to commit), then the article ids drawn from their sequence;
5. one query for the stored signatures sharing a band with any article of the batch; links
   (`duplicate_of`) are decided in Python, against those and earlier articles of the batch;
6. COPY articles (with their links, so no row is written twice), signatures, bands, mentions;
7. the work owed after the commit: COPY the articles' learnable lines, one `pending_work` row
   each (`newsdesk.learn.settle` does the work and deletes the rows).
Every batch transaction shares the settle lock, so a settle never sees half a batch.

The CPU-only work (MinHash signatures, band keys) is done before the load, by the flow; an
item with a signature and no band keys gets them here.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import replace
from typing import Any

import numpy as np
import psycopg
from sqlalchemy import Connection, Engine, text
from sqlalchemy.exc import DBAPIError

from newsdesk import PIPELINE_VERSION, load
from newsdesk.clean.dedupe import band_keys, similarities
from newsdesk.errors import is_transient
from newsdesk.records import Item, RawDocument

__all__ = ["Item", "load_items", "write"]

ARTICLE_COLUMNS = (
    "id",
    "document_id",
    "source_uri",
    "url",
    "publisher",
    "title",
    "standfirst",
    "authors",
    "section",
    "published_at",
    "language",
    "body",
    "word_count",
    "removed",
    "duplicate_of",
    "pipeline_version",
)
MENTION_COLUMNS = (
    "article_id",
    "person_id",
    "organisation_id",
    "field",
    "start_char",
    "end_char",
    "surface",
    "sentence",
)

# The same bytes twice in a batch: the first copy wins. Sorted by hash, one lock order for
# concurrent runs inserting the same documents.
INSERT_DOCUMENTS = text(
    "INSERT INTO documents (source_uri, content_sha256, media_type, raw) "
    "SELECT * FROM unnest(CAST(:uris AS text[]), CAST(:shas AS text[]), "
    "CAST(:types AS text[]), CAST(:raws AS bytea[])) ORDER BY 2 "
    "ON CONFLICT (content_sha256) DO NOTHING RETURNING content_sha256, id"
)
ARTICLE_IDS = text(
    "SELECT nextval(pg_get_serial_sequence('articles', 'id')) FROM generate_series(1, :n) "
    "ORDER BY 1"
)
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
DELETE_REJECTS = text(
    "DELETE FROM rejects WHERE content_sha256 = ANY(CAST(:shas AS text[])) "
    "OR (content_sha256 IS NULL AND source_uri = ANY(CAST(:uris AS text[])))"
)


# Per item: the new article id, None when its document was already loaded, or the error that
# kept it out (only after the per-article fallback).
Outcome = int | None | Exception
# Seconds spent in each step of the load (the names of STEPS), summed over the calls given it.
Steps = dict[str, float]
STEPS = (
    "documents",
    "entities",
    "near-duplicate lookup",
    "articles",
    "near-duplicate index",
    "mentions",
    "owed work",
    "commit",
)


def load_items(
    engine: Engine, items: Sequence[Item], steps: Steps | None = None, run_id: int | None = None
) -> list[Outcome]:
    """Load a batch; outcomes in the order of `items`. `steps` collects time per step; `run_id`
    is the run its after-commit work is owed to."""
    if not items:
        return []
    steps = {} if steps is None else steps
    try:
        with engine.begin() as conn:
            outcomes = write(conn, items, steps, run_id)
            started = time.perf_counter()
        _add(steps, "commit", started)
        return outcomes
    except DBAPIError as exc:
        if is_transient(exc):
            raise
    return [_load_one(engine, item, steps, run_id) for item in items]


def _load_one(engine: Engine, item: Item, steps: Steps, run_id: int | None) -> Outcome:
    try:
        with engine.begin() as conn:
            return write(conn, [item], steps, run_id)[0]
    except DBAPIError as exc:
        if is_transient(exc):
            raise
        return exc


def write(
    conn: Connection, items: Sequence[Item], steps: Steps | None = None, run_id: int | None = None
) -> list[Outcome]:
    """Every step of the load in the caller's transaction; outcomes in the order of `items`."""
    steps = {} if steps is None else steps
    items = [_with_bands(item) for item in items]
    with _step(steps, "documents"):
        load.share_settle_lock(conn)  # a settle sees this batch whole, or not at all
        document_ids = _insert_documents(conn, items)
    outcomes: list[Outcome] = [None] * len(items)
    fresh: list[int] = []
    taken: set[str] = set()  # a second copy of the same bytes counts as already loaded
    for i, item in enumerate(items):
        sha = item.doc.content_sha256
        if sha in document_ids and sha not in taken:
            taken.add(sha)
            fresh.append(i)
    if not fresh:
        return outcomes
    batch = [items[i] for i in fresh]
    with _step(steps, "entities"):
        entity_ids = _entity_ids(conn, batch)
    with _step(steps, "documents"):
        shas, uris = [i.doc.content_sha256 for i in batch], [i.doc.source_uri for i in batch]
        conn.execute(DELETE_REJECTS, {"shas": shas, "uris": uris})
    with _step(steps, "near-duplicate lookup"):
        load.lock_near_duplicates(conn)
        article_ids = list(conn.execute(ARTICLE_IDS, {"n": len(batch)}).scalars())
        links = _links(conn, article_ids, batch)
    with _step(steps, "articles"):
        _copy_articles(conn, article_ids, batch, links, document_ids)
    with _step(steps, "near-duplicate index"):
        _copy_near_duplicate_index(conn, article_ids, batch)
    with _step(steps, "mentions"):
        _copy_mentions(conn, article_ids, batch, entity_ids)
    with _step(steps, "owed work"):
        _copy_lines(conn, article_ids, batch)
        load.owe_work(conn, article_ids, run_id)
    for i, article_id in zip(fresh, article_ids, strict=True):
        outcomes[i] = article_id
    return outcomes


def _with_bands(item: Item) -> Item:
    """The item with the band keys of its signature (computed only when missing)."""
    if item.signature and not item.bands:
        return replace(item, bands=band_keys(item.signature))
    return item


@contextmanager
def _step(steps: Steps, name: str) -> Iterator[None]:
    started = time.perf_counter()
    try:
        yield
    finally:
        _add(steps, name, started)


def _add(steps: Steps, name: str, started: float) -> None:
    steps[name] = steps.get(name, 0.0) + time.perf_counter() - started


def _insert_documents(conn: Connection, items: Sequence[Item]) -> dict[str, int]:
    """Insert the documents not yet loaded; content hash -> id of those inserted now."""
    first: dict[str, RawDocument] = {}
    for item in items:
        first.setdefault(item.doc.content_sha256, item.doc)
    docs = list(first.values())
    params = {
        "uris": [d.source_uri for d in docs],
        "shas": [d.content_sha256 for d in docs],
        "types": [d.media_type for d in docs],
        "raws": [d.raw for d in docs],
    }
    return dict(conn.execute(INSERT_DOCUMENTS, params).tuples().all())


def _entity_ids(conn: Connection, batch: Sequence[Item]) -> dict[tuple[str, str], int]:
    """(kind, folded key) -> entity id, for every mention of the batch."""
    everything = [x for item in batch for x in item.mentions]
    ids: dict[tuple[str, str], int] = {}
    for kind in ("person", "organisation"):
        found = load.entity_ids(conn, kind, [x for x in everything if x.kind == kind])
        ids.update(((kind, key), entity_id) for key, entity_id in found.items())
    return ids


def _links(conn: Connection, article_ids: Sequence[int], batch: Sequence[Item]) -> list[int | None]:
    """`duplicate_of` of each new article: the first of the chain it nearly repeats, if any.

    Candidates are the stored articles sharing a band with any article of the batch (one query)
    and the batch's own earlier articles. Call with the near-duplicate lock held.
    """
    wanted = sorted({k for item in batch for k in item.bands})
    index = _BandIndex()
    if wanted:
        with _driver_cursor(conn, CANDIDATES, binary=True) as cursor:
            for article_id, keys, signature, original in cursor.execute(
                CANDIDATES, {"keys": wanted}
            ):
                index.add(article_id, signature, keys, original)
    links: list[int | None] = []
    for article_id, item in zip(article_ids, batch, strict=True):
        target = None
        if item.signature:
            signature = np.asarray(item.signature, dtype=np.int64)  # once, for both calls
            target = index.match(signature, item.bands)
            index.add(article_id, signature, item.bands, target)
        links.append(target)
    return links


def _copy_articles(
    conn: Connection,
    article_ids: Sequence[int],
    batch: Sequence[Item],
    links: Sequence[int | None],
    document_ids: dict[str, int],
) -> None:
    rows = (
        (
            article_id,
            document_ids[item.doc.content_sha256],
            a.source_uri,
            a.url,
            a.publisher,
            a.title,
            a.standfirst,
            list(a.authors),
            a.section,
            a.published_at,
            a.language,
            a.body,
            a.word_count,
            json.dumps([{"text": r.text, "reason": r.reason} for r in a.removed]),
            link,
            PIPELINE_VERSION,
        )
        for article_id, item, link in zip(article_ids, batch, links, strict=True)
        for a in (item.article,)
    )
    _copy(conn, "articles", ARTICLE_COLUMNS, rows)


def _copy_near_duplicate_index(
    conn: Connection, article_ids: Sequence[int], batch: Sequence[Item]
) -> None:
    """Signatures and band keys, as COPY text made here: only integers, nothing to escape, and
    much faster than adapting 128-value arrays row by row."""
    indexed = [(a, item) for a, item in zip(article_ids, batch, strict=True) if item.signature]
    signatures = "".join(
        f"{a}\t{{{','.join(map(str, item.signature or ()))}}}\n" for a, item in indexed
    )
    bands = "".join(f"{k}\t{a}\n" for a, item in indexed for k in sorted(set(item.bands)))
    _copy_text(conn, "article_signatures", ("article_id", "signature"), signatures)
    _copy_text(conn, "article_bands", ("band_key", "article_id"), bands)


def _copy_mentions(
    conn: Connection,
    article_ids: Sequence[int],
    batch: Sequence[Item],
    entity_ids: dict[tuple[str, str], int],
) -> None:
    rows = (
        (
            article_id,
            entity_ids[("person", x.key)] if x.kind == "person" else None,
            entity_ids[("organisation", x.key)] if x.kind == "organisation" else None,
            x.field,
            x.start,
            x.end,
            x.surface,
            x.sentence,
        )
        for article_id, item in zip(article_ids, batch, strict=True)
        for x in item.mentions
    )
    _copy(conn, "mentions", MENTION_COLUMNS, rows)


def _copy_lines(conn: Connection, article_ids: Sequence[int], batch: Sequence[Item]) -> None:
    """Each article's learnable lines (`article_lines`, what learned boilerplate counts)."""
    rows = (
        (article_id, key, line)
        for article_id, item in zip(article_ids, batch, strict=True)
        for key, line in item.lines
    )
    _copy(conn, "article_lines", ("article_id", "line_key", "line"), rows)


def _copy(
    conn: Connection, table: str, columns: Sequence[str], rows: Iterable[tuple[Any, ...]]
) -> None:
    """COPY rows into a table on the transaction's own connection (the fastest way in).

    Errors are raised as SQLAlchemy's, like those of every other statement.
    """
    statement = f"COPY {table} ({', '.join(columns)}) FROM STDIN"
    with _driver_cursor(conn, statement) as cursor, cursor.copy(statement) as copy:
        for row in rows:
            copy.write_row(row)


def _copy_text(conn: Connection, table: str, columns: Sequence[str], data: str) -> None:
    """COPY data already in COPY's text format (tab-separated, one row a line)."""
    statement = f"COPY {table} ({', '.join(columns)}) FROM STDIN"
    with _driver_cursor(conn, statement) as cursor, cursor.copy(statement) as copy:
        copy.write(data)


@contextmanager
def _driver_cursor(
    conn: Connection, statement: str, binary: bool = False
) -> Iterator[psycopg.Cursor[Any]]:
    """A psycopg cursor on the transaction's own connection, for what SQLAlchemy can't ask
    (COPY, binary results); its errors are raised as SQLAlchemy's, like every other statement's.
    """
    raw = conn.connection.driver_connection
    assert raw is not None
    try:
        with raw.cursor(binary=binary) as cursor:
            yield cursor
    except psycopg.Error as exc:
        raise DBAPIError.instance(statement, None, exc, psycopg.Error) from exc


class _BandIndex:
    """Signatures by band key, to find the earliest near-duplicate of a new article."""

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

    def match(self, signature: np.ndarray, keys: Iterable[int]) -> int | None:
        """The first article of the chain this signature nearly repeats, if any."""
        candidates = sorted({a for k in keys for a in self.by_band.get(k, [])})
        scores = similarities(signature, [self.signatures[a] for a in candidates])
        for other, score in zip(candidates, scores, strict=True):
            if score >= load.DUPLICATE_SIMILARITY:
                return self.originals[other] or other
        return None
