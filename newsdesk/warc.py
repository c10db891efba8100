"""WARC files (.warc, .warc.gz) record by record, as crawlers write them: Common Crawl's
CC-NEWS, Heritrix, Browsertrix, `wget --warc-file`, Scrapy's WARC middlewares.

    for offset, what in records(path, offset=0, filters=RecordFilter(...)):
        ...  # a Response (an HTML page), Skipped, Filtered or Unreadable

Streaming (warcio): one record in memory at a time, whatever the size of the file; a reader can
start at any record's offset (a gzip member's start in a .warc.gz), so a file is read in
slices. Only `response` records whose HTTP payload is HTML become pages; every other record is
`Skipped` by its kind, and a record the filters refuse is `Filtered` before its payload is
read. Damage (a cut gzip member, a record shorter than its Content-Length, a header that is
not WARC) ends the file with one `Unreadable` record: what came before it stands.

Decoding the payload to text is `sources`' job; this module knows bytes and headers only.
Pure: no database, no Prefect.
"""

from __future__ import annotations

import io
import zlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from newsdesk import urls
from newsdesk.limits import MAX_INPUT_BYTES
from newsdesk.records import RecordOrigin

SUFFIXES = (".warc", ".warc.gz")
# Payload media types read as HTML on the server's word.
HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
# Media types servers send for anything: the payload's first bytes decide.
VAGUE_TYPES = frozenset(
    {"", "application/octet-stream", "binary/octet-stream", "text/plain", "application/unknown"}
)
# Room for the HTTP header block above the payload limit when a record's block is read.
HTTP_HEAD_ALLOWANCE = 64 * 1024
SNIFF_BYTES = 1024
HTML_STARTS = (b"<!doctype html", b"<html", b"<head", b"<?xml")


def is_warc(path: str | Path) -> bool:
    """Whether a file's name says it is a WARC file (.warc, .warc.gz)."""
    return str(path).lower().endswith(SUFFIXES)


@dataclass(frozen=True)
class RecordFilter:
    """Which response records to read: by the host of `WARC-Target-URI` and by `WARC-Date`.

    A domain admits its own host and its subdomains ("bbc.co.uk" admits "www.bbc.co.uk",
    never "notbbc.co.uk"); `since` is inclusive, `before` exclusive.
    """

    domains: tuple[str, ...] = ()
    since: datetime | None = None
    before: datetime | None = None

    def __bool__(self) -> bool:
        return bool(self.domains or self.since or self.before)

    def refuses(self, url: str | None, fetched_at: datetime | None) -> str | None:
        """Why a record is filtered out ("domain", "date"), or None when it is read."""
        if self.domains:
            host = host_of(url)
            if host is None or not any(_within(host, d) for d in self.domains):
                return "domain"
        if self.since or self.before:
            if fetched_at is None:
                return "date"
            if self.since and fetched_at < self.since:
                return "date"
            if self.before and fetched_at >= self.before:
                return "date"
        return None


def record_filter(
    domains: Sequence[str] = (), since: str | None = None, until: str | None = None
) -> RecordFilter:
    """The filter of `newsdesk run --domain/--since/--until`; ValueError says what is wrong.

    A date (YYYY-MM-DD) as `until` takes in the whole of that day; a timestamp is inclusive.
    Times without a zone are UTC, as WARC-Date is.
    """
    hosts = tuple(_domain(d) for d in domains if d.strip())
    start = _when(since, "--since") if since else None
    before = None
    if until:
        end = _when(until, "--until")
        before = end + (timedelta(days=1) if _is_date(until) else timedelta(microseconds=1))
    if start and before and start >= before:
        raise ValueError(f"--since {since} is after --until {until}: no record could pass")
    return RecordFilter(hosts, start, before)


def host_of(url: str | None) -> str | None:
    """The host of a URL as the filters compare it (IDNA-encoded); None when it has none."""
    host = urls.host_of(url)
    return _idna(host) if host else None


def _within(host: str, domain: str) -> bool:
    return host == domain or host.endswith("." + domain)


