"""The batch write: articles in one transaction, every table written set-based.

Each article is still all or nothing: the batch commits whole or not at all, and when it fails
for a reason that is not transient (one article the database refuses), the batch is loaded
again one article per transaction, so the bad one is isolated and the rest go in.

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

The CPU-only work (MinHash signatures, band keys) is done before the load, in the chain
(`newsdesk.pipeline`); an item with a signature and no band keys gets them here.
"""

from __future__ import annotations

import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import replace

from sqlalchemy import Connection, Engine, text
from sqlalchemy.exc import DBAPIError

from newsdesk.dedupe import band_keys
from newsdesk.errors import is_transient
from newsdesk.load import articles, duplicates, entities, owed
from newsdesk.load.copy import copy_rows
from newsdesk.load.documents import insert_documents
from newsdesk.records import Item

ARTICLE_COLUMNS = ("id", "document_id", "duplicate_of", *articles.CONTENT_COLUMNS)
ARTICLE_IDS = text(
    "SELECT nextval(pg_get_serial_sequence('articles', 'id')) FROM generate_series(1, :n) "
    "ORDER BY 1"
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
        owed.share_settle_lock(conn)  # a settle sees this batch whole, or not at all
        document_ids = insert_documents(conn, items)
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
        entity_ids = entities.batch_entity_ids(conn, [x for item in batch for x in item.mentions])
    with _step(steps, "documents"):
        shas, uris = [i.doc.content_sha256 for i in batch], [i.doc.source_uri for i in batch]
        conn.execute(DELETE_REJECTS, {"shas": shas, "uris": uris})
    with _step(steps, "near-duplicate lookup"):
        duplicates.lock_near_duplicates(conn)
        article_ids = list(conn.execute(ARTICLE_IDS, {"n": len(batch)}).scalars())
        links = duplicates.links(conn, article_ids, batch)
    with _step(steps, "articles"):
        rows = (
            (article_id, document_ids[item.doc.content_sha256], link, *articles.row(item.article))
            for article_id, item, link in zip(article_ids, batch, links, strict=True)
        )
        copy_rows(conn, "articles", ARTICLE_COLUMNS, rows)
    with _step(steps, "near-duplicate index"):
        duplicates.write_index(conn, article_ids, batch)
    with _step(steps, "mentions"):
        entities.copy_mentions(conn, entities.item_mentions(article_ids, batch), entity_ids)
    with _step(steps, "owed work"):
        owed.copy_lines(conn, article_ids, batch)
        owed.owe_work(conn, article_ids, run_id)
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
