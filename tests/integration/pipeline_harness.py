"""A pipeline on real Redis and a real database, with real `hotgigs worker` processes."""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import sys
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import redis
from sqlalchemy import func, select

from hotgigs.bootstrap import Services, bootstrap
from hotgigs.settings import Settings
from hotgigs.wiring import job_queue, task_context
from pipeline.context import configure
from pipeline.intake import Intake
from pipeline.models import IngestFile, IngestRequest
from pipeline.queue import JobQueue
from storage.models import Batch, Candidate, Resume
from tests.helpers import wait_until


@dataclass
class Harness:
    settings: Settings
    services: Services
    queue: JobQueue
    intake: Intake
    workers: list[subprocess.Popen[bytes]] = field(default_factory=list)
    extra_env: dict[str, str] = field(default_factory=dict)  # more settings for the workers

    def submit(self, files: dict[str, bytes], *, source: str = "cli", by: str = "ann@agency.test",
               key: str | None = None) -> Batch:
        request = IngestRequest(
            source=source, submitted_by=by, idempotency_key=key,  # type: ignore[arg-type]
            files=[IngestFile(name=name, content=data) for name, data in files.items()],
        )
        return self.intake.submit(request)

    def env(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items()
               if not k.startswith(("HOTGIGS_", "DATABASE_URL", "REDIS_URL"))}
        env.update(
            HOTGIGS_DATA_DIR=str(self.settings.data_dir),
            DATABASE_URL=self.settings.effective_database_url,
            REDIS_URL=str(self.settings.redis_url),
            HOTGIGS_QUEUE_PREFIX=self.settings.queue_prefix,
            HOTGIGS_ENCRYPTION_KEY=str(self.settings.encryption_key),
            HOTGIGS_SWEEP_GRACE="0",
            HOTGIGS_LOG_LEVEL="INFO",
        )
        env.update(self.extra_env)
        return env

    def start_worker(
        self, *, burst: bool = False, log: Path | None = None, host: str | None = None
    ) -> subprocess.Popen[bytes]:
        """`host`: run it under that hostname (a UTS namespace), as a worker of another
        machine, whose process this host cannot see: only its liveness key tells."""
        args = [sys.executable, "-m", "hotgigs", "worker", *(["--burst"] if burst else [])]
        if host is not None:
            args = [*other_host_prefix(), "sh", "-c", 'hostname "$0" && exec "$@"', host, *args]
        # Its own process group: RQ's scheduler is a child process, and killing the group
        # leaves no orphan behind (a SIGKILL to the worker alone would).
        if log is None:
            proc = subprocess.Popen(args, env=self.env(), stdout=subprocess.DEVNULL,
                                    stderr=subprocess.STDOUT, start_new_session=True)
        else:
            with open(log, "ab") as out:  # the child keeps its own copy of the descriptor
                proc = subprocess.Popen(args, env=self.env(), stdout=out,
                                        stderr=subprocess.STDOUT, start_new_session=True)
        self.workers.append(proc)
        return proc

    def kill(self, proc: subprocess.Popen[bytes]) -> None:
        """SIGKILL the worker and everything it started, as a crashed machine would."""
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()

    def run_burst_worker(self, timeout: float = 180) -> None:
        proc = self.start_worker(burst=True)
        assert proc.wait(timeout=timeout) == 0

    def batch(self, batch_id: int) -> Batch:
        with self.services.db.session() as session:
            batch = session.get(Batch, batch_id)
            assert batch is not None
            return batch

    def resumes(self, batch_id: int) -> list[Resume]:
        with self.services.db.session() as session:
            return list(session.scalars(
                select(Resume).where(Resume.batch_id == batch_id).order_by(Resume.id)))

    def candidate_count(self) -> int:
        with self.services.db.session() as session:
            return int(session.scalar(select(func.count()).select_from(Candidate)) or 0)

    def wait_batch_done(self, batch_id: int, timeout: float = 120) -> Batch:
        return wait_until(lambda: (b := self.batch(batch_id)).state == "done" and b,
                          timeout=timeout, what=f"batch {batch_id} to finish")

    def close(self) -> None:
        for proc in self.workers:
            self.kill(proc)
        self.services.close()


def other_host_prefix() -> list[str]:
    """The command prefix that runs a process under its own hostname (util-linux unshare:
    a UTS namespace; unprivileged, inside a user namespace too). `exec` keeps the pid."""
    if shutil.which("unshare") is None:
        pytest.skip("unshare (util-linux) is needed to give a worker its own hostname")
    prefix = ["unshare", "--uts"] if os.geteuid() == 0 else ["unshare", "--map-root-user",
                                                             "--uts"]
    probe = subprocess.run([*prefix, "hostname", "probe"], capture_output=True, check=False)
    if probe.returncode != 0:
        pytest.skip(f"cannot make a UTS namespace here: {probe.stderr.decode().strip()}")
    return prefix


def make_harness(make_settings: object, database_url: str, redis_url: str) -> Harness:
    settings: Settings = make_settings(  # type: ignore[operator]
        database_url=database_url, redis_url=redis_url,
        queue_prefix=f"t{uuid.uuid4().hex[:8]}",
    )
    services = bootstrap(settings)
    queue = job_queue(services)
    configure(task_context(services, queue))
    redis.Redis.from_url(redis_url).flushdb()
    return Harness(settings, services, queue, Intake(services.db, services.blobs, queue))
