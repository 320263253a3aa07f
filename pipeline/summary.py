"""A batch as the recruiter sees it: counts and one line per resume, read from the database.

Every reply channel (Slack card, email reply, CLI table) renders this one shape.
"""

from __future__ import annotations

from typing import Any

import phonenumbers
from pydantic import BaseModel, Field
from sqlalchemy import select
from sqlalchemy.orm import Session

from pipeline import links
from pipeline.links import describe
from storage.models import Batch, Candidate, CandidateMatch, Job, Resume


def display_phone(phone: str | None) -> str | None:
    """A stored E.164 number as people read it (`+14155550132` → `+1 415-555-0132`); a number
    phonenumbers cannot read is shown as stored."""
    if not phone:
        return phone
    try:
        number = phonenumbers.parse(phone, None)
    except phonenumbers.NumberParseException:
        return phone
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)


class ResumeOutcome(BaseModel):
    resume_id: int
    filename: str
    status: str
    reason: str | None = None
    outcome: str | None = None  # created / updated / duplicate
    candidate_id: int | None = None
    name: str | None = None
    email: str | None = None
    phone: str | None = None
    latest_title: str | None = None
    latest_company: str | None = None
    top_skills: list[str] = Field(default_factory=list)
    warnings: list[str] = Field(default_factory=list)
    top_matches: list[dict[str, Any]] = Field(default_factory=list)
    # open possible-duplicate links of the candidate: link_id, other_id, other_name, evidence
    possible_duplicates: list[dict[str, Any]] = Field(default_factory=list)

    @property
    def phone_display(self) -> str | None:
        """The phone for replies and cards; `phone` stays E.164 (storage, JSON)."""
        return display_phone(self.phone)


class BatchSummary(BaseModel):
    batch_id: int
    source: str
    submitted_by: str
    reply_to: dict[str, Any]
    state: str
    total: int
    parsed: int
    failed: int
    failure_reason: str | None = None
    items: list[ResumeOutcome] = Field(default_factory=list)
    # for a progress call: how many had ended before the work it reports (it may be several)
    done_before: int = 0

    @property
    def done(self) -> int:
        return self.parsed + self.failed


def top_matches(session: Session, candidate_id: int, limit: int = 3) -> list[dict[str, Any]]:
    """The candidate's best open jobs from `candidate_matches`: title, slug, score, reason."""
    rows = session.execute(
        select(CandidateMatch.score, CandidateMatch.explanation, Job.id, Job.slug, Job.title)
        .join(Job, Job.id == CandidateMatch.job_id)
        .where(CandidateMatch.candidate_id == candidate_id, Job.status == "open")
        .order_by(CandidateMatch.score.desc(), Job.id).limit(limit)
    ).all()
    return [{"job_id": job_id, "slug": slug, "title": title, "score": score,
             "reason": (explanation or {}).get("summary", "")}
            for score, explanation, job_id, slug, title in rows]


def possible_duplicates(session: Session,
                        candidate_ids: list[int]) -> dict[int, list[dict[str, Any]]]:
    """candidate id -> its open possible duplicates, as cards and replies show them."""
    found = links.open_for(session, candidate_ids)
    others = {link.other_id if link.candidate_id == cid else link.candidate_id
              for cid, group in found.items() for link in group}
    names = dict(session.execute(select(Candidate.id, Candidate.name)
                                 .where(Candidate.id.in_(sorted(o for o in others if o))))
                 .all()) if others else {}
    out: dict[int, list[dict[str, Any]]] = {}
    for cid, group in found.items():
        for link in group:
            other = link.other_id if link.candidate_id == cid else link.candidate_id
            out.setdefault(cid, []).append({
                "link_id": link.id, "other_id": other, "other_name": names.get(other or 0),
                "evidence": describe(link.evidence or {})})
    return out


def summarize_batch(session: Session, batch_id: int, *, items: bool = True) -> BatchSummary:
    """The batch's counts, and with `items` one line per resume (a reply needs them; a
    progress update does not, and must not cost a query per resume of a large batch)."""
    batch = session.get(Batch, batch_id)
    if batch is None:
        raise LookupError(f"batch {batch_id} does not exist")
    summary = BatchSummary(
        batch_id=batch.id, source=batch.source, submitted_by=batch.submitted_by,
        reply_to=batch.reply_to or {}, state=batch.state, total=batch.total,
        parsed=batch.parsed, failed=batch.failed, failure_reason=batch.failure_reason,
    )
    if items:
        summary.items = _items(session, batch_id)
    return summary


def _items(session: Session, batch_id: int) -> list[ResumeOutcome]:
    rows = session.execute(
        select(Resume, Candidate)
        .outerjoin(Candidate, Resume.candidate_id == Candidate.id)
        .where(Resume.batch_id == batch_id)
        .order_by(Resume.id)
    ).all()
    suspicions = possible_duplicates(session, [c.id for _, c in rows if c is not None])
    items = []
    for resume, candidate in rows:
        data = candidate.data if candidate else {}
        items.append(ResumeOutcome(
            resume_id=resume.id, filename=resume.filename, status=resume.status,
            reason=resume.failure_reason, outcome=resume.outcome,
            candidate_id=candidate.id if candidate else None,
            name=candidate.name if candidate else None,
            email=candidate.email if candidate else None,
            phone=candidate.phone if candidate else None,
            latest_title=candidate.latest_title if candidate else None,
            latest_company=candidate.latest_company if candidate else None,
            top_skills=list(data.get("skills", []))[:8],
            warnings=list(data.get("meta", {}).get("warnings", [])),
            top_matches=top_matches(session, candidate.id) if candidate else [],
            possible_duplicates=suspicions.get(candidate.id, []) if candidate else [],
        ))
    return items
