"""Buttons on messages: every candidate card's "Match to a job…" and "Open", and "Show 10
more" under a job's match list.

Apart from `bots.slack.modals` because the cards (`bots.slack.cards`) and `/hotgigs match`
need them and the modals need the cards' escaping. `bots.slack.actions` answers their clicks.
"""

from __future__ import annotations

import json
from typing import Any

from slack_sdk.models.blocks import ActionsBlock, ButtonElement

from bots.slack import messages
from pipeline.urls import candidate_url

CARD_MATCH, CARD_OPEN, MORE = "candidate_match", "candidate_open", "job_match_more"


def candidate_buttons(candidate_id: int, public_url: str | None) -> dict[str, Any]:
    """"Open" links to the candidate page when the web door has a public URL; without one
    the click opens a modal with the parsed fields."""
    url = candidate_url(public_url, candidate_id)
    block: dict[str, Any] = ActionsBlock(block_id=f"candidate-{candidate_id}", elements=[
        ButtonElement(text=messages.MATCH_BUTTON, action_id=CARD_MATCH,
                      value=str(candidate_id)),
        ButtonElement(text=messages.OPEN_BUTTON, action_id=CARD_OPEN, value=str(candidate_id),
                      url=url),
    ]).to_dict()
    return block


def more_button(job_ref: str, shown: int) -> dict[str, Any]:
    """"Show 10 more" under a job's match list; the value says which job and how many."""
    block: dict[str, Any] = ActionsBlock(block_id="match-more", elements=[
        ButtonElement(text=messages.MORE_BUTTON, action_id=MORE,
                      value=json.dumps({"job": job_ref[:200], "shown": shown}))]).to_dict()
    return block
