"""What the admin dashboard shows, read from the database (and Redis for queues and workers).

Figures shared with `hotgigs status` come from `hotgigs.figures`; this module adds the views
only the dashboard has: a per-day chart, usage per recruiter and channel, Drive folders, the
email quarantine, and one candidate's page.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import func, select

from bots.email.quarantine import QUARANTINED, list_messages
from hotgigs.bootstrap import Services
from hotgigs.figures import collect_status, window_figures
from hotgigs.web import chart
from storage import audit
from storage.models import (
    Batch,
    Candidate,
    CandidateMatch,
    CandidateSkill,
    DriveFolder,
    Job,
    Recruiter,
    Resume,
    ResumeData,
    utcnow,
)

CHART_DAYS = 14


def _workers(services: Services) -> list[dict[str, Any]] | None:
    if services.redis_ping() is not None:
        return None
    from rq import Worker

    return [{"name": w.name, "state": str(w.get_state()), "queues": ", ".join(w.queue_names())}
            for w in Worker.all(connection=services.redis)]


def per_day(services: Services, days: int = CHART_DAYS) -> list[dict[str, Any]]:
    """Resumes received per day (UTC) over the last `days`, with how many failed."""
    start = (utcnow() - timedelta(days=days - 1)).replace(hour=0, minute=0, second=0,
                                                          microsecond=0)
    day = func.date(Resume.created_at)
    with services.db.session() as session:
        rows = session.execute(
            select(day, Resume.status, func.count()).where(Resume.created_at >= start)
            .group_by(day, Resume.status)).all()
    counts: dict[str, dict[str, int]] = {}
    for when, status, n in rows:
        entry = counts.setdefault(str(when)[:10], {"imports": 0, "failures": 0})
        entry["imports"] += int(n)
        if status == "failed":
            entry["failures"] += int(n)
    keys = [(start + timedelta(days=offset)).date().isoformat() for offset in range(days)]
    peak = max((counts.get(k, {}).get("imports", 0) for k in keys), default=0) or 1
    out: list[dict[str, Any]] = []
    for key in keys:
        imports = counts.get(key, {}).get("imports", 0)
        failures = counts.get(key, {}).get("failures", 0)
        out.append({"day": key, "imports": imports, "failures": failures,
                    # bar heights in percent, for the server-rendered chart
                    "imports_pct": round(100 * imports / peak),
                    "failures_pct": round(100 * failures / peak)})
    return out


def usage(services: Services, days: int = 30) -> list[dict[str, Any]]:
    since = utcnow() - timedelta(days=days)
    with services.db.session() as session:
        rows = session.execute(
            select(Batch.submitted_by, Batch.source, func.count(), func.sum(Batch.total),
                   func.sum(Batch.parsed), func.sum(Batch.failed))
            .where(Batch.created_at >= since).group_by(Batch.submitted_by, Batch.source)
            .order_by(func.sum(Batch.total).desc())).all()
    return [{"recruiter": who, "channel": source, "batches": int(n), "files": int(total or 0),
             "parsed": int(parsed or 0), "failed": int(failed or 0)}
            for who, source, n, total, parsed, failed in rows]


def drive_folders(services: Services) -> list[dict[str, Any]]:
    with services.db.session() as session:
        rows = session.execute(
            select(DriveFolder, Recruiter.identity)
            .join(Recruiter, Recruiter.id == DriveFolder.owner_id).order_by(DriveFolder.id)).all()
        return [{"folder_id": f.folder_id, "name": f.name, "owner": owner, "state": f.state,
                 "last_synced_at": f.last_synced_at, "broken_reason": f.broken_reason}
                for f, owner in rows]


def recent_candidates(services: Services, query: str | None = None,
                      limit: int = 20) -> list[dict[str, Any]]:
    with services.db.session() as session:
        stmt = select(Candidate, Recruiter.identity).outerjoin(
            Recruiter, Recruiter.id == Candidate.owner_id)
        if query:
            like = f"%{query.strip().lower()}%"
            stmt = stmt.where(func.lower(Candidate.email).like(like)
                              | func.lower(Candidate.name).like(like))
        rows = session.execute(stmt.order_by(Candidate.updated_at.desc()).limit(limit)).all()
        return [{"id": c.id, "name": c.name, "email": c.email, "title": c.latest_title,
                 "owner": owner, "updated_at": c.updated_at} for c, owner in rows]


def overview(services: Services) -> dict[str, Any]:
    status = collect_status(services, recent=15)
    days = per_day(services)
    return {
        "status": status,
        "windows": {"24 h": window_figures(services, 24), "7 d": window_figures(services, 168)},
        "per_day": days,
        "chart": chart.layout(days),
        "workers": _workers(services),
        "usage": usage(services),
        "drive_folders": drive_folders(services),
        "quarantine": list_messages(services.db, QUARANTINED, limit=50),
        "candidates": recent_candidates(services),
    }


def candidate_page(services: Services, candidate_id: int) -> dict[str, Any] | None:
    """Parsed fields, resume versions, matches and audit trail of one candidate."""
    with services.db.session() as session:
        candidate = session.get(Candidate, candidate_id)
        if candidate is None:
            return None
        owner = session.get(Recruiter, candidate.owner_id) if candidate.owner_id else None
        resumes = session.execute(
            select(Resume, Batch.submitted_by, ResumeData.parser_version)
            .join(Batch, Batch.id == Resume.batch_id)
            .outerjoin(ResumeData, ResumeData.resume_id == Resume.id)
            .where(Resume.candidate_id == candidate_id).order_by(Resume.id.desc())).all()
        matches = session.execute(
            select(CandidateMatch.score, CandidateMatch.explanation, Job.title, Job.slug,
                   Job.status)
            .join(Job, Job.id == CandidateMatch.job_id)
            .where(CandidateMatch.candidate_id == candidate_id)
            .order_by(CandidateMatch.score.desc())).all()
        skills = list(session.scalars(select(CandidateSkill.skill)
                                      .where(CandidateSkill.candidate_id == candidate_id)
                                      .order_by(CandidateSkill.skill)))
        events = audit.for_candidate(session, candidate_id)
        return {
            "candidate": candidate, "owner": owner.identity if owner else None,
            "data": candidate.data or {}, "skills": skills,
            "resumes": [{"id": r.id, "filename": r.filename, "status": r.status,
                         "outcome": r.outcome, "source": r.source, "by": by,
                         "parser_version": version, "created_at": r.created_at, "size": r.size}
                        for r, by, version in resumes],
            "matches": [{"score": round(score, 1), "reason": (exp or {}).get("summary", ""),
                         "title": title, "slug": slug, "status": status}
                        for score, exp, title, slug, status in matches],
            "audit": [{"at": e.at, "actor": e.actor, "action": e.action, "source": e.source}
                      for e in events],
        }
