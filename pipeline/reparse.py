"""Re-parse: stored files run through the current parser, so an upgrade reaches old candidates.

`start` picks resumes from the database (the source of truth, not RQ's failed registry): all,
the failed ones whose reason was the parser's (a crash, a time-out, no text: a newer parser
may do better; a password or a corrupt file stays refused), those parsed by a version older
than one given, or those received since a date; optionally one recruiter's. It records a
batch (source `reparse`) whose counters show progress like an import's, and queues chunks on
the low queue. `reparse_resumes` (the RQ task) parses each file again and, in one transaction
per chunk, replaces the stored parse, then re-decides who the resume belongs to by the same
rules as an import (`candidates`), rebuilds the candidates from their resume versions and
audits each resume; matching then re-indexes the candidates that changed.
"""

from __future__ import annotations

import logging
import re
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from redis import RedisError
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from pipeline import candidates, identity, links
from pipeline.context import current
from pipeline.errors import Rejected
from pipeline.models import ParsedResume
from pipeline.parser import PARSER_VERSION, parse_document
from pipeline.queue import RETRY, JobQueue, chunk_sizes
from storage import audit
from storage.db import Database
from storage.files import BlobError
from storage.models import (
    NO_SYNC,
    Batch,
    Candidate,
    CandidateProfile,
    ProcessingJob,
    Recruiter,
    Resume,
    ResumeData,
    utcnow,
)

log = logging.getLogger(__name__)

SOURCE = "reparse"
# failure reasons a better parser may overcome (the others are properties of the file)
PARSER_ERRORS = ("could not be parsed", "parsing took longer than the time limit",
                 "no text found in the file", "needs OCR, but tesseract is not installed",
                 "need antiword", "gave up after")


def parser_error(reason: str | None) -> bool:
    return bool(reason) and any(mark in str(reason) for mark in PARSER_ERRORS)


def version_key(version: str | None) -> tuple[int, ...]:
    """"2.0.10" → (2, 0, 10), so versions compare as numbers; an empty one is the oldest."""
    return tuple(int(part) for part in re.findall(r"\d+", version or "")) or (0,)


@dataclass(frozen=True)
class Selection:
    """Which stored resumes to re-parse; the filters combine (all of them must hold)."""

    all: bool = False
    failed: bool = False
    older_than: str | None = None  # parser version
    since: datetime | None = None
    owner: str | None = None  # recruiter identity

    def describe(self) -> str:
        parts = ["all" if self.all else ""] + (["failed"] if self.failed else [])
        if self.older_than:
            parts.append(f"parser older than {self.older_than}")
        if self.since:
            parts.append(f"since {self.since:%Y-%m-%d}")
        if self.owner:
            parts.append(f"of {self.owner}")
        return "reparse: " + ", ".join(p for p in parts if p)


def eligible(session: Session, selection: Selection) -> list[int]:
    """Resume ids the selection names: stored files, parsed or failed by the parser."""
    query = (select(Resume.id, Resume.status, Resume.failure_reason, ResumeData.parser_version)
             .outerjoin(ResumeData, ResumeData.resume_id == Resume.id)
             .where(Resume.storage_key.is_not(None), Resume.status.in_(("parsed", "failed")))
             .order_by(Resume.id))
    if selection.owner is not None:
        owner_id = session.scalar(select(Recruiter.id)
                                  .where(Recruiter.identity == selection.owner))
        if owner_id is None:
            raise LookupError(f"no recruiter {selection.owner}")
        query = query.join(Batch, Batch.id == Resume.batch_id).where(
            Batch.recruiter_id == owner_id)
    if selection.since is not None:
        query = query.where(Resume.created_at >= selection.since)
    wanted = version_key(selection.older_than) if selection.older_than else None
    found = []
    for rid, status, reason, version in session.execute(query):
        if status == "failed" and not parser_error(reason):
            continue
        if selection.failed and status != "failed":
            continue
        if wanted is not None and (status != "parsed" or version_key(version) >= wanted):
            continue
        found.append(rid)
    return found


