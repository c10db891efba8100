"""Discover and read inputs: files and folders of .txt/.html/.htm and .json/.jsonl records;
.warc/.warc.gz crawls are discovered here and read record by record by `newsdesk.crawl`.

Reading never raises for a bad input: each input yields a `RawDocument` or a `Rejected`.
"""

from __future__ import annotations

import codecs
import hashlib
import json
import os
import shutil
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from newsdesk import warc
from newsdesk.limits import MAX_INPUT_BYTES
from newsdesk.records import RawDocument, Rejected

TEXT_SUFFIXES = {".txt": "text/plain", ".html": "text/html", ".htm": "text/html"}
RECORD_SUFFIXES = {".json", ".jsonl"}
SUFFIXES = frozenset(TEXT_SUFFIXES) | RECORD_SUFFIXES | frozenset(warc.SUFFIXES)
# Files in a folder that are no input of anyone's and are passed over without a word: hidden
# files and folders (".DS_Store", ".git"), editor backups and autosaves ("notes.txt~",
# "#notes.txt#") and the file managers' thumbnails and settings. Every other file of a kind
# newsdesk does not read is rejected with reason "unsupported_type", so none goes unaccounted.
IGNORED_NAMES = frozenset({"thumbs.db", "desktop.ini"})

# Signatures of common binary formats a scraper folder picks up by mistake.
BINARY_MAGIC = {
    b"\x89PNG": "a PNG image",
    b"\xff\xd8\xff": "a JPEG image",
    b"GIF8": "a GIF image",
    b"%PDF": "a PDF document",
    b"PK\x03\x04": "a ZIP archive (or an Office document)",
    b"\x1f\x8b": "a gzip archive",
    b"RIFF": "a RIFF media file",
    b"\x7fELF": "an executable",
}
BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
# Share of control characters above which decoded "text" is really binary. Real text,
# even badly decoded, has almost none; random bytes decoded as cp1252 have ~12%.
MAX_CONTROL_SHARE = 0.01
# How much of the input the binary sniffers look at.
SNIFF_BYTES = 8192
# Keys a JSON record may hold its text under, in order of preference: the page first (its
# markup carries metadata), then extracted text. Crawlers' exports: Scrapy items (`url`,
# `html` or `body`, `title`, `date`), trafilatura's JSON (`raw_text`/`text`, `source` as the
# URL, `sitename`), Zyte API (`browserHtml`; `article` with `headline`, `articleBody`,
# `datePublished`), and a generic `raw_html`/`content`.
RECORD_TEXT_KEYS = (
    "html",
    "raw_html",
    "browserHtml",
    "text",
    "body",
    "content",
    "articleBody",
    "raw_text",
)
# Keys that hold a page's markup (the others are text, or HTML when they look like it).
RECORD_HTML_KEYS = frozenset({"html", "raw_html", "browserHtml"})
# Crawlers' names for fields normalise reads under another (theirs -> ours), taken only when
# the record has no field of our name.
RECORD_ALIASES = {"sitename": "site_name", "source-hostname": "site_name"}


@dataclass(frozen=True)
class ReadOptions:
    """Limits for reading; a larger input is rejected before it is decoded."""

    max_input_bytes: int = MAX_INPUT_BYTES


@dataclass(frozen=True)
class Survey:
    """What a set of paths holds: the inputs to read, and files of kinds newsdesk does not read."""

    files: list[Path]
    unsupported: list[Path]


def discover(paths: Iterable[str | Path]) -> list[Path]:
    """Files with a known suffix under `paths`, sorted, each once; link loops not followed."""
    return survey(paths).files


def survey(paths: Iterable[str | Path]) -> Survey:
    """The inputs under `paths` (sorted, each once) and the unsupported files beside them.

    A file named on its own is read whatever its suffix (the user asked for it); in folders,
    files with a known suffix are inputs, ignored names (IGNORED_NAMES, hidden files, editor
    droppings) are passed over, and anything else is unsupported.
    """
    found: set[Path] = set()
    unsupported: set[Path] = set()
    for raw in paths:
        path = Path(raw)
        if not path.is_dir():
            found.add(path)
            continue
        for file in _walk(path):
            known = file.suffix.lower() in SUFFIXES or warc.is_warc(file)
            (found if known else unsupported).add(file)
    return Survey(sorted(found), sorted(unsupported))


def is_ignored(name: str) -> bool:
    """Hidden files, editor backups and autosaves, file-manager droppings."""
    return (
        name.startswith(".")
        or name.endswith("~")
        or (name.startswith("#") and name.endswith("#"))
        or name.casefold() in IGNORED_NAMES
    )


def unsupported_reject(path: Path) -> Rejected:
    """The reject of a file of a kind newsdesk does not read (not opened: it may be huge)."""
    readable = ", ".join(sorted(SUFFIXES))
    return reject(
        str(path),
        None,
        "unsupported_type",
        f"{path} is not a kind of file newsdesk reads ({readable}); convert it, or move it "
        "out of the folder",
        stage="discover",
    )


