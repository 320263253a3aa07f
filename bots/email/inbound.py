"""The durable half of the SMTP door: store the raw bytes, commit the row, then enqueue.

`accept` is what must succeed before we answer 250: the encrypted blob and the
`inbound_messages` row. Any failure raises and the door answers 451, leaving nothing half
stored. Enqueueing is best effort: a message Redis never got is found again by `sweep`.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import timedelta
from email.message import Message
from itertools import takewhile

from redis import RedisError
from rq.job import Job
from sqlalchemy import select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from bots.email import headers as hdr
from bots.email.config import EmailConfig
from bots.email.proof import trusted_pass
from pipeline.queue import JobQueue, inbound_job_id
from storage.db import Database
from storage.files import BlobStore, sha256_hex
from storage.models import InboundMessage, Resume, utcnow

log = logging.getLogger(__name__)

TASK = "bots.email.tasks.process_inbound"
MAX_ATTEMPTS = 5  # re-queues of one stored message by the sweeper before it ends `failed`
GAVE_UP = (f"gave up after {MAX_ATTEMPTS} re-queues: handling it failed every time (the worker "
           "log has each error)")


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
           rcpt_to: list[str], facts: SessionFacts | None = None,
           config: EmailConfig | None = None) -> Accepted:
    """Store the message for good; a Message-ID seen before creates nothing new.

    Except over a forged first copy: a copy that shows proof of its sender at the door
    (`claims_proof`) takes the place of a stored copy of the same Message-ID that ended in
    quarantine (never imported, never answered), so whoever sends a Message-ID first without
    proof cannot shadow the recruiter's own message. A stored copy still waiting to be
    handled is not replaced (the worker may be reading it).
    """
    facts = facts or SessionFacts()
    headers = hdr.header_block(raw)
    message_id = hdr.message_id(headers, raw)
    key = sha256_hex(raw)
    had_blob = blobs.exists(key)
    blobs.put(raw)
    try:
        row_id = _insert(db, {
            "message_id": message_id, "mail_from": (mail_from or "")[:320],
            "rcpt_to": rcpt_to, "storage_key": key, "size": len(raw),
            "sender": hdr.sender(headers), "auth_results": hdr.auth_verdicts(headers),
            "client_ip": facts.client_ip, "smtp_user": facts.smtp_user,
            "proof": facts.door_proof})
        existing = None if row_id is not None else _existing(db, message_id)
    except BaseException:
        if not had_blob:  # no row points at these bytes: do not keep them
            blobs.delete(key)
        raise
    if row_id is not None:
        return Accepted(row_id, message_id, duplicate=False)
    if existing is None:  # stored and erased between our two statements: try again later
        raise RuntimeError(f"message {message_id} vanished while being stored")
    replaced = claims_proof(config, headers, rcpt_to, facts) and _replace_quarantined(
        db, blobs, existing, raw, headers, mail_from, rcpt_to, facts)
    if not replaced and not had_blob:  # a copy of a stored message: keep none of its bytes
        _delete_unused(db, blobs, key)
    return Accepted(existing, message_id, duplicate=not replaced)


def _insert(db: Database, values: dict[str, object]) -> int | None:
    """INSERT the row, or nothing when its Message-ID is stored already (then None): one
    statement, where a look-up first cost a second transaction per message."""
    with db.session() as session:
        dialect = session.get_bind().dialect.name
        stmt = (pg_insert if dialect == "postgresql" else sqlite_insert)(InboundMessage)
        return session.scalar(stmt.values(**values)
                              .on_conflict_do_nothing(index_elements=["message_id"])
                              .returning(InboundMessage.id))


def claims_proof(config: EmailConfig | None, headers: Message, rcpt_to: list[str],
                 facts: SessionFacts) -> bool:
    """Whether this copy carries what the worker takes as proof of its sender (checked there,
    not here): a login or trusted loopback client, a personal address, or a pass in a trusted
    MTA's Authentication-Results."""
    if facts.door_proof:
        return True
    if config is None:
        return False
    if any(config.personal_token(r) for r in rcpt_to):
        return True
    domain = (hdr.sender(headers) or "").rpartition("@")[2]
    return trusted_pass(headers, config.trusted_authserv_ids, domain) is not None


