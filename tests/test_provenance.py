"""Every metadata value an article has says where it came from, and analysts can query it."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest
from sqlalchemy import Engine, text

from newsdesk.clean import clean
from newsdesk.normalise import normalise
from newsdesk.records import Article, RawDocument
from tests.golden.regenerate import article as golden_article
from tests.golden.regenerate import inputs as golden_inputs
from tests.records import load_article

PROSE = (
    "The harbour board voted on Tuesday to dredge the eastern channel before the summer, "
    "after two cargo ships ran aground there in March and the pilots' association warned "
    "that larger vessels would avoid the port."
)
# Article attribute -> provenance key.
FIELDS = {
    "title": "title",
    "standfirst": "standfirst",
    "authors": "authors",
    "publisher": "publisher",
    "published_at": "published_at",
    "modified_at": "modified_at",
}
QUERIES = Path(__file__).resolve().parents[1] / "docs" / "queries.sql"


def html_doc(body: str, head: str = "", uri: str = "mem://page.html") -> RawDocument:
    markup = f"<html><head>{head}</head><body>{body}</body></html>"
    raw = markup.encode()
    return RawDocument(uri, hashlib.sha256(raw).hexdigest(), "text/html", raw, markup, "utf-8")


def check_provenance(article: Article) -> None:
    """A provenance entry for exactly the metadata fields the article has a value for, each
    naming its source; the winner is not among the candidates that lost."""
    for attr, key in FIELDS.items():
        value = getattr(article, attr)
        if value:
            found = article.provenance.get(key)
            assert found is not None, f"{article.source_uri}: {attr} has no provenance"
            assert found.source and found.value
            assert all(c.source and c.value for c in found.lost)
            assert (found.source, found.value) not in [(c.source, c.value) for c in found.lost]
        else:
            assert key not in article.provenance, f"{article.source_uri}: {attr} is empty"


@pytest.mark.parametrize("path", golden_inputs(), ids=lambda p: p.name)
def test_every_value_of_samples_and_golden_inputs_has_provenance(path: Path) -> None:
    check_provenance(golden_article(path))


def test_sources_name_the_rule_and_keep_the_losers() -> None:
    head = (
        '<script type="application/ld+json">{"@type":"NewsArticle","headline":"Dredging soon",'
        '"datePublished":"2025-04-04T08:00:00Z","author":{"name":"Nils Berg"}}</script>'
        '<meta property="og:title" content="Dredging to start | Harbour News">'
        '<meta property="og:site_name" content="Harbour News">'
    )
    page = html_doc(
        f"<h1>Harbour dredging to start in May</h1><p>{PROSE}</p><time>4 April 2025</time>", head
    )
    article = normalise(page, clean(page))
    check_provenance(article)
    prov = article.provenance
    assert prov["title"].source == "h1"
    assert {c.source for c in prov["title"].lost} >= {"json-ld:headline", "meta:og:title"}
    assert prov["published_at"].source == "json-ld:datePublished"
    assert {"time-tag", "late-dateline"} <= {c.source for c in prov["published_at"].lost}
    assert prov["authors"].source == "json-ld:author"
    assert prov["publisher"].source == "meta:og:site_name"


def test_text_bylines_and_datelines_are_named() -> None:
    text_ = f"Dredging to start in May\n\nBy Nils Berg\n\nPublished: 4 April 2025\n\n{PROSE}"
    raw = text_.encode()
    doc = RawDocument(
        "mem://a.txt", hashlib.sha256(raw).hexdigest(), "text/plain", raw, text_, "utf-8"
    )
    article = normalise(doc, clean(doc))
    check_provenance(article)
    assert article.provenance["authors"].source == "byline-line"
    assert article.provenance["published_at"].source == "dateline"
    assert article.provenance["title"].source == "headline-line"


def _url_only_query() -> str:
    """The worked query of docs/queries.sql, as analysts run it."""
    chunks = QUERIES.read_text(encoding="utf-8").split("-- name: ")
    (chunk,) = [c for c in chunks if c.startswith("articles whose date came only from the URL")]
    return "\n".join(line for line in chunk.splitlines()[1:] if not line.startswith("--"))


def test_articles_whose_date_came_only_from_the_url(engine: Engine) -> None:
    canonical = '<link rel="canonical" href="https://news.example/2025/03/04/dredging">'
    stamped = (
        '<script type="application/ld+json">{"@type":"NewsArticle",'
        '"datePublished":"2025-03-04T09:00:00Z"}</script>'
    )
    pages = {
        "from-url": html_doc(f"<h1>Dredging to start in May</h1><p>{PROSE}</p>", canonical),
        "from-json-ld": html_doc(
            f"<h1>Dredging starts in June again</h1><p>{PROSE} Again.</p>",
            canonical + stamped,
            "mem://b.html",
        ),
        "undated": html_doc(
            f"<h1>Dredging will start in July</h1><p>{PROSE} Twice.</p>", "", "mem://c.html"
        ),
    }
    ids = {}
    for name, page in pages.items():
        ids[name] = load_article(engine, page, normalise(page, clean(page)), [])
    with engine.connect() as conn:
        found = conn.execute(text(_url_only_query())).all()
        sources = dict(
            conn.execute(
                text(
                    "SELECT article_id, source FROM article_provenance WHERE field = 'published_at'"
                )
            ).all()
        )
    assert [row.article_id for row in found] == [ids["from-url"]]
    assert found[0].published_at.date().isoformat() == "2025-03-04"
    assert sources == {ids["from-url"]: "url", ids["from-json-ld"]: "json-ld:datePublished"}


def test_inspect_shows_where_each_value_came_from(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from newsdesk.cli import main
    from newsdesk.settings import get_settings

    (tmp_path / "a.txt").write_text(
        f"Dredging to start in May\n\nBy Nils Berg\n\nPublished: 4 April 2025\n\n{PROSE}\n"
    )
    monkeypatch.delenv("NEWSDESK_DATABASE_URL", raising=False)
    monkeypatch.setenv("NEWSDESK_DATA_DIR", str(tmp_path / "data"))
    get_settings.cache_clear()
    try:
        assert main(["inspect", "--json", "--provenance", "--no-entities", str(tmp_path)]) == 0
        (record,) = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
        assert main(["inspect", "--no-entities", str(tmp_path)]) == 0
        readable = capsys.readouterr().out
    finally:
        get_settings.cache_clear()
    assert record["provenance"]["authors"] == {
        "source": "byline-line",
        "value": ["Nils Berg"],
        "lost": [],
    }
    assert record["provenance"]["published_at"]["source"] == "dateline"
    assert record["modified_at"] is None and record["credits"] == []
    assert "provenance:" in readable and "published_at  dateline" in readable
