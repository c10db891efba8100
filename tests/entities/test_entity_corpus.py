"""The five seed articles of ../shared/corpus: the names an analyst expects (slow, corpus)."""

from __future__ import annotations

from pathlib import Path

import pytest
from spacy.language import Language

from newsdesk.entities import extract
from newsdesk.records import Article, Mention

pytestmark = [pytest.mark.slow, pytest.mark.corpus]


def _seed_articles(corpus: Path) -> dict[str, Article]:
    """Seed files as articles: first line the title, the rest the body (raw, uncleaned)."""
    articles = {}
    for path in sorted((corpus / "seeds").glob("*.txt")):
        title, _, body = path.read_text(encoding="utf-8").partition("\n")
        articles[path.name[:3]] = Article(str(path), title, None, [], None, None, body)
    return articles


@pytest.fixture(scope="module")
def seed_mentions(nlp: Language, corpus: Path) -> dict[str, list[Mention]]:
    articles = _seed_articles(corpus)
    return dict(zip(articles, extract(nlp, list(articles.values())), strict=True))


def _resolved(mentions: list[Mention], surface: str) -> set[str]:
    return {m.name for m in mentions if m.surface == surface}


def test_people_and_organisations_are_found(seed_mentions: dict[str, list[Mention]]) -> None:
    people = {m.name for ms in seed_mentions.values() for m in ms if m.kind == "person"}
    orgs = {m.name for ms in seed_mentions.values() for m in ms if m.kind == "organisation"}
    for name in [
        "Zhao Leji",
        "Kim Jong-un",
        "Xi Jinping",
        "Choe Ryong-hae",
        "Kim Song-nam",
        "Liu Jianchao",
        "Mao Ning",
    ]:
        assert name in people
    for name in [
        "Korean Central News Agency",
        "Xinhua",
        "Politburo Standing Committee",
        "Communist Party",
        "Chinese Foreign Ministry",
    ]:
        assert name in orgs


def test_short_names_resolve_within_each_article(seed_mentions: dict[str, list[Mention]]) -> None:
    for mentions in seed_mentions.values():
        assert _resolved(mentions, "Zhao") <= {"Zhao Leji"}
        assert _resolved(mentions, "KCNA") <= {
            "Korean Central News Agency",
            "Korea Central News Agency",
        }
        assert {m.key for m in mentions if m.surface == "KCNA"} <= {"korea central news agency"}
    assert _resolved(seed_mentions["001"], "Kim") == {"Kim Song-nam"}
    assert _resolved(seed_mentions["002"], "Kim") == {"Kim Jong-un"}
    assert _resolved(seed_mentions["000"], "Choe") <= {"Choe"}
    assert _resolved(seed_mentions["004"], "Choe") == {"Choe Ryong-hae"}


def test_no_junk_entities(seed_mentions: dict[str, list[Mention]]) -> None:
    names = {m.name for ms in seed_mentions.values() for m in ms}
    for junk in ["State", "Advertisement", "Diplomacy", "North Korean", "Chinese", "President"]:
        assert junk not in names


def test_offsets_hold_on_real_text(nlp: Language, corpus: Path) -> None:
    articles = list(_seed_articles(corpus).values())
    for article, mentions in zip(articles, extract(nlp, articles), strict=True):
        for m in mentions:
            assert article.field_text(m.field)[m.start : m.end] == m.surface
