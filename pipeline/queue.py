"""The RQ side of the pipeline: two priority queues, job ids, and what Redis still holds.

Redis is a delivery mechanism, not the record: job ids are derived from database ids so the
sweeper can compare "what the database says is pending" with "what Redis still holds".
"""

from __future__ import annotations

import logging
import os
import socket
from dataclasses import dataclass, field

from redis import Redis
from rq import Queue, Retry, Worker, worker_registration
from rq.registry import ScheduledJobRegistry
from rq.worker import BaseWorker

from pipeline.liveness import alive_among, unregister

log = logging.getLogger(__name__)

PRIORITIES = ("high", "low")
# transient errors (database or Redis hiccups) are retried after 5 s, 30 s, 2 min
RETRY = Retry(max=3, interval=[5, 30, 120])


# Bulk work travels in chunks: per job, RQ and the database cost a few ms, as much as parsing
# a text resume; per chunk they are a small share. On PostgreSQL a chunk's fixed cost is about
# 16 ms (round trips, statements), so claim + record per resume was 1.10 ms in chunks of 32,
# 0.87 in chunks of 64 (0.73 in 128, which a chunk of text PDFs cannot reach within
# FLUSH_SECONDS anyway). A single upload does not wait for a chunk to finish: the chunk hands
# its rest back when high-priority work arrives (tasks.py).
CHUNK = 64


TAIL_CHUNK = 4  # the smallest chunk, at the very end of a batch


