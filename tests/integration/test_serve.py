"""`hotgigs serve` as an operator runs it: a real process, real HTTP, a clean stop on a signal."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path

import psutil
import pytest
from prometheus_client import CONTENT_TYPE_LATEST

from tests.helpers import free_port, wait_until
from tests.metrics_figures import count_in


def _spawn_serve(tmp_path: Path, workers: int = 0,
                 **env_extra: str) -> tuple[subprocess.Popen[str], int]:
    port = free_port()
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("HOTGIGS_", "REDIS_URL", "DATABASE_URL"))}
    env.update({"HOTGIGS_DATA_DIR": str(tmp_path / "data"), "HOTGIGS_HTTP_PORT": str(port),
                "HOTGIGS_SMTP_PORT": str(free_port()), **env_extra})
    proc = subprocess.Popen(
        [sys.executable, "-m", "hotgigs", "serve", "--workers", str(workers)],
        env=env, cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
    return proc, port


def _get(url: str) -> tuple[int, dict[str, object]]:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read())


def _healthz(port: int) -> tuple[int, dict[str, object]] | None:
    try:
        return _get(f"http://127.0.0.1:{port}/healthz")
    except (urllib.error.URLError, ConnectionError):
        return None


def test_serve_on_embedded_defaults_is_healthy_and_stops_cleanly(tmp_path: Path) -> None:
    proc, port = _spawn_serve(tmp_path)
    try:
        answer = wait_until(lambda: _healthz(port), timeout=60, what="/healthz to answer")
        status, body = answer
        assert status == 200, body
        assert body["database"] == {"ok": True, "error": None}
        assert body["redis"] == {"ok": True, "error": None}
        assert body["blobs"] == {"ok": True, "error": None}
        children = psutil.Process(proc.pid).children(recursive=True)
        assert any("redis-server" in c.name() for c in children), "no private redis-server"
        assert _get(f"http://127.0.0.1:{port}/nope")[0] == 404
    finally:
        proc.send_signal(signal.SIGINT)
        output, _ = proc.communicate(timeout=60)
    assert proc.returncode == 0, output
    assert "hotgigs stopped" in output
    assert all(not c.is_running() or c.status() == psutil.STATUS_ZOMBIE for c in children)
    # the private Redis kept its data under the data dir
    assert (tmp_path / "data" / "redis").is_dir()


def test_healthz_reports_an_unreachable_redis(tmp_path: Path) -> None:
    proc, port = _spawn_serve(tmp_path, REDIS_URL=f"redis://127.0.0.1:{free_port()}/0")
    try:
        status, body = wait_until(lambda: _healthz(port), timeout=60, what="/healthz")
        assert status == 503
        assert body["database"]["ok"] is True  # type: ignore[index]
        assert body["redis"]["ok"] is False  # type: ignore[index]
        assert "Connection" in str(body["redis"]["error"])  # type: ignore[index]
    finally:
        proc.send_signal(signal.SIGTERM)
        output, _ = proc.communicate(timeout=60)
    assert proc.returncode == 0, output


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_db_upgrade_and_status_json_on_an_empty_database(
    tmp_path: Path, backend: str, request: pytest.FixtureRequest, redis_url: str
) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("HOTGIGS_")}
    env.update(HOTGIGS_DATA_DIR=str(tmp_path / "data"), REDIS_URL=redis_url)
    if backend == "postgresql":
        env["DATABASE_URL"] = request.getfixturevalue("empty_pg_url")
    run = [sys.executable, "-m", "hotgigs"]
    upgrade = subprocess.run([*run, "db", "upgrade"], env=env, capture_output=True, text=True,
                             timeout=120)
    assert upgrade.returncode == 0, upgrade.stderr
    status = subprocess.run([*run, "status", "--json"], env=env, capture_output=True, text=True,
                            timeout=120)
    assert status.returncode == 0, status.stderr
    report = json.loads(status.stdout)
    assert report["resumes"] == {}
    assert report["queues"] == {"high": 0, "low": 0}
    assert report["success_rate_24h"] is None


def test_make_run_answers_a_newcomers_mail_from_loopback(tmp_path: Path) -> None:
    """The embedded default stays one command: bound to loopback, mail from loopback is the
    operator's and is answered; bound to every interface, the log says unproven mail waits."""
    import mailbox
    import smtplib

    from tests.emails import INBOUND, attach, message
    from tests.integration.email_rig import wire_bytes
    from tests.resumes import text_pdf

    smtp_port = free_port()
    proc, port = _spawn_serve(tmp_path, workers=1, HOTGIGS_SMTP_PORT=str(smtp_port))
    try:
        wait_until(lambda: _healthz(port), timeout=60, what="/healthz to answer")
        msg = message(sender="you@agency.example")
        attach(msg, "cv.pdf", text_pdf("Nora Quist", "nora.quist@example.com"))
        with smtplib.SMTP("127.0.0.1", smtp_port, timeout=30) as client:
            client.sendmail("you@agency.example", [INBOUND], wire_bytes(msg))
        outbox = tmp_path / "data" / "outbox"
        replies = wait_until(lambda: outbox.exists() and list(mailbox.Maildir(outbox).values()),
                             timeout=180, what="the reply in the outbox")
        assert replies[0]["To"] == "you@agency.example"
    finally:
        proc.send_signal(signal.SIGINT)
        output, _ = proc.communicate(timeout=60)
    assert "loopback clients is trusted" in output

    (tmp_path / "open").mkdir()
    proc, port = _spawn_serve(tmp_path / "open", HOTGIGS_SMTP_HOST="0.0.0.0")
    try:
        wait_until(lambda: _healthz(port), timeout=60, what="/healthz to answer")
    finally:
        proc.send_signal(signal.SIGINT)
        output, _ = proc.communicate(timeout=60)
    assert "is quarantined and never answered" in output


