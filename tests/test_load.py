"""Loading is idempotent, respects analysts' merges and keeps the data honest."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine, func, select, text
from sqlalchemy.exc import IntegrityError

import models as m
from newsdesk import load
from newsdesk.records import Article, Mention, RawDocument, Rejected, Removed
from tests.records import load_article, raw_document

BODY = "Ana Lima met Bo Chen at the Harbour Authority. Lima said the Authority would act."


def _doc(body: str = BODY) -> RawDocument:
    return raw_document(body.encode(), source_uri="mem://a.txt")


def _article(body: str = BODY) -> Article:
    return Article(
        source_uri="mem://a.txt",
        title="Talks",
        standfirst=None,
        authors=["Jo Reed"],
        publisher="The Example Gazette",
        published_at=None,
        body=body,
    )


def _mention(kind: str, name: str, surface: str, body: str = BODY) -> Mention:
    start = body.index(surface)
    return Mention(
        kind=kind,  # type: ignore[arg-type]
        name=name,
        key=name.lower(),
        surface=surface,
        field="body",
        start=start,
        end=start + len(surface),
        sentence=body.split(". ")[0],
    )


MENTIONS = [
    _mention("person", "Ana Lima", "Ana Lima"),
    _mention("person", "Bo Chen", "Bo Chen"),
    _mention("organisation", "Harbour Authority", "Harbour Authority"),
    _mention("person", "Ana Lima", "Lima"),
]


def _count(engine: Engine, model: type) -> int:
    with engine.connect() as conn:
        return conn.scalar(select(func.count()).select_from(model)) or 0


def test_load_writes_article_entities_and_mentions(engine: Engine) -> None:
    article_id = load_article(engine, _doc(), _article(), MENTIONS)
    assert article_id is not None
    assert _count(engine, m.Person) == 2
    assert _count(engine, m.Organisation) == 1
    assert _count(engine, m.Mention) == 4
    with engine.connect() as conn:
        row = (
            conn.execute(select(m.Article)).one()[0]
            if False
            else conn.execute(select(m.Article.authors, m.Article.word_count)).one()
        )
    assert row.authors == ["Jo Reed"] and row.word_count == len(BODY.split())


def test_second_load_of_same_document_changes_nothing(engine: Engine) -> None:
    assert load_article(engine, _doc(), _article(), MENTIONS) is not None
    assert load_article(engine, _doc(), _article(), MENTIONS) is None
    assert (_count(engine, m.Article), _count(engine, m.Mention), _count(engine, m.Person)) == (
        1,
        4,
        2,
    )
    assert load.known_hashes(engine, [_doc().content_sha256, "0" * 64]) == {_doc().content_sha256}


def test_entities_are_shared_across_articles(engine: Engine) -> None:
    other = BODY + " More."
    load_article(engine, _doc(), _article(), MENTIONS)
    load_article(
        engine, _doc(other), _article(other), [_mention("person", "Ana Lima", "Lima", other)]
    )
    assert _count(engine, m.Person) == 2
    assert _count(engine, m.Article) == 2


def test_an_analysts_merge_is_respected_by_later_loads(engine: Engine) -> None:
    load_article(engine, _doc(), _article(), MENTIONS)
    with engine.begin() as conn:
        lima = conn.scalar(select(m.Person.id).where(m.Person.name_key == "ana lima"))
        # The analyst says "Bo Chen" is the same person as Ana Lima.
        conn.execute(
            text("UPDATE person_aliases SET person_id = :p WHERE alias_key = 'bo chen'"),
            {"p": lima},
        )
    other = BODY + " Again."
    load_article(
        engine, _doc(other), _article(other), [_mention("person", "Bo Chen", "Bo Chen", other)]
    )
    with engine.connect() as conn:
        person = conn.scalar(
            select(m.Mention.person_id).join(m.Article).where(m.Article.body == other)
        )
    assert person == lima


def test_display_name_is_the_longest_seen(engine: Engine) -> None:
    short = Mention("person", "A. Lima", "ana lima", "Lima", "body", 9, 13, "s")
    body = "Ana Lima met Bo Chen at the Harbour Authority. Lima said the Authority would act."
    load_article(engine, _doc("x " + body), _article(body), [short])
    load_article(engine, _doc(), _article(), MENTIONS)
    with engine.connect() as conn:
        assert (
            conn.scalar(select(m.Person.name).where(m.Person.name_key == "ana lima")) == "Ana Lima"
        )


def test_mention_must_point_at_exactly_one_entity(engine: Engine) -> None:
    article_id = load_article(engine, _doc(), _article(), MENTIONS)
    with engine.connect() as conn:
        person, org = conn.execute(
            text("SELECT (SELECT min(id) FROM people), (SELECT min(id) FROM organisations)")
        ).one()
    for person_id, org_id in [(person, org), (None, None)]:
        with pytest.raises(IntegrityError), engine.begin() as conn:
            conn.execute(
                m.Mention.__table__.insert().values(
                    article_id=article_id,
                    person_id=person_id,
                    organisation_id=org_id,
                    field="body",
                    start_char=0,
                    end_char=3,
                    surface="Ana",
                    sentence="s",
                )
            )


def test_offsets_must_match_the_surface(engine: Engine) -> None:
    bad = Mention("person", "Ana Lima", "ana lima", "Ana Lima", "body", 0, 3, "s")
    with pytest.raises(IntegrityError):
        load_article(engine, _doc(), _article(), [bad])
    # The failed article left nothing behind: one transaction per article.
    assert _count(engine, m.Document) == 0 and _count(engine, m.Person) == 0


def test_deleting_an_article_deletes_its_mentions(engine: Engine) -> None:
    article_id = load_article(engine, _doc(), _article(), MENTIONS)
    with engine.begin() as conn:
        conn.execute(m.Article.__table__.delete().where(m.Article.id == article_id))
    assert _count(engine, m.Mention) == 0
    assert _count(engine, m.Person) == 2  # entities outlive the article


def test_rejects_are_one_row_per_input_and_cleared_by_a_later_load(engine: Engine) -> None:
    run = load.start_run(engine, None)
    sha = _doc().content_sha256
    bad = Rejected("mem://a.txt", sha, "clean", "no_article_text", "nothing left")
    load.record_rejects(engine, [bad, bad], run)
    load.record_rejects(engine, [bad], run)
    load.record_rejects(engine, [Rejected("mem://gone", None, "read", "unreadable", "gone")], run)
    assert _count(engine, m.Reject) == 2
    load_article(engine, _doc(), _article(), MENTIONS)
    assert _count(engine, m.Reject) == 1


def test_finish_run_records_counts(engine: Engine) -> None:
    run = load.start_run(engine, "flow-1")
    load_article(engine, _doc(), _article(), MENTIONS)
    counts = load.LoadCounts(loaded=1, already_loaded=2, rejected=3, mentions=4)
    totals = load.finish_run(engine, run, counts, "completed")
    assert totals == {"people": 2, "organisations": 1}
    with engine.connect() as conn:
        row = conn.execute(
            select(
                m.PipelineRun.inputs_seen,
                m.PipelineRun.loaded,
                m.PipelineRun.status,
                m.PipelineRun.finished_at,
            ).where(m.PipelineRun.id == run)
        ).one()
    assert (row.inputs_seen, row.loaded, row.status) == (6, 1, "completed")
    assert row.finished_at is not None


def test_removed_lines_are_stored_folded_and_follow_a_change(engine: Engine) -> None:
    # What the settle's publisher pass compares: each removed line folded once, by Postgres.
    article = _article()
    article.removed = [
        Removed("Get MORE with myNEWS!", "promo"),
        Removed("get more with  mynews", "learned"),
        Removed("Photo: AFP", "photo_caption"),
        Removed("***", "boilerplate"),
    ]
    article_id = load_article(engine, _doc(), article, [])
    query = text("SELECT removed_keys FROM articles WHERE id = :id")
    with engine.begin() as conn:
        assert conn.scalar(query, {"id": article_id}) == ["get more with mynews", "photo afp"]
        conn.execute(
            text('UPDATE articles SET removed = \'[{"text": "Advertisement"}]\' WHERE id = :id'),
            {"id": article_id},
        )
        assert conn.scalar(query, {"id": article_id}) == ["advertisement"]