def chunk_sizes(total: int) -> list[int]:
    """Chunk sizes for `total` bulk resumes: CHUNK, then smaller towards the end.

    Each chunk takes a quarter of what is left (at most CHUNK, at least TAIL_CHUNK), so the
    last chunks are short and workers finish a batch at about the same time instead of one
    waiting while another parses a last full chunk (guided scheduling).
    """
    sizes: list[int] = []
    left = total
    while left > 0:
        size = min(left, CHUNK, max(TAIL_CHUNK, -(-left // 4)))
        sizes.append(size)
        left -= size
    return sizes


# Every RQ job id is built here: the sweepers compare them with what Redis holds.
def resume_job_id(resume_id: int, attempt: int | str) -> str:
    """One resume's job; `attempt` is the attempt row's id (or a fresh tag)."""
    return f"resume-{resume_id}-{attempt}"


def chunk_job_id(first_resume_id: int, tag: int | str) -> str:
    """A chunk's job, named after its first resume; `tag` tells chunks of it apart."""
    return f"chunk-{first_resume_id}-{tag}"


def reply_job_id(batch_id: int) -> str:
    return f"reply-{batch_id}"


def inbound_job_id(row_id: int) -> str:
    """A stored inbound email's processing (the email door names the task)."""
    return f"inbound-{row_id}"


def upload_job_id(tag: str) -> str:
    """A web upload's one job: it parses its batch and answers it (`tasks.finish_here`)."""
    return f"upload-{tag}"


def chunk_job_ids(resumes: list[tuple[int, int]], priority: str) -> list[str]:
    """The RQ job id for each (resume id, attempt id): one per resume when high, shared by
    the resumes of one chunk (`chunk_sizes`) when low."""
    if priority == "high":
        return [resume_job_id(rid, aid) for rid, aid in resumes]
    ids: list[str] = []
    start = 0
    for size in chunk_sizes(len(resumes)):
        rid, aid = resumes[start]
        ids += [chunk_job_id(rid, f"{aid}-{size}")] * size
        start += size
    return ids


def worker_identity() -> str:
    """host:pid, stored on the attempt so an operator can see who ran it."""
    return f"{socket.gethostname()}:{os.getpid()}"


def _process_gone(worker: BaseWorker) -> bool:
    """True for a worker of this host whose process is gone (SIGKILL leaves its Redis keys)."""
    if worker.hostname != socket.gethostname() or not worker.pid:
        return False  # another host's worker: its liveness key expiring is our only signal
    try:
        os.kill(worker.pid, 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return False


@dataclass
class Holdings:
    """What Redis still holds: `held` job ids (queued, scheduled for retry, or on a live
    worker), `orphaned`: job id -> why, for jobs current on a worker that is gone, and the
    `gone` workers themselves (with whether their process on this host is gone)."""

    held: set[str] = field(default_factory=set)
    orphaned: dict[str, str] = field(default_factory=dict)
    gone: list[tuple[BaseWorker, bool]] = field(default_factory=list)


class JobQueue:
    """Enqueue resume, reply and inbound-email jobs on `<prefix>-high` / `<prefix>-low`."""

    def __init__(self, connection: Redis, prefix: str, job_timeout: int) -> None:
        self.connection = connection
        self.prefix = prefix
        self.job_timeout = job_timeout
        self.queues = {p: Queue(f"{prefix}-{p}", connection=connection) for p in PRIORITIES}

    def ordered(self) -> list[Queue]:
        """High first: a worker drains it before touching bulk work."""
        return [self.queues[p] for p in PRIORITIES]

    def enqueue_resume(self, resume_id: int, job_id: str, priority: str, *,
                       at_front: bool = False) -> None:
        """`at_front` for work given back by the sweeper: it waited already, and a batch
        whose host died should not end last behind the rest of the bulk."""
        self.queues[priority].enqueue_call(
            "pipeline.tasks.process_resume", args=(resume_id,), job_id=job_id,
            timeout=self.job_timeout, retry=RETRY, result_ttl=0, failure_ttl=7 * 86400,
            description=f"resume {resume_id}", at_front=at_front,
        )

    def enqueue_chunk(self, resume_ids: list[int], job_id: str, *,
                      at_front: bool = False) -> None:
        """Several resumes of a bulk batch as one low-priority job (see `chunk_job_ids`);
        `at_front` for the rest of a chunk that made way for an upload (it was next)."""
        self.queues["low"].enqueue_call(
            "pipeline.tasks.process_resumes", args=(resume_ids,), job_id=job_id,
            timeout=self.job_timeout * len(resume_ids), retry=RETRY, result_ttl=0,
            failure_ttl=7 * 86400, description=f"resumes {resume_ids[0]}…{resume_ids[-1]}",
            at_front=at_front,
        )

    def enqueue_upload(self, batch_id: int, job_id: str) -> None:
        """A high-priority batch submitted with `held_by=job_id`, parsed and answered in that
        one job: its answer does not wait behind every other upload's parse in the queue."""
        self.queues["high"].enqueue_call(
            "pipeline.tasks.finish_here", args=(batch_id,), job_id=job_id,
            timeout=self.job_timeout, retry=RETRY, result_ttl=0, failure_ttl=7 * 86400,
            description=f"upload batch {batch_id}",
        )

    def high_waiting(self) -> bool:
        """Whether an upload (or a reply) waits in the high-priority queue."""
        return self.queues["high"].count > 0

    def enqueue_reply(self, batch_id: int) -> str:
        job_id = reply_job_id(batch_id)
        self.queues["high"].enqueue_call(
            "pipeline.tasks.send_reply", args=(batch_id,), job_id=job_id, timeout=300,
            retry=Retry(max=5, interval=[5, 30, 60, 300, 900]), result_ttl=3600,
            failure_ttl=7 * 86400, description=f"reply for batch {batch_id}",
        )
        return job_id

    def enqueue_inbound(self, task: str, row_id: int) -> str:
        """A stored inbound email, processed by `task` on high (it may hold one upload)."""
        job_id = inbound_job_id(row_id)
        self.queues["high"].enqueue_call(
            task, args=(row_id,), job_id=job_id, timeout=self.job_timeout,
            retry=RETRY, result_ttl=0, failure_ttl=7 * 86400,
            description=f"inbound message {row_id}",
        )
        return job_id

    def held_job_ids(self) -> set[str]:
        """Job ids Redis will still run: queued, scheduled for retry, or on a live worker."""
        return self.holdings().held

    def holdings(self) -> Holdings:
        """Queued and scheduled jobs, and each worker's current job, held if the worker is
        alive: its liveness key has not expired (`pipeline.liveness`) and, on this host, its
        process still exists."""
        found = Holdings()
        for queue in self.queues.values():
            found.held.update(queue.get_job_ids())
            found.held.update(ScheduledJobRegistry(queue=queue).get_job_ids())
        workers = self.workers()
        alive = alive_among(self.connection, self.prefix, list(workers))
        for worker in workers.values():
            current = worker.get_current_job_id()
            if worker.name not in alive:
                why = (f"worker {worker.hostname}:{worker.pid} stopped answering (its "
                       f"liveness key expired)")
            elif _process_gone(worker):
                why = f"worker {worker.hostname}:{worker.pid} was killed"
            else:
                if current:
                    found.held.add(current)
                continue
            found.gone.append((worker, worker.name in alive))
            if current:
                found.orphaned[current] = why
        return found

    def unregister_gone(self, holdings: Holdings) -> list[str]:
        """Take the gone workers of `holdings` out of RQ's registry (`liveness.unregister`),
        so `rq info` and /metrics stop counting them, and drop the entries of workers whose
        hash expired from our queues' worker sets (RQ's own cleanup, which only a worker's
        maintenance runs, every ten minutes); returns the names unregistered."""
        done = [worker.name for worker, killed in holdings.gone
                if unregister(worker, self.prefix, process_gone=killed)]
        for queue in self.queues.values():
            worker_registration.clean_worker_registry(queue)
        return done

    def workers(self) -> dict[str, BaseWorker]:
        """The workers of our queues, by name: another prefix on the same Redis keeps its own."""
        return {w.name: w for queue in self.queues.values() for w in Worker.all(queue=queue)}

    def live_worker_names(self) -> set[str]:
        """Our workers whose liveness key has not expired (`pipeline.liveness`): the same
        judgement the sweeper makes in `holdings`, for /metrics."""
        return alive_among(self.connection, self.prefix, list(self.workers()))

    def depths(self) -> dict[str, int]:
        return {p: q.count for p, q in self.queues.items()}
