"""Storing what duplicate detection found: possible duplicates and undoable merges.

Written in the recording transaction of a chunk (`candidates.attach_all`), one multi-row
INSERT; a pair that already has a link (a suspicion still open, or a recruiter's "not the same
person") gets no second one.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import and_, insert, or_, select
from sqlalchemy.orm import Session

from storage.models import CandidateLink, table_of, utcnow

POSSIBLE, MERGED, DISTINCT = "possible", "merged", "distinct"


@dataclass(frozen=True)
class Found:
    """One finding: `kind` possible (old ↔ new) or merged (`resume_id` joined `old`)."""

    kind: str
    old_id: int
    new_id: int
    evidence: dict[str, Any]
    resume_id: int


def linked_pairs(session: Session, pairs: set[tuple[int, int]]) -> set[tuple[int, int]]:
    """The (low id, high id) pairs among `pairs` that already have a possible/distinct link."""
    if not pairs:
        return set()
    ids = sorted({i for pair in pairs for i in pair})
    rows = session.execute(
        select(CandidateLink.candidate_id, CandidateLink.other_id)
        .where(CandidateLink.status.in_((POSSIBLE, DISTINCT)),
               or_(CandidateLink.candidate_id.in_(ids), CandidateLink.other_id.in_(ids))))
    have = {(min(a, b), max(a, b)) for a, b in rows if a is not None and b is not None}
    return have & pairs


def record(session: Session, owner_id: int | None, found: list[Found]) -> None:
    """Insert the links of one chunk (possible duplicates not known yet, and merges)."""
    if not found:
        return
    wanted = {(min(f.old_id, f.new_id), max(f.old_id, f.new_id))
              for f in found if f.kind == POSSIBLE and f.old_id != f.new_id}
    known = linked_pairs(session, wanted)
    now = utcnow()
    rows: list[dict[str, Any]] = []
    for f in found:
        pair = (min(f.old_id, f.new_id), max(f.old_id, f.new_id))
        if f.kind == POSSIBLE:
            if f.old_id == f.new_id or pair in known:
                continue
            known.add(pair)
            rows.append(_row(owner_id, pair[0], pair[1], POSSIBLE, f.evidence, [], now))
        else:
            rows.append(_row(owner_id, f.old_id, None, MERGED, f.evidence, [f.resume_id], now))
    if rows:
        session.connection().execute(insert(table_of(CandidateLink)), rows)


def _row(owner_id: int | None, candidate_id: int, other_id: int | None, status: str,
         evidence: dict[str, Any], resume_ids: list[int], now: Any) -> dict[str, Any]:
    return {"owner_id": owner_id, "candidate_id": candidate_id, "other_id": other_id,
            "absorbed_id": None, "status": status, "evidence": evidence,
            "resume_ids": resume_ids, "decided_by": None, "decided_at": None,
            "created_at": now}


def open_for(session: Session, candidate_ids: list[int]) -> dict[int, list[CandidateLink]]:
    """candidate id -> its open possible-duplicate links (for cards and pages)."""
    if not candidate_ids:
        return {}
    found: dict[int, list[CandidateLink]] = {}
    for link in session.scalars(
            select(CandidateLink).where(CandidateLink.status == POSSIBLE, or_(
                CandidateLink.candidate_id.in_(candidate_ids),
                and_(CandidateLink.other_id.is_not(None),
                     CandidateLink.other_id.in_(candidate_ids))))
            .order_by(CandidateLink.id)):
        for cid in (link.candidate_id, link.other_id):
            if cid in candidate_ids:
                found.setdefault(cid, []).append(link)
    return found


def describe(evidence: dict[str, Any]) -> str:
    """One line a recruiter reads: "same name, company (acme corp), title; different email"."""
    values = evidence.get("values") or {}
    same = [f"{fact} ({values[fact]})" if fact in values else str(fact)
            for fact in evidence.get("same") or []]
    text = "same " + ", ".join(same) if same else "nothing in common"
    if evidence.get("differs"):
        text += "; different " + " and ".join(evidence["differs"])
    return text
