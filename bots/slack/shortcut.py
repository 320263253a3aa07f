"""The message shortcut "Import to HotGigs": a message's files, from any conversation, imported
for the user who chose it, answered privately.

The bot may not be in that conversation (a DM between people, a channel it was not invited
to). Each file is looked up with `files.info` under the bot token: files the bot can see are
imported like a channel upload (`bots.slack.uploads`, same claims and limits), but the
progress and the cards go to the user's direct messages with the bot; files it cannot see
are named, with how to share them. In the conversation itself only the user sees anything (an
ephemeral note), unless they press "Post in thread" once the results are in.
"""

from __future__ import annotations

import json
import logging
from dataclasses import replace
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.models.blocks import ActionsBlock, ButtonElement, MarkdownTextObject, SectionBlock

from bots.slack import cards, messages, modals
from bots.slack.actions import Click, Interactions, Respond
from bots.slack.config import SlackConfig
from bots.slack.uploads import SharedFiles, Uploads
from pipeline.summary import summarize_batch
from storage.models import Batch, BatchState

log = logging.getLogger(__name__)

CALLBACK_ID = "import_to_hotgigs"  # the shortcut's callback id in the app manifest


class Shortcut:
    """`handle(body)`: the background half of the shortcut (Bolt has acknowledged it)."""

    def __init__(self, config: SlackConfig, uploads: Uploads, interactions: Interactions,
                 public_url: str | None = None) -> None:
        self.config = config
        # the files are the user's pick, wherever they are: channel restrictions are about
        # where the bot listens, not about what a user may hand it
        self.uploads = Uploads(replace(uploads.config, allowed_channels=()), uploads.db,
                               uploads.intake, uploads.client)
        self.interactions = interactions
        self.public_url = public_url

    def handle(self, body: dict[str, Any], client: WebClient,
               respond: Respond) -> Batch | None:
        user = body.get("user") or {}
        team = str((body.get("team") or {}).get("id") or user.get("team_id") or "")
        click = Click(team=team, user=str(user.get("id") or ""), action_id=CALLBACK_ID,
                      value="", action_ts="", trigger_id=str(body.get("trigger_id") or ""),
                      channel=(body.get("channel") or {}).get("id"), view_id=None)
        if self.config.allowed_teams and team not in self.config.allowed_teams:
            self._tell(click, client, respond, messages.NOT_ALLOWED)
            return None
        message = body.get("message") or {}
        files = [f for f in message.get("files") or [] if isinstance(f, dict) and f.get("id")]
        if not files:
            self._tell(click, client, respond, messages.SHORTCUT_NO_FILES)
            return None
        visible, hidden = self._look_up(client, files, click)
        if hidden:
            self._tell(click, client, respond, messages.SHORTCUT_NOT_VISIBLE.format(
                names=", ".join(hidden)))
        if not visible:
            return None
        try:
            dm = str(client.conversations_open(users=click.user)["channel"]["id"])
        except SlackApiError as exc:  # e.g. an install from before the im:write scope
            log.warning("slack %s: no DM for the shortcut's results: %s", click.identity,
                        exc.response.get("error"))
            self._tell(click, client, respond, messages.SHORTCUT_NO_DM.format(
                reason=exc.response.get("error")))
            return None
        shared = SharedFiles(event_id=f"shortcut:{click.trigger_id}", team=team,
                             user=click.user, channel=dm, ts="", thread_ts="",
                             text=message.get("text") or None, files=visible)
        batch = self.uploads.handle(shared, client)
        if batch is None:
            return None  # already imported, or not fetched: the DM says which
        origin = {"batch": batch.id, "channel": click.channel,
                  "thread": message.get("thread_ts") or message.get("ts")}
        count = len(visible)
        text = messages.SHORTCUT_STARTED.format(count=count, resumes=messages.resumes(count))
        blocks = [SectionBlock(text=MarkdownTextObject(text=text)).to_dict()]
        if click.channel and origin["thread"]:
            blocks.append(ActionsBlock(block_id="shortcut-post", elements=[ButtonElement(
                text=messages.POST_THREAD_BUTTON, action_id=modals.POST_THREAD,
                value=json.dumps(origin))]).to_dict())
        self._tell(click, client, respond, text, blocks)
        log.info("slack %s: shortcut import, batch %s (%d files, %d hidden)",
                 click.identity, batch.id, count, len(hidden))
        return batch

    def _look_up(self, client: WebClient, files: list[dict[str, Any]],
                 click: Click) -> tuple[list[dict[str, Any]], list[str]]:
        """(file objects the bot can read, names of those it cannot see)."""
        visible: list[dict[str, Any]] = []
        hidden: list[str] = []
        for file in files:
            try:
                visible.append(client.files_info(file=file["id"])["file"])
            except SlackApiError as exc:
                log.info("slack %s: file %s not visible to the bot: %s", click.identity,
                         file["id"], exc.response.get("error"))
                hidden.append(cards.esc(file.get("name") or file.get("title") or file["id"]))
        return visible, hidden

    @staticmethod
    def _tell(click: Click, client: WebClient, respond: Respond, text: str,
              blocks: list[dict[str, Any]] | None = None) -> None:
        """Ephemeral in the conversation; through `response_url` where the bot is no member."""
        if click.channel:
            try:
                client.chat_postEphemeral(channel=click.channel, user=click.user, text=text,
                                          blocks=blocks)
                return
            except SlackApiError as exc:
                log.info("slack %s: ephemeral not sent (%s), using response_url",
                         click.identity, exc.response.get("error"))
        respond(text=text, blocks=blocks, response_type="ephemeral", replace_original=False)

    def post_in_thread(self, body: dict[str, Any], client: WebClient,
                       respond: Respond) -> None:
        """"Post in thread": the finished batch's cards, in the conversation it came from."""
        click = Click.from_body(body)
        try:
            origin = json.loads(click.value)
            batch_id, channel, thread = int(origin["batch"]), str(origin["channel"]), str(
                origin["thread"])
        except (ValueError, KeyError, TypeError):
            self._tell(click, client, respond, messages.BAD_BUTTON)
            return
        with self.uploads.db.session() as session:
            batch = session.get(Batch, batch_id)
            if batch is None or batch.submitted_by != click.identity:
                self._tell(click, client, respond, messages.NOT_YOURS.format(
                    reason="those resumes aren't yours"))
                return
            if batch.state != BatchState.DONE:
                self._tell(click, client, respond, messages.POST_THREAD_NOT_READY)
                return
            summary = summarize_batch(session, batch_id)
        try:
            for text, blocks in cards.result_messages(summary, public_url=self.public_url):
                client.chat_postMessage(channel=channel, thread_ts=thread, text=text,
                                        blocks=blocks, unfurl_links=False)
        except SlackApiError as exc:
            self._tell(click, client, respond, messages.POST_THREAD_FAILED.format(
                reason=exc.response.get("error")))
            return
        respond(text=messages.POST_THREAD_DONE, response_type="ephemeral",
                replace_original=True)
