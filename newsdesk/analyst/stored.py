"""Stored documents back into the pipeline: `documents.raw` as the RawDocument first read."""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Engine, Select, select

import models as m
from newsdesk import PIPELINE_VERSION, crawl, sources
from newsdesk.records import RawDocument, RecordOrigin, Rejected

# A record of a .json/.jsonl file is stored as canonical JSON under "path.jsonl#line[index]".
RECORD_URI = re.compile(r"\.jsonl?(#\d+)?(\[\d+\])?$", re.IGNORECASE)


def stored_document(
    source_uri: str, raw: bytes, media_type: str, origin: RecordOrigin | None = None
) -> RawDocument | Rejected:
    """The document as the reader first produced it, from its stored bytes (and, for a record
    of a WARC file, where it came from)."""
    if origin is not None:
        return crawl.stored_warc_document(source_uri, raw, origin)
    if RECORD_URI.search(source_uri):
        try:
            record = json.loads(raw)
        except ValueError:
            pass
        else:
            # The reader's own record path, so a record decodes exactly as it did on load.
            return sources._record_document(source_uri, record)
    return sources.decode_document(source_uri, raw, media_type)


def stored_articles(
    engine: Engine, article_ids: Sequence[int]
) -> list[tuple[int, int, RawDocument | Rejected]]:
    """(article id, document id, document) of these articles, in id order."""
    query = _stored().where(m.Article.id.in_(list(article_ids)))
    return _read(engine, query)


def stored_batch(
    engine: Engine, after_article: int, limit: int, outdated_only: bool = False
) -> list[tuple[int, int, RawDocument | Rejected]]:
    """Up to `limit` (article id, document id, document) after `after_article`, in id order.

    Article order matters: a rewritten article may only be a near-duplicate of an earlier one,
    so earlier articles are rewritten first.
    """
    query = _stored().where(m.Article.id > after_article).limit(limit)
    if outdated_only:
        query = query.where(m.Article.pipeline_version != PIPELINE_VERSION)
    return _read(engine, query)


def _stored() -> Select[Any]:
    document = m.Document
    return (
        select(m.Article.id, document.id, document.source_uri, document.raw)
        .add_columns(document.media_type, document.record_offset, document.record_id)
        .add_columns(document.target_uri, document.fetched_at)
        .join(document, document.id == m.Article.document_id)
        .order_by(m.Article.id)
    )


def _read(engine: Engine, query: Select[Any]) -> list[tuple[int, int, RawDocument | Rejected]]:
    with engine.connect() as conn:
        rows = conn.execute(query).tuples().all()
    return [
        (a, d, stored_document(uri, bytes(raw), media, _origin(uri, *warc)))
        for a, d, uri, raw, media, *warc in rows
    ]


def _origin(
    source_uri: str,
    offset: int | None,
    record_id: str | None,
    url: str | None,
    fetched_at: datetime | None,
) -> RecordOrigin | None:
    """A WARC record's origin from its document's columns; None for other documents."""
    if offset is None:
        return None
    file = source_uri.rsplit("#", 1)[0]
    return RecordOrigin(file, offset, record_id, url, fetched_at)
