"""Possible duplicates on the Slack candidate card: **Merge** / **Not the same person**, and
**Undo merge** after a merge.

The blocks are built with slack_sdk's Block Kit models. A button click (a `block_actions`
request, answered by the Bolt app's interactivity) runs the use case in `pipeline.identity`
for the Slack user who clicked, as the recruiter `slack:<team>/<user>`: only their own
candidates can be merged or split. The card's buttons are then replaced by what happened
(the rest of the message stays as it was); a refusal is answered to the clicker alone.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from slack_sdk import WebClient
from slack_sdk.models.blocks import (
    ActionsBlock,
    ButtonElement,
    ContextBlock,
    MarkdownTextObject,
    SectionBlock,
)

from bots.slack import messages
from pipeline import identity
from storage.db import Database

log = logging.getLogger(__name__)

MERGE, NOT_SAME, SPLIT = "duplicate_merge", "duplicate_not_same", "duplicate_split"
BLOCK_PREFIX = "duplicate-"  # + link id: the block a click replaces


def _esc(value: object) -> str:
    return str(value).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def card_blocks(suspicions: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """For each open possible duplicate of a candidate: what they share, and two buttons."""
    blocks: list[dict[str, Any]] = []
    for item in suspicions[:3]:
        link = str(item["link_id"])
        who = _esc(item.get("other_name") or messages.NO_NAME_SHORT)
        blocks.append(SectionBlock(text=MarkdownTextObject(text=messages.POSSIBLE_DUPLICATE.format(
            name=who, candidate=item.get("other_id"), evidence=_esc(item.get("evidence") or "")
        ))).to_dict())
        blocks.append(ActionsBlock(block_id=BLOCK_PREFIX + link, elements=[
            ButtonElement(text=messages.MERGE_BUTTON, action_id=MERGE, value=link,
                          style="primary"),
            ButtonElement(text=messages.NOT_SAME_BUTTON, action_id=NOT_SAME, value=link),
        ]).to_dict())
    return blocks


def _outcome(link_id: int, text: str, *, undo: int | None = None) -> list[dict[str, Any]]:
    """What replaces the buttons: the result, and after a merge the button that undoes it."""
    blocks = [ContextBlock(block_id=f"{BLOCK_PREFIX}{link_id}-done",
                           elements=[MarkdownTextObject(text=text)]).to_dict()]
    if undo is not None:
        blocks.append(ActionsBlock(block_id=f"{BLOCK_PREFIX}{undo}", elements=[
            ButtonElement(text=messages.SPLIT_BUTTON, action_id=SPLIT, value=str(undo),
                          style="danger")]).to_dict())
    return blocks


@dataclass
class DuplicateActions:
    """The work behind the buttons: the database and matching's re-index hook."""

    db: Database
    reindex: Callable[[list[int]], None] | None = None

    def handle(self, body: dict[str, Any], client: WebClient,
               respond: Callable[..., Any]) -> None:
        """One click: run the use case as the clicker, then edit the card in place."""
        action = (body.get("actions") or [{}])[0]
        user = body.get("user") or {}
        team = (body.get("team") or {}).get("id") or user.get("team_id") or ""
        owner = f"slack:{team}/{user.get('id') or ''}"
        try:
            link_id = int(action.get("value") or "")
        except ValueError:
            respond(text=messages.BAD_BUTTON, response_type="ephemeral", replace_original=False)
            return
        kind = action.get("action_id")
        try:
            if kind == MERGE:
                done = identity.merge_link(self.db, link_id, owner=owner, actor=owner,
                                           source="slack", reindex=self.reindex)
                result = _outcome(link_id, messages.MERGED.format(kept=done.kept),
                                  undo=done.link_id)
            elif kind == NOT_SAME:
                identity.not_same(self.db, link_id, owner=owner, actor=owner, source="slack")
                result = _outcome(link_id, messages.NOT_SAME_DONE)
            else:
                done = identity.split(self.db, link_id, owner=owner, actor=owner,
                                      source="slack", reindex=self.reindex)
                result = _outcome(link_id, messages.SPLIT_DONE.format(restored=done.other,
                                                                      kept=done.kept))
        except identity.IdentityError as exc:
            respond(text=messages.DUPLICATE_REFUSED.format(reason=str(exc)),
                    response_type="ephemeral", replace_original=False)
            return
        self._replace(body, client, link_id, result)

    @staticmethod
    def _replace(body: dict[str, Any], client: WebClient, link_id: int,
                 result: list[dict[str, Any]]) -> None:
        message = body.get("message") or {}
        channel = (body.get("channel") or {}).get("id") or \
            (body.get("container") or {}).get("channel_id")
        if not message or not channel:
            return
        block_id = f"{BLOCK_PREFIX}{link_id}"
        blocks: list[dict[str, Any]] = []
        for block in message.get("blocks") or []:
            blocks += result if block.get("block_id") == block_id else [block]
        client.chat_update(channel=str(channel), ts=str(message.get("ts")),
                           text=str(message.get("text") or ""), blocks=blocks)
