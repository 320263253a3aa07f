"""The sweeper: whatever the database says is unfinished but Redis no longer holds is queued again.

Redis can lose jobs (restart without persistence, a worker killed mid-job, retries used up);
the database cannot. Run by `hotgigs worker` at start and by the scheduler every few minutes.
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
from storage.models import Batch, ProcessingJob, Resume, utcnow

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 5


@dataclass
class SweepReport:
    requeued: list[int] = field(default_factory=list)
    gave_up: list[int] = field(default_factory=list)
    replies: list[int] = field(default_factory=list)
    reparses: list[int] = field(default_factory=list)  # re-parse batches with lost chunks


def sweep(grace: timedelta = timedelta(seconds=30)) -> SweepReport:
    """Re-enqueue lost resume and reply jobs; give up (failed, with reason) after MAX_ATTEMPTS."""
    ctx = current()
    report = SweepReport()
    if ctx.queue is None:
        return report
    held = ctx.queue.held_job_ids()
    cutoff = utcnow() - grace
    with ctx.db.session() as session:
        latest = (
            select(ProcessingJob.resume_id, func.max(ProcessingJob.id).label("job_id"))
            .group_by(ProcessingJob.resume_id).subquery()
        )
        rows = session.execute(
            select(Resume.id, Resume.status, Batch.priority, ProcessingJob)
            .join(Batch, Batch.id == Resume.batch_id)
            .join(latest, latest.c.resume_id == Resume.id)
            .join(ProcessingJob, ProcessingJob.id == latest.c.job_id)
            .where(Resume.status.in_(("pending", "processing")))
        ).all()
        attempts = dict(session.execute(
            select(ProcessingJob.resume_id, func.count()).group_by(ProcessingJob.resume_id)
        ).all())
    for resume_id, status, priority, job in rows:
        if job.rq_job_id in held:
            continue
        # a pending job may sit between commit and enqueue for a moment; a started one whose
        # worker is gone is not held by anyone
        if status == "pending" and job.enqueued_at and job.enqueued_at > cutoff:
            continue
        if attempts.get(resume_id, 0) >= MAX_ATTEMPTS:
            end_resumes([Outcome(resume_id, None, f"gave up after {MAX_ATTEMPTS} attempts "
                                                  f"({job.error or 'lost'})")])
            report.gave_up.append(resume_id)
            continue
        with ctx.db.session() as session:
            new_job = ProcessingJob(resume_id=resume_id, queue=priority, priority=priority,
                                    enqueued_at=utcnow())
            session.add(new_job)
            session.flush()
            new_job.rq_job_id = job_id = resume_job_id(resume_id, new_job.id)
            session.execute(update(Resume).where(Resume.id == resume_id).values(status="pending"))
        ctx.queue.enqueue_resume(resume_id, job_id, priority)
        report.requeued.append(resume_id)
    report.replies = _sweep_replies(held, cutoff)
    report.reparses = reparse.sweep_lost(ctx.queue, held, cutoff)
    if report.requeued or report.gave_up or report.replies or report.reparses:
        log.warning("sweeper: requeued resumes %s, gave up on %s, re-sent replies %s, "
                    "re-queued re-parse batches %s", report.requeued, report.gave_up,
                    report.replies, report.reparses)
    return report


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
