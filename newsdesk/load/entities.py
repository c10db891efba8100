"""People and organisations: entity ids for mentions (an analyst's merge first, else an upsert
on the folded key), and mention rows (one way to build them, COPYed in).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import ARRAY, Connection, Table, Text, any_, bindparam, select, text

import models as m
from newsdesk.load.copy import copy_rows
from newsdesk.records import EntityKind, Item, Mention

MENTION_COLUMNS = (
    "article_id",
    "person_id",
    "organisation_id",
    "field",
    "start_char",
    "end_char",
    "surface",
    "sentence",
    "short_key",
    "echo",
)
# (kind, folded key) -> entity id.
EntityIds = Mapping[tuple[str, str], int]


def write_mentions(
    conn: Connection, mentions: Sequence[tuple[int, Mention]], echo: bool = False
) -> None:
    """Write (article id, mention) pairs, their entities resolved first.

    `echo`: the mentions are lone name words the cross-article pass found (`mentions.echo`),
    standing for their one-word key (`mentions.short_key`) until the pass decides them.
    """
    ids = batch_entity_ids(conn, [x for _, x in mentions])
    copy_mentions(conn, mentions, ids, echo)


def copy_mentions(
    conn: Connection,
    mentions: Sequence[tuple[int, Mention]],
    ids: EntityIds,
    echo: bool = False,
) -> None:
    """COPY (article id, mention) pairs whose entities are in `ids`."""
    rows = (mention_row(article_id, x, ids, echo) for article_id, x in mentions)
    copy_rows(conn, "mentions", MENTION_COLUMNS, rows)


def mention_row(article_id: int, x: Mention, ids: EntityIds, echo: bool = False) -> tuple[Any, ...]:
    """One `mentions` row, in MENTION_COLUMNS order."""
    return (
        article_id,
        ids[("person", x.key)] if x.kind == "person" else None,
        ids[("organisation", x.key)] if x.kind == "organisation" else None,
        x.field,
        x.start,
        x.end,
        x.surface,
        x.sentence,
        x.key if echo else None,
        echo,
    )


def item_mentions(article_ids: Sequence[int], items: Sequence[Item]) -> list[tuple[int, Mention]]:
    """(article id, mention) for every mention of the items."""
    return [(a, x) for a, item in zip(article_ids, items, strict=True) for x in item.mentions]


def batch_entity_ids(conn: Connection, mentions: Sequence[Mention]) -> dict[tuple[str, str], int]:
    """(kind, folded key) -> entity id, for every mention given."""
    ids: dict[tuple[str, str], int] = {}
    for kind in ("person", "organisation"):
        found = entity_ids(conn, kind, [x for x in mentions if x.kind == kind])
        ids.update(((kind, key), entity_id) for key, entity_id in found.items())
    return ids


def entity_ids(conn: Connection, kind: EntityKind, mentions: Sequence[Mention]) -> dict[str, int]:
    """Entity id per folded key: an alias (an analyst's merge) first, else upsert on the key.

    Set-based whatever the number of names: one lookup, at most one statement of each kind.
    """
    if not mentions:
        return {}
    _, alias_table, alias_fk = entity_tables(kind)
    best: dict[str, Mention] = {}
    for x in mentions:
        # The longest well-formed name seen becomes the display name.
        if x.key not in best or len(x.name) > len(best[x.key].name):
            best[x.key] = x
    keys = sorted(best)  # a fixed order keeps concurrent upserts from deadlocking
    known = conn.execute(
        select(alias_table.c.alias_key, alias_table.c[alias_fk], alias_table.c.alias).where(
            alias_table.c.alias_key == any_(bindparam("keys", keys, type_=ARRAY(Text)))
        )
    ).all()
    ids = {key: entity_id for key, entity_id, _ in known}
    longer = [best[key] for key, _, alias in known if len(best[key].name) > len(alias)]
    if longer:
        _rename(conn, kind, sorted(longer, key=lambda x: x.key))
    missing = [best[k] for k in keys if k not in ids]
    if missing:
        ids.update(_upsert_entities(conn, kind, missing))
    return ids


def _rename(conn: Connection, kind: EntityKind, longer: list[Mention]) -> None:
    """A longer well-formed variant of a known name becomes its display name."""
    table, alias_table, _ = entity_tables(kind)
    params = {"keys": [x.key for x in longer], "names": [x.name for x in longer]}
    new = "unnest(CAST(:keys AS text[]), CAST(:names AS text[])) AS v(key, name)"
    conn.execute(
        text(
            f"UPDATE {alias_table.name} t SET alias = v.name FROM {new} WHERE t.alias_key = v.key"
        ),
        params,
    )
    # Only the entity that owns the key: a merged alias must not rename its new entity.
    conn.execute(
        text(
            f"UPDATE {table.name} t SET name = v.name FROM {new} "
            "WHERE t.name_key = v.key AND char_length(t.name) < char_length(v.name)"
        ),
        params,
    )


def _upsert_entities(conn: Connection, kind: EntityKind, best: list[Mention]) -> dict[str, int]:
    """Insert new entities (or lengthen a display name) and their aliases; folded key -> id.

    One statement: the upsert returns the ids the alias insert needs. `best` is sorted by key.
    """
    table, alias_table, alias_fk = entity_tables(kind)
    params = {
        "keys": [x.key for x in best],
        "names": [x.name for x in best],
        "acronyms": [x.acronym for x in best],
    }
    acronym = kind == "organisation"
    columns = "name, name_key, acronym" if acronym else "name, name_key"
    longer = (
        "CASE WHEN char_length(excluded.name) > char_length(t.name) "
        "THEN excluded.name ELSE t.name END"
    )
    set_ = f"name = {longer}" + (
        ", acronym = coalesce(t.acronym, excluded.acronym)" if acronym else ""
    )
    statement = text(
        "WITH v AS (SELECT * FROM unnest(CAST(:keys AS text[]), CAST(:names AS text[]), "
        "CAST(:acronyms AS text[])) WITH ORDINALITY AS v(key, name, acronym, n)), "
        f"up AS (INSERT INTO {table.name} AS t ({columns}) "
        f"SELECT {columns.replace('name_key', 'key')} FROM v ORDER BY n "
        f"ON CONFLICT (name_key) DO UPDATE SET {set_} RETURNING t.name_key, t.id), "
        f"aliases AS (INSERT INTO {alias_table.name} (alias_key, alias, {alias_fk}) "
        "SELECT v.key, v.name, up.id FROM v JOIN up ON up.name_key = v.key ORDER BY v.n "
        "ON CONFLICT (alias_key) DO NOTHING) "
        "SELECT name_key, id FROM up"
    )
    return dict(conn.execute(statement, params).tuples().all())


def entity_tables(kind: EntityKind) -> tuple[Table, Table, str]:
    """The entity table, its alias table and the alias table's foreign-key column."""
    if kind == "person":
        return m.Person.__table__, m.PersonAlias.__table__, "person_id"  # type: ignore[return-value]
    return (
        m.Organisation.__table__,  # type: ignore[return-value]
        m.OrganisationAlias.__table__,
        "organisation_id",
    )
