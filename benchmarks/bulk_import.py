"""Bulk import end to end: N generated text PDFs through intake, Redis and 2 worker processes.

Prints resumes/second, p50/p95 latency per resume (submit → parsed), what the queue, the
database and matching add to the bare parse, peak RSS per worker, and how long a single upload
made in the middle of the bulk run takes. Figures are printed, never asserted.

The last lines are the per-host efficiency (issue 21): the end-to-end rate (intake, queue,
parse, database, matching) as a share of the bare-parse rate of the same files by the same
number of processes, by wall clock and by CPU time. The CPU figure counts every process the
run keeps busy (workers, the submitting process, the PostgreSQL backends serving them) and is
less sensitive to other load on the machine than the wall clock.

The overhead is measured against the same files parsed by the same number of plain processes
(no queue, no database), so both sides share the 2 cores the same way. Open jobs from
../shared/data/matching-dev/jobs are saved first, so each candidate is matched as in use.

    .venv/bin/python benchmarks/bulk_import.py [--count 1000] [--workers 2] [--jobs 10]
        [--database-url postgresql+psycopg://postgres@127.0.0.1:5432/DB] [--redis-url URL]
        [--blob-url s3://bucket/prefix --s3-endpoint http://127.0.0.1:8333]
        [--texts ../shared/data/matching-dev/resumes]

`--texts DIR` lays real resume texts out as PDFs instead of the generated resume, which is
short (~600 characters): real ones are ten times longer, so what the queue, the database and
matching add per resume weighs less against their parse.

`--blob-url` puts the files in that store (HOTGIGS_BLOB_URL; default the local folder): with an
S3 URL, credentials come from AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY, a missing bucket is
made for the run and removed after it. The blob-store line times put and get per resume alone.

With `--in-process`, the same N PDFs in a folder go through `hotgigs import DIR` as an operator
runs it without Redis (the tasks run in the command's own process), and the command's wall time
and resumes/s are printed.

    .venv/bin/python benchmarks/bulk_import.py --in-process [--count 400]
"""

from __future__ import annotations

import argparse
import base64
import gc
import multiprocessing
import os
import statistics
import subprocess
import sys
import tempfile
import textwrap
import threading
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import psutil
import redis
from prometheus_client import CollectorRegistry
from rq import Worker
from sqlalchemy import select

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import contextlib

from hotgigs.bootstrap import Services, bootstrap
from hotgigs.settings import load_settings
from hotgigs.web.metrics import ProcessFigures
from hotgigs.wiring import job_queue
from matching import create_job
from pipeline.intake import Intake
from pipeline.models import IngestFile, IngestRequest
from pipeline.parser import parse_document
from pipeline.queue import JobQueue
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


def text_pdfs(folder: Path, count: int) -> list[bytes]:
    """Up to `count` real resume texts laid out as text PDFs (a line per line, wrapped at 95
    characters, 55 lines a page), read from `folder` at run time and never kept.

    The generated resume is short (~600 characters, 9 ms to parse); real ones are ten times
    longer, so the per-resume costs of queue, database and matching weigh differently
    against their parse."""
    files = []
    for path in sorted(folder.glob("*.txt"))[:count]:
        lines: list[str | tuple[str, float, bool]] = []
        for raw in path.read_text(encoding="utf-8", errors="replace").splitlines():
            lines += textwrap.wrap(raw, 95) or [""]
        pages = [docgen.column(50, 60, lines[i:i + 55]) for i in range(0, len(lines), 55)]
        files.append(docgen.pdf(pages or [[]]))
    if not files:
        raise SystemExit(f"no *.txt files in {folder}")
    return files


JOBS_DIR = Path(__file__).resolve().parents[2] / "shared" / "data" / "matching-dev" / "jobs"


def _parse_files(paths: list[str]) -> float:
    """Parse the files; the CPU seconds it took this process."""
    started = time.process_time()
    for path in paths:
        parse_document(Path(path).read_bytes(), "bench.pdf")
    return time.process_time() - started


def _settle(path: str) -> None:
    """Start a bare-parse process as `hotgigs.run.worker.settle` starts a worker: the parser's
    data loaded (by a first parse) and the heap frozen, so both sides' garbage collector sees
    the same."""
    parse_document(Path(path).read_bytes(), "bench.pdf")
    gc.collect()
    gc.freeze()


