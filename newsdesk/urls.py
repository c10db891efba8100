"""The host of a URL, read once for the WARC filters and the publisher registry (pure)."""

from __future__ import annotations

from urllib.parse import urlsplit


def host_of(url: str | None) -> str | None:
    """The lower-cased host of a URL, without a trailing dot; None when it has none or the URL
    does not parse."""
    if not url:
        return None
    try:
        host = urlsplit(url.strip()).hostname
    except ValueError:
        return None
    host = host.rstrip(".") if host else None
    return host or None
