"""What one digest reports, read from the database for one recipient's scope and window.

A recruiter's scope is their own imports (every batch they submitted, their Drive folders
included) and the candidates they own; a Slack channel's scope is what was shared in that
channel and the candidates those uploads produced. Nothing outside the scope is ever read
into a digest, so a digest cannot leak another recruiter's candidates.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Literal

from sqlalchemy import ColumnElement, and_, func, or_, select
from sqlalchemy.orm import Session

from digests import messages
from digests.schedule import When, week_buckets
from pipeline.urls import candidate_url
from storage.models import (
    AuditEvent,
    Batch,
    Candidate,
    CandidateLink,
    CandidateMatch,
    DriveFile,
    DriveFolder,
    Job,
    Resume,
)


@dataclass(frozen=True)
class Scope:
    """Who a digest is for: a recruiter by email, or a Slack channel."""

    kind: Literal["email", "slack"]
    recipient: str  # the email address or the channel id
    when: When
    recruiter_id: int | None = None
    name: str | None = None  # a recruiter's display name

    @property
    def channel(self) -> str:
        return self.kind


@dataclass(frozen=True)
class Failure:
    filename: str
    reason: str
    origin: str


@dataclass(frozen=True)
class Count:
    label: str
    count: int


@dataclass(frozen=True)
class MatchLine:
    name: str
    score: float
    reason: str
    new: bool  # a new candidate (not a merge into one we had)
    strong: bool


@dataclass(frozen=True)
class JobMatches:
    title: str
    slug: str
    lines: list[MatchLine]


@dataclass(frozen=True)
class NewCandidate:
    """A candidate a resume of the period went to: who, their latest role, where it came from."""

    id: int
    name: str
    title: str | None
    company: str | None
    source: str  # the batch's door: email / slack / drive / cli / …
    new: bool  # created in the period (not a merge into one we had)

    @property
    def role(self) -> str:
        return messages.role(self.title, self.company)


@dataclass(frozen=True)
class BrokenFolder:
    name: str
    reason: str


@dataclass
class DigestData:
    """Everything a digest shows; rendering reads only this."""

    scope: Scope
    day: date
    start: datetime
    end: datetime
    total: int = 0
    parsed: int = 0
    failed: int = 0
    pending: int = 0
    new: int = 0
    merged: int = 0
    sources: list[Count] = field(default_factory=list)
    failures: list[Failure] = field(default_factory=list)
    jobs: list[JobMatches] = field(default_factory=list)
    broken: list[BrokenFolder] = field(default_factory=list)
    week: list[Count] = field(default_factory=list)
    reparsed: int = 0  # resumes run again through a newer parser (`hotgigs reparse`)
    reparse_changed: int = 0  # … whose parse came out different
    duplicates: int = 0  # open possible duplicates among the scope's candidates
    candidates: list[NewCandidate] = field(default_factory=list)  # the first `max_candidates`
    candidates_total: int = 0  # every candidate a resume of the period went to
    public_url: str | None = None  # set: candidates link to their page `<url>/candidates/<id>`

    def candidate_link(self, candidate: NewCandidate) -> str | None:
        return candidate_url(self.public_url, candidate.id)

    @property
    def strong(self) -> int:
        return sum(1 for job in self.jobs for line in job.lines if line.strong)

    @property
    def empty(self) -> bool:
        """Nothing arrived, nothing is broken: the digest is not worth sending."""
        return self.total == 0 and not self.broken and not self.jobs and not self.reparsed


@dataclass(frozen=True)
class Limits:
    top: int = 10  # a job's top matches: the new candidates among these are reported
    strong_score: float = 70.0  # a match this good counts as strong in the subject
    max_failures: int = 50  # failures listed (the count is always complete)
    max_candidates: int = 20  # candidates named (the count is always complete)


def _in_scope(scope: Scope) -> ColumnElement[bool]:
    """The condition on `Batch` that keeps the scope's batches."""
    if scope.kind == "email":
        return Batch.recruiter_id == scope.recruiter_id
    return and_(Batch.source == "slack", Batch.reply_to["channel"].as_string() == scope.recipient)