def bare_parallel_seconds(files: list[bytes], workers: int, folder: Path) -> tuple[float, float]:
    """(wall, CPU seconds) for `workers` plain processes to parse every file (read from disk)."""
    paths = []
    for i, data in enumerate(files):
        path = folder / f"bare{i}.pdf"
        path.write_bytes(data)
        paths.append(str(path))
    # fresh processes, as the workers are: a child forked from this one would share its heap
    # copy-on-write (a page fault wherever the parser touches an inherited object) and the
    # parser's caches as warmed by the 100 timed parses above, which no worker has
    with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn"),
                             initializer=_settle, initargs=(paths[0],)) as pool:
        list(pool.map(_parse_files, [paths[:2]] * workers))  # warm-up
        start = time.perf_counter()
        cpu = sum(pool.map(_parse_files, [paths[i::workers] for i in range(workers)]))
        return time.perf_counter() - start, cpu


class CpuMeter:
    """CPU seconds used by a set of processes since `start`: the workers, and the PostgreSQL
    backends connected to the benchmark's database (PostgreSQL runs one process per
    connection; SQLite has none, its work is inside the workers)."""

    def __init__(self, pids: list[int], database_url: str) -> None:
        self.pids = pids
        self.database = database_url.rsplit("/", 1)[-1] if database_url.startswith(
            "postgresql") else None
        self.admin_url = database_url.replace("postgresql+psycopg://", "postgresql://", 1)
        self.before: dict[int, float] = {}

    def _backends(self) -> list[int]:
        if self.database is None:
            return []
        import psycopg

        with psycopg.connect(self.admin_url, autocommit=True) as conn:
            return [int(pid) for (pid,) in conn.execute(
                "SELECT pid FROM pg_stat_activity WHERE datname = %s AND pid <> "
                "pg_backend_pid()", [self.database])]

    @staticmethod
    def _cpu(pids: list[int]) -> dict[int, float]:
        found = {}
        for pid in pids:
            with contextlib.suppress(psutil.NoSuchProcess, psutil.AccessDenied):
                times = psutil.Process(pid).cpu_times()
                found[pid] = times.user + times.system
        return found

    def start(self) -> None:
        self.before = self._cpu(self.pids + self._backends())

    def seconds(self) -> tuple[float, float]:
        """(workers, database backends) CPU seconds since `start`; a backend that closed
        during the run is not counted (the workers keep theirs in a pool)."""
        workers = self._cpu(self.pids)
        backends = self._cpu(self._backends())
        used = {pid: cpu - self.before.get(pid, 0.0)
                for pid, cpu in {**workers, **backends}.items()}
        return (sum(used[p] for p in workers), sum(used[p] for p in backends))


def open_jobs(services: Services, count: int) -> int:
    """Save up to `count` open jobs from the matching dev set; how many were saved."""
    texts = sorted(JOBS_DIR.glob("*.txt"))[:count] if JOBS_DIR.is_dir() else []
    with services.db.session() as session:
        for path in texts:
            text = path.read_text(encoding="utf-8")
            create_job(session, title=text.strip().splitlines()[0][:200], description=text)
    return len(texts)


def stage_seconds(metrics_root: Path) -> dict[str, float]:
    """Seconds the workers spent per stage (claim, extract, fields, record, match…), summed
    from the Prometheus files they write."""
    registry = CollectorRegistry()
    registry.register(ProcessFigures(metrics_root))
    totals: dict[str, float] = {}
    for family in registry.collect():
        for sample in family.samples:
            if sample.name == "hotgigs_stage_seconds_sum":
                stage = sample.labels["stage"]
                totals[stage] = totals.get(stage, 0.0) + sample.value
    return totals


def seconds_in_jobs(queue: JobQueue) -> tuple[float, int]:
    """Seconds the running workers spent inside RQ jobs and how many jobs they ran, as RQ
    counts them; the rest of their time went to RQ itself (dequeue, bookkeeping) or idling."""
    workers = Worker.all(connection=queue.connection)
    return (sum(w.total_working_time for w in workers),
            sum(w.successful_job_count for w in workers))


def ready_workers(queue: JobQueue, count: int, limit: float = 120.0) -> None:
    """Wait until `count` workers listen on the queues.

    A worker registers with RQ after `hotgigs.run.worker.settle` (imports, taxonomy, span
    model, matching data): start-up is once per process, not per resume, and a fixed sleep
    let a slow start-up on a loaded machine count as end-to-end work (bare parsing warms its
    processes up before its clock starts too).
    """
    deadline = time.monotonic() + limit
    while len(Worker.all(connection=queue.connection)) < count:
        if time.monotonic() > deadline:
            raise SystemExit(f"{count} workers did not start within {limit:.0f} s")
        time.sleep(0.1)
    time.sleep(0.5)  # past RQ's registration, into its blocking dequeue


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def watch_rss(pids: list[int], peaks: dict[int, int], stop: threading.Event) -> None:
    while not stop.is_set():
        for pid in pids:
            with contextlib.suppress(psutil.NoSuchProcess):
                peaks[pid] = max(peaks.get(pid, 0), psutil.Process(pid).memory_info().rss)
        time.sleep(0.2)


