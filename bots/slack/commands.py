"""`/hotgigs`: match, job add/list, status, drive add, help — answered for the Slack user who
asked.

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

from sqlalchemy import func, select

from bots.drive.folders import add_folder, parse_folder_ref
from bots.drive.messages import account_name
from bots.drive.port import DriveError, DriveItem, DriveNotFound
from bots.slack import messages
from bots.slack.cards import esc
from matching import create_job, list_jobs, match_job, resolve_job
from pipeline.intake import recruiter_for
from storage import audit
from storage.db import Database
from storage.models import Batch, Candidate, Recruiter, Resume

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


@dataclass(frozen=True)
class DriveAccess:
    """Reading a folder's metadata from Drive, and the account folders are shared with."""

    get: Callable[[str], DriveItem]
    account: str | None = None


def split(text: str) -> tuple[str, str]:
    """(subcommand, rest): `match  senior python dev` → ("match", "senior python dev")."""
    head, _, rest = (text or "").strip().partition(" ")
    return head.lower(), rest.strip()


def _section(text: str) -> dict[str, Any]:
    return {"type": "section", "text": {"type": "mrkdwn", "text": text[:2900]}}


class Commands:
    """The work behind each subcommand; `app` decides what is acked and what is responded."""

    def __init__(self, db: Database, queue_depths: Callable[[], dict[str, int] | None],
                 drive: DriveAccess | None = None,
                 personal_address: Callable[[str], str] | None = None) -> None:
        self.db = db
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
        with self.db.session() as session:
            found = session.scalar(select(Recruiter.id).where(Recruiter.identity == asker.identity))
            return int(found) if found is not None else None

    def match(self, asker: Asker, ref: str) -> Answer:
        if not ref:
            return Answer(messages.MATCH_USAGE)
        owner_id = self._owner(asker)
        with self.db.session() as session:
            if owner_id is None or not session.scalar(
                    select(func.count()).select_from(Candidate)
                    .where(Candidate.owner_id == owner_id)):
                return Answer(messages.MATCH_NO_CANDIDATES)
            job = resolve_job(session, ref)
            found = match_job(session, job if job is not None else ref, top=TOP,
                              owner_id=owner_id)
            label = f"*{esc(job.title)}* (`{esc(job.slug)}`)" if job else messages.FREE_TEXT
            people = {c.id: c for c in session.scalars(
                select(Candidate).where(Candidate.id.in_([m.candidate_id for m in found])))}
            audit.record_matched(session, [m.candidate_id for m in found],
                                 actor=asker.identity, source="slack",
                                 job=job.slug if job is not None else ref)
        if not found:
            return Answer(messages.MATCH_NONE.format(label=label))
        rows, plain = [], []
        for rank, m in enumerate(found, 1):
            person = people.get(m.candidate_id)
            name = (person.name if person else None) or f"#{m.candidate_id}"
            title = f" · {esc(person.latest_title)}" if person and person.latest_title else ""
            reasons = m.explanation.get("reasons") or []
            summary = esc(m.explanation.get("summary") or "")
            if reasons:
                summary += "\n" + "\n".join(f"• {esc(r)}" for r in reasons[:4])
            rows.append(_section(messages.MATCH_ROW.format(
                rank=rank, name=esc(name), score=f"{m.score:.0f}", title=title, summary=summary)))
            plain.append(messages.MATCH_FALLBACK_ROW.format(rank=rank, name=name,
                                                            score=f"{m.score:.0f}"))
        header = messages.MATCH_HEADER.format(label=label)
        return Answer("\n".join([header, *plain]), [_section(header), *rows])

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

    def drive_add(self, asker: Asker, rest: str) -> Answer:
        """Watch a Drive folder for the asker; its digest and channel are this channel."""
        action, ref = split(rest)
        # Slack may send a link escaped as <url> or <url|label>
        ref = ref.strip().removeprefix("<").removesuffix(">").partition("|")[0].strip()
        if action != "add" or not ref:
            return Answer(messages.DRIVE_USAGE)
        try:
            folder_id = parse_folder_ref(ref)
        except ValueError:
            return Answer(messages.DRIVE_BAD_REF.format(ref=esc(ref[:200])))
        name, note = None, ""
        if self.drive is None:
            note = messages.DRIVE_UNCHECKED
        else:
            try:
                item = self.drive.get(folder_id)
            except DriveNotFound:
                return Answer(messages.DRIVE_NOT_SHARED.format(
                    id=folder_id, account=esc(account_name(self.drive.account))))
            except DriveError as exc:
                return Answer(messages.DRIVE_UNREADABLE.format(id=folder_id,
                                                               reason=esc(exc.reason)))
            if not item.is_folder:
                return Answer(messages.DRIVE_NOT_FOLDER.format(name=esc(item.name),
                                                               mime=esc(item.mime_type)))
            name = item.name
        folder, created = add_folder(self.db, folder_id, asker.identity,
                                     slack_channel=asker.channel or None, name=name)
        log.info("slack %s: Drive folder %s %s", asker.identity, folder_id,
                 "watched" if created else "already watched")
        text = messages.DRIVE_WATCHING if created else messages.DRIVE_ALREADY
        return Answer(text.format(name=esc(folder.name or folder_id), id=folder_id) + note)