def _scope_candidates(scope: Scope) -> Any:
    """The candidate ids a scope may see (a subquery)."""
    if scope.kind == "email":
        return select(Candidate.id).where(Candidate.owner_id == scope.recruiter_id)
    query = (select(Resume.candidate_id).join(Batch, Batch.id == Resume.batch_id)
             .where(Resume.candidate_id.is_not(None)))
    return query.where(_in_scope(scope))


def _origin(batch: Batch, folders: dict[int, str]) -> tuple[str, str]:
    """(source label for the counts, where a file came from for a failure line)."""
    target = batch.reply_to or {}
    if batch.source == "email":
        subject = target.get("subject")
        sender = target.get("address") or batch.submitted_by
        where = messages.FROM_EMAIL.format(sender=sender)
        return messages.SOURCE_EMAIL, (where + f" “{subject}”" if subject else where)
    if batch.source == "slack":
        channel = target.get("channel") or "?"
        label = messages.SOURCE_SLACK.format(channel=channel)
        return label, label
    if batch.source == "drive":
        label = messages.SOURCE_DRIVE.format(folder=folders.get(batch.id, "?"))
        return label, label
    return messages.SOURCE_CLI, messages.SOURCE_CLI


def _drive_folders(session: Session, batch_ids: list[int]) -> dict[int, str]:
    """Batch id -> the name of the watched Drive folder it came from."""
    if not batch_ids:
        return {}
    rows = session.execute(
        select(DriveFile.batch_id, DriveFolder.name, DriveFolder.folder_id)
        .join(DriveFolder, DriveFolder.id == DriveFile.folder_id)
        .where(DriveFile.batch_id.in_(batch_ids)).distinct())
    return {batch_id: name or folder_id for batch_id, name, folder_id in rows if batch_id}


def collect(session: Session, scope: Scope, day: date, start: datetime, end: datetime,
            limits: Limits | None = None) -> DigestData:
    """Read the digest of `scope` for `day`, reporting what arrived in [start, end)."""
    limits = limits or Limits()
    data = DigestData(scope=scope, day=day, start=start, end=end)
    buckets = week_buckets(end, scope.when.tz)
    week_start = min(buckets[0][0], start)
    rows = [(resume, batch) for resume, batch in session.execute(
        select(Resume, Batch).join(Batch, Batch.id == Resume.batch_id)
        .where(_in_scope(scope), Resume.created_at >= week_start, Resume.created_at < end)
        .order_by(Resume.id))]
    recent = [(r, b) for r, b in rows if r.created_at >= start]
    folders = _drive_folders(session, sorted({b.id for _, b in recent if b.source == "drive"}))
    sources: Counter[str] = Counter()
    fresh: dict[int, bool] = {}  # candidate id -> new (not merged)
    doors: dict[int, str] = {}  # candidate id -> the door of its first resume in the period
    for resume, batch in recent:
        label, where = _origin(batch, folders)
        sources[label] += 1
        data.total += 1
        if resume.status == "parsed":
            data.parsed += 1
            if resume.outcome == "created":
                data.new += 1
            else:
                data.merged += 1
            if resume.candidate_id is not None:
                fresh[resume.candidate_id] = (fresh.get(resume.candidate_id, False)
                                              or resume.outcome == "created")
                doors.setdefault(resume.candidate_id, batch.source)
        elif resume.status == "failed":
            data.failed += 1
            if len(data.failures) < limits.max_failures:
                data.failures.append(Failure(resume.filename,
                                             resume.failure_reason or messages.NO_REASON, where))
        else:
            data.pending += 1
    data.sources = [Count(label, n) for label, n in sorted(sources.items(),
                                                           key=lambda kv: (-kv[1], kv[0]))]
    tz = scope.when.tz
    data.week = [Count(messages.day_label(lo.astimezone(tz)),
                       sum(1 for r, _ in rows if lo <= r.created_at < hi))
                 for lo, hi in buckets]
    data.jobs = _job_matches(session, scope, fresh, limits)
    data.candidates, data.candidates_total = _new_candidates(session, scope, fresh, doors,
                                                             limits)
    data.broken = _broken(session, scope)
    data.reparsed, data.reparse_changed = _reparsed(session, scope, start, end)
    visible = _scope_candidates(scope)
    data.duplicates = int(session.scalar(
        select(func.count()).select_from(CandidateLink)
        .where(CandidateLink.status == "possible", or_(CandidateLink.candidate_id.in_(visible),
                                                        CandidateLink.other_id.in_(visible))))
        or 0)
    return data


