"""RQ tasks: thin module-level functions taking ids; they load, call pure code, persist.

RQ finds them by these names (`pipeline.tasks.process_resumes` …), and other modules import
them from here. The work itself lives in `pipeline.chunks` (claiming and parsing a chunk),
`pipeline.recorder` (recording outcomes and what follows them) and `pipeline.replies`.

`process_resumes` can run twice after a crash and still leave exactly one candidate: a
resume's status, its candidate link and its batch's counters change in one transaction, and
a resume that already ended is skipped.
"""

from __future__ import annotations

import logging
import uuid

from sqlalchemy import select, update

from pipeline.chunks import process_resumes
from pipeline.context import current
from pipeline.queue import resume_job_id
from pipeline.recorder import Outcome, batches_done, end_resumes
from pipeline.replies import send_replies
from storage.models import (
    NO_SYNC,
    Batch,
    BatchState,
    ProcessingJob,
    Resume,
    ResumeStatus,
)

__all__ = ["Outcome", "end_resumes", "finish_here", "process_resume", "process_resumes",
           "send_replies", "send_reply"]

log = logging.getLogger(__name__)


def process_resume(resume_id: int) -> str:
    """Parse one stored resume and attach it to its candidate; returns the final status."""
    return process_resumes([resume_id])[0]


def finish_here(*batch_ids: int) -> None:
    """Parse high-priority batches' waiting resumes and answer each batch in this job.

    For a door that submitted with `Intake.submit(held_by=<this job>)`: a single-resume
    email is received, parsed and answered in one RQ job instead of three (each job costs
    RQ's bookkeeping and a round of database sessions); several batches (messages one job
    took together) are parsed, recorded and matched as one chunk. What fails here goes the
    usual way: the resumes to the queue, the replies to their retrying jobs.
    """
    ctx = current()
    with ctx.db.session() as session:
        done = set(session.scalars(
            select(Batch.id).where(Batch.id.in_(batch_ids), Batch.state == BatchState.DONE)))
        waiting = list(session.scalars(
            select(ProcessingJob.resume_id)
            .join(Resume, Resume.id == ProcessingJob.resume_id)
            .where(Resume.batch_id.in_(batch_ids), Resume.status == ResumeStatus.PENDING,
                   ProcessingJob.finished_at.is_(None))
            .order_by(ProcessingJob.resume_id)))
    batches_done(sorted(done), here=True)  # nothing left to parse (every file refused)
    if not waiting:
        return
    try:
        process_resumes(waiting, reply_here=True, make_way=False)
    except Exception:
        if ctx.queue is None:
            raise
        log.warning("batches %s: processing here failed, queued instead", list(batch_ids),
                    exc_info=True)
        for resume_id in waiting:  # one that ended meanwhile is skipped by its job
            job_id = resume_job_id(resume_id, uuid.uuid4().hex[:8])
            with ctx.db.session() as session:  # so the sweeper looks for the new job
                session.execute(update(ProcessingJob).where(
                    ProcessingJob.resume_id == resume_id, ProcessingJob.finished_at.is_(None))
                    .values(rq_job_id=job_id), execution_options=NO_SYNC)
            ctx.queue.enqueue_resume(resume_id, job_id, "high")


def send_reply(batch_id: int) -> str:
    """Answer where the batch came from, once; raising lets RQ retry a channel that is down."""
    return send_replies([batch_id]).get(batch_id, "skipped")
