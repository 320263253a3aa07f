"""Open positions, and the two questions asked of them: who fits a job, which jobs fit a person.

`match_job` ranks candidates for a saved job or for a free-text description;
`find_matches_many` runs after each recorded chunk of parses and stores every candidate's best
open jobs in `candidate_matches`. Jobs with an owner match only that recruiter's candidates;
jobs without one (an operator's) match everyone's.
"""

from __future__ import annotations

import hashlib
import logging
import re
import unicodedata
from collections.abc import Callable, Iterable
from datetime import date
from typing import Any

from sqlalchemy import Text, cast, delete, or_, select
from sqlalchemy.orm import Session

from matching.analysis import ANALYSIS_VERSION, JobAnalysis, analyze_job, free_text_title
from matching.index import index_candidates, index_for_scoring
from matching.rank import job_queries, load, rank
from matching.score import Candidate, Match, combine, counted, parts_of, weighted
from matching.skill_occupations import with_inferred
from pipeline.summary import top_matches as top_matches  # replies read stored matches there
from storage.bulk import insert_rows
from storage.db import Database
from storage.models import CandidateMatch, Job, table_of, utcnow

log = logging.getLogger(__name__)

Parts = tuple[dict[str, float], dict[str, Any]]  # score.parts_of: parts and their facts

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


def reopen_job(session: Session, job: Job) -> None:
    """Open a closed job again, with its best candidates ranked anew (people imported while
    it was closed were never matched against it)."""
    job.status = "open"
    store_job_matches(session, job)


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
        analysis = analyze_job(free_text_title(job), job)
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


# job id and a digest of its stored analysis -> the analysis as a model: the open jobs are read
# after every chunk, and validating their analyses (thousands of terms each) cost more than
# reading them
_ANALYSES: dict[tuple[int, bytes], JobAnalysis] = {}
_ANALYSES_KEPT = 512


def _open_analyses(session: Session, owners: Iterable[int | None]
                   ) -> list[tuple[int, int | None, JobAnalysis]]:
    """(job id, owner, analysis) of the open jobs any of `owners` sees (their own, and those
    without an owner); each analysis is read as text and validated once per process."""
    named = sorted({o for o in owners if o is not None})
    rows = session.execute(select(Job.id, Job.owner_id, cast(Job.analysis, Text)).where(
        Job.status == "open", or_(Job.owner_id.is_(None), Job.owner_id.in_(named)))
        .order_by(Job.id))
    found = []
    for job_id, owner_id, stored in rows:
        key = (int(job_id), hashlib.blake2b((stored or "").encode(), digest_size=16).digest())
        analysis = _ANALYSES.get(key)
        if analysis is None:
            try:
                analysis = JobAnalysis.model_validate_json(stored or "{}")
            except ValueError:
                analysis = None
            if analysis is None or analysis.version != ANALYSIS_VERSION:
                job = session.get(Job, job_id)
                assert job is not None
                analysis = analysis_of(job)  # re-made and stored, as before
            else:
                if len(_ANALYSES) >= _ANALYSES_KEPT:
                    _ANALYSES.clear()
                _ANALYSES[key] = analysis
        found.append((int(job_id), owner_id, analysis))
    return found


def _best_open_jobs(session: Session, owners: dict[int, int | None], top: int,
                    views: dict[int, Candidate] | None = None
                    ) -> dict[int, list[tuple[Match, int]]]:
    """Each candidate's `top` (match, job id) pairs, best first, among the open jobs the
    candidate's owner sees.

    The candidates are loaded once (or given: `views`, as scoring sees profiles just built)
    and each job's corpus statistics read once, however many candidates it is scored for;
    every pair is scored, but only the kept ones are explained (an explanation costs more
    than the score, and half the pairs are dropped at 10 jobs).
    """
    loaded = views if views is not None else {c.id: c for c in load(session, list(owners))}
    seen_by: list[tuple[int, JobAnalysis, list[int]]] = []
    for job_id, job_owner, job_analysis in _open_analyses(session, owners.values()):
        viewers = [cid for cid in owners if cid in loaded
                   and (job_owner is None or job_owner == owners[cid])]
        if viewers:
            seen_by.append((job_id, job_analysis, viewers))
    if not seen_by:
        return {cid: [] for cid in owners}
    today = date.today()
    analyses = with_inferred(session, [analysis for _, analysis, _ in seen_by])
    scored: dict[int, list[tuple[float, int, JobAnalysis, Parts]]] = {cid: [] for cid in owners}
    for (job_id, _, viewers), analysis, (query, avg_len) in zip(
            seen_by, analyses, _queries(session, analyses), strict=True):
        only = counted(analysis)
        for cid in viewers:
            parts = parts_of(analysis, loaded[cid], query, avg_len, today, only)
            scored[cid].append((weighted(analysis, parts[0]), job_id, analysis, parts))
    best: dict[int, list[tuple[Match, int]]] = {}
    for cid, pairs in scored.items():
        pairs.sort(key=lambda pair: (-pair[0], pair[1]))  # as `combine` scores, job id next
        best[cid] = [(combine(analysis, loaded[cid], *parts), job_id)
                     for _, job_id, analysis, parts in pairs[:top]]
    return best


