"""Rows for digest tests, made directly in the database with explicit times (a fixed clock)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session

from storage.models import (
    Batch,
    Candidate,
    CandidateMatch,
    DriveFile,
    DriveFolder,
    Job,
    Recruiter,
    Resume,
)

NOW = datetime(2026, 12, 1, 8, 0, tzinfo=UTC)  # a Tuesday, 08:00 UTC


def ago(hours: float) -> datetime:
    return NOW - timedelta(hours=hours)


def recruiter(s: Session, email: str, **fields: Any) -> Recruiter:
    row = Recruiter(identity=email, email=email, **fields)
    s.add(row)
    s.flush()
    return row


def slack_user(s: Session, identity: str = "slack:T111/U1") -> Recruiter:
    row = Recruiter(identity=identity)
    s.add(row)
    s.flush()
    return row


def batch(s: Session, owner: Recruiter, source: str, at: datetime,
          reply_to: dict[str, Any] | None = None) -> Batch:
    row = Batch(source=source, submitted_by=owner.identity, recruiter_id=owner.id,
                reply_to=reply_to or {"kind": "none"}, created_at=at)
    s.add(row)
    s.flush()
    return row


def email_batch(s: Session, owner: Recruiter, at: datetime, subject: str = "Candidates") -> Batch:
    return batch(s, owner, "email", at, {"kind": "email", "address": owner.email,
                                         "message_id": "<m@x>", "subject": subject})


def slack_batch(s: Session, owner: Recruiter, channel: str, at: datetime) -> Batch:
    return batch(s, owner, "slack", at, {"kind": "slack", "channel": channel,
                                         "thread_ts": "1.1"})


def drive_batch(s: Session, owner: Recruiter, folder: DriveFolder, at: datetime) -> Batch:
    row = batch(s, owner, "drive", at)
    s.add(DriveFile(folder_id=folder.id, file_id=f"f{row.id}", name="x.pdf", sha256="0" * 64,
                    batch_id=row.id))
    s.flush()
    return row


def folder(s: Session, owner: Recruiter, name: str, *, state: str = "active",
           reason: str | None = None, channel: str | None = None) -> DriveFolder:
    row = DriveFolder(folder_id=f"folder{name.replace(' ', '')}", owner_id=owner.id, name=name,
                      state=state, broken_reason=reason, slack_channel=channel)
    s.add(row)
    s.flush()
    return row


def candidate(s: Session, owner: Recruiter, name: str, **fields: Any) -> Candidate:
    row = Candidate(owner_id=owner.id, name=name, **fields)
    s.add(row)
    s.flush()
    return row


def resume(s: Session, b: Batch, filename: str, at: datetime, *, status: str = "parsed",
           outcome: str | None = "created", person: Candidate | None = None,
           reason: str | None = None) -> Resume:
    row = Resume(batch_id=b.id, source=b.source, filename=filename, status=status,
                 outcome=outcome if status == "parsed" else None,
                 candidate_id=person.id if person else None, failure_reason=reason,
                 created_at=at, updated_at=at)
    s.add(row)
    s.flush()
    return row


def job(s: Session, title: str, *, owner: Recruiter | None = None, status: str = "open") -> Job:
    row = Job(slug=title.lower().replace(" ", "-"), title=title, owner_id=owner.id if owner
              else None, status=status)
    s.add(row)
    s.flush()
    return row


def match(s: Session, person: Candidate, j: Job, score: float, summary: str) -> None:
    s.add(CandidateMatch(candidate_id=person.id, job_id=j.id, score=score,
                         explanation={"summary": summary}))
    s.flush()


@dataclass
class TwoRecruiters:
    ann: Recruiter
    bob: Recruiter


def two_recruiters(s: Session) -> TwoRecruiters:
    """Ann and Bob, each with their own imports, candidates and a match on a shared job."""
    ann = recruiter(s, "ann@agency.test")
    bob = recruiter(s, "bob@other.test")
    shared = job(s, "Backend Engineer")
    b1 = email_batch(s, ann, ago(3), "Two for backend")
    alice = candidate(s, ann, "Alice Annsfind")
    resume(s, b1, "alice.pdf", ago(3), person=alice)
    resume(s, b1, "broken.pdf", ago(3), status="failed", reason="not a resume")
    match(s, alice, shared, 88, "5/5 required skills")
    b2 = email_batch(s, bob, ago(2), "From Bob")
    bruno = candidate(s, bob, "Bruno Bobsfind")
    resume(s, b2, "bruno.pdf", ago(2), person=bruno)
    match(s, bruno, shared, 95, "5/5 required skills · 9 yrs")
    return TwoRecruiters(ann, bob)
