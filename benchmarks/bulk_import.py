"""Bulk import end to end: N generated text PDFs through intake, Redis and 2 worker processes.

Prints resumes/second, p50/p95 latency per resume (submit → parsed), the queue + database
overhead per resume beside the bare parse time, peak RSS per worker, and how long a single
upload made in the middle of the bulk run takes. Figures are printed, never asserted.

    .venv/bin/python benchmarks/bulk_import.py [--count 1000] [--workers 2]
        [--database-url postgresql+psycopg://postgres@127.0.0.1:5432/DB] [--redis-url URL]
"""

from __future__ import annotations

import argparse
import base64
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import psutil
import redis
from sqlalchemy import select

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import contextlib

from hotgigs.bootstrap import bootstrap
from hotgigs.settings import load_settings
from hotgigs.worker import job_queue
from pipeline.intake import Intake
from pipeline.models import IngestFile, IngestRequest
from pipeline.parser import parse_document
from storage.db import upgrade
from storage.models import Batch, ProcessingJob, Resume
from tests.resumes import text_pdf
from tests.unit.parser import docgen


def resume_pdf(i: int) -> bytes:
    """A full one-page resume (contact, summary, roles, education, skills), unique per i."""
    body: list[str | tuple[str, float, bool]] = [
        (f"Bench Person{i}", 20.0, True),
        f"Austin, TX | bench{i}@example.test | +1 512 555 {i % 10000:04}",
        *docgen.ONE_COLUMN[2:],
    ]
    for role in range(8):
        body += [(f"Engineer Level {role}", 10.0, True),
                 f"Company {(i + role) % 50} Inc | 20{10 + role} - 20{11 + role}",
                 "• Did a number of useful things for customers and teammates every week"]
    return docgen.pdf([docgen.column(50, 50, body[:54])])


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def watch_rss(pids: list[int], peaks: dict[int, int], stop: threading.Event) -> None:
    while not stop.is_set():
        for pid in pids:
            with contextlib.suppress(psutil.NoSuchProcess):
                peaks[pid] = max(peaks.get(pid, 0), psutil.Process(pid).memory_info().rss)
        time.sleep(0.2)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--count", type=int, default=1000)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--database-url", default=None)
    ap.add_argument("--redis-url", default="redis://127.0.0.1:6379/14")
    args = ap.parse_args()

    data_dir = Path(tempfile.mkdtemp(prefix="hotgigs-bench-"))
    key = base64.urlsafe_b64encode(os.urandom(32)).decode()
    settings = load_settings(data_dir=data_dir, database_url=args.database_url,
                             redis_url=args.redis_url, encryption_key=key,
                             queue_prefix="bench")
    redis.Redis.from_url(args.redis_url).flushdb()
    upgrade(settings.effective_database_url)
    services = bootstrap(settings)
    intake = Intake(services.db, services.blobs, job_queue(services))

    files = [resume_pdf(i) for i in range(args.count)]
    bare = []
    for data in files[:100]:
        start = time.perf_counter()
        parse_document(data, "bench.pdf")
        bare.append((time.perf_counter() - start) * 1000)
    bare_ms = statistics.median(bare)

    env = {**os.environ, "HOTGIGS_DATA_DIR": str(data_dir), "REDIS_URL": args.redis_url,
           "DATABASE_URL": settings.effective_database_url, "HOTGIGS_ENCRYPTION_KEY": key,
           "HOTGIGS_QUEUE_PREFIX": "bench", "HOTGIGS_LOG_LEVEL": "WARNING"}
    workers = [subprocess.Popen([sys.executable, "-m", "hotgigs", "worker"], env=env)
               for _ in range(args.workers)]
    time.sleep(3)  # let the workers import the parser before the clock starts
    peaks: dict[int, int] = {}
    stop = threading.Event()
    watcher = threading.Thread(target=watch_rss, args=([w.pid for w in workers], peaks, stop))
    watcher.start()

    started = time.perf_counter()
    bulk = intake.submit(IngestRequest(
        source="cli", submitted_by="bench@example.test",
        files=[IngestFile(name=f"r{i}.pdf", content=d) for i, d in enumerate(files)]))
    submitted = time.perf_counter() - started

    single_ms = None
    while True:
        with services.db.session() as s:
            batch = s.get(Batch, bulk.id)
            assert batch is not None
            done = batch.parsed + batch.failed
        if single_ms is None and done >= args.count // 2:
            t0 = time.perf_counter()
            single = intake.submit(IngestRequest(
                source="cli", submitted_by="bench@example.test",
                files=[IngestFile(name="urgent.pdf",
                                  content=text_pdf("Urgent Person", "urgent@example.test"))]))
            while True:
                with services.db.session() as s:
                    state = s.scalar(select(Batch.state).where(Batch.id == single.id))
                if state == "done":
                    single_ms = (time.perf_counter() - t0) * 1000
                    break
                time.sleep(0.01)
        if done >= args.count:
            break
        time.sleep(0.05)
    elapsed = time.perf_counter() - started
    stop.set()
    watcher.join()
    for w in workers:
        w.terminate()
        w.wait()

    with services.db.session() as s:
        rows = s.execute(
            select(ProcessingJob.duration_ms, ProcessingJob.finished_at, Resume.created_at)
            .join(Resume, Resume.id == ProcessingJob.resume_id)
            .where(Resume.batch_id == bulk.id)
        ).all()
        failed = s.scalar(select(Batch.failed).where(Batch.id == bulk.id))
    in_task = [r.duration_ms for r in rows if r.duration_ms is not None]
    latency = [(r.finished_at - r.created_at).total_seconds() * 1000 for r in rows]
    per_resume_wall = elapsed * 1000 * args.workers / args.count

    print(f"bulk import: {args.count} text PDFs, {args.workers} workers, "
          f"database {settings.effective_database_url.split(':', 1)[0]}")
    print(f"  intake (store + record + enqueue): {submitted:.2f} s "
          f"({submitted * 1000 / args.count:.2f} ms/resume)")
    print(f"  end to end: {elapsed:.2f} s = {args.count / elapsed:.1f} resumes/s, failed {failed}")
    print(f"  latency submit→parsed: p50 {percentile(latency, 0.5):.0f} ms, "
          f"p95 {percentile(latency, 0.95):.0f} ms (bulk waits in the queue)")
    print(f"  bare parse (same files, in-process): median {bare_ms:.1f} ms")
    print(f"  task time per resume (parse + DB): median {statistics.median(in_task):.1f} ms")
    print(f"  wall time per resume per worker: {per_resume_wall:.1f} ms → queue+DB overhead "
          f"{(per_resume_wall - bare_ms) / bare_ms * 100:.0f}% over bare parse")
    print(f"  single upload during the bulk run: {single_ms:.0f} ms")
    for pid, peak in peaks.items():
        print(f"  worker {pid}: peak RSS {peak / 2**20:.0f} MB")
    services.close()


if __name__ == "__main__":
    main()