def _replace_quarantined(db: Database, blobs: BlobStore, row_id: int, raw: bytes,
                         headers: Message, mail_from: str | None, rcpt_to: list[str],
                         facts: SessionFacts) -> bool:
    """Put this copy (its bytes already stored) in the place of the quarantined one of row
    `row_id`; False (nothing changed) when that row is not in quarantine."""
    with db.session() as session:
        row = session.get(InboundMessage, row_id, with_for_update=True)
        if row is None or row.status != "quarantined":
            return False
        forged = row.storage_key
        row.mail_from, row.rcpt_to = (mail_from or "")[:320], rcpt_to
        row.storage_key, row.size = sha256_hex(raw), len(raw)
        row.sender, row.auth_results = hdr.sender(headers), hdr.auth_verdicts(headers)
        row.client_ip, row.smtp_user = facts.client_ip, facts.smtp_user
        row.proof, row.owner, row.status, row.reason = facts.door_proof, None, "received", None
        row.received_at = utcnow()
    if forged:
        _delete_unused(db, blobs, forged)
    log.info("inbound %s: a copy with proof of its sender replaces the quarantined one", row_id)
    return True


def _delete_unused(db: Database, blobs: BlobStore, key: str) -> None:
    """Delete stored bytes no message or resume points at."""
    with db.session() as session:
        used = _blob_used(session, key)
    if not used:
        blobs.delete(key)


def _blob_used(session: Session, key: str) -> bool:
    return session.scalar(select(InboundMessage.id).where(InboundMessage.storage_key == key)
                          .limit(1)) is not None or session.scalar(
        select(Resume.id).where(Resume.storage_key == key).limit(1)) is not None


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


def take_waiting(queue: JobQueue, limit: int) -> list[int]:
    """Take up to `limit` inbound messages whose jobs are next in the high queue, for the
    calling job to handle with its own (one RQ job, one claim and one recording for several
    messages, instead of one each).

    A job is taken by removing it from the queue (LREM is atomic: a worker that dequeued it
    first keeps it), then its hash is deleted. A message whose job is taken but which is
    never handled stays `received`: `enqueue` gives it back, or `sweep` finds it.
    """
    if limit < 1:
        return []
    high = queue.queues["high"]
    prefix = inbound_job_id(0).removesuffix("0")
    try:
        # only those next in line: an upload queued before them keeps its turn
        waiting = list(takewhile(lambda jid: jid.startswith(prefix),
                                 high.get_job_ids(0, limit)))
        if not waiting:
            return []
        pipe = queue.connection.pipeline(transaction=False)
        for jid in waiting:
            high.remove(jid, pipeline=pipe)
        taken = [jid for jid, count in zip(waiting, pipe.execute(), strict=True) if count]
    except RedisError:
        log.warning("inbound: could not look at the queue, handling one message", exc_info=True)
        return []
    if taken:
        try:
            queue.connection.delete(*(Job.key_for(jid) for jid in taken))
        except RedisError:  # a left-over job hash is never run: it is in no queue
            log.warning("inbound: taken jobs' hashes not deleted", exc_info=True)
    return [int(jid.removeprefix(prefix)) for jid in taken]


def sweep(db: Database, queue: JobQueue, grace: timedelta) -> list[int]:
    """Re-queue stored messages still `received` that Redis no longer holds.

    Each re-queue is counted; a message queued again `MAX_ATTEMPTS` times ends `failed`
    instead: its handling failed every time (a bug, a stored copy that cannot be read; the
    worker log has each error), and re-queuing it at every sweep would retry it for ever.
    """
    cutoff = utcnow() - grace
    with db.session() as session:
        waiting = {int(row_id): int(attempts) for row_id, attempts in session.execute(
            select(InboundMessage.id, InboundMessage.attempts)
            .where(InboundMessage.status == "received", InboundMessage.received_at <= cutoff)
            .order_by(InboundMessage.id))}
    if not waiting:
        return []
    try:
        held = queue.held_job_ids()
    except RedisError:
        log.warning("inbound sweep: Redis unavailable", exc_info=True)
        return []
    lost = [row_id for row_id in waiting if inbound_job_id(row_id) not in held]
    given_up = [row_id for row_id in lost if waiting[row_id] >= MAX_ATTEMPTS]
    again = [row_id for row_id in lost if waiting[row_id] < MAX_ATTEMPTS]
    with db.session() as session:  # counted before queued: a crash in between loses no count
        if given_up:
            session.execute(
                update(InboundMessage).where(InboundMessage.id.in_(given_up),
                                             InboundMessage.status == "received")
                .values(status="failed", reason=GAVE_UP))
        if again:
            session.execute(update(InboundMessage).where(InboundMessage.id.in_(again))
                            .values(attempts=InboundMessage.attempts + 1))
    for row_id in given_up:
        log.warning("inbound %s: failed (%s)", row_id, GAVE_UP)
    requeued = [row_id for row_id in again if enqueue(queue, row_id)]
    if requeued:
        log.info("inbound sweep: re-queued %d stored messages", len(requeued))
    return requeued
