"""Block Kit views: the modals HotGigs opens and the card's buttons, built with slack_sdk models.

Pure functions returning the dicts Slack takes (`views.open`, `views.update`, `ack(view=…)`).
Callback, block and action ids are the contract with `bots.slack.actions`, which reads the
submitted values back by these ids. Data is mrkdwn-escaped and clipped to Slack's limits.
"""

from __future__ import annotations

import json
from typing import Any

from slack_sdk.models.blocks import (
    CheckboxesElement,
    ContextBlock,
    DividerBlock,
    InputBlock,
    MarkdownTextObject,
    Option,
    PlainTextInputElement,
    PlainTextObject,
    SectionBlock,
    StaticSelectElement,
)
from slack_sdk.models.views import View

from bots.slack import messages
from bots.slack.buttons import CARD_MATCH as CARD_MATCH  # re-exported: all action ids here
from bots.slack.buttons import CARD_OPEN as CARD_OPEN
from bots.slack.buttons import MORE as MORE
from bots.slack.buttons import more_button
from bots.slack.cards import esc
from matching.fit import Fit
from matching.service import MatchResult

View_ = dict[str, Any]

# view callbacks
JOB_ADD, CANDIDATE_MATCH, JOB_MATCH, DRIVE_CONNECT = (
    "hotgigs_job_add", "hotgigs_candidate_match", "hotgigs_job_match", "hotgigs_drive_connect")
# card and Home buttons
HOME_ADD_JOB, HOME_MATCH_JOB, HOME_DRIVE = "home_add_job", "home_match_job", "home_drive"
POST_THREAD = "shortcut_post_thread"
# inputs: (block id, action id)
TITLE, DESCRIPTION, LOCATION, REMOTE = (("job_title", "value"), ("job_description", "value"),
                                        ("job_location", "value"), ("job_remote", "value"))
PICK_JOB, FOLDER = ("match_job", "job"), ("drive_folder", "value")
TITLE_MAX, LOCATION_MAX, DESCRIPTION_MIN = 300, 200, 20
OPTIONS_MAX = 100  # Slack's limit on a static select
SECTION_MAX = 2900


def _clip(text: str, limit: int = SECTION_MAX) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _section(text: str) -> SectionBlock:
    return SectionBlock(text=MarkdownTextObject(text=_clip(text)))


def _modal(title: str, blocks: list[Any], *, callback_id: str | None = None,
           submit: str | None = None, metadata: dict[str, Any] | None = None) -> View_:
    view = View(type="modal", title=PlainTextObject(text=title[:24]), blocks=blocks,
                callback_id=callback_id, close=PlainTextObject(text=messages.CLOSE),
                submit=PlainTextObject(text=submit) if submit else None,
                private_metadata=json.dumps(metadata) if metadata else None)
    result: View_ = view.to_dict()
    return result


def metadata(view: dict[str, Any]) -> dict[str, Any]:
    """The private_metadata a modal was opened with ({} when absent or not ours)."""
    try:
        found = json.loads(view.get("private_metadata") or "{}")
    except ValueError:
        return {}
    return found if isinstance(found, dict) else {}


def value(view: dict[str, Any], field: tuple[str, str]) -> Any:
    """A submitted input's value: text, the selected option's value, or checked values."""
    state = ((view.get("state") or {}).get("values") or {}).get(field[0], {}).get(field[1], {})
    if "selected_option" in state:
        return (state.get("selected_option") or {}).get("value")
    if "selected_options" in state:
        return [o.get("value") for o in state.get("selected_options") or []]
    return state.get("value")


def notice(title: str, text: str) -> View_:
    """A modal that only says something (a result, or "Saving…")."""
    return _modal(title, [_section(text)])


def job_options(jobs: list[tuple[int, str, str]]) -> list[Option]:
    return [Option(value=str(job_id), text=_clip(f"{title} ({slug})", 75))
            for job_id, title, slug in jobs[-OPTIONS_MAX:]]


