"""The sweeper: whatever the database says is unfinished but Redis no longer holds is queued again.

Redis can lose jobs (restart without persistence, a worker killed mid-job, retries used up);
the database cannot. Run by `hotgigs worker` at start and by the scheduler every
HOTGIGS_SWEEP_SECONDS; a worker that vanished is noticed by its liveness key expiring
(`pipeline.liveness`), so its resumes return within HOTGIGS_WORKER_TTL + HOTGIGS_SWEEP_SECONDS,
and it is taken out of RQ's worker registry (it registers again if it comes back).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from rq.job import Job
from sqlalchemy import func, select, update

from pipeline import reparse
from pipeline.context import current
from pipeline.queue import reply_job_id, resume_job_id
from pipeline.recorder import Outcome, end_resumes
from storage.models import NO_SYNC, AttemptStatus, Batch, ProcessingJob, Resume, utcnow

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 5
UNFINISHED = ("pending", "processing")


@dataclass
class SweepReport:
    requeued: list[int] = field(default_factory=list)
    gave_up: list[int] = field(default_factory=list)
    replies: list[int] = field(default_factory=list)
    reparses: list[int] = field(default_factory=list)  # re-parse batches with lost chunks
    orphaned: list[int] = field(default_factory=list)  # requeued: their worker was gone
    unregistered: list[str] = field(default_factory=list)  # gone workers taken out of RQ


def sweep(grace: timedelta = timedelta(seconds=30)) -> SweepReport:
    """Re-enqueue lost resume and reply jobs; give up (failed, with reason) after MAX_ATTEMPTS.

    A job on a worker that is gone (its liveness key expired, or its process on this host
    no longer exists) counts as lost: its attempt is closed as failed with that reason and
    the resume gets a new one.
    """
    ctx = current()
    report = SweepReport()
    if ctx.queue is None:
        return report
    holdings = ctx.queue.holdings()
    held = holdings.held
    # a gone worker leaves RQ's registry, its job the started-job registry (so RQ does not
    # retry it as abandoned: its work is queued again below, under new ids)
    report.unregistered = ctx.queue.unregister_gone(holdings)
    cutoff = utcnow() - grace
    with ctx.db.session() as session:
        latest = (
            select(ProcessingJob.resume_id, func.max(ProcessingJob.id).label("job_id"),
                   func.count().label("attempts"))
            .join(Resume, Resume.id == ProcessingJob.resume_id)  # run every few seconds: only
            .where(Resume.status.in_(UNFINISHED))  # the unfinished resumes' history
            .group_by(ProcessingJob.resume_id).subquery()
        )
        rows = session.execute(
            select(Resume.id, Resume.status, Batch.priority, ProcessingJob, latest.c.attempts)
            .join(Batch, Batch.id == Resume.batch_id)
            .join(latest, latest.c.resume_id == Resume.id)
            .join(ProcessingJob, ProcessingJob.id == latest.c.job_id)
            .where(Resume.status.in_(UNFINISHED))
        ).all()
    for resume_id, status, priority, job, attempts in rows:
        if job.rq_job_id in held:
            continue
        # a pending job may sit between commit and enqueue for a moment; a started one whose
        # worker is gone is not held by anyone
        if status == "pending" and job.enqueued_at and job.enqueued_at > cutoff:
            continue
        why = holdings.orphaned.get(job.rq_job_id or "")
        if attempts >= MAX_ATTEMPTS:
            end_resumes([Outcome(resume_id, None, f"gave up after {MAX_ATTEMPTS} attempts "
                                                  f"({why or job.error or 'lost'})")])
            report.gave_up.append(resume_id)
            continue
        job_id = _new_attempt(resume_id, job.id, priority, why or "lost by Redis")
        if job_id is None:
            continue  # it ended meanwhile (its worker was alive after all)
        ctx.queue.enqueue_resume(resume_id, job_id, priority, at_front=True)
        report.requeued.append(resume_id)
        if why:
            report.orphaned.append(resume_id)
    report.replies = _sweep_replies(held, cutoff)
    report.reparses = reparse.sweep_lost(ctx.queue, held, cutoff)
    if report.requeued or report.gave_up or report.replies or report.reparses:
        log.warning("sweeper: requeued resumes %s (of workers gone: %s), gave up on %s, "
                    "re-sent replies %s, re-queued re-parse batches %s", report.requeued,
                    report.orphaned, report.gave_up, report.replies, report.reparses)
    return report


def _new_attempt(resume_id: int, lost_attempt: int, priority: str, why: str) -> str | None:
    """Close the lost attempt and open a new one; returns its RQ job id, or None when the
    resume ended since it was read.

    The resume goes back to pending only while it is unfinished, in the same transaction as
    the new attempt: a worker thought gone that records its result at this very moment
    leaves the resume ended, and no second run starts.
    """
    ctx = current()
    with ctx.db.session() as session:
        reopened = session.execute(
            update(Resume).where(Resume.id == resume_id, Resume.status.in_(UNFINISHED))
            .values(status="pending", updated_at=utcnow()).returning(Resume.id),
            execution_options=NO_SYNC).first()
        if reopened is None:
            return None
        session.execute(
            update(ProcessingJob).where(ProcessingJob.id == lost_attempt,
                                        ProcessingJob.finished_at.is_(None))
            .values(status=AttemptStatus.FAILED, finished_at=utcnow(), error=why),
            execution_options=NO_SYNC)
        new_job = ProcessingJob(resume_id=resume_id, queue=priority, priority=priority,
                                enqueued_at=utcnow())
        session.add(new_job)
        session.flush()
        new_job.rq_job_id = job_id = resume_job_id(resume_id, new_job.id)
    return job_id


def _sweep_replies(held: set[str], cutoff: datetime) -> list[int]:
    ctx = current()
    assert ctx.queue is not None
    with ctx.db.session() as session:
        batch_ids = list(session.scalars(
            select(Batch.id).where(Batch.state == "done", Batch.replied_at.is_(None),
                                   Batch.finished_at < cutoff)
        ))
    # a reply job that RQ still knows (failed after its retries) stays visible in RQ's failed
    # registry for an operator; only replies Redis lost altogether are sent again
    lost = [b for b in batch_ids if reply_job_id(b) not in held
            and not Job.exists(reply_job_id(b), connection=ctx.queue.connection)]
    for batch_id in lost:
        ctx.queue.enqueue_reply(batch_id)
    return lost
