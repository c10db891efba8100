"""The five scraped seeds in ../shared/corpus/seeds: furniture gone, article sentences kept.

Checks are written as classes of lines (durations, labels, credits, long paragraphs), never as
pasted corpus text.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from clean_docs import doc

from newsdesk.clean import clean
from newsdesk.clean import patterns as P
from newsdesk.normalise import normalise
from newsdesk.records import Article

SEEDS = Path(__file__).resolve().parents[2] / ".." / "shared" / "corpus" / "seeds"
pytestmark = pytest.mark.corpus

# Short furniture labels the seeds carry; none may survive in any kept line.
LABELS = {
    "advertisement",
    "- advertisement -",
    "must read",
    "related posts",
    "leave a comment",
    "you may also like",
    "more from author",
    "post",
    "learn more",
    "diplomacy",
    "newspapers in english",
    "newspapers from china",
    "estimated read time 3 min read",
}
# Lines this long are paragraphs of the article in every seed.
LONG_LINE = 200


def seed_paths() -> list[Path]:
    """The seed files, or a skip when the corpus is absent."""
    if not SEEDS.exists():
        pytest.skip(f"{SEEDS} is absent: the reference corpus lives beside the repo in ../shared")
    return sorted(SEEDS.glob("*.txt"))


def run(path: Path) -> tuple[list[str], Article]:
    """Source lines and the normalised article for one seed."""
    text = path.read_text(encoding="utf-8")
    document = doc(text)
    return text.split("\n"), normalise(document, clean(document))


def kept_lines(article: Article) -> list[str]:
    """Every line of the article's text fields, whitespace folded."""
    fields = [article.title or "", article.standfirst or "", article.body]
    return [squash(line) for f in fields for line in f.split("\n") if line.strip()]


def squash(line: str) -> str:
    """A line with runs of whitespace (including no-break spaces) as one space."""
    return " ".join(line.split())


def test_seeds_present() -> None:
    assert len(seed_paths()) == 5


def test_no_furniture_survives() -> None:
    for path in seed_paths():
        _, article = run(path)
        for line in kept_lines(article):
            assert line.strip().lower() not in LABELS, (path.name, line)
            assert not P.VIDEO_DURATION.match(line), (path.name, line)
            assert not P.TEMPERATURE.match(line), (path.name, line)
            assert not P.PHOTO_CREDIT.search(line), (path.name, line)
            assert not P.EMAIL.search(line), (path.name, line)
            assert not re.fullmatch(r"[A-Z][\w ]+ (Post|Times|Daily)", line), (path.name, line)


def test_every_long_line_is_kept() -> None:
    for path in seed_paths():
        source, article = run(path)
        kept = set(kept_lines(article))
        for line in source:
            if len(line) > LONG_LINE and not P.PHOTO_CREDIT.search(line):
                assert squash(line) in kept, (path.name, line[:60])


def test_every_sentence_line_is_kept() -> None:
    """Lines ending like a sentence with 12+ words are article text (captions aside)."""
    for path in seed_paths():
        source, article = run(path)
        kept = set(kept_lines(article))
        for line in source:
            words = len(line.split())
            if (
                words >= 12
                and line.rstrip().endswith((".", "”", '"'))
                and not P.PHOTO_CREDIT.search(line)
            ):
                assert squash(line) in kept, (path.name, line[:60])


def test_repeated_headlines_and_captions_are_gone() -> None:
    for path in seed_paths():
        _, article = run(path)
        body = article.body.split("\n\n")
        assert len(body) == len(set(body)), path.name
        assert all(p != article.title for p in body), path.name


def test_titles_and_metadata() -> None:
    articles = {path.name[:3]: run(path)[1] for path in seed_paths()}
    for article in articles.values():
        assert article.title and 4 <= len(article.title.split()) <= 30
        assert article.language == "en"
        assert article.published_at is None  # a weather widget's date is not a publication date
    assert articles["001"].standfirst and articles["001"].standfirst.count("\n") == 1
    assert articles["001"].section == "Diplomacy"
    assert articles["002"].standfirst and articles["002"].authors == ["Dewey Sim"]
    assert articles["002"].publisher == articles["000"].publisher == "South China Morning Post"
    assert articles["004"].authors == ["Lim Jeong-won", "Shin Kyung-jin"]
    assert articles["004"].publisher == "Korea JoongAng Daily"  # its e-mail domain, registered