def _walk(folder: Path) -> Iterator[Path]:
    """Files under folder; links to folders are not followed, so a link loop cannot recurse."""
    for root, dirs, files in os.walk(folder, followlinks=False):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in files:
            if not is_ignored(name):
                yield Path(root) / name


def archive(files: Iterable[str], inbox: Path, archive_dir: Path) -> list[Path]:
    """Move processed files from the inbox into `archive_dir`, keeping their relative paths.

    A file already gone (moved by hand, or by an earlier run) is left alone; returns the new paths.
    """
    moved = []
    for name in files:
        path = Path(name)
        try:
            relative = path.resolve().relative_to(inbox.resolve())
        except ValueError:
            relative = Path(path.name)
        target = archive_dir / relative
        if not path.exists():
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        if target.exists():  # the same name archived before: keep both
            target = target.with_name(f"{target.stem}.{int(path.stat().st_mtime)}{target.suffix}")
        moved.append(Path(shutil.move(str(path), str(target))))
    return moved


def read(path: Path, options: ReadOptions | None = None) -> Iterator[RawDocument | Rejected]:
    """The documents in one file (one, or one per record of a .json/.jsonl file). WARC files
    are read by `newsdesk.crawl` (`crawl.read` takes any input)."""
    options = options or ReadOptions()
    uri = str(path)
    try:
        size = path.stat().st_size
        if size > options.max_input_bytes:
            yield reject(
                uri,
                None,
                "too_large",
                f"{uri} is {size:,} bytes, over the limit of {options.max_input_bytes:,} "
                "(raise NEWSDESK_MAX_INPUT_BYTES to accept it)",
            )
            return
        data = path.read_bytes()
    except OSError as exc:
        yield reject(uri, None, "unreadable", f"{uri} could not be read: {exc.strerror or exc}")
        return
    if path.suffix.lower() in RECORD_SUFFIXES:
        yield from _read_records(uri, data, path.suffix.lower() == ".jsonl")
        return
    media_type = TEXT_SUFFIXES.get(path.suffix.lower(), "text/plain")
    yield decode_document(uri, data, media_type)


def decode_document(
    uri: str,
    data: bytes,
    media_type: str,
    metadata: dict[str, object] | None = None,
    charset: str | None = None,
) -> RawDocument | Rejected:
    """Hash, sniff and decode one input's bytes (`charset`: what the HTTP header declared)."""
    sha = hashlib.sha256(data).hexdigest()
    if not data.strip():
        return reject(uri, sha, "empty", f"{uri} is empty or holds only whitespace")
    kind = sniff_binary(data)
    if kind:
        return reject(uri, sha, "binary", f"{uri} is {kind}, not text or HTML; remove it")
    html = media_type == "text/html" or _looks_like_html_bytes(data)
    text, encoding = decode(data, html=html, charset=charset)
    if _control_share(text) > MAX_CONTROL_SHARE:
        return reject(
            uri,
            sha,
            "binary",
            f"{uri} looks like binary data, not text (decoded as {encoding}, mostly "
            "control characters)",
        )
    if not text.strip():
        return reject(uri, sha, "empty", f"{uri} holds no visible text")
    if media_type == "text/plain" and _looks_like_html(text):
        media_type = "text/html"
    return RawDocument(
        source_uri=uri,
        content_sha256=sha,
        media_type=media_type,
        raw=data,
        text=text,
        encoding=encoding,
        metadata=dict(metadata or {}),
    )


def sniff_binary(data: bytes) -> str | None:
    """What binary format the bytes are, or None when they may be text."""
    for magic, kind in BINARY_MAGIC.items():
        if data.startswith(magic):
            return kind
    head = data[:SNIFF_BYTES]
    if any(head.startswith(bom) for bom, _ in BOMS):
        return None  # UTF-16/32 text carries NUL bytes legitimately
    if head.count(b"\x00") > len(head) // 10:
        return "binary data (many NUL bytes)"
    return None


def decode(data: bytes, html: bool = False, charset: str | None = None) -> tuple[str, str]:
    """Text and the encoding used: BOM, then UTF-8, then the charset the HTTP header declared,
    then (HTML) the page's declared charset, then a detected charset, then cp1252.

    Valid UTF-8 goes first even against a declared charset: servers often declare a
    single-byte charset for UTF-8 pages, while non-ASCII text in another charset is almost
    never valid UTF-8 by chance.
    """
    text, encoding = _decode_raw(data, html, charset)
    return _tidy(text), encoding


