"""`/hotgigs`: match, job add/list, status, drive add/connect, help — answered for the Slack
user who asked.

A Slack user is a recruiter (`slack:<team>/<user>`) and sees only their own candidates.
Answers are ephemeral: `match` results and job details never land in a channel's history.
Slow subcommands are acknowledged at once and answered through `response_url`.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from slack_sdk.models.blocks import MarkdownTextObject, SectionBlock
from sqlalchemy import func, select

from bots.drive.folders import DriveAccess, NotAFolder, parse_folder_ref, watch_folder
from bots.drive.messages import account_name
from bots.drive.port import DriveError, DriveNotFound
from bots.slack import messages
from bots.slack.buttons import more_button
from bots.slack.cards import esc
from matching import create_job, list_jobs
from matching.service import has_candidates, match_for, recruiter_id
from storage.db import Database
from storage.models import Batch, Resume
from storage.recruiters import recruiter_for

log = logging.getLogger(__name__)

TOP = 5


@dataclass(frozen=True)
class Asker:
    team: str
    user: str
    channel: str

    @property
    def identity(self) -> str:
        return f"slack:{self.team}/{self.user}"


@dataclass(frozen=True)
class Answer:
    text: str
    blocks: list[dict[str, Any]] | None = None


def split(text: str) -> tuple[str, str]:
    """(subcommand, rest): `match  senior python dev` → ("match", "senior python dev")."""
    head, _, rest = (text or "").strip().partition(" ")
    return head.lower(), rest.strip()


def _section(text: str) -> dict[str, Any]:
    return SectionBlock(text=MarkdownTextObject(text=text[:2900])).to_dict()


class Commands:
    """The work behind each subcommand; `app` decides what is acked and what is responded."""

    def __init__(self, db: Database, queue_depths: Callable[[], dict[str, int] | None],
                 drive: DriveAccess | None = None,
                 personal_address: Callable[[str], str] | None = None,
                 drive_connect_url: str | None = None) -> None:
        self.db = db
        self.drive_connect_url = drive_connect_url  # None: recruiters cannot connect Drive
        self.queue_depths = queue_depths
        self.drive = drive  # None: Drive is not configured, folders are saved unchecked
        self.personal_address = personal_address  # token -> resumes+<token>@domain

    def email(self, asker: Asker) -> Answer:
        """The asker's personal inbound address, when an operator registered them with
        `hotgigs recruiter add EMAIL --slack-user TEAM/USER`."""
        from bots.email.recruiters import for_slack_user

        found = for_slack_user(self.db, asker.team, asker.user)
        if found is None or self.personal_address is None:
            return Answer(messages.EMAIL_UNKNOWN.format(team=asker.team, user=asker.user))
        return Answer(messages.EMAIL_ADDRESS.format(
            address=self.personal_address(found.token), email=found.email))

    def help(self, sub: str = "") -> Answer:
        prefix = messages.UNKNOWN.format(sub=esc(sub)) if sub else ""
        return Answer(prefix + messages.HELP)

    def _owner(self, asker: Asker) -> int | None:
        return recruiter_id(self.db, asker.identity)

    def match(self, asker: Asker, ref: str, top: int = TOP) -> Answer:
        if not ref:
            return Answer(messages.MATCH_USAGE)
        owner_id = self._owner(asker)
        if owner_id is None or not has_candidates(self.db, owner_id):
            return Answer(messages.MATCH_NO_CANDIDATES)
        result = match_for(self.db, ref, top=top, owner_id=owner_id, actor=asker.identity,
                           source="slack")
        label = (f"*{esc(result.title or '')}* (`{esc(result.slug)}`)" if result.slug
                 else messages.FREE_TEXT)
        if not result.rows:
            return Answer(messages.MATCH_NONE.format(label=label))
        rows, plain = [], []
        for row in result.rows:
            name = row.name or f"#{row.candidate_id}"
            title = f" · {esc(row.title)}" if row.title else ""
            summary = esc(row.summary)
            if row.reasons:
                summary += "\n" + "\n".join(f"• {esc(r)}" for r in row.reasons[:4])
            rows.append(_section(messages.MATCH_ROW.format(
                rank=row.rank, name=esc(name), score=f"{row.score:.0f}", title=title,
                summary=summary)))
            plain.append(messages.MATCH_FALLBACK_ROW.format(rank=row.rank, name=name,
                                                            score=f"{row.score:.0f}"))
        header = messages.MATCH_HEADER.format(label=label)
        more = [more_button(result.slug, top)] if result.slug and len(rows) == top < 40 else []
        return Answer("\n".join([header, *plain]), [_section(header), *rows, *more])

    def job(self, asker: Asker, rest: str) -> Answer:
        action, args = split(rest)
        if action == "list":
            return self.job_list(asker)
        if action == "add":
            return self.job_add(asker, args)
        return Answer(messages.JOB_USAGE)

    def job_add(self, asker: Asker, args: str) -> Answer:
        title, bar, description = args.partition("|")
        if not bar or not title.strip() or not description.strip():
            return Answer(messages.JOB_ADD_USAGE)
        with self.db.session() as session:
            owner = recruiter_for(session, asker.identity)
            job = create_job(session, title=title.strip(), description=description.strip(),
                             owner_id=owner.id)
            analysis = job.analysis or {}
            text = messages.JOB_SAVED.format(
                title=esc(job.title), slug=esc(job.slug), id=job.id,
                required=esc(", ".join(analysis.get("required_skills", []))) or messages.NONE,
                nice=esc(", ".join(analysis.get("nice_skills", []))) or messages.NONE)
        log.info("slack %s: job %s saved", asker.identity, job.slug)
        return Answer(text)

    def job_list(self, asker: Asker) -> Answer:
        owner_id = self._owner(asker)
        with self.db.session() as session:
            jobs = list_jobs(session, owner_id=owner_id) if owner_id is not None else [
                j for j in list_jobs(session) if j.owner_id is None]
            lines = [messages.JOB_ROW.format(
                slug=esc(j.slug), id=j.id, title=esc(j.title),
                where=f" · {esc('remote' if j.remote else j.location)}"
                if (j.remote or j.location) else "") for j in jobs]
        if not lines:
            return Answer(messages.JOB_NONE)
        return Answer("\n".join([messages.JOBS_HEADER, *lines]))

    def status(self, asker: Asker) -> Answer:
        """Queue depth and the asker's imports since midnight UTC."""
        depths = self.queue_depths()
        midnight = datetime.now(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
        with self.db.session() as session:
            counts = dict(session.execute(
                select(Resume.status, func.count())
                .join(Batch, Batch.id == Resume.batch_id)
                .where(Batch.submitted_by == asker.identity, Resume.created_at >= midnight)
                .group_by(Resume.status)).all())
        mine = sum(int(v) for v in counts.values())
        parsed, failed = int(counts.get("parsed", 0)), int(counts.get("failed", 0))
        high, low = (depths or {}).get("high", 0), (depths or {}).get("low", 0)
        queue = (messages.STATUS_NO_QUEUE if depths is None else
                 messages.STATUS_QUEUE.format(waiting=high + low, high=high, low=low))
        return Answer(queue + messages.STATUS_TODAY.format(
            mine=mine, resumes=messages.resumes(mine), parsed=parsed, failed=failed,
            pending=mine - parsed - failed))

    def drive_connect(self) -> Answer:
        """The link to /drive/connect, where a recruiter connects their own Google Drive."""
        if not self.drive_connect_url:
            return Answer(messages.DRIVE_CONNECT_OFF)
        return Answer(messages.DRIVE_CONNECT.format(url=self.drive_connect_url))

    def drive_add(self, asker: Asker, rest: str) -> Answer:
        """Watch a Drive folder for the asker; its digest and channel are this channel."""
        action, ref = split(rest)
        # Slack may send a link escaped as <url> or <url|label>
        ref = ref.strip().removeprefix("<").removesuffix(">").partition("|")[0].strip()
        if action != "add" or not ref:
            return Answer(messages.DRIVE_USAGE)
        try:
            watched = watch_folder(self.db, ref, asker.identity, drive=self.drive,
                                   slack_channel=asker.channel or None)
        except NotAFolder as exc:
            return Answer(messages.DRIVE_NOT_FOLDER.format(name=esc(exc.item.name),
                                                           mime=esc(exc.item.mime_type)))
        except ValueError:
            return Answer(messages.DRIVE_BAD_REF.format(ref=esc(ref[:200])))
        except DriveNotFound:
            account = self.drive.account if self.drive is not None else None
            return Answer(messages.DRIVE_NOT_SHARED.format(
                id=parse_folder_ref(ref), account=esc(account_name(account))))
        except DriveError as exc:
            return Answer(messages.DRIVE_UNREADABLE.format(id=parse_folder_ref(ref),
                                                           reason=esc(exc.reason)))
        folder, folder_id = watched.folder, watched.folder.folder_id
        log.info("slack %s: Drive folder %s %s", asker.identity, folder_id,
                 "watched" if watched.created else "already watched")
        text = messages.DRIVE_WATCHING if watched.created else messages.DRIVE_ALREADY
        note = "" if watched.checked else messages.DRIVE_UNCHECKED
        return Answer(text.format(name=esc(folder.name or folder_id), id=folder_id) + note)
