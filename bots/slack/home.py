"""The App Home tab: a recruiter's own HotGigs at a glance, published on `app_home_opened`.

What it shows is read fresh from the database each time (no cache to go stale): the last 20
imports with their status and failure reasons, the open jobs with how many strong matches
arrived lately, the personal inbound address, the watched Drive folders and their state, and
the buttons that open the "Add a job", "Match a job" and "Connect Drive" modals. Only the
asker's own work is read (`slack:<team>/<user>`).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.models.blocks import (
    ActionsBlock,
    ButtonElement,
    DividerBlock,
    MarkdownTextObject,
    SectionBlock,
)
from slack_sdk.models.views import View
from sqlalchemy import func, select

from bots.slack import messages, modals
from bots.slack.cards import esc
from matching.service import recruiter_id
from storage.db import Database
from storage.models import Batch, Candidate, CandidateMatch, DriveFolder, Job, Resume

log = logging.getLogger(__name__)

RECENT = 20
NEW_DAYS = 7  # a match is "new" for this long after it was found
SECTION_LINES = 10


@dataclass(frozen=True)
class HomeData:
    team: str
    user: str
    imports: list[dict[str, Any]] = field(default_factory=list)
    jobs: list[dict[str, Any]] = field(default_factory=list)
    address: str | None = None
    folders: list[dict[str, Any]] = field(default_factory=list)


def _when(at: datetime | None) -> str:
    return at.strftime("%Y-%m-%d %H:%M UTC") if at is not None else "?"


def collect(db: Database, team: str, user: str, *, strong: float,
            address: str | None = None) -> HomeData:
    """Everything the tab shows, for one Slack user."""
    identity = f"slack:{team}/{user}"
    owner = recruiter_id(db, identity)
    since = datetime.now(UTC) - timedelta(days=NEW_DAYS)
    with db.session() as session:
        imports = [{"filename": r.filename, "status": r.status, "reason": r.failure_reason,
                    "name": name, "at": r.created_at}
                   for r, name in session.execute(
                       select(Resume, Candidate.name)
                       .join(Batch, Batch.id == Resume.batch_id)
                       .outerjoin(Candidate, Candidate.id == Resume.candidate_id)
                       .where(Batch.submitted_by == identity)
                       .order_by(Resume.id.desc()).limit(RECENT)).all()]
        jobs_query = select(Job).where(Job.status == "open").order_by(Job.id)
        jobs_query = jobs_query.where(Job.owner_id.is_(None) | (Job.owner_id == owner))
        jobs = list(session.scalars(jobs_query))
        counts: dict[int, int] = {}
        if owner is not None and jobs:
            counts = {int(j): int(n) for j, n in session.execute(
                select(CandidateMatch.job_id, func.count())
                .join(Candidate, Candidate.id == CandidateMatch.candidate_id)
                .where(Candidate.owner_id == owner, CandidateMatch.score >= strong,
                       CandidateMatch.created_at >= since,
                       CandidateMatch.job_id.in_([j.id for j in jobs]))
                .group_by(CandidateMatch.job_id)).all()}
        folders = [] if owner is None else [
            {"name": f.name or f.folder_id, "id": f.folder_id, "state": f.state,
             "reason": f.broken_reason, "synced": f.last_synced_at}
            for f in session.scalars(select(DriveFolder).where(DriveFolder.owner_id == owner)
                                     .order_by(DriveFolder.id))]
        return HomeData(team, user, imports, [
            {"title": j.title, "slug": j.slug, "new": counts.get(j.id, 0)} for j in jobs],
            address, folders)


def _sections(header: str, lines: list[str], empty: str) -> list[Any]:
    if not lines:
        return [SectionBlock(text=MarkdownTextObject(text=f"{header}\n{empty}"))]
    out = []
    for start in range(0, len(lines), SECTION_LINES):
        part = lines[start:start + SECTION_LINES]
        text = "\n".join(([header] if start == 0 else []) + part)
        out.append(SectionBlock(text=MarkdownTextObject(text=text[:2900])))
    return out


def view(data: HomeData, *, strong: float, public_url: str | None = None) -> dict[str, Any]:
    """The Home tab's view (`views.publish`)."""
    drive = (ButtonElement(text=messages.HOME_CONNECT_DRIVE, action_id=modals.HOME_DRIVE,
                           url=f"{public_url.rstrip('/')}/drive/connect")
             if public_url else
             ButtonElement(text=messages.HOME_CONNECT_DRIVE, action_id=modals.HOME_DRIVE))
    blocks: list[Any] = [
        SectionBlock(text=MarkdownTextObject(text=messages.HOME_TITLE)),
        ActionsBlock(block_id="home-buttons", elements=[
            ButtonElement(text=messages.HOME_ADD_JOB, action_id=modals.HOME_ADD_JOB,
                          style="primary"),
            ButtonElement(text=messages.HOME_MATCH_JOB, action_id=modals.HOME_MATCH_JOB),
            drive]),
        DividerBlock(),
    ]
    imports = [messages.HOME_IMPORT_ROW.format(
        icon=messages.HOME_STATUS_ICONS.get(i["status"], ":hourglass_flowing_sand:"),
        filename=esc(i["filename"]), who=f" → {esc(i['name'])}" if i["name"] else "",
        status=esc(i["status"]), reason=f" ({esc(i['reason'])})" if i["reason"] else "",
        when=_when(i["at"])) for i in data.imports]
    blocks += _sections(messages.HOME_IMPORTS, imports, messages.HOME_NO_IMPORTS)
    blocks.append(DividerBlock())
    jobs = [messages.HOME_JOB_ROW.format(
        title=esc(j["title"]), slug=esc(j["slug"]), count=j["new"],
        matches="match" if j["new"] == 1 else "matches") for j in data.jobs]
    blocks += _sections(messages.HOME_JOBS.format(strong=f"{strong:.0f}", days=NEW_DAYS), jobs,
                        messages.HOME_NO_JOBS)
    blocks.append(DividerBlock())
    blocks.append(SectionBlock(text=MarkdownTextObject(
        text=messages.HOME_ADDRESS.format(address=esc(data.address)) if data.address else
        messages.HOME_NO_ADDRESS.format(team=esc(data.team), user=esc(data.user)))))
    folders = [messages.HOME_FOLDER_ROW.format(
        name=esc(f["name"]), id=esc(f["id"]), state=esc(f["state"]),
        reason=f" ({esc(f['reason'])})" if f["reason"] else "",
        synced=messages.HOME_SYNCED.format(when=_when(f["synced"])) if f["synced"]
        else messages.HOME_NEVER_SYNCED) for f in data.folders]
    blocks += _sections(messages.HOME_FOLDERS, folders, messages.HOME_NO_FOLDERS)
    result: dict[str, Any] = View(type="home", blocks=blocks[:100]).to_dict()
    return result


class Home:
    """Publishes a user's Home tab; `address(team, user)` is their inbound address or None."""

    def __init__(self, db: Database, *, strong: float = 70.0, public_url: str | None = None,
                 address: Callable[[str, str], str | None] | None = None) -> None:
        self.db = db
        self.strong = strong
        self.public_url = public_url
        self.address = address

    def publish(self, client: WebClient, team: str, user: str) -> None:
        address = self.address(team, user) if self.address is not None else None
        data = collect(self.db, team, user, strong=self.strong, address=address)
        try:
            client.views_publish(user_id=user, view=view(data, strong=self.strong,
                                                         public_url=self.public_url))
        except SlackApiError as exc:
            log.warning("slack %s/%s: views.publish failed: %s", team, user,
                        exc.response.get("error"))
