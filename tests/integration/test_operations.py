"""`/metrics` after real imports by real workers, and the `/admin` dashboard over real HTTP."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import urllib.error
import urllib.request
from datetime import timedelta
from pathlib import Path

from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import select, update

from pipeline.liveness import alive_key
from storage.models import AuditEvent, Batch, Candidate, DriveFolder, Recruiter, utcnow
from tests.helpers import free_port, wait_until
from tests.integration.http_support import TOKEN, http_server, request, with_token
from tests.integration.pipeline_harness import Harness
from tests.resumes import text_pdf


def _samples(text: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    out = {}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            out[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return out


def test_metrics_count_the_whole_system_after_imports(harness: Harness, tmp_path: Path) -> None:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "a.pdf").write_bytes(text_pdf("Jadzia Dax", "dax@ds9.test"))
    (inbox / "b.pdf").write_bytes(text_pdf("Julian Bashir", "bashir@ds9.test"))
    (inbox / "c.pdf").write_bytes(b"%PDF-1.4 not really")
    imported = subprocess.run([sys.executable, "-m", "hotgigs", "import", str(inbox)],
                              env=harness.env(), capture_output=True, text=True, timeout=300)
    assert imported.returncode == 0, imported.stderr
    harness.submit({"one.pdf": text_pdf("Miles O'Brien", "obrien@ds9.test")})
    harness.run_burst_worker()

    with http_server(with_token(harness, None)) as port:
        status, headers, body = request(port, "GET", "/metrics")
    assert status == 200 and headers["content-type"].startswith("text/plain")
    samples = _samples(body.decode())

    def value(name: str, **labels: str) -> float:
        return samples.get((name, tuple(sorted(labels.items()))), 0.0)

    assert value("hotgigs_resumes_processed_total", source="cli", status="parsed",
                 reason="") == 3
    failed = {k: v for k, v in samples.items()
              if k[0] == "hotgigs_resumes_processed_total" and ("status", "failed") in k[1]}
    assert sum(failed.values()) == 1
    assert value("hotgigs_resume_processing_seconds_count", source="cli") == 4
    for stage in ("extract", "fields"):  # per file
        assert value("hotgigs_stage_seconds_count", stage=stage) >= 3, stage
    for stage in ("claim", "record", "match"):  # per chunk: the import's, then the upload's
        assert value("hotgigs_stage_seconds_count", stage=stage) >= 2, stage
    # the batch size comes from the `hotgigs import` process, already gone: multiprocess files
    assert value("hotgigs_batch_size_files_count", source="cli") == 1
    assert value("hotgigs_batch_size_files_sum", source="cli") == 3
    assert value("hotgigs_redis_up") == 1
    assert value("hotgigs_queue_depth", queue="high") == 0
    assert value("hotgigs_queue_depth", queue="low") == 0


def test_metrics_carry_what_the_alert_rules_watch(harness: Harness) -> None:
    """Live workers, open batches and their age, resumes ended in the last hour, Drive folders:
    read from Redis and the database at scrape time (deploy/prometheus/alerts.yml)."""
    services = with_token(harness, None)
    redis = harness.services.redis

    def scrape() -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
        with http_server(services) as port:
            status, _, body = request(port, "GET", "/metrics")
        assert status == 200
        return _samples(body.decode())

    def value(samples: dict[tuple[str, tuple[tuple[str, str], ...]], float], name: str,
              **labels: str) -> float:
        return samples[(name, tuple(sorted(labels.items())))]

    worker = harness.start_worker()
    wait_until(lambda: value(scrape(), "hotgigs_workers_live") == 1, timeout=120,
               what="the worker's heartbeat")
    harness.kill(worker)  # as a host that lost power: no goodbye in Redis
    samples = scrape()
    assert value(samples, "hotgigs_workers") == 1
    assert value(samples, "hotgigs_workers_live") == 1  # its liveness key has not run out yet
    registered = redis.smembers(f"rq:workers:{harness.settings.queue_name('high')}")
    assert len(registered) == 1
    [name] = [key.decode().removeprefix("rq:worker:") for key in registered]
    # as HOTGIGS_WORKER_TTL does when it runs out
    assert redis.delete(alive_key(harness.settings.queue_prefix, name)) == 1
    samples = scrape()
    assert value(samples, "hotgigs_workers") == 1  # RQ's registry still lists the dead one
    assert value(samples, "hotgigs_workers_live") == 0

    batch = harness.submit({"sisko.pdf": text_pdf("Benjamin Sisko", "sisko@ds9.test"),
                            "bad.pdf": b"%PDF-1.4 broken"})
    with harness.services.db.session() as session:
        session.execute(update(Batch).where(Batch.id == batch.id)
                        .values(created_at=utcnow() - timedelta(hours=2)))
        owner = session.scalars(select(Recruiter.id)).one()  # who submitted the batch
        session.add_all([DriveFolder(folder_id="f-ok", owner_id=owner),
                         DriveFolder(folder_id="f-1", owner_id=owner, state="broken"),
                         DriveFolder(folder_id="f-2", owner_id=owner, state="broken")])
        session.commit()
    samples = scrape()
    other = "high" if batch.priority == "low" else "low"
    assert value(samples, "hotgigs_batches_open", priority=batch.priority) == 1
    assert value(samples, "hotgigs_batches_open", priority=other) == 0
    age = value(samples, "hotgigs_batch_oldest_open_seconds", priority=batch.priority)
    assert 7200 <= age < 7200 + 3600
    assert value(samples, "hotgigs_batch_oldest_open_seconds", priority=other) == 0
    assert value(samples, "hotgigs_queue_depth", queue=batch.priority) >= 1
    assert value(samples, "hotgigs_drive_folders", state="broken") == 2
    assert value(samples, "hotgigs_drive_folders", state="active") == 1
    assert value(samples, "hotgigs_resumes_ended_last_hour", status="parsed") == 0
    assert value(samples, "hotgigs_inbound_quarantined_last_hour") == 0

    harness.run_burst_worker()
    harness.wait_batch_done(batch.id)
    samples = scrape()
    assert value(samples, "hotgigs_batches_open", priority=batch.priority) == 0
    assert value(samples, "hotgigs_batch_oldest_open_seconds", priority=batch.priority) == 0
    assert value(samples, "hotgigs_resumes_ended_last_hour", status="parsed") == 1
    assert value(samples, "hotgigs_resumes_ended_last_hour", status="failed") == 1


def test_dashboard_is_off_without_a_token(harness: Harness) -> None:
    with http_server(with_token(harness, None)) as port:
        assert request(port, "GET", "/admin")[0] == 404
        assert request(port, "GET", "/admin", headers={"Authorization": "Bearer x"})[0] == 404
        assert request(port, "GET", "/metrics")[0] == 200


def test_dashboard_needs_the_token_and_runs_the_privacy_actions(harness: Harness) -> None:
    batch = harness.submit({"kira.pdf": text_pdf("Kira Nerys", "kira@bajor.test",
                                                 company="Bajoran Militia"),
                            "bad.pdf": b"%PDF-1.4 broken"})
    harness.run_burst_worker()
    with harness.services.db.session() as session:
        kira = session.scalars(select(Candidate.id)).one()

    with http_server(with_token(harness, TOKEN)) as port:
        status, _, page = request(port, "GET", "/admin")
        assert status == 401 and b'name="token"' in page  # the login form
        assert request(port, "GET", "/admin",
                       headers={"Authorization": "Bearer wrong"})[0] == 401
        assert request(port, "GET", "/admin", headers={"Authorization": f"Bearer {TOKEN}",
                                                       "Cookie": "hotgigs_admin=1.x"})[0] == 200
        status, _, page = request(port, "GET", "/admin",
                                  headers={"Authorization": f"Bearer {TOKEN}"})
        text = page.decode()
        assert status == 200
        assert re.search(r'id="resumes-parsed">1<', text)
        assert re.search(r'id="resumes-failed">1<', text)
        assert "bad.pdf" in text and "kira@bajor.test" in text and "ann@agency.test" in text

        assert request(port, "POST", "/admin/login", form={"token": "nope"})[0] == 401
        status, headers, _ = request(port, "POST", "/admin/login", form={"token": TOKEN})
        assert status == 303 and "HttpOnly" in headers["set-cookie"]
        cookie = headers["set-cookie"].split(";", 1)[0]
        assert request(port, "GET", "/admin", headers={"Cookie": cookie})[0] == 200
        forged = cookie[:-4] + "0000"
        assert request(port, "GET", "/admin", headers={"Cookie": forged})[0] == 401

        status, _, page = request(port, "GET", f"/admin/candidate?id={kira}",
                                  headers={"Cookie": cookie})
        assert status == 200 and b"Kira Nerys" in page and b"Bajoran Militia" in page
        assert request(port, "GET", "/admin/candidate?id=99999",
                       headers={"Cookie": cookie})[0] == 404
        status, headers, body = request(port, "GET", f"/admin/candidate/export?id={kira}",
                                        headers={"Cookie": cookie})
        assert status == 200 and "attachment" in headers["content-disposition"]
        assert json.loads(body)["tables"]["candidates"][0]["name"] == "Kira Nerys"

        csrf = re.search(rb'name="csrf" value="([0-9a-f]+)"', page)
        assert csrf is not None
        no_csrf = request(port, "POST", "/admin/candidate/erase", headers={"Cookie": cookie},
                          form={"id": str(kira), "confirm": "yes"})
        assert no_csrf[0] == 403
        assert request(port, "POST", "/admin/candidate/erase",
                       form={"id": str(kira), "confirm": "yes"})[0] == 401
        status, _, page = request(port, "POST", "/admin/candidate/erase",
                                  headers={"Cookie": cookie},
                                  form={"id": str(kira), "confirm": "yes",
                                        "csrf": csrf.group(1).decode()})
        assert status == 200 and b"Erased" in page

    assert harness.candidate_count() == 0
    with harness.services.db.session() as session:
        trail = session.execute(select(AuditEvent.action, AuditEvent.actor)
                                .where(AuditEvent.candidate_id == kira)
                                .order_by(AuditEvent.id)).all()
    assert [a for a, _ in trail] == ["imported", "viewed", "exported", "erased"]
    assert [w for _, w in trail] == ["ann@agency.test", "admin", "admin", "admin"]
    assert [r.status for r in harness.resumes(batch.id)] == ["failed"]  # the broken file stays


def test_serve_exposes_worker_figures_and_the_dashboard(tmp_path: Path, redis_url: str) -> None:
    """The whole tree: `serve` names the metrics directory before its workers start."""
    port = free_port()
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("HOTGIGS_", "REDIS_URL", "DATABASE_URL", "PROMETHEUS_"))}
    env.update(HOTGIGS_DATA_DIR=str(tmp_path / "data"), HOTGIGS_HTTP_PORT=str(port),
               REDIS_URL=redis_url, HOTGIGS_QUEUE_PREFIX="opsserve", HOTGIGS_ADMIN_TOKEN=TOKEN,
               HOTGIGS_ENCRYPTION_KEY="Bml7ZV7WczmJQj2kdJ_lRxeIC-EgA7XpaG5_Qx7-9Bc=")
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "a.pdf").write_bytes(text_pdf("Elim Garak", "garak@ds9.test", company="Tailor"))
    proc = subprocess.Popen([sys.executable, "-m", "hotgigs", "serve", "--workers", "1",
                             "--no-smtp"], env=env, cwd=tmp_path, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)

    def scrape() -> str | None:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=5) as resp:
                text = resp.read().decode()
        except (urllib.error.URLError, ConnectionError):
            return None
        return text if 'hotgigs_resumes_processed_total{reason="",source="cli",status="parsed"}' \
            in text else None

    try:
        wait_until(lambda: request_ok(port), timeout=60, what="serve's HTTP server")
        imported = subprocess.run([sys.executable, "-m", "hotgigs", "import", str(inbox)],
                                  env=env, cwd=tmp_path, capture_output=True, text=True,
                                  timeout=300)
        assert imported.returncode == 0, imported.stderr
        samples = _samples(wait_until(scrape, timeout=120, what="the worker's figures"))
        assert samples[("hotgigs_batch_size_files_count", (("source", "cli"),))] == 1
        assert samples[("hotgigs_workers", ())] >= 1
        assert request(port, "GET", "/admin")[0] == 401
        status, _, page = request(port, "GET", "/admin",
                                  headers={"Authorization": f"Bearer {TOKEN}"})
        assert status == 200 and b"Elim Garak" in page
    finally:
        proc.send_signal(signal.SIGINT)
        assert proc.wait(timeout=60) == 0


def request_ok(port: int) -> bool:
    try:
        return request(port, "GET", "/healthz")[0] == 200
    except OSError:
        return False
