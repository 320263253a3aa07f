"""`POST/GET /api/v1/jobs` and `GET /api/v1/jobs/{slug}/matches`: the same matching services
as `hotgigs job`/`hotgigs match` and Slack's `/hotgigs match`, seen by the caller's eyes (their
jobs and the operator's shared ones; their own candidates only)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request, Response
from sqlalchemy.orm import Session

from hotgigs.web.api.auth import Caller, caller
from hotgigs.web.api.context import ApiProblem, api_of, candidate_url
from hotgigs.web.api.schemas import JobIn, JobList, JobView, MatchList, Problem, RankedCandidate
from matching import create_job, list_jobs, resolve_job
from matching.service import match_for
from storage.models import Job


def job_view(job: Job) -> JobView:
    a = job.analysis or {}
    return JobView(id=job.id, slug=job.slug, title=job.title, status=job.status,
                   location=job.location, remote=job.remote,
                   required_skills=list(a.get("required_skills") or []),
                   nice_skills=list(a.get("nice_skills") or []), min_years=a.get("min_years"),
                   seniority=a.get("seniority"), matches_url=f"/api/v1/jobs/{job.slug}/matches")


def visible_job(session: Session, slug: str, who: Caller) -> Job:
    """The caller's job or a shared (operator's) one; another recruiter's is 404."""
    job = resolve_job(session, slug)
    if job is None or job.owner_id not in (None, who.recruiter_id):
        raise ApiProblem(404, "No such job.")
    return job


def jobs_router() -> APIRouter:
    router = APIRouter(tags=["jobs"])
    errors: dict[int | str, dict[str, object]] = {
        401: {"model": Problem, "description": "no valid token"},
        429: {"model": Problem, "description": "past the rate limit"}}

    @router.post("/jobs", status_code=201, response_model=JobView,
                 responses={**errors, 422: {"model": Problem, "description": "bad fields"}},
                 summary="Save a job (analysed once; its best candidates are stored)")
    def add_job(job: JobIn, request: Request, response: Response,
                who: Annotated[Caller, Depends(caller)]) -> JobView:
        with api_of(request).services.db.session() as session:
            saved = create_job(session, title=job.title, description=job.description,
                               location=job.location, remote=job.remote,
                               owner_id=who.recruiter_id)
            view = job_view(saved)
        response.headers["Location"] = view.matches_url.removesuffix("/matches")
        return view

    @router.get("/jobs", response_model=JobList, responses=errors,
                summary="Your open jobs (and the shared ones)")
    def get_jobs(request: Request, who: Annotated[Caller, Depends(caller)],
                 include_closed: bool = False) -> JobList:
        with api_of(request).services.db.session() as session:
            jobs = list_jobs(session, include_closed=include_closed, owner_id=who.recruiter_id)
            return JobList(jobs=[job_view(j) for j in jobs])

    @router.get("/jobs/{slug}/matches", response_model=MatchList,
                responses={**errors, 404: {"model": Problem, "description": "no such job"}},
                summary="Your best candidates for a job, with scores (0-100) and reasons")
    def get_matches(slug: str, request: Request, who: Annotated[Caller, Depends(caller)],
                    top: Annotated[int, Query(ge=1, le=500)] = 10) -> MatchList:
        api = api_of(request)
        with api.services.db.session() as session:
            job_slug = visible_job(session, slug, who).slug
        result = match_for(api.services.db, job_slug, top=top, owner_id=who.recruiter_id,
                           actor=who.identity, source="web")
        return MatchList(job=job_slug, title=result.title, matches=[
            RankedCandidate(rank=r.rank, candidate_id=r.candidate_id,
                            candidate_url=candidate_url(api.settings, r.candidate_id),
                            name=r.name, email=r.email, title=r.title, score=r.score,
                            reason=r.summary, reasons=r.reasons) for r in result.rows])

    return router
