"""RQ tasks: thin module-level functions taking ids; they load, call pure code, persist.

`process_resume` can run twice after a crash and still leave exactly one candidate: the
resume's status, its candidate link and the batch counters change in one transaction, and a
resume that already ended is skipped.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from typing import Any

from rq.timeouts import JobTimeoutException
from sqlalchemy import case, select, update
from sqlalchemy.exc import OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from sqlalchemy.orm import Session

from pipeline import candidates
from pipeline.context import current
from pipeline.errors import Rejected, Transient
from pipeline.metrics import metrics, reason_label, timed
from pipeline.models import ParsedResume
from pipeline.parser import PARSER_VERSION, parse_document
from pipeline.queue import worker_identity
from pipeline.summary import summarize_batch
from pipeline.workdir import job_folder
from storage import audit, privacy
from storage.files import BlobError
from storage.models import Batch, ProcessingJob, Resume, ResumeData, utcnow

log = logging.getLogger(__name__)

ENDED = ("parsed", "failed")


@dataclass(frozen=True)
class _Work:
    """What a run needs to know about its resume, read in the transaction that claims it."""

    resume_id: int
    filename: str
    storage_key: str | None
    owner_id: int | None
    source: str
    cached: dict[str, Any] | None  # identical bytes already parsed by this parser version


def _start(resume_id: int) -> _Work | None:
    """Mark the resume processing and count the attempt; None when it already ended."""
    ctx = current()
    with ctx.db.session(durable=False) as session:
        resume = session.get(Resume, resume_id)
        if resume is None:
            log.warning("resume %s: no such resume, job dropped", resume_id)
            return None
        if resume.status in ENDED:
            log.info("resume %s: already %s, nothing to do", resume_id, resume.status)
            return None
        resume.status = "processing"
        resume.updated_at = utcnow()
        job = session.scalar(
            select(ProcessingJob).where(ProcessingJob.resume_id == resume_id)
            .order_by(ProcessingJob.id.desc()).limit(1)
        )
        if job is not None:
            job.status, job.started_at = "started", utcnow()
            job.attempts += 1
            job.worker = worker_identity()
        owner_id, source = session.execute(
            select(Batch.recruiter_id, Batch.source).where(Batch.id == resume.batch_id)
        ).one()
        cached = session.scalar(
            select(ResumeData.data)
            .join(Resume, Resume.id == ResumeData.resume_id)
            .where(Resume.sha256 == resume.sha256, Resume.id != resume.id,
                   ResumeData.parser_version == PARSER_VERSION)
            .limit(1)
        )
        return _Work(resume.id, resume.filename, resume.storage_key, owner_id, source, cached)


def _parse(work: _Work) -> ParsedResume:
    ctx = current()
    if work.cached is not None:
        return ParsedResume.model_validate(work.cached)
    if work.storage_key is None:
        raise Rejected("the file's bytes were not stored")
    try:
        data = ctx.blobs.get(work.storage_key)
    except BlobError as exc:
        raise Rejected(str(exc)) from None
    try:
        return parse_document(data, work.filename, enhancer=ctx.enhancer)
    except Rejected:
        raise
    except JobTimeoutException:
        raise Rejected("parsing took longer than the time limit") from None
    except Exception as exc:  # a parser bug on this file: record it, keep the batch going
        log.exception("resume %s: parser raised", work.resume_id)
        raise Rejected(f"could not be parsed ({type(exc).__name__})") from exc


def process_resume(resume_id: int) -> str:
    """Parse one stored resume and attach it to its candidate; returns the final status."""
    started = time.monotonic()
    work = _start(resume_id)
    if work is None:
        return "skipped"
    try:
        # OCR images and tool files live in a folder of this job, removed even on failure
        with job_folder(current().work_dir, f"resume{resume_id}"):
            parsed: ParsedResume | None = _parse(work)
        reason = None
    except Rejected as exc:
        parsed, reason = None, exc.reason
    candidate_id = record_outcome(resume_id, work.owner_id, parsed, reason, started)
    return "parsed" if candidate_id is not None else "failed"


def process_resumes(resume_ids: list[int]) -> list[str]:
    """A chunk of a bulk batch: each resume on its own, exactly as `process_resume`."""
    return [process_resume(resume_id) for resume_id in resume_ids]


def record_outcome(resume_id: int, owner_id: int | None, parsed: ParsedResume | None,
            reason: str | None, started: float) -> int | None:
    """Persist the outcome and the batch progress in one transaction; then notify."""
    ctx = current()
    candidate_id = None
    try:
        # not durable: if a crash loses this commit the resume is still unfinished in the
        # database, and the sweeper parses it again
        with ctx.db.session(durable=False) as session:
            if parsed is not None and _erased(session, parsed):
                parsed, reason = None, privacy.ERASED_REASON
            status = "parsed" if parsed is not None else "failed"
            # Claim the ending atomically: of two runs of the same resume, one wins here.
            claimed = session.execute(  # type: ignore[attr-defined]
                update(Resume).where(Resume.id == resume_id, Resume.status.not_in(ENDED))
                .values(status=status, failure_reason=reason, updated_at=utcnow())
            ).rowcount
            resume = session.get(Resume, resume_id)
            assert resume is not None
            if not claimed:
                return resume.candidate_id
            if parsed is not None:
                session.add(ResumeData(resume_id=resume_id, parser_version=PARSER_VERSION,
                                       data=parsed.model_dump(mode="json")))
                candidate, resume.outcome = candidates.attach(session, resume, owner_id, parsed)
                candidate_id = candidate.id
                audit.record(session, "imported", actor=resume.batch.submitted_by,
                             source=resume.source, candidate_id=candidate_id,
                             batch_id=resume.batch_id, resume_id=resume_id,
                             outcome=resume.outcome)
            elapsed_ms = (time.monotonic() - started) * 1000  # all but the commit itself
            session.execute(
                update(ProcessingJob).where(ProcessingJob.resume_id == resume_id,
                                            ProcessingJob.finished_at.is_(None))
                .values(status="finished" if parsed else "failed", finished_at=utcnow(),
                        duration_ms=elapsed_ms, error=reason)
            )
            batch_id, source = resume.batch_id, resume.source
            last = _count_in_batch(session, batch_id, parsed is not None)
    except (OperationalError, PoolTimeout) as exc:
        raise Transient(f"database unavailable: {exc}") from exc
    log.info("resume %s: %s in %.0f ms%s", resume_id, "parsed" if parsed else "failed",
             elapsed_ms, f" ({reason})" if reason else "")
    metrics().resumes.labels(source, status, reason_label(reason)).inc()
    metrics().processing.labels(source).observe(elapsed_ms / 1000)
    if reason == privacy.ERASED_REASON:
        privacy.drop_file(ctx.db, ctx.blobs, resume_id)
    if candidate_id is not None:
        # before progress and reply, so they can show this candidate's matches
        for hook in ctx.after_candidate:
            with timed("match"):
                hook(candidate_id)
    _notify_progress(batch_id)
    if last:
        _batch_done(batch_id)
    return candidate_id


def _erased(session: Session, parsed: ParsedResume) -> bool:
    """Whether this person asked to be erased: then they must not become a candidate again."""
    key = current().tombstone_key
    if key is None:
        log.warning("no tombstone key configured: erased people cannot be recognised")
        return False
    return privacy.is_erased(session, key, parsed.email, parsed.phone)


def _count_in_batch(session: Session, batch_id: int, parsed: bool) -> bool:
    """Count one ended resume; True for the run that ended the batch's last one.

    One atomic UPDATE … RETURNING: each run sees the counters right after its own increment,
    so exactly one run sees parsed + failed reach the total.
    """
    counter = Batch.parsed if parsed else Batch.failed
    done = counter + 1 + (Batch.failed if parsed else Batch.parsed) >= Batch.total
    row = session.execute(
        update(Batch).where(Batch.id == batch_id)
        .values({counter: counter + 1,
                 Batch.state: case((done, "done"), else_=Batch.state),
                 Batch.finished_at: case((done, utcnow()), else_=Batch.finished_at)})
        .returning(Batch.parsed, Batch.failed, Batch.total)
    ).one()
    return bool(row.parsed + row.failed == row.total)


def _notify_progress(batch_id: int) -> None:
    ctx = current()
    if not ctx.notifiers:
        return
    with ctx.db.session() as session:
        batch = session.get(Batch, batch_id)
        notifier = ctx.notifiers.get(batch.source) if batch else None
        if notifier is None:
            return
        summary = summarize_batch(session, batch_id)
    try:
        notifier.progress(summary)
    except Exception:  # progress is a courtesy; the final reply is what must arrive
        log.warning("batch %s: progress update failed", batch_id, exc_info=True)


def _batch_done(batch_id: int) -> None:
    ctx = current()
    if ctx.queue is not None:
        ctx.queue.enqueue_reply(batch_id)
    else:
        send_reply(batch_id)


def send_reply(batch_id: int) -> str:
    """Answer where the batch came from, once; raising lets RQ retry a channel that is down."""
    ctx = current()
    with ctx.db.session() as session:
        batch = session.get(Batch, batch_id)
        if batch is None or batch.replied_at is not None:
            return "skipped"
        summary = summarize_batch(session, batch_id)
    notifier = ctx.notifiers.get(summary.source)
    if notifier is not None:
        try:
            notifier.result(summary)
        except Exception:
            metrics().replies.labels(summary.source, "failed").inc()
            raise
        metrics().replies.labels(summary.source, "sent").inc()
    with ctx.db.session() as session:
        session.execute(update(Batch).where(Batch.id == batch_id).values(replied_at=utcnow()))
    log.info("batch %s: reply %s", batch_id, "sent" if notifier else "not needed")
    return "sent" if notifier else "no notifier"
