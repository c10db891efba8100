"""WARC input: speed of reading and cleaning records, records equal to the same pages as .html
files, and memory flat in the size of the file.

    .venv/bin/python -m bench.warc                    # big WARC ~200 MB against ~20 MB
    .venv/bin/python -m bench.warc --big-mb 1000      # the issue's 1 GB against 100 MB

The pages are the extraction benchmark's (../shared/corpus/article-extraction-benchmark), written
by warcio into a crawl as crawlers write it: warcinfo, a request and a response per page, an
image, a JSON response, a revisit, a metadata record, a repeated payload and a last gzip member
cut off. It prints
1. records/s reading and cleaning (clean, normalise, signature: no entities) on one core, and
   the ratio to trafilatura's extraction of the same pages in the same run (target >= 50/s);
2. how many records' articles differ from the same page read as an .html file (target 0), and
   what the crawl's other records became (skipped by kind, rejects);
3. peak RSS of a fresh process reading a big WARC against one a tenth its size, made by
   repeating the pages with distinct payloads (target ratio <= 1.2).
"""

from __future__ import annotations

import argparse
import gzip
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from newsdesk import crawl, pipeline, sources
from newsdesk.clean import CleanOptions
from newsdesk.records import Item, RawDocument
from tests.warcs import PNG, Entry, cut_last_member, response, write_warc

CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus"
PAGES = CORPUS / "article-extraction-benchmark"


def pages() -> list[tuple[str, bytes]]:
    """(url, html bytes) of the extraction benchmark's pages."""
    truth = json.loads((PAGES / "ground-truth.json").read_text())
    found = []
    for path in sorted((PAGES / "html").glob("*.html.gz")):
        key = path.name.removesuffix(".html.gz")
        url = truth.get(key, {}).get("url") or f"https://bench.example/{key}"
        found.append((url, gzip.decompress(path.read_bytes())))
    return found


def mixed_crawl(folder: Path, found: list[tuple[str, bytes]]) -> Path:
    """The mixed crawl of the issue, with these pages."""
    entries: list[Entry] = []
    for url, html in found:
        entries += [Entry("request", url), response(url, html, content_type="text/html")]
    first_url, first_html = found[0]
    entries += [
        response("https://bench.example/logo.png", PNG, content_type="image/png"),
        response("https://bench.example/api.json", b'{"a": 1}', content_type="application/json"),
        Entry("revisit", first_url),
        Entry("metadata", first_url),
        response(first_url + "?amp=1", first_html, content_type="text/html"),
        response("https://bench.example/cut", found[1][1], content_type="text/html"),
    ]
    path = write_warc(folder / "crawl.warc.gz", entries)
    cut_last_member(path)
    return path


def _prepare(doc: RawDocument) -> Item | None:
    item = pipeline.prepare_one(doc, CleanOptions())
    return item if isinstance(item, Item) else None


def speed_and_equality(
    folder: Path, path: Path, found: list[tuple[str, bytes]]
) -> dict[str, object]:
    started = time.perf_counter()
    docs: list[RawDocument] = []
    rejects = []
    items: list[Item | None] = []
    for doc in crawl.read(path):
        if isinstance(doc, RawDocument):
            docs.append(doc)
            items.append(_prepare(doc))
        else:
            rejects.append(doc)
    ours = time.perf_counter() - started
    import trafilatura

    started = time.perf_counter()
    for _, html in found:
        trafilatura.extract(html.decode("utf-8", errors="replace"))
    theirs = time.perf_counter() - started

    mismatches = []
    for n, (doc, item) in enumerate(zip(docs, items, strict=False)):
        if n >= len(found):
            break
        file = folder / f"page-{n}.html"
        file.write_bytes(found[n][1])
        [as_file] = sources.read(file)
        other = _prepare(as_file) if isinstance(as_file, RawDocument) else None
        same_hash = (
            isinstance(as_file, RawDocument) and as_file.content_sha256 == doc.content_sha256
        )
        same_body = (item.article.body if item else None) == (other.article.body if other else None)
        if not (same_hash and same_body):
            mismatches.append(found[n][0])
    part_skipped: dict[str, int] = {}
    offset: int | None = 0
    while offset is not None:
        part = crawl.read_warc(path, offset, 10_000)
        for kind, k in part.skipped.items():
            part_skipped[kind] = part_skipped.get(kind, 0) + k
        offset = part.next_offset
    return {
        "records": len(docs) + len(rejects),
        "records_per_s": (len(docs) + len(rejects)) / ours,
        "trafilatura_pages_per_s": len(found) / theirs,
        "mismatches": mismatches,
        "skipped": part_skipped,
        "rejects": sorted({r.reason for r in rejects}),
        "pages": len(found),
        "loaded_as_articles": sum(1 for i in items if i is not None),
    }


