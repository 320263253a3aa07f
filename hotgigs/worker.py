"""`hotgigs worker`: the composition root of a worker process (RQ on high, then low).

The worker runs jobs in its own process (RQ's SimpleWorker): the parser, spaCy and the
database pool are loaded once, so a resume pays no fork or import cost; a job that hangs is
still stopped by RQ's timeout.
"""

from __future__ import annotations

import gc
import logging
from datetime import timedelta
from pathlib import Path

from rq import SimpleWorker

from hotgigs.bootstrap import Services, bootstrap
from hotgigs.settings import Settings
from pipeline.context import TaskContext, configure
from pipeline.queue import JobQueue
from pipeline.sweeper import sweep
from pipeline.workdir import remove_orphans

log = logging.getLogger(__name__)


def build_enhancer(settings: Settings) -> object | None:
    """The optional LLM step; None (skipped, and the parse says so) without an API key."""
    if not settings.openai_api_key:
        return None
    from pipeline.parser.llm import LLMEnhancer

    return LLMEnhancer(api_key=settings.openai_api_key, base_url=settings.openai_base_url,
                       model=settings.llm_model)


def task_context(services: Services, queue: JobQueue | None) -> TaskContext:
    """Everything tasks need; adapters add their notifiers here as they land."""
    from hotgigs.mailbot import email_notifier
    from hotgigs.slackbot import slack_notifier
    from matching import matches_hook
    from pipeline.context import Notifier

    notifiers: dict[str, Notifier] = {"email": email_notifier(services.settings)}
    slack = slack_notifier(services)
    if slack is not None:
        notifiers["slack"] = slack
    return TaskContext(db=services.db, blobs=services.blobs, queue=queue,
                       enhancer=build_enhancer(services.settings),
                       default_region=services.settings.default_phone_region,
                       after_candidate=[matches_hook(services.db)],
                       notifiers=notifiers, tombstone_key=tombstone_key_of(services.settings),
                       work_dir=job_temp_root(services.settings))


def tombstone_key_of(settings: Settings) -> bytes:
    """The erasure tombstones' HMAC key, derived from the encryption key (issue #10)."""
    from storage.files import load_or_create_key
    from storage.privacy import tombstone_key

    return tombstone_key(load_or_create_key(settings.encryption_key, settings.data_dir))


def job_temp_root(settings: Settings) -> Path:
    """Where per-job temp folders live (removed when each job ends)."""
    return settings.data_dir.resolve() / "tmp" / "jobs"


def job_queue(services: Services) -> JobQueue:
    settings = services.settings
    return JobQueue(services.redis, settings.queue_prefix, settings.job_timeout)


def _settle(settings: Settings) -> None:
    """Load what the parser loads lazily (taxonomy, city names, span model), then freeze the
    heap.

    Loading now spares the first upload the wait. Freezing moves the long-lived objects of the
    imports (models, taxonomy, SQLAlchemy) out of the collector's sight: a full collection
    during bulk work took about 100 ms with them and 7 ms without (measured in the workers of
    benchmarks/bulk_import.py).
    """
    from pipeline.parser import gazetteer, span_model
    from pipeline.parser.skills import find_skills

    find_skills("Python")
    gazetteer.load()
    span_model.configure(settings.span_model_dir())
    span_model.load()  # once per worker: every résumé it parses shares it
    gc.collect()
    gc.freeze()


def run_worker(settings: Settings, *, burst: bool = False) -> int:
    from hotgigs.metrics import prepare, process_exited

    prepare(settings)  # before any figure is recorded: they go to the shared directory
    services = bootstrap(settings)
    queue = job_queue(services)
    configure(task_context(services, queue))
    report = sweep(timedelta(seconds=settings.sweep_grace))
    remove_orphans(job_temp_root(settings))  # folders of workers killed mid-job
    log.info("worker starting on %s (swept: %d requeued)",
             ", ".join(q.name for q in queue.ordered()), len(report.requeued))
    worker = SimpleWorker(queue.ordered(), connection=services.redis)
    _settle(settings)
    try:
        worker.work(burst=burst, with_scheduler=True, logging_level=settings.log_level)
    finally:
        services.close()
        process_exited(settings)
    return 0
