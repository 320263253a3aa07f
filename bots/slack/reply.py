"""Slack replies for a batch (`notifiers["slack"]`): progress edits, then result cards.

Everything goes to the thread the files were shared in, and nowhere else: a candidate's
details never leave that channel. `progress` edits the "Processing…" message in place (a
courtesy: at most about ten edits per batch, failures only logged); `result` edits it a last
time and posts the cards. A `result` that cannot reach Slack even after waiting out rate
limits raises, so RQ retries the reply; parts already posted are remembered in `seen_events`
and not posted twice. With several workspaces (OAuth) each batch is answered with the bot token
of the workspace it came from (`clients(team)`).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from slack_sdk import WebClient

from bots.slack import cards, seen
from pipeline.summary import BatchSummary
from storage.db import Database

log = logging.getLogger(__name__)

PROGRESS_STEPS = 10  # at most this many edits per batch, however large


def _target(summary: BatchSummary) -> tuple[str, str | None, str | None] | None:
    reply: dict[str, Any] = summary.reply_to or {}
    if reply.get("kind") != "slack" or not reply.get("channel"):
        return None
    return str(reply["channel"]), reply.get("thread_ts"), reply.get("message_ts")


def team_of(identity: str) -> str | None:
    """The workspace of a Slack recruiter identity `slack:<team>/<user>`."""
    kind, _, rest = identity.partition(":")
    team = rest.partition("/")[0]
    return team if kind == "slack" and team else None


def worth_an_edit(before: int, done: int, total: int) -> bool:
    """Edit on every resume of a small batch, on every tenth of a large one.

    Workers report progress a chunk at a time, so `done` jumps: edit when the step from
    `before` to `done` crossed a tenth.
    """
    step = max(1, total // PROGRESS_STEPS)
    return done == total or done // step > before // step


class SlackNotifier:
    """The `Notifier` of Slack batches (pipeline.context)."""

    def __init__(self, clients: Callable[[str | None], WebClient], db: Database, *,
                 public_url: str | None = None) -> None:
        self.clients = clients  # a client with the bot token of a workspace
        self.db = db
        self.public_url = public_url  # the cards' "Open" links to the web door's pages

    def progress(self, summary: BatchSummary) -> None:
        target = _target(summary)
        if target is None or target[2] is None or summary.done >= summary.total:
            return  # the final edit belongs to result()
        if not worth_an_edit(summary.done_before, summary.done, summary.total):
            return
        channel, _thread, message_ts = target
        client = self.clients(team_of(summary.submitted_by))
        client.chat_update(channel=channel, ts=str(message_ts), text=cards.progress(summary))

    def result(self, summary: BatchSummary) -> None:
        target = _target(summary)
        if target is None:
            log.warning("batch %s: no Slack thread to answer in", summary.batch_id)
            return
        channel, thread_ts, message_ts = target
        client = self.clients(team_of(summary.submitted_by))
        headline = cards.headline(summary)
        if message_ts is not None:
            client.chat_update(channel=channel, ts=message_ts, text=headline)
        else:
            self._once(client, summary.batch_id, "headline", channel, thread_ts, headline, None)
        for index, (text, blocks) in enumerate(cards.result_messages(summary,
                                                                   public_url=self.public_url)):
            self._once(client, summary.batch_id, f"cards-{index}", channel, thread_ts, text,
                       blocks)
        log.info("batch %s: Slack reply posted in %s", summary.batch_id, channel)

    def _once(self, client: WebClient, batch_id: int, part: str, channel: str,
              thread_ts: str | None, text: str, blocks: list[dict[str, Any]] | None) -> None:
        key = seen.reply_key(batch_id, part)
        if seen.seen(self.db, key):
            return
        client.chat_postMessage(channel=channel, thread_ts=thread_ts, text=text,
                                     blocks=blocks, unfurl_links=False)
        seen.claim(self.db, key)
