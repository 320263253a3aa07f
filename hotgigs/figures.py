"""What `hotgigs status` reports: queue depths, resumes by status, success rate, failures.

Everything comes from the database (the source of truth) except queue depths, which only Redis
knows; an unreachable Redis is reported, not fatal.
"""

from __future__ import annotations

import statistics
from datetime import timedelta
from typing import Any

from sqlalchemy import func, select

from hotgigs.bootstrap import Services
from storage.models import Batch, BatchState, ProcessingJob, Resume, ResumeStatus, utcnow

PRIORITIES = ("high", "low")
ENDED = (ResumeStatus.PARSED, ResumeStatus.FAILED)


def queue_depths(services: Services) -> dict[str, int] | None:
    """Jobs waiting per priority, or None when Redis is not reachable."""
    if services.redis_ping() is not None:
        return None
    return {p: int(services.redis.llen(f"rq:queue:{services.settings.queue_name(p)}"))
            for p in PRIORITIES}


def window_figures(services: Services, hours: int) -> dict[str, Any]:
    """Success rate, resumes finished and median processing time over the last `hours`."""
    since = utcnow() - timedelta(hours=hours)
    with services.db.session() as session:
        done = dict(session.execute(
            select(Resume.status, func.count())
            .where(Resume.updated_at >= since, Resume.status.in_(ENDED))
            .group_by(Resume.status)).all())
        durations: list[float] = list(session.scalars(
            select(func.coalesce(ProcessingJob.duration_ms, 0.0))
            .where(ProcessingJob.finished_at >= since, ProcessingJob.duration_ms.is_not(None))
            .limit(10000)))
    finished = sum(done.values())
    return {
        "success_rate": round(done.get(ResumeStatus.PARSED, 0) / finished, 4) if finished else None,
        "finished": finished, "failed": int(done.get(ResumeStatus.FAILED, 0)),
        "median_processing_ms": round(statistics.median(durations), 1) if durations else None,
    }


def collect_status(services: Services, recent: int = 5) -> dict[str, Any]:
    with services.db.session() as session:
        by_status = dict(
            session.execute(select(Resume.status, func.count()).group_by(Resume.status)).all()
        )
        in_progress = session.scalar(
            select(func.count()).select_from(Batch).where(Batch.state == BatchState.PROCESSING)
        )
        failures = session.execute(
            select(Resume.id, Resume.filename, Resume.failure_reason, Resume.updated_at,
                   Resume.source)
            .where(Resume.status == ResumeStatus.FAILED)
            .order_by(Resume.updated_at.desc())
            .limit(recent)
        ).all()
    day = window_figures(services, 24)
    return {
        "resumes": {str(k): int(v) for k, v in by_status.items()},
        "batches_in_progress": int(in_progress or 0),
        "success_rate_24h": day["success_rate"],
        "finished_24h": day["finished"],
        "median_processing_ms": day["median_processing_ms"],
        "queues": queue_depths(services),
        "redis_error": services.redis_ping(),
        "recent_failures": [
            {"resume_id": r.id, "file": r.filename, "reason": r.failure_reason, "source": r.source,
             "at": r.updated_at.isoformat() if r.updated_at else None}
            for r in failures
        ],
    }
