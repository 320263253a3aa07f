"""Worker liveness: a short-lived Redis key per worker, kept alive by a thread of the worker.

RQ's own worker key is no help against a host that vanished: a SimpleWorker sets it to live
for the job's timeout + 60 s when a job starts (a bulk chunk: its size × HOTGIGS_JOB_TIMEOUT)
and sends no heartbeat while the job runs. So each `hotgigs worker` sets
`<prefix>:alive:<RQ worker name>` to expire after HOTGIGS_WORKER_TTL seconds and a daemon
thread renews it every third of that, job or no job. A powered-off host or a cut network stops
the renewals; the key expires in Redis (server-side, no clock shared between hosts), and the
next sweep re-queues what that worker held (`pipeline.sweeper`) and takes the worker out of
RQ's registry (`unregister`), so `rq info` and /metrics stop counting it. A worker frozen for
longer than the TTL that comes back is harmless (a resume ends once: `pipeline.recorder`) and
registers again at its next beat (`rejoin`), so it is counted again.
"""

from __future__ import annotations

import contextlib
import logging
import os
import socket
import threading

from redis import Redis, RedisError, WatchError
from rq import Queue, worker_registration
from rq.exceptions import NoSuchJobError
from rq.job import Job, JobStatus
from rq.worker import BaseWorker

log = logging.getLogger(__name__)


def alive_key(prefix: str, worker_name: str) -> str:
    return f"{prefix}:alive:{worker_name}"


def alive_among(connection: Redis, prefix: str, worker_names: list[str]) -> set[str]:
    """The names among `worker_names` whose key has not expired (one round trip)."""
    if not worker_names:
        return set()
    with connection.pipeline(transaction=False) as pipe:
        for name in worker_names:
            pipe.exists(alive_key(prefix, name))
        found = pipe.execute()
    return {name for name, exists in zip(worker_names, found, strict=True) if exists}


def unregister(worker: BaseWorker, prefix: str, *, process_gone: bool = False) -> bool:
    """Take a gone worker out of RQ's registry; False when it turned out alive.

    Gone are RQ's worker sets (`worker_registration.unregister`, as RQ's own exit does), the
    worker's hash and its executions in the started-job registry: left there, RQ would retry
    the job as abandoned once its entry expires (hours later for a bulk chunk) while the
    sweeper has already queued that work again under new ids. The job's hash itself is left
    to expire after the job's time limit (+ 60 s), not deleted: a worker that comes back and
    finishes the job needs it to end the job cleanly; a reply job is sent again by the
    sweeper once its hash is gone. The worker's hash is deleted rather than marked dead as
    RQ's exit marks it, so a worker that comes back tells the sweeper's removal (no hash)
    from its own exit (`death` set): see `rejoin`.

    A worker whose key expired is removed only while the key is still absent (WATCH): one
    that beats meanwhile keeps its registration. `process_gone`: its process on this host is
    gone (killed), so its key, if still there, goes too.
    """
    connection = worker.connection
    key = alive_key(prefix, worker.name)
    job_id = worker.get_current_job_id()
    try:
        job = Job.fetch(job_id, connection=connection) if job_id else None
    except NoSuchJobError:
        job = None
    with connection.pipeline() as pipe:
        try:
            pipe.watch(key, *([job.key] if job is not None else []))
            if not process_gone and pipe.exists(key):
                return False
            executions = ([e for e in job.get_executions() if e.worker_name == worker.name]
                          if job is not None else [])
            pipe.multi()
            worker_registration.unregister(worker, pipe)
            pipe.delete(worker.key, key)
            if job is not None:
                for execution in executions:
                    execution.delete(job, pipe)
                if (job.worker_name == worker.name
                        and job.get_status(refresh=False) == JobStatus.STARTED):
                    pipe.expire(job.key, int(job.timeout or Queue.DEFAULT_TIMEOUT) + 60)
            pipe.execute()
        except WatchError:
            return False
    log.warning("worker %s:%s unregistered from RQ (%s)%s", worker.hostname, worker.pid,
                "its process is gone" if process_gone else "its liveness key expired",
                f"; its job {job_id} no longer counts as started" if job_id else "")
    return True


def rejoin(connection: Redis, worker: BaseWorker) -> bool:
    """Register `worker` with RQ again if the sweeper unregistered it; True if it did.

    Nothing happens before RQ registered the worker once (`birth_date`, set by `work()`), nor
    once its own exit unregistered it (`death` in its hash), nor when the hash changes between
    the look and the write (WATCH): RQ's exit at that moment wins.
    """
    if worker.birth_date is None:
        return False
    with connection.pipeline() as pipe:
        try:
            pipe.watch(worker.key)
            if pipe.sismember(worker_registration.REDIS_WORKER_KEYS, worker.key) or pipe.hexists(
                    worker.key, "death"):
                return False
            execution = worker.execution  # the job it is running (read across threads)
            pipe.multi()
            pipe.delete(worker.key)  # what RQ's own heartbeat wrote since: a partial hash
            pipe.hset(worker.key, mapping={**worker.serialize(), "state": worker.get_state()})
            if execution is not None:
                pipe.hset(worker.key, "current_job", execution.job_id)
            pipe.expire(worker.key, worker.worker_ttl + 60)
            worker_registration.register(worker, pipe)
            pipe.execute()
        except WatchError:
            return False
    log.warning("worker %s:%s was taken for gone and unregistered; registered again",
                worker.hostname, worker.pid)
    return True


class Heartbeat:
    """Keeps one worker's key alive until `stop()` (which deletes it: a clean exit holds
    nothing). Renewal failures (Redis restarting) are retried at the next beat. With `worker`,
    each beat also registers it with RQ again if the sweeper took it for gone (`rejoin`)."""

    def __init__(self, connection: Redis, prefix: str, worker_name: str, ttl: int,
                 worker: BaseWorker | None = None) -> None:
        self.connection = connection
        self.key = alive_key(prefix, worker_name)
        self.ttl = ttl
        self.worker = worker
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="hotgigs-heartbeat", daemon=True)

    def start(self) -> None:
        """Set the key now (before the worker can take a job), then renew it in the thread."""
        self.beat()
        self._thread.start()

    def beat(self) -> bool:
        try:
            self.connection.set(self.key, f"{socket.gethostname()}:{os.getpid()}", ex=self.ttl)
            if self.worker is not None:  # after the key: the sweeper no longer removes it
                rejoin(self.connection, self.worker)
        except RedisError as exc:
            log.warning("worker heartbeat: Redis did not answer (%s); retrying", exc)
            return False
        return True

    def _run(self) -> None:
        while not self._stop.wait(max(1.0, self.ttl / 3)):
            self.beat()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5)
        with contextlib.suppress(RedisError):  # else it expires on its own
            self.connection.delete(self.key)