def candidate_match(candidate_id: int, name: str, jobs: list[tuple[int, str, str]]) -> View_:
    """Pick one of the recruiter's open jobs to score a candidate against."""
    if not jobs:
        return notice(messages.MATCH_MODAL_TITLE, messages.MATCH_MODAL_NO_JOBS)
    return _modal(messages.MATCH_MODAL_TITLE, [
        _section(messages.MATCH_MODAL_INTRO.format(name=esc(name))),
        InputBlock(block_id=PICK_JOB[0], label=messages.MATCH_MODAL_JOB,
                   element=StaticSelectElement(action_id=PICK_JOB[1],
                                               options=job_options(jobs))),
    ], callback_id=CANDIDATE_MATCH, submit=messages.MATCH_MODAL_SUBMIT,
        metadata={"candidate": candidate_id})


def fit_result(found: Fit) -> View_:
    reasons = "\n".join(f"• {esc(r)}" for r in found.reasons[:8]) or messages.FIT_NO_REASONS
    return notice(messages.FIT_TITLE, messages.FIT_TEXT.format(
        name=esc(found.name or f"#{found.candidate_id}"), job=esc(found.job_title),
        slug=esc(found.job_slug), score=f"{found.score:.0f}", summary=esc(found.summary))
        + "\n" + reasons)


def _role(item: dict[str, Any]) -> str:
    company = f" at {item['company']}" if item.get("company") else ""
    return messages.CANDIDATE_ROLE.format(
        title=esc(item.get("title") or messages.CANDIDATE_NO_VALUE), company=esc(company),
        start=esc(item.get("start_date") or "?"), end=esc(item.get("end_date") or "?"))


def _degree(item: dict[str, Any]) -> str:
    return messages.CANDIDATE_DEGREE.format(
        degree=esc(item.get("degree") or messages.CANDIDATE_NO_VALUE),
        institution=esc(f", {item['institution']}" if item.get("institution") else ""),
        date=esc(f" ({item['graduation_date']})" if item.get("graduation_date") else ""))


def candidate(candidate_id: int, data: dict[str, Any]) -> View_:
    """The parsed fields of a candidate (the "Open" button without a web door)."""
    lines = [f"*{esc(data.get('name') or f'#{candidate_id}')}*"]
    for key, label in messages.CANDIDATE_FIELDS.items():
        raw = data.get(key)
        shown = ", ".join(str(x) for x in raw) if isinstance(raw, list) else raw
        lines.append(f"{label}: {esc(shown or messages.CANDIDATE_NO_VALUE)}")
    blocks: list[Any] = [_section("\n".join(lines))]
    if data.get("summary"):
        blocks.append(ContextBlock(elements=[MarkdownTextObject(
            text=_clip(esc(data["summary"])))]))
    roles = [_role(x) for x in data.get("experience") or [] if isinstance(x, dict)][:10]
    if roles:
        blocks.append(_section("\n".join([messages.CANDIDATE_EXPERIENCE, *roles])))
    degrees = [_degree(x) for x in data.get("education") or [] if isinstance(x, dict)][:5]
    if degrees:
        blocks.append(_section("\n".join([messages.CANDIDATE_EDUCATION, *degrees])))
    return _modal(messages.CANDIDATE_TITLE, blocks)


def job_add(origin: str = "command") -> View_:
    """Title, description, location, remote: what `/hotgigs job add` asked as syntax."""
    return _modal(messages.JOB_MODAL_TITLE, [
        InputBlock(block_id=TITLE[0], label=messages.JOB_FIELD_TITLE,
                   element=PlainTextInputElement(action_id=TITLE[1], max_length=TITLE_MAX)),
        InputBlock(block_id=DESCRIPTION[0], label=messages.JOB_FIELD_DESCRIPTION,
                   hint=messages.JOB_FIELD_DESCRIPTION_HINT,
                   element=PlainTextInputElement(action_id=DESCRIPTION[1], multiline=True)),
        InputBlock(block_id=LOCATION[0], label=messages.JOB_FIELD_LOCATION, optional=True,
                   element=PlainTextInputElement(action_id=LOCATION[1])),
        InputBlock(block_id=REMOTE[0], label=messages.JOB_FIELD_REMOTE, optional=True,
                   element=CheckboxesElement(action_id=REMOTE[1], options=[
                       Option(value="remote", text=messages.JOB_REMOTE_OPTION)])),
    ], callback_id=JOB_ADD, submit=messages.JOB_MODAL_SUBMIT, metadata={"origin": origin})


