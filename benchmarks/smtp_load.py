"""SMTP load: N messages (one generated PDF resume each) from C concurrent SMTP clients, 80 %
from proven recruiters (their personal inbound addresses) and 20 % unproven (strangers writing
to the shared address), into a door exposed as on the internet (no loopback trust).

Runs our SMTP server in this process and worker processes (`hotgigs worker`) beside it, then
prints messages accepted per second, messages lost (stored rows against 250s), whether every
proven message got exactly one reply (to its recruiter) and every unproven one none, the end-
to-end rate (the last proven reply written or the last unproven message quarantined), p50/p95
of DATA end → reply, and where the workers' time went (stage sums from the metrics files, RQ's
own working time). Figures are printed, never asserted.

    .venv/bin/python benchmarks/smtp_load.py [--count 1000] [--clients 100] [--workers 2]
        [--proven 0.8] [--database-url postgresql+psycopg://postgres@127.0.0.1:5432/DB]
        [--redis-url URL]
"""

from __future__ import annotations

import argparse
import email
import os
import random
import smtplib
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from email.policy import default
from pathlib import Path

import redis

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.bulk_import import stage_seconds
from bots.email.recruiters import register
from bots.email.server import SmtpServer
from hotgigs.bootstrap import bootstrap
from hotgigs.settings import load_settings
from hotgigs.web.metrics import prepare
from hotgigs.wiring import email_config, job_queue
from storage.db import upgrade
from tests.emails import INBOUND, attach, message
from tests.resumes import text_pdf

RECRUITERS = 25


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else float("nan")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def build(i: int, to: str | None, sender: str) -> tuple[str, str, bytes]:
    msg = message(subject=f"Candidate {i}", sender=sender, to=to or INBOUND)
    attach(msg, f"person{i}.pdf", text_pdf(f"Bench Person{i}", f"bench{i}@example.test"))
    return str(msg["Message-ID"]), to or INBOUND, msg.as_bytes(
        policy=msg.policy.clone(linesep="\r\n"))


