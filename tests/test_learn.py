"""What the corpus teaches later runs: near-duplicates, publisher boilerplate, short names."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Engine, text

from newsdesk import learn
from newsdesk.clean.learned import learnable_lines
from newsdesk.dedupe import signature
from newsdesk.records import Article, Candidate, FieldSource, Mention, Removed
from tests.records import load_article, raw_document

WIRE = (
    "The regional water board approved a new reservoir on Tuesday after two years of hearings. "
    "Engineers said construction would begin in the spring and take three years to finish. "
    "Farmers in the valley had asked for more storage after a run of dry summers. "
    "The board's chair said the cost would be shared with the national government. "
    "Opponents had argued that the valley's wetlands would be lost, and a review found that "
    "two rare bird species nest on the site. The board agreed to create new wetlands downstream "
    "and to monitor the birds for ten years. A local school will help with the counts."
)
OTHER = (
    "A local bakery doubled its staff this winter as demand for its rye bread kept growing. "
    "The owner said customers now travel from neighbouring towns every weekend."
)


def _load(
    engine: Engine, body: str, publisher: str | None = None, mentions: list[Mention] | None = None
) -> int:
    doc = raw_document((body + (publisher or "")).encode(), text=body)
    article = Article(doc.source_uri, "t", None, [], publisher, None, body)
    lines = learnable_lines(body)
    article_id = load_article(engine, doc, article, mentions or [], signature(body), lines)
    assert article_id is not None
    return article_id


def _person(name: str, key: str, surface: str, body: str, sentence: str) -> Mention:
    start = body.index(surface)
    return Mention("person", name, key, surface, "body", start, start + len(surface), sentence)


def test_a_republished_story_links_to_the_first(engine: Engine) -> None:
    first = _load(engine, WIRE)
    _load(engine, OTHER)
    copy = _load(engine, WIRE.replace("Tuesday", "Tuesday evening") + " Updated at noon.")
    again = _load(engine, WIRE + " This story has been corrected.")
    with engine.connect() as conn:
        links = dict(conn.execute(text("SELECT id, duplicate_of FROM articles")).tuples().all())
    assert links[first] is None
    assert links[copy] == first and links[again] == first
    assert sum(v is not None for v in links.values()) == 2  # the bakery story is its own


def test_lines_a_publisher_repeats_are_learned(engine: Engine) -> None:
    promo = "Sign up for the Morning Brief newsletter"
    for i in range(4):
        _load(
            engine,
            f"Story number {i} about the harbour.\n\n{promo}\n\nIt ended well {i}.",
            "Coast Times",
        )
    _load(engine, f"Another paper's story.\n\n{promo}", "Inland Post")
    learned = learn.learned_boilerplate(engine)
    assert learned == {"Coast Times": [promo]}


def test_a_shared_paragraph_in_two_articles_is_not_learned(engine: Engine) -> None:
    for i in range(2):
        _load(engine, f"Lead {i}.\n\nThe minister said the talks were constructive.", "Coast Times")
    assert learn.learned_boilerplate(engine) == {}


def _story(engine: Engine, body: str, people: list[tuple[str, str, str]]) -> None:
    mentions = []
    for name, key, surface in people:
        sentence = next(s for s in body.split(". ") if surface in s)
        mentions.append(_person(name, key, surface, body, sentence))
    _load(engine, body, mentions=mentions)


def test_a_short_name_resolves_from_the_same_story_elsewhere(engine: Engine) -> None:
    _story(
        engine,
        "Envoy Ana Ruiz met Lord Tomas Berg on Friday. They spoke for an hour",
        [("Ana Ruiz", "ana ruiz", "Ana Ruiz"), ("Tomas Berg", "tomas berg", "Tomas Berg")],
    )
    # Another article of the story names only "Berg", beside Ana Ruiz.
    _story(
        engine,
        "Ana Ruiz thanked Berg for the visit. Nothing else was said",
        [("Ana Ruiz", "ana ruiz", "Ana Ruiz"), ("Berg", "berg", "Berg")],
    )
    assert learn.resolve_short_names(engine) == 1
    with engine.connect() as conn:
        names = set(conn.scalars(text("SELECT name FROM people")))
        surfaces = conn.execute(
            text(
                "SELECT m.surface, p.name FROM mentions m JOIN people p ON p.id = m.person_id WHERE m.surface = 'Berg'"
            )
        ).all()
    assert surfaces == [("Berg", "Tomas Berg")]
    assert "Berg" not in names  # the one-word entity had nothing left and is gone
    assert learn.resolve_short_names(engine) == 0  # idempotent


def test_an_ambiguous_short_name_is_left_alone(engine: Engine) -> None:
    _story(
        engine,
        "Ana Ruiz met Tomas Berg. Later more",
        [("Ana Ruiz", "ana ruiz", "Ana Ruiz"), ("Tomas Berg", "tomas berg", "Tomas Berg")],
    )
    _story(
        engine,
        "Ana Ruiz met Greta Berg. Later more",
        [("Ana Ruiz", "ana ruiz", "Ana Ruiz"), ("Greta Berg", "greta berg", "Greta Berg")],
    )
    _story(
        engine,
        "Ana Ruiz thanked Berg. Nothing else",
        [("Ana Ruiz", "ana ruiz", "Ana Ruiz"), ("Berg", "berg", "Berg")],
    )
    assert learn.resolve_short_names(engine) == 0
    with engine.connect() as conn:
        assert conn.scalar(text("SELECT count(*) FROM people WHERE name = 'Berg'")) == 1


def test_an_unrelated_story_does_not_resolve_a_short_name(engine: Engine) -> None:
    _story(
        engine,
        "Ana Ruiz met Tomas Berg. Later more",
        [("Ana Ruiz", "ana ruiz", "Ana Ruiz"), ("Tomas Berg", "tomas berg", "Tomas Berg")],
    )
    # "Berg" here shares no sentence partner with any article naming a full Berg.
    _story(
        engine,
        "Coach Lars Holm praised Berg. Nothing else",
        [("Lars Holm", "lars holm", "Lars Holm"), ("Berg", "berg", "Berg")],
    )
    assert learn.resolve_short_names(engine) == 0


def test_inspect_removes_and_shows_learned_lines(
    engine: Engine,
    db_url: str,
    tmp_path,
    monkeypatch,
    capsys,  # type: ignore[no-untyped-def]
) -> None:
    import json

    from newsdesk.cli import main
    from newsdesk.settings import get_settings

    promo = "Read the Coast Times anywhere with our new app"
    for i in range(3):
        _load(
            engine,
            f"Story number {i} about the harbour.\n\n{promo}\n\nIt ended well {i}.",
            "Coast Times",
        )
    learn.settle(engine, rebuild=lambda ids, learned: [])  # the hand-made articles stay
    (tmp_path / "new.txt").write_text(
        f"Ferry returns to the island\n\nThe island ferry returned to service on Monday after repairs.\n\n{promo}\n"
    )
    monkeypatch.setenv("NEWSDESK_DATABASE_URL", db_url)
    get_settings.cache_clear()
    try:
        assert main(["inspect", "--json", str(tmp_path)]) == 0
    finally:
        get_settings.cache_clear()
    captured = capsys.readouterr()
    record = json.loads(captured.out)
    assert "learned boilerplate for Coast Times: 1 lines" in captured.err
    assert {"text": promo, "reason": "learned"} in record["removed"]
    assert promo not in record["body"]


# Two articles of one story. The model tagged "Berg" in neither: the second only says "Berg".
FULL = "Envoy Ana Ruiz met Tomas Berg on Friday. They spoke for an hour"
LONE = "Ana Ruiz thanked Berg for the visit. Nothing else was said"


def _run(engine: Engine, body: str) -> None:
    """Load one article, its tagged people by hand (its cross-article work is then owed)."""
    people = [("Ana Ruiz", "ana ruiz", "Ana Ruiz")]
    if "Tomas Berg" in body:
        people.append(("Tomas Berg", "tomas berg", "Tomas Berg"))
    _story(engine, body, people)


def _berg_mentions(engine: Engine) -> list[tuple[str, str, int]]:
    with engine.connect() as conn:
        return conn.execute(
            text(
                "SELECT p.name, m.surface, m.start_char FROM mentions m "
                "JOIN people p ON p.id = m.person_id WHERE m.surface LIKE '%Berg' ORDER BY 1, 3"
            )
        ).all()


def test_a_name_the_model_missed_is_found_when_its_full_name_comes_later(engine: Engine) -> None:
    want = [
        ("Tomas Berg", "Berg", LONE.index("Berg")),
        ("Tomas Berg", "Tomas Berg", FULL.index("Tomas Berg")),
    ]
    # The lone "Berg" loaded first, its full name in a later run ...
    _run(engine, LONE)
    learn.resolve_short_names(engine)
    assert _berg_mentions(engine) == []  # nothing to resolve it with yet: not stored
    _run(engine, FULL)
    assert learn.resolve_short_names(engine) == 1
    assert _berg_mentions(engine) == want
    assert learn.resolve_short_names(engine) == 0  # idempotent
    assert _berg_mentions(engine) == want
    with engine.connect() as conn:
        assert conn.scalar(text("SELECT count(*) FROM people WHERE name = 'Berg'")) == 0


def test_a_name_the_model_missed_is_found_when_the_full_name_came_first(engine: Engine) -> None:
    _run(engine, FULL)
    learn.resolve_short_names(engine)
    _run(engine, LONE)
    assert learn.resolve_short_names(engine) == 1
    assert ("Tomas Berg", "Berg", LONE.index("Berg")) in _berg_mentions(engine)


def test_a_missed_name_two_full_names_fit_is_not_stored(engine: Engine) -> None:
    _run(engine, FULL)
    learn.resolve_short_names(engine)
    _story(
        engine,
        "Ana Ruiz met Greta Berg. Later more",
        [("Ana Ruiz", "ana ruiz", "Ana Ruiz"), ("Greta Berg", "greta berg", "Greta Berg")],
    )
    learn.resolve_short_names(engine)
    _run(engine, LONE)
    assert learn.resolve_short_names(engine) == 0
    with engine.connect() as conn:
        lone = conn.scalar(text("SELECT count(*) FROM mentions WHERE surface = 'Berg'"))
        one_word = conn.scalar(text("SELECT count(*) FROM people WHERE name = 'Berg'"))
    assert lone == 0 and one_word == 0  # not guessed, and no one-word entity left behind


def _page(
    engine: Engine,
    body: str,
    publisher: str | None = None,
    removed: tuple[str, ...] = (),
    email_domain: str | None = None,
) -> int:
    """An article whose cleaning removed `removed` (as promos); naming `publisher` (from a
    masthead), or none at all, or only its byline e-mail's domain."""
    doc = raw_document((body + (publisher or "") + "".join(removed)).encode(), text=body)
    provenance = {}
    if publisher:
        lost = (Candidate("publisher", email_domain, "email-domain"),) if email_domain else ()
        provenance = {"publisher": FieldSource("masthead", publisher, lost)}
    elif email_domain:
        provenance = {"publisher": FieldSource("email-domain", email_domain)}
    article = Article(
        doc.source_uri,
        "t",
        None,
        [],
        publisher or email_domain,
        None,
        body,
        removed=[Removed(line, "promo") for line in removed],
        provenance=provenance,
    )
    article_id = load_article(engine, doc, article, [], signature(body), learnable_lines(body))
    assert article_id is not None
    return article_id


