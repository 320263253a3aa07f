"""Worker liveness: a short-lived Redis key per worker, kept alive by a thread of the worker.

RQ's own worker key is no help against a host that vanished: a SimpleWorker sets it to live
for the job's timeout + 60 s when a job starts (a bulk chunk: its size × HOTGIGS_JOB_TIMEOUT)
and sends no heartbeat while the job runs. So each `hotgigs worker` sets
`<prefix>:alive:<RQ worker name>` to expire after HOTGIGS_WORKER_TTL seconds and a daemon
thread renews it every third of that, job or no job. A powered-off host or a cut network stops
the renewals; the key expires in Redis (server-side, no clock shared between hosts), and the
next sweep re-queues what that worker held (`pipeline.sweeper`). A worker frozen for longer
than the TTL that comes back is harmless: a resume ends once (`pipeline.recorder`).
"""

from __future__ import annotations

import contextlib
import logging
import os
import socket
import threading

from redis import Redis, RedisError

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


class Heartbeat:
    """Keeps one worker's key alive until `stop()` (which deletes it: a clean exit holds
    nothing). Renewal failures (Redis restarting) are retried at the next beat."""

    def __init__(self, connection: Redis, prefix: str, worker_name: str, ttl: int) -> None:
        self.connection = connection
        self.key = alive_key(prefix, worker_name)
        self.ttl = ttl
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="hotgigs-heartbeat", daemon=True)

    def start(self) -> None:
        """Set the key now (before the worker can take a job), then renew it in the thread."""
        self.beat()
        self._thread.start()

    def beat(self) -> bool:
        try:
            self.connection.set(self.key, f"{socket.gethostname()}:{os.getpid()}", ex=self.ttl)
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
