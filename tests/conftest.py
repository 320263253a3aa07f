"""Shared fixtures: explicit settings over a temp data dir, real PostgreSQL and Redis.

Tests never read leftover environment (STYLE.md, habit 8): HotGigs' variables are cleared for
every test, and each test builds the settings it needs.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import psycopg
import pytest
import redis

from hotgigs.bootstrap import Services, bootstrap
from hotgigs.settings import Settings, load_settings
from storage.db import upgrade

if TYPE_CHECKING:
    from mypy_boto3_s3 import S3Client

    from storage.s3_store import S3Store

PG_ADMIN_URL = os.environ.get("HOTGIGS_TEST_PG", "postgresql://postgres@127.0.0.1:5432/postgres")
REDIS_TEST_URL = os.environ.get("HOTGIGS_TEST_REDIS", "redis://127.0.0.1:6379/15")
# SeaweedFS of scripts/ensure-test-services.sh, with the credentials that script configures
S3_TEST_ENDPOINT = os.environ.get("HOTGIGS_TEST_S3", "http://127.0.0.1:8333")
S3_TEST_CREDENTIALS = {
    "AWS_ACCESS_KEY_ID": os.environ.get("HOTGIGS_TEST_S3_ACCESS_KEY", "hotgigs-test"),
    "AWS_SECRET_ACCESS_KEY": os.environ.get("HOTGIGS_TEST_S3_SECRET_KEY", "hotgigs-test-secret"),
}
# AWS_: boto3 would otherwise read a developer's credentials, profile or region
_OUR_VARIABLES = ("HOTGIGS_", "DATABASE_URL", "REDIS_URL", "SLACK_", "OPENAI_", "AWS_")


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


@dataclass
class S3Bucket:
    """A fresh bucket of this test on the test S3 server; AWS_* of the test set to reach it."""

    name: str
    endpoint: str
    client: S3Client

    def url(self, prefix: str = "blobs") -> str:
        return f"s3://{self.name}/{prefix}"

    def objects(self) -> dict[str, bytes]:
        """Every object in the bucket, by key."""
        found: dict[str, bytes] = {}
        for page in self.client.get_paginator("list_objects_v2").paginate(Bucket=self.name):
            for item in page.get("Contents", []):
                found[item["Key"]] = self.client.get_object(
                    Bucket=self.name, Key=item["Key"])["Body"].read()
        return found

    def env(self) -> dict[str, str]:
        """What a child process needs to use this bucket as its blob store."""
        return {"HOTGIGS_BLOB_URL": self.url(), "HOTGIGS_S3_ENDPOINT": self.endpoint,
                "HOTGIGS_S3_REGION": "us-east-1", **S3_TEST_CREDENTIALS}


def unreachable_s3_store(monkeypatch: pytest.MonkeyPatch, key: bytes,
                         url: str = "s3://gone/blobs") -> tuple[S3Store, str]:
    """An S3 store whose endpoint nobody listens on (one attempt per request), and that
    endpoint: a store that is down, as the doors and workers meet it."""
    from storage.s3_store import S3Location, S3Store
    from tests.helpers import free_port

    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "x")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "y")
    closed = f"http://127.0.0.1:{free_port()}"
    store = S3Store(S3Location.parse(url), key, endpoint=closed, region="us-east-1", retries=1)
    return store, closed


@pytest.fixture
def s3_bucket(monkeypatch: pytest.MonkeyPatch) -> Iterator[S3Bucket]:
    """A new, empty bucket on the test S3 server (SeaweedFS), emptied and deleted afterwards."""
    from storage.s3_store import s3_client

    for name, value in S3_TEST_CREDENTIALS.items():
        monkeypatch.setenv(name, value)
    client = s3_client(S3_TEST_ENDPOINT, "us-east-1")
    bucket = S3Bucket(f"hotgigs-test-{uuid.uuid4().hex[:12]}", S3_TEST_ENDPOINT, client)
    client.create_bucket(Bucket=bucket.name)
    try:
        yield bucket
    finally:
        for key in bucket.objects():
            client.delete_object(Bucket=bucket.name, Key=key)
        uploads = client.list_multipart_uploads(Bucket=bucket.name).get("Uploads", [])
        for upload in uploads:
            client.abort_multipart_upload(Bucket=bucket.name, Key=upload["Key"],
                                          UploadId=upload["UploadId"])
        client.delete_bucket(Bucket=bucket.name)


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