def big_warc(path: Path, found: list[tuple[str, bytes]], megabytes: int) -> int:
    """A WARC of about `megabytes` (compressed): the pages again and again, each payload made
    distinct; returns how many records it holds."""
    import io

    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    target = megabytes * 2**20
    n = 0
    with path.open("wb") as fh:
        writer = WARCWriter(fh, gzip=True)
        while fh.tell() < target:
            url, html = found[n % len(found)]
            payload = html + f"\n<!-- copy {n} -->".encode()
            http = StatusAndHeaders("200 OK", [("Content-Type", "text/html")], protocol="HTTP/1.1")
            record = writer.create_warc_record(
                f"{url}#{n}", "response", payload=io.BytesIO(payload), http_headers=http
            )
            writer.write_record(record)
            n += 1
    return n


READER = """
import resource, sys
from pathlib import Path
from newsdesk import crawl
n = sum(1 for _ in crawl.read(Path(sys.argv[1])))
print(n, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
"""


def peak_rss(path: Path) -> tuple[int, int, float]:
    """(records read, peak RSS in bytes, seconds) of a fresh process reading the file."""
    started = time.perf_counter()
    out = subprocess.run(
        [sys.executable, "-c", READER, str(path)], capture_output=True, text=True, check=True
    ).stdout.split()
    return int(out[0]), int(out[1]) * 1024, time.perf_counter() - started


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--big-mb", type=int, default=200, help="size of the big WARC (MB)")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args(argv)
    if not PAGES.exists():
        print(f"skipped: {PAGES} is not here")
        return 0
    found = pages()
    with tempfile.TemporaryDirectory(prefix="bench-warc-") as tmp:
        folder = Path(tmp)
        path = mixed_crawl(folder, found)
        result = speed_and_equality(folder, path, found)
        small_path, big_path = folder / "small.warc.gz", folder / "big.warc.gz"
        small_n = big_warc(small_path, found, max(1, args.big_mb // 10))
        big_n = big_warc(big_path, found, args.big_mb)
        small_read, small_rss, _ = peak_rss(small_path)
        big_read, big_rss, big_s = peak_rss(big_path)
        result.update(
            small_mb=small_path.stat().st_size / 2**20,
            big_mb=big_path.stat().st_size / 2**20,
            small_records=small_n,
            big_records=big_n,
            read_ok=small_read == small_n and big_read == big_n,
            small_rss_mb=small_rss / 2**20,
            big_rss_mb=big_rss / 2**20,
            big_read_records_per_s=big_read / big_s,
        )
    if args.json:
        print(json.dumps(result, indent=1))
        return 0
    rate = float(result["records_per_s"])  # type: ignore[arg-type]
    ratio = rate / float(result["trafilatura_pages_per_s"])  # type: ignore[arg-type]
    memory = float(result["big_rss_mb"]) / float(result["small_rss_mb"])  # type: ignore[arg-type]
    mismatches = result["mismatches"]
    print(
        f"crawl: {result['pages']} pages, {result['records']} page records read, "
        f"{result['loaded_as_articles']} articles; skipped {result['skipped']}; "
        f"rejects {result['rejects']}"
    )
    print(
        f"read + clean (no entities), one core: {rate:.1f} records/s "
        f"({'met' if rate >= 50 else 'NOT met'}: >= 50); "
        f"trafilatura {result['trafilatura_pages_per_s']:.1f} pages/s, ratio {ratio:.2f}"
    )
    print(
        f"records whose article differs from the .html file: {len(mismatches)}"  # type: ignore[arg-type]
        f"{' ' + str(mismatches[:5]) if mismatches else ''}"
    )
    print(
        f"peak RSS reading: {result['small_mb']:.0f} MB WARC ({result['small_records']} records) "
        f"{result['small_rss_mb']:.0f} MB; {result['big_mb']:.0f} MB WARC "
        f"({result['big_records']} records) {result['big_rss_mb']:.0f} MB; ratio {memory:.2f} "
        f"({'met' if memory <= 1.2 else 'NOT met'}: <= 1.2); "
        f"all records read: {result['read_ok']}; "
        f"{result['big_read_records_per_s']:.0f} records/s reading only"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