def _backend_cpu(database: str) -> float:
    """CPU seconds of the PostgreSQL server processes serving `database` (their process
    title names it; a backend whose connection closed is no longer counted)."""
    import psutil

    total = 0.0
    for proc in psutil.process_iter(["cmdline"]):
        title = " ".join(proc.info["cmdline"] or [])
        if title.startswith("postgres:") and f" {database} " in f"{title} ":
            try:
                total += sum(proc.cpu_times()[:2])
            except psutil.Error:
                continue
    return total


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--count", type=int, default=1000)
    parser.add_argument("--clients", type=int, default=100)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--proven", type=float, default=0.8)
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/14")
    parser.add_argument("--timeout", type=float, default=1800)
    args = parser.parse_args()

    tmp = Path(tempfile.mkdtemp(prefix="smtp-load-"))
    settings = load_settings(
        data_dir=tmp / "data", database_url=args.database_url or f"sqlite:///{tmp}/db.sqlite3",
        redis_url=args.redis_url, queue_prefix=f"bench{uuid.uuid4().hex[:6]}",
        encryption_key="Bml7ZV7WczmJQj2kdJ_lRxeIC-EgA7XpaG5_Qx7-9Bc=",
        email_rate_limit=args.count,  # one benchmark recruiter must not be throttled
    )
    metrics_dir = prepare(settings, wipe=True)  # this process and the workers write there
    upgrade(settings.effective_database_url)
    services = bootstrap(settings)
    redis.Redis.from_url(args.redis_url).flushdb()
    config = replace(email_config(settings), trust_loopback=False)
    tokens = {f"recruiter{r}@agency.test": register(services.db, f"recruiter{r}@agency.test")[0]
              .token for r in range(RECRUITERS)}
    port = free_port()
    server = SmtpServer(config, services.db, services.blobs, job_queue(services), "127.0.0.1",
                        port)
    server.start()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("HOTGIGS_", "DATABASE_"))}
    env.update(HOTGIGS_DATA_DIR=str(settings.data_dir), REDIS_URL=args.redis_url,
               DATABASE_URL=settings.effective_database_url,
               HOTGIGS_QUEUE_PREFIX=settings.queue_prefix,
               HOTGIGS_ENCRYPTION_KEY=str(settings.encryption_key),
               HOTGIGS_EMAIL_RATE_LIMIT=str(args.count), HOTGIGS_LOG_LEVEL="WARNING")
    workers = [subprocess.Popen([sys.executable, "-m", "hotgigs", "worker"], env=env,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                start_new_session=True) for _ in range(args.workers)]
    print(f"building {args.count} messages…", flush=True)
    rng = random.Random(17)
    owners = list(tokens)
    messages: list[tuple[str, str, bytes]] = []
    proven: dict[str, str] = {}  # Message-ID -> the recruiter who must be answered
    for i in range(args.count):
        if rng.random() < args.proven:
            owner = owners[i % RECRUITERS]
            mid, to, raw = build(i, config.personal_address(tokens[owner]),
                                 f"candidate{i}@mail.example")  # an auto-forward: their From
            proven[mid] = owner
        else:
            mid, to, raw = build(i, None, f"stranger{i}@spam.example")
        messages.append((mid, to, raw))
    time.sleep(3)  # let the workers import the parser before the clock starts
    import psutil

    built = sum(psutil.Process().cpu_times()[:2])  # building the messages is not the door's
    data_end: dict[str, float] = {}
    per_client = [messages[c::args.clients] for c in range(args.clients)]

    def client(batch: list[tuple[str, str, bytes]]) -> int:
        with smtplib.SMTP("127.0.0.1", port, timeout=120) as smtp:
            for message_id, to, raw in batch:
                smtp.sendmail("bounces@mail.example", [to], raw)
                data_end[message_id] = time.time()
        return len(batch)

    try:
        started = time.monotonic()
        with ThreadPoolExecutor(args.clients) as pool:
            sent = sum(pool.map(client, per_client))
        accepted = time.monotonic() - started
        door = sum(psutil.Process().cpu_times()[:2]) - built  # the server and its clients
        print(f"accepted {sent} messages ({len(proven)} proven, {sent - len(proven)} unproven) "
              f"from {args.clients} clients in {accepted:.1f} s: {sent / accepted:.1f} "
              "messages/s", flush=True)

        from sqlalchemy import func, select

        from storage.models import InboundMessage

        outbox = settings.data_dir / "outbox" / "new"
        deadline = time.monotonic() + args.timeout
        replies: dict[str, list[tuple[float, str]]] = {}
        seen: set[Path] = set()
        ended = 0
        while time.monotonic() < deadline:
            for path in sorted(outbox.iterdir()) if outbox.exists() else []:
                if path in seen:
                    continue
                seen.add(path)
                reply = email.message_from_bytes(path.read_bytes(), policy=default)
                replies.setdefault(str(reply["In-Reply-To"]), []).append(
                    (path.stat().st_mtime, str(reply["To"])))
            with services.db.session() as session:
                ended = int(session.scalar(select(func.count()).select_from(InboundMessage)
                                           .where(InboundMessage.status != "received")) or 0)
            if ended >= sent and sum(len(v) for v in replies.values()) >= len(proven):
                break
            time.sleep(0.2)
        drained = time.monotonic() - started
        with services.db.session() as session:
            stored = int(session.scalar(select(func.count()).select_from(InboundMessage)) or 0)
            by_status = dict(session.execute(
                select(InboundMessage.status, func.count()).group_by(InboundMessage.status)
            ).all())
        exactly_one = sum(len(replies.get(mid, [])) == 1 for mid in proven)
        right_person = sum(1 for mid, owner in proven.items()
                           if [to for _, to in replies.get(mid, [])] == [owner])
        to_unproven = sum(len(v) for mid, v in replies.items() if mid not in proven)
        latencies = [replies[mid][0][0] - data_end[mid] for mid in proven if mid in replies]
        print(f"stored {stored} of {sent} (lost {sent - stored}); statuses {by_status}")
        print(f"proven: {exactly_one} of {len(proven)} answered exactly once, {right_person} "
              f"to their recruiter only; replies to unproven senders: {to_unproven}")
        print(f"end to end: all {sent} handled in {drained:.1f} s = {sent / drained:.1f} "
              f"messages/s with {args.workers} workers")
        print(f"DATA end -> reply written: p50 {percentile(latencies, 0.5):.2f} s, "
              f"p95 {percentile(latencies, 0.95):.2f} s, max {max(latencies, default=0):.2f} s")
        cpu = sum(sum(psutil.Process(proc.pid).cpu_times()[:2]) for proc in workers)
        print(f"CPU: workers {cpu:.1f} s = {cpu * 1000 / sent:.1f} ms per message; this process "
              f"while sending (SMTP server and its {args.clients} clients) {door:.1f} s = "
              f"{door * 1000 / sent:.1f} ms per message; the machine has "
              f"{psutil.cpu_count()} cores, load {os.getloadavg()[0]:.1f}")
        database = settings.effective_database_url
        if database.startswith("postgresql"):
            name = database.rpartition("/")[2].split("?")[0]
            pg = _backend_cpu(name)
            print(f"CPU: PostgreSQL backends of this run's database (connections still open) "
                  f"{pg:.1f} s = {pg * 1000 / sent:.1f} ms per message")
        from rq import Worker

        rq_workers = Worker.all(connection=services.redis)
        in_jobs = sum(w.total_working_time for w in rq_workers)
        jobs = sum(w.successful_job_count for w in rq_workers)
        stages = stage_seconds(metrics_dir.parent)  # the root: one folder per host
        busy = drained * args.workers
        print(f"where the workers' time went ({busy:.1f} worker-seconds, "
              f"{busy * 1000 / sent:.1f} ms per message): {jobs} RQ jobs "
              f"({jobs / max(sent, 1):.2f} per message) ran {in_jobs:.1f} s")
        for stage in ("inbound", "claim", "parse", "record", "match", "reply"):
            if stage in stages:
                print(f"  {stage:8s} {stages[stage]:7.1f} s = "
                      f"{stages[stage] * 1000 / sent:6.1f} ms per message")
        inside = sum(stages.get(s, 0.0) for s in ("inbound", "claim", "parse", "record",
                                                    "match", "reply"))
        print(f"  in jobs, outside these stages (RQ job set-up, progress, batch counts): "
              f"{max(in_jobs - inside, 0) * 1000 / sent:.1f} ms per message; between jobs "
              f"(RQ dequeue, idle): {max(busy - in_jobs, 0) * 1000 / sent:.1f} ms per message")
    finally:
        server.stop()
        for proc in workers:
            os.killpg(proc.pid, 15)
        for proc in workers:
            proc.wait(timeout=60)
        services.close()


if __name__ == "__main__":
    main()
