"""Small articles written straight through `load.load_article`: fast, no model, no Prefect."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Engine, text

from newsdesk.dedupe import signature
from newsdesk.entities.keys import fold_key
from newsdesk.records import Article, Mention
from tests.records import load_article, raw_document


def mention(kind: str, name: str, surface: str, body: str) -> Mention:
    """A body mention of `name`, written as `surface` (its first occurrence)."""
    start = body.index(surface)
    return Mention(
        kind=kind,  # type: ignore[arg-type]
        name=name,
        key=fold_key(name, kind),
        surface=surface,
        field="body",
        start=start,
        end=start + len(surface),
        sentence=body,
    )


def add_article(
    engine: Engine,
    body: str,
    names: list[tuple[str, str, str]],
    publisher: str = "The Example Gazette",
    published_at: datetime | None = None,
    title: str = "A story",
) -> int:
    """Load one article mentioning (kind, name, surface) each; returns its id."""
    raw = f"{title}\n{publisher}\n{published_at}\n{body}".encode()
    doc = raw_document(raw)
    article = Article(
        source_uri=doc.source_uri,
        title=title,
        standfirst=None,
        authors=[],
        publisher=publisher,
        published_at=published_at,
        body=body,
    )
    found = [mention(kind, name, surface, body) for kind, name, surface in names]
    article_id = load_article(engine, doc, article, found, signature(body))
    assert article_id is not None
    return article_id


def rows(engine: Engine, sql: str, **params: object) -> list[tuple[object, ...]]:
    """All rows of a query, as plain tuples."""
    with engine.connect() as conn:
        return [tuple(r) for r in conn.execute(text(sql), params)]


def scalar(engine: Engine, sql: str, **params: object) -> object:
    with engine.connect() as conn:
        return conn.scalar(text(sql), params)