def _domain(value: str) -> str:
    domain = value.strip().lower()
    if "://" in domain:
        domain = host_of(domain) or ""
    domain = domain.removeprefix("*.").strip(".")
    if not domain or "/" in domain or " " in domain:
        raise ValueError(f"--domain {value!r} is not a host name (e.g. bbc.co.uk)")
    return _idna(domain)


def _idna(host: str) -> str:
    if host.isascii():
        return host.lower()
    try:
        return host.encode("idna").decode("ascii")
    except UnicodeError:
        return host.lower()


def _is_date(value: str) -> bool:
    try:
        date.fromisoformat(value.strip())
    except ValueError:
        return False
    return True


def _when(value: str, option: str) -> datetime:
    text = value.strip()
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise ValueError(
            f"{option} {value!r} is not a date or time (YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ)"
        ) from None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def warc_date(value: str | None) -> datetime | None:
    """A WARC-Date (ISO 8601, UTC) as an aware datetime; None when absent or not a date."""
    if not value:
        return None
    try:
        moment = datetime.fromisoformat(value.strip())
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


@dataclass(frozen=True)
class Response:
    """An HTML response record: where it came from, its HTTP block as stored (status line,
    headers, payload with its transfer and content encodings) and the payload decoded."""

    origin: RecordOrigin
    block: bytes
    payload: bytes
    charset: str | None  # from the HTTP Content-Type


@dataclass(frozen=True)
class Skipped:
    """A record that is no page: counted by its kind, not loaded, not rejected."""

    kind: str  # "request", "metadata", "revisit", "warcinfo", "response (not HTML)", ...


@dataclass(frozen=True)
class Filtered:
    """A response record `--domain`, `--since` or `--until` kept out."""

    by: str  # "domain" | "date"


@dataclass(frozen=True)
class Unreadable:
    """A record that cannot be read: rejected with `reason`. `ends_file`: the damage stops the
    reading (nothing after it can be found); the records before it stand."""

    origin: RecordOrigin
    reason: str
    detail: str
    ends_file: bool = False
    data: bytes | None = None  # the bytes that could be read, for the reject's hash


Record = Response | Skipped | Filtered | Unreadable


def records(
    path: Path,
    offset: int = 0,
    filters: RecordFilter | None = None,
    max_bytes: int = MAX_INPUT_BYTES,
    end: int | None = None,
) -> Iterator[tuple[int, Record]]:
    """(offset, record) for each record of `path` from byte `offset`, which must be where a
    record starts (0, an offset this reader yielded, or one `record_start` found), to the
    end of the file or the first record that starts at or after `end`."""
    from warcio.archiveiterator import ArchiveIterator

    with path.open("rb") as fh:
        fh.seek(offset)
        iterator = ArchiveIterator(fh, no_record_parse=True)
        start = offset
        try:
            for record in iterator:
                start = iterator.offset
                if end is not None and start >= end:
                    return
                what = _record(path, start, record, filters, max_bytes)
                yield start, what
                if isinstance(what, Unreadable) and what.ends_file:
                    return
                start = iterator.offset
        except Exception as exc:  # warcio, zlib and the file itself: all end the reading
            start = getattr(iterator, "offset", start)
            origin = RecordOrigin(str(path), start, None, None, None)
            yield start, _damaged(origin, f"{type(exc).__name__}: {str(exc)[:160]!r}")
            return
        # warcio ends quietly at a gzip member cut before any of it inflates: bytes left
        # over after the last record are a record that cannot be read.
        end = iterator.offset
        fh.seek(end)
        if fh.read(SNIFF_BYTES).strip(b"\r\n\t "):
            origin = RecordOrigin(str(path), end, None, None, None)
            yield end, _damaged(origin, "bytes after the last record that are no record")


