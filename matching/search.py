"""The use case "find my candidates": a recruiter's own candidates whose name, email, title,
company, location or a skill contains every word of the query, most recently updated first.

The API's `GET /api/v1/candidates?query=` and the `/candidates` page call it;
only the owner's candidates are ever read.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, exists, func, or_, select
from sqlalchemy.orm import Session

from storage.models import Candidate, CandidateSkill

MAX_RESULTS = 200


def _matching(owner_id: int, query: str | None) -> list[ColumnElement[bool]]:
    """The owner's candidates with every query word in a field (case-insensitive)."""
    where: list[ColumnElement[bool]] = [Candidate.owner_id == owner_id]
    for word in (query or "").lower().split()[:8]:
        like = f"%{word}%"
        where.append(or_(
            *(func.lower(column).like(like) for column in (
                Candidate.name, Candidate.email, Candidate.latest_title,
                Candidate.latest_company, Candidate.location)),
            exists().where(CandidateSkill.candidate_id == Candidate.id,
                           func.lower(CandidateSkill.skill).like(like))))
    return where


def search_candidates(session: Session, owner_id: int, query: str | None = None, *,
                      limit: int = 50, offset: int = 0) -> list[Candidate]:
    """Every query word must match one of the fields; newest update first."""
    stmt = (select(Candidate).where(*_matching(owner_id, query))
            .order_by(Candidate.updated_at.desc(), Candidate.id.desc()))
    return list(session.scalars(stmt.offset(max(0, offset))
                                .limit(max(1, min(limit, MAX_RESULTS)))))


def count_candidates(session: Session, owner_id: int, query: str | None = None) -> int:
    """How many candidates `search_candidates` finds in all (for paging)."""
    return int(session.scalar(select(func.count()).select_from(Candidate)
                              .where(*_matching(owner_id, query))) or 0)
