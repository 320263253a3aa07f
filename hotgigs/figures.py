"""What `hotgigs status` and `/metrics` report: queues, resumes, success rate, failures, and
what the alert rules watch (open batches, live workers, Drive folders).

Everything comes from the database (the source of truth) except queue depths and workers, which
only Redis knows; an unreachable Redis is reported, not fatal. Figures read here at scrape time
cover every host of a fleet, unlike the counters each process records on its own host.
"""

from __future__ import annotations

import statistics
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, select

from hotgigs.bootstrap import Services
from storage.models import (
    Batch,
    BatchState,
    DriveFolder,
    ProcessingJob,
    Resume,
    ResumeStatus,
    utcnow,
)

PRIORITIES = ("high", "low")
ENDED = (ResumeStatus.PARSED, ResumeStatus.FAILED)


def queue_depths(services: Services) -> dict[str, int] | None:
    """Jobs waiting per priority, or None when Redis is not reachable."""
    if services.redis_ping() is not None:
        return None
    return {p: int(services.redis.llen(f"rq:queue:{services.settings.queue_name(p)}"))
            for p in PRIORITIES}


def live_workers(services: Services) -> int:
    """Workers on this deployment's queues whose liveness key has not expired.

    RQ's registry (`hotgigs_workers`) loses a worker killed with its host only when a sweep
    unregisters it, so it needs a running scheduler to drop to 0. Each worker's liveness key
    (`pipeline.liveness`, renewed every third of HOTGIGS_WORKER_TTL) vanishes on its own within
    that TTL; the sweeper judges by the same keys (`JobQueue.holdings`).
    """
    from hotgigs.wiring import job_queue

    return len(job_queue(services).live_worker_names())


def hour_ago() -> datetime:
    """The start of the last-hour windows /metrics reports (the alert rules' thresholds are per
    hour, so these figures need no history in Prometheus)."""
    return utcnow() - timedelta(hours=1)


def ended_since(services: Services, hours: int) -> dict[str, int]:
    """Resumes that ended (parsed, failed) in the last `hours`, by status, zeros included."""
    since = utcnow() - timedelta(hours=hours)
    with services.db.session() as session:
        done = dict(session.execute(
            select(Resume.status, func.count())
            .where(Resume.updated_at >= since, Resume.status.in_(ENDED))
            .group_by(Resume.status)).all())
    return {str(status): int(done.get(status, 0)) for status in ENDED}


def open_batches(services: Services) -> dict[str, tuple[int, float]]:
    """Per priority: batches not yet done, and the age in seconds of the oldest (0 if none)."""
    with services.db.session() as session:
        rows = session.execute(
            select(Batch.priority, func.count(), func.min(Batch.created_at))
            .where(Batch.state == BatchState.PROCESSING).group_by(Batch.priority)).all()
    now = utcnow()
    found = {str(p): (int(n), max(0.0, (now - oldest).total_seconds()) if oldest else 0.0)
             for p, n, oldest in rows}
    return {p: found.get(p, (0, 0.0)) for p in sorted({*PRIORITIES, *found})}


def drive_folder_states(services: Services) -> dict[str, int]:
    """Watched Drive folders by state (`active`, `broken`), zeros included."""
    with services.db.session() as session:
        rows = session.execute(
            select(DriveFolder.state, func.count()).group_by(DriveFolder.state)).all()
    counts = {"active": 0, "broken": 0}
    counts.update({str(state): int(n) for state, n in rows})
    return counts


def window_figures(services: Services, hours: int) -> dict[str, Any]:
    """Success rate, resumes finished and median processing time over the last `hours`."""
    since = utcnow() - timedelta(hours=hours)
    done = ended_since(services, hours)
    with services.db.session() as session:
        durations: list[float] = list(session.scalars(
            select(func.coalesce(ProcessingJob.duration_ms, 0.0))
            .where(ProcessingJob.finished_at >= since, ProcessingJob.duration_ms.is_not(None))
            .limit(10000)))
    finished = sum(done.values())
    return {
        "success_rate": round(done[ResumeStatus.PARSED] / finished, 4) if finished else None,
        "finished": finished, "failed": done[ResumeStatus.FAILED],
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
