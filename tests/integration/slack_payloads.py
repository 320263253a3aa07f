"""Slack's interactive payloads (`block_actions`, `view_submission`, `message_action`) and the
`app_home_opened` event, sent signed over real HTTP to the rig's `/slack/events`.

The shared payload set (`../shared/data/slack`) has no interactive shapes, so these follow
Slack's reference pages (api.slack.com/reference/interaction-payloads/block-actions-payload,
…/views-payload, …/shortcuts-payload, events/app_home_opened): the fields Bolt and HotGigs
read, with Slack's nesting. Each payload gets its own `trigger_id`, as Slack gives every
interaction a fresh one.
"""

from __future__ import annotations

import copy
import itertools
import json
from typing import Any
from urllib.parse import urlencode

from tests.fakes.slack_api import BOT_USER_ID, FakeSlack, Message
from tests.integration.slack_support import (
    CHANNEL,
    TEAM,
    USER,
    Reply,
    SlackRig,
    post,
    shape,
    signed_headers,
)

_n = itertools.count(1)


def trigger() -> str:
    return f"{next(_n)}.{1700000000 + next(_n)}.hotgigs-trigger"


def action_ts() -> str:
    return f"{1700000000 + next(_n)}.{next(_n):06d}"


def _user(user: str) -> dict[str, Any]:
    return {"id": user, "username": user.lower(), "name": user.lower(), "team_id": TEAM}


def send_interactive(rig: SlackRig, payload: dict[str, Any]) -> Reply:
    """What Slack posts to the Interactivity URL: a form with one `payload` field."""
    body = urlencode({"payload": json.dumps(payload)})
    return post(rig.url, body, signed_headers(body,
                                              content_type="application/x-www-form-urlencoded"))


