"""COPY and binary reads on a transaction's own psycopg connection: what SQLAlchemy can't ask."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import psycopg
from sqlalchemy import Connection
from sqlalchemy.exc import DBAPIError


def copy_rows(
    conn: Connection, table: str, columns: Sequence[str], rows: Iterable[tuple[Any, ...]]
) -> None:
    """COPY rows into a table on the transaction's own connection (the fastest way in).

    Errors are raised as SQLAlchemy's, like those of every other statement.
    """
    statement = f"COPY {table} ({', '.join(columns)}) FROM STDIN"
    with driver_cursor(conn, statement) as cursor, cursor.copy(statement) as copy:
        for row in rows:
            copy.write_row(row)


def copy_text(conn: Connection, table: str, columns: Sequence[str], data: str) -> None:
    """COPY data already in COPY's text format (tab-separated, one row a line)."""
    statement = f"COPY {table} ({', '.join(columns)}) FROM STDIN"
    with driver_cursor(conn, statement) as cursor, cursor.copy(statement) as copy:
        copy.write(data)


@contextmanager
def driver_cursor(
    conn: Connection, statement: str, binary: bool = False
) -> Iterator[psycopg.Cursor[Any]]:
    """A psycopg cursor on the transaction's own connection, for what SQLAlchemy can't ask
    (COPY, binary results); its errors are raised as SQLAlchemy's, like every other statement's.
    """
    raw = conn.connection.driver_connection
    assert raw is not None
    try:
        with raw.cursor(binary=binary) as cursor:
            yield cursor
    except psycopg.Error as exc:
        raise DBAPIError.instance(statement, None, exc, psycopg.Error) from exc
