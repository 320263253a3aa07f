"""`/jobs` and `/jobs/{slug}`: a recruiter's open positions and who fits them.

Jobs are saved, ranked, closed and reopened by `matching` (the same use cases as `hotgigs job`
and Slack); this module only reads forms and renders. A recruiter sees their own jobs and the
operator's shared ones (no owner), ranked against their own candidates only; anyone else's job
is a 404.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, FastAPI, Request
from sqlalchemy import func, or_, select
from starlette.responses import RedirectResponse, Response

from hotgigs.bootstrap import Services
from hotgigs.web.forms import recruiter_form
from hotgigs.web.pages import pages_of
from hotgigs.web.session import SignedIn, signed_in
from storage.models import Candidate, CandidateMatch, Job

SOURCE = "web"
TOP = 20
LIMITS = {"title": 300, "description": 20_000, "location": 200}


def visible(services: Services, owner_id: int, slug: str) -> Job | None:
    """The job named `slug` when this recruiter may see it (theirs, or shared), else None."""
    with services.db.session() as session:
        return session.scalar(select(Job).where(
            Job.slug == slug, or_(Job.owner_id == owner_id, Job.owner_id.is_(None))))


def listing(services: Services, owner_id: int, strong: float) -> list[dict[str, Any]]:
    """The recruiter's jobs (open first, newest first) with their strong matches counted."""
    with services.db.session() as session:
        jobs = list(session.scalars(
            select(Job).where(or_(Job.owner_id == owner_id, Job.owner_id.is_(None)))
            .order_by(Job.status.desc(), Job.id.desc())))
        counts = dict(session.execute(
            select(CandidateMatch.job_id, func.count())
            .join(Candidate, Candidate.id == CandidateMatch.candidate_id)
            .where(Candidate.owner_id == owner_id, CandidateMatch.score >= strong)
            .group_by(CandidateMatch.job_id)).all())
    return [{"job": job, "strong": int(counts.get(job.id, 0)), "mine": job.owner_id == owner_id}
            for job in jobs]


def check(fields: dict[str, str]) -> tuple[dict[str, Any], dict[str, str]]:
    """The job form's values, and an error per field that is wrong."""
    values: dict[str, Any] = {k: " ".join(fields.get(k, "").split()) if k != "description"
                              else fields.get(k, "").strip() for k in LIMITS}
    values["remote"] = fields.get("remote") == "yes"
    errors: dict[str, str] = {}
    if not values["title"]:
        errors["title"] = "Give the job a title."
    if not values["description"]:
        errors["description"] = "Paste the job description: skills and years are read from it."
    for key, limit in LIMITS.items():
        if len(values[key]) > limit:
            errors[key] = f"At most {limit:,} characters."
    return values, errors


def add_job_routes(app: FastAPI, services: Services) -> None:
    from matching import close_job, create_job, reopen_job
    from matching.service import match_for

    router = APIRouter(include_in_schema=False)
    strong = services.settings.digest_strong_score

    def jobs_page(request: Request, me: SignedIn, status: int = 200,
                  values: dict[str, Any] | None = None,
                  errors: dict[str, str] | None = None) -> Response:
        return pages_of(request).render(
            request, "jobs.html", status, jobs=listing(services, me.recruiter_id, strong),
            values=values or {}, errors=errors or {}, strong_score=round(strong))

    def not_found(request: Request) -> Response:
        return pages_of(request).render(request, "message.html", 404, title="Not found",
                                        message="No such job.", link=("/jobs", "Your jobs"))

    @router.get("/jobs")
    def jobs(request: Request, me: SignedIn = Depends(signed_in)) -> Response:
        return jobs_page(request, me)

    @router.post("/jobs")
    def add(request: Request,
            posted: tuple[SignedIn, dict[str, str]] = Depends(recruiter_form)) -> Response:
        me, fields = posted
        values, errors = check(fields)
        if errors:
            return jobs_page(request, me, 400, values, errors)
        with services.db.session() as session:
            job = create_job(session, title=values["title"], description=values["description"],
                             location=values["location"] or None, remote=values["remote"],
                             owner_id=me.recruiter_id)
            slug = job.slug
        return RedirectResponse(f"/jobs/{slug}", status_code=303)

    @router.get("/jobs/{slug}")
    def job_page(request: Request, slug: str, me: SignedIn = Depends(signed_in)) -> Response:
        job = visible(services, me.recruiter_id, slug)
        if job is None:
            return not_found(request)
        result = match_for(services.db, str(job.id), top=TOP, owner_id=me.recruiter_id,
                           actor=me.email, source=SOURCE)
        return pages_of(request).render(request, "job.html", job=job, rows=result.rows,
                                        analysis=job.analysis or {},
                                        mine=job.owner_id == me.recruiter_id)

    @router.post("/jobs/{slug}/status")
    def set_status(request: Request, slug: str,
                   posted: tuple[SignedIn, dict[str, str]] = Depends(recruiter_form)) -> Response:
        me, fields = posted
        action = fields.get("action")
        with services.db.session() as session:
            job = session.scalar(select(Job).where(Job.slug == slug,
                                                   Job.owner_id == me.recruiter_id))
            if job is None or action not in ("close", "reopen"):
                job = None
            elif action == "close":
                close_job(session, job)
            else:
                reopen_job(session, job)
        if job is None:
            return not_found(request)
        return RedirectResponse(f"/jobs/{slug}", status_code=303)

    app.include_router(router)