def _record(
    path: Path, start: int, record: Any, filters: RecordFilter | None, max_bytes: int
) -> Record:
    kind = record.rec_type
    headers = record.rec_headers
    if kind is None or headers is None or headers.get_header("WARC-Type") is None:
        origin = RecordOrigin(str(path), start, None, None, None)
        return _damaged(origin, "no WARC header where a record should start (a cut gzip member?)")
    url = headers.get_header("WARC-Target-URI")
    origin = RecordOrigin(
        str(path),
        start,
        headers.get_header("WARC-Record-ID"),
        url.strip("<> ") if url else None,
        warc_date(headers.get_header("WARC-Date")),
    )
    if kind != "response":
        return Skipped(kind)
    if filters and (why := filters.refuses(origin.url, origin.fetched_at)):
        return Filtered(why)
    limit = max_bytes + HTTP_HEAD_ALLOWANCE
    block = record.raw_stream.read(limit + 1)
    if len(block) > limit:
        return Unreadable(
            origin,
            "too_large",
            f"{_where(origin)} holds more than {limit:,} bytes, over the limit of "
            f"{max_bytes:,} (raise NEWSDESK_MAX_INPUT_BYTES to accept it)",
        )
    declared = record.length
    if not isinstance(declared, int):
        return _damaged(origin, "its WARC header has no Content-Length (cut off?)")
    if len(block) < declared:
        return _damaged(
            origin, f"the record ends after {len(block):,} of its {declared:,} bytes (cut off)"
        )
    return response(origin, block, max_bytes)


def response(origin: RecordOrigin, block: bytes, max_bytes: int = MAX_INPUT_BYTES) -> Record:
    """A response record's HTTP block as a page (`Response`), or why it is none: a status other
    that is not HTML is `Skipped`; a block that cannot be decoded, or an HTML answer with a
    status other than 2xx (a redirect, an error page), is `Unreadable`. Also how a stored
    record (`documents.raw`) is read again."""
    from warcio.statusandheaders import StatusAndHeadersParser

    stream = io.BytesIO(block)
    try:
        http = StatusAndHeadersParser([], verify=False).parse(stream)
    except Exception as exc:  # warcio raises plain errors for a header it cannot split
        return Unreadable(
            origin, "bad_http", f"{_where(origin)} has no HTTP response header: {exc}", data=block
        )
    status = http.get_statuscode() or ""
    if not (len(status) == 3 and status.isdigit()):
        detail = f"{_where(origin)} has no HTTP status line (found {http.statusline[:60]!r})"
        return Unreadable(origin, "bad_http", detail, data=block)
    media, charset = _content_type(http.get_header("Content-Type"))
    if media not in HTML_TYPES and media not in VAGUE_TYPES:
        return Skipped("response (not HTML)")
    try:
        payload = _undo_encodings(stream.read(), http, max_bytes)
    except (OSError, ValueError, zlib.error, EOFError) as exc:
        return Unreadable(
            origin,
            "bad_encoding",
            f"{_where(origin)}: its payload could not be decoded "
            f"({http.get_header('Content-Encoding') or 'chunked'}): {exc}",
            data=block,
        )
    if len(payload) > max_bytes:
        return Unreadable(
            origin,
            "too_large",
            f"{_where(origin)} unpacks to more than {max_bytes:,} bytes "
            "(raise NEWSDESK_MAX_INPUT_BYTES to accept it)",
            data=block,
        )
    if media not in HTML_TYPES and not looks_like_html(payload):
        return Skipped("response (not HTML)")
    if not status.startswith("2"):
        # An HTML answer that is no article (a redirect's "Moved", an error page): rejected,
        # so every HTML response record is accounted for.
        detail = (
            f"{_where(origin)} is the server's HTTP {status} answer"
            f" ({http.statusline[4:60].strip() or 'no reason given'}), not an article"
        )
        return Unreadable(origin, "http_status", detail, data=payload)
    return Response(origin, block, payload, charset)


def looks_like_html(payload: bytes) -> bool:
    """Whether a payload a server did not call HTML starts as an HTML page does."""
    head = payload[:SNIFF_BYTES].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    return head.startswith(HTML_STARTS) and (
        b"<html" in head or b"<body" in head or b"<head" in head
    )


def _content_type(value: str | None) -> tuple[str, str | None]:
    """The media type and charset of a Content-Type header."""
    if not value:
        return "", None
    media, *params = value.split(";")
    charset = None
    for param in params:
        key, _, raw = param.partition("=")
        if key.strip().lower() == "charset" and raw.strip().strip("\"'"):
            charset = raw.strip().strip("\"'").lower()
    return media.strip().lower(), charset


