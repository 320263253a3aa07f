"""Integration fixtures: a pipeline harness (intake + real worker processes) per test."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.conftest import truncate_all
from tests.integration.pipeline_harness import Harness, make_harness


@pytest.fixture
def harness(make_settings: object, database_url: str, redis_url: str) -> Iterator[Harness]:
    """On SQLite, then on PostgreSQL."""
    h = make_harness(make_settings, database_url, redis_url)
    yield h
    h.close()


@pytest.fixture
def pg_harness(make_settings: object, pg_url: str, redis_url: str) -> Iterator[Harness]:
    """On PostgreSQL only, the deployment database (for the slower, multi-process tests)."""
    truncate_all(pg_url)
    h = make_harness(make_settings, pg_url, redis_url)
    yield h
    h.close()
