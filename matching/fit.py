"""The use case "how well does this candidate fit this job", for one person and one job.

The Slack card's "Match to a job…" asks it; any other door may. The recruiter must own the
candidate, and the job must be open and theirs (or an operator's, without an owner): anything
else is refused with a reason the door shows as it is. The view is audited as a match.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select

from matching.jobs import analysis_of
from matching.rank import score_candidate
from storage import audit
from storage.db import Database
from storage.models import Candidate, Job


class FitRefused(Exception):
    """The candidate or the job cannot be used; str() says why, for the asker."""


class NotYours(FitRefused):
    """It exists, but belongs to another recruiter."""


class Gone(FitRefused):
    """It was merged away, erased or closed since the button or modal was shown."""


@dataclass(frozen=True)
class Fit:
    candidate_id: int
    name: str | None
    job_id: int
    job_title: str
    job_slug: str
    score: float
    summary: str
    reasons: list[str] = field(default_factory=list)


def owned_candidate(db: Database, candidate_id: int, owner_id: int | None) -> Candidate:
    """The candidate, if `owner_id` owns it; else FitRefused (merged away, erased, not theirs)."""
    with db.session() as session:
        found = session.get(Candidate, candidate_id)
        if found is None:
            raise Gone("that candidate is no longer in HotGigs (merged or erased)")
        if owner_id is None or found.owner_id != owner_id:
            raise NotYours("that candidate isn't one of yours")
        session.expunge(found)
        return found


def open_jobs_for(db: Database, owner_id: int | None) -> list[tuple[int, str, str]]:
    """(id, title, slug) of the open jobs a recruiter may match against, oldest first."""
    with db.session() as session:
        query = select(Job.id, Job.title, Job.slug).where(Job.status == "open").order_by(Job.id)
        query = query.where(Job.owner_id.is_(None) | (Job.owner_id == owner_id))
        return [(int(i), str(t), str(s)) for i, t, s in session.execute(query).all()]


def fit(db: Database, *, candidate_id: int, job_id: int, owner_id: int | None, actor: str,
        source: str) -> Fit:
    """Score one owned candidate against one open job the recruiter may see, with reasons."""
    candidate = owned_candidate(db, candidate_id, owner_id)
    with db.session() as session:
        job = session.get(Job, job_id)
        if job is None or job.status != "open":
            raise Gone("that job is closed or no longer exists")
        if job.owner_id is not None and job.owner_id != owner_id:
            raise NotYours("that job isn't one of yours")
        match = score_candidate(session, analysis_of(job), candidate_id)
        if match is None:  # not indexed yet: its resume is still being processed
            raise FitRefused("that candidate isn't ready for matching yet; try again shortly")
        explanation = match.explanation or {}
        audit.record_matched(session, [candidate_id], actor=actor, source=source, job=job.slug)
        return Fit(candidate_id=candidate_id, name=candidate.name, job_id=job.id,
                   job_title=job.title, job_slug=job.slug, score=match.score,
                   summary=str(explanation.get("summary") or ""),
                   reasons=[str(r) for r in explanation.get("reasons") or []])
