"""Bulk loading: one transaction per batch, the same rows as loading one by one."""

from __future__ import annotations

from sqlalchemy import Engine, text

from newsdesk import load
from newsdesk.dedupe import signature
from newsdesk.load import duplicates
from newsdesk.records import Article, Item, Mention
from tests.records import load_article, raw_document
from tests.test_learn import WIRE


def _item(body: str, people: list[str], bad: bool = False) -> Item:
    doc = raw_document(body.encode())
    mentions = []
    for name in people:
        start = body.index(name)
        end = start + len(name) + (1 if bad else 0)  # a bad offset the database refuses
        mentions.append(Mention("person", name, name.lower(), name, "body", start, end, body))
    return Item(
        doc, Article(doc.source_uri, "t", None, [], None, None, body), mentions, signature(body)
    )


def _rows(engine: Engine) -> dict[str, int]:
    with engine.connect() as conn:
        return {
            t: conn.scalar(text(f"SELECT count(*) FROM {t}")) or 0
            for t in ("documents", "articles", "people", "mentions")
        }


def test_a_batch_loads_in_one_go_and_twice_changes_nothing(engine: Engine) -> None:
    items = [_item(f"Story {i}: Ana Ruiz met Bo Chen.", ["Ana Ruiz", "Bo Chen"]) for i in range(5)]
    outcomes = load.load_items(engine, items)
    assert all(isinstance(o, int) for o in outcomes)
    assert _rows(engine) == {"documents": 5, "articles": 5, "people": 2, "mentions": 10}
    assert load.load_items(engine, items) == [None] * 5
    assert _rows(engine)["mentions"] == 10


def test_one_bad_article_is_isolated_and_the_rest_load(engine: Engine) -> None:
    items = [
        _item("First: Ana Ruiz spoke.", ["Ana Ruiz"]),
        _item("Second: Bo Chen spoke.", ["Bo Chen"], bad=True),
        _item("Third: Cy Dunn spoke.", ["Cy Dunn"]),
    ]
    outcomes = load.load_items(engine, items)
    assert isinstance(outcomes[0], int) and isinstance(outcomes[2], int)
    assert isinstance(outcomes[1], Exception)
    rows = _rows(engine)
    assert rows["articles"] == 2 and rows["documents"] == 2  # nothing of the bad one remains


def test_the_same_document_twice_in_a_batch_loads_once(engine: Engine) -> None:
    item = _item("Only once: Ana Ruiz.", ["Ana Ruiz"])
    outcomes = load.load_items(engine, [item, item])
    assert isinstance(outcomes[0], int) and outcomes[1] is None
    assert _rows(engine)["articles"] == 1


def test_near_duplicates_within_a_batch_and_against_the_database(engine: Engine) -> None:
    load.load_items(engine, [_item(WIRE, [])])
    outcomes = load.load_items(
        engine, [_item(WIRE + " Updated.", []), _item(WIRE + " Corrected.", [])]
    )
    with engine.connect() as conn:
        links = dict(conn.execute(text("SELECT id, duplicate_of FROM articles")).tuples().all())
    first = min(links)
    assert links[first] is None
    assert [links[o] for o in outcomes if isinstance(o, int)] == [first, first]


def test_bulk_and_one_by_one_agree(engine: Engine, db_url: str) -> None:
    items = [_item(f"Story {i}: Ana Ruiz met Bo Chen.", ["Ana Ruiz", "Bo Chen"]) for i in range(3)]
    load.load_items(engine, items[:2])
    load_article(engine, items[2].doc, items[2].article, items[2].mentions, items[2].signature)
    with engine.connect() as conn:
        spans = conn.execute(
            text(
                "SELECT a.body, m.start_char, m.end_char, p.name FROM mentions m "
                "JOIN articles a ON a.id = m.article_id JOIN people p ON p.id = m.person_id ORDER BY 1, 2"
            )
        ).all()
    assert [(s, e, n) for _, s, e, n in spans] == [(9, 17, "Ana Ruiz"), (22, 29, "Bo Chen")] * 3


def test_candidate_lookup_probes_the_index_however_big_the_band_table(engine: Engine) -> None:
    # 200,000 band rows and a batch's worth of keys: a plan that reads the whole table would
    # make every batch slower as the database grows.
    (article_id,) = [o for o in load.load_items(engine, [_item("Ana Ruiz spoke.", [])])]
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO article_bands (band_key, article_id) "
                "SELECT g * 7919, :a FROM generate_series(1, 200000) g"
            ),
            {"a": article_id},
        )
        conn.execute(text("ANALYZE article_bands"))
        keys = list(range(5, 5 * 4200, 5))
        raw = conn.connection.driver_connection
        assert raw is not None
        with raw.cursor() as cursor:
            plan = "\n".join(
                r[0] for r in cursor.execute("EXPLAIN " + duplicates.CANDIDATES, {"keys": keys})
            )
    assert "Index" in plan and "article_bands" in plan, plan
    assert "Seq Scan on article_bands" not in plan, plan


def test_load_reports_the_time_of_each_step(engine: Engine) -> None:
    steps: load.Steps = {}
    items = [_item(f"Story {i}: Ana Ruiz met Bo Chen.", ["Ana Ruiz", "Bo Chen"]) for i in range(3)]
    load.load_items(engine, items, steps)
    assert set(steps) == set(load.STEPS)
    assert all(seconds > 0 for seconds in steps.values())
    before = dict(steps)
    load.load_items(engine, items, steps)  # all loaded already: only the documents step runs
    assert steps["documents"] > before["documents"] and steps["mentions"] == before["mentions"]
