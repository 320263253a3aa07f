"""A fleet on one machine: N hosts as network namespaces share the run's own Redis and
PostgreSQL; bulk imports are timed on 1…N hosts, then a run with SMTP mail loses a whole host,
Redis and PostgreSQL restart, and the ledger shows what became of every resume and email.

Host 1 runs `hotgigs serve --workers 0 --no-smtp` (HTTP + scheduler) and `hotgigs smtp`; every
host runs `--workers` × `hotgigs worker`; all share one data dir (the blob store; with
`--blob-url s3://…` the blobs go there). Bulk work enters with `hotgigs import DIR` on host 1
(a CLI batch: the low queue). In the chaos run, once 20 % of the batch ended and the last
host holds claimed resumes, every process of that host gets SIGKILL and its link and namespace
go; 5 s later Redis restarts (append-only file, not flushed), 5 s after that PostgreSQL
(`pg_ctl restart -m fast`); the host comes back when its claimed resumes ended elsewhere or
after `--down-max` seconds. The recovery time runs from the kill until every resume the dead
host had claimed ended (parsed or failed). Figures are printed, never asserted.

    sudo .venv/bin/python benchmarks/fleet.py --hosts 3 --count 2000 [--emails 200]
        [--workers 2] [--sweep 1,2,3] [--down-max 75] [--json] [--blob-url s3://bucket/prefix]

Needs root (ip netns, veth, a bridge), redis-server and PostgreSQL 15's binaries. Everything it
makes (namespaces, links, processes, the temp folder) is removed at the end, on Ctrl-C too.
"""

from __future__ import annotations

import argparse
import atexit
import base64
import contextlib
import json
import os
import re
import resource
import signal
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import psutil
from rq import Worker
from sqlalchemy import func, select
from sqlalchemy.exc import DBAPIError

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.bulk_import import resume_pdf
from benchmarks.fleet_mail import MailRun
from benchmarks.fleet_report import ledger, machine_load, print_row, render
from benchmarks.fleet_rig import Rig, host_ip, leftovers, wait_port
from hotgigs.bootstrap import Services, bootstrap
from hotgigs.settings import load_settings
from storage.db import upgrade
from storage.models import Batch, ProcessingJob, Resume

SMTP_PORT = 2525
RESTART_GAP = 5.0  # seconds from the kill to Redis' restart, and from that to PostgreSQL's


class Fleet:
    """The hosts of a run: brings them up (waiting until their workers listen) and down."""

    def __init__(self, rig: Rig, services: Services, workers: int) -> None:
        self.rig, self.services, self.workers = rig, services, workers

    def up(self, k: int) -> None:
        self.rig.add_host(k)
        if k == 1:
            self.rig.run_in(1, "serve", "serve", "--workers", "0", "--no-smtp")
            wait_port(host_ip(1), 3000, timeout=120)
            self.rig.run_in(1, "smtp", "smtp")
            wait_port(host_ip(1), SMTP_PORT, timeout=120)
        for w in range(self.workers):
            self.rig.run_in(k, f"worker{w}", "worker")
        deadline = time.monotonic() + 180
        while self.listening(k) < self.workers:  # registered after loading the parser
            if time.monotonic() > deadline:
                raise SystemExit(f"host {k}: workers did not start, see {self.rig.logs}")
            time.sleep(0.3)

    def listening(self, k: int) -> int:
        pids = set(self.rig.hosts[k].pids()) if k in self.rig.hosts else set()
        return sum(1 for w in Worker.all(connection=self.services.redis)
                   if w.hostname == f"hg-host{k}" and w.pid in pids)


def cpu_seconds(pids: list[int]) -> dict[int, float]:
    found = {}
    for pid in pids:
        with contextlib.suppress(psutil.Error):
            times = psutil.Process(pid).cpu_times()
            found[pid] = times.user + times.system
    return found


def fleet_pids(rig: Rig) -> list[int]:
    return [p for host in rig.hosts.values() for p in host.pids()] + rig.service_pids()


def cpu_used(before: dict[int, float], after: dict[int, float]) -> float:
    return sum(v - before.get(pid, 0.0) for pid, v in after.items())


