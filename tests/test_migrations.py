"""The migrations are what builds the schema: one head, upgrade from empty, models agree."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect, text

from models import Base
from newsdesk.db import (
    alembic_config,
    current_revision,
    ensure_migrated,
    head_revision,
    make_engine,
)
from newsdesk.dedupe import band_keys

CONTRACT_TABLES = {
    "documents",
    "articles",
    "people",
    "organisations",
    "person_aliases",
    "organisation_aliases",
    "mentions",
    "rejects",
    "pipeline_runs",
}


def test_history_has_one_head() -> None:
    heads = ScriptDirectory.from_config(alembic_config()).get_heads()
    assert len(heads) == 1, f"migration history branches: {heads}"


def test_upgrade_from_empty_creates_contract_tables(empty_db_url: str) -> None:
    engine = make_engine(empty_db_url)
    assert current_revision(engine) is None
    assert ensure_migrated(engine) is True
    assert current_revision(engine) == head_revision()
    assert set(inspect(engine).get_table_names()) >= CONTRACT_TABLES
    assert ensure_migrated(engine) is False  # a second call has nothing to do
    engine.dispose()


def test_models_match_migrations(engine) -> None:  # type: ignore[no-untyped-def]
    with engine.connect() as conn:
        # Alembic cannot compare expression indexes; test_full_text_index_exists checks it.
        opts = {"include_object": lambda obj, name, *_: name != "ix_articles_fts"}
        diff = compare_metadata(MigrationContext.configure(conn, opts=opts), Base.metadata)
    assert diff == [], f"models and migrations disagree: {diff}"


def test_full_text_index_exists(engine) -> None:  # type: ignore[no-untyped-def]
    with engine.connect() as conn:
        indexdef = conn.scalar(
            text("SELECT indexdef FROM pg_indexes WHERE indexname = 'ix_articles_fts'")
        )
    assert indexdef is not None and "gin" in indexdef and "to_tsvector" in indexdef


def test_downgrade_to_base_and_back(empty_db_url: str) -> None:
    from alembic import command

    engine = make_engine(empty_db_url)
    ensure_migrated(engine)
    with engine.begin() as conn:
        cfg = alembic_config(engine)
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "base")
    assert not CONTRACT_TABLES & set(inspect(engine).get_table_names())
    ensure_migrated(engine)
    assert set(inspect(engine).get_table_names()) >= CONTRACT_TABLES
    engine.dispose()


def test_band_width_migration_recomputes_stored_bands(empty_db_url: str) -> None:
    # 0004 rewrites every article's band keys from its stored signature, both ways, so a
    # database loaded before it still finds its near-duplicates after it.
    from alembic import command

    from newsdesk import load
    from tests.test_bulk import _item
    from tests.test_learn import WIRE

    engine = make_engine(empty_db_url)
    ensure_migrated(engine)
    load.load_items(engine, [_item(WIRE, []), _item("Ana Ruiz opened the new library.", [])])

    def bands() -> dict[int, set[int]]:
        with engine.connect() as conn:
            rows = conn.execute(text("SELECT article_id, band_key FROM article_bands")).all()
        out: dict[int, set[int]] = {}
        for article_id, key in rows:
            out.setdefault(article_id, set()).add(key)
        return out

    with engine.connect() as conn:
        signatures = dict(
            conn.execute(text("SELECT article_id, signature FROM article_signatures"))
            .tuples()
            .all()
        )
    assert bands() == {a: set(band_keys(s)) for a, s in signatures.items()}
    with engine.begin() as conn:
        cfg = alembic_config(engine)
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "0003")
    old = bands()
    assert all(len(keys) == 32 for keys in old.values())
    assert not any(old[a] & set(band_keys(s)) for a, s in signatures.items())
    ensure_migrated(engine)
    assert bands() == {a: set(band_keys(s)) for a, s in signatures.items()}
    (copy,) = load.load_items(engine, [_item(WIRE + " Updated at noon.", [])])
    with engine.connect() as conn:
        link = conn.scalar(text("SELECT duplicate_of FROM articles WHERE id = :i"), {"i": copy})
    assert link == min(signatures)
    engine.dispose()


def test_at_head_agrees_with_alembic(empty_db_url: str) -> None:
    from alembic import command

    from newsdesk.db import at_head

    engine = make_engine(empty_db_url)
    assert not at_head(engine)  # nothing migrated yet
    ensure_migrated(engine)
    assert current_revision(engine) == head_revision() and at_head(engine)
    with engine.begin() as conn:
        cfg = alembic_config(engine)
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "-1")
    assert current_revision(engine) != head_revision() and not at_head(engine)
    engine.dispose()