def _reparsed(session: Session, scope: Scope, start: datetime,
              end: datetime) -> tuple[int, int]:
    """(re-parsed resumes, of which changed) of the scope's candidates in [start, end)."""
    details = list(session.scalars(
        select(AuditEvent.detail).where(AuditEvent.action == "reparsed",
                                        AuditEvent.candidate_id.in_(_scope_candidates(scope)),
                                        AuditEvent.at >= start, AuditEvent.at < end)))
    return len(details), sum(1 for d in details if (d or {}).get("changed"))


def _new_candidates(session: Session, scope: Scope, fresh: dict[int, bool],
                    doors: dict[int, str], limits: Limits) -> tuple[list[NewCandidate], int]:
    """(the first `max_candidates` of the period's candidates within the scope, new ones
    first; how many there are in all)."""
    if not fresh:
        return [], 0
    people = session.scalars(select(Candidate).where(Candidate.id.in_(list(fresh)),
                                                     Candidate.id.in_(_scope_candidates(scope))))
    found = sorted((NewCandidate(id=c.id, name=c.name or messages.NO_NAME, title=c.latest_title,
                                 company=c.latest_company, source=doors[c.id], new=fresh[c.id])
                    for c in people), key=lambda c: (not c.new, c.name.casefold(), c.id))
    return found[:limits.max_candidates], len(found)


def _job_matches(session: Session, scope: Scope, fresh: dict[int, bool],
                 limits: Limits) -> list[JobMatches]:
    """For each open job, the fresh candidates among its top matches within the scope."""
    if not fresh:
        return []
    jobs_query = select(Job).where(Job.status == "open").order_by(Job.id)
    if scope.kind == "email":
        jobs_query = jobs_query.where(or_(Job.owner_id.is_(None),
                                          Job.owner_id == scope.recruiter_id))
    visible = _scope_candidates(scope)
    found: list[JobMatches] = []
    for job in session.scalars(jobs_query):
        top = session.execute(
            select(CandidateMatch, Candidate)
            .join(Candidate, Candidate.id == CandidateMatch.candidate_id)
            .where(and_(CandidateMatch.job_id == job.id,
                        CandidateMatch.candidate_id.in_(visible)))
            .order_by(CandidateMatch.score.desc(), CandidateMatch.candidate_id)
            .limit(limits.top)).all()
        lines = [MatchLine(name=candidate.name or messages.NO_NAME, score=match.score,
                           reason=str((match.explanation or {}).get("summary") or ""),
                           new=fresh[candidate.id], strong=match.score >= limits.strong_score)
                 for match, candidate in top if candidate.id in fresh]
        if lines:
            found.append(JobMatches(job.title, job.slug, lines))
    return found


def _broken(session: Session, scope: Scope) -> list[BrokenFolder]:
    query = select(DriveFolder).where(DriveFolder.state == "broken").order_by(DriveFolder.id)
    if scope.kind == "email":
        query = query.where(DriveFolder.owner_id == scope.recruiter_id)
    else:
        query = query.where(DriveFolder.slack_channel == scope.recipient)
    return [BrokenFolder(f.name or f.folder_id, f.broken_reason or messages.NO_REASON)
            for f in session.scalars(query)]
