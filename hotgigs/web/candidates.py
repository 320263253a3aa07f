"""`/candidates` and `/candidates/{id}`: a recruiter's own candidates, searched and read.

Everything is filtered by the signed-in recruiter (`Candidate.owner_id`): another recruiter's
candidate, resume or file is a 404, the same as one that does not exist. Opening a candidate
page or downloading an original file is written to the audit log, as `/admin` does.
"""

from __future__ import annotations

import mimetypes
from typing import Any
from urllib.parse import quote

from fastapi import APIRouter, Depends, FastAPI, Request
from sqlalchemy import or_, select
from starlette.responses import Response

from hotgigs.bootstrap import Services
from hotgigs.web.pages import pages_of
from hotgigs.web.session import SignedIn, signed_in
from matching.search import count_candidates, search_candidates
from pipeline.identity import list_links
from storage import audit
from storage.models import Candidate, CandidateMatch, CandidateSkill, Job, Recruiter, Resume

PER_PAGE = 25
SOURCE = "web"  # the audit log's channel for the recruiter pages


def search(services: Services, owner_id: int, query: str, page: int
           ) -> tuple[list[Candidate], int]:
    """One page of the owner's candidates (newest update first) and how many match in all."""
    with services.db.session() as session:
        return (search_candidates(session, owner_id, query, limit=PER_PAGE,
                                  offset=(page - 1) * PER_PAGE),
                count_candidates(session, owner_id, query))


def owned(services: Services, owner_id: int, candidate_id: int) -> Candidate | None:
    with services.db.session() as session:
        found = session.get(Candidate, candidate_id)
        return found if found is not None and found.owner_id == owner_id else None


def profile(services: Services, me: SignedIn, candidate_id: int) -> dict[str, Any] | None:
    """The candidate page's data (None: not this recruiter's); the view is audited."""
    with services.db.session() as session:
        candidate = session.get(Candidate, candidate_id)
        if candidate is None or candidate.owner_id != me.recruiter_id:
            return None
        resumes = list(session.scalars(select(Resume).where(Resume.candidate_id == candidate_id)
                                       .order_by(Resume.id.desc())))
        matches = session.execute(
            select(CandidateMatch.score, CandidateMatch.explanation, Job.title, Job.slug,
                   Job.status)
            .join(Job, Job.id == CandidateMatch.job_id)
            .where(CandidateMatch.candidate_id == candidate_id,
                   or_(Job.owner_id == me.recruiter_id, Job.owner_id.is_(None)))
            .order_by(CandidateMatch.score.desc())).all()
        skills = list(session.scalars(select(CandidateSkill.skill)
                                      .where(CandidateSkill.candidate_id == candidate_id)
                                      .order_by(CandidateSkill.skill)))
        identity = session.scalar(select(Recruiter.identity)
                                  .where(Recruiter.id == me.recruiter_id))
        audit.record(session, "viewed", actor=me.email, source=SOURCE,
                     candidate_id=candidate_id)
    links = list_links(services.db, identity, status="possible", candidate_id=candidate_id)
    return {
        "candidate": candidate, "data": candidate.data or {}, "skills": skills,
        "resumes": [{"id": r.id, "filename": r.filename, "status": r.status,
                     "outcome": r.outcome, "reason": r.failure_reason, "source": r.source,
                     "created_at": r.created_at, "size": r.size,
                     "stored": bool(r.storage_key)} for r in resumes],
        "matches": [{"score": round(score), "summary": (exp or {}).get("summary") or "",
                     "reasons": list((exp or {}).get("reasons") or []), "title": title,
                     "slug": slug, "status": status}
                    for score, exp, title, slug, status in matches],
        "duplicates": [{"other_id": (link.other_id if link.candidate_id == candidate_id
                                     else link.candidate_id),
                        "other_name": (link.other_name if link.candidate_id == candidate_id
                                       else link.candidate_name),
                        "evidence": link.evidence} for link in links if link.other_id],
    }


def original_file(services: Services, me: SignedIn, candidate_id: int,
                  resume_id: int) -> Response | None:
    """The resume's original bytes, decrypted, as an attachment (None: not theirs)."""
    with services.db.session() as session:
        resume = session.get(Resume, resume_id)
        candidate = session.get(Candidate, candidate_id)
        if resume is None or candidate is None or resume.candidate_id != candidate_id \
                or candidate.owner_id != me.recruiter_id or not resume.storage_key:
            return None
        audit.record(session, "viewed", actor=me.email, source=SOURCE,
                     candidate_id=candidate_id, resume_id=resume_id, file=True)
        key, filename, mime = resume.storage_key, resume.filename, resume.mime
    content = services.blobs.get(key)
    kind = mime or mimetypes.guess_type(filename)[0] or "application/octet-stream"
    return Response(content, media_type=kind, headers={
        "Content-Disposition": attachment(filename),
        "X-Content-Type-Options": "nosniff", "Cache-Control": "no-store"})


def attachment(filename: str) -> str:
    """`attachment` with an ASCII fallback name and the real one (RFC 6266 / 5987)."""
    plain = "".join(ch if 32 <= ord(ch) < 127 and ch not in '"\\' else "_" for ch in filename)
    return f"attachment; filename=\"{plain or 'resume'}\"; filename*=UTF-8''{quote(filename)}"


def _id(raw: str) -> int | None:
    """A row id from a URL, or None (not a number, or past what the database column holds)."""
    return int(raw) if raw.isdigit() and len(raw) <= 9 else None


def _page_number(raw: str | None) -> int:
    return max(1, min(int(raw), 10_000)) if raw and raw.isdigit() else 1


def add_candidate_routes(app: FastAPI, services: Services) -> None:
    router = APIRouter(include_in_schema=False)

    def not_found(request: Request) -> Response:
        return pages_of(request).render(request, "message.html", 404, title="Not found",
                                        message="No such candidate.",
                                        link=("/candidates", "Your candidates"))

    @router.get("/candidates")
    def candidates(request: Request, me: SignedIn = Depends(signed_in), q: str = "",
                   page: str | None = None) -> Response:
        number = _page_number(page)
        rows, total = search(services, me.recruiter_id, q.strip()[:200], number)
        pages = max(1, -(-total // PER_PAGE))
        return pages_of(request).render(request, "candidates.html", rows=rows, total=total,
                                        query=q.strip()[:200], page=number, pages=pages)

    @router.get("/candidates/{candidate_id}")
    def candidate(request: Request, candidate_id: str,
                  me: SignedIn = Depends(signed_in)) -> Response:
        number = _id(candidate_id)
        view = profile(services, me, number) if number is not None else None
        if view is None:
            return not_found(request)
        return pages_of(request).render(request, "candidate.html", **view)

    @router.get("/candidates/{candidate_id}/resumes/{resume_id}/file")
    def download(request: Request, candidate_id: str, resume_id: str,
                 me: SignedIn = Depends(signed_in)) -> Response:
        ids = _id(candidate_id), _id(resume_id)
        found = original_file(services, me, ids[0], ids[1]) \
            if ids[0] is not None and ids[1] is not None else None
        return found if found is not None else not_found(request)

    app.include_router(router)
