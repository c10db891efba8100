"""WARC files for tests, written with warcio from pages the tests make (never corpus text).

path = write_crawl(tmp_path / "crawl.warc.gz")   # the mixed crawl of the issue
write_warc(path, [response(url, html), request(url), ...])
"""

from __future__ import annotations

import gzip
import io
import zlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

TOWNS = ("Harbourside", "Millbrook", "Eastwick", "Fernlow", "Stonebridge", "Ashford", "Kelby")
TOPICS = ("ferry timetable", "library extension", "bus depot", "flood barrier", "school roof")


def page(number: int, publisher: str = "The Valley Post", lang: str = "en") -> str:
    """A small news page of our own: chrome, a headline, a byline, four paragraphs."""
    town = TOWNS[number % len(TOWNS)]
    topic = TOPICS[number % len(TOPICS)]
    paragraphs = [
        f"The {town} council voted on Monday to fund the {topic}, story number {number}.",
        f"Councillor Maria Okonkwo said the {topic} had been discussed for years and "
        f"that residents of {town} had asked for it at every meeting since {2000 + number}.",
        f"The work is expected to cost {number + 3} million pounds and to start in the spring, "
        "the council's finance committee said in a statement on its website.",
        f"Opponents said the money for the {topic} would be better spent on roads, "
        f"but the vote passed by {number % 7 + 8} to {number % 5 + 1}.",
    ]
    body = "\n".join(f"<p>{p}</p>" for p in paragraphs)
    return (
        f'<!DOCTYPE html><html lang="{lang}"><head><meta charset="utf-8">'
        f"<title>{town} backs {topic} | {publisher}</title>"
        f'<meta property="og:site_name" content="{publisher}"></head>'
        '<body><nav><a href="/">Home</a> <a href="/news">News</a> <a href="/sport">Sport</a></nav>'
        f"<article><h1>{town} council backs the {topic} (report {number})</h1>"
        f'<p class="byline">By Daniel Ferreira</p>{body}</article>'
        f"<footer>Copyright {publisher}. All rights reserved.</footer></body></html>"
    )


@dataclass
class Entry:
    """One record to write: its WARC type, target URI, date and content."""

    kind: str
    url: str
    payload: bytes = b""
    content_type: str = "text/html; charset=utf-8"
    date: str = "2024-05-01T10:00:00Z"
    status: str = "200 OK"
    headers: list[tuple[str, str]] = field(default_factory=list)
    encode: str | None = None  # "gzip" | "chunked" | "gzip+chunked": how the payload is stored


def response(url: str, html: str | bytes, **kwargs: object) -> Entry:
    payload = html.encode() if isinstance(html, str) else html
    return Entry("response", url, payload, **kwargs)  # type: ignore[arg-type]


def write_warc(path: Path, entries: Sequence[Entry], compress: bool | None = None) -> Path:
    """Write `entries` as a WARC file (gzip per record when the name ends .gz)."""
    compress = path.name.endswith(".gz") if compress is None else compress
    with path.open("wb") as fh:
        writer = WARCWriter(fh, gzip=compress)
        writer.write_record(writer.create_warcinfo_record(path.name, {"software": "tests"}))
        for entry in entries:
            writer.write_record(_record(writer, entry))
    return path


def _record(writer: WARCWriter, entry: Entry) -> object:
    warc_headers = {"WARC-Date": entry.date}
    if entry.kind == "response":
        payload, headers = _encoded(entry)
        http = StatusAndHeaders(entry.status, headers, protocol="HTTP/1.1")
        return writer.create_warc_record(
            entry.url,
            "response",
            payload=io.BytesIO(payload),
            http_headers=http,
            warc_headers_dict=warc_headers,
        )
    if entry.kind == "request":
        http = StatusAndHeaders(
            "GET / HTTP/1.1", [("Host", "example"), ("User-Agent", "tests")], is_http_request=True
        )
        return writer.create_warc_record(
            entry.url,
            "request",
            payload=io.BytesIO(b""),
            http_headers=http,
            warc_headers_dict=warc_headers,
        )
    if entry.kind == "revisit":
        http = StatusAndHeaders("200 OK", [("Content-Type", "text/html")], protocol="HTTP/1.1")
        return writer.create_revisit_record(
            entry.url,
            digest="sha1:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
            refers_to_uri=entry.url,
            refers_to_date=entry.date,
            http_headers=http,
        )
    return writer.create_warc_record(
        entry.url,
        entry.kind,
        payload=io.BytesIO(entry.payload or b"fetchTimeMs: 12\r\n"),
        warc_content_type="application/warc-fields",
        warc_headers_dict=warc_headers,
    )


def _encoded(entry: Entry) -> tuple[bytes, list[tuple[str, str]]]:
    headers = [("Content-Type", entry.content_type), *entry.headers] if entry.content_type else []
    payload = entry.payload
    if entry.encode and "gzip" in entry.encode:
        payload = gzip.compress(payload)
        headers.append(("Content-Encoding", "gzip"))
    if entry.encode and "chunked" in entry.encode:
        size = max(1, len(payload) // 3)
        pieces = [payload[i : i + size] for i in range(0, len(payload), size)]
        payload = b"".join(b"%x\r\n%s\r\n" % (len(p), p) for p in pieces) + b"0\r\n\r\n"
        headers.append(("Transfer-Encoding", "chunked"))
    else:
        headers.append(("Content-Length", str(len(payload))))
    return payload, headers


# A 1x1 PNG and a JSON API answer: responses that are no pages.
PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
    + zlib.compress(b"\x00\x00\x00\x00")
)


@dataclass
class Crawl:
    """What `write_crawl` wrote: the pages (url -> html) that must become articles."""

    path: Path
    pages: dict[str, str]
    repeated_url: str  # a second URL with the payload of the first page
    skipped: dict[str, int]  # records that are no page, by kind as the summary counts them


def write_crawl(
    path: Path, first: int = 0, count: int = 4, host: str = "www.valleypost.example"
) -> Crawl:
    """The mixed crawl of the issue: request and response records, an image, a JSON response,
    a revisit, a metadata record and a repeated payload (pages `first`..`first+count-1`)."""
    pages = {
        f"https://{host}/2024/05/0{n % 9 + 1}/news/story-{n}": page(n)
        for n in range(first, first + count)
    }
    entries: list[Entry] = []
    for url, html in pages.items():
        entries += [Entry("request", url), response(url, html)]
    first_url, first_html = next(iter(pages.items()))
    repeated = f"https://{host}/amp/story-{first}"
    entries += [
        response(f"https://{host}/logo.png", PNG, content_type="image/png"),
        response(
            f"https://{host}/api/latest.json",
            b'{"latest": [1, 2]}',
            content_type="application/json",
        ),
        Entry("revisit", first_url),
        Entry("metadata", first_url),
        response(repeated, first_html),
    ]
    write_warc(path, entries)
    skipped = {
        "warcinfo": 1,
        "request": count,
        "revisit": 1,
        "metadata": 1,
        "response (not HTML)": 2,
    }
    return Crawl(path, pages, repeated, skipped)


def cut_last_member(path: Path, keep: float = 0.5) -> int:
    """Cut the file inside its last record (its last gzip member); returns the bytes left."""
    data = path.read_bytes()
    last = data.rfind(b"\x1f\x8b\x08")
    size = last + int((len(data) - last) * keep)
    path.write_bytes(data[:size])
    return size
