"""One APScheduler, its jobs persisted in our database (SQLAlchemy job store).

Jobs are added once and then kept: a restart finds yesterday's next run times in the store, so
a run that fell due while the scheduler was down still happens (within the grace time) and the
daily jobs keep their day. A job is replaced only when its trigger changed in the settings.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC

from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.base import BaseTrigger
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger
from sqlalchemy import Engine

from scheduler import jobs
from scheduler.jobs import Schedule

log = logging.getLogger(__name__)

TABLE = "apscheduler_jobs"  # created by migration 0003_drive_sync


@dataclass(frozen=True)
class JobSpec:
    id: str
    func: str  # "module:function", what the job store keeps
    trigger: BaseTrigger
    misfire_grace: int  # seconds late a run may still start (e.g. after a restart)


def job_specs(schedule: Schedule) -> list[JobSpec]:
    module = jobs.__name__
    return [
        JobSpec(jobs.SWEEPER, f"{module}:sweeper_job",
                IntervalTrigger(seconds=schedule.sweep_seconds, timezone=UTC), 60),
        JobSpec(jobs.DRIVE_SYNC, f"{module}:drive_sync_job",
                IntervalTrigger(minutes=schedule.drive_sync_minutes, timezone=UTC), 300),
        JobSpec(jobs.DRIVE_FULL_SYNC, f"{module}:drive_full_sync_job",
                CronTrigger(hour=schedule.drive_full_sync_hour, timezone=UTC), 6 * 3600),
        # hourly: each recipient's digest falls due at their own local hour
        JobSpec(jobs.DAILY_DIGESTS, f"{module}:digest_job",
                CronTrigger(minute=0, timezone=UTC), 12 * 3600),
        JobSpec(jobs.RETENTION, f"{module}:retention_job",
                CronTrigger(hour=schedule.retention_hour, timezone=UTC), 12 * 3600),
    ]


def build_scheduler(engine: Engine) -> BackgroundScheduler:
    return BackgroundScheduler(
        jobstores={"default": SQLAlchemyJobStore(engine=engine, tablename=TABLE)},
        executors={"default": ThreadPoolExecutor(max_workers=4)},
        # a run missed several times while down happens once, never in parallel with itself
        job_defaults={"coalesce": True, "max_instances": 1},
        timezone=UTC,
    )


def register_jobs(scheduler: BackgroundScheduler, schedule: Schedule) -> list[str]:
    """Add missing jobs, replace changed ones, keep the rest; returns the ids (re)added."""
    added = []
    for spec in job_specs(schedule):
        existing = scheduler.get_job(spec.id)
        if (existing is not None and str(existing.trigger) == str(spec.trigger)
                and existing.func_ref == spec.func):
            continue
        scheduler.add_job(spec.func, spec.trigger, id=spec.id, name=spec.id,
                          misfire_grace_time=spec.misfire_grace, replace_existing=True)
        added.append(spec.id)
    return added


class SchedulerPart:
    """A part of the process tree: `start()` returns at once, `stop()` waits for running jobs."""

    def __init__(self, engine: Engine, schedule: Schedule) -> None:
        self.scheduler = build_scheduler(engine)
        self.schedule = schedule

    def start(self) -> None:
        # paused first: the stored jobs are loaded and compared before anything runs
        self.scheduler.start(paused=True)
        added = register_jobs(self.scheduler, self.schedule)
        self.scheduler.resume()
        for job in self.scheduler.get_jobs():
            log.info("scheduler: %s next at %s%s", job.id, job.next_run_time,
                     " (new)" if job.id in added else "")

    def stop(self) -> None:
        if self.scheduler.running:
            self.scheduler.shutdown(wait=True)
