"""Where the database is: the configured server, or the embedded PostgreSQL; engine; migrations."""

from __future__ import annotations

import logging
import re
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Engine, create_engine, make_url, text
from sqlalchemy.exc import ArgumentError

import migrations
from newsdesk.errors import ConfigError
from newsdesk.settings import Settings, get_settings

if TYPE_CHECKING:
    from alembic.config import Config

log = logging.getLogger(__name__)

EMBEDDED_DATABASE = "newsdesk"
MIGRATIONS_DIR = Path(migrations.__file__).resolve().parent
# Above the flows' task threads (flows/etl.py MAX_TASK_WORKERS, half of it), so a task never waits
# for a connection.
POOL_SIZE = 8


@dataclass(frozen=True)
class Location:
    """A database newsdesk can use, and how a person reaches it."""

    url: str  # SQLAlchemy URL (postgresql+psycopg://...)
    psql_url: str  # libpq URL for psql
    embedded: bool
    data_dir: Path | None = None

    def describe(self) -> str:
        """One line for the CLI: where the data lives."""
        if self.embedded:
            return f"embedded PostgreSQL in {self.data_dir} (psql '{self.psql_url}')"
        return f"PostgreSQL at {make_url(self.url).render_as_string(hide_password=True)}"


def normalise_url(url: str) -> str:
    """Accept postgres:// and postgresql:// URLs; use the psycopg 3 driver; refuse others."""
    try:
        parsed = make_url(url)
    except ArgumentError as exc:
        raise ConfigError(
            f"NEWSDESK_DATABASE_URL is not a database URL ({exc}); "
            "expected postgresql+psycopg://user:password@host:5432/dbname"
        ) from exc
    if parsed.get_backend_name() not in ("postgresql", "postgres"):
        raise ConfigError(
            f"newsdesk needs PostgreSQL, but NEWSDESK_DATABASE_URL names "
            f"'{parsed.get_backend_name()}'; unset it to use the embedded PostgreSQL"
        )
    return parsed.set(drivername="postgresql+psycopg").render_as_string(hide_password=False)


def start_embedded(data_dir: Path, keep_running: bool = False) -> Location:
    """Start (or reuse) the private PostgreSQL in `data_dir`; create the newsdesk database."""
    import pgserver  # imported here: only the embedded default needs it

    pgdata = data_dir / "pgdata"
    pgdata.parent.mkdir(parents=True, exist_ok=True)
    server = pgserver.get_server(pgdata, cleanup_mode=None if keep_running else "stop")
    exists = server.psql(f"SELECT 1 FROM pg_database WHERE datname = '{EMBEDDED_DATABASE}';")
    if "(1 row)" not in exists:
        server.psql(f"CREATE DATABASE {EMBEDDED_DATABASE};")
    psql_url = server.get_uri(EMBEDDED_DATABASE)
    url = normalise_url(psql_url)
    return Location(url=url, psql_url=psql_url, embedded=True, data_dir=pgdata)


def locate(settings: Settings | None = None, keep_running: bool = False) -> Location:
    """The configured database, or the embedded one when NEWSDESK_DATABASE_URL is unset."""
    settings = settings or get_settings()
    if settings.database_url:
        url = normalise_url(settings.database_url)
        psql = make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
        return Location(url=url, psql_url=psql, embedded=False)
    return start_embedded(settings.data_dir, keep_running=keep_running)


def database_url() -> str:
    """SQLAlchemy URL of the database in use (starting the embedded one if needed)."""
    return locate().url


def make_engine(url: str) -> Engine:
    """An engine with a bounded pool that survives a server restart (pre-ping)."""
    return create_engine(url, pool_size=POOL_SIZE, max_overflow=2, pool_pre_ping=True)


_engines: dict[str, Engine] = {}
_engines_lock = threading.Lock()


def engine_for(url: str) -> Engine:
    """One shared engine (one connection pool) per database per process."""
    with _engines_lock:
        if url not in _engines:
            _engines[url] = make_engine(url)
        return _engines[url]


def dispose_engines() -> None:
    """Close every shared pool (tests do this before dropping their database)."""
    with _engines_lock:
        for engine in _engines.values():
            engine.dispose()
        _engines.clear()


def alembic_config(engine: Engine | None = None) -> Config:
    """Alembic configured in code: works from any working directory and from an install."""
    from alembic.config import Config  # imported by what migrates: most commands never do

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    if engine is not None:
        cfg.set_main_option(
            "sqlalchemy.url", engine.url.render_as_string(hide_password=False).replace("%", "%%")
        )
    cfg.attributes["configure_logger"] = False
    return cfg


def head_revision() -> str | None:
    """The newest migration in the repository."""
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(alembic_config()).get_current_head()


# How every migration names itself and its parent (see migrations/script.py.mako).
_REVISION = re.compile(r'^(down_revision|revision): [^=]+= "([^"]+)"', re.MULTILINE)


def at_head(engine: Engine) -> bool:
    """Whether the database is migrated to the newest migration, found without Alembic (a
    rerun with nothing to do checks this first, and importing Alembic costs it a tenth of a
    second): the newest revision is the one no migration file names as its parent."""
    revisions: set[str] = set()
    parents: set[str] = set()
    for path in (MIGRATIONS_DIR / "versions").glob("*.py"):
        for kind, value in _REVISION.findall(path.read_text(encoding="utf-8")):
            (revisions if kind == "revision" else parents).add(value)
    heads = revisions - parents
    with engine.connect() as conn:
        stored = conn.scalar(text("SELECT to_regclass('alembic_version') IS NOT NULL"))
        current = conn.scalar(text("SELECT version_num FROM alembic_version")) if stored else None
    return len(heads) == 1 and current in heads


def current_revision(engine: Engine) -> str | None:
    """The migration the database is at (None for an empty database)."""
    with engine.connect() as conn:
        from alembic.runtime.migration import MigrationContext

        return MigrationContext.configure(conn).get_current_revision()


def migrate(engine: Engine, revision: str = "head") -> None:
    """Bring the schema to `revision`; serialised by an advisory lock across processes."""
    cfg = alembic_config(engine)
    with engine.begin() as conn:
        # Two runs starting at once must not both create the tables.
        conn.execute(text("SELECT pg_advisory_xact_lock(hashtext('newsdesk:migrate'))"))
        cfg.attributes["connection"] = conn
        from alembic import command

        command.upgrade(cfg, revision)


def ensure_migrated(engine: Engine) -> bool:
    """Apply pending migrations; True when something was applied."""
    if current_revision(engine) == head_revision():
        return False
    migrate(engine)
    return True


def stop_embedded(data_dir: Path) -> bool:
    """Stop the embedded PostgreSQL in `data_dir`; False when it was not running."""
    import os

    from pgserver._commands import pg_ctl  # type: ignore[attr-defined]  # made at import

    pgdata = data_dir / "pgdata"
    if not (pgdata / "postmaster.pid").exists():
        return False
    # pgserver runs the server as its own system user when started by root.
    user = "pgserver" if os.geteuid() == 0 else None
    pg_ctl(["-w", "-m", "fast", "stop"], pgdata=pgdata, user=user)
    return True
