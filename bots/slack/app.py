"""The Bolt app: which Slack requests we listen to, what is acknowledged, what runs after.

Bolt verifies every request's signature (bad or stale: 401), acknowledges events itself and
runs our listeners on its executor after the HTTP answer, so a slow download never makes
Slack wait or retry. Bolt also drops the bot's own messages. `hotgigs.web.slack` mounts the
app over HTTP as `POST /slack/events`; Socket Mode drives the same app. With OAuth settings,
Bolt looks up each request's workspace token in the installation store, and the web layer
serves its install flow (`GET /slack/install`, `/slack/oauth_redirect`). Buttons, modals, the
App Home and the "Import to HotGigs" shortcut are registered by `bots.slack.interactive`.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

from slack_bolt import Ack, App, Respond
from slack_bolt.oauth.oauth_settings import OAuthSettings
from slack_sdk import WebClient

from bots.slack import messages
from bots.slack.commands import Answer, Asker, Commands, split
from bots.slack.config import SlackConfig
from bots.slack.duplicates import MERGE, NOT_SAME, SPLIT, DuplicateActions
from bots.slack.interactive import Interactive
from bots.slack.uploads import SharedFiles, Uploads

log = logging.getLogger(__name__)



@dataclass
class SlackBot:
    """The app plus what its listeners run on; `stop()` lets running listeners finish."""

    app: App
    uploads: Uploads
    commands: Commands
    executor: ThreadPoolExecutor

    def stop(self) -> None:
        self.executor.shutdown(wait=True, cancel_futures=False)


def build_app(config: SlackConfig, client: WebClient, uploads: Uploads, commands: Commands,
              *, socket_mode: bool = False, oauth: OAuthSettings | None = None,
              duplicates: DuplicateActions | None = None,
              interactive: Interactive | None = None) -> SlackBot:
    """`oauth`: several workspaces, each with its installation's token; else `client`'s token.
    `duplicates`: the candidate cards' Merge / Not the same person / Undo merge buttons.
    `interactive`: the other buttons, the modals, the Home tab and the message shortcut."""
    executor = ThreadPoolExecutor(max_workers=4, thread_name_prefix="slack")
    app = App(
        oauth_settings=oauth,
        client=client, signing_secret=config.signing_secret or None,
        # auth.test is called on the first request, not at start: no I/O while wiring
        token_verification_enabled=False,
        # Socket Mode connections are authenticated by the app token, not signatures
        request_verification_enabled=not socket_mode,
        listener_executor=executor, logger=logging.getLogger("slack_bolt"),
    )
    bot = SlackBot(app, uploads, commands, executor)

    @app.event({"type": "message", "subtype": "file_share"})
    def on_file_share(body: dict[str, Any], client: WebClient) -> None:
        uploads.handle(SharedFiles.from_body(body), client)  # the workspace's token

    @app.event("message")
    def on_other_message() -> None:
        """Plain messages, edits, deletions: nothing to do (acknowledged by Bolt)."""

    @app.event("file_shared")
    def on_file_shared() -> None:
        """The same upload as its `message`/`file_share` event, which does the work."""

    if duplicates is not None:
        @app.action(re.compile(f"^(?:{MERGE}|{NOT_SAME}|{SPLIT})$"))
        def on_duplicate_button(ack: Ack, body: dict[str, Any], client: WebClient,
                                respond: Respond) -> None:
            ack()  # within Slack's 3 s; the merge runs after, on the listener executor
            team, user = (body.get("team") or {}).get("id") or "", (body.get("user") or {})
            if not config.allows(str(team), str((body.get("channel") or {}).get("id") or "")):
                respond(text=messages.NOT_ALLOWED, response_type="ephemeral",
                        replace_original=False)
                return
            log.info("slack %s/%s: %s", team, user.get("id"), (body.get("actions") or [{}])[0]
                     .get("action_id"))
            duplicates.handle(body, client, respond)

    if interactive is not None:
        interactive.register(app, config)

    @app.command("/hotgigs")
    def on_command(ack: Ack, command: dict[str, Any], respond: Respond,
                   client: WebClient) -> None:
        if interactive is not None and split(str(command.get("text") or "")) == ("job", "add") \
                and config.allows(str(command.get("team_id") or ""),
                                  str(command.get("channel_id") or "")):
            ack()  # no syntax to learn: a modal asks for the job
            if interactive.interactions.open_job_modal(client, str(command.get("trigger_id")),
                                                       "command"):
                return
            respond(text=messages.JOB_ADD_USAGE, response_type="ephemeral")
            return
        _command(config, commands, ack, command, respond)

    return bot


def _command(config: SlackConfig, commands: Commands, ack: Ack, command: dict[str, Any],
             respond: Respond) -> None:
    asker = Asker(team=str(command.get("team_id") or ""), user=str(command.get("user_id") or ""),
                  channel=str(command.get("channel_id") or ""))
    if not config.allows(asker.team, asker.channel):
        ack(text=messages.NOT_ALLOWED, response_type="ephemeral")
        return
    sub, rest = split(str(command.get("text") or ""))
    work: Callable[[], Answer]
    if sub == "match":
        ack(text=messages.SEARCHING, response_type="ephemeral")
        work = lambda: commands.match(asker, rest)  # noqa: E731
    elif sub == "job":
        if split(rest)[0] == "add":
            ack(text=messages.SAVING_JOB, response_type="ephemeral")
        else:
            ack()
        work = lambda: commands.job(asker, rest)  # noqa: E731
    elif sub == "status":
        ack()
        work = lambda: commands.status(asker)  # noqa: E731
    elif sub == "email":
        ack(text=commands.email(asker).text, response_type="ephemeral")
        return
    elif sub == "drive" and split(rest)[0] == "connect":
        ack(text=commands.drive_connect().text, response_type="ephemeral")
        return
    elif sub == "drive":
        ack(text=messages.CHECKING_FOLDER, response_type="ephemeral")
        work = lambda: commands.drive_add(asker, rest)  # noqa: E731
    else:
        answer = commands.help("" if sub in ("", "help") else sub)
        ack(text=answer.text, response_type="ephemeral")
        return
    try:
        answer = work()
    except Exception as exc:
        log.exception("slack %s: /hotgigs %s failed", asker.identity, sub)
        answer = Answer(messages.FAILED_COMMAND.format(reason=type(exc).__name__))
    respond(text=answer.text, blocks=answer.blocks, response_type="ephemeral",
            replace_original=True)
