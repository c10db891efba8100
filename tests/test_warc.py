"""WARC files read record by record (newsdesk.warc, crawl.read_warc), on WARCs the tests
write with warcio: which records become documents, how their payloads decode, damage, filters
and slices. No database: tests/test_warc_flow.py loads them."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from newsdesk import crawl, pipeline, sources, warc
from newsdesk.clean import CleanOptions
from newsdesk.records import Item, RawDocument, Rejected
from tests.warcs import (
    Entry,
    cut_last_member,
    page,
    response,
    write_crawl,
    write_warc,
)


def _all(path: Path, limit: int = 1000, **kwargs: object) -> crawl.WarcSlice:
    return crawl.read_warc(path, 0, limit, filters=warc.record_filter(**kwargs))  # type: ignore[arg-type]


def test_every_html_response_is_a_document_and_nothing_else(tmp_path: Path) -> None:
    made = write_crawl(tmp_path / "crawl.warc.gz")
    part = _all(made.path)
    urls = [doc.metadata["url"] for doc in part.docs]
    assert urls == [*made.pages, made.repeated_url]
    assert part.rejects == []
    assert part.skipped == made.skipped
    assert part.next_offset is None
    for doc in part.docs:
        assert doc.origin is not None and doc.origin.url == doc.metadata["url"]
        assert doc.origin.fetched_at == datetime(2024, 5, 1, 10, tzinfo=UTC)
        assert doc.origin.record_id and doc.origin.record_id.startswith("<urn:uuid:")
        assert doc.source_uri == f"{made.path}#{doc.origin.offset}"
        assert doc.raw.startswith(b"HTTP/1.1 200 OK\r\n")  # the HTTP block as stored
    # The repeated payload has the first page's hash: it loads once.
    assert part.docs[-1].content_sha256 == part.docs[0].content_sha256


def test_sources_survey_and_read_take_warc_files(tmp_path: Path) -> None:
    write_crawl(tmp_path / "a.warc.gz")
    write_crawl(tmp_path / "b.warc", first=10, count=2)
    (tmp_path / "c.warc.tar").write_bytes(b"not one")
    survey = sources.survey([tmp_path])
    assert [p.name for p in survey.files] == ["a.warc.gz", "b.warc"]
    assert [p.name for p in survey.unsupported] == ["c.warc.tar"]
    docs = list(crawl.read(tmp_path / "b.warc"))
    assert len(docs) == 3 and all(isinstance(d, RawDocument) for d in docs)  # with the repeat


def _prepared(doc: RawDocument | Rejected) -> Item:
    assert isinstance(doc, RawDocument), doc
    item = pipeline.prepare_one(doc, CleanOptions())
    assert isinstance(item, Item), item
    return item


def test_record_body_equals_the_page_read_as_an_html_file(tmp_path: Path) -> None:
    made = write_crawl(tmp_path / "crawl.warc.gz", count=5)
    part = _all(made.path)
    for doc, (url, html) in zip(part.docs, made.pages.items(), strict=False):
        file = tmp_path / f"{doc.origin.offset if doc.origin else 0}.html"
        file.write_text(html, encoding="utf-8")
        [as_file] = sources.read(file)
        assert isinstance(as_file, RawDocument)
        assert doc.content_sha256 == as_file.content_sha256
        from_record, from_file = _prepared(doc).article, _prepared(as_file).article
        assert from_record.body == from_file.body
        assert from_record.title == from_file.title
        assert from_record.url == url  # WARC-Target-URI, which the file does not have


def test_url_feeds_the_metadata_but_fetch_time_is_no_publication_date(tmp_path: Path) -> None:
    url = "https://news.example.org/2023/11/14/politics/budget-vote"
    path = write_warc(tmp_path / "one.warc", [response(url, page(3), date="2024-06-30T08:00:00Z")])
    [doc] = _all(path).docs
    article = _prepared(doc).article
    assert article.url == url
    assert article.published_at is not None and article.published_at.date().isoformat() == (
        "2023-11-14"
    )
    assert doc.origin is not None and doc.origin.fetched_at == datetime(2024, 6, 30, 8, tzinfo=UTC)


def test_http_charset_and_payload_encodings(tmp_path: Path) -> None:
    accented = page(4).replace("council voted", "conseil a voté").replace('charset="utf-8"', "")
    latin = accented.encode("cp1252")
    path = write_warc(
        tmp_path / "enc.warc.gz",
        [
            response("http://a.example/1", latin, content_type="text/html; charset=windows-1252"),
            response("http://a.example/2", page(5), encode="gzip"),
            response("http://a.example/3", page(6), encode="chunked"),
            response("http://a.example/4", page(7), encode="gzip+chunked"),
        ],
    )
    docs = _all(path).docs
    assert len(docs) == 4
    assert "conseil a voté" in docs[0].text and docs[0].encoding == "windows-1252"
    for doc, n in zip(docs[1:], (5, 6, 7), strict=True):
        assert doc.text == page(n)
        assert doc.raw != page(n).encode()  # stored as it came: encoded


def test_html_is_sniffed_when_the_server_does_not_say(tmp_path: Path) -> None:
    path = write_warc(
        tmp_path / "sniff.warc",
        [
            response("http://a.example/1", page(1), content_type="application/octet-stream"),
            response("http://a.example/2", page(2), content_type=""),
            response("http://a.example/3", b"plain words, no markup", content_type="text/plain"),
            response("http://a.example/4", page(4), content_type="text/css"),
            response("http://a.example/5", page(5), status="301 Moved Permanently"),
            response("http://a.example/6", page(6), status="404 Not Found"),
        ],
    )
    part = _all(path)
    assert [d.metadata["url"] for d in part.docs] == ["http://a.example/1", "http://a.example/2"]
    assert part.skipped == {"warcinfo": 1, "response (not HTML)": 2}
    # HTML answers that are no article are accounted for as rejects, with their status.
    assert [r.reason for r in part.rejects] == ["http_status", "http_status"]
    assert "HTTP 301 answer (Moved Permanently)" in part.rejects[0].detail
    assert "HTTP 404 answer (Not Found)" in part.rejects[1].detail


def test_a_cut_last_gzip_member_keeps_every_record_before_it(tmp_path: Path) -> None:
    made = write_crawl(tmp_path / "cut.warc.gz")
    whole = _all(made.path)
    cut_last_member(made.path)
    part = _all(made.path)
    assert [d.content_sha256 for d in part.docs] == [d.content_sha256 for d in whole.docs[:-1]]
    [reject] = part.rejects
    assert reject.reason == "damaged_record" and reject.stage == "read"
    assert "cut" in reject.detail and "records before it are kept" in reject.detail


@pytest.mark.parametrize("keep", [0.02, 0.3, 0.9])
def test_a_cut_anywhere_in_the_last_member_rejects_it_with_a_reason(
    tmp_path: Path, keep: float
) -> None:
    made = write_crawl(tmp_path / "cut.warc.gz", count=2)
    cut_last_member(made.path, keep)
    part = _all(made.path)
    assert len(part.docs) == 2  # the repeated payload was the last record
    assert [r.reason for r in part.rejects] == ["damaged_record"]


def test_garbage_after_the_records_is_a_damaged_record(tmp_path: Path) -> None:
    path = write_warc(
        tmp_path / "bad.warc", [response(f"http://a.example/{n}", page(n)) for n in range(3)]
    )
    with path.open("ab") as fh:
        fh.write(b"this is no WARC header\r\n\r\nat all\r\n")
    part = _all(path)
    assert len(part.docs) == 3
    [reject] = part.rejects
    assert reject.reason == "damaged_record"
    offset = int(reject.source_uri.rsplit("#", 1)[1])
    assert reject.source_uri.startswith(f"{path}#")
    assert path.stat().st_size - 40 <= offset < path.stat().st_size


def test_an_uncompressed_warc_cut_short_keeps_what_came_before(tmp_path: Path) -> None:
    path = write_warc(
        tmp_path / "cut.warc", [response(f"http://a.example/{n}", page(n)) for n in range(3)]
    )
    path.write_bytes(path.read_bytes()[:-400])
    part = _all(path)
    assert len(part.docs) == 2
    assert [r.reason for r in part.rejects] == ["damaged_record"]


def test_an_empty_page_and_a_bad_encoding_are_rejected_each_on_its_own(tmp_path: Path) -> None:
    path = write_warc(
        tmp_path / "bad.warc.gz",
        [
            response("http://a.example/empty", b"   "),
            response(
                "http://a.example/bad",
                b"\x1f\x8b\x08not gzip at all",
                headers=[("Content-Encoding", "gzip")],
            ),
            response("http://a.example/ok", page(1)),
        ],
    )
    part = _all(path)
    assert [r.reason for r in part.rejects] == ["empty", "bad_encoding"]
    assert [d.metadata["url"] for d in part.docs] == ["http://a.example/ok"]


def test_slices_read_the_same_records_as_one_pass(tmp_path: Path) -> None:
    made = write_crawl(tmp_path / "crawl.warc.gz", count=7)
    cut_last_member(made.path)
    whole = _all(made.path)
    offset: int | None = 0
    docs: list[RawDocument] = []
    rejects: list[Rejected] = []
    skipped: dict[str, int] = {}
    while offset is not None:
        part = crawl.read_warc(made.path, offset, 2)
        assert len(part.docs) + len(part.rejects) <= 2
        docs += part.docs
        rejects += part.rejects
        for kind, n in part.skipped.items():
            skipped[kind] = skipped.get(kind, 0) + n
        offset = part.next_offset
    assert [d.source_uri for d in docs] == [d.source_uri for d in whole.docs]
    assert rejects == whole.rejects and skipped == whole.skipped


def _urls(path: Path, **kwargs: object) -> list[str]:
    return [str(d.metadata["url"]) for d in _all(path, **kwargs).docs]


def test_domain_filter_is_by_host_never_substring(tmp_path: Path) -> None:
    hosts = [
        "bbc.co.uk",
        "www.bbc.co.uk",
        "news.bbc.co.uk",
        "notbbc.co.uk",
        "bbc.co.uk.evil.example",
    ]
    path = write_warc(
        tmp_path / "hosts.warc.gz",
        [response(f"https://{h}/story", page(n)) for n, h in enumerate(hosts)],
    )
    assert _urls(path, domains=["bbc.co.uk"]) == [
        "https://bbc.co.uk/story",
        "https://www.bbc.co.uk/story",
        "https://news.bbc.co.uk/story",
    ]
    assert _urls(path, domains=["WWW.BBC.co.uk."]) == ["https://www.bbc.co.uk/story"]
    assert _urls(path, domains=["notbbc.co.uk", "evil.example"]) == [
        "https://notbbc.co.uk/story",
        "https://bbc.co.uk.evil.example/story",
    ]
    part = _all(path, domains=["bbc.co.uk"])
    assert part.filtered == 2 and part.skipped == {"warcinfo": 1}


def test_since_and_until_filter_by_warc_date(tmp_path: Path) -> None:
    dates = [
        "2024-04-30T23:59:59Z",
        "2024-05-01T00:00:00Z",
        "2024-05-02T18:00:00Z",
        "2024-05-03T00:00:00Z",
    ]
    path = write_warc(
        tmp_path / "dates.warc",
        [response(f"https://a.example/{n}", page(n), date=d) for n, d in enumerate(dates)],
    )
    assert _urls(path, since="2024-05-01") == [f"https://a.example/{n}" for n in (1, 2, 3)]
    assert _urls(path, until="2024-05-02") == [f"https://a.example/{n}" for n in (0, 1, 2)]
    assert _urls(path, since="2024-05-01", until="2024-05-02T12:00:00Z") == ["https://a.example/1"]
    assert _all(path, since="2024-05-02", until="2024-05-02").filtered == 3


def test_filters_say_what_is_wrong() -> None:
    with pytest.raises(ValueError, match="--since"):
        warc.record_filter(since="last tuesday")
    with pytest.raises(ValueError, match="after --until"):
        warc.record_filter(since="2024-05-03", until="2024-05-01")
    with pytest.raises(ValueError, match="--domain"):
        warc.record_filter(domains=["bbc.co.uk/news"])
    assert not warc.record_filter()
    assert warc.record_filter(domains=["https://www.BBC.co.uk/news"]).domains == ("www.bbc.co.uk",)


def test_a_stored_record_reads_again_as_on_its_first_load(tmp_path: Path) -> None:
    path = write_warc(
        tmp_path / "s.warc.gz",
        [response("http://a.example/1", page(1), encode="gzip+chunked")],
    )
    [doc] = _all(path).docs
    assert doc.origin is not None
    again = crawl.stored_warc_document(doc.source_uri, doc.raw, doc.origin)
    assert again == doc


def test_a_record_over_the_size_limit_is_rejected(tmp_path: Path) -> None:
    big = page(1).replace("</article>", "<p>" + "word " * 5000 + "</p></article>")
    path = write_warc(
        tmp_path / "big.warc",
        [response("http://a.example/big", big), response("http://a.example/ok", page(2))],
    )
    part = crawl.read_warc(path, 0, 10, sources.ReadOptions(max_input_bytes=10_000))
    assert [r.reason for r in part.rejects] == ["too_large"]
    assert len(part.docs) == 1


def test_entries_helper_writes_what_warcio_reads(tmp_path: Path) -> None:
    path = write_warc(
        tmp_path / "k.warc",
        [Entry("metadata", "http://a.example/"), Entry("request", "http://a.example/")],
    )
    assert _all(path).skipped == {"warcinfo": 1, "metadata": 1, "request": 1}


def _ranges(path: Path, size: int) -> tuple[list[str], list[str], dict[str, int]]:
    """Read a file as byte ranges of `size`, each on its own (as Dask tasks do)."""
    uris: list[str] = []
    rejects: list[str] = []
    skipped: dict[str, int] = {}
    total = path.stat().st_size
    for begin in range(0, total, size):
        end = min(begin + size, total)
        first = warc.record_start(path, begin, end)
        if first is None:
            continue
        part = crawl.read_warc(path, first, 10**9, end=end)
        uris += [d.source_uri for d in part.docs]
        rejects += [r.source_uri for r in part.rejects]
        for kind, n in part.skipped.items():
            skipped[kind] = skipped.get(kind, 0) + n
    return uris, rejects, skipped


@pytest.mark.parametrize("name", ["ranges.warc.gz", "ranges.warc"])
@pytest.mark.parametrize("size", [500, 1777, 4096, 10**6])
def test_byte_ranges_read_each_record_once(tmp_path: Path, name: str, size: int) -> None:
    made = write_crawl(tmp_path / name, count=9)
    if name.endswith(".gz"):
        cut_last_member(made.path)
    whole = _all(made.path)
    uris, rejects, skipped = _ranges(made.path, size)
    assert uris == [d.source_uri for d in whole.docs]
    assert rejects == [r.source_uri for r in whole.rejects]
    assert skipped == whole.skipped


def test_record_start_finds_each_record(tmp_path: Path) -> None:
    for name in ("starts.warc.gz", "starts.warc"):
        made = write_crawl(tmp_path / name, count=3)
        offsets = [d.origin.offset for d in _all(made.path).docs if d.origin]
        for offset in offsets:
            assert warc.record_start(made.path, offset) == offset
            assert warc.record_start(made.path, offset - 1) == offset
        size = made.path.stat().st_size
        assert warc.record_start(made.path, offsets[-1] + 1) is None
        assert warc.record_start(made.path, offsets[0] - 1, offsets[0]) is None
        assert warc.record_start(made.path, size) is None