def _publisher_of(engine: Engine, article_id: int) -> tuple[str | None, Any]:
    with engine.connect() as conn:
        row = conn.execute(
            text("SELECT publisher, provenance -> 'publisher' FROM articles WHERE id = :i"),
            {"i": article_id},
        ).one()
    return row[0], row[1]


PROMO = "Sign up for the Morning Brief newsletter"
ADVERT = "Advertisement"


def _no_rebuild(ids: Sequence[int], learned: frozenset[str]) -> list[int]:
    """Hand-made articles have no text to clean again: nothing is rebuilt."""
    return []


def _coast_times(engine: Engine, extra: tuple[str, ...] = ()) -> None:
    """Three Coast Times stories whose cleaning removed its promo (and `extra`)."""
    for i in range(3):
        _page(engine, f"Story number {i} about the harbour.", "Coast Times", (PROMO, *extra))


def test_an_unnamed_article_takes_the_one_publisher_its_furniture_belongs_to(
    engine: Engine,
) -> None:
    _coast_times(engine, (ADVERT,))
    for i in range(3):
        _page(engine, f"Inland story {i}.", "Inland Post", (ADVERT,))
    bare = _page(engine, "A story with no masthead.", removed=(PROMO.upper() + "!", ADVERT))
    mailed = _page(engine, "A bylined story.", removed=(PROMO,), email_domain="coast-mail.example")
    shared = _page(engine, "A story with an advert only.", removed=(ADVERT,))
    plain = _page(engine, "A story without furniture.")
    learn.settle(engine, rebuild=_no_rebuild)
    name, found = _publisher_of(engine, bare)  # the advert is both papers': no vote against
    assert name == "Coast Times" and found["source"] == "learned_furniture"
    name, found = _publisher_of(engine, mailed)
    assert name == "Coast Times" and found["source"] == "learned_furniture"
    assert {"source": "email-domain", "value": "coast-mail.example"} in found["lost"]
    assert _publisher_of(engine, shared) == (None, None)
    assert _publisher_of(engine, plain) == (None, None)

    # Three more Inland Post pages carry the promo too: it is nobody's own, the names go back.
    for i in range(3, 6):
        _page(engine, f"Inland story {i}.", "Inland Post", (PROMO,))
    learn.settle(engine, rebuild=_no_rebuild)
    assert _publisher_of(engine, bare) == (None, None)
    name, found = _publisher_of(engine, mailed)
    assert name == "coast-mail.example" and found["source"] == "email-domain"
    assert found["lost"] == []


