"""Routes Slack's interactive requests to their work: buttons, modals, the Home tab, the
message shortcut.

Kept apart from `bots.slack.app` (events and `/hotgigs`) so each stays small. Buttons and
shortcuts are acknowledged at once and their work runs on Bolt's listener executor; a modal
submission's answer *is* its acknowledgement (`response_action`), so those listeners call
`ack` themselves, within Slack's 3 s.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from typing import Any

from slack_bolt import Ack, App, Respond
from slack_sdk import WebClient

from bots.slack import messages, modals
from bots.slack.actions import Interactions
from bots.slack.config import SlackConfig
from bots.slack.home import Home
from bots.slack.shortcut import CALLBACK_ID, Shortcut

log = logging.getLogger(__name__)


@dataclass
class Interactive:
    """What the interactive listeners run: buttons and modals, the Home tab, the shortcut."""

    interactions: Interactions
    home: Home
    shortcut: Shortcut | None = None

    def register(self, app: App, config: SlackConfig) -> None:
        register(app, config, self.interactions, self.home, self.shortcut)


def register(app: App, config: SlackConfig, interactions: Interactions, home: Home,
             shortcut: Shortcut | None) -> None:
    """Add the interactive listeners to the Bolt app."""

    def allowed(body: dict[str, Any]) -> bool:
        team = (body.get("team") or {}).get("id") or (body.get("user") or {}).get("team_id")
        return not config.allowed_teams or team in config.allowed_teams

    @app.event("app_home_opened")
    def on_home(event: dict[str, Any], body: dict[str, Any], client: WebClient) -> None:
        if event.get("tab", "home") != "home" or not allowed({"team": {
                "id": body.get("team_id")}}):
            return
        home.publish(client, str(body.get("team_id") or ""), str(event.get("user") or ""))

    @app.action(modals.CARD_MATCH)
    def on_card_match(ack: Ack, body: dict[str, Any], client: WebClient,
                      respond: Respond) -> None:
        ack()
        if allowed(body):
            interactions.card_match(body, client, respond)

    @app.action(modals.CARD_OPEN)
    def on_card_open(ack: Ack, body: dict[str, Any], client: WebClient,
                     respond: Respond) -> None:
        ack()
        if allowed(body):
            interactions.card_open(body, client, respond)

    @app.action(modals.MORE)
    def on_more(ack: Ack, body: dict[str, Any], client: WebClient, respond: Respond) -> None:
        ack()
        if allowed(body):
            interactions.more(body, client, respond)

    @app.action(re.compile(f"^(?:{modals.HOME_ADD_JOB}|{modals.HOME_MATCH_JOB}|"
                           f"{modals.HOME_DRIVE})$"))
    def on_home_button(ack: Ack, body: dict[str, Any], client: WebClient) -> None:
        ack()
        if allowed(body):
            interactions.home_button(body, client)

    @app.view(modals.CANDIDATE_MATCH)
    def on_candidate_match(ack: Ack, body: dict[str, Any]) -> None:
        interactions.candidate_match_submitted(ack, body)

    @app.view(modals.JOB_ADD)
    def on_job_add(ack: Ack, body: dict[str, Any], client: WebClient) -> None:
        interactions.job_add_submitted(ack, body, client)

    @app.view(modals.JOB_MATCH)
    def on_job_match(ack: Ack, body: dict[str, Any], client: WebClient) -> None:
        interactions.job_match_submitted(ack, body, client)

    @app.view(modals.DRIVE_CONNECT)
    def on_drive(ack: Ack, body: dict[str, Any], client: WebClient) -> None:
        interactions.drive_submitted(ack, body, client)

    if shortcut is None:
        return

    @app.shortcut(CALLBACK_ID)
    def on_shortcut(ack: Ack, body: dict[str, Any], client: WebClient,
                    respond: Respond) -> None:
        ack()  # Slack wants it within 3 s; files.info and downloads come after
        try:
            shortcut.handle(body, client, respond)
        except Exception:
            log.exception("slack: Import to HotGigs failed")
            respond(text=messages.FAILED_COMMAND.format(reason="internal error"),
                    response_type="ephemeral", replace_original=False)

    @app.action(modals.POST_THREAD)
    def on_post_thread(ack: Ack, body: dict[str, Any], client: WebClient,
                       respond: Respond) -> None:
        ack()
        shortcut.post_in_thread(body, client, respond)
