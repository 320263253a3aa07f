"""Retention: erase candidates with no activity for `HOTGIGS_RETENTION_DAYS`, run daily.

Activity is a new resume (it updates the candidate), an import or a match in the audit log.
Expired records are erased without a tombstone (the person may apply again), and failed
resumes that never became a candidate lose their stored file once they are as old.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import func, or_, select

from storage import privacy
from storage.db import Database
from storage.files import BlobStore
from storage.models import AuditEvent, Candidate, Resume, utcnow

log = logging.getLogger(__name__)

ACTIVE = ("imported", "matched")


@dataclass
class RetentionReport:
    cutoff: datetime | None
    erased: list[int] = field(default_factory=list)
    files_dropped: int = 0


def expired(db: Database, cutoff: datetime) -> list[int]:
    """Candidates neither updated nor imported/matched since `cutoff`."""
    last = (select(AuditEvent.candidate_id, func.max(AuditEvent.at).label("at"))
            .where(AuditEvent.action.in_(ACTIVE)).group_by(AuditEvent.candidate_id).subquery())
    with db.session() as session:
        return list(session.scalars(
            select(Candidate.id).outerjoin(last, last.c.candidate_id == Candidate.id)
            .where(Candidate.updated_at < cutoff, or_(last.c.at.is_(None), last.c.at < cutoff))
            .order_by(Candidate.id)
        ))


def run(db: Database, blobs: BlobStore, key: bytes, days: int, *,
        now: datetime | None = None) -> RetentionReport:
    """One daily pass; `days` <= 0 keeps everything (retention off)."""
    if days <= 0:
        return RetentionReport(cutoff=None)
    report = RetentionReport(cutoff=(now or utcnow()) - timedelta(days=days))
    assert report.cutoff is not None
    for candidate_id in expired(db, report.cutoff):
        try:
            privacy.erase(db, blobs, key, candidate_id, actor="retention", source="scheduler",
                          tombstone=False, related=False)
        except LookupError:  # erased meanwhile (by request, or another scheduler)
            continue
        report.erased.append(candidate_id)
    with db.session() as session:
        stale = list(session.scalars(
            select(Resume.id).where(Resume.candidate_id.is_(None), Resume.status == "failed",
                                    Resume.updated_at < report.cutoff,
                                    Resume.storage_key.is_not(None))
        ))
    for resume_id in stale:
        privacy.drop_file(db, blobs, resume_id)
    report.files_dropped = len(stale)
    log.info("retention (%d days): erased %d candidates, dropped %d failed files",
             days, len(report.erased), report.files_dropped)
    return report
