"""Wiring for the scheduler: `hotgigs scheduler` alone, or a part of `hotgigs serve`.

The scheduler enqueues work and does the light periodic jobs itself: the sweepers of resumes
and of stored emails (a few queries and enqueues), the Drive sync (listing and downloading,
then one submitted request per folder; the parsing runs on the workers) and, hourly, the
daily digests that are due.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from bots.email.inbound import sweep as sweep_inbound
from hotgigs.bootstrap import Services, bootstrap
from hotgigs.privacy import run_retention
from hotgigs.run.lifecycle import stop_on_signals
from hotgigs.settings import Settings
from hotgigs.web.metrics import prepare as prepare_metrics
from hotgigs.wiring import (
    google_oauth,
    intake_for,
    job_queue,
    run_drive_sync,
    run_due_digests,
    task_context,
)
from pipeline.context import configure as configure_tasks
from pipeline.sweeper import sweep
from scheduler import jobs
from scheduler.app import SchedulerPart
from scheduler.jobs import JobRunner, Schedule

log = logging.getLogger(__name__)


def schedule_of(settings: Settings) -> Schedule:
    return Schedule(drive_sync_minutes=settings.drive_sync_minutes,
                    drive_full_sync_hour=settings.drive_full_sync_hour,
                    sweep_seconds=settings.sweep_seconds, digest_hour=settings.digest_hour)


def job_runner(services: Services) -> JobRunner:
    """The jobs' work over this process's services (tasks context configured too)."""
    settings = services.settings
    queue = job_queue(services)
    configure_tasks(task_context(services, queue))
    intake = intake_for(services, queue)
    grace = timedelta(seconds=settings.sweep_grace)

    def drive_sync(full: bool) -> object:
        return run_drive_sync(services, intake, full=full)

    def sweep_all() -> None:
        sweep(grace)
        # stored emails whose job Redis lost or a gone worker held: the SMTP servers look
        # every minute too, but a fleet's SMTP host may be the one that died
        sweep_inbound(services.db, queue, max(grace, timedelta(seconds=30)))

    return JobRunner(
        redis=services.redis, prefix=settings.queue_prefix, schedule=schedule_of(settings),
        sweep=sweep_all,
        drive_sync=drive_sync if settings.drive_credentials or google_oauth(settings) else None,
        digests=lambda: run_due_digests(services),  # once per recipient and day (ledger)
        retention=(lambda: run_retention(services)) if settings.retention_days else None,
    )


def start_scheduler(services: Services) -> SchedulerPart:
    """Configure the jobs and start the scheduler thread; `stop()` it when done."""
    jobs.configure(job_runner(services))
    part = SchedulerPart(services.db.engine, schedule_of(services.settings))
    part.start()
    return part


def run_scheduler(settings: Settings) -> int:
    """`hotgigs scheduler`: run until SIGINT/SIGTERM."""
    stop_event = stop_on_signals()
    prepare_metrics(settings)  # this process's figures join the shared /metrics directory
    services = bootstrap(settings)
    try:
        part = start_scheduler(services)
        log.info("scheduler running; Ctrl-C to stop")
        try:
            stop_event.wait()
        finally:
            part.stop()
    finally:
        jobs.configure(None)
        services.close()
    log.info("scheduler stopped")
    return 0
