"""`GET /metrics`: the whole system's figures in Prometheus' text format.

Every process of the tree (web, SMTP, Slack, workers) writes its figures into its host's
prometheus-client multiprocess directory under the data dir (`<data dir>/metrics/<host name>`),
which `prepare` names in `PROMETHEUS_MULTIPROC_DIR` before anything imports prometheus-client
(child processes inherit it). A scrape merges the files of every host folder it can see (all
containers sharing one data volume) and adds what the database and Redis say at that moment (queue
depths, workers, open batches, resumes ended in the last hour, Drive folders, the quarantine).
A host that runs no web role can answer for its own folder alone (`metrics_only_app`, on
HOTGIGS_METRICS_PORT): hosts with a data dir each have nobody else reading their figures.
"""

from __future__ import annotations

import logging
import os
import re
import shutil
import socket
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from fastapi import FastAPI
from starlette.responses import Response

from hotgigs.bootstrap import Services
from hotgigs.figures import (
    drive_folder_states,
    ended_since,
    hour_ago,
    live_workers,
    open_batches,
    queue_depths,
)
from hotgigs.settings import Settings

log = logging.getLogger(__name__)

ENV = "PROMETHEUS_MULTIPROC_DIR"


def metrics_root(settings: Settings) -> Path:
    return settings.data_dir.resolve() / "metrics"


def metrics_dir(settings: Settings) -> Path:
    """This host's folder under the root. prometheus-client names its files by pid; containers
    sharing one data volume all run as pid 1 or so, and would write into each other's files
    (and each `serve` would wipe the others'): a folder per host name keeps them apart."""
    host = re.sub(r"[^A-Za-z0-9_.-]", "_", socket.gethostname()) or "host"
    return metrics_root(settings) / host


class ProcessFigures:
    """The counters and histograms of every process of every host whose folder lies under
    `root` (one host, or all containers sharing the data volume), merged as one process tree;
    `host`: only that host's folder."""

    def __init__(self, root: Path, host: str = "*") -> None:
        self.root = root
        self.host = host  # a folder name of `metrics_dir` (no glob characters) or "*"

    def collect(self) -> Iterator[Any]:
        from prometheus_client.multiprocess import MultiProcessCollector

        files = sorted(str(path) for path in self.root.glob(f"{self.host}/*.db"))
        yield from MultiProcessCollector.merge(files, accumulate=True)


def figures_response(*collectors: Any) -> Response:
    """The figures of `collectors` in Prometheus' text format: what every /metrics answers."""
    from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, generate_latest

    registry = CollectorRegistry()
    for collector in collectors:
        registry.register(collector)
    return Response(generate_latest(registry), media_type=CONTENT_TYPE_LATEST)


def prepare(settings: Settings, *, wipe: bool = False) -> Path:
    """Point this process (and its children) at this host's folder; `serve` wipes it first."""
    path = metrics_dir(settings)
    if wipe:
        shutil.rmtree(path, ignore_errors=True)
    path.mkdir(parents=True, exist_ok=True)
    if "prometheus_client" in sys.modules and os.environ.get(ENV) != str(path):
        log.warning("prometheus-client was imported before %s was set: this process's "
                    "figures stay in memory", ENV)
    os.environ[ENV] = str(path)
    return path


def process_exited(settings: Settings) -> None:
    """Drop this process's live gauges (its counters and histograms stay in the totals)."""
    if os.environ.get(ENV) == str(metrics_dir(settings)):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(os.getpid(), str(metrics_dir(settings)))


class _LiveFigures:
    """What the database and Redis say at scrape time: the same for every host of a fleet, so
    the alert rules (deploy/prometheus/alerts.yml) are built on these."""

    def __init__(self, services: Services) -> None:
        self.services = services

    def collect(self) -> Iterator[Any]:
        from prometheus_client.core import GaugeMetricFamily

        try:
            yield from self._database_figures()
        except Exception:  # the database is down: the Redis figures still answer
            log.warning("metrics: database figures unavailable", exc_info=True)
        depths = queue_depths(self.services)
        up = GaugeMetricFamily("hotgigs_redis_up", "Whether Redis answered the scrape")
        up.add_metric([], 0 if depths is None else 1)
        yield up
        if depths is None:
            return
        queue = GaugeMetricFamily("hotgigs_queue_depth", "Jobs waiting per queue", labels=["queue"])
        for priority, depth in depths.items():
            queue.add_metric([priority], depth)
        yield queue
        from rq import Worker

        workers = GaugeMetricFamily("hotgigs_workers", "RQ workers registered in Redis")
        workers.add_metric([], Worker.count(connection=self.services.redis))
        yield workers
        live = GaugeMetricFamily("hotgigs_workers_live",
                                 "Workers on this deployment's queues whose liveness key has "
                                 "not expired (HOTGIGS_WORKER_TTL)")
        live.add_metric([], live_workers(self.services))
        yield live

    def _database_figures(self) -> Iterator[Any]:
        from prometheus_client.core import GaugeMetricFamily

        from bots.email.quarantine import counts_by_reason

        services = self.services
        held = GaugeMetricFamily("hotgigs_inbound_quarantined",
                                 "Inbound emails in quarantine now (no proof of sender), by reason",
                                 labels=["reason"])
        for reason, count in counts_by_reason(services.db).items():
            held.add_metric([reason], count)
        yield held
        recent = GaugeMetricFamily("hotgigs_inbound_quarantined_last_hour",
                                   "Inbound emails received in the last hour and in quarantine")
        recent.add_metric([], sum(counts_by_reason(services.db, since=hour_ago()).values()))
        yield recent
        ended = GaugeMetricFamily("hotgigs_resumes_ended_last_hour",
                                  "Resumes that ended in the last hour, by status (every host's)",
                                  labels=["status"])
        for status, count in ended_since(services, 1).items():
            ended.add_metric([status], count)
        yield ended
        batches = open_batches(services)
        open_count = GaugeMetricFamily("hotgigs_batches_open",
                                       "Batches not yet done, by priority", labels=["priority"])
        oldest = GaugeMetricFamily("hotgigs_batch_oldest_open_seconds",
                                   "Age of the oldest batch not yet done (0: none), by priority",
                                   labels=["priority"])
        for priority, (n, age) in batches.items():
            open_count.add_metric([priority], n)
            oldest.add_metric([priority], round(age, 1))
        yield open_count
        yield oldest
        folders = GaugeMetricFamily("hotgigs_drive_folders", "Watched Drive folders, by state",
                                    labels=["state"])
        for state, n in drive_folder_states(services).items():
            folders.add_metric([state], n)
        yield folders


def add_metrics(app: FastAPI, services: Services) -> None:
    """`GET /metrics`: every process's figures (multiprocess files) and the live ones."""
    root = metrics_root(services.settings)

    def metrics_page() -> Response:
        return figures_response(ProcessFigures(root), _LiveFigures(services))

    app.add_api_route("/metrics", metrics_page, methods=["GET"], include_in_schema=False)


def metrics_only_app(settings: Settings) -> FastAPI:
    """`GET /metrics` with this host's process figures alone, in the format of the web role's
    per-process part, for a host that runs no web role (HOTGIGS_METRICS_PORT). The live
    figures (queues, workers, batches) stay with the web role: they are the same from every
    host, and the alert rules read them there."""
    from hotgigs.web.http import new_app

    app = new_app()
    here = metrics_dir(settings)

    def metrics_page() -> Response:
        return figures_response(ProcessFigures(here.parent, here.name))

    app.add_api_route("/metrics", metrics_page, methods=["GET"], include_in_schema=False)
    return app
