"""A worker taken for gone and then back: real `hotgigs worker` and `hotgigs scheduler`
processes, PostgreSQL and Redis. A worker "of another host" frozen (SIGSTOP) beyond its
liveness TTL is taken out of RQ's registry by the sweeper; once thawed (SIGCONT) it registers
again at its next beat, is counted again and takes new work."""

from __future__ import annotations

import os
import signal
from pathlib import Path

from rq import Worker
from sqlalchemy import select

from pipeline.liveness import alive_key
from storage.models import ProcessingJob
from tests.helpers import wait_until
from tests.integration.pipeline_harness import Harness
from tests.integration.test_fleet import (
    FAST_LIVENESS,
    OTHER_HOST,
    _other_hosts_worker,
    _registered,
    _start_scheduler,
)
from tests.resumes import text_pdf


def test_a_frozen_worker_is_unregistered_then_registers_again_and_works(
        pg_harness: Harness, tmp_path: Path) -> None:
    h = pg_harness
    h.extra_env.update(FAST_LIVENESS)
    redis = h.services.redis
    _start_scheduler(h, tmp_path / "scheduler.log")
    frozen = h.start_worker(host=OTHER_HOST, log=tmp_path / "frozen.log")
    name = wait_until(lambda: (w := _other_hosts_worker(h)) is not None and w.name,
                      timeout=120, what="the other host's worker to register")
    assert _registered(h) == {name}

    os.killpg(frozen.pid, signal.SIGSTOP)  # no heartbeat: a host cut off, or a paused VM
    try:
        wait_until(lambda: _registered(h) == set(), timeout=60,
                   what="the sweeper to unregister the frozen worker")
        assert Worker.count(connection=redis) == 0  # /metrics' hotgigs_workers
        assert not redis.exists(alive_key(h.settings.queue_prefix, name))
        assert not redis.exists(f"rq:worker:{name}")
    finally:
        os.killpg(frozen.pid, signal.SIGCONT)

    wait_until(lambda: _registered(h) == {name}, timeout=60,
               what="the thawed worker to register again")
    back = _other_hosts_worker(h)
    assert back is not None and back.name == name
    assert back.hostname == OTHER_HOST and back.get_state() == "idle"
    assert {q.name for q in back.queues} == {q.name for q in h.queue.ordered()}
    assert Worker.count(connection=redis) == 1
    assert h.queue.live_worker_names() == {name}

    # the only worker there is: the upload is parsed by the one that came back
    batch = h.submit({"after.pdf": text_pdf("After Thaw", "after@x.test")})
    assert batch.priority == "high"
    h.wait_batch_done(batch.id, timeout=120)
    (resume,) = h.resumes(batch.id)
    assert resume.status == "parsed", resume.failure_reason
    with h.services.db.session() as session:
        attempts = session.scalars(select(ProcessingJob)
                                   .where(ProcessingJob.resume_id == resume.id)).all()
    assert [(a.status, (a.worker or "").split(":")[0]) for a in attempts] == [
        ("finished", OTHER_HOST)]
    assert frozen.poll() is None
    assert _registered(h) == {name}  # still there: its beats find it registered
    log = (tmp_path / "frozen.log").read_text(errors="replace")
    assert "Traceback" not in log
    assert "registered again" in log


def test_a_worker_killed_on_the_sweepers_host_is_unregistered_before_its_key_expires(
        pg_harness: Harness, tmp_path: Path) -> None:
    """On its own host a killed worker's process is seen to be gone: the sweep unregisters
    it (and drops its liveness key) without waiting out a TTL far longer than the deadline."""
    h = pg_harness
    h.extra_env.update(HOTGIGS_WORKER_TTL="600", HOTGIGS_SWEEP_SECONDS="2")
    redis = h.services.redis
    _start_scheduler(h, tmp_path / "scheduler.log")
    killed = h.start_worker(log=tmp_path / "killed.log")
    name = wait_until(lambda: len(names := _registered(h)) == 1 and names.pop(), timeout=120,
                      what="the worker to register")
    assert redis.exists(alive_key(h.settings.queue_prefix, name))
    h.kill(killed)
    wait_until(lambda: _registered(h) == set(), timeout=60,
               what="the sweeper to unregister the killed worker")
    assert Worker.count(connection=redis) == 0
    assert not redis.exists(alive_key(h.settings.queue_prefix, name))
    assert h.queue.live_worker_names() == set()
