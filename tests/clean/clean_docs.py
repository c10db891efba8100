"""Building RawDocuments in tests."""

from __future__ import annotations

import hashlib
from typing import Any

from newsdesk.records import RawDocument


def doc(text: str, media_type: str = "text/plain", **metadata: Any) -> RawDocument:
    """A RawDocument for text, as the reader would hand it over."""
    raw = text.encode("utf-8")
    return RawDocument(
        "test://doc", hashlib.sha256(raw).hexdigest(), media_type, raw, text, "utf-8", metadata
    )
