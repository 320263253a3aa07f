"""The use case "who fits this job", written once for every door.

`hotgigs match` and Slack's `/hotgigs match` (and later the web door) call `match_for`: it
resolves the job (id, slug, or free text), ranks the recruiter's candidates, records who was
shown in the audit trail, and returns plain rows that each adapter only formats.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, select

from matching.jobs import match_job, resolve_job
from storage import audit
from storage.db import Database
from storage.models import Candidate, Recruiter


@dataclass(frozen=True)
class MatchRow:
    """One ranked candidate, as every door shows it."""

    rank: int
    candidate_id: int
    name: str | None
    email: str | None
    title: str | None
    score: float
    summary: str
    reasons: list[str] = field(default_factory=list)
    parts: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class MatchResult:
    """The answer: the job asked about (`slug`/`title` None for free text) and its rows."""

    ref: str
    slug: str | None
    title: str | None
    rows: list[MatchRow]

    @property
    def job(self) -> str:
        """What the audit trail names: the job's slug, or the free text asked."""
        return self.slug or self.ref


def recruiter_id(db: Database, identity: str) -> int | None:
    """The recruiter with this identity (email or `slack:<team>/<user>`), or None."""
    with db.session() as session:
        found = session.scalar(select(Recruiter.id).where(Recruiter.identity == identity))
        return int(found) if found is not None else None


def has_candidates(db: Database, owner_id: int) -> bool:
    with db.session() as session:
        return bool(session.scalar(select(func.count()).select_from(Candidate)
                                   .where(Candidate.owner_id == owner_id)))


def match_for(db: Database, ref: str, *, top: int, owner_id: int | None, actor: str,
              source: str) -> MatchResult:
    """Best candidates for a job id, slug or free-text description, seen by `owner_id`'s
    eyes (None: an operator, every recruiter's candidates); audited as `actor` via `source`."""
    with db.session() as session:
        job = resolve_job(session, ref)
        matches = match_job(session, job if job is not None else ref, top=top,
                            owner_id=owner_id)
        ids = [m.candidate_id for m in matches]
        people = {c.id: c for c in session.scalars(select(Candidate)
                                                   .where(Candidate.id.in_(ids)))}
        rows = []
        for rank, m in enumerate(matches, 1):
            person = people.get(m.candidate_id)
            rows.append(MatchRow(
                rank=rank, candidate_id=m.candidate_id,
                name=person.name if person else None, email=person.email if person else None,
                title=person.latest_title if person else None, score=m.score,
                summary=m.explanation.get("summary") or "",
                reasons=list(m.explanation.get("reasons") or []),
                parts=dict(m.explanation.get("parts") or {})))
        result = MatchResult(ref=ref, slug=job.slug if job is not None else None,
                             title=job.title if job is not None else None, rows=rows)
        audit.record_matched(session, ids, actor=actor, source=source, job=result.job)
    return result