def _xmin(engine: Engine, article_id: int) -> str:
    """The transaction that last wrote an article's row."""
    with engine.connect() as conn:
        return str(
            conn.scalar(text("SELECT xmin::text FROM articles WHERE id = :i"), {"i": article_id})
        )


def test_furniture_names_are_not_rewritten_and_give_way_to_a_learned_domain(
    engine: Engine,
) -> None:
    _coast_times(engine)
    mailed = _page(engine, "A bylined story.", removed=(PROMO,), email_domain="coast-mail.example")
    learn.settle(engine, rebuild=_no_rebuild)
    assert _publisher_of(engine, mailed)[0] == "Coast Times"
    written = _xmin(engine, mailed)
    _page(engine, "An unrelated story about a bakery.", "Inland Post")
    learn.settle(engine, rebuild=_no_rebuild)
    assert _xmin(engine, mailed) == written  # decided the same: not written again

    # Two pages whose byline e-mail is of that domain name their site: the domain's learned
    # name is the page's own evidence, before its furniture.
    for i in range(2):
        _page(engine, f"Coast Mail story {i}.", "Coast Mail", email_domain="coast-mail.example")
    learn.settle(engine, rebuild=_no_rebuild)
    name, found = _publisher_of(engine, mailed)
    assert (name, found["source"]) == ("Coast Mail", "learned")
    assert found["lost"][0] == {"source": "email-domain", "value": "coast-mail.example"}