def _queries(session: Session, analyses: list[JobAnalysis]
             ) -> list[tuple[dict[str, float], float]]:
    """`job_queries` for the jobs that count text relevance; an empty query for the rest.

    The query's word statistics are a read of `term_stats` per chunk; described jobs give
    text no weight (`matching.score.WEIGHTS`), so a chunk matched only against them skips it.
    """
    texty = [a for a in analyses if "text" in counted(a)]
    found = iter(job_queries(session, texty) if texty else [])
    return [next(found) if "text" in counted(a) else ({}, 0.0) for a in analyses]


def _replace_matches(session: Session, best: dict[int, list[tuple[Match, int]]]) -> None:
    """Swap the candidates' stored matches for `best`: one DELETE, then one batch of inserts."""
    table = table_of(CandidateMatch)  # a Core DELETE: no search of the session's objects
    session.execute(delete(table).where(table.c.candidate_id.in_(list(best))))
    rows = [{"candidate_id": cid, "job_id": job_id, "score": match.score,
             "explanation": match.explanation}
            for cid, pairs in best.items() for match, job_id in pairs]
    insert_rows(session, table_of(CandidateMatch), rows)  # COPY on PostgreSQL


def find_matches_many(session: Session, candidate_ids: Iterable[int],
                      top: int = CANDIDATE_TOP) -> dict[int, list[Match]]:
    """Index a chunk of candidates, score them against open jobs, keep each one's `top`.

    Returns each existing candidate's stored matches, best first (ids of deleted candidates
    are absent). Everyone is scored with the corpus statistics as they are after the whole
    chunk is indexed: the result equals indexing the chunk, then scoring its candidates one at
    a time. That differs slightly from the former per-resume order (index one, score it, index
    the next), where early candidates of a chunk saw word statistics without the later ones;
    scores depend on the chunk, not on a candidate's position in it.
    """
    profiles = index_candidates(session, candidate_ids)
    return match_indexed(session, {cid: p.owner_id for cid, p in profiles.items()}, top)


def match_indexed(session: Session, owners: dict[int, int | None],
                  top: int = CANDIDATE_TOP,
                  views: dict[int, Candidate] | None = None) -> dict[int, list[Match]]:
    """Score already indexed candidates (id -> owner) against open jobs; keep each one's `top`.

    `views`: the candidates as `matching.index.index_for_scoring` made them from the profiles just
    written, so they are not read back (a query and the JSON of every profile per chunk).
    Reads and scoring come first, the writes last: on SQLite the write lock is then held
    only for the DELETE and INSERT of the stored matches, not while scoring.
    """
    if not owners:
        return {}
    best = _best_open_jobs(session, owners, top, views)
    _replace_matches(session, best)
    return {cid: [match for match, _ in pairs] for cid, pairs in best.items()}


def find_matches(session: Session, candidate_id: int, top: int = CANDIDATE_TOP) -> list[Match]:
    """`find_matches_many` for a single candidate, for callers holding one id."""
    return find_matches_many(session, [candidate_id], top).get(candidate_id, [])


def _id_list(candidate_ids: list[int]) -> str:
    """The ids a log line is about (ids only: log lines never carry personal data)."""
    return ",".join(str(cid) for cid in dict.fromkeys(candidate_ids))


def matches_hook(db: Database) -> Callable[[list[int]], None]:
    """What the worker calls once per recorded chunk (TaskContext.after_candidate)."""

    def run(candidate_ids: list[int]) -> None:
        if not candidate_ids:
            return
        shown = _id_list(candidate_ids)
        try:
            # Two transactions, as `find_matches_many` in two steps: the index's writes
            # (term_stats rows, the SQLite write lock) are released before the scoring.
            with db.session() as session:
                owners, views = index_for_scoring(session, candidate_ids)
            with db.session() as session:
                found = match_indexed(session, owners, views=views)
            log.info("candidates %s: %d job matches stored for %d of %d candidates", shown,
                     sum(len(m) for m in found.values()), len(found), len(set(candidate_ids)))
        except Exception:  # the resumes are parsed and saved; a matching bug must not undo that
            log.exception("candidates %s: matching failed", shown)

    return run
