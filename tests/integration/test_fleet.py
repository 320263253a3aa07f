"""A fleet losing a host: real `hotgigs worker` and `hotgigs scheduler` processes, PostgreSQL
and Redis. A worker "of another host" (its own hostname, so its process cannot be looked up)
is killed or frozen holding claims; the scheduled sweeper must notice its liveness key expire,
re-queue its resumes, and every resume must end exactly once."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

from rq import Worker
from sqlalchemy import func, select

from pipeline.liveness import alive_key
from storage.models import AuditEvent, ProcessingJob, ResumeData
from tests.conftest import truncate_all
from tests.helpers import wait_until
from tests.integration.pipeline_harness import Harness, make_harness
from tests.integration.private_redis_support import AofRedis
from tests.resumes import scanned_pdf, text_pdf

OTHER_HOST = "fleet-host-b"
# short, so the test is quick: the defaults (20 s + 20 s) are what the README promises
FAST_LIVENESS = {"HOTGIGS_WORKER_TTL": "3", "HOTGIGS_SWEEP_SECONDS": "2"}
LIVENESS_REASON = "liveness key expired"


def _bulk(h: Harness, scans: int, texts: int) -> int:
    files = {f"scan{i}.pdf": scanned_pdf(f"Scan Person{i}", f"scan{i}@x.test", filler=25)
             for i in range(scans)}
    files.update({f"text{i}.pdf": text_pdf(f"Text Person{i}", f"text{i}@x.test")
                  for i in range(texts)})
    batch = h.submit(files)
    assert batch.priority == "low"
    return batch.id


def _other_hosts_worker(h: Harness) -> Worker | None:
    workers = Worker.all(connection=h.services.redis)
    return next((w for w in workers if w.hostname == OTHER_HOST), None)


def _registered(h: Harness) -> set[str]:
    """The worker names in RQ's sets of our queues (what `rq info` lists per queue)."""
    return {w.name for queue in h.queue.ordered() for w in Worker.all(queue=queue)} | {
        key.decode().rsplit(":", 1)[-1] for queue in h.queue.ordered()
        for key in h.services.redis.smembers(f"rq:workers:{queue.name}")}


def _started(h: Harness) -> list[tuple[str, str]]:
    """(job id, execution id) of every entry in RQ's started-job registries of our queues."""
    return [entry for queue in h.queue.ordered()
            for entry in queue.started_job_registry.get_job_and_execution_ids(cleanup=False)]


def _claimed_by_victim(h: Harness, batch_id: int) -> list[int]:
    """The victim's claims once it holds some (its liveness key set, resumes processing)."""
    victim = _other_hosts_worker(h)
    if victim is None or not h.services.redis.exists(
            alive_key(h.settings.queue_prefix, victim.name)):
        return []
    return [r.id for r in h.resumes(batch_id) if r.status == "processing"]


