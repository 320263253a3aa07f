"""Re-parse: stored files run through the current parser, so an upgrade reaches old candidates.

`start` picks resumes from the database (the source of truth, not RQ's failed registry): all,
the failed ones whose reason was the parser's (a crash, a time-out, no text: a newer parser
may do better; a password or a corrupt file stays refused), those parsed by a version older
than one given, or those received since a date; optionally one recruiter's. It records a
batch (source `reparse`) whose counters show progress like an import's, and queues chunks on
the low queue for `pipeline.reparse_task.reparse_resumes`. Also: the sweeper's part (chunks
Redis lost) and `reindex` (every matching profile rebuilt).
"""

from __future__ import annotations

import logging
import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from redis import RedisError
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from pipeline.context import current
from pipeline.parser import PARSER_VERSION
from pipeline.queue import RETRY, JobQueue, chunk_sizes
from pipeline.reparse_task import SOURCE, reparse_resumes
from storage import audit
from storage.db import Database
from storage.models import (
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
        "pipeline.reparse_task.reparse_resumes", args=(resume_ids, batch_id), job_id=job_id,
        timeout=queue.job_timeout * len(resume_ids), retry=RETRY, result_ttl=0,
        failure_ttl=7 * 86400, description=f"reparse {resume_ids[0]}…{resume_ids[-1]}")



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
