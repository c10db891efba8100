"""A page with no name of its own takes the publisher its furniture belongs to (lines its
cleaning removed, learned or by rule), when that furniture belongs to one publisher only: end
to end through the ETL flow, on real Postgres, with pages of two fictional publishers written
for this test."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, text

from flows.etl import etl

pytestmark = pytest.mark.slow

GAZETTE = ("The Tidewater Gazette", "tidewater-gazette.example")
COURIER = ("The Inland Courier", "inland-courier.example")
# Furniture each publisher prints inside its article container, and one line both print.
GAZETTE_LINE = "Crossword lovers can now play every puzzle from our archive"
COURIER_LINE = "Listen to this week's farm market report on our podcast"
SHARED_LINE = "Tell our newsroom what we should look into next"
# A promo the cleaning rules remove by themselves, on the Gazette's pages only.
GAZETTE_PROMO = "Sign up for our Tideline newsletter"

STORIES = {
    GAZETTE: [
        (
            "Ferry fares rise for the first time in six years",
            "The island ferry company raised fares by four percent on Monday, saying fuel had "
            "cost it more this year than at any time since it began sailing in the nineties.",
        ),
        (
            "Lighthouse keeper retires after forty years",
            "The last keeper of the north point light handed over its keys on Saturday, and "
            "the council said the tower would open to visitors from the start of summer.",
        ),
        (
            "Oyster beds reopen after the winter survey",
            "Harvesters returned to the bay's oyster beds on Thursday after inspectors found "
            "the water clean enough for the season to start two weeks early.",
        ),
    ],
    COURIER: [
        (
            "Grain silo plan wins county approval",
            "County commissioners approved a new grain silo beside the rail spur on Wednesday, "
            "ending a dispute with neighbours over dust and lorry traffic that ran for a year.",
        ),
        (
            "Drought relief payments reach valley farms",
            "The first drought relief payments reached valley farms this week, the agriculture "
            "office said, and a second round is planned before the autumn sowing begins.",
        ),
        (
            "Country fair returns after three quiet years",
            "Stalls, tractors and a brass band filled the showground on Sunday as the country "
            "fair returned for the first time since the old grandstand was pulled down.",
        ),
    ],
}


def _page(name: str, domain: str, n: int, title: str, prose: str, line: str) -> str:
    """An HTML page naming its site, its publisher's furniture inside the article."""
    promo = f"<p>{GAZETTE_PROMO}</p>" if name == GAZETTE[0] else ""
    return (
        f'<html><head><meta property="og:site_name" content="{name}">'
        f'<meta property="og:url" content="https://www.{domain}/news/{n}"></head><body>'
        f"<article><h1>{title}</h1><p>{prose}</p><p>{line}</p>"
        f"<p>Officials expect to say more about it at a meeting next month, number {n}.</p>"
        f"<p>{SHARED_LINE}</p>{promo}</article></body></html>"
    )


def _text(title: str, lines: list[str]) -> str:
    """A scraped text with no masthead, byline or URL: furniture between its paragraphs."""
    prose = [
        f"The harbour board voted on Tuesday about {title.lower()}, after the last winter "
        "cracked the old seawall in two places and flooded the fish market.",
        "Work will take three months and cost less than the board had feared, its chair said.",
    ]
    return "\n\n".join([title, prose[0], *lines, prose[1]]) + "\n"


@pytest.fixture
def inbox(tmp_path: Path) -> Path:
    for (name, domain), stories in STORIES.items():
        line = GAZETTE_LINE if name == GAZETTE[0] else COURIER_LINE
        for n, (title, prose) in enumerate(stories):
            page = _page(name, domain, n, title, prose, line)
            (tmp_path / f"{domain}-{n}.html").write_text(page, encoding="utf-8")
    texts = {
        "gazette-only": _text("Seawall repairs to start in May", [GAZETTE_LINE, SHARED_LINE]),
        "two-publishers": _text("Fish market to move inland", [GAZETTE_LINE, COURIER_LINE]),
        "promo-only": _text("Harbour lights to be replaced", [GAZETTE_PROMO]),
        "shared-only": _text(
            "New pontoon for the lifeboat crew",
            [SHARED_LINE, "The crew has asked for one since the old pontoon sank."],
        ),
    }
    for key, body in texts.items():
        (tmp_path / f"{key}.txt").write_text(body, encoding="utf-8")
    return tmp_path


def _articles(url: str) -> dict[str, dict[str, Any]]:
    engine = create_engine(url)
    with engine.connect() as conn:
        rows = conn.execute(
            text("SELECT source_uri, publisher, provenance -> 'publisher', removed FROM articles")
        ).all()
    engine.dispose()
    return {
        Path(uri).stem: {"publisher": p, "provenance": prov, "removed": removed}
        for uri, p, prov, removed in rows
    }


def test_a_page_without_a_name_takes_its_furnitures_one_publisher(
    prefect_harness: None, db_url: str, inbox: Path
) -> None:
    summary = etl([str(inbox)], database_url=db_url)
    assert summary["loaded"] == 10 and summary["rejected"] == 0
    articles = _articles(db_url)
    assert articles["tidewater-gazette.example-0"]["publisher"] == GAZETTE[0]

    only = articles["gazette-only"]
    assert only["publisher"] == GAZETTE[0]
    assert only["provenance"]["source"] == "learned_furniture"
    assert {"source": "furniture-domain", "value": GAZETTE[1]} in only["provenance"]["lost"]
    learned = {r["text"] for r in only["removed"] if r["reason"] == "learned"}
    assert learned == {GAZETTE_LINE, SHARED_LINE}

    # Furniture the rules remove names its publisher too (a text scraped without its
    # masthead, with its site's promo).
    promo = articles["promo-only"]
    assert promo["publisher"] == GAZETTE[0]
    assert promo["provenance"]["source"] == "learned_furniture"
    assert {"text": GAZETTE_PROMO, "reason": "promo"} in promo["removed"]

    # Furniture of two publishers, or only a line both print: no name.
    for key in ("two-publishers", "shared-only"):
        assert articles[key]["publisher"] is None, key
        assert articles[key]["provenance"] is None, key
        assert any(r["reason"] == "learned" for r in articles[key]["removed"]), key

    # The page its furniture named teaches nothing: the learned lines are the two sites' own.
    engine = create_engine(db_url)
    with engine.connect() as conn:
        owners = dict(conn.execute(text("SELECT line, publishers FROM learned_lines")).all())
    engine.dispose()
    assert owners == {
        GAZETTE_LINE: [GAZETTE[0]],
        COURIER_LINE: [COURIER[0]],
        SHARED_LINE: sorted([GAZETTE[0], COURIER[0]]),
    }

    # Settled again with nothing new, nothing changes.
    summary = etl([str(inbox)], database_url=db_url)
    assert summary["loaded"] == 0
    assert _articles(db_url) == articles