def buttons(blocks: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """action_id -> button (with its block_id), over the actions blocks."""
    return {e["action_id"]: {**e, "block_id": b.get("block_id")}
            for b in blocks if b["type"] == "actions" for e in b["elements"]}


def message_click(slack: FakeSlack, message: Message, action_id: str, *, user: str = USER,
                  ts: str | None = None) -> dict[str, Any]:
    """A `block_actions` payload for a button on a message the bot posted."""
    button = buttons(message.blocks)[action_id]
    return {
        "type": "block_actions", "api_app_id": "AHOTGIGS", "token": "verification-token",
        "team": {"id": TEAM, "domain": "hotgigs-test"}, "user": _user(user),
        "container": {"type": "message", "message_ts": message.ts,
                      "channel_id": message.channel, "is_ephemeral": False},
        "trigger_id": trigger(), "channel": {"id": message.channel, "name": "resumes"},
        "message": {"type": "message", "user": BOT_USER_ID, "ts": message.ts,
                    "thread_ts": message.thread_ts, "text": message.text,
                    "blocks": message.blocks},
        "response_url": slack.response_url(f"click-{next(_n)}"),
        "actions": [{"type": "button", "action_id": action_id, "block_id": button["block_id"],
                     "value": button.get("value"), "text": button["text"],
                     "action_ts": ts or action_ts()}],
        "state": {"values": {}},
    }


def ephemeral_click(slack: FakeSlack, blocks: list[dict[str, Any]], action_id: str, *,
                    channel: str = CHANNEL, user: str = USER) -> dict[str, Any]:
    """A click on a button of an ephemeral message (Slack sends no message body for those)."""
    button = buttons(blocks)[action_id]
    return {
        "type": "block_actions", "api_app_id": "AHOTGIGS", "team": {"id": TEAM},
        "user": _user(user), "trigger_id": trigger(), "channel": {"id": channel},
        "container": {"type": "message", "message_ts": action_ts(), "channel_id": channel,
                      "is_ephemeral": True},
        "response_url": slack.response_url(f"ephemeral-{next(_n)}"),
        "actions": [{"type": "button", "action_id": action_id, "block_id": button["block_id"],
                     "value": button.get("value"), "action_ts": action_ts()}],
    }


def view_click(view: dict[str, Any], action_id: str, *, user: str = USER) -> dict[str, Any]:
    """A click on a button inside a modal or the Home tab (`container.type: view`)."""
    button = buttons(view["blocks"])[action_id]
    return {
        "type": "block_actions", "api_app_id": "AHOTGIGS", "team": {"id": TEAM},
        "user": _user(user), "trigger_id": trigger(),
        "container": {"type": "view", "view_id": view["id"]},
        "view": {**view, "state": {"values": {}}},
        "actions": [{"type": "button", "action_id": action_id, "block_id": button["block_id"],
                     "value": button.get("value"), "action_ts": action_ts()}],
    }


def submission(view: dict[str, Any], values: dict[tuple[str, str], dict[str, Any]], *,
               user: str = USER) -> dict[str, Any]:
    """A `view_submission` of a modal the bot opened, with these input values."""
    state: dict[str, dict[str, Any]] = {}
    for (block_id, action_id), value in values.items():
        state.setdefault(block_id, {})[action_id] = value
    submitted = copy.deepcopy(view)
    submitted.update(state={"values": state}, team_id=TEAM, app_id="AHOTGIGS",
                     hash=f"{next(_n)}.hash")
    return {"type": "view_submission", "team": {"id": TEAM, "domain": "hotgigs-test"},
            "user": _user(user), "api_app_id": "AHOTGIGS", "token": "verification-token",
            "trigger_id": trigger(), "view": submitted, "response_urls": []}


def text(value: str) -> dict[str, Any]:
    return {"type": "plain_text_input", "value": value}


def selected(value: str) -> dict[str, Any]:
    return {"type": "static_select", "selected_option": {
        "text": {"type": "plain_text", "text": value}, "value": value}}


def shortcut(slack: FakeSlack, files: list[dict[str, Any]], *, channel: str = CHANNEL,
             user: str = USER, ts: str = "1652227646.700100",
             thread_ts: str | None = None) -> dict[str, Any]:
    """The message shortcut "Import to HotGigs" chosen on a message with `files`."""
    message: dict[str, Any] = {"type": "message", "user": "UFRIEND", "ts": ts,
                               "text": "here is the CV I mentioned", "files": files}
    if thread_ts:
        message["thread_ts"] = thread_ts
    return {"type": "message_action", "token": "verification-token", "action_ts": action_ts(),
            "team": {"id": TEAM, "domain": "hotgigs-test"}, "user": _user(user),
            "channel": {"id": channel, "name": "referrals"}, "is_enterprise_install": False,
            "callback_id": "import_to_hotgigs", "trigger_id": trigger(),
            "response_url": slack.response_url(f"shortcut-{next(_n)}"),
            "message_ts": ts, "message": message}


def home_opened(user: str = USER) -> dict[str, Any]:
    """An `app_home_opened` event callback, in the envelope of the shared event shapes."""
    payload = copy.deepcopy(shape("bolt_python_tests/test_events__valid_event_body.json"))
    payload.pop("enterprise_id", None)
    payload.update(team_id=TEAM, event_id=f"EvHome{next(_n)}", event_time=1700000000,
                   event={"type": "app_home_opened", "user": user, "channel": f"D{user}",
                          "tab": "home", "event_ts": action_ts()})
    return payload


def command_form(slack: FakeSlack, text_: str, *, user: str = USER) -> dict[str, str]:
    """A `/hotgigs <text>` request's fields, with a fresh trigger_id."""
    form = shape("bolt_python_tests/test_slash_command__slash_command_body.txt")
    form.update(command="/hotgigs", text=text_, team_id=TEAM, channel_id=CHANNEL,
                user_id=user, response_url=slack.response_url(f"cmd-{next(_n)}"),
                trigger_id=trigger())
    form.pop("enterprise_id", None)
    return dict(form)


def command(rig: SlackRig, text_: str, *, user: str = USER) -> Reply:
    """`/hotgigs <text>` with a fresh trigger_id (the rig's `send_command` reuses one)."""
    body = urlencode(command_form(rig.slack, text_, user=user))
    return post(rig.url, body,
                signed_headers(body, content_type="application/x-www-form-urlencoded"))
