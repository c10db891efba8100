"""Bulk loading: a batch of articles in one transaction, mentions through COPY.

Each article is still all or nothing: the batch commits whole or not at all, and when it fails
for a reason that is not transient (one article the database refuses), the batch is loaded
again one article per transaction, so the bad one is isolated and the rest go in.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import psycopg
from sqlalchemy import (
    ARRAY,
    BigInteger,
    Connection,
    Engine,
    Text,
    any_,
    bindparam,
    delete,
    select,
    update,
)
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.exc import DBAPIError

import models as m
from newsdesk import load
from newsdesk.clean.dedupe import similarity
from newsdesk.errors import is_transient
from newsdesk.records import Article, Mention, RawDocument

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


@dataclass(frozen=True)
class Item:
    """One article ready to load."""

    doc: RawDocument
    article: Article
    mentions: Sequence[Mention]
    signature: Sequence[int]


# Per item: the new article id, None when its document was already loaded, or the error that
# kept it out (only after the per-article fallback).
Outcome = int | None | Exception


def load_items(engine: Engine, items: Sequence[Item]) -> list[Outcome]:
    """Load a batch; outcomes in the order of `items`."""
    if not items:
        return []
    try:
        with engine.begin() as conn:
            return _load_all(conn, items)
    # COPY runs on the raw psycopg cursor, so its errors arrive unwrapped.
    except (DBAPIError, psycopg.Error) as exc:
        if is_transient(exc):
            raise
    return [_load_one(engine, item) for item in items]


def _load_one(engine: Engine, item: Item) -> Outcome:
    try:
        return load.load_article(engine, item.doc, item.article, item.mentions, item.signature)
    except DBAPIError as exc:
        if is_transient(exc):
            raise
        return exc


def _load_all(conn: Connection, items: Sequence[Item]) -> list[Outcome]:
    """Every stage of the load as a handful of set-based statements."""
    document_ids = _insert_documents(conn, items)
    fresh = [i for i, item in enumerate(items) if item.doc.content_sha256 in document_ids]
    outcomes: list[Outcome] = [None] * len(items)
    if not fresh:
        return outcomes
    article_ids = _insert_articles(conn, [items[i] for i in fresh], document_ids)
    for i, article_id in zip(fresh, article_ids, strict=True):
        outcomes[i] = article_id
    new = [(article_ids[n], items[i]) for n, i in enumerate(fresh)]
    _link_duplicates(conn, new)
    _insert_mentions(conn, new)
    shas = [items[i].doc.content_sha256 for i in fresh]
    conn.execute(
        delete(m.Reject).where(
            m.Reject.content_sha256 == any_(bindparam("shas", shas, type_=ARRAY(Text)))
        )
    )
    return outcomes


def _insert_documents(conn: Connection, items: Sequence[Item]) -> dict[str, int]:
    """Insert the documents not yet loaded; content hash -> id of those inserted now."""
    rows: dict[str, dict[str, object]] = {}
    for item in items:  # the same bytes twice in a batch: the first copy wins
        rows.setdefault(
            item.doc.content_sha256,
            {
                "source_uri": item.doc.source_uri,
                "content_sha256": item.doc.content_sha256,
                "media_type": item.doc.media_type,
                "raw": item.doc.raw,
            },
        )
    ordered = [rows[sha] for sha in sorted(rows)]  # one lock order for concurrent runs
    stmt = (
        insert(m.Document)
        .on_conflict_do_nothing(index_elements=["content_sha256"])
        .returning(m.Document.content_sha256, m.Document.id)
    )
    return dict(conn.execute(stmt, ordered).tuples().all())


def _insert_articles(
    conn: Connection, items: Sequence[Item], document_ids: dict[str, int]
) -> list[int]:
    """Insert the articles, returning their ids in the order of `items`."""
    rows = [load.article_row(document_ids[i.doc.content_sha256], i.article) for i in items]
    stmt = insert(m.Article).returning(m.Article.id, sort_by_parameter_order=True)
    return list(conn.execute(stmt, rows).scalars().all())


def _link_duplicates(conn: Connection, new: Sequence[tuple[int, Item]]) -> None:
    """Set `duplicate_of` against earlier articles and earlier ones of this batch; index bands."""
    keys = {article_id: load.band_keys(item.signature) for article_id, item in new}
    load.lock_bands(conn, (k for ks in keys.values() for k in ks))
    wanted = bindparam("keys", sorted({k for ks in keys.values() for k in ks}), ARRAY(BigInteger))
    candidates = select(m.ArticleBand.article_id).where(m.ArticleBand.band_key == any_(wanted))
    known = conn.execute(
        select(m.ArticleSignature.article_id, m.ArticleSignature.signature, m.Article.duplicate_of)
        .join(m.Article, m.Article.id == m.ArticleSignature.article_id)
        .where(m.ArticleSignature.article_id.in_(candidates))
    ).all()
    index = _BandIndex()
    for article_id, signature, original in known:
        index.add(article_id, list(signature), load.band_keys(signature), original)
    links = []
    for article_id, item in new:
        target = index.match(list(item.signature), keys[article_id])
        if target is not None:
            links.append({"id_": article_id, "target": target})
        index.add(article_id, list(item.signature), keys[article_id], target)
    if links:
        stmt = (
            update(m.Article)
            .where(m.Article.id == bindparam("id_"))
            .values(duplicate_of=bindparam("target"))
        )
        conn.execute(stmt, links)
    _copy(
        conn,
        "article_signatures",
        ("article_id", "signature"),
        ((a, list(item.signature)) for a, item in new),
    )
    _copy(
        conn,
        "article_bands",
        ("band_key", "article_id"),
        ((k, a) for a, ks in keys.items() for k in sorted(set(ks))),
    )


def _copy(
    conn: Connection, table: str, columns: Sequence[str], rows: Iterable[tuple[Any, ...]]
) -> None:
    """COPY rows into a table on the transaction's own connection (the fastest way in)."""
    raw = conn.connection.driver_connection
    assert raw is not None
    with (
        raw.cursor() as cursor,
        cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy,
    ):
        for row in rows:
            copy.write_row(row)


