"""The system's Prometheus figures, recorded where the work happens (workers, doors).

`metrics()` builds the families on first use, not at import: prometheus-client picks its
multiprocess mode from `PROMETHEUS_MULTIPROC_DIR` when it is first imported, and the
composition root sets that variable at process start (`hotgigs.web.metrics.prepare`). Without
it, figures stay in the process (tests, one-off commands), which is harmless.
Adapters record their own figures through the same families (`inbound_emails`,
`slack_deduplicated`, `replies`), so every process writes to one shared directory.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache
from typing import Any

STAGE_BUCKETS = (0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300)
BATCH_BUCKETS = (1, 2, 5, 10, 20, 50, 100, 200, 500)


@dataclass(frozen=True)
class Metrics:
    resumes: Any  # Counter: source, status (parsed/failed), reason
    processing: Any  # Histogram: source — seconds from start of work to outcome stored
    stage: Any  # Histogram: stage (extract, ocr, fields, llm, match)
    batch_size: Any  # Histogram: source — files in one submission
    replies: Any  # Counter: channel, result (sent/failed)
    inbound_emails: Any  # Counter: result (accepted/rejected), reason
    slack_deduplicated: Any  # Counter: events dropped as already seen


@cache
def metrics() -> Metrics:
    from prometheus_client import Counter, Histogram

    return Metrics(
        resumes=Counter("hotgigs_resumes_processed", "Resumes that ended, by outcome",
                        ["source", "status", "reason"]),
        processing=Histogram("hotgigs_resume_processing_seconds",
                             "Time to process one resume", ["source"], buckets=STAGE_BUCKETS),
        stage=Histogram("hotgigs_stage_seconds", "Time spent per processing stage", ["stage"],
                        buckets=STAGE_BUCKETS),
        batch_size=Histogram("hotgigs_batch_size_files", "Files per submission", ["source"],
                             buckets=BATCH_BUCKETS),
        replies=Counter("hotgigs_replies", "Batch replies, by channel and result",
                        ["channel", "result"]),
        inbound_emails=Counter("hotgigs_inbound_emails", "Inbound emails by verdict",
                               ["result", "reason"]),
        slack_deduplicated=Counter("hotgigs_slack_events_deduplicated",
                                   "Slack events dropped because they were already handled"),
    )


def reason_label(reason: str | None) -> str:
    """A failure reason without its variable part ("file too large: 22 MB" → "file too large"),
    so label values stay few."""
    if not reason:
        return ""
    head = re.split(r"[:(]", reason, maxsplit=1)[0].strip().lower()
    return re.sub(r"\d+", "N", head)[:60]


def observe_stage(stage: str, seconds: float) -> None:
    metrics().stage.labels(stage).observe(seconds)


@contextmanager
def timed(stage: str) -> Iterator[None]:
    """Observe the block's duration under `stage`, whether it succeeds or raises."""
    start = time.perf_counter()
    try:
        yield
    finally:
        observe_stage(stage, time.perf_counter() - start)
