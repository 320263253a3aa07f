"""Answering finished batches where they came from (an email reply, a Slack thread…), once.

`send_replies` is shared by the reply job (`pipeline.tasks.send_reply`) and by the recorder,
which answers a batch in the job that ended it when asked to (`finish_here`).
"""

from __future__ import annotations

import logging

from sqlalchemy import select, update

from pipeline.context import current
from pipeline.metrics import metrics, timed
from pipeline.summary import summarize_batch
from storage.models import (
    NO_SYNC,
    Batch,
    utcnow,
)

log = logging.getLogger(__name__)


def send_replies(batch_ids: list[int], *, keep_going: bool = False) -> dict[int, str]:
    """Answer each batch not answered yet, with one read and one write for all of them;
    returns batch id -> sent, no notifier, or failed. A failed reply raises, unless
    `keep_going` (the caller queues those to their retrying jobs)."""
    ctx = current()
    with ctx.db.session() as session:
        batches = list(session.scalars(select(Batch).where(Batch.id.in_(batch_ids),
                                                           Batch.replied_at.is_(None))
                                       .order_by(Batch.id)))
        summaries = [(batch.id, ctx.notifiers.get(batch.source),
                      summarize_batch(session, batch.id)
                      if batch.source in ctx.notifiers else None) for batch in batches]
    outcome: dict[int, str] = {}
    try:
        for batch_id, notifier, summary in summaries:
            outcome[batch_id] = "no notifier"
            if notifier is None or summary is None:
                continue
            try:
                with timed("reply"):
                    notifier.result(summary)
            except Exception:
                metrics().replies.labels(summary.source, "failed").inc()
                outcome[batch_id] = "failed"
                if not keep_going:
                    raise
                log.warning("batch %s: reply failed here", batch_id, exc_info=True)
                continue
            metrics().replies.labels(summary.source, "sent").inc()
            outcome[batch_id] = "sent"
    finally:  # what was answered is marked, even when a later reply raised
        answered = [b for b, how in outcome.items() if how != "failed"]
        if answered:
            with ctx.db.session() as session:
                session.execute(update(Batch).where(Batch.id.in_(answered))
                                .values(replied_at=utcnow()), execution_options=NO_SYNC)
        for batch_id in answered:
            log.info("batch %s: reply %s", batch_id,
                     "sent" if outcome[batch_id] == "sent" else "not needed")
    return outcome
