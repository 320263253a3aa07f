"""The scheduler on both databases and real Redis: its jobs do real work, persist across a
restart, and run once when two schedulers are up. Job functions are called directly; nothing
waits for the clock."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bots.drive.folders import add_folder
from hotgigs.run.scheduler import job_runner
from pipeline.intake import Intake
from pipeline.models import IngestFile, IngestRequest
from scheduler import jobs
from scheduler.app import SchedulerPart, build_scheduler, job_specs, register_jobs
from scheduler.jobs import JobRunner, Schedule
from tests.fakes.drive_api import FakeDrive
from tests.helpers import wait_until
from tests.integration.pipeline_harness import Harness, make_harness
from tests.resumes import text_pdf


@pytest.fixture
def harness(make_settings: object, database_url: str, redis_url: str,
            tmp_path: Path) -> Iterator[Harness]:
    h = make_harness(make_settings, database_url, redis_url)
    yield h
    jobs.configure(None)
    h.close()


def _request() -> IngestRequest:
    return IngestRequest(source="cli", submitted_by="ann@agency.test",
                         files=[IngestFile(name="a.pdf", content=text_pdf("A One", "a@x.test"))])


def _runner(h: Harness, **overrides: object) -> JobRunner:
    services = h.services
    services.settings = services.settings.model_copy(update={"sweep_grace": 0, **overrides})
    return job_runner(services)


def test_the_sweeper_job_requeues_what_redis_lost(harness: Harness) -> None:
    Intake(harness.services.db, harness.services.blobs, None).submit(_request())
    assert harness.queue.depths() == {"high": 0, "low": 0}
    runner = _runner(harness)
    assert runner.run_sweeper() is True
    assert harness.queue.depths()["high"] == 1


def test_the_sweeper_job_requeues_a_stored_email_whose_job_was_lost(harness: Harness) -> None:
    """The SMTP servers look for such emails too, but the host running one may be gone."""
    from sqlalchemy import update

    from bots.email.inbound import accept
    from pipeline.queue import inbound_job_id
    from storage.models import InboundMessage
    from tests.emails import INBOUND, message

    raw = message(sender="you@agency.example").as_bytes()
    row_id = accept(harness.services.db, harness.services.blobs, raw, "you@agency.example",
                    [INBOUND]).row_id
    with harness.services.db.session() as session:  # stored a while ago; its job is gone
        session.execute(update(InboundMessage).where(InboundMessage.id == row_id)
                        .values(received_at=datetime.now(UTC) - timedelta(minutes=5)))
    assert _runner(harness).run_sweeper() is True
    assert harness.queue.queues["high"].get_job_ids() == [inbound_job_id(row_id)]


def test_two_schedulers_run_each_job_once(harness: Harness) -> None:
    runs: list[str] = []
    first = JobRunner(harness.services.redis, harness.settings.queue_prefix, Schedule(),
                      sweep=lambda: runs.append("first"))
    second = JobRunner(harness.services.redis, harness.settings.queue_prefix, Schedule(),
                       sweep=lambda: runs.append("second"))
    assert first.run_sweeper() is True
    assert second.run_sweeper() is False
    assert first.run_sweeper() is False  # the slot is taken, also for the same scheduler
    assert runs == ["first"]
    # a run still going elsewhere blocks the next slot's run too
    lock = harness.services.redis.lock(f"{harness.settings.queue_prefix}:scheduler:"
                                       f"{jobs.DRIVE_SYNC}:running", timeout=60)
    assert lock.acquire(blocking=False)
    syncs: list[bool] = []
    second.drive_sync = syncs.append
    assert second.run_drive_sync() is False and syncs == []
    lock.release()
    harness.services.redis.delete(*harness.services.redis.keys(
        f"{harness.settings.queue_prefix}:scheduler:{jobs.DRIVE_SYNC}:*"))
    assert second.run_drive_sync() is True and syncs == [False]


def test_the_digest_job_runs_once_per_hourly_slot(harness: Harness) -> None:
    runner = _runner(harness)
    assert runner.digests is not None  # wired to the daily digests (tests/…/test_digests*.py)
    sent: list[str] = []
    runner.digests = lambda: sent.append("due now")
    assert runner.run_digests() is True and runner.run_digests() is False
    assert sent == ["due now"]
    runner.digests = None
    assert runner.run_digests() is False


def test_the_retention_job_runs_daily_only_when_a_retention_period_is_set(
        harness: Harness) -> None:
    assert _runner(harness).retention is None  # HOTGIGS_RETENTION_DAYS=0 keeps everything
    runner = _runner(harness, retention_days=30)
    assert runner.retention is not None
    jobs.configure(runner)
    assert runner.run_retention() is True  # a real run over the (empty) database
    assert runner.run_retention() is False  # once per day, whichever scheduler runs it
    assert any(spec.id == jobs.RETENTION for spec in job_specs(Schedule()))


def test_the_drive_sync_job_imports_from_watched_folders(harness: Harness,
                                                         tmp_path: Path) -> None:
    with FakeDrive() as drive:
        root = drive.add_folder("Resumes")
        drive.add_file("a.pdf", text_pdf("Drive One", "d1@x.test"), root)
        drive.add_file("b.pdf", text_pdf("Drive Two", "d2@x.test"), root)
        add_folder(harness.services.db, root, "ann@agency.test")
        runner = _runner(harness, drive_credentials=drive.service_account_file(tmp_path),
                         drive_api_url=drive.base_url)
        jobs.configure(runner)
        jobs.drive_sync_job()  # what APScheduler calls, by its stored name
    assert harness.queue.depths()["low"] == 1  # the two resumes travel as one chunk


def test_persisted_jobs_survive_a_restart(harness: Harness) -> None:
    engine = harness.services.db.engine
    first = build_scheduler(engine)
    first.start(paused=True)
    assert set(register_jobs(first, Schedule())) == {
        jobs.SWEEPER, jobs.DRIVE_SYNC, jobs.DRIVE_FULL_SYNC, jobs.DAILY_DIGESTS, jobs.RETENTION}
    # a run time no trigger would compute afresh: it must come back from the store as is
    stored = (datetime.now(UTC) + timedelta(days=3)).replace(microsecond=0)
    first.modify_job(jobs.DAILY_DIGESTS, next_run_time=stored)
    first.shutdown()

    again = build_scheduler(engine)
    again.start(paused=True)
    try:
        assert register_jobs(again, Schedule()) == []  # nothing re-added: stored runs stand
        digest = again.get_job(jobs.DAILY_DIGESTS)
        assert digest is not None and digest.next_run_time == stored
        assert digest.func_ref == "scheduler.jobs:digest_job"
        # a changed interval replaces that job only
        assert register_jobs(again, Schedule(sweep_seconds=7)) == [jobs.SWEEPER]

        # the digest fell due while the scheduler was down: it runs once the scheduler is up
        sent: list[str] = []
        runner = _runner(harness)
        runner.digests = lambda: sent.append("today")
        jobs.configure(runner)
        again.modify_job(jobs.DAILY_DIGESTS,
                         next_run_time=datetime.now(UTC) - timedelta(hours=1))
        again.resume()
        wait_until(lambda: sent, timeout=30, what="the missed digest job to run")
    finally:
        again.shutdown()
    assert sent == ["today"]


def test_a_running_scheduler_runs_a_due_job(harness: Harness) -> None:
    Intake(harness.services.db, harness.services.blobs, None).submit(_request())
    jobs.configure(_runner(harness))
    part = SchedulerPart(harness.services.db.engine, Schedule())
    part.start()
    try:
        part.scheduler.modify_job(jobs.SWEEPER, next_run_time=datetime.now(UTC))
        wait_until(lambda: harness.queue.depths()["high"] == 1, timeout=30,
                   what="the scheduled sweeper to requeue the lost resume")
    finally:
        part.stop()


def test_hotgigs_scheduler_starts_and_stops_on_sigterm(harness: Harness) -> None:
    env = harness.env()
    proc = subprocess.Popen([sys.executable, "-m", "hotgigs", "scheduler"], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            start_new_session=True)
    lines: list[str] = []
    try:
        assert proc.stdout is not None
        for raw in proc.stdout:
            lines.append(raw.decode())
            if "scheduler running" in lines[-1]:
                break
        os.kill(proc.pid, signal.SIGTERM)
        rest, _ = proc.communicate(timeout=30)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
    output = "".join(lines) + rest.decode()
    assert proc.returncode == 0, output
    assert "scheduler: daily-digests next at" in output and "scheduler stopped" in output
    no_redis = {k: v for k, v in env.items() if k != "REDIS_URL"}
    done = subprocess.run([sys.executable, "-m", "hotgigs", "scheduler"], env=no_redis,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 2 and "REDIS_URL" in done.stderr
