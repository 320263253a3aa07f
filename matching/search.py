"""The use case "find my candidates": a recruiter's own candidates whose name, email, title,
company or a skill contains every word of the query, most recently updated first.

The API's `GET /api/v1/candidates?query=` calls it (and any door listing candidates can);
only the owner's candidates are ever read.
"""

from __future__ import annotations

from sqlalchemy import exists, func, or_, select
from sqlalchemy.orm import Session

from storage.models import Candidate, CandidateSkill

MAX_RESULTS = 200


def search_candidates(session: Session, owner_id: int, query: str | None = None, *,
                      limit: int = 50) -> list[Candidate]:
    """Every query word must match one of the fields (case-insensitive substring)."""
    stmt = select(Candidate).where(Candidate.owner_id == owner_id)
    for word in (query or "").lower().split()[:8]:
        like = f"%{word}%"
        stmt = stmt.where(or_(
            func.lower(Candidate.name).like(like), func.lower(Candidate.email).like(like),
            func.lower(Candidate.latest_title).like(like),
            func.lower(Candidate.latest_company).like(like),
            exists().where(CandidateSkill.candidate_id == Candidate.id,
                           func.lower(CandidateSkill.skill).like(like))))
    stmt = stmt.order_by(Candidate.updated_at.desc(), Candidate.id.desc())
    return list(session.scalars(stmt.limit(max(1, min(limit, MAX_RESULTS)))))