def in_process(count: int, database_url: str | None) -> None:
    """`hotgigs import DIR` with no Redis: intake, parse, store and match in one process."""
    root = Path(tempfile.mkdtemp(prefix="hotgigs-bench-"))
    folder = root / "resumes"
    folder.mkdir()
    for i in range(count):
        (folder / f"r{i:05}.pdf").write_bytes(resume_pdf(i))
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("HOTGIGS_", "DATABASE_URL", "REDIS_URL"))}
    env["HOTGIGS_DATA_DIR"] = str(root / "var")
    if database_url:
        env["DATABASE_URL"] = database_url
    hotgigs = [sys.executable, "-m", "hotgigs"]
    subprocess.run([*hotgigs, "db", "upgrade"], env=env, check=True, capture_output=True)
    start = time.perf_counter()
    summary_file = (root / "summary.json").open("w+")  # a file: a full pipe would block it
    proc = subprocess.Popen([*hotgigs, "import", str(folder), "--json"], env=env, text=True,
                            stdout=summary_file, stderr=subprocess.PIPE)
    assert proc.stderr is not None
    submitted = None  # when the batch was stored: start-up (imports, models) is behind us
    tail: list[str] = []
    for line in proc.stderr:
        if submitted is None and " files submitted " in line:
            submitted = time.perf_counter()
        tail = [*tail[-20:], line]
    code = proc.wait()
    summary_file.seek(0)
    out = summary_file.read()
    end = time.perf_counter()
    if code not in (0, 1) or submitted is None:
        raise SystemExit(f"hotgigs import failed ({code}): {''.join(tail)}")
    import json

    summary = json.loads(out)
    wall, work = end - start, end - submitted
    print(f"in-process `hotgigs import` of {count} text PDFs (no Redis), "
          f"{summary['parsed']} parsed, {summary['failed']} failed:")
    print(f"  from submission to summary: {work:.1f} s = {count / work:.1f} resumes/s")
    print(f"  whole command incl. start-up ({wall - work:.1f} s): {wall:.1f} s = "
          f"{count / wall:.1f} resumes/s")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--in-process", action="store_true",
                    help="time `hotgigs import DIR` without Redis instead")
    ap.add_argument("--count", type=int, default=None, help="1000 (400 with --in-process)")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--jobs", type=int, default=10, help="open jobs each candidate is matched to")
    ap.add_argument("--database-url", default=None)
    ap.add_argument("--redis-url", default="redis://127.0.0.1:6379/14")
    ap.add_argument("--blob-url", default=None, help="file: (default) or s3://bucket/prefix")
    ap.add_argument("--texts", type=Path, default=None,
                    help="real resume texts (*.txt) laid out as PDFs instead of generated ones, "
                         "e.g. ../shared/data/matching-dev/resumes")
    ap.add_argument("--s3-endpoint", default=None, help="S3-compatible server, e.g. SeaweedFS")
    args = ap.parse_args()
    if args.in_process:
        in_process(args.count or 400, args.database_url)
        return
    args.count = args.count or 1000

    data_dir = Path(tempfile.mkdtemp(prefix="hotgigs-bench-"))
    key = base64.urlsafe_b64encode(os.urandom(32)).decode()
    settings = load_settings(data_dir=data_dir, database_url=args.database_url,
                             redis_url=args.redis_url, encryption_key=key,
                             queue_prefix="bench", blob_url=args.blob_url,
                             s3_endpoint=args.s3_endpoint)
    redis.Redis.from_url(args.redis_url).flushdb()
    upgrade(settings.effective_database_url)
    made_bucket = make_bucket(args.blob_url, args.s3_endpoint)
    services = bootstrap(settings)
    queue = job_queue(services)
    intake = Intake(services.db, services.blobs, queue)

    if args.texts:
        files = text_pdfs(args.texts, args.count)
        args.count = len(files)
    else:
        files = [resume_pdf(i) for i in range(args.count)]
    bare = []
    for data in files[:100]:
        start = time.perf_counter()
        parse_document(data, "bench.pdf")
        bare.append((time.perf_counter() - start) * 1000)
    bare_ms = statistics.median(bare)
    bare_wall, bare_cpu = bare_parallel_seconds(files, args.workers, data_dir)
    put_ms, get_ms = store_ms(services, 100)
    jobs = open_jobs(services, args.jobs)

    env = {**os.environ, "HOTGIGS_DATA_DIR": str(data_dir), "REDIS_URL": args.redis_url,
           "DATABASE_URL": settings.effective_database_url, "HOTGIGS_ENCRYPTION_KEY": key,
           "HOTGIGS_QUEUE_PREFIX": "bench", "HOTGIGS_LOG_LEVEL": "WARNING",
           **({"HOTGIGS_BLOB_URL": args.blob_url} if args.blob_url else {}),
           **({"HOTGIGS_S3_ENDPOINT": args.s3_endpoint} if args.s3_endpoint else {})}
    workers = [subprocess.Popen([sys.executable, "-m", "hotgigs", "worker"], env=env)
               for _ in range(args.workers)]
    ready_workers(queue, args.workers)
    peaks: dict[int, int] = {}
    stop = threading.Event()
    watcher = threading.Thread(target=watch_rss, args=([w.pid for w in workers], peaks, stop))
    watcher.start()
    meter = CpuMeter([w.pid for w in workers], settings.effective_database_url)
    meter.start()

    started = time.perf_counter()
    intake_cpu = time.process_time()
    bulk = intake.submit(IngestRequest(
        source="cli", submitted_by="bench@example.test",
        files=[IngestFile(name=f"r{i}.pdf", content=d) for i, d in enumerate(files)]))
    submitted = time.perf_counter() - started
    intake_cpu = time.process_time() - intake_cpu

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
    workers_cpu, database_cpu = meter.seconds()
    stop.set()
    watcher.join()
    in_jobs, job_count = seconds_in_jobs(queue)  # before the workers stop and forget it
    for w in workers:
        w.terminate()
        w.wait()

    with services.db.session() as s:
        rows = s.execute(
            select(ProcessingJob.duration_ms, ProcessingJob.started_at,
                   ProcessingJob.finished_at, Resume.created_at)
            .join(Resume, Resume.id == ProcessingJob.resume_id)
            .where(Resume.batch_id == bulk.id)
        ).all()
        failed, finished_at = s.execute(
            select(Batch.failed, Batch.finished_at).where(Batch.id == bulk.id)).one()
    in_task = [r.duration_ms for r in rows if r.duration_ms is not None]
    latency = [(r.finished_at - r.created_at).total_seconds() * 1000 for r in rows]
    # from the first resume a worker claimed to the batch's last outcome
    processing = (finished_at - min(r.started_at for r in rows)).total_seconds()

    def overhead(seconds: float) -> str:
        return f"{(seconds / bare_wall - 1) * 100:+.0f}% over bare parse"

    kind = f"PDFs of the texts in {args.texts}" if args.texts else "generated text PDFs"
    print(f"bulk import: {args.count} {kind}, {args.workers} workers, "
          f"database {settings.effective_database_url.split(':', 1)[0]}, {jobs} open jobs")
    print(f"  bare parse: median {bare_ms:.1f} ms in one process; {args.workers} plain "
          f"processes parse all in {bare_wall:.2f} s = {args.count / bare_wall:.0f} resumes/s")
    print(f"  blob store {args.blob_url or 'file: (local folder)'}: put {put_ms:.2f} ms, "
          f"get {get_ms:.2f} ms per resume (one process, one at a time, median)")
    print(f"  intake (store + record + enqueue): {submitted:.2f} s "
          f"({submitted * 1000 / args.count:.2f} ms/resume)")
    print(f"  workers (claim, parse, store, merge, match, count): {processing:.2f} s = "
          f"{args.count / processing:.0f} resumes/s, {overhead(processing)}")
    print(f"  end to end incl. intake: {elapsed:.2f} s = {args.count / elapsed:.1f} resumes/s, "
          f"{overhead(elapsed)}, failed {failed}")
    print(f"  latency submit→parsed: p50 {percentile(latency, 0.5):.0f} ms, "
          f"p95 {percentile(latency, 0.95):.0f} ms (bulk waits in the queue)")
    print(f"  recorded time per resume (parse + share of its chunk's DB work): median "
          f"{statistics.median(in_task):.1f} ms")
    print(f"  single upload during the bulk run: {single_ms:.0f} ms")
    stages = stage_seconds(data_dir / "metrics")
    wall = processing * args.workers * 1000 / args.count  # worker time per resume
    parse = stages.get("parse", 0.0)  # the whole parser call (its stages are inside it)
    per = {k: v * 1000 / args.count for k, v in stages.items()}
    rest = wall - sum(per.get(k, 0.0) for k in ("parse", "claim", "record", "match"))
    # RQ's own work between jobs, and idling (RQ starts a job's clock a little before its
    # first resume is claimed, where `processing` starts: hence the floor at 0)
    outside = max(0.0, wall - in_jobs * 1000 / args.count)
    print(f"  worker time per resume {wall:.2f} ms = parse {parse * 1000 / args.count:.2f} "
          f"(of which extract {per.get('extract', 0):.2f}, fields {per.get('fields', 0):.2f}) "
          f"+ claim {per.get('claim', 0):.2f} + record {per.get('record', 0):.2f} "
          f"+ match {per.get('match', 0):.2f} + queue/progress/other {rest:.2f} ms")
    print(f"    of which between the {job_count} RQ jobs (RQ itself, idle workers): "
          f"{outside:.2f} ms; inside jobs, outside the stages above: {rest - outside:.2f} ms")
    queue_db = per.get("claim", 0) + per.get("record", 0) + rest
    print(f"  queue + database per resume: {queue_db:.2f} ms = "
          f"{queue_db / (parse * 1000 / args.count) * 100:.0f}% of the parse time in the workers"
          f" (matching, a feature of its own, is the match figure)")
    for pid, peak in peaks.items():
        print(f"  worker {pid}: peak RSS {peak / 2**20:.0f} MB")
    print_efficiency(args.count, bare_wall, bare_cpu, elapsed,
                     {"workers": workers_cpu, "intake": intake_cpu, "database": database_cpu})
    services.close()
    if made_bucket:
        remove_bucket(args.blob_url, args.s3_endpoint)