def start(db: Database, queue: JobQueue | None, selection: Selection,
          actor: str) -> Batch | None:
    """Record a re-parse batch for the selected resumes and queue it (low priority); None
    when nothing is selected. Without a queue the caller runs `reparse_resumes` itself."""
    with db.session() as session:
        resume_ids = eligible(session, selection)
        if not resume_ids:
            return None
        owner_id = session.scalar(select(Recruiter.id).where(
            Recruiter.identity == selection.owner)) if selection.owner else None
        batch = Batch(source=SOURCE, submitted_by=actor, recruiter_id=owner_id,
                      note=selection.describe(), priority="low", total=len(resume_ids))
        session.add(batch)
        session.flush()
        jobs: list[tuple[str, list[int]]] = []
        start_at = 0
        for size in chunk_sizes(len(resume_ids)):
            part = resume_ids[start_at:start_at + size]
            start_at += size
            job_id = f"reparse-{batch.id}-{part[0]}-{uuid.uuid4().hex[:8]}"
            jobs.append((job_id, part))
            session.add_all(ProcessingJob(resume_id=rid, rq_job_id=job_id, queue="low",
                                          priority="low", enqueued_at=utcnow(),
                                          reparse_batch_id=batch.id) for rid in part)
        audit.record(session, "reparsed", actor=actor, source=SOURCE, candidate_id=None,
                     batch_id=batch.id, resumes=len(resume_ids), parser=PARSER_VERSION)
    log.info("reparse batch %s: %d resumes (%s)", batch.id, len(resume_ids),
             selection.describe())
    if queue is not None:
        try:
            for job_id, part in jobs:
                enqueue(queue, part, batch.id, job_id)
        except RedisError:
            log.exception("reparse batch %s: enqueue failed; run `hotgigs reparse` again",
                          batch.id)
    return batch


def enqueue(queue: JobQueue, resume_ids: list[int], batch_id: int, job_id: str) -> None:
    queue.queues["low"].enqueue_call(
        "pipeline.reparse.reparse_resumes", args=(resume_ids, batch_id), job_id=job_id,
        timeout=queue.job_timeout * len(resume_ids), retry=RETRY, result_ttl=0,
        failure_ttl=7 * 86400, description=f"reparse {resume_ids[0]}…{resume_ids[-1]}")


@dataclass
class _Parse:
    resume_id: int
    parsed: ParsedResume | None
    reason: str | None
    seconds: float


@dataclass
class _Recorded:
    touched: set[int] = field(default_factory=set)  # candidates to re-index
    proven: list[tuple[int, int, str]] = field(default_factory=list)  # (a, b, owner) to merge
    finished: bool = False


def reparse_resumes(resume_ids: list[int], batch_id: int) -> list[str]:
    """RQ task: re-parse these stored resumes for re-parse batch `batch_id`; returns each
    one's new status ("skipped" for one this batch already did)."""
    ctx = current()
    with ctx.db.session() as session:
        todo = dict(session.execute(
            select(ProcessingJob.resume_id, ProcessingJob.id)
            .where(ProcessingJob.reparse_batch_id == batch_id,
                   ProcessingJob.resume_id.in_(resume_ids),
                   ProcessingJob.finished_at.is_(None))).all())
        files = {row.id: row for row in session.execute(
            select(Resume.id, Resume.filename, Resume.storage_key)
            .where(Resume.id.in_(list(todo))))}
        session.execute(update(ProcessingJob).where(ProcessingJob.id.in_(list(todo.values())))
                        .values(status="started", started_at=utcnow(),
                                attempts=ProcessingJob.attempts + 1))
    results = [_parse(rid, files[rid].filename, files[rid].storage_key)
               for rid in resume_ids if rid in todo and rid in files]
    recorded = _record(batch_id, results)
    for a, b, owner in recorded.proven:  # the new parse proves two records are one person
        try:
            done = identity.merge(ctx.db, a, b, owner=owner, actor=SOURCE, source=SOURCE)
            recorded.touched.discard(max(a, b))
            recorded.touched.add(done.kept)
        except identity.IdentityError as exc:
            log.info("reparse batch %s: candidates %s and %s not merged (%s)", batch_id, a, b,
                     exc)
    if recorded.touched:
        for hook in ctx.after_candidate:
            hook(sorted(recorded.touched))
    if recorded.finished:
        from pipeline.tasks import send_reply

        send_reply(batch_id)
    statuses = {r.resume_id: "parsed" if r.parsed else "failed" for r in results}
    return [statuses.get(rid, "skipped") for rid in resume_ids]


