"""`hotgigs smtp`: the inbound SMTP server alone (its wiring is `hotgigs.wiring.smtp_server`)."""

from __future__ import annotations

import logging

from hotgigs.bootstrap import bootstrap
from hotgigs.run.lifecycle import stop_on_signals
from hotgigs.settings import Settings
from hotgigs.web.metrics import prepare as prepare_metrics
from hotgigs.wiring import job_queue, smtp_server

log = logging.getLogger(__name__)


def run_smtp(settings: Settings) -> int:
    """`hotgigs smtp`: the inbound server alone, until SIGINT/SIGTERM."""
    stop = stop_on_signals()
    prepare_metrics(settings)  # this process's figures join the shared /metrics directory
    services = bootstrap(settings)
    try:
        server = smtp_server(services, job_queue(services))
        server.start()
        try:
            stop.wait()
        finally:
            server.stop()
    finally:
        services.close()
    return 0
