"""Shared fixtures: explicit settings over a temp data dir, real PostgreSQL and Redis.

Tests never read leftover environment (STYLE.md, habit 8): HotGigs' variables are cleared for
every test, and each test builds the settings it needs.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import psycopg
import pytest
import redis

from hotgigs.bootstrap import Services, bootstrap
from hotgigs.settings import Settings, load_settings
from storage.db import upgrade

PG_ADMIN_URL = os.environ.get("HOTGIGS_TEST_PG", "postgresql://postgres@127.0.0.1:5432/postgres")
REDIS_TEST_URL = os.environ.get("HOTGIGS_TEST_REDIS", "redis://127.0.0.1:6379/15")
_OUR_VARIABLES = ("HOTGIGS_", "DATABASE_URL", "REDIS_URL", "SLACK_", "OPENAI_")


@pytest.fixture(autouse=True)
def _clean_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for name in list(os.environ):
        if name.startswith(_OUR_VARIABLES):
            monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)  # no stray .env file is picked up


@contextmanager
def throwaway_pg_database() -> Iterator[str]:
    """A new, empty PostgreSQL database (SQLAlchemy URL), dropped afterwards."""
    name = f"hotgigs_test_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    base = PG_ADMIN_URL.rsplit("/", 1)[0].replace("postgresql://", "postgresql+psycopg://", 1)
    try:
        yield f"{base}/{name}"
    finally:
        with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="session")
def pg_server_url() -> Iterator[str]:
    """A throw-away PostgreSQL database for this test run, shared by its tests."""
    with throwaway_pg_database() as url:
        yield url


@pytest.fixture
def empty_pg_url() -> Iterator[str]:
    """A PostgreSQL database of this test alone, not even migrated."""
    with throwaway_pg_database() as url:
        yield url


@pytest.fixture(scope="session")
def pg_url(pg_server_url: str) -> str:
    """The run's PostgreSQL database, migrated to the newest schema."""
    upgrade(pg_server_url)
    return pg_server_url


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """Each test using this runs once on SQLite and once on PostgreSQL, on a fresh schema."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'db.sqlite3'}"
        upgrade(url)
        return url
    url = request.getfixturevalue("pg_url")
    truncate_all(url)
    return str(url)


def truncate_all(url: str) -> None:
    from sqlalchemy import text

    from storage.db import make_engine
    from storage.models import Base

    engine = make_engine(url)
    with engine.begin() as conn:
        names = ", ".join(f'"{t.name}"' for t in Base.metadata.sorted_tables)
        conn.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
    engine.dispose()


@pytest.fixture
def redis_url() -> Iterator[str]:
    """The machine's Redis (database 15), flushed before and after each test."""
    client = redis.Redis.from_url(REDIS_TEST_URL)
    client.flushdb()
    yield REDIS_TEST_URL
    client.flushdb()
    client.close()


@pytest.fixture
def make_settings(tmp_path: Path) -> object:
    """Build settings explicitly: a temp data dir and a fixed key unless told otherwise."""

    def build(**overrides: object) -> Settings:
        values: dict[str, object] = {
            "data_dir": tmp_path / "data",
            "encryption_key": "Bml7ZV7WczmJQj2kdJ_lRxeIC-EgA7XpaG5_Qx7-9Bc=",
        }
        values.update(overrides)
        return load_settings(**values)

    return build


@pytest.fixture
def services(make_settings: object, database_url: str) -> Iterator[Services]:
    svc = bootstrap(make_settings(database_url=database_url))  # type: ignore[operator]
    yield svc
    svc.close()
