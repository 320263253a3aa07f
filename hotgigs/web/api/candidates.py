"""`GET /api/v1/candidates/{id}` and `GET /api/v1/candidates?query=`: the caller's own
candidates only (anyone else's is 404)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from sqlalchemy import func, select

from hotgigs.settings import Settings
from hotgigs.web.api.auth import Caller, caller
from hotgigs.web.api.context import ApiProblem, api_of, candidate_url
from hotgigs.web.api.schemas import (
    CandidateList,
    CandidateSummary,
    CandidateView,
    EducationView,
    ExperienceView,
    MatchView,
    Problem,
)
from matching.search import MAX_RESULTS, search_candidates
from pipeline.summary import top_matches
from storage.models import Candidate, CandidateSkill, Resume


def _summary(settings: Settings, c: Candidate) -> CandidateSummary:
    return CandidateSummary(id=c.id, name=c.name, email=c.email, latest_title=c.latest_title,
                            latest_company=c.latest_company, location=c.location,
                            updated_at=c.updated_at, url=candidate_url(settings, c.id))


def candidates_router() -> APIRouter:
    router = APIRouter(tags=["candidates"])
    errors: dict[int | str, dict[str, object]] = {
        401: {"model": Problem, "description": "no valid token"},
        429: {"model": Problem, "description": "past the rate limit"}}

    @router.get("/candidates", response_model=CandidateList, responses=errors,
                summary="Search your candidates")
    def list_candidates(
        request: Request, who: Annotated[Caller, Depends(caller)],
        query: Annotated[str | None, Query(
            max_length=200, description="words matched in name, email, title, company, "
                                        "skills; none: the most recent")] = None,
        limit: Annotated[int, Query(ge=1, le=MAX_RESULTS)] = 50,
    ) -> CandidateList:
        api = api_of(request)
        with api.services.db.session() as session:
            found = search_candidates(session, who.recruiter_id, query, limit=limit)
            return CandidateList(query=query,
                                 candidates=[_summary(api.settings, c) for c in found])

    @router.get("/candidates/{candidate_id}", response_model=CandidateView,
                responses={**errors, 404: {"model": Problem, "description": "not yours"}},
                summary="One candidate: parsed fields, skills and best job matches")
    def get_candidate(candidate_id: int, request: Request,
                      who: Annotated[Caller, Depends(caller)]) -> CandidateView:
        api = api_of(request)
        with api.services.db.session() as session:
            c = session.get(Candidate, candidate_id)
            if c is None or c.owner_id != who.recruiter_id:
                raise ApiProblem(404, "No such candidate.")
            data = c.data or {}
            skills = list(session.scalars(select(CandidateSkill.skill)
                                          .where(CandidateSkill.candidate_id == c.id)
                                          .order_by(CandidateSkill.skill)))
            versions = session.scalar(select(func.count()).select_from(Resume)
                                      .where(Resume.candidate_id == c.id)) or 0
            return CandidateView(
                **_summary(api.settings, c).model_dump(), phone=c.phone,
                links=list(data.get("links") or []), summary=data.get("summary"),
                skills=skills or list(data.get("skills") or []),
                experience=[ExperienceView.model_validate(e)
                            for e in data.get("experience") or []],
                education=[EducationView.model_validate(e) for e in data.get("education") or []],
                resumes=int(versions),
                matches=[MatchView.model_validate(m)
                         for m in top_matches(session, c.id, limit=10)])

    return router
