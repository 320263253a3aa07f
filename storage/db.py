"""Engines, sessions and migrations: the only way HotGigs code reaches the database.

The composition root builds one `Database` per process from settings; nothing here runs at
import time (STYLE.md, habit 7).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, create_engine, event, inspect, text
from sqlalchemy.orm import Session, sessionmaker

MIGRATIONS_DIR = Path(__file__).parent / "migrations"


def _sqlite_pragmas(dbapi_conn: object, _record: object) -> None:
    # WAL lets workers write while the web process reads; foreign keys are off by default.
    cursor = dbapi_conn.cursor()  # type: ignore[attr-defined]
    cursor.execute("PRAGMA journal_mode=WAL")
    # in WAL mode NORMAL survives process crashes; it only risks the last commits on power loss
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


def make_engine(url: str) -> Engine:
    """An engine for `url`, with SQLite tuned for several processes sharing one file."""
    if url.startswith("sqlite"):
        path = url.split("///", 1)[-1]
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"timeout": 30})
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    engine = create_engine(url, pool_pre_ping=True, pool_size=5, max_overflow=5)
    # Send a worker's multi-row INSERTs (hundreds of skills, matches, audit entries a chunk)
    # as INSERT … VALUES (…), (…) statements, as the psycopg2 dialect does, instead of one
    # pipelined statement per row: fewer executions for the server (measured in-process:
    # record time unchanged, 0.1–0.3 ms less matching per resume and less worker CPU; no
    # difference on SQLite, whose executemany stays in C).
    engine.dialect.use_insertmanyvalues_wo_returning = True
    return engine


class Database:
    """An engine plus a session factory; `session()` commits on success, rolls back on error."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.engine = make_engine(url)
        self._factory = sessionmaker(self.engine, expire_on_commit=False)

    @contextmanager
    def session(self, *, durable: bool = True) -> Iterator[Session]:
        """A transaction. `durable=False` lets PostgreSQL acknowledge the commit before it is
        flushed to disk: for work that is redone anyway if a crash loses it (a worker's
        progress, which the sweeper re-queues), never for what we promised to keep."""
        with self._factory() as session, session.begin():
            if not durable and self.engine.dialect.name == "postgresql":
                session.execute(text("SET LOCAL synchronous_commit = off"))
            yield session

    def ping(self) -> str | None:
        """None when the database answers, else a short reason."""
        try:
            with self.engine.connect() as conn:
                conn.execute(text("SELECT 1"))
        except Exception as exc:  # any driver error means "unreachable" to a health check
            return f"{type(exc).__name__}: {str(exc).splitlines()[0][:200]}"
        return None

    def table_names(self) -> list[str]:
        return sorted(inspect(self.engine).get_table_names())

    def dispose(self) -> None:
        self.engine.dispose()


def alembic_config(url: str) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    # ConfigParser interpolation would read '%' in passwords as syntax.
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg


def pending_migrations(engine: Engine) -> bool:
    """True when the database is behind the newest migration (or was never migrated)."""
    from alembic.runtime.migration import MigrationContext
    from alembic.script import ScriptDirectory

    heads = set(ScriptDirectory.from_config(alembic_config(str(engine.url))).get_heads())
    with engine.connect() as conn:
        current = set(MigrationContext.configure(conn).get_current_heads())
    return current != heads


def upgrade(url: str, revision: str = "head") -> None:
    """Apply migrations up to `revision` (the same scripts on SQLite and PostgreSQL)."""
    if url.startswith("sqlite"):
        make_engine(url).dispose()  # creates the data directory for the file
    command.upgrade(alembic_config(url), revision)
