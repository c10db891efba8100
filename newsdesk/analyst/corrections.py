"""Analysts' corrections: merge one person (or organisation) into another, and undo it.

A merge re-points the merged entity's aliases and mentions at the kept one, records what moved
in `entity_merges`, and deletes the merged row. Later runs respect it because the loader looks
names up in the alias tables first. A split re-creates the merged row with its old id and moves
back exactly what the merge moved, plus mentions loaded since whose written form folds to one of
the moved aliases.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, Engine, Row, Table, bindparam, func, select, update
from sqlalchemy.dialects.postgresql import insert

import models as m
from newsdesk.entities.keys import fold_key
from newsdesk.errors import NewsdeskError
from newsdesk.load.entities import entity_tables
from newsdesk.records import EntityKind

KINDS: tuple[EntityKind, ...] = ("person", "organisation")
MENTIONS: Table = m.Mention.__table__  # type: ignore[assignment]


@dataclass(frozen=True)
class Entity:
    """One person or organisation as stored."""

    id: int
    name: str
    name_key: str
    acronym: str | None = None


@dataclass(frozen=True)
class MergeResult:
    """What a merge or a split moved."""

    merge_id: int
    kept: Entity | None  # None after a split when the kept entity has since gone
    merged: Entity
    aliases: int
    mentions: int


def check_kind(kind: str) -> EntityKind:
    """The kind, or an error naming the two there are."""
    if kind not in KINDS:
        raise NewsdeskError(f"unknown kind '{kind}': use 'person' or 'organisation'")
    return "person" if kind == "person" else "organisation"


def find_entity(conn: Connection, kind: EntityKind, ref: str, lock: bool = False) -> Entity:
    """The entity `ref` names: an id, a name (folded like the loader folds it) or an alias."""
    table, aliases, fk = entity_tables(kind)
    columns = [table.c.id, table.c.name, table.c.name_key]
    if kind == "organisation":
        columns.append(table.c.acronym)
    key = fold_key(ref, kind)
    via_alias = select(aliases.c[fk]).where(aliases.c.alias_key == key).scalar_subquery()
    wanted = table.c.name_key == key
    if ref.strip().isdigit():
        wanted = table.c.id == int(ref)
    query = (
        select(*columns)
        .where(wanted | (table.c.id == via_alias))
        .order_by((table.c.name_key != key), table.c.id)
    )
    row = conn.execute(query.with_for_update() if lock else query).first()
    if row is None:
        raise NewsdeskError(
            f"no {kind} named '{ref}' (give a name, an alias or an id; "
            f"SELECT id, name FROM {table.name} WHERE name ILIKE '%...%' finds one)"
        )
    return Entity(*row)


def merge(engine: Engine, kind: str, keep: str, away: str, note: str | None = None) -> MergeResult:
    """Merge entity `away` into entity `keep` in one transaction; returns what moved."""
    kind = check_kind(kind)
    table, aliases, fk = entity_tables(kind)
    with engine.begin() as conn:
        kept = find_entity(conn, kind, keep, lock=True)
        merged = find_entity(conn, kind, away, lock=True)
        if kept.id == merged.id:
            raise NewsdeskError(f"'{keep}' and '{away}' are already the same {kind} ({kept.name})")
        alias_keys = conn.scalars(
            update(aliases)
            .where(aliases.c[fk] == merged.id)
            .values({fk: kept.id})
            .returning(aliases.c.alias_key)
        ).all()
        mention_ids = conn.scalars(
            update(MENTIONS)
            .where(MENTIONS.c[fk] == merged.id)
            .values({fk: kept.id})
            .returning(MENTIONS.c.id)
        ).all()
        merge_id = conn.execute(
            insert(m.EntityMerge)
            .values(
                kind=kind,
                kept_id=kept.id,
                merged_id=merged.id,
                merged_name=merged.name,
                merged_name_key=merged.name_key,
                merged_acronym=merged.acronym,
                alias_keys=sorted(alias_keys),
                mention_ids=sorted(mention_ids),
                note=note,
            )
            .returning(m.EntityMerge.id)
        ).scalar_one()
        conn.execute(table.delete().where(table.c.id == merged.id))
    return MergeResult(merge_id, kept, merged, len(alias_keys), len(mention_ids))


def split(
    engine: Engine, kind: str, ref: str | None = None, merge_id: int | None = None
) -> MergeResult:
    """Undo the latest standing merge of `ref` (its name or old id), or merge `merge_id`."""
    kind = check_kind(kind)
    table, aliases, fk = entity_tables(kind)
    with engine.begin() as conn:
        record = _standing_merge(conn, kind, ref, merge_id)
        merged = Entity(
            record.merged_id, record.merged_name, record.merged_name_key, record.merged_acronym
        )
        later = _later_mentions(conn, kind, record)  # before the aliases move back
        values: dict[str, object] = {
            "id": merged.id,
            "name": merged.name,
            "name_key": merged.name_key,
        }
        if kind == "organisation":
            values["acronym"] = merged.acronym
        restored = conn.execute(
            insert(table).values(values).on_conflict_do_nothing().returning(table.c.id)
        ).scalar()
        if restored is None:
            raise NewsdeskError(
                f"cannot split merge {record.id}: a {kind} with id {merged.id} or key "
                f"'{merged.name_key}' exists again; merge or rename it first"
            )
        moved_aliases = conn.execute(
            update(aliases)
            .where(aliases.c.alias_key.in_(record.alias_keys))
            .values({fk: merged.id})
        ).rowcount
        moved_mentions = _point_mentions(
            conn, fk, sorted(set(record.mention_ids) | later), merged.id
        )
        conn.execute(
            update(m.EntityMerge).where(m.EntityMerge.id == record.id).values(split_at=func.now())
        )
        kept = _by_id(conn, kind, record.kept_id)
    return MergeResult(record.id, kept, merged, moved_aliases, moved_mentions)


def _standing_merge(
    conn: Connection, kind: EntityKind, ref: str | None, merge_id: int | None
) -> Row[Any]:
    """The merge to undo: by its id, else the latest unsplit one of the named entity."""
    merges = m.EntityMerge.__table__
    query = select(merges).where(merges.c.kind == kind, merges.c.split_at.is_(None))
    if merge_id is not None:
        query = query.where(merges.c.id == merge_id)
    elif ref is not None and ref.strip().isdigit():
        query = query.where(merges.c.merged_id == int(ref))
    elif ref is not None:
        query = query.where(merges.c.merged_name_key == fold_key(ref, kind))
    else:
        raise NewsdeskError("split needs the merged entity's name or id, or --merge ID")
    record = conn.execute(query.order_by(merges.c.id.desc()).with_for_update()).first()
    if record is None:
        raise NewsdeskError(
            f"no standing merge of {kind} '{ref if merge_id is None else merge_id}' "
            "(SELECT * FROM entity_merges WHERE split_at IS NULL lists them)"
        )
    return record


def _later_mentions(conn: Connection, kind: EntityKind, record: Row[Any]) -> set[int]:
    """Mentions loaded after the merge through one of the moved aliases (by written form)."""
    mentions = MENTIONS.c
    _, aliases, fk = entity_tables(kind)
    holders = select(aliases.c[fk]).where(aliases.c.alias_key.in_(record.alias_keys))
    last = max(record.mention_ids, default=0)
    rows = conn.execute(
        select(mentions.id, mentions.surface).where(mentions[fk].in_(holders), mentions.id > last)
    ).all()
    keys = set(record.alias_keys)
    return {mention_id for mention_id, surface in rows if fold_key(surface, kind) in keys}


def _point_mentions(conn: Connection, fk: str, ids: list[int], entity_id: int) -> int:
    """Point the mentions `ids` at `entity_id`; returns how many there still were."""
    if not ids:
        return 0
    stmt = update(MENTIONS).where(MENTIONS.c.id.in_(bindparam("ids", expanding=True)))
    return conn.execute(stmt.values({fk: entity_id}), {"ids": ids}).rowcount


def _by_id(conn: Connection, kind: EntityKind, entity_id: int) -> Entity | None:
    """The entity with this id, or None when it is gone."""
    try:
        return find_entity(conn, kind, str(entity_id))
    except NewsdeskError:
        return None
