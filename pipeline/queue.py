"""The RQ side of the pipeline: two priority queues, job ids, and what Redis still holds.

Redis is a delivery mechanism, not the record: job ids are derived from database ids so the
sweeper can compare "what the database says is pending" with "what Redis still holds".
"""

from __future__ import annotations

import logging
import os
import socket

from redis import Redis
from rq import Queue, Retry, Worker
from rq.registry import ScheduledJobRegistry
from rq.worker import BaseWorker

log = logging.getLogger(__name__)

PRIORITIES = ("high", "low")
# transient errors (database or Redis hiccups) are retried after 5 s, 30 s, 2 min
RETRY = Retry(max=3, interval=[5, 30, 120])


# Bulk work travels in chunks: RQ costs a few ms per job, as much as parsing a text resume,
# while a single upload still waits behind at most one chunk.
CHUNK = 16


def chunk_job_ids(resumes: list[tuple[int, int]], priority: str) -> list[str]:
    """The RQ job id for each (resume id, attempt id): one per resume when high, shared by
    up to CHUNK consecutive resumes when low."""
    if priority == "high":
        return [f"resume-{rid}-{aid}" for rid, aid in resumes]
    ids: list[str] = []
    for start in range(0, len(resumes), CHUNK):
        rid, aid = resumes[start]
        chunk = resumes[start:start + CHUNK]
        ids += [f"chunk-{rid}-{aid}-{len(chunk)}"] * len(chunk)
    return ids


def worker_identity() -> str:
    """host:pid, stored on the attempt so an operator can see who ran it."""
    return f"{socket.gethostname()}:{os.getpid()}"


def _alive(worker: BaseWorker) -> bool:
    """False for a worker of this host whose process is gone (SIGKILL leaves its Redis key)."""
    if worker.hostname != socket.gethostname() or not worker.pid:
        return True  # another host's worker: its Redis key expiring is our only signal
    try:
        os.kill(worker.pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


class JobQueue:
    """Enqueue resume and reply jobs on `<prefix>-high` / `<prefix>-low`."""

    def __init__(self, connection: Redis, prefix: str, job_timeout: int) -> None:
        self.connection = connection
        self.prefix = prefix
        self.job_timeout = job_timeout
        self.queues = {p: Queue(f"{prefix}-{p}", connection=connection) for p in PRIORITIES}

    def ordered(self) -> list[Queue]:
        """High first: a worker drains it before touching bulk work."""
        return [self.queues[p] for p in PRIORITIES]

    def enqueue_resume(self, resume_id: int, job_id: str, priority: str) -> None:
        self.queues[priority].enqueue_call(
            "pipeline.tasks.process_resume", args=(resume_id,), job_id=job_id,
            timeout=self.job_timeout, retry=RETRY, result_ttl=0, failure_ttl=7 * 86400,
            description=f"resume {resume_id}",
        )

    def enqueue_chunk(self, resume_ids: list[int], job_id: str) -> None:
        """Several resumes of a bulk batch as one low-priority job (see `chunk_job_ids`)."""
        self.queues["low"].enqueue_call(
            "pipeline.tasks.process_resumes", args=(resume_ids,), job_id=job_id,
            timeout=self.job_timeout * len(resume_ids), retry=RETRY, result_ttl=0,
            failure_ttl=7 * 86400, description=f"resumes {resume_ids[0]}…{resume_ids[-1]}",
        )

    def enqueue_reply(self, batch_id: int) -> str:
        job_id = f"reply-{batch_id}"
        self.queues["high"].enqueue_call(
            "pipeline.tasks.send_reply", args=(batch_id,), job_id=job_id, timeout=300,
            retry=Retry(max=5, interval=[5, 30, 60, 300, 900]), result_ttl=3600,
            failure_ttl=7 * 86400, description=f"reply for batch {batch_id}",
        )
        return job_id

    def held_job_ids(self) -> set[str]:
        """Job ids Redis will still run: queued, scheduled for retry, or on a live worker."""
        held: set[str] = set()
        for queue in self.queues.values():
            held.update(queue.get_job_ids())
            held.update(ScheduledJobRegistry(queue=queue).get_job_ids())
        for worker in Worker.all(connection=self.connection):
            current = worker.get_current_job_id() if _alive(worker) else None
            if current:
                held.add(current)
        return held

    def depths(self) -> dict[str, int]:
        return {p: q.count for p, q in self.queues.items()}
