"""The composition root: builds settings, database, blob store and Redis once per process.

Nothing is created at import time; every command calls `bootstrap()` and hands the pieces on
(STYLE.md, habit 7). Tests build their own `Services` from explicit settings.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import redis

from hotgigs.settings import Settings
from storage.db import Database
from storage.files import BlobStore, load_or_create_key
from storage.stores import open_store


@dataclass
class Services:
    settings: Settings
    db: Database
    blobs: BlobStore
    _redis: redis.Redis | None = field(default=None, repr=False)

    @property
    def redis(self) -> redis.Redis:
        """The Redis connection; only valid when a Redis URL is known (REDIS_URL or private)."""
        if self._redis is None:
            if not self.settings.redis_url:
                raise RuntimeError("no Redis configured: set REDIS_URL or run `hotgigs serve`")
            self._redis = redis.Redis.from_url(
                self.settings.redis_url, socket_connect_timeout=3, socket_timeout=10
            )
        return self._redis

    def redis_ping(self) -> str | None:
        """None when Redis answers, else a short reason."""
        if not self.settings.redis_url:
            return "REDIS_URL is not set"
        try:
            self.redis.ping()
        except redis.RedisError as exc:
            return f"{type(exc).__name__}: {exc}"
        return None

    def close(self) -> None:
        self.db.dispose()
        if self._redis is not None:
            self._redis.close()


def bootstrap(settings: Settings) -> Services:
    """Wire the process: data dir, database engine, encrypted blob store.

    An S3 store is checked here (`StoreUnavailable`: the bucket is missing, credentials are
    refused), so every command and process fails at start with one sentence naming the bucket.
    """
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    key = load_or_create_key(settings.encryption_key, settings.data_dir)
    blobs = blob_store(settings, key)
    return Services(settings=settings, db=Database(settings.effective_database_url), blobs=blobs)


def blob_store(settings: Settings, key: bytes, url: str | None = None) -> BlobStore:
    """The store `url` names (default HOTGIGS_BLOB_URL), with this process's S3 endpoint."""
    return open_store(url if url is not None else settings.blob_url, data_dir=settings.data_dir,
                      key=key, s3_endpoint=settings.s3_endpoint, s3_region=settings.s3_region)
