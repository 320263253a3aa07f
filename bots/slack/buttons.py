"""The buttons every candidate card carries: "Match to a job…" and "Open".

Apart from `bots.slack.modals` because the cards (`bots.slack.cards`) need them and the modals
need the cards' escaping. `bots.slack.actions` answers their clicks.
"""

from __future__ import annotations

from typing import Any

from slack_sdk.models.blocks import ActionsBlock, ButtonElement

from bots.slack import messages

CARD_MATCH, CARD_OPEN = "candidate_match", "candidate_open"


def candidate_buttons(candidate_id: int, public_url: str | None) -> dict[str, Any]:
    """"Open" links to the candidate page when the web door has a public URL; without one
    the click opens a modal with the parsed fields."""
    url = f"{public_url.rstrip('/')}/candidates/{candidate_id}" if public_url else None
    block: dict[str, Any] = ActionsBlock(block_id=f"candidate-{candidate_id}", elements=[
        ButtonElement(text=messages.MATCH_BUTTON, action_id=CARD_MATCH,
                      value=str(candidate_id)),
        ButtonElement(text=messages.OPEN_BUTTON, action_id=CARD_OPEN, value=str(candidate_id),
                      url=url),
    ]).to_dict()
    return block
