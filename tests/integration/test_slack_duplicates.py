"""Possible duplicates on the Slack card: the buttons' `block_actions` requests, signed and
form-encoded as Slack sends them, go through the real Bolt app; the card is edited in place."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlencode

import pytest
from sqlalchemy import select

from storage.models import Candidate, Resume
from tests.fakes.slack_api import FakeSlack, Message
from tests.integration.slack_support import (
    CHANNEL,
    TEAM,
    USER,
    SlackRig,
    file_share_event,
    post,
    signed_headers,
)
from tests.resumes import namesakes, person_pdf

pytestmark = [pytest.mark.redis, pytest.mark.postgres]

TS = "1652227646.593159"


def _buttons(message: Message) -> dict[str, dict[str, Any]]:
    """action_id -> button, over the message's actions blocks."""
    return {element["action_id"]: {**element, "block_id": block["block_id"]}
            for block in message.blocks if block["type"] == "actions"
            for element in block["elements"]}


def _card_with(slack: FakeSlack, action_id: str) -> Message | None:
    return next((m for m in slack.thread(CHANNEL, TS) if action_id in _buttons(m)), None)


def click(rig: SlackRig, message: Message, action_id: str, *, user: str = USER) -> int:
    """A `block_actions` request for one button of a message (Slack's interactivity shape)."""
    button = _buttons(message)[action_id]
    payload = {
        "type": "block_actions", "api_app_id": "AHOTGIGS", "token": "verification-token",
        "team": {"id": TEAM, "domain": "hotgigs-test"},
        "user": {"id": user, "username": "ann", "name": "ann", "team_id": TEAM},
        "container": {"type": "message", "message_ts": message.ts, "channel_id": CHANNEL,
                      "is_ephemeral": False},
        "trigger_id": "1234.5678.abcd", "channel": {"id": CHANNEL, "name": "resumes"},
        "message": {"type": "message", "user": "UHOTGIGS", "ts": message.ts,
                    "thread_ts": message.thread_ts, "text": message.text,
                    "blocks": message.blocks},
        "response_url": rig.slack.response_url(f"click-{user}"),
        "actions": [{"type": "button", "action_id": action_id, "block_id": button["block_id"],
                     "value": button["value"], "text": button["text"],
                     "action_ts": "1700000123.000100"}],
        "state": {"values": {}},
    }
    body = urlencode({"payload": json.dumps(payload)})
    reply = post(rig.url, body, signed_headers(
        body, content_type="application/x-www-form-urlencoded"))
    return reply.status


def _owners_of_resumes(rig: SlackRig) -> set[int | None]:
    with rig.harness.services.db.session() as session:
        return set(session.scalars(select(Resume.candidate_id)))


def test_merge_and_undo_from_the_card(rig: SlackRig, slack: FakeSlack) -> None:
    files = {
        "kim-nurse.pdf": person_pdf("Daniel Kim", email="dkim@example.com", title="Nurse",
                                    company="Mercy Hospital"),
        "kim-welder.pdf": person_pdf("Daniel Kim", email="daniel.kim@example.org",
                                     title="Welder", company="Acme Metals",
                                     dates="Jun 2009 - Present",
                                     school="University of Bristol"),
    }
    assert rig.send_event(file_share_event(slack, files, ts=TS)).status == 200
    slack.wait_for(rig.batches, what="the batch")
    rig.harness.run_burst_worker()
    card = slack.wait_for(lambda: _card_with(slack, "duplicate_merge"), what="the buttons")
    section = next(b["text"]["text"] for b in card.blocks
                   if b["type"] == "section" and "Possible duplicate" in b["text"]["text"])
    assert "*Daniel Kim*" in section and "same name; different email" in section
    assert {b["text"]["text"] for b in _buttons(card).values()} == {
        "Merge", "Not the same person", "Match to a job…", "Open"}
    assert len(_owners_of_resumes(rig)) == 2

    # someone else in the workspace cannot merge Ann's candidates: told so, nothing changes
    assert click(rig, card, "duplicate_merge", user="U999") == 200
    refusal = slack.wait_for(lambda: slack.responses[:1], what="the refusal")[0]
    assert "no duplicate link" in refusal["text"] and refusal["response_type"] == "ephemeral"
    assert len(_owners_of_resumes(rig)) == 2

    assert click(rig, card, "duplicate_merge") == 200
    merged = slack.wait_for(lambda: _card_with(slack, "duplicate_split"), what="Undo merge")
    assert merged.ts == card.ts and "duplicate_merge" not in _buttons(merged)
    assert any("Merged into candidate" in str(b) for b in merged.blocks)
    assert len(_owners_of_resumes(rig)) == 1

    assert click(rig, merged, "duplicate_split") == 200
    slack.wait_for(lambda: not _card_with(slack, "duplicate_split")
                   and any("Merge undone" in str(b) for b in slack.thread(CHANNEL, TS)[-1:]
                           + [m for m in slack.thread(CHANNEL, TS) if m.ts == card.ts]
                           for b in b.blocks), what="the split")
    owners = _owners_of_resumes(rig)
    assert len(owners) == 2
    with rig.harness.services.db.session() as session:
        titles = {c.latest_title for c in session.scalars(select(Candidate))}
    assert titles == {"Nurse", "Welder"}


def test_not_the_same_person_from_the_card(rig: SlackRig, slack: FakeSlack) -> None:
    files = namesakes()
    rig.send_event(file_share_event(slack, files, ts=TS))
    slack.wait_for(rig.batches, what="the batch")
    rig.harness.run_burst_worker()
    card = slack.wait_for(lambda: _card_with(slack, "duplicate_not_same"), what="the buttons")
    assert click(rig, card, "duplicate_not_same") == 200
    slack.wait_for(lambda: any("different people" in str(b) for m in slack.thread(CHANNEL, TS)
                               if m.ts == card.ts for b in m.blocks), what="the answer")
    assert len(_owners_of_resumes(rig)) == 2
