"""In-memory inputs for tests that load through `newsdesk.load` directly (no files, no model)."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

from sqlalchemy import Engine

from newsdesk.records import Article, Item, Mention, RawDocument


def raw_document(raw: bytes, text: str | None = None, source_uri: str | None = None) -> RawDocument:
    """A UTF-8 text document as `sources.read` would give it; the URI defaults to its hash."""
    return RawDocument(
        source_uri=source_uri or f"mem://{hashlib.sha1(raw).hexdigest()[:12]}.txt",
        content_sha256=hashlib.sha256(raw).hexdigest(),
        media_type="text/plain",
        raw=raw,
        text=raw.decode() if text is None else text,
        encoding="utf-8",
    )


def html_document(
    body: str, head: str = "", record: dict[str, str] | None = None, source_uri: str = ""
) -> RawDocument:
    """A UTF-8 HTML page of the given head and body, with a JSON record's fields beside it."""
    markup = f"<html><head>{head}</head><body>{body}</body></html>"
    raw = markup.encode()
    return RawDocument(
        source_uri or "mem://page.html",
        hashlib.sha256(raw).hexdigest(),
        "text/html",
        raw,
        markup,
        "utf-8",
        dict(record or {}),
    )


def load_article(
    engine: Engine,
    doc: RawDocument,
    article: Article,
    mentions: Sequence[Mention],
    signature: Sequence[int] | None = None,
    lines: Sequence[tuple[str, str]] = (),
) -> int | None:
    """Load one article in a transaction of its own, as a batch of one (the flow's own write,
    `load.write`): its id, or None when its document was loaded before. A refusal raises."""
    from newsdesk import load

    item = Item(doc, article, mentions, signature, (), lines)
    with engine.begin() as conn:
        outcome = load.write(conn, [item])[0]
    assert not isinstance(outcome, Exception)
    return outcome


def replace_article(
    engine: Engine,
    document_id: int,
    article: Article,
    mentions: Sequence[Mention],
    signature: Sequence[int] | None = None,
) -> int | None:
    """`load.replace_article` with an item built from its parts (the document is not read)."""
    from newsdesk import load
    from newsdesk.dedupe import band_keys

    doc = raw_document(article.body.encode(), source_uri=article.source_uri)
    bands = band_keys(signature) if signature else ()
    return load.replace_article(engine, document_id, Item(doc, article, mentions, signature, bands))