def _decode_raw(data: bytes, html: bool, charset: str | None = None) -> tuple[str, str]:
    for bom, encoding in BOMS:
        if data.startswith(bom):
            return data.decode(encoding, errors="replace"), encoding
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    if charset:
        try:
            return data.decode(charset, errors="replace"), charset
        except LookupError:
            pass  # a charset Python does not know: the page's own word, then detection
    if html:
        # beautifulsoup4 reads <meta charset> / http-equiv declarations; a page's own word
        # beats a statistical guess.
        from bs4.dammit import EncodingDetector  # only for bytes that are not UTF-8

        declared = EncodingDetector.find_declared_encoding(data[: 4 * SNIFF_BYTES], is_html=True)
        if declared:
            try:
                return data.decode(declared, errors="replace"), declared
            except LookupError:
                pass
    from charset_normalizer import from_bytes

    best = from_bytes(data[: 4 * SNIFF_BYTES]).best()
    if best is not None and best.encoding:
        try:
            return data.decode(best.encoding, errors="replace"), best.encoding
        except LookupError:
            pass
    return data.decode("cp1252", errors="replace"), "cp1252"


def _tidy(text: str) -> str:
    """Drop NULs (Postgres text cannot hold them) and normalise newlines."""
    return text.replace("\x00", "").replace("\r\n", "\n").replace("\r", "\n")


def _control_share(text: str) -> float:
    sample = text[:SNIFF_BYTES]
    if not sample:
        return 0.0
    controls = sum(1 for ch in sample if ord(ch) < 32 and ch not in "\n\t\f\v")
    return controls / len(sample)


def _looks_like_html_bytes(data: bytes) -> bool:
    return _looks_like_html(data[:512].decode("latin-1"))


def _looks_like_html(text: str) -> bool:
    head = text.lstrip()[:512].lower()
    return head.startswith(("<!doctype html", "<html")) or ("<body" in head and "</" in head)


def _read_records(uri: str, data: bytes, lines: bool) -> Iterator[RawDocument | Rejected]:
    """One document per JSON record; a record that cannot be used is rejected on its own."""
    text, _ = decode(data)
    if lines:
        entries = [(n, line) for n, line in enumerate(text.split("\n"), 1) if line.strip()]
    else:
        entries = [(0, text)]
    for number, chunk in entries:
        record_uri = f"{uri}#{number}" if lines else uri
        yield from _records_from_json(record_uri, chunk)


def _records_from_json(uri: str, chunk: str) -> Iterator[RawDocument | Rejected]:
    try:
        value = json.loads(chunk)
    except ValueError as exc:
        sha = hashlib.sha256(chunk.encode()).hexdigest()
        yield reject(uri, sha, "bad_json", f"{uri} is not valid JSON: {exc}")
        return
    records = value if isinstance(value, list) else [value]
    for index, record in enumerate(records):
        record_uri = f"{uri}[{index}]" if isinstance(value, list) else uri
        yield _record_document(record_uri, record)


def _record_document(uri: str, record: object) -> RawDocument | Rejected:
    canonical = json.dumps(record, sort_keys=True, ensure_ascii=False).encode()
    sha = hashlib.sha256(canonical).hexdigest()
    if not isinstance(record, dict):
        return reject(
            uri,
            sha,
            "bad_record",
            f"{uri} is a JSON {type(record).__name__}, not an object with a text or html field",
        )
    record = _crawler_fields(record)
    key = next((k for k in RECORD_TEXT_KEYS if isinstance(record.get(k), str)), None)
    if key is None:
        return reject(
            uri,
            sha,
            "bad_record",
            f"{uri} has none of the fields {', '.join(RECORD_TEXT_KEYS)} holding the article",
        )
    media_type = "text/html" if key in RECORD_HTML_KEYS else "text/plain"
    metadata = {k: v for k, v in record.items() if k != key}
    doc = decode_document(uri, canonical, media_type, metadata)
    if isinstance(doc, Rejected):
        return doc
    body = _tidy(str(record[key]))
    if not body.strip():
        return reject(uri, sha, "empty", f"{uri} has an empty '{key}' field")
    if media_type == "text/plain" and _looks_like_html(body):
        media_type = "text/html"
    return RawDocument(
        source_uri=uri,
        content_sha256=sha,
        media_type=media_type,
        raw=canonical,
        text=body,
        encoding="utf-8",
        metadata=metadata,
    )


def _crawler_fields(record: dict[str, object]) -> dict[str, object]:
    """A crawler's record with its field names as normalise reads them (the hash is taken
    before, of the record as it came)."""
    fields = dict(record)
    article = fields.get("article")
    if isinstance(article, dict):  # Zyte API: the extracted article nested in the answer
        fields.pop("article")
        for key, value in article.items():
            if isinstance(value, str) and key not in fields:
                fields[key] = value
    source = fields.get("source")
    if isinstance(source, str) and source.startswith(("http://", "https://")):
        fields.pop("source")  # trafilatura: `source` is the page's URL, not its publisher
        fields.setdefault("url", source)
    for theirs, ours in RECORD_ALIASES.items():
        if theirs in fields and ours not in fields:
            fields[ours] = fields.pop(theirs)
    return fields


def reject(uri: str, sha: str | None, reason: str, detail: str, stage: str = "read") -> Rejected:
    return Rejected(source_uri=uri, content_sha256=sha, stage=stage, reason=reason, detail=detail)