def _undo_encodings(data: bytes, http: Any, max_bytes: int) -> bytes:
    """The payload with chunked transfer and gzip/deflate/br content encodings undone.

    Crawlers differ: some store the payload as it came over the wire, some decoded while the
    headers still name the encoding. A payload that does not start like its declared
    encoding is taken as it is.
    """
    from warcio.bufferedreaders import ChunkedDataReader, DecompressingBufferedReader

    encoding = (http.get_header("Content-Encoding") or "").strip().lower() or None
    if encoding in ("identity", "none"):
        encoding = None
    if encoding == "x-gzip":
        encoding = "gzip"
    if encoding not in (None, "gzip", "deflate", "br"):
        raise ValueError(f"unknown content encoding {encoding!r}")
    chunked = "chunked" in (http.get_header("Transfer-Encoding") or "").lower()
    if encoding == "gzip" and not _starts_gzip(data, chunked):
        encoding = None
    reader_type = ChunkedDataReader if chunked else DecompressingBufferedReader
    reader = reader_type(io.BytesIO(data), decomp_type=encoding)
    parts: list[bytes] = []
    size = 0
    while chunk := reader.read(1 << 16):
        parts.append(chunk)
        size += len(chunk)
        if size > max_bytes:
            break
    payload = b"".join(parts)
    if encoding == "gzip" and payload.startswith(b"\x1f\x8b"):
        # warcio hands back the bytes as they were when they do not inflate
        raise ValueError("the gzip stream is damaged")
    return payload


def _starts_gzip(data: bytes, chunked: bool) -> bool:
    if not chunked:
        return data.startswith(b"\x1f\x8b")
    _, _, rest = data.partition(b"\r\n")  # past the first chunk's size line
    return rest.startswith(b"\x1f\x8b")


def _damaged(origin: RecordOrigin, why: str) -> Unreadable:
    return Unreadable(
        origin,
        "damaged_record",
        f"{_where(origin)} cannot be read: {why}; the records before it are kept, the rest of "
        "the file is not read",
        ends_file=True,
    )


def _where(origin: RecordOrigin) -> str:
    """A record as a reject's detail names it: its source_uri, and what the number is."""
    return f"{origin.file}#{origin.offset} (the record at byte {origin.offset:,})"


# How far `record_start` looks for the next record before it gives up on a range.
RESYNC_WINDOW = 1 << 16
WARC_MAGIC = b"WARC/1."
GZIP_MAGIC = b"\x1f\x8b\x08"


def record_start(path: Path, position: int, end: int | None = None) -> int | None:
    """The offset of the first record that starts at or after byte `position` (and before
    `end`), or None: where a byte range of the file begins, so ranges of one file can be read
    apart (on a Dask cluster). In a .warc.gz a record starts where a gzip member inflating to
    a WARC header does; in a .warc, where a WARC header line follows a blank line.
    """
    if position == 0:
        return 0
    gzipped = str(path).lower().endswith(".gz")
    magic = GZIP_MAGIC if gzipped else b"\r\n\r\n" + WARC_MAGIC
    with path.open("rb") as fh:
        at = position if gzipped else max(0, position - 4)
        while end is None or at < end:
            fh.seek(at)
            window = fh.read(RESYNC_WINDOW + len(magic))
            if len(window) < len(magic):
                return None
            found = window.find(magic)
            while found >= 0:
                start = at + found + (0 if gzipped else 4)
                if start >= position and (end is None or start < end):
                    if not gzipped or _inflates_to_warc(fh, start):
                        return start
                elif end is not None and start >= end:
                    return None
                found = window.find(magic, found + 1)
            at += RESYNC_WINDOW
    return None


def _inflates_to_warc(fh: Any, start: int) -> bool:
    fh.seek(start)
    try:
        head = zlib.decompressobj(16 + zlib.MAX_WBITS).decompress(fh.read(4096), 16)
    except zlib.error:
        return False
    return head.startswith(WARC_MAGIC)
