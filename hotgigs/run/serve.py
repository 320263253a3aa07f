"""`hotgigs serve`: the whole product (or the roles chosen with `--role`) in one process tree,
stopped cleanly by SIGINT/SIGTERM.

Parts are started in dependency order (Redis, database schema, HTTP, then the parts that
produce work) and stopped in reverse, so no part outlives what it talks to.
"""

from __future__ import annotations

import logging
import os
import signal
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass, field

from hotgigs.bootstrap import bootstrap
from hotgigs.run.lifecycle import stop_on_signals
from hotgigs.run.private_redis import PrivateRedis
from hotgigs.run.scheduler import start_scheduler
from hotgigs.settings import Settings
from hotgigs.web.app import build_app
from hotgigs.web.http import HttpServer
from hotgigs.web.metrics import metrics_only_app
from hotgigs.web.metrics import prepare as prepare_metrics
from hotgigs.web.slack import start_slack
from hotgigs.wiring import job_queue, smtp_server
from storage.db import upgrade

log = logging.getLogger(__name__)


@dataclass
class ProcessTree:
    """What serve started, with the function that stops each, in start order."""

    stoppers: list[tuple[str, Callable[[], None]]] = field(default_factory=list)

    def started(self, name: str, stop: Callable[[], None]) -> None:
        self.stoppers.append((name, stop))

    def stop_all(self) -> None:
        for name, stop in reversed(self.stoppers):
            try:
                stop()
                log.info("stopped %s", name)
            except Exception:
                log.exception("stopping %s failed", name)
        self.stoppers.clear()


def _start_workers(settings: Settings, count: int, tree: ProcessTree) -> None:
    """Worker processes run `hotgigs worker` so they scale the same way under docker-compose."""
    env = {**os.environ, "REDIS_URL": settings.redis_url or "",
           "HOTGIGS_DATA_DIR": str(settings.data_dir),
           "DATABASE_URL": settings.effective_database_url}
    for index in range(count):
        proc = subprocess.Popen([sys.executable, "-m", "hotgigs", "worker"], env=env)

        def stop(proc: subprocess.Popen[bytes] = proc) -> None:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()

        tree.started(f"worker {index + 1} (pid {proc.pid})", stop)


def _start_metrics_listener(settings: Settings, tree: ProcessTree) -> None:
    """HOTGIGS_METRICS_PORT on a host without the web role: GET /metrics with this host's
    process figures (its workers, SMTP server, scheduler), for a Prometheus to scrape."""
    assert settings.metrics_port is not None
    listener = HttpServer(settings.metrics_host, settings.metrics_port, metrics_only_app(settings))
    listener.start()
    tree.started("metrics listener", listener.stop)
    log.info("metrics on http://%s:%d/metrics (this host's processes)", settings.metrics_host,
             listener.port)


ROLES = ("web", "smtp", "worker", "scheduler")


def parse_roles(values: list[str] | None) -> frozenset[str]:
    """`--role web --role worker` or `--role web,worker`; none given: every role."""
    roles = {part.strip() for value in values or [] for part in value.split(",") if part.strip()}
    unknown = sorted(roles - set(ROLES))
    if unknown:
        raise ValueError(f"unknown role {', '.join(unknown)} (roles: {', '.join(ROLES)})")
    return frozenset(roles or ROLES)


def serve(settings: Settings, *, workers: int | None = None, smtp: bool = True,
          roles: frozenset[str] = frozenset(ROLES)) -> int:
    """Run the parts of `roles` until SIGINT/SIGTERM; returns the exit code.

    web: HTTP (pages, API, /healthz, /metrics) and the Slack bot; smtp: the inbound SMTP
    server; worker: `workers` worker processes; scheduler: the periodic jobs (sweeper,
    Drive sync, digests). A fleet runs each role on the hosts it chooses; every host shares
    PostgreSQL, Redis, the blob store and the encryption key. Without web,
    HOTGIGS_METRICS_PORT serves this host's process figures on GET /metrics.
    """
    stop_event = stop_on_signals()
    prepare_metrics(settings, wipe=True)  # before workers start: they inherit the directory
    tree = ProcessTree()
    log.info("roles: %s", ", ".join(r for r in ROLES if r in roles))
    try:
        if not settings.redis_url:
            private = PrivateRedis(settings.data_dir)
            url = private.start()
            tree.started("private redis-server", private.stop)
            settings = settings.model_copy(update={"redis_url": url})
            log.info("REDIS_URL unset: started a private redis-server at %s", url)
        upgrade(settings.effective_database_url)
        services = bootstrap(settings)
        tree.started("database", services.close)

        app = build_app(services) if "web" in roles else None
        if app is not None:
            slack = start_slack(app, services, job_queue(services))
            if slack is not None:
                tree.started(f"Slack bot ({slack.mode})", slack.stop)
        if "worker" in roles:
            _start_workers(settings, settings.workers if workers is None else workers, tree)
        if smtp and "smtp" in roles:
            inbound = smtp_server(services, job_queue(services))
            inbound.start()
            tree.started("SMTP server", inbound.stop)
            log.info("SMTP on %s:%d for %s", settings.smtp_host, settings.smtp_port,
                     inbound.handler.config.address)
        if "scheduler" in roles:
            scheduler = start_scheduler(services)
            tree.started("scheduler", scheduler.stop)
        if app is not None:
            # HTTP comes last, so a /healthz that answers means every door is already open
            http = HttpServer(settings.http_host, settings.http_port, app)
            http.start()
            tree.started("HTTP server", http.stop)
            log.info("HTTP on http://%s:%d (GET /healthz)", settings.http_host, http.port)
            if settings.metrics_port:
                log.info("HOTGIGS_METRICS_PORT unused: the web role's /metrics has this host's "
                         "figures")
        elif settings.metrics_port:
            _start_metrics_listener(settings, tree)
        log.info("hotgigs is serving; Ctrl-C to stop")
        stop_event.wait()
    finally:
        tree.stop_all()
    log.info("hotgigs stopped")
    return 0
