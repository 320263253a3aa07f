"""The Slack door end to end: a signed file-share event posted to `hotgigs serve`'s
/slack/events, the file fetched from the Slack stand-in, the candidate card threaded there."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator

import pytest

from tests.e2e.conftest import Serve
from tests.fakes.slack_api import FakeSlack, Message
from tests.integration.slack_support import (
    CHANNEL,
    SECRET,
    TEAM,
    TOKEN,
    file_share_event,
    post,
    signed_headers,
)
from tests.resumes import text_pdf

TS = "1652227646.593159"


@pytest.fixture
def slack() -> Iterator[FakeSlack]:
    with FakeSlack(TOKEN, TEAM) as fake:
        yield fake


def _done(slack: FakeSlack) -> list[Message] | None:
    thread = slack.thread(CHANNEL, TS)
    finished = any(m.text.startswith("Done") for m in thread)
    return [m for m in thread if m.blocks] if finished else None


def test_a_shared_file_gets_its_candidate_card_in_the_thread(
        start_serve: Callable[..., Serve], slack: FakeSlack) -> None:
    serve = start_serve(SLACK_BOT_TOKEN=TOKEN, SLACK_SIGNING_SECRET=SECRET,
                        SLACK_API_URL=slack.api_url)
    event = file_share_event(slack, {"maria.pdf": text_pdf("Maria Gonzalez",
                                                           "maria@example.com")}, ts=TS)
    body = json.dumps(event)
    reply = post(f"{serve.base_url}/slack/events", body, signed_headers(body))
    assert reply.status == 200, reply.body
    cards = slack.wait_for(lambda: _done(slack), timeout=240, what="the result card")
    assert len(cards) == 1 and "Maria Gonzalez" in cards[0].text
    assert all(m.channel == CHANNEL and m.thread_ts == TS for m in slack.messages)
    assert serve.candidate_names() == ["Maria Gonzalez"]
    # an unsigned post is refused by the running door
    assert post(f"{serve.base_url}/slack/events", body,
                signed_headers(body, secret="wrong")).status == 401
