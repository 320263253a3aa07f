"""Open positions, and the two questions asked of them: who fits a job, which jobs fit a person.

`match_job` ranks candidates for a saved job or for a free-text description; `find_matches`
runs after each parse and stores the candidate's best open jobs in `candidate_matches`. Jobs
with an owner match only that recruiter's candidates; jobs without one (an operator's) match
everyone's.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from collections.abc import Callable

from sqlalchemy import delete, or_, select
from sqlalchemy.orm import Session

from matching.analysis import ANALYSIS_VERSION, JobAnalysis, analyze_job
from matching.index import index_candidate
from matching.rank import rank, score_candidate
from matching.score import Match
from pipeline.summary import top_matches as top_matches  # replies read stored matches there
from storage.db import Database
from storage.models import Candidate, CandidateMatch, Job, utcnow

log = logging.getLogger(__name__)

CANDIDATE_TOP = 5  # open jobs kept per candidate in candidate_matches
JOB_TOP = 20  # candidates kept per job when it is saved


def slugify(title: str) -> str:
    ascii_title = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode()
    return "-".join(re.findall(r"[a-z0-9]+", ascii_title.lower()))[:80] or "job"


def create_job(session: Session, *, title: str, description: str, location: str | None = None,
               remote: bool = False, owner_id: int | None = None) -> Job:
    """Save and analyse a job, then store its best candidates; the slug is unique."""
    base = slugify(title)
    taken = set(session.scalars(select(Job.slug).where(
        or_(Job.slug == base, Job.slug.like(f"{base}-%")))))
    slug, n = base, 2
    while slug in taken:
        slug, n = f"{base}-{n}", n + 1
    analysis = analyze_job(title, description, location=location, remote=remote or None)
    job = Job(slug=slug, title=title.strip(), description=description, location=location,
              remote=analysis.remote, owner_id=owner_id, analysis=analysis.model_dump())
    session.add(job)
    session.flush()
    store_job_matches(session, job)
    return job


def resolve_job(session: Session, ref: str) -> Job | None:
    """A job by id or slug; None when `ref` names no saved job (it may be free text)."""
    ref = ref.strip()
    if ref.isdigit():
        found = session.get(Job, int(ref))
        if found is not None:
            return found
    return session.scalar(select(Job).where(Job.slug == ref))


def list_jobs(session: Session, *, include_closed: bool = False,
              owner_id: int | None = None) -> list[Job]:
    query = select(Job).order_by(Job.id)
    if not include_closed:
        query = query.where(Job.status == "open")
    if owner_id is not None:
        query = query.where(or_(Job.owner_id == owner_id, Job.owner_id.is_(None)))
    return list(session.scalars(query))


def close_job(session: Session, job: Job) -> None:
    job.status = "closed"


def analysis_of(job: Job) -> JobAnalysis:
    """The stored analysis (re-made when it is missing or from an older analyser)."""
    try:
        found = JobAnalysis.model_validate(job.analysis or {})
    except ValueError:
        found = None
    if found is None or found.version != ANALYSIS_VERSION:
        found = analyze_job(job.title, job.description, location=job.location,
                            remote=job.remote or None)
        job.analysis = found.model_dump()
    return found


def match_job(session: Session, job: Job | str, *, top: int = 10,
              owner_id: int | None = None) -> list[Match]:
    """Best candidates for a saved job, or for free text (an unsaved description).

    Only `owner_id`'s candidates when given; else the job owner's; a job without an owner,
    or free text without `owner_id`, ranks every recruiter's candidates (operator use).
    """
    if isinstance(job, str):
        first = job.strip().partition("\n")[0]
        analysis = analyze_job(first if len(first.split()) <= 10 else "", job)
    else:
        analysis = analysis_of(job)
        owner_id = owner_id if owner_id is not None else job.owner_id
    return rank(session, analysis, owner_id=owner_id, top=top)


def _store(session: Session, job_id: int, match: Match) -> None:
    row = session.scalar(select(CandidateMatch).where(
        CandidateMatch.candidate_id == match.candidate_id, CandidateMatch.job_id == job_id))
    if row is None:
        session.add(CandidateMatch(candidate_id=match.candidate_id, job_id=job_id,
                                   score=match.score, explanation=match.explanation))
    else:
        row.score, row.explanation, row.created_at = match.score, match.explanation, utcnow()


def store_job_matches(session: Session, job: Job, top: int = JOB_TOP) -> list[Match]:
    matches = match_job(session, job, top=top)
    for match in matches:
        _store(session, job.id, match)
    return matches


def find_matches(session: Session, candidate_id: int, top: int = CANDIDATE_TOP) -> list[Match]:
    """Index the candidate, score them against open jobs, keep their `top` in candidate_matches."""
    profile = index_candidate(session, candidate_id)
    if profile is None:
        return []
    owner = session.scalar(select(Candidate.owner_id).where(Candidate.id == candidate_id))
    jobs = session.scalars(select(Job).where(
        Job.status == "open", or_(Job.owner_id == owner, Job.owner_id.is_(None))))
    scored: list[tuple[Match, int]] = []
    for job in jobs:
        match = score_candidate(session, analysis_of(job), candidate_id)
        if match is not None:
            scored.append((match, job.id))
    scored.sort(key=lambda pair: (-pair[0].score, pair[1]))
    session.execute(delete(CandidateMatch).where(CandidateMatch.candidate_id == candidate_id))
    for match, job_id in scored[:top]:
        session.add(CandidateMatch(candidate_id=candidate_id, job_id=job_id, score=match.score,
                                   explanation=match.explanation))
    return [m for m, _ in scored[:top]]


def matches_hook(db: Database) -> Callable[[int], None]:
    """What the worker calls after each parse (TaskContext.after_candidate)."""

    def run(candidate_id: int) -> None:
        try:
            with db.session() as session:
                found = find_matches(session, candidate_id)
            log.info("candidate %s: %d job matches stored", candidate_id, len(found))
        except Exception:  # the resume is parsed and saved; a matching bug must not undo that
            log.exception("candidate %s: matching failed", candidate_id)

    return run

