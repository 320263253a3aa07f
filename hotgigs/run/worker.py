"""`hotgigs worker`: the composition root of a worker process (RQ on high, then low).

The worker runs jobs in its own process (RQ's SimpleWorker): the parser, spaCy and the
database pool are loaded once, so a resume pays no fork or import cost; a job that hangs is
still stopped by RQ's timeout. A heartbeat thread keeps the worker's liveness key alive
(`pipeline.liveness`), so the sweeper re-queues what it held soon after its host vanishes, and
registers the worker with RQ again if it comes back after the sweeper took it for gone.
"""

from __future__ import annotations

import gc
import logging
from datetime import timedelta

from redis import Redis
from rq import SimpleWorker

from hotgigs.bootstrap import bootstrap
from hotgigs.settings import Settings
from hotgigs.wiring import job_queue, job_temp_root, task_context
from pipeline.context import configure
from pipeline.liveness import Heartbeat
from pipeline.sweeper import sweep
from pipeline.workdir import remove_orphans

log = logging.getLogger(__name__)


def settle(settings: Settings) -> None:
    """Load what the parser and matching load lazily (taxonomy, city names, span model,
    associations), then freeze the heap.

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
    from matching.rank import load_data

    load_data()  # what matching reads after each chunk
    gc.collect()
    gc.freeze()


def run_worker(settings: Settings, *, burst: bool = False) -> int:
    from hotgigs.web.metrics import prepare, process_exited

    prepare(settings)  # before any figure is recorded: they go to the shared directory
    services = bootstrap(settings)
    queue = job_queue(services)
    configure(task_context(services, queue))
    report = sweep(timedelta(seconds=settings.sweep_grace))
    remove_orphans(job_temp_root(settings))  # folders of workers killed mid-job
    log.info("worker starting on %s (swept: %d requeued)",
             ", ".join(q.name for q in queue.ordered()), len(report.requeued))
    worker = SimpleWorker(queue.ordered(), connection=services.redis)
    settle(settings)
    # its own connection, with timeouts shorter than a beat: RQ stretches the shared one's
    # socket timeout to its blocking dequeue
    beats = Redis.from_url(str(settings.redis_url), socket_connect_timeout=3,
                           socket_timeout=max(1, settings.worker_ttl // 3))
    # the worker too: a sweeper that took it for gone (frozen, cut off) unregistered it from RQ,
    # and its next beat registers it again
    heartbeat = Heartbeat(beats, settings.queue_prefix, worker.name, settings.worker_ttl, worker)
    heartbeat.start()
    try:
        worker.work(burst=burst, with_scheduler=True, logging_level=settings.log_level)
    finally:
        heartbeat.stop()
        beats.close()
        services.close()
        process_exited(settings)
    return 0
