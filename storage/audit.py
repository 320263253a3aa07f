"""The audit log: who imported, viewed, matched, exported or erased which candidate, and when.

Entries name the candidate by id and the actor by their recruiter identity (or `admin`,
`cli:<user>`, `retention`); `detail` holds ids and counts only, never personal data, so the
log can outlive an erasure without keeping a trace of the person.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from storage.models import AuditEvent, table_of, utcnow

ACTIONS = ("imported", "viewed", "matched", "exported", "erased",
           "merged", "split", "distinct", "reparsed")


def _known(action: str) -> None:
    if action not in ACTIONS:
        raise ValueError(f"unknown audit action {action!r}")


def _row(action: str, actor: str, source: str, candidate_id: int | None,
         detail: dict[str, Any], at: datetime) -> dict[str, Any]:
    """One audit_log row (of a `_known` action), actor and source cut to their columns."""
    return {"at": at, "actor": actor[:320], "action": action, "candidate_id": candidate_id,
            "source": source[:16], "detail": detail}


def record(session: Session, action: str, *, actor: str, source: str,
           candidate_id: int | None, **detail: Any) -> AuditEvent:
    """Add one entry to the caller's transaction (it commits or rolls back with the work)."""
    _known(action)
    event = AuditEvent(**_row(action, actor, source, candidate_id, detail, utcnow()))
    session.add(event)
    return event


@dataclass(frozen=True)
class Event:
    """One entry for `record_all`: the same fields `record` takes."""

    actor: str
    source: str
    candidate_id: int | None
    detail: dict[str, Any] = field(default_factory=dict)


def record_all(session: Session, action: str, events: list[Event]) -> None:
    """Many entries of one action in one multi-row INSERT (a worker's chunk of imports)."""
    _known(action)
    at = utcnow()
    rows = [_row(action, e.actor, e.source, e.candidate_id, e.detail, at) for e in events]
    if rows:
        session.connection().execute(insert(table_of(AuditEvent)), rows)


def record_matched(session: Session, candidate_ids: list[int], *, actor: str, source: str,
                   job: str) -> None:
    """One "matched" entry per candidate a recruiter was shown for `job` (slug or free text)."""
    for candidate_id in candidate_ids:
        record(session, "matched", actor=actor, source=source, candidate_id=candidate_id,
               job=job[:200])


def for_candidate(session: Session, candidate_id: int, limit: int = 200) -> list[AuditEvent]:
    """A candidate's entries, newest first."""
    return list(session.scalars(
        select(AuditEvent).where(AuditEvent.candidate_id == candidate_id)
        .order_by(AuditEvent.at.desc(), AuditEvent.id.desc()).limit(limit)
    ))
