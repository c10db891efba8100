"""Reading never raises for a bad input: each yields a document or a reject with a reason."""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

import pytest

from newsdesk.records import RawDocument, Rejected
from newsdesk.sources import ReadOptions, discover, read

ARTICLE = "Ministers met on Tuesday.\n\nThe talks, officials said, went well.\n"


def _one(path: Path, options: ReadOptions | None = None) -> RawDocument | Rejected:
    items = list(read(path, options))
    assert len(items) == 1
    return items[0]


def test_discover_finds_known_suffixes_sorted_and_skips_link_loops(tmp_path: Path) -> None:
    (tmp_path / "b.txt").write_text(ARTICLE)
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "a.html").write_text("<p>x</p>")
    (tmp_path / "sub" / "notes.md").write_text("ignored")
    (tmp_path / "sub" / "loop").symlink_to(tmp_path, target_is_directory=True)
    found = discover([tmp_path])
    assert found == [tmp_path / "b.txt", tmp_path / "sub" / "a.html"]


def test_utf8_text_hashes_raw_bytes(tmp_path: Path) -> None:
    path = tmp_path / "a.txt"
    path.write_bytes(ARTICLE.encode())
    doc = _one(path)
    assert isinstance(doc, RawDocument)
    assert doc.content_sha256 == hashlib.sha256(ARTICLE.encode()).hexdigest()
    assert doc.text == ARTICLE and doc.media_type == "text/plain"


@pytest.mark.parametrize(
    ("encoded", "expected"),
    [
        (
            "Café society — the minister’s “plan”".encode("cp1252"),
            "Café society — the minister’s “plan”",
        ),
        ("Zoë’s naïve café".encode("utf-16"), "Zoë’s naïve café"),
        ("Grüße aus Köln, sagte der Bürgermeister.".encode("latin-1"), "Grüße aus Köln"),
        ("北京今天宣布了新的政策，官员表示这将促进经济发展。".encode("gbk"), "北京今天宣布"),
    ],
)
def test_non_utf8_text_is_decoded(tmp_path: Path, encoded: bytes, expected: str) -> None:
    path = tmp_path / "a.txt"
    path.write_bytes(encoded)
    doc = _one(path)
    assert isinstance(doc, RawDocument), doc
    assert expected in doc.text


def test_nul_bytes_and_crlf_are_removed(tmp_path: Path) -> None:
    path = tmp_path / "a.txt"
    path.write_bytes(b"First line.\r\nSecond\x00 line.\r\n")
    doc = _one(path)
    assert isinstance(doc, RawDocument)
    assert doc.text == "First line.\nSecond line.\n"


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"", "empty"),
        (b"  \n\t \n", "empty"),
        (b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4, "binary"),
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", "binary"),
        (os.urandom(4096), "binary"),
    ],
)
def test_bad_inputs_are_rejected_with_a_reason(tmp_path: Path, data: bytes, reason: str) -> None:
    path = tmp_path / "bad.txt"
    path.write_bytes(data)
    item = _one(path)
    assert isinstance(item, Rejected)
    assert item.stage == "read" and item.reason == reason
    assert str(path) in item.detail


def test_too_large_is_rejected_before_reading(tmp_path: Path) -> None:
    path = tmp_path / "big.txt"
    path.write_text("word " * 1000)
    item = _one(path, ReadOptions(max_input_bytes=100))
    assert isinstance(item, Rejected) and item.reason == "too_large"
    assert "NEWSDESK_MAX_INPUT_BYTES" in item.detail


def test_vanished_file_is_rejected(tmp_path: Path) -> None:
    item = _one(tmp_path / "gone.txt")
    assert isinstance(item, Rejected) and item.reason == "unreadable"


def test_html_in_a_txt_file_is_treated_as_html(tmp_path: Path) -> None:
    path = tmp_path / "a.txt"
    path.write_text("<!DOCTYPE html><html><body><p>Hello there.</p></body></html>")
    doc = _one(path)
    assert isinstance(doc, RawDocument) and doc.media_type == "text/html"


def test_jsonl_records_each_become_a_document(tmp_path: Path) -> None:
    path = tmp_path / "feed.jsonl"
    lines = [
        json.dumps({"url": "https://example.org/a", "text": ARTICLE}),
        "{not json",
        json.dumps({"url": "https://example.org/b"}),
        json.dumps({"html": "<html><body><p>Hi.</p></body></html>"}),
    ]
    path.write_text("\n".join(lines))
    items = list(read(path))
    assert [type(i).__name__ for i in items] == [
        "RawDocument",
        "Rejected",
        "Rejected",
        "RawDocument",
    ]
    first, bad_json, no_text, html = items
    assert isinstance(first, RawDocument) and first.text == ARTICLE
    assert first.metadata == {"url": "https://example.org/a"}
    assert first.source_uri == f"{path}#1"
    assert isinstance(bad_json, Rejected) and bad_json.reason == "bad_json"
    assert isinstance(no_text, Rejected) and no_text.reason == "bad_record"
    assert isinstance(html, RawDocument) and html.media_type == "text/html"


def test_html_declared_charset_is_honoured(tmp_path: Path) -> None:
    page = (
        '<html><head><meta charset="windows-1251"></head><body>'
        "<p>Городской совет утвердил новый бюджет на следующий год.</p></body></html>"
    )
    path = tmp_path / "a.html"
    path.write_bytes(page.encode("cp1251"))
    doc = _one(path)
    assert isinstance(doc, RawDocument)
    assert doc.encoding == "windows-1251" and "Городской совет" in doc.text


def test_crawler_exports_field_names(tmp_path: Path) -> None:
    """Scrapy, trafilatura and Zyte API records: their text, url, title and date fields."""
    html = "<html><body><article><p>" + ARTICLE + "</p></article></body></html>"
    path = tmp_path / "crawl.jsonl"
    records = [
        {"url": "https://a.example/1", "body": html, "title": "Scrapy item", "date": "2024-05-01"},
        {"url": "https://a.example/2", "raw_html": html, "title": "Raw"},
        {"source": "https://a.example/3", "raw_text": ARTICLE, "sitename": "Trafilatura Times"},
        {"url": "https://a.example/4", "browserHtml": html},
        {
            "url": "https://a.example/5",
            "article": {"headline": "Zyte", "articleBody": ARTICLE, "datePublished": "2024-05-02"},
        },
    ]
    path.write_text("\n".join(json.dumps(r) for r in records))
    docs = list(read(path))
    assert all(isinstance(d, RawDocument) for d in docs)
    body, raw_html, trafilatura, browser, zyte = docs
    assert isinstance(body, RawDocument) and body.media_type == "text/html"  # sniffed
    assert body.metadata["date"] == "2024-05-01" and body.metadata["title"] == "Scrapy item"
    assert isinstance(raw_html, RawDocument) and raw_html.media_type == "text/html"
    assert isinstance(browser, RawDocument) and browser.media_type == "text/html"
    assert isinstance(trafilatura, RawDocument) and trafilatura.text == ARTICLE
    assert trafilatura.metadata == {"url": "https://a.example/3", "site_name": "Trafilatura Times"}
    assert isinstance(zyte, RawDocument) and zyte.text == ARTICLE
    assert zyte.metadata["headline"] == "Zyte" and zyte.metadata["datePublished"] == "2024-05-02"
