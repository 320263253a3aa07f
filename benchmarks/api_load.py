"""API load: S concurrent single-file uploads through `POST /api/v1/resumes` while one bulk
ZIP of Z resumes, posted first, is processed — against `hotgigs serve` (HTTP server and N
worker processes) on PostgreSQL.

Each single upload is timed from the start of its POST to the `done` event of its batch's
event stream (`/api/v1/batches/{id}/events`): p50/p95/max are printed (the issue's target:
p95 under 2 s), with the bulk's own time to `done` and the ledger: files submitted against
files that ended (parsed + failed) in the database, and how many were lost. Figures are
printed, never asserted.

    .venv/bin/python benchmarks/api_load.py [--singles 200] [--concurrency 200]
        [--zip-files 500] [--workers 2] [--rate 0] [--resumes-dir DIR]
        [--database-url postgresql+psycopg://postgres@127.0.0.1:5432/DB] [--redis-url URL]

Without --database-url a throw-away PostgreSQL database is made (and dropped). Resumes are
generated (tests/resumes.text_pdf), or read from --resumes-dir (e.g. the parse-dev set in
/work/shared/data), never copied anywhere.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import redis

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.bulk_import import stage_seconds
from benchmarks.smtp_load import free_port, percentile
from storage.api_tokens import create_token
from storage.db import Database, upgrade
from tests.conftest import throwaway_pg_database
from tests.resumes import text_pdf, zip_of

KEY = "Bml7ZV7WczmJQj2kdJ_lRxeIC-EgA7XpaG5_Qx7-9Bc="
OWNER = "bench@agency.test"


@contextmanager
def database(url: str | None) -> Iterator[str]:
    """The given database, or a throw-away one (the tests' own), dropped afterwards."""
    if url:
        yield url
        return
    with throwaway_pg_database() as made:
        yield made


def resumes(count: int, folder: Path | None, offset: int) -> list[tuple[str, bytes]]:
    """`count` resumes: generated, or cycled from the files of `folder`."""
    if folder is None:
        return [(f"person{offset + i}.pdf", text_pdf(f"Bench Person{offset + i}",
                                                     f"bench{offset + i}@example.test"))
                for i in range(count)]
    files = sorted(p for p in folder.rglob("*") if p.is_file() and not p.name.startswith("."))
    return [(f"{offset + i}-{files[(offset + i) % len(files)].name}",
             files[(offset + i) % len(files)].read_bytes()) for i in range(count)]


async def follow(client: httpx.AsyncClient, events_url: str) -> dict[str, object]:
    """Read the batch's event stream to its `done` event; returns that event's data."""
    name = ""
    async with client.stream("GET", events_url) as response:
        response.raise_for_status()
        async for line in response.aiter_lines():
            if line.startswith("event:"):
                name = line.partition(":")[2].strip()
            elif line.startswith("data:") and name == "done":
                return dict(json.loads(line.partition(":")[2]))
    raise RuntimeError(f"{events_url} ended without done")


async def run(base: str, token: str, singles: list[tuple[str, bytes]], bulk: bytes,
              concurrency: int, rate: float) -> dict[str, object]:
    # an idle connection is dropped by the client before the server's keep-alive timeout
    # (uvicorn's 5 s) can close it under a request sent on it at that very moment
    limits = httpx.Limits(max_connections=concurrency + 10, max_keepalive_connections=concurrency,
                          keepalive_expiry=2.0)
    async with httpx.AsyncClient(base_url=base, limits=limits, timeout=600,
                                 headers={"Authorization": f"Bearer {token}"}) as client:
        started = time.monotonic()
        posted = await client.post("/api/v1/resumes", files=[("files", ("bulk.zip", bulk))])
        posted.raise_for_status()
        bulk_batch = posted.json()
        bulk_task = asyncio.create_task(follow(client, bulk_batch["events_url"]))
        gate = asyncio.Semaphore(concurrency)
        latencies: list[float] = []
        batch_ids: list[int] = [bulk_batch["batch_id"]]

        async def single(index: int, name: str, data: bytes) -> None:
            if rate > 0:  # paced arrivals: upload i starts at i / rate seconds
                await asyncio.sleep(index / rate)
            async with gate:
                t0 = time.monotonic()
                answer = await client.post("/api/v1/resumes", files=[("files", (name, data))])
                answer.raise_for_status()
                created = answer.json()
                batch_ids.append(created["batch_id"])
                await follow(client, created["events_url"])
                latencies.append(time.monotonic() - t0)

        singles_started = time.monotonic()
        await asyncio.gather(*(single(i, n, d) for i, (n, d) in enumerate(singles)))
        singles_seconds = time.monotonic() - singles_started
        bulk_done = await bulk_task
        bulk_seconds = time.monotonic() - started
        return {"latencies": latencies, "singles_seconds": singles_seconds,
                "bulk_seconds": bulk_seconds, "bulk_done": bulk_done, "batch_ids": batch_ids,
                "bulk_total": bulk_batch["total"]}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--singles", type=int, default=200)
    parser.add_argument("--concurrency", type=int, default=200)
    parser.add_argument("--zip-files", type=int, default=500)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--rate", type=float, default=0.0,
                        help="single uploads started per second; 0: all at once")
    parser.add_argument("--resumes-dir", type=Path, default=None)
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/14")
    args = parser.parse_args()

    tmp = Path(tempfile.mkdtemp(prefix="api-load-"))
    with database(args.database_url) as url:
        upgrade(url)
        redis.Redis.from_url(args.redis_url).flushdb()
        db = Database(url)
        token = create_token(db, OWNER, "api_load")[1]
        port = free_port()
        env = {k: v for k, v in os.environ.items()
               if not k.startswith(("HOTGIGS_", "DATABASE_URL", "REDIS_URL"))}
        env.update(HOTGIGS_DATA_DIR=str(tmp / "data"), DATABASE_URL=url,
                   REDIS_URL=args.redis_url, HOTGIGS_QUEUE_PREFIX=f"bench{uuid.uuid4().hex[:6]}",
                   HOTGIGS_ENCRYPTION_KEY=KEY, HOTGIGS_HTTP_PORT=str(port),
                   HOTGIGS_LOG_LEVEL=os.environ.get("BENCH_LOG_LEVEL", "WARNING"),
                   HOTGIGS_API_RATE_LIMIT="1000000",
                   PYTHONPATH=str(Path(__file__).resolve().parents[1]))
        serve = subprocess.Popen([sys.executable, "-m", "hotgigs", "serve", "--no-smtp",
                                  "--workers", str(args.workers)], env=env, cwd=tmp,
                                 start_new_session=True)
        base = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + 120
            while True:
                try:
                    if httpx.get(f"{base}/healthz", timeout=2).status_code == 200:
                        break
                except httpx.HTTPError:
                    pass
                if time.monotonic() > deadline or serve.poll() is not None:
                    raise SystemExit("hotgigs serve did not become healthy")
                time.sleep(0.3)
            print(f"building {args.singles} single resumes and a ZIP of {args.zip_files}…",
                  flush=True)
            singles = resumes(args.singles, args.resumes_dir, 0)
            bulk = zip_of(dict(resumes(args.zip_files, args.resumes_dir, args.singles)))
            wait_for_workers(args.redis_url, env["HOTGIGS_QUEUE_PREFIX"], args.workers)
            result = asyncio.run(run(base, token, singles, bulk, args.concurrency, args.rate))
        finally:
            os.killpg(serve.pid, signal.SIGTERM)
            serve.wait(timeout=120)
        latencies = result["latencies"]
        assert isinstance(latencies, list)
        pace = f"{args.rate:g} started per second" if args.rate > 0 else "all at once"
        print(f"singles: {len(latencies)} of {args.singles} uploads ({pace}, at most "
              f"{args.concurrency} in flight) reached done in {result['singles_seconds']:.1f} s, "
              f"while a ZIP of {result['bulk_total']} ran ({args.workers} workers)")
        print(f"POST -> done event per single upload: p50 {percentile(latencies, 0.5):.2f} s, "
              f"p95 {percentile(latencies, 0.95):.2f} s, max {max(latencies, default=0):.2f} s "
              "(target p95 < 2 s)")
        print(f"bulk ZIP: done after {result['bulk_seconds']:.1f} s ({result['bulk_done']})")
        ledger(db, result["batch_ids"], args.singles + args.zip_files)  # type: ignore[arg-type]
        stages = stage_seconds(tmp / "data" / "metrics")
        total = args.singles + args.zip_files
        print("worker time per resume: " + ", ".join(
            f"{stage} {stages[stage] * 1000 / total:.0f} ms"
            for stage in ("claim", "parse", "record", "match", "reply") if stage in stages)
            + f"; load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
        db.dispose()


def wait_for_workers(redis_url: str, prefix: str, count: int, timeout: float = 300) -> None:
    """Until every worker has loaded the parser and listens on the queues (RQ registers a
    worker once `hotgigs worker` has settled): the clock starts with the workers ready."""
    from rq import Worker

    connection = redis.Redis.from_url(redis_url)
    deadline = time.monotonic() + timeout
    while True:
        ready = [w for w in Worker.all(connection=connection)
                 if any(name.startswith(prefix) for name in w.queue_names())]
        if len(ready) >= count:
            return
        if time.monotonic() > deadline:
            raise SystemExit(f"only {len(ready)} of {count} workers started")
        time.sleep(0.5)


def ledger(db: Database, batch_ids: list[int], submitted: int) -> None:
    from sqlalchemy import func, select

    from storage.models import Batch, Resume

    with db.session() as session:
        rows = session.execute(select(Resume.status, func.count()).where(
            Resume.batch_id.in_(batch_ids)).group_by(Resume.status)).all()
        states = dict(session.execute(select(Batch.state, func.count()).where(
            Batch.id.in_(batch_ids)).group_by(Batch.state)).all())
    counts = {status: int(n) for status, n in rows}
    parsed, failed = counts.get("parsed", 0), counts.get("failed", 0)
    stored = sum(counts.values())
    print(f"ledger: submitted {submitted}, stored {stored}, parsed {parsed} + failed {failed}"
          f" = {parsed + failed}; lost {submitted - parsed - failed}; batches {states}")


if __name__ == "__main__":
    main()
