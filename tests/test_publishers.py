"""Publisher names, not domains: the shipped registry, the user's file, and names learned from
the loaded pages of a domain."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from sqlalchemy import Engine, text

from newsdesk import learn
from newsdesk.clean import clean
from newsdesk.normalise import normalise
from newsdesk.normalise.publishers import read_registry, user_names
from newsdesk.records import Article, RawDocument
from tests.records import html_document, load_article

PROSE = (
    "The harbour board voted on Tuesday to dredge the eastern channel before the summer, "
    "after two cargo ships ran aground there in March and the pilots' association warned "
    "that larger vessels would avoid the port."
)


def text_doc(body: str, uri: str = "mem://a.txt") -> RawDocument:
    raw = body.encode()
    return RawDocument(uri, hashlib.sha256(raw).hexdigest(), "text/plain", raw, body, "utf-8")


def html_doc(body: str, head: str = "", url: str | None = None, n: int = 0) -> RawDocument:
    return html_document(body, head, {"url": url} if url else {}, f"mem://{n}.html")


def bylined(email: str) -> Article:
    doc = text_doc(f"Dredging to start in May\n\nBY JO REED [{email}]\n\n{PROSE}")
    return normalise(doc, clean(doc))


def test_an_email_domain_becomes_the_registered_name() -> None:
    article = bylined("jo.reed@joongang.co.kr")
    assert article.publisher == "Korea JoongAng Daily"
    found = article.provenance["publisher"]
    assert found.source == "registry"
    assert ("email-domain", "joongang.co.kr") in [(c.source, c.value) for c in found.lost]
    assert bylined("jo.reed@news.scmp.com").publisher == "South China Morning Post"  # parent


def test_an_unregistered_domain_stays_a_domain_and_a_page_name_wins() -> None:
    assert bylined("jo.reed@harbour-news.example").publisher == "harbour-news.example"
    doc = text_doc(
        f"The Valley Post\n\nDredging to start in May\n\nBY JO REED [jo@scmp.com]\n\n{PROSE}"
    )
    assert normalise(doc, clean(doc)).publisher == "The Valley Post"


def test_a_url_only_page_takes_the_registered_name() -> None:
    page = html_doc(
        f"<h1>Dredging to start in May</h1><p>{PROSE}</p>", url="https://www.reuters.com/x"
    )
    article = normalise(page, clean(page))
    assert article.publisher == "Reuters"
    assert ("url", "reuters.com") in [
        (c.source, c.value) for c in article.provenance["publisher"].lost
    ]


def test_the_users_file_extends_and_overrides_the_registry(tmp_path: Path) -> None:
    path = tmp_path / "names.tsv"
    path.write_text(
        "# ours\nharbour-news.example\tHarbour News\nscmp.com\tSCMP\n", encoding="utf-8"
    )
    names = dict(user_names(path))
    doc = text_doc(f"Dredging to start in May\n\nBY JO REED [jo@harbour-news.example]\n\n{PROSE}")
    assert normalise(doc, clean(doc), names).publisher == "Harbour News"
    doc = text_doc(f"Dredging to start in May\n\nBY JO REED [jo@scmp.com]\n\n{PROSE}")
    assert normalise(doc, clean(doc), names).publisher == "SCMP"
    assert user_names(None) == ()
    path.write_text("harbour-news.example Harbour News\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"names.tsv:1"):
        read_registry(path)


def _load_page(engine: Engine, n: int, head: str, url: str) -> int:
    body = f"<h1>Harbour story number {n} of the week</h1><p>{PROSE} Story {n}.</p>"
    page = html_doc(body, head, url, n)
    article_id = load_article(engine, page, normalise(page, clean(page)), [])
    assert article_id is not None
    return article_id


def _publisher(engine: Engine, article_id: int) -> tuple[str | None, str | None]:
    with engine.connect() as conn:
        row = conn.execute(
            text(
                "SELECT publisher, provenance #>> '{publisher,source}' FROM articles WHERE id = :i"
            ),
            {"i": article_id},
        ).one()
    return row[0], row[1]


def test_a_name_learned_from_a_domains_pages_goes_to_its_pages_without_one(
    engine: Engine,
) -> None:
    site = '<meta property="og:site_name" content="{}">'
    url = "https://www.harbour-news.example/story-{}"
    named = [_load_page(engine, n, site.format("Harbour News"), url.format(n)) for n in (1, 2)]
    bare = _load_page(engine, 3, "", url.format(3))
    elsewhere = _load_page(engine, 4, "", "https://other.example/story-4")
    assert _publisher(engine, bare) == (None, None)
    learn.settle(engine)
    assert _publisher(engine, bare) == ("Harbour News", "learned")
    assert _publisher(engine, named[0]) == ("Harbour News", "meta:og:site_name")
    assert _publisher(engine, elsewhere) == (None, None)
    with engine.connect() as conn:
        assert conn.execute(text("SELECT domain, name, articles FROM publisher_names")).all() == [
            ("harbour-news.example", "Harbour News", 2)
        ]
    # Two pages of the domain name another site: no name has two thirds, none is learned.
    for n in (5, 6):
        _load_page(engine, n, site.format("Harbour Daily"), url.format(n))
    learn.settle(engine)
    assert _publisher(engine, bare) == (None, None)
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM publisher_names")).scalar() == 0
