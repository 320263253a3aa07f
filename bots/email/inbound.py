"""The durable half of the SMTP door: store the raw bytes, commit the row, then enqueue.

`accept` is what must succeed before we answer 250: the encrypted blob and the
`inbound_messages` row. Any failure raises and the door answers 451, leaving nothing half
stored. Enqueueing is best effort: a message Redis never got is found again by `sweep`.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import timedelta

from redis import RedisError
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from bots.email import headers as hdr
from pipeline.queue import JobQueue, inbound_job_id
from storage.db import Database
from storage.files import BlobStore, sha256_hex
from storage.models import InboundMessage, utcnow

log = logging.getLogger(__name__)

TASK = "bots.email.tasks.process_inbound"


@dataclass(frozen=True)
class SessionFacts:
    """What the SMTP session established about the client (see `bots.email.proof`)."""

    client_ip: str | None = None
    smtp_user: str | None = None  # SMTP AUTH login, only ever over TLS
    door_proof: str | None = None  # "smtp-auth", "loopback" (trusted loopback client) or None


@dataclass(frozen=True)
class Accepted:
    row_id: int
    message_id: str
    duplicate: bool


def accept(db: Database, blobs: BlobStore, raw: bytes, mail_from: str | None,
           rcpt_to: list[str], facts: SessionFacts | None = None) -> Accepted:
    """Store the message for good; a Message-ID seen before creates nothing new."""
    facts = facts or SessionFacts()
    headers = hdr.header_block(raw)
    message_id = hdr.message_id(headers, raw)
    existing = _existing(db, message_id)
    if existing is not None:
        return Accepted(existing, message_id, duplicate=True)
    key = sha256_hex(raw)
    had_blob = blobs.exists(key)
    blobs.put(raw)
    try:
        with db.session() as session:
            row = InboundMessage(
                message_id=message_id, mail_from=(mail_from or "")[:320], rcpt_to=rcpt_to,
                storage_key=key, size=len(raw), sender=hdr.sender(headers),
                auth_results=hdr.auth_verdicts(headers), client_ip=facts.client_ip,
                smtp_user=facts.smtp_user, proof=facts.door_proof,
            )
            session.add(row)
            session.flush()
            row_id = row.id
    except IntegrityError:
        # the same message committed by a concurrent delivery: that one is the record
        again = _existing(db, message_id)
        if again is None:
            raise
        return Accepted(again, message_id, duplicate=True)
    except BaseException:
        if not had_blob:  # no row points at these bytes: do not keep them
            blobs.delete(key)
        raise
    return Accepted(row_id, message_id, duplicate=False)


def _existing(db: Database, message_id: str) -> int | None:
    with db.session() as session:
        return session.scalar(
            select(InboundMessage.id).where(InboundMessage.message_id == message_id))


def enqueue(queue: JobQueue, row_id: int) -> bool:
    """Queue the processing of a stored message on high; False when Redis did not take it."""
    try:
        queue.enqueue_inbound(TASK, row_id)
    except RedisError:
        log.warning("inbound %s: enqueue failed, the sweep will retry", row_id, exc_info=True)
        return False
    return True


def sweep(db: Database, queue: JobQueue, grace: timedelta) -> list[int]:
    """Re-queue stored messages still `received` that Redis no longer holds."""
    cutoff = utcnow() - grace
    with db.session() as session:
        waiting = list(session.scalars(
            select(InboundMessage.id).where(InboundMessage.status == "received",
                                            InboundMessage.received_at <= cutoff)
            .order_by(InboundMessage.id)))
    if not waiting:
        return []
    try:
        held = queue.held_job_ids()
    except RedisError:
        log.warning("inbound sweep: Redis unavailable", exc_info=True)
        return []
    requeued = [row_id for row_id in waiting
                if inbound_job_id(row_id) not in held and enqueue(queue, row_id)]
    if requeued:
        log.info("inbound sweep: re-queued %d stored messages", len(requeued))
    return requeued
