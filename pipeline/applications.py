"""Applications through the public apply page: which jobs take them, the record of each one
(consent, the hash of the status link's token) and what a candidate may see of their upload.

One use case, one function (STYLE.md, habit 13): the apply page and `hotgigs job apply` call
these; the resume itself goes through the intake like any other door's.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field
from sqlalchemy import select
from sqlalchemy.orm import Session

from storage.models import Application, Batch, Job, Recruiter, Resume, ResumeData, utcnow

TOKEN_BYTES = 32  # 256 bits: the status link cannot be guessed
_TOKEN_MAX = 100  # longer "tokens" are not ours; not even hashed


class ApplyNotPossible(Exception):
    """The apply page cannot be switched on for this job; `reason` says why."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def set_apply_open(job: Job, on: bool) -> None:
    """Open or close a job's apply page. Only an open job with an owner takes applications:
    an application belongs to the job's recruiter, and an operator's job has none."""
    if on and job.status != "open":
        raise ApplyNotPossible(f"job {job.slug} is {job.status}: only open jobs take "
                               "applications")
    if on and job.owner_id is None:
        raise ApplyNotPossible(f"job {job.slug} has no owner, and an application belongs to "
                               "the job's recruiter: add the job with --owner")
    job.apply_open = on


def job_taking_applications(session: Session, slug: str) -> tuple[Job, Recruiter] | None:
    """The job behind `/apply/<slug>` and its recruiter, or None (unknown, closed, switched
    off or owned by nobody: the page answers 404 alike, so nothing is told apart)."""
    job = session.scalar(select(Job).where(Job.slug == slug))
    if job is None or not job.apply_open or job.status != "open" or job.owner_id is None:
        return None
    owner = session.get(Recruiter, job.owner_id)
    return (job, owner) if owner is not None else None


def new_status_token() -> str:
    return secrets.token_urlsafe(TOKEN_BYTES)


def token_hash(token: str) -> str:
    """What is stored of a status token: a leaked database does not open anyone's status."""
    return hashlib.sha256(token.encode()).hexdigest()


def record_application(session: Session, *, job_id: int, batch_id: int, email: str,
                       consent_version: str, ip_hash: str, token: str) -> Application:
    application = Application(job_id=job_id, batch_id=batch_id, email=email,
                              consent_at=utcnow(), consent_version=consent_version,
                              ip_hash=ip_hash, status_token_hash=token_hash(token))
    session.add(application)
    session.flush()
    return application


def find_application(session: Session, token: str) -> Application | None:
    if not token or len(token) > _TOKEN_MAX:
        return None
    return session.scalar(select(Application)
                          .where(Application.status_token_hash == token_hash(token)))


class ApplicationStatus(BaseModel):
    """What the candidate sees of their own upload: never a score, never another person."""

    state: Literal["processing", "parsed", "failed"]
    job_title: str
    job_slug: str
    submitted_at: datetime
    filename: str | None = None
    name: str | None = None
    title: str | None = None
    company: str | None = None
    location: str | None = None
    skills: list[str] = Field(default_factory=list)
    reason: str | None = None


def application_status(session: Session, application: Application) -> ApplicationStatus:
    """The application's one resume as the parser read it (that file's own parse, not the
    candidate record it was merged into), or why it could not be read."""
    job = session.get(Job, application.job_id)
    batch = session.get(Batch, application.batch_id)
    resume = session.scalar(select(Resume).where(Resume.batch_id == application.batch_id)
                            .order_by(Resume.id).limit(1))
    status = ApplicationStatus(state="processing", job_title=job.title if job else "",
                               job_slug=job.slug if job else "",
                               submitted_at=application.consent_at,
                               filename=resume.filename if resume else None)
    if resume is None:
        status.state = "failed"
        status.reason = (batch.failure_reason if batch else None) or "no file arrived"
        return status
    if resume.status == "failed":
        status.state = "failed"
        status.reason = resume.failure_reason or "the file could not be read"
    elif resume.status == "parsed":
        data = session.scalar(select(ResumeData.data)
                              .where(ResumeData.resume_id == resume.id)) or {}
        roles = [r for r in data.get("experience") or [] if isinstance(r, dict)]
        current = [r for r in roles if r.get("end_date") == "present"]
        latest = (current or roles or [{}])[0]  # as the candidate record picks its title
        status.state = "parsed"
        status.name = data.get("name")
        status.title = latest.get("title")
        status.company = latest.get("company")
        status.location = data.get("location")
        status.skills = [str(s) for s in data.get("skills") or []][:12]
    return status