def store_ms(services: Services, count: int) -> tuple[float, float]:
    """Median ms of one put and one get of a resume-sized file in the configured store (files
    the bulk run does not hold, removed again)."""
    puts, gets = [], []
    for i in range(count):
        data = resume_pdf(10**6 + i)
        t0 = time.perf_counter()
        key = services.blobs.put(data)
        t1 = time.perf_counter()
        services.blobs.get(key)
        gets.append((time.perf_counter() - t1) * 1000)
        puts.append((t1 - t0) * 1000)
        services.blobs.delete(key)
    return statistics.median(puts), statistics.median(gets)


def make_bucket(url: str | None, endpoint: str | None) -> bool:
    """Create the S3 URL's bucket when it is missing; True when this run made it."""
    if not url or not url.startswith("s3:"):
        return False
    from storage.s3_store import S3Location, ensure_bucket, s3_client

    return ensure_bucket(s3_client(endpoint, None), S3Location.parse(url).bucket)


def remove_bucket(url: str, endpoint: str | None) -> None:
    from storage.s3_store import S3Location, s3_client

    client, bucket = s3_client(endpoint, None), S3Location.parse(url).bucket
    for page in client.get_paginator("list_objects_v2").paginate(Bucket=bucket):
        for item in page.get("Contents", []):
            client.delete_object(Bucket=bucket, Key=item["Key"])
    client.delete_bucket(Bucket=bucket)


def print_efficiency(count: int, bare_wall: float, bare_cpu: float, elapsed: float,
                     cpu: dict[str, float]) -> None:
    """The per-host efficiency (issue 21): end to end against bare parsing, wall and CPU.

    The end-to-end run includes the single upload made halfway (one resume more); the
    database's CPU is PostgreSQL's backends (0 on SQLite, whose work the workers do).
    """
    total = sum(cpu.values())
    print(f"  efficiency, wall clock: end to end {count / elapsed:.1f} resumes/s, bare parse "
          f"{count / bare_wall:.1f} resumes/s = {bare_wall / elapsed * 100:.0f}%")
    split = ", ".join(f"{name} {seconds * 1000 / count:.2f}" for name, seconds in cpu.items())
    print(f"  CPU per resume: end to end {total * 1000 / count:.2f} ms ({split}); "
          f"bare parse {bare_cpu * 1000 / count:.2f} ms")
    print(f"  efficiency, CPU time: end to end {count / total:.1f} resumes per CPU-second, bare "
          f"parse {count / bare_cpu:.1f} = {bare_cpu / total * 100:.0f}% "
          f"(without the database's CPU: {bare_cpu / (total - cpu['database']) * 100:.0f}%)")


if __name__ == "__main__":
    main()
