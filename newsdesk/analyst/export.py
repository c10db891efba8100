"""Exports for the tools analysts already use: one CSV or Parquet file per table and per flat view.

CSV comes straight from Postgres (`COPY ... TO STDOUT WITH CSV HEADER`), so it quotes exactly as
Postgres does; arrays and jsonb appear in their Postgres text form. Parquet keeps the types:
integers, timestamps (UTC), booleans, text arrays as lists; jsonb as JSON text.
`documents.raw` is left out of both: the original bytes are for reprocessing, not analysis;
so is `articles.removed_keys`, `removed` folded for the settle's publisher pass.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, text

FORMATS = ("csv", "parquet")
# The contract tables, the merge record and the flat views (entities per article, where each
# metadata value came from); the near-duplicate index is internal.
EXPORTS = (
    "articles",
    "documents",
    "people",
    "organisations",
    "person_aliases",
    "organisation_aliases",
    "mentions",
    "rejects",
    "pipeline_runs",
    "entity_merges",
    "article_entities",
    "article_provenance",
)
LEFT_OUT = {("documents", "raw"), ("articles", "removed_keys")}
# A stable row order, so two exports of the same data are the same files.
ORDER = {
    "article_entities": "article_id, entity_kind, entity_id",
    "article_provenance": "article_id, field",
}
# Rows fetched per round trip when writing Parquet: bounded memory on a large corpus.
PARQUET_BATCH_ROWS = 10_000

COLUMNS_SQL = text(
    """
    SELECT column_name, data_type, udt_name
    FROM information_schema.columns
    WHERE table_schema = 'public' AND table_name = :name
    ORDER BY ordinal_position
    """
)


@dataclass(frozen=True)
class Exported:
    """One file written."""

    name: str
    path: Path
    rows: int


def export(engine: Engine, fmt: str, out: Path, names: Sequence[str] = EXPORTS) -> list[Exported]:
    """Write one `fmt` file per table or view in `names` into the folder `out`."""
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for name in names:
        columns = _columns(engine, name)
        path = out / f"{name}.{fmt}"
        write = _csv if fmt == "csv" else _parquet
        rows = write(engine, name, columns, path)
        written.append(Exported(name, path, rows))
    return written


def _columns(engine: Engine, name: str) -> list[tuple[str, str, str]]:
    with engine.connect() as conn:
        rows = conn.execute(COLUMNS_SQL, {"name": name}).all()
    return [(c, t, u) for c, t, u in rows if (name, c) not in LEFT_OUT]


def _select(name: str, columns: list[tuple[str, str, str]]) -> str:
    # Names come from the catalogue and EXPORTS, never from a user; quoted all the same.
    cols = ", ".join(f'"{c}"' for c, _, _ in columns)
    return f'SELECT {cols} FROM "{name}" ORDER BY {ORDER.get(name, "1")}'


def _csv(engine: Engine, name: str, columns: list[tuple[str, str, str]], path: Path) -> int:
    """COPY the rows out as CSV with a header; returns the row count."""
    rows = 0
    raw = engine.raw_connection()
    try:
        with raw.cursor() as cur, path.open("wb") as f:  # type: ignore[attr-defined]
            sql = f"COPY ({_select(name, columns)}) TO STDOUT WITH (FORMAT csv, HEADER)"
            with cur.copy(sql) as copy:
                for chunk in copy:
                    f.write(chunk)
            rows = cur.rowcount
    finally:
        raw.close()
    return rows


def _parquet(engine: Engine, name: str, columns: list[tuple[str, str, str]], path: Path) -> int:
    """Stream the rows into a Parquet file with types from the catalogue; returns the count."""
    import pyarrow as pa  # imported here: only Parquet exports need it
    import pyarrow.parquet as pq

    schema = pa.schema([(c, _arrow_type(t, u)) for c, t, u in columns])
    rows = 0
    with engine.connect() as conn, pq.ParquetWriter(str(path), schema) as writer:
        query = text(_select(name, columns))
        result = conn.execution_options(yield_per=PARQUET_BATCH_ROWS).execute(query)
        for batch in result.partitions():
            data = {c: [_value(row[i], t) for row in batch] for i, (c, t, _) in enumerate(columns)}
            writer.write_table(pa.table(data, schema=schema))
            rows += len(batch)
        if rows == 0:
            writer.write_table(schema.empty_table())
    return rows


def _arrow_type(data_type: str, udt: str) -> Any:
    """The Arrow type of a Postgres column."""
    import pyarrow as pa

    scalar = {
        "int8": pa.int64(),
        "int4": pa.int32(),
        "int2": pa.int16(),
        "bool": pa.bool_(),
        "float4": pa.float32(),
        "float8": pa.float64(),
        "timestamptz": pa.timestamp("us", tz="UTC"),
        "timestamp": pa.timestamp("us"),
        "date": pa.date32(),
        "bytea": pa.binary(),
    }
    if data_type == "ARRAY":
        return pa.list_(scalar.get(udt.lstrip("_"), pa.string()))
    return scalar.get(udt, pa.string())


def _value(value: Any, data_type: str) -> Any:
    """jsonb values as JSON text (Arrow has no JSON type every reader understands)."""
    if data_type == "jsonb" and value is not None:
        return json.dumps(value, ensure_ascii=False)
    return value
