"""`load.replace_article`: one document's article rewritten in place, nothing duplicated."""

from __future__ import annotations

from dataclasses import replace

from sqlalchemy import Engine

from newsdesk.analyst.corrections import merge
from newsdesk.dedupe import signature
from newsdesk.records import Article
from tests.analyst.helpers import add_article, mention, rows, scalar
from tests.records import replace_article

STORY = (
    "The harbour board approved a new ferry timetable on Monday after months of talks with "
    "island councils, and Rosa Delgado said evening sailings would start in May. Commuters "
    "had asked for later boats for years, the board said in a statement."
)


def _article(engine: Engine, article_id: int) -> Article:
    title, body, publisher = rows(
        engine, "SELECT title, body, publisher FROM articles WHERE id = :i", i=article_id
    )[0]
    return Article(
        source_uri="mem://x",
        title=str(title),
        standfirst=None,
        authors=[],
        publisher=str(publisher),
        published_at=None,
        body=str(body),
    )


def _document(engine: Engine, article_id: int) -> int:
    return scalar(engine, "SELECT document_id FROM articles WHERE id = :i", i=article_id)  # type: ignore[return-value]


def test_rewrite_keeps_the_id_and_replaces_mentions(engine: Engine) -> None:
    first = add_article(engine, STORY, [("person", "Rosa Delgado", "Rosa Delgado")])
    body = STORY.replace("Rosa Delgado said", "Mayor Rosa Delgado of the Harbour Board said")
    new = replace(_article(engine, first), body=body, title="Ferry timetable approved")
    found = [
        mention("person", "Rosa Delgado", "Rosa Delgado", body),
        mention("organisation", "Harbour Board", "Harbour Board", body),
    ]
    assert replace_article(engine, _document(engine, first), new, found, signature(body)) == first
    assert rows(engine, "SELECT id, title FROM articles") == [(first, "Ferry timetable approved")]
    assert scalar(engine, "SELECT count(*) FROM mentions") == 2
    assert scalar(engine, "SELECT count(*) FROM documents") == 1
    # Twice is the same as once.
    replace_article(engine, _document(engine, first), new, found, signature(body))
    assert scalar(engine, "SELECT count(*) FROM mentions") == 2
    assert scalar(engine, "SELECT count(*) FROM article_signatures") == 1


def test_rewrite_never_links_an_original_to_its_own_copy(engine: Engine) -> None:
    original = add_article(engine, STORY, [], publisher="Wire")
    copy = add_article(engine, STORY + " Updated.", [], publisher="Reprint")
    assert scalar(engine, "SELECT duplicate_of FROM articles WHERE id = :i", i=copy) == original
    replace_article(
        engine, _document(engine, original), _article(engine, original), [], signature(STORY)
    )
    replace_article(
        engine, _document(engine, copy), _article(engine, copy), [], signature(STORY + " Updated.")
    )
    assert rows(engine, "SELECT id, duplicate_of FROM articles ORDER BY id") == [
        (original, None),
        (copy, original),
    ]


def test_rewrite_respects_merges(engine: Engine) -> None:
    first = add_article(engine, STORY, [("person", "Rosa Delgado", "Rosa Delgado")])
    add_article(engine, "Mayor R. Delgado spoke.", [("person", "R. Delgado", "R. Delgado")])
    kept = merge(engine, "person", "R. Delgado", "Rosa Delgado").kept
    assert kept is not None
    found = [mention("person", "Rosa Delgado", "Rosa Delgado", STORY)]
    replace_article(engine, _document(engine, first), _article(engine, first), found)
    assert rows(engine, "SELECT person_id FROM mentions WHERE article_id = :a", a=first) == [
        (kept.id,)
    ]


def test_a_document_without_article_is_left_alone(engine: Engine) -> None:
    assert replace_article(engine, 12345, _placeholder(), []) is None


def _placeholder() -> Article:
    return Article("mem://none", None, None, [], None, None, "body")
