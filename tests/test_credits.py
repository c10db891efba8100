"""Agencies as credits, kept apart from authors, so syndicated copies count by source."""

from __future__ import annotations

import hashlib

from sqlalchemy import Engine, text

from newsdesk.clean import clean
from newsdesk.normalise import normalise
from newsdesk.normalise.credits import agencies_in
from newsdesk.records import Article, RawDocument
from tests.records import load_article

PROSE = (
    "Dockworkers at the port returned to work on Monday after their union and the harbour "
    "authority agreed a three-year wage deal, ending a nine-day strike that had left ships "
    "waiting offshore."
)
MORE = (
    "The state news agency Xinhua reported that the deal was signed late on Sunday, and "
    "officials said the first ships would be unloaded by Wednesday morning."
)


def prepare(body: str, media_type: str = "text/plain") -> tuple[RawDocument, Article]:
    raw = body.encode()
    doc = RawDocument(
        f"mem://{hashlib.sha1(raw).hexdigest()[:8]}",
        hashlib.sha256(raw).hexdigest(),
        media_type,
        raw,
        body,
        "utf-8",
    )
    return doc, normalise(doc, clean(doc))


def test_caption_and_dateline_credits_are_not_authors() -> None:
    _, article = prepare(
        "Port strike ends after nine days\n\nBy Ana Reyes\n\n"
        f"VALDORA (AP) — {PROSE}\n\n"
        "Dockworkers leave the gates of the port on Monday. Photo: AFP\n\n"
        "Union leaders sign the agreement. [YONHAP]\n\n"
        f"{MORE}"
    )
    assert article.authors == ["Ana Reyes"]
    assert article.credits == ["AP", "AFP", "Yonhap"]
    assert "Xinhua" not in article.credits  # a source the story cites is no credit


def test_an_agency_credited_as_author_is_a_credit() -> None:
    head = (
        '<script type="application/ld+json">{"@type":"NewsArticle",'
        '"author":{"@type":"Organization","name":"Reuters"}}</script>'
    )
    _, article = prepare(
        f"<html><head>{head}</head><body><h1>Port strike ends after nine days</h1>"
        f"<p>{PROSE}</p><p>{MORE}</p></body></html>",
        "text/html",
    )
    assert article.authors == [] and article.credits == ["Reuters"]


def test_written_forms() -> None:
    assert agencies_in("(AP Photo/Jo Roe)") == ["AP"]
    assert agencies_in("Photo: EPA-EFE/Getty Images") == ["EPA", "Getty Images"]
    assert agencies_in("Reporting by Agence France-Presse") == ["AFP"]
    assert agencies_in("a map of the apartment") == []  # "ap" in lower case is a word part


def test_credits_are_stored_and_counted_by_source(engine: Engine) -> None:
    for place, agency in (("VALDORA", "AP"), ("SEOUL", "Yonhap"), ("PARIS", "AFP")):
        doc, article = prepare(
            f"Port strike ends in {place.title()} after nine days\n\n{place} ({agency}) — "
            f"{PROSE} {place}.\n\n{MORE}"
        )
        load_article(engine, doc, article, [])
    with engine.connect() as conn:
        counts = dict(
            conn.execute(
                text("SELECT c, count(*) FROM articles, unnest(credits) AS c GROUP BY c")
            ).all()
        )
    assert counts == {"AP": 1, "Yonhap": 1, "AFP": 1}
