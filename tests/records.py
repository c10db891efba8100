"""In-memory inputs for tests that load through `newsdesk.load` directly (no files, no model)."""

from __future__ import annotations

import hashlib

from newsdesk.records import RawDocument


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