def job_add_errors(view: dict[str, Any]) -> dict[str, str]:
    """`response_action: errors` for a job submission: block id -> what to fix."""
    errors: dict[str, str] = {}
    title = str(value(view, TITLE) or "").strip()
    description = str(value(view, DESCRIPTION) or "").strip()
    location = str(value(view, LOCATION) or "").strip()
    if not title:
        errors[TITLE[0]] = messages.JOB_ERROR_TITLE
    elif len(title) > TITLE_MAX:
        errors[TITLE[0]] = messages.JOB_ERROR_TITLE_LONG.format(limit=TITLE_MAX)
    if len(description) < DESCRIPTION_MIN:
        errors[DESCRIPTION[0]] = messages.JOB_ERROR_DESCRIPTION.format(minimum=DESCRIPTION_MIN)
    if len(location) > LOCATION_MAX:
        errors[LOCATION[0]] = messages.JOB_ERROR_LOCATION.format(limit=LOCATION_MAX)
    return errors


def job_match(jobs: list[tuple[int, str, str]]) -> View_:
    """The Home tab's "Match a job": pick a job, see its best candidates."""
    if not jobs:
        return notice(messages.SEARCH_TITLE, messages.MATCH_MODAL_NO_JOBS)
    return _modal(messages.SEARCH_TITLE, [
        InputBlock(block_id=PICK_JOB[0], label=messages.MATCH_MODAL_JOB,
                   element=StaticSelectElement(action_id=PICK_JOB[1],
                                               options=job_options(jobs))),
    ], callback_id=JOB_MATCH, submit=messages.SEARCH_SUBMIT)


def match_rows(result: MatchResult) -> list[dict[str, Any]]:
    """One section per ranked candidate, for a modal or a message."""
    rows = []
    for row in result.rows:
        reasons = "".join(f"\n• {esc(r)}" for r in row.reasons[:3])
        title = f" · {esc(row.title)}" if row.title else ""
        rows.append(SectionBlock(text=MarkdownTextObject(text=_clip(messages.MATCH_ROW.format(
            rank=row.rank, name=esc(row.name or f"#{row.candidate_id}"),
            score=f"{row.score:.0f}", title=title, summary=esc(row.summary) + reasons))
        )).to_dict())
    return rows


def match_results(result: MatchResult, *, more: bool) -> View_:
    """A job's best candidates in a modal (at most 45 rows: a view holds 100 blocks)."""
    label = f"*{esc(result.title or '')}* (`{esc(result.slug or '')}`)"
    if not result.rows:
        return notice(messages.SEARCH_RESULTS_TITLE, messages.MATCH_NONE.format(label=label))
    blocks: list[Any] = [_section(messages.MATCH_HEADER.format(label=label)), DividerBlock(),
                         *match_rows(result)[-45:]]
    if more:
        blocks.append(more_button(result.slug or result.ref, len(result.rows)))
    return _modal(messages.SEARCH_RESULTS_TITLE, blocks)


def drive_connect() -> View_:
    return _modal(messages.DRIVE_MODAL_TITLE, [
        InputBlock(block_id=FOLDER[0], label=messages.DRIVE_FIELD,
                   element=PlainTextInputElement(action_id=FOLDER[1])),
    ], callback_id=DRIVE_CONNECT, submit=messages.DRIVE_MODAL_SUBMIT)
