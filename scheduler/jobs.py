"""The scheduler's jobs: thin module-level functions APScheduler stores by name, run under a lock.

The job store holds only these names, so a job persisted yesterday still runs after a restart.
The work itself is handed in by the composition root (`configure`), and every run first claims
its time slot in Redis: when several schedulers run (`hotgigs serve` and a `scheduler` service),
one of them does each run and the others skip it.
"""

from __future__ import annotations

import logging
import os
import socket
import time
from collections.abc import Callable
from dataclasses import dataclass

from redis import Redis
from redis.exceptions import LockError

log = logging.getLogger(__name__)

DRIVE_SYNC = "drive-sync"
DRIVE_FULL_SYNC = "drive-full-sync"
SWEEPER = "sweeper"
DAILY_DIGESTS = "daily-digests"
RETENTION = "retention"
DAY = 86400
HOUR = 3600


@dataclass(frozen=True)
class Schedule:
    """When the jobs run (from settings)."""

    drive_sync_minutes: int = 15
    drive_full_sync_hour: int = 3  # UTC
    sweep_seconds: int = 20  # with the worker TTL: how soon a vanished worker's work returns
    digest_hour: int = 8  # recipients' local hour; the job itself runs hourly
    retention_hour: int = 2  # UTC


@dataclass
class JobRunner:
    """What the jobs do, wired by `hotgigs`; `None` for a part that is not configured."""

    redis: Redis
    prefix: str
    schedule: Schedule
    sweep: Callable[[], object]
    drive_sync: Callable[[bool], object] | None = None  # argument: full listing
    # "send the digests that are due now" (hourly; digests are claimed once per recipient/day)
    digests: Callable[[], object] | None = None
    # "erase candidates idle longer than the retention period" (daily)
    retention: Callable[[], object] | None = None
    max_runtime: int = 3600  # seconds a run may hold its lock before another may start

    def claim(self, job_id: str, slot_seconds: int) -> bool:
        """True for the first scheduler to ask for this job's current time slot."""
        slot = int(time.time() // slot_seconds)
        key = f"{self.prefix}:scheduler:{job_id}:{slot}"
        owner = f"{socket.gethostname()}:{os.getpid()}"
        return bool(self.redis.set(key, owner, nx=True, ex=slot_seconds))

    def run(self, job_id: str, slot_seconds: int, work: Callable[[], object]) -> bool:
        """Run `work` unless this slot was taken or a run is still going elsewhere."""
        # the sweeper runs every few seconds: its own log says when it found work
        level = logging.DEBUG if job_id == SWEEPER else logging.INFO
        if not self.claim(job_id, slot_seconds):
            log.log(level, "scheduler %s: this run was taken by another scheduler", job_id)
            return False
        lock = self.redis.lock(f"{self.prefix}:scheduler:{job_id}:running",
                               timeout=self.max_runtime, blocking=False)
        if not lock.acquire():
            log.warning("scheduler %s: the previous run is still going; skipped", job_id)
            return False
        try:
            log.log(level, "scheduler %s: running", job_id)
            work()
        finally:
            try:
                lock.release()
            except LockError:
                log.warning("scheduler %s: ran longer than its lock (%ss)", job_id,
                            self.max_runtime)
        return True

    def run_sweeper(self) -> bool:
        return self.run(SWEEPER, self.schedule.sweep_seconds, self.sweep)

    def run_drive_sync(self, full: bool = False) -> bool:
        sync = self.drive_sync
        if sync is None:
            log.debug("scheduler: Drive is not configured; nothing to sync")
            return False
        if full:
            return self.run(DRIVE_FULL_SYNC, DAY, lambda: sync(True))
        return self.run(DRIVE_SYNC, self.schedule.drive_sync_minutes * 60, lambda: sync(False))

    def run_digests(self) -> bool:
        digests = self.digests
        if digests is None:
            log.info("scheduler: daily digests are not configured; nothing sent")
            return False
        return self.run(DAILY_DIGESTS, HOUR, digests)

    def run_retention(self) -> bool:
        retention = self.retention
        if retention is None:
            return False
        return self.run(RETENTION, DAY, retention)


_runner: JobRunner | None = None


def configure(runner: JobRunner | None) -> None:
    global _runner
    _runner = runner


def current() -> JobRunner:
    if _runner is None:
        raise RuntimeError("scheduler jobs not configured: start them via `hotgigs scheduler`")
    return _runner


# What APScheduler stores (by "module:function" name) and calls.
def sweeper_job() -> None:
    current().run_sweeper()


def drive_sync_job() -> None:
    current().run_drive_sync(full=False)


def drive_full_sync_job() -> None:
    current().run_drive_sync(full=True)


def digest_job() -> None:
    current().run_digests()


def retention_job() -> None:
    current().run_retention()
