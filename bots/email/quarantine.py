"""The quarantine: stored messages nobody proved, listed, released to a recruiter, or dropped.

`hotgigs inbox list/release/drop` and the admin dashboard call these. Releasing hands the
stored message back to the worker with the operator's word as its proof: it is imported for
that recruiter and answered to their registered address, nobody else's. Dropping deletes the
raw bytes and keeps the row, so a redelivery of the same Message-ID is still recognised.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select

from bots.email.inbound import enqueue
from bots.email.mime import body_resume, extract
from bots.email.recruiters import UnknownRecruiter, normalise
from bots.email.tasks import BODY_FILENAME, RELEASED
from pipeline.errors import Rejected
from pipeline.parser import parse_document
from pipeline.queue import JobQueue
from storage.db import Database
from storage.files import BlobStore
from storage.models import InboundMessage, Recruiter, Resume
from storage.privacy import normalize_phone

log = logging.getLogger(__name__)

QUARANTINED = "quarantined"


class NotQuarantined(Exception):
    """The message does not exist or is not in quarantine."""


@dataclass(frozen=True)
class InboxEntry:
    id: int
    received_at: datetime
    status: str
    reason: str | None
    sender: str | None
    mail_from: str | None
    rcpt_to: list[str]
    client_ip: str | None
    owner: str | None
    proof: str | None
    size: int


def list_messages(db: Database, status: str | None = None, limit: int = 100) -> list[InboxEntry]:
    """The newest stored messages (of one status), newest first."""
    query = select(InboundMessage).order_by(InboundMessage.id.desc()).limit(limit)
    if status:
        query = query.where(InboundMessage.status == status)
    with db.session() as session:
        return [InboxEntry(m.id, m.received_at, m.status, m.reason, m.sender, m.mail_from,
                           list(m.rcpt_to), m.client_ip, m.owner, m.proof, m.size)
                for m in session.scalars(query)]


def counts_by_reason(db: Database, since: datetime | None = None) -> dict[str, int]:
    """Messages in quarantine now, by reason (for /metrics); `since`: only those received
    from then on, which a burst of unproven mail raises and a held backlog does not."""
    query = select(InboundMessage.reason, func.count()).where(
        InboundMessage.status == QUARANTINED).group_by(InboundMessage.reason)
    if since is not None:
        query = query.where(InboundMessage.received_at >= since)
    with db.session() as session:
        rows = session.execute(query).all()
    return {str(reason or ""): int(n) for reason, n in rows}


def release(db: Database, queue: JobQueue | None, message_id: int, owner: str) -> bool:
    """Import a quarantined message for the registered recruiter `owner`, who is answered.

    Returns whether it was queued now; when Redis did not take it, the SMTP server's sweep
    queues it within a minute (the row is `received` again).
    """
    owner = normalise(owner)
    with db.session() as session:
        if session.scalar(select(Recruiter.id).where(
                Recruiter.identity == owner, Recruiter.registered_at.is_not(None))) is None:
            raise UnknownRecruiter(f"{owner} is not a registered recruiter "
                                   "(hotgigs recruiter add)")
        row = session.get(InboundMessage, message_id, with_for_update=True)
        if row is None or row.status != QUARANTINED:
            raise NotQuarantined(f"message {message_id} is not in quarantine")
        row.status, row.reason, row.owner, row.proof = "received", None, owner, RELEASED
    log.info("inbound %s: released from quarantine for %s", message_id, owner)
    return queue is not None and enqueue(queue, message_id)


def drop(db: Database, blobs: BlobStore, message_id: int, *, status: str = "dropped") -> None:
    """Delete a quarantined message's bytes; the row stays, marked `status`."""
    with db.session() as session:
        row = session.get(InboundMessage, message_id, with_for_update=True)
        if row is None or row.status != QUARANTINED:
            raise NotQuarantined(f"message {message_id} is not in quarantine")
        key = row.storage_key
        row.status, row.storage_key = status, ""
        shared = session.scalar(select(InboundMessage.id).where(
            InboundMessage.storage_key == key, InboundMessage.id != message_id).limit(1)) \
            or session.scalar(select(Resume.id).where(Resume.storage_key == key).limit(1))
    if key and shared is None:
        blobs.delete(key)
    log.info("inbound %s: dropped from quarantine", message_id)


def drop_older_than(db: Database, blobs: BlobStore, cutoff: datetime) -> int:
    """Drop every quarantined message received before `cutoff` (retention); how many."""
    with db.session() as session:
        old = list(session.scalars(select(InboundMessage.id).where(
            InboundMessage.status == QUARANTINED, InboundMessage.received_at < cutoff)))
    for message_id in old:
        try:
            drop(db, blobs, message_id)
        except NotQuarantined:  # released or dropped meanwhile
            continue
    if old:
        log.info("retention: dropped %d quarantined emails", len(old))
    return len(old)


def erase_person(db: Database, blobs: BlobStore, emails: set[str], phones: set[str], *,
                 default_region: str = "US") -> list[int]:
    """Erase the quarantined messages that carry a person being erased; their ids.

    Quarantined mail was never imported, so no candidate row points at it: each one is read
    as an import would read it (its resume files and a resume-like body through the parser)
    and erased (bytes deleted, row marked `erased`) when its From address, a body or a parsed
    resume names one of the person's emails or phones. Scanned attachments are OCRed, so
    this takes as long as parsing the quarantine; erasure requests are rare.
    """
    wanted_emails = {e.lower() for e in emails if e}
    wanted_phones = {p for p in (normalize_phone(p) for p in phones) if p}
    if not wanted_emails and not wanted_phones:
        return []
    with db.session() as session:
        rows = session.execute(select(InboundMessage.id, InboundMessage.sender,
                                      InboundMessage.storage_key).where(
            InboundMessage.status == QUARANTINED, InboundMessage.storage_key != "")).all()
    erased = []
    for row_id, sender, key in rows:
        if (sender or "").lower() in wanted_emails or _carries(
                blobs.get(key), wanted_emails, wanted_phones, default_region):
            try:
                drop(db, blobs, row_id, status="erased")
            except NotQuarantined:  # released or dropped meanwhile
                continue
            erased.append(row_id)
    if erased:
        log.info("erasure: %d quarantined emails carried the person, erased", len(erased))
    return erased


def _carries(raw: bytes, emails: set[str], phones: set[str], region: str) -> bool:
    extracted = extract(raw)
    texts = [body.lower() for body in extracted.bodies]
    if any(email in body for email in emails for body in texts):
        return True
    body = body_resume(extracted)
    files = [(p.name, p.content) for p in extracted.files]
    if body is not None:
        files.append((BODY_FILENAME, body.encode("utf-8")))
    for name, content in files:
        try:
            parsed = parse_document(content, name, default_region=region)
        except Rejected:
            continue
        except Exception:  # a parser bug on one file must not stop the erasure
            log.exception("erasure: a quarantined file could not be parsed")
            continue
        if (parsed.email or "").lower() in emails or normalize_phone(parsed.phone) in phones:
            return True
    return False
