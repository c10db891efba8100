"""A read-only role for analysts: SELECT on every table and view, now and later; nothing else."""

from __future__ import annotations

from psycopg import errors, sql
from sqlalchemy import Connection, Engine, text

ANALYST_ROLE = "newsdesk_analyst"
SCHEMA = "public"


def create_analyst_role(
    engine: Engine, role: str = ANALYST_ROLE, password: str | None = None
) -> None:
    """Create (or update) a LOGIN role that can read every table and view and write nothing.

    Grants are on the engine's database only; roles are cluster-wide, so an existing role is
    reused. Tables and views that later migrations create are covered by default privileges
    of the user running this (the one that runs migrations).
    """
    with engine.begin() as conn:
        exists = conn.scalar(text("SELECT 1 FROM pg_roles WHERE rolname = :r"), {"r": role})
        if not exists:
            try:
                with conn.begin_nested():
                    _run(conn, sql.SQL("CREATE ROLE ") + _role_options(role, password))
            except errors.DuplicateObject:
                exists = True  # created meanwhile from another database of the cluster
        if exists:
            _run(conn, sql.SQL("ALTER ROLE ") + _role_options(role, password))
        database = conn.scalar(text("SELECT current_database()"))
        for statement in _grants(role, str(database)):
            _run(conn, statement)


def _role_options(role: str, password: str | None) -> sql.Composed:
    """The role, LOGIN without the power to create databases or roles, and its password."""
    options = sql.SQL("{} WITH LOGIN NOCREATEDB NOCREATEROLE").format(sql.Identifier(role))
    if password is None:
        return options
    # DDL takes no bind parameters: the password goes in as a literal quoted by psycopg.
    return options + sql.SQL(" PASSWORD {}").format(sql.Literal(password))


def _grants(role: str, database: str) -> list[sql.Composed]:
    r, db, schema = sql.Identifier(role), sql.Identifier(database), sql.Identifier(SCHEMA)
    return [
        sql.SQL("GRANT CONNECT ON DATABASE {} TO {}").format(db, r),
        sql.SQL("GRANT USAGE ON SCHEMA {} TO {}").format(schema, r),
        # PostgreSQL < 15 lets every role create in public; the analyst must not.
        sql.SQL("REVOKE CREATE ON SCHEMA {} FROM {}").format(schema, r),
        sql.SQL("GRANT SELECT ON ALL TABLES IN SCHEMA {} TO {}").format(schema, r),
        sql.SQL("ALTER DEFAULT PRIVILEGES IN SCHEMA {} GRANT SELECT ON TABLES TO {}").format(
            schema, r
        ),
        # A second line of defence: the role's sessions start read-only.
        sql.SQL("ALTER ROLE {} IN DATABASE {} SET default_transaction_read_only = on").format(
            r, db
        ),
    ]


def _run(conn: Connection, statement: sql.Composable) -> None:
    """Execute a composed statement on the same connection and transaction as `conn`."""
    driver = conn.connection.driver_connection
    assert driver is not None  # an open SQLAlchemy connection always has one
    driver.execute(statement)