def _parse(resume_id: int, filename: str, storage_key: str | None) -> _Parse:
    ctx = current()
    started = time.monotonic()
    try:
        if storage_key is None:
            raise Rejected("the file's bytes were not stored")
        try:
            data = ctx.blobs.get(storage_key)
        except BlobError as exc:
            raise Rejected(str(exc)) from None
        try:
            parsed = parse_document(data, filename, enhancer=ctx.enhancer,
                                    default_region=ctx.default_region)
        except Rejected:
            raise
        except Exception as exc:  # a parser bug on this file: recorded, the batch goes on
            log.exception("resume %s: parser raised on re-parse", resume_id)
            raise Rejected(f"could not be parsed ({type(exc).__name__})") from exc
        return _Parse(resume_id, parsed, None, time.monotonic() - started)
    except Rejected as exc:
        return _Parse(resume_id, None, exc.reason, time.monotonic() - started)


def _without_meta(data: dict[str, Any] | None) -> dict[str, Any]:
    return {k: v for k, v in (data or {}).items() if k != "meta"}


def _record(batch_id: int, results: list[_Parse]) -> _Recorded:
    """One transaction: new parses stored, candidates re-decided and rebuilt, counters."""
    ctx = current()
    recorded = _Recorded()
    with ctx.db.session() as session:
        batch = session.get(Batch, batch_id)
        actor = batch.submitted_by if batch is not None else SOURCE
        parsed = failed = 0
        for result in results:
            if _record_one(session, result, batch_id, actor, recorded):
                parsed += 1
            else:
                failed += 1
        session.execute(update(ProcessingJob).where(
            ProcessingJob.reparse_batch_id == batch_id,
            ProcessingJob.resume_id.in_([r.resume_id for r in results]),
            ProcessingJob.finished_at.is_(None)).values(finished_at=utcnow(),
                                                        status="finished"))
        row = session.execute(
            update(Batch).where(Batch.id == batch_id)
            .values(parsed=Batch.parsed + parsed, failed=Batch.failed + failed)
            .returning(Batch.parsed, Batch.failed, Batch.total)).one()
        if row.parsed + row.failed >= row.total and parsed + failed:
            session.execute(update(Batch).where(Batch.id == batch_id)
                            .values(state="done", finished_at=utcnow()))
            recorded.finished = True
    return recorded


def _record_one(session: Session, result: _Parse, batch_id: int, actor: str,
                recorded: _Recorded) -> bool:
    """Record one re-parse; True when it parsed."""
    resume = session.get(Resume, result.resume_id)
    if resume is None:
        return False
    owner_id = session.scalar(select(Batch.recruiter_id).where(Batch.id == resume.batch_id))
    if owner_id is not None:
        # the lock an import's merge takes (candidates.attach_all): one writer per recruiter
        session.execute(update(Recruiter).where(Recruiter.id == owner_id)
                        .values(id=Recruiter.id), execution_options=NO_SYNC)
    stored = session.scalar(select(ResumeData).where(ResumeData.resume_id == resume.id))
    before = stored.parser_version if stored is not None else None
    if result.parsed is None:
        session.execute(update(ProcessingJob).where(
            ProcessingJob.reparse_batch_id == batch_id, ProcessingJob.resume_id == resume.id)
            .values(error=result.reason, status="failed"))
        if resume.status == "failed":  # a parsed resume keeps its last good parse
            resume.failure_reason = result.reason
        return False
    data = result.parsed.model_dump(mode="json")
    changed = stored is None or _without_meta(stored.data) != _without_meta(data)
    if stored is None:
        session.add(ResumeData(resume_id=resume.id, parser_version=PARSER_VERSION, data=data))
    else:
        stored.parser_version, stored.data = PARSER_VERSION, data
    session.flush()
    arrival = candidates.Arrival(resume.id, resume.sha256, result.parsed, data)
    was = resume.candidate_id
    if was is not None and identity.resumes_of(session, was) != [resume.id]:
        # one version among several: it goes wherever the rules now put it
        resume.candidate_id = None
        session.flush()
        identity.rebuild(session, was, owner_id)
        recorded.touched.add(was)
        was = None
    if was is None:
        [(cid, outcome)] = candidates.attach_all(session, owner_id, [arrival])
        resume.candidate_id, resume.outcome = cid, outcome
    else:  # their only resume: the candidate is rebuilt from it, and re-judged
        cid = was
        identity.rebuild(session, cid, owner_id)
        proven, proof, suspects = candidates.resemblance(session, owner_id, arrival, cid)
        if proven is not None and proof is not None:
            owner = session.scalar(select(Recruiter.identity).where(Recruiter.id == owner_id))
            recorded.proven.append((proven, cid, owner or ""))
        links.record(session, owner_id, [
            links.Found(links.POSSIBLE, other, cid, why.evidence(), resume.id)
            for other, why in suspects])
    resume.status, resume.failure_reason, resume.updated_at = "parsed", None, utcnow()
    recorded.touched.add(cid)
    audit.record(session, "reparsed", actor=actor, source=SOURCE, candidate_id=cid,
                 batch_id=batch_id, resume_id=resume.id, parser_before=before,
                 parser=PARSER_VERSION, changed=changed)
    return True