class _BandIndex:
    """Signatures by band key, to find the earliest near-duplicate of a new article."""

    def __init__(self) -> None:
        self.by_band: dict[int, list[int]] = {}
        self.signatures: dict[int, list[int]] = {}
        self.originals: dict[int, int | None] = {}

    def add(
        self, article_id: int, signature: list[int], keys: list[int], original: int | None
    ) -> None:
        self.signatures[article_id] = signature
        self.originals[article_id] = original
        for key in keys:
            self.by_band.setdefault(key, []).append(article_id)

    def match(self, signature: list[int], keys: list[int]) -> int | None:
        """The first article of the chain this signature nearly repeats, if any."""
        candidates = sorted({a for k in keys for a in self.by_band.get(k, [])})
        for other in candidates:
            if similarity(signature, self.signatures[other]) >= load.DUPLICATE_SIMILARITY:
                return self.originals[other] or other
        return None


def _insert_mentions(conn: Connection, new: Sequence[tuple[int, Item]]) -> None:
    """Resolve entity ids for the whole batch, then COPY the mentions in."""
    everything = [x for _, item in new for x in item.mentions]
    people = load.entity_ids(conn, "person", [x for x in everything if x.kind == "person"])
    orgs = load.entity_ids(
        conn, "organisation", [x for x in everything if x.kind == "organisation"]
    )
    _copy(
        conn,
        "mentions",
        MENTION_COLUMNS,
        (
            (
                article_id,
                people.get(x.key) if x.kind == "person" else None,
                orgs.get(x.key) if x.kind == "organisation" else None,
                x.field,
                x.start,
                x.end,
                x.surface,
                x.sentence,
            )
            for article_id, item in new
            for x in item.mentions
        ),
    )
