"""Integration fixtures: a pipeline harness (intake + real worker processes) per test, and
the Slack bot in front of its Web API stand-in."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.conftest import truncate_all
from tests.fakes.slack_api import FakeSlack
from tests.integration.pipeline_harness import Harness, make_harness
from tests.integration.slack_support import TEAM, TOKEN, SlackRig, make_rig


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


@pytest.fixture
def slack() -> Iterator[FakeSlack]:
    """The Slack Web API stand-in with one workspace's bot token."""
    with FakeSlack(TOKEN, TEAM) as fake:
        yield fake


@pytest.fixture
def rig(pg_harness: Harness, slack: FakeSlack) -> Iterator[SlackRig]:
    """Our Slack bot over real HTTP in front of the stand-in (modules may define their own)."""
    r = make_rig(pg_harness, slack)
    yield r
    r.close()