def reparse_in_process(db: Database, batch_id: int) -> None:
    """Run a re-parse batch here, chunk by chunk (no Redis: `hotgigs reparse` says so)."""
    with db.session() as session:
        pending = list(session.scalars(
            select(ProcessingJob.resume_id).where(ProcessingJob.reparse_batch_id == batch_id,
                                                  ProcessingJob.finished_at.is_(None))
            .order_by(ProcessingJob.resume_id)))
    for size_start in range(0, len(pending), 16):
        reparse_resumes(pending[size_start:size_start + 16], batch_id)



REINDEX_CHUNK = 200


def reindex(db: Database, owner: str | None,
            hook: Callable[[list[int]], None]) -> tuple[int, int]:
    """Rebuild the matching profile and stored matches of every candidate (one recruiter's
    with `owner`), `REINDEX_CHUNK` at a time through matching's hook; candidates imported
    before matching existed get their first profile. Returns (candidates, profiles after)."""
    with db.session() as session:
        query = select(Candidate.id).order_by(Candidate.id)
        if owner is not None:
            query = query.join(Recruiter, Recruiter.id == Candidate.owner_id).where(
                Recruiter.identity == owner)
        ids = list(session.scalars(query))
    for begin in range(0, len(ids), REINDEX_CHUNK):
        hook(ids[begin:begin + REINDEX_CHUNK])
    with db.session() as session:
        profiles = session.scalar(select(func.count()).select_from(CandidateProfile).where(
            CandidateProfile.candidate_id.in_(ids))) if ids else 0
    log.info("reindex: %d candidates, %d profiles", len(ids), profiles or 0)
    return len(ids), int(profiles or 0)


def sweep_lost(queue: JobQueue, held: set[str], cutoff: datetime) -> list[int]:
    """Re-queue re-parse chunks the database says are unfinished and Redis no longer holds
    (run by the sweeper); returns the re-parse batches concerned."""
    with current().db.session() as session:
        lost: dict[tuple[int, str], list[int]] = {}
        for rid, batch_id, job_id in session.execute(
                select(ProcessingJob.resume_id, ProcessingJob.reparse_batch_id,
                       ProcessingJob.rq_job_id)
                .where(ProcessingJob.reparse_batch_id.is_not(None),
                       ProcessingJob.finished_at.is_(None),
                       ProcessingJob.enqueued_at < cutoff)
                .order_by(ProcessingJob.resume_id)):
            if job_id not in held and batch_id is not None:
                lost.setdefault((batch_id, str(job_id)), []).append(rid)
        renamed = {}
        for (batch_id, job_id), resume_ids in lost.items():
            renamed[(batch_id, job_id)] = new_id = (
                f"reparse-{batch_id}-{resume_ids[0]}-{uuid.uuid4().hex[:8]}")
            session.execute(update(ProcessingJob).where(
                ProcessingJob.reparse_batch_id == batch_id, ProcessingJob.rq_job_id == job_id,
                ProcessingJob.finished_at.is_(None)).values(rq_job_id=new_id,
                                                            enqueued_at=utcnow()))
    for (batch_id, job_id), resume_ids in lost.items():
        enqueue(queue, resume_ids, batch_id, renamed[(batch_id, job_id)])
    return sorted({batch_id for batch_id, _ in lost})
