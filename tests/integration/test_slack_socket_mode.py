"""The same bot over Socket Mode: the real slack_sdk Socket Mode client (through Bolt's
`SocketModeHandler`, as `hotgigs serve` starts it with SLACK_APP_TOKEN) against a WebSocket
stand-in speaking Slack's envelopes. A file share, a slash command and a button click work as
over HTTP; a refresh and a dropped connection lose nothing and repeat nothing."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pytest

from hotgigs.bootstrap import Services, bootstrap
from hotgigs.web.http import new_app
from hotgigs.web.slack import RunningSlack, start_slack
from tests.fakes.slack_api import FakeSlack
from tests.fakes.slack_socket import FakeSocketMode
from tests.integration.pipeline_harness import Harness
from tests.integration.slack_payloads import (
    buttons,
    command_form,
    message_click,
    selected,
    submission,
)
from tests.integration.slack_support import CHANNEL, TOKEN, file_share_event
from tests.resumes import text_pdf

pytestmark = [pytest.mark.redis, pytest.mark.postgres]


@dataclass
class SocketBot:
    harness: Harness
    slack: FakeSlack
    socket: FakeSocketMode
    services: Services
    running: RunningSlack

    def batches(self) -> int:
        from sqlalchemy import func, select

        from storage.models import Batch

        with self.services.db.session() as session:
            return int(session.scalar(select(func.count()).select_from(Batch)) or 0)


@pytest.fixture
def bot(pg_harness: Harness, slack: FakeSlack) -> Iterator[SocketBot]:
    with FakeSocketMode(slack) as socket:
        pg_harness.extra_env.update(SLACK_BOT_TOKEN=TOKEN, SLACK_API_URL=slack.api_url)
        services = bootstrap(pg_harness.settings.model_copy(update={
            "slack_bot_token": TOKEN, "slack_app_token": slack.app_token,
            "slack_api_url": slack.api_url, "slack_signing_secret": None}))
        running = start_slack(new_app(), services, pg_harness.queue)
        assert running is not None and running.mode == "socket"
        socket.wait_connects(1)
        try:
            yield SocketBot(pg_harness, slack, socket, services, running)
        finally:
            running.stop()
            services.close()


def _pdf(name: str) -> bytes:
    return text_pdf(name, f"{name.split()[0].lower()}@example.com", title="Python Developer",
                    skills="Python, Django, PostgreSQL")


def test_file_share_slash_command_and_button_over_socket_mode(bot: SocketBot) -> None:
    slack, socket = bot.slack, bot.socket
    assert [c.method for c in slack.calls_of("apps.connections.open")] == [
        "apps.connections.open"]
    assert socket.delivered == []  # hello is not an envelope

    help_ack = socket.wait_ack(socket.send("slash_commands", command_form(slack, "help")))
    assert help_ack is not None and "/hotgigs match" in help_ack["text"]
    saving = socket.wait_ack(socket.send("slash_commands", command_form(
        slack, "job add Senior Python Developer | Python, Django and PostgreSQL; 3+ years.")))
    assert saving == {"text": "Saving the job…", "response_type": "ephemeral"}
    slack.wait_for(lambda: slack.responses[:1], what="the saved job")

    ts = "1652227646.900100"
    event = socket.send("events_api", file_share_event(slack, {"ann.pdf": _pdf("Ann Lee")},
                                                       ts=ts, event_id="EvSock01"))
    assert socket.wait_ack(event) is None  # events are acknowledged without a payload
    slack.wait_for(lambda: bot.batches() or None, what="the batch")
    bot.harness.run_burst_worker()
    card = slack.wait_for(lambda: next((m for m in slack.thread(CHANNEL, ts)
                                        if "candidate_match" in buttons(m.blocks)), None),
                          what="the card")

    assert socket.wait_ack(socket.send("interactive", message_click(
        slack, card, "candidate_match"))) is None
    modal = slack.wait_for(lambda: slack.views_of("views.open")[:1], what="the modal")[0]
    job = modal["blocks"][1]["element"]["options"][0]["value"]
    answer = socket.wait_ack(socket.send("interactive", submission(
        modal, {("match_job", "job"): selected(job)})))
    assert answer is not None and answer["response_action"] == "update"
    assert "*Ann Lee* for *Senior Python Developer*" in str(answer["view"]["blocks"])
    assert slack.invalid == []


def test_refresh_and_a_dropped_connection_lose_and_repeat_nothing(bot: SocketBot) -> None:
    slack, socket = bot.slack, bot.socket
    socket.refresh()  # Slack asks the client to move to a new connection
    socket.wait_connects(2)
    assert len(slack.calls_of("apps.connections.open")) == 2

    # delivered, processed, but the ack is lost with the connection: Slack delivers it again
    first = socket.send_then_drop("events_api", file_share_event(
        slack, {"a.pdf": _pdf("Ann Lee")}, ts="1652227646.910100", event_id="EvSock10"))
    # sent while the client may be reconnecting: queued until a connection takes it
    second = socket.send("events_api", file_share_event(
        slack, {"b.pdf": _pdf("Bob Stone")}, ts="1652227646.920100", event_id="EvSock11"))
    socket.wait_connects(3)
    socket.wait_ack(first)
    socket.wait_ack(second)
    retried = [e for e in socket.delivered if e["envelope_id"] == first]
    assert [e["retry_attempt"] for e in retried] == [0, 1]
    slack.wait_for(lambda: bot.batches() == 2 or None, what="two batches")
    bot.harness.run_burst_worker()
    slack.wait_for(lambda: [m for m in slack.messages if m.blocks][1:], what="both cards")
    processing = [m for m in slack.messages if m.history[0].startswith("Processing")]
    assert sorted(m.thread_ts or "" for m in processing) == [
        "1652227646.910100", "1652227646.920100"]  # one each: nothing lost, nothing twice
    assert bot.batches() == 2


def test_a_reset_connection_is_noticed_and_its_event_delivered_once(bot: SocketBot) -> None:
    slack, socket = bot.slack, bot.socket
    first = socket.send_then_drop("events_api", file_share_event(
        slack, {"c.pdf": _pdf("Cy Park")}, ts="1652227646.930100", event_id="EvSock20"),
        abrupt=True)
    socket.wait_connects(2, timeout=90)  # the client's own health check finds the dead socket
    socket.wait_ack(first)
    assert [e["retry_attempt"] for e in socket.delivered if e["envelope_id"] == first] == [0, 1]
    slack.wait_for(lambda: bot.batches() == 1 or None, what="the batch")
    assert bot.batches() == 1
