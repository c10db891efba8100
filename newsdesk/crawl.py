"""WARC records as documents: a crawl's HTML response records, read in slices (or byte
ranges, on a Dask cluster) into the `RawDocument`s and `Rejected`s the chain takes.

    for item in crawl.read(path):   # any input: WARC files record by record, others by sources
        ...

`newsdesk.warc` reads the records (bytes and headers); `newsdesk.sources` decodes a payload as
it decodes an .html file, so a record gives what the same page saved as a file gives.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path

from newsdesk import sources, warc
from newsdesk.records import RawDocument, RecordOrigin, Rejected
from newsdesk.sources import ReadOptions, decode_document, reject


def read(path: Path, options: ReadOptions | None = None) -> Iterator[RawDocument | Rejected]:
    """The documents of any input: one per HTML response record of a WARC file (streamed,
    whatever its size), else what `sources.read` gives."""
    if not warc.is_warc(path):
        yield from sources.read(path, options)
        return
    offset: int | None = 0
    while offset is not None:
        part = read_warc(path, offset, WARC_SLICE, options)
        yield from part.docs
        yield from part.rejects
        offset = part.next_offset


@dataclass
class WarcSlice:
    """What one slice of a WARC file held: its pages as documents, the records rejected, the
    records skipped (by kind) and filtered out, and where the next slice starts (None: the end).
    """

    docs: list[RawDocument] = field(default_factory=list)
    rejects: list[Rejected] = field(default_factory=list)
    skipped: dict[str, int] = field(default_factory=dict)
    filtered: int = 0
    next_offset: int | None = None


# Records of a WARC file `read` takes at a time.
WARC_SLICE = 200


def read_warc(
    path: Path,
    offset: int,
    limit: int,
    options: ReadOptions | None = None,
    filters: warc.RecordFilter | None = None,
    end: int | None = None,
) -> WarcSlice:
    """Up to `limit` pages and rejects of a WARC file from the record at byte `offset` (and,
    with `end`, of the records that start before it)."""
    options = options or ReadOptions()
    part = WarcSlice()
    try:
        records = warc.records(path, offset, filters, options.max_input_bytes, end)
        for start, record in records:
            if len(part.docs) + len(part.rejects) >= limit:
                part.next_offset = start
                break
            if isinstance(record, warc.Skipped):
                part.skipped[record.kind] = part.skipped.get(record.kind, 0) + 1
            elif isinstance(record, warc.Filtered):
                part.filtered += 1
            else:
                outcome = warc_document(record)
                (part.rejects if isinstance(outcome, Rejected) else part.docs).append(outcome)  # type: ignore[arg-type]
    except OSError as exc:
        uri = str(path)
        detail = f"{uri} could not be read: {exc.strerror or exc}"
        part.rejects.append(reject(uri, None, "unreadable", detail))
    return part


def warc_document(record: warc.Record) -> RawDocument | Rejected:
    """A WARC response record as the document of its page, or its reject.

    The payload decodes as the same page saved as an .html file does (the same hash too, so
    the page loads once), with the HTTP charset before the page's own declaration;
    WARC-Target-URI is the article's url. `raw` keeps the HTTP block, so `reprocess`
    rebuilds from it (`stored_warc_document`).
    """
    if isinstance(record, warc.Unreadable):
        uri = warc_uri(record.origin)
        sha = hashlib.sha256(record.data).hexdigest() if record.data is not None else None
        return reject(uri, sha, record.reason, record.detail)
    if not isinstance(record, warc.Response):
        raise TypeError(f"not a page: {record!r}")
    origin = record.origin
    metadata: dict[str, object] = {"url": origin.url} if origin.url else {}
    uri = warc_uri(origin)
    doc = decode_document(uri, record.payload, "text/html", metadata, charset=record.charset)
    if isinstance(doc, Rejected):
        return doc
    return replace(doc, raw=record.block, origin=origin)


def stored_warc_document(
    source_uri: str, raw: bytes, origin: RecordOrigin
) -> RawDocument | Rejected:
    """A stored WARC record (`documents.raw`, its HTTP block) read again as on its first load."""
    record = warc.response(origin, raw)
    if isinstance(record, warc.Skipped | warc.Filtered):
        detail = f"{source_uri}: the stored record is no HTML page ({getattr(record, 'kind', '')})"
        return reject(source_uri, None, "not_html", detail)
    return warc_document(record)


def warc_uri(origin: RecordOrigin) -> str:
    """A WARC record's source_uri: its file and the byte offset of its record."""
    return f"{origin.file}#{origin.offset}"