def _start_scheduler(h: Harness, log: Path) -> subprocess.Popen[bytes]:
    with open(log, "ab") as out:
        proc = subprocess.Popen([sys.executable, "-m", "hotgigs", "scheduler"], env=h.env(),
                                stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    h.workers.append(proc)  # killed with the workers at the end
    return proc


def _assert_each_resume_ended_once(h: Harness, batch_id: int, total: int) -> None:
    batch = h.wait_batch_done(batch_id, timeout=120)
    resumes = h.resumes(batch_id)
    assert len(resumes) == total
    assert all(r.status == "parsed" for r in resumes), [
        (r.filename, r.status, r.failure_reason) for r in resumes]
    assert (batch.parsed, batch.failed, batch.total) == (total, 0, total)
    assert h.candidate_count() == total
    ids = [r.id for r in resumes]
    with h.services.db.session() as session:
        data_rows = dict(session.execute(
            select(ResumeData.resume_id, func.count()).where(ResumeData.resume_id.in_(ids))
            .group_by(ResumeData.resume_id)).all())
        finished = dict(session.execute(
            select(ProcessingJob.resume_id, func.count())
            .where(ProcessingJob.resume_id.in_(ids), ProcessingJob.status == "finished")
            .group_by(ProcessingJob.resume_id)).all())
        imports = session.scalar(select(func.count()).select_from(AuditEvent)
                                 .where(AuditEvent.action == "imported"))
    assert data_rows == dict.fromkeys(ids, 1)
    assert finished == dict.fromkeys(ids, 1)
    assert imports == total


def _lost_attempts(h: Harness, resume_ids: list[int]) -> list[ProcessingJob]:
    with h.services.db.session() as session:
        return list(session.scalars(
            select(ProcessingJob).where(ProcessingJob.resume_id.in_(resume_ids),
                                        ProcessingJob.status == "failed")))


def test_a_host_killed_holding_claims_loses_and_duplicates_nothing(
        pg_harness: Harness, tmp_path: Path) -> None:
    h = pg_harness
    h.extra_env.update(FAST_LIVENESS)
    _start_scheduler(h, tmp_path / "scheduler.log")  # the fleet's sweeper, already running
    batch_id = _bulk(h, scans=4, texts=4)
    victim = h.start_worker(host=OTHER_HOST, log=tmp_path / "victim.log")
    claimed = wait_until(lambda: _claimed_by_victim(h, batch_id), timeout=120,
                         what="the other host's worker to claim resumes")
    gone = _other_hosts_worker(h)
    assert gone is not None
    h.kill(victim)  # the whole process group, as a host that lost power
    killed_at = datetime.now(UTC)
    still_claimed = [r.id for r in h.resumes(batch_id)
                     if r.id in claimed and r.status == "processing"]
    assert still_claimed, "the victim ended its claims before it was killed"
    assert _started(h), "RQ did not list the victim's chunk as started"
    # the sweep takes it out of RQ's registry (no fresh worker yet to clean anything up)
    wait_until(lambda: Worker.count(connection=h.services.redis) == 0, timeout=60,
               what="the sweeper to unregister the killed worker")
    assert _registered(h) == set()
    assert not h.services.redis.exists(gone.key)
    assert _started(h) == []  # its chunk: neither retried by RQ later nor listed as running

    h.start_worker(log=tmp_path / "fresh.log")
    _assert_each_resume_ended_once(h, batch_id, total=8)

    lost = _lost_attempts(h, still_claimed)
    assert sorted(a.resume_id for a in lost) == sorted(still_claimed)
    assert all(LIVENESS_REASON in (a.error or "") for a in lost), [a.error for a in lost]
    assert all(OTHER_HOST in (a.worker or "") for a in lost)
    slowest = max(a.finished_at for a in lost if a.finished_at)
    print(f"\nre-queued {(slowest - killed_at).total_seconds():.1f} s after the kill "
          f"(worker TTL {FAST_LIVENESS['HOTGIGS_WORKER_TTL']} s, sweep every "
          f"{FAST_LIVENESS['HOTGIGS_SWEEP_SECONDS']} s)")


def test_a_frozen_host_that_comes_back_records_nothing_twice(
        pg_harness: Harness, tmp_path: Path) -> None:
    """A network cut, then the network back: the frozen worker finishes its parse after the
    others re-did it, and its result is dropped, not recorded a second time."""
    h = pg_harness
    h.extra_env.update(FAST_LIVENESS)
    batch_id = _bulk(h, scans=4, texts=0)
    zombie = h.start_worker(host=OTHER_HOST, log=tmp_path / "zombie.log")
    claimed = wait_until(lambda: _claimed_by_victim(h, batch_id), timeout=120,
                         what="the other host's worker to claim resumes")
    os.killpg(zombie.pid, signal.SIGSTOP)  # no heartbeat, no progress: cut off
    try:
        _start_scheduler(h, tmp_path / "scheduler.log")
        h.start_worker(log=tmp_path / "fresh.log")
        h.wait_batch_done(batch_id, timeout=120)
    finally:
        os.killpg(zombie.pid, signal.SIGCONT)
    # back: it finishes what it was parsing and tries to record it
    wait_until(lambda: (w := _other_hosts_worker(h)) is not None
               and w.get_current_job_id() is None, timeout=120,
               what="the returning worker to finish its old job")
    assert zombie.poll() is None
    _assert_each_resume_ended_once(h, batch_id, total=4)
    assert {a.resume_id for a in _lost_attempts(h, claimed)} <= set(claimed)
    log = (tmp_path / "zombie.log").read_text(errors="replace")
    assert "Traceback" not in log


def test_redis_killed_and_restarted_mid_run_loses_nothing(
        make_settings: object, pg_url: str, tmp_path: Path) -> None:
    truncate_all(pg_url)
    with AofRedis(tmp_path / "redis") as server:
        h = make_harness(make_settings, pg_url, server.url)
        try:
            h.extra_env.update(FAST_LIVENESS)
            batch_id = _bulk(h, scans=3, texts=40)
            _start_scheduler(h, tmp_path / "scheduler.log")
            h.start_worker(log=tmp_path / "worker.log")
            wait_until(lambda: h.batch(batch_id).parsed >= 1, timeout=120,
                       what="the run to start")
            server.kill()  # SIGKILL: what the AOF had not written yet is lost
            assert h.batch(batch_id).state != "done", "the run ended before Redis went down"
            server.start()
            _assert_each_resume_ended_once(h, batch_id, total=43)
            assert all(w.poll() is None for w in h.workers), "a process died with Redis"
        finally:
            h.close()
            with contextlib.suppress(Exception):
                server.stop()


def test_the_sweeper_does_not_reopen_a_resume_that_ended_meanwhile(harness: Harness) -> None:
    """The sweeper read a resume as unfinished, then its worker (thought gone) recorded it:
    re-opening it now would parse and record it a second time."""
    from pipeline.sweeper import _new_attempt
    from pipeline.tasks import process_resumes

    batch = harness.submit({"late.pdf": text_pdf("Late Person", "late@x.test")})
    resume = harness.resumes(batch.id)[0]
    with harness.services.db.session() as session:
        attempt = session.scalars(select(ProcessingJob)
                                  .where(ProcessingJob.resume_id == resume.id)).one()
    assert process_resumes([resume.id]) == ["parsed"]

    assert _new_attempt(resume.id, attempt.id, "low", "worker x stopped answering") is None
    assert harness.resumes(batch.id)[0].status == "parsed"
    with harness.services.db.session() as session:
        attempts = session.scalars(select(ProcessingJob)
                                   .where(ProcessingJob.resume_id == resume.id)).all()
    assert [(a.status, a.error) for a in attempts] == [("finished", None)]
