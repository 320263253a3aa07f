"""SMTP load: N messages, each with one generated PDF resume, from C concurrent SMTP clients.

Runs our SMTP server in this process and worker processes (`hotgigs worker`) beside it, then
prints messages accepted per second, whether every message got exactly one reply in the
Maildir outbox, and p50/p95 of the time from the end of DATA to the reply file being written.
Figures are printed, never asserted.

    .venv/bin/python benchmarks/smtp_load.py [--count 1000] [--clients 50] [--workers 2]
        [--database-url postgresql+psycopg://postgres@127.0.0.1:5432/DB] [--redis-url URL]
"""

from __future__ import annotations

import argparse
import email
import os
import smtplib
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from email.policy import default
from pathlib import Path

import redis

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bots.email.server import SmtpServer
from hotgigs.bootstrap import bootstrap
from hotgigs.mailbot import email_config
from hotgigs.settings import load_settings
from hotgigs.worker import job_queue
from storage.db import upgrade
from tests.emails import INBOUND, attach, message
from tests.resumes import text_pdf


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else float("nan")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def build(i: int) -> tuple[str, bytes]:
    msg = message(subject=f"Candidate {i}", sender=f"recruiter{i % 25}@agency.test")
    attach(msg, f"person{i}.pdf", text_pdf(f"Bench Person{i}", f"bench{i}@example.test"))
    return str(msg["Message-ID"]), msg.as_bytes(policy=msg.policy.clone(linesep="\r\n"))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--count", type=int, default=1000)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/14")
    parser.add_argument("--timeout", type=float, default=1800)
    args = parser.parse_args()

    tmp = Path(tempfile.mkdtemp(prefix="smtp-load-"))
    settings = load_settings(
        data_dir=tmp / "data", database_url=args.database_url or f"sqlite:///{tmp}/db.sqlite3",
        redis_url=args.redis_url, queue_prefix=f"bench{uuid.uuid4().hex[:6]}",
        encryption_key="Bml7ZV7WczmJQj2kdJ_lRxeIC-EgA7XpaG5_Qx7-9Bc=",
        email_rate_limit=args.count,  # one benchmark sender must not be throttled
    )
    upgrade(settings.effective_database_url)
    services = bootstrap(settings)
    redis.Redis.from_url(args.redis_url).flushdb()
    port = free_port()
    server = SmtpServer(email_config(settings), services.db, services.blobs,
                        job_queue(services), "127.0.0.1", port)
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
    messages = [build(i) for i in range(args.count)]
    data_end: dict[str, float] = {}
    per_client = [messages[c::args.clients] for c in range(args.clients)]

    def client(batch: list[tuple[str, bytes]]) -> int:
        with smtplib.SMTP("127.0.0.1", port, timeout=120) as smtp:
            for message_id, raw in batch:
                smtp.sendmail("bench@agency.test", [INBOUND], raw)
                data_end[message_id] = time.time()
        return len(batch)

    try:
        started = time.monotonic()
        with ThreadPoolExecutor(args.clients) as pool:
            sent = sum(pool.map(client, per_client))
        elapsed = time.monotonic() - started
        print(f"accepted {sent} messages from {args.clients} clients in {elapsed:.1f} s: "
              f"{sent / elapsed:.1f} messages/s", flush=True)

        outbox = settings.data_dir / "outbox"
        deadline = time.monotonic() + args.timeout
        replies: dict[str, list[float]] = {}
        while time.monotonic() < deadline:
            replies = {}
            if outbox.exists():
                for path in (outbox / "new").iterdir():
                    reply = email.message_from_bytes(path.read_bytes(), policy=default)
                    replies.setdefault(str(reply["In-Reply-To"]), []).append(
                        path.stat().st_mtime)
            if sum(len(v) for v in replies.values()) >= sent:
                break
            time.sleep(1)
        drained = time.monotonic() - started
        exactly_one = sum(len(replies.get(mid, [])) == 1 for mid in data_end)
        latencies = [replies[mid][0] - end for mid, end in data_end.items() if mid in replies]
        print(f"replies: {sum(len(v) for v in replies.values())} in the Maildir; "
              f"{exactly_one} of {sent} messages have exactly one reply; "
              f"drained in {drained:.1f} s with {args.workers} workers")
        print(f"DATA end -> reply written: p50 {percentile(latencies, 0.5):.2f} s, "
              f"p95 {percentile(latencies, 0.95):.2f} s, max {max(latencies, default=0):.2f} s")
    finally:
        server.stop()
        for proc in workers:
            os.killpg(proc.pid, 15)
        for proc in workers:
            proc.wait(timeout=60)
        services.close()


if __name__ == "__main__":
    main()