def _refused(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=2):
            return False
    except ConnectionRefusedError:
        return True


def _serve_roles(tmp_path: Path, *roles: str,
                 **env_extra: str) -> tuple[subprocess.Popen[bytes], Path, int, int]:
    """`serve --role …` on embedded defaults, its output in a file (read while it runs)."""
    http_port, smtp_port = free_port(), free_port()
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("HOTGIGS_", "REDIS_URL", "DATABASE_URL"))}
    env.update(HOTGIGS_DATA_DIR=str(tmp_path / "data"), HOTGIGS_HTTP_PORT=str(http_port),
               HOTGIGS_SMTP_PORT=str(smtp_port), HOTGIGS_WORKERS="1", **env_extra)
    log = tmp_path / "serve.log"
    with open(log, "wb") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "hotgigs", "serve", *(f"--role={r}" for r in roles)],
            env=env, cwd=tmp_path, stdout=out, stderr=subprocess.STDOUT)
    wait_until(lambda: "hotgigs is serving" in log.read_text(errors="replace"), timeout=60,
               what="serve to start its parts")
    return proc, log, http_port, smtp_port


def _workers_of(proc: subprocess.Popen[bytes]) -> list[psutil.Process]:
    return [c for c in psutil.Process(proc.pid).children(recursive=True)
            if c.cmdline()[-2:] == ["hotgigs", "worker"]]


def _stop(proc: subprocess.Popen[bytes], log: Path) -> str:
    proc.send_signal(signal.SIGTERM)
    proc.wait(timeout=60)
    output = log.read_text(errors="replace")
    assert proc.returncode == 0, output
    return output


def test_serve_role_worker_runs_workers_and_no_doors(tmp_path: Path) -> None:
    proc, log, http_port, smtp_port = _serve_roles(tmp_path, "worker")
    try:
        assert len(_workers_of(proc)) == 1
        assert _refused(http_port), "a worker host bound the HTTP port"
        assert _refused(smtp_port), "a worker host bound the SMTP port"
    finally:
        output = _stop(proc, log)
    assert "roles: worker" in output
    assert "scheduler: sweeper next" not in output  # no scheduler either


def test_serve_role_web_and_smtp_run_no_workers(tmp_path: Path) -> None:
    proc, log, http_port, smtp_port = _serve_roles(tmp_path, "web,smtp")
    try:
        status, body = wait_until(lambda: _healthz(http_port), timeout=60, what="/healthz")
        assert status == 200, body
        assert not _refused(smtp_port)
        assert _workers_of(proc) == []
    finally:
        output = _stop(proc, log)
    assert "roles: web, smtp" in output
    assert "scheduler: sweeper next" not in output


def test_serve_refuses_an_unknown_role(tmp_path: Path) -> None:
    run = subprocess.run([sys.executable, "-m", "hotgigs", "serve", "--role", "web,mail"],
                         capture_output=True, text=True, timeout=60, cwd=tmp_path)
    assert run.returncode == 2
    assert "unknown role mail" in run.stderr


def _scrape(url: str) -> tuple[int, str, str]:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status, response.headers["Content-Type"], response.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.headers["Content-Type"], exc.read().decode()


def test_a_worker_host_serves_its_own_figures_on_the_metrics_port(tmp_path: Path) -> None:
    """A worker-only host with its own data dir: nobody else reads its figures, so
    HOTGIGS_METRICS_PORT serves them, in the web role's text format, and no other host's."""
    port = free_port()
    proc, log, http_port, _ = _serve_roles(tmp_path, "worker", HOTGIGS_METRICS_PORT=str(port))
    try:
        root = tmp_path / "data" / "metrics"
        here = root / socket.gethostname()
        count_in(here, 3)
        count_in(root / "another-host", 5)  # a shared volume's other host: not ours to serve
        status, kind, text = _scrape(f"http://127.0.0.1:{port}/metrics")
        assert status == 200, text
        assert kind == CONTENT_TYPE_LATEST  # as the web role's /metrics answers
        assert ('hotgigs_resumes_processed_total{reason="",source="cli",status="parsed"} 3.0'
                in text), text
        assert "hotgigs_queue_depth" not in text  # the live figures stay with the web role
        assert _scrape(f"http://127.0.0.1:{port}/healthz")[0] == 404
        assert _refused(http_port), "a worker host bound the HTTP port"
    finally:
        output = _stop(proc, log)
    assert f"metrics on http://127.0.0.1:{port}/metrics" in output
    assert _refused(port), "the metrics listener outlived serve"