def write_files(folder: Path, first: int, count: int) -> None:
    folder.mkdir(parents=True)
    for i in range(first, first + count):
        (folder / f"r{i:06}.pdf").write_bytes(resume_pdf(i))


def submit(rig: Rig, folder: Path) -> tuple[int, float]:
    """`hotgigs import FOLDER` on host 1; the batch id and the command's CPU seconds."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    proc = rig.run_in(1, f"import-{folder.name}", "import", str(folder))
    if proc.wait() != 0:
        raise SystemExit(f"import failed, see {rig.logs}")
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    text = (rig.logs / f"host1-import-{folder.name}.log").read_text()
    found = re.search(r"batch (\d+): \d+ files submitted", text)
    if not found:
        raise SystemExit(f"no batch id in the import's output: {text[-500:]}")
    cpu = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
    return int(found.group(1)), cpu


def ended(services: Services, batch_id: int) -> int | None:
    """Resumes of the batch that ended (parsed + failed); None while the database is away."""
    try:
        with services.db.session() as session:
            row = session.execute(select(Batch.parsed, Batch.failed)
                                  .where(Batch.id == batch_id)).one()
        return int(row.parsed + row.failed)
    except DBAPIError:
        return None


def timed_batch(rig: Rig, services: Services, root: Path, hosts: int, workers: int,
                first: int, count: int) -> dict[str, Any]:
    """One bulk import on the first `hosts` hosts: wall time and CPU seconds of the fleet."""
    folder = root / "files" / f"sweep{hosts}"
    write_files(folder, first, count)
    before = cpu_seconds(fleet_pids(rig))
    start = time.monotonic()
    batch_id, import_cpu = submit(rig, folder)
    while (ended(services, batch_id) or 0) < count:
        time.sleep(0.2)
    seconds = time.monotonic() - start
    cpu = cpu_used(before, cpu_seconds(fleet_pids(rig))) + import_cpu
    return {"hosts": hosts, "workers": workers,
            "batch_id": batch_id, "resumes": count, "seconds": round(seconds, 2),
            "resumes_per_s": round(count / seconds, 1), "cpu_seconds": round(cpu, 1),
            "resumes_per_cpu_s": round(count / cpu, 1)}


def claims_of(services: Services, k: int) -> set[int]:
    """Resumes whose current attempt runs on host K (host:pid is stored on the attempt)."""
    with services.db.session() as session:
        return set(session.scalars(select(ProcessingJob.resume_id).where(
            ProcessingJob.status == "started", ProcessingJob.finished_at.is_(None),
            ProcessingJob.worker.like(f"hg-host{k}:%"))))


def note(text: str) -> None:
    """What the chaos run did, as it happens (stderr: a run cut short still shows it)."""
    print(f"[{time.strftime('%H:%M:%S')}] {text}", file=sys.stderr, flush=True)


def holds_claims(services: Services, k: int) -> bool:
    try:
        return bool(claims_of(services, k))
    except DBAPIError:
        return False


def unfinished(services: Services, resume_ids: set[int]) -> int | None:
    try:
        with services.db.session() as session:
            return int(session.scalar(select(func.count()).select_from(Resume).where(
                Resume.id.in_(resume_ids), Resume.status.in_(("pending", "processing")))) or 0)
    except DBAPIError:
        return None


def chaos(rig: Rig, fleet: Fleet, services: Services, mail: MailRun, root: Path, hosts: int,
          first: int, count: int, down_max: float, timeout: float) -> dict[str, Any]:
    """The bulk + mail run with the host kill and both restarts; what happened when."""
    folder = root / "files" / "chaos"
    write_files(folder, first, count)
    victim = hosts
    events: dict[str, Any] = {"victim": f"hg-host{victim}"}
    sender = threading.Thread(target=mail.send, daemon=True)
    start = time.monotonic()
    sender.start()
    batch_id, _ = submit(rig, folder)
    events["batch_id"] = batch_id
    killed_at = redis_at = pg_at = back_at = None
    claimed: set[int] = set()
    while time.monotonic() - start < timeout:
        done = ended(services, batch_id)
        now = time.monotonic()
        if killed_at is None and done is not None and done >= count * 0.2 and (
                done >= count * 0.5 or holds_claims(services, victim)):
            killed_at = now
            rig.kill_host(victim)
            claimed = claims_of(services, victim)  # read after the kill: what it held then
            events.update(killed_at_s=round(now - start, 1), claimed_by_victim=len(claimed),
                          ended_before_kill=done)
            note(f"killed hg-host{victim} holding {len(claimed)} claimed resumes")
        elif killed_at and redis_at is None and now - killed_at >= RESTART_GAP:
            redis_at = now
            rig.stop_redis()
            rig.start_redis()
            events.update(redis_restart_at_s=round(now - start, 1),
                          redis_down_s=round(time.monotonic() - now, 2))
            note("Redis restarted")
        elif redis_at and pg_at is None and now - redis_at >= RESTART_GAP:
            pg_at = now
            rig.pg_ctl("restart")
            events.update(pg_restart_at_s=round(now - start, 1),
                          pg_down_s=round(time.monotonic() - now, 2))
            note("PostgreSQL restarted")
        if killed_at and "recovered_s" not in events and unfinished(services, claimed) == 0:
            events["recovered_s"] = round(now - killed_at, 1)
            events["recovered_while_down"] = back_at is None
            if claimed:
                note(f"the victim's claims ended {events['recovered_s']} s after the kill")
        if killed_at and back_at is None and (
                "recovered_s" in events or now - killed_at >= down_max):
            back_at = now
            fleet.up(victim)
            events.update(back_after_s=round(now - killed_at, 1),
                          back_ready_s=round(time.monotonic() - killed_at, 1))
            note(f"hg-host{victim} back, workers ready {events['back_ready_s']} s after the kill")
        if pg_at and back_at and "recovered_s" in events and (done or 0) >= count \
                and not sender.is_alive() and mail.handled(services):
            break
        time.sleep(0.25)
    events["seconds"] = round(time.monotonic() - start, 1)
    events["timed_out"] = time.monotonic() - start >= timeout
    return events


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--hosts", type=int, default=3)
    ap.add_argument("--count", type=int, default=2000, help="resumes per bulk batch")
    ap.add_argument("--emails", type=int, default=200)
    ap.add_argument("--workers", type=int, default=2, help="worker processes per host")
    ap.add_argument("--sweep", default=None, help="host counts timed, default 1..--hosts")
    ap.add_argument("--down-max", type=float, default=75,
                    help="seconds the killed host stays away unless its claims ended sooner")
    ap.add_argument("--mail-seconds", type=float, default=40,
                    help="the emails are spread over this many seconds of the chaos run")
    ap.add_argument("--timeout", type=float, default=1800)
    ap.add_argument("--blob-url", default=None, help="s3://bucket/prefix (default: the data dir)")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    sweep = [int(n) for n in args.sweep.split(",")] if args.sweep else \
        list(range(1, args.hosts + 1))
    if os.geteuid() != 0:
        raise SystemExit("fleet.py needs root (ip netns, veth links)")
    if stale := leftovers():
        raise SystemExit(f"left from an earlier run, remove first: {stale}")

    root = Path(tempfile.mkdtemp(prefix="hotgigs-fleet-"))
    key = base64.urlsafe_b64encode(os.urandom(32)).decode()
    base = {k: v for k, v in os.environ.items()
            if not k.startswith(("HOTGIGS_", "DATABASE_", "REDIS_", "AWS_"))}
    rig = Rig(root, base)
    atexit.register(rig.close)
    # both unwind through `finally`; SIGINT explicitly: a shell starts background jobs with it
    # ignored, and Python keeps an ignored SIGINT ignored
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    signal.signal(signal.SIGINT, signal.default_int_handler)
    services: Services | None = None
    try:
        rig.bridge_up()
        redis_url = rig.start_redis()
        database_url = rig.start_postgres()
        blob_env = blob_settings(rig, args.blob_url)
        base.update(PYTHONPATH=str(Path(__file__).resolve().parents[1]),
                    HOTGIGS_DATA_DIR=str(root / "data"), REDIS_URL=redis_url,
                    DATABASE_URL=database_url, HOTGIGS_ENCRYPTION_KEY=key,
                    HOTGIGS_QUEUE_PREFIX="fleet", HOTGIGS_LOG_LEVEL="WARNING",
                    HOTGIGS_EMAIL_RATE_LIMIT=str(max(args.emails, 50)),
                    HOTGIGS_SMTP_HOST=host_ip(1), HOTGIGS_SMTP_PORT=str(SMTP_PORT),
                    HOTGIGS_HTTP_HOST=host_ip(1), HOTGIGS_HTTP_PORT="3000", **blob_env)
        rig.env = base
        settings = load_settings(data_dir=root / "data", database_url=database_url,
                                 redis_url=redis_url, encryption_key=key, queue_prefix="fleet",
                                 blob_url=args.blob_url,
                                 s3_endpoint=blob_env.get("HOTGIGS_S3_ENDPOINT"))
        upgrade(database_url)
        services = bootstrap(settings)
        fleet = Fleet(rig, services, args.workers)
        mail = MailRun(services, settings, host_ip(1), SMTP_PORT, args.emails,
                       spread=args.mail_seconds)
        machine_before, script_before = psutil.cpu_times(), sum(psutil.Process().cpu_times()[:2])
        ours_before = cpu_seconds(fleet_pids(rig))
        rows, bulk, first = [], [], 0
        for n in sweep:
            for k in range(1, n + 1):
                if k not in rig.hosts:
                    fleet.up(k)
            rows.append(timed_batch(rig, services, root, n, n * args.workers, first,
                                    args.count))
            bulk.append(rows[-1]["batch_id"])
            first += args.count
            if not args.json:
                print_row(rows[-1])
        for k in range(1, args.hosts + 1):
            if k not in rig.hosts:
                fleet.up(k)
        events = chaos(rig, fleet, services, mail, root, args.hosts, first, args.count,
                       args.down_max, args.timeout) if args.hosts >= 2 else {}
        if events:
            bulk.append(events["batch_id"])
        submitted = args.count * len(bulk)
        report = {"hosts": args.hosts, "workers_per_host": args.workers, "sweep": rows,
                  "chaos": events, "ledger": ledger(services, bulk, submitted),
                  "email": mail.ledger(services),
                  "machine": machine_load(
                      machine_before, psutil.cpu_times(),
                      cpu_used(ours_before, cpu_seconds(fleet_pids(rig))),
                      sum(psutil.Process().cpu_times()[:2]) - script_before)}
        print(json.dumps(report, indent=2) if args.json else render(report))
    except BaseException:
        for log in sorted(rig.logs.glob("*.log")):
            tail = log.read_text(errors="replace")[-1500:]
            if "Traceback" in tail:
                print(f"--- {log.name}\n{tail}", file=sys.stderr)
        raise
    finally:
        if services is not None:
            services.close()
        rig.close()


def blob_settings(rig: Rig, url: str | None) -> dict[str, str]:
    """For `s3://bucket/prefix`: the run's own SeaweedFS with the bucket made, and the
    environment every process needs to reach it (also set in this process, for boto3)."""
    if not url:
        return {}
    from storage.s3_store import S3Location, s3_client

    location = S3Location.parse(url)
    env = {"AWS_ACCESS_KEY_ID": "fleet", "AWS_SECRET_ACCESS_KEY": os.urandom(12).hex(),
           "AWS_DEFAULT_REGION": "us-east-1"}
    os.environ.update(env)
    endpoint = rig.start_weed(env["AWS_ACCESS_KEY_ID"], env["AWS_SECRET_ACCESS_KEY"])
    client = s3_client(endpoint, None)
    deadline = time.monotonic() + 60
    while True:  # the gateway answers before the filer behind it is ready
        try:
            client.create_bucket(Bucket=location.bucket)
            break
        except Exception:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.5)
    return {"HOTGIGS_BLOB_URL": url, "HOTGIGS_S3_ENDPOINT": endpoint, **env}


if __name__ == "__main__":
    main()
