"""RQ task of the email door: a stored message becomes one IngestRequest, or is set aside.

Runs in `hotgigs worker` after the SMTP server answered 250. Machine mail is stored and
ignored; a message without proof of its sender (`bots.email.proof`) is quarantined, imported
into nobody's pool and never answered; a recruiter over the hourly limit gets one notice. The
proven recruiter is `submitted_by` and the only address ever answered (never the header From
of an auto-forwarded message). Re-running after a crash is safe: intake is idempotent on the
Message-ID and a message that already ended is skipped.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.message import Message
from typing import Any

from rq import get_current_job
from sqlalchemy import bindparam, func, select, update
from sqlalchemy.orm import Session

from bots.email import headers as hdr
from bots.email import messages
from bots.email.inbound import enqueue, take_waiting
from bots.email.mime import body_resume, extract
from bots.email.proof import NO_PROOF, Verdict, decide
from bots.email.recruiters import Directory
from bots.email.reply import EmailNotifier
from bots.email.spf_check import check_spf
from pipeline.context import TaskContext, current
from pipeline.errors import Transient
from pipeline.intake import Intake
from pipeline.metrics import metrics, timed
from pipeline.models import IngestFile, IngestRequest, ReplyTarget
from pipeline.tasks import finish_here
from storage.files import BlobError, StoreUnavailable
from storage.models import NO_SYNC, InboundMessage, table_of

log = logging.getLogger(__name__)

WINDOW = timedelta(hours=1)
BODY_FILENAME = "email-body.txt"
RELEASED = "released"  # the proof of a message an operator released from quarantine


def _notifier(ctx: TaskContext) -> EmailNotifier:
    notifier = ctx.notifiers.get("email")
    if not isinstance(notifier, EmailNotifier):
        raise RuntimeError("the email notifier is not registered in this worker")
    return notifier


# messages one job handles at most: its own, and those whose jobs wait behind it
GROUP = 16


def process_inbound(message_row_id: int) -> str:
    """Handle one stored inbound message; returns its final status.

    Run by a worker, a single-resume message is also parsed and answered in this job
    (`pipeline.tasks.finish_here`): one RQ job per message instead of three. With a backlog
    the job also takes up to GROUP - 1 messages whose jobs wait behind it
    (`inbound.take_waiting`): each is handled in turn as its own job would (proof, rate
    limit, intake), then their resumes are parsed, recorded and matched as one chunk and
    each batch is answered here. Per message, RQ's own work and the database round trips of
    a chunk cost as much as parsing it; shared by a group they cost a fraction.
    """
    ctx = current()
    submitted: list[_Submitted] = []
    try:
        with timed("inbound"):
            status = _handle(ctx, message_row_id, submitted)
        if ctx.queue is not None and get_current_job() is not None:
            for row_id in take_waiting(ctx.queue, GROUP - 1):
                try:
                    with timed("inbound"):
                        _handle(ctx, row_id, submitted)
                except Exception:  # its own job would have been retried: queue it again
                    log.exception("inbound %s: failed in another message's job, queued again",
                                  row_id)
                    enqueue(ctx.queue, row_id)
    finally:
        if submitted:  # ended before any parse: from here on the batches are the pipeline's
            with timed("inbound"):
                _finish_submitted(ctx, submitted)
    held = [s.batch_id for s in submitted if s.held]
    if held:
        finish_here(*held)
    return status


@dataclass(frozen=True)
class _Submitted:
    """A message its intake recorded, to be marked `submitted` with the rest of its group."""

    row_id: int
    batch_id: int
    verdict: Verdict
    held: bool  # this job processes the batch itself


@dataclass(frozen=True)
class _Stored:
    raw: bytes
    mail_from: str | None
    rcpt_to: list[str]
    sender: str | None
    message_id: str
    door_proof: str | None
    smtp_user: str | None
    released_to: str | None
    client_ip: str | None
    received_at: datetime


def _load(ctx: TaskContext, session: Session, row_id: int) -> _Stored | str | None:
    """The stored message; None when it already ended; a reason when its stored copy cannot
    be read (missing, or sealed with another key): that never heals, so it ends `failed`.
    A store that is down raises `Transient`: the job is retried."""
    row = session.get(InboundMessage, row_id)
    if row is None or row.status != "received":
        return None
    try:
        raw = ctx.blobs.get(row.storage_key)
    except BlobError as exc:
        return f"the stored message could not be read: {exc}"
    except StoreUnavailable as exc:
        raise Transient(str(exc)) from exc
    return _Stored(raw, row.mail_from, list(row.rcpt_to), row.sender, row.message_id,
                   row.proof, row.smtp_user, row.owner, row.client_ip, row.received_at)


def _verdict(session: Session, bot: EmailNotifier, row_id: int, stored: _Stored,
             headers: Message) -> tuple[Verdict, int]:
    """Who proved to have sent it, and how many messages they had imported in the hour."""
    if stored.door_proof == RELEASED and stored.released_to:
        return Verdict(stored.released_to, RELEASED), 0
    own: dict[str, str] = {}  # our own checks: verdicts, and the domains that passed
    if stored.door_proof != RELEASED:
        if bot.config.dkim_verify:
            own["dkim_verified"], own["dkim_domain"] = _or_empty(hdr.check_dkim(stored.raw))
        if bot.config.spf_verify:
            own["spf_verified"], own["spf_domain"] = _or_empty(
                check_spf(stored.client_ip, stored.mail_from))
        if own:
            _record_checks(session, row_id, {k: v for k, v in own.items() if k.endswith("ied")})
    verdict = decide(bot.config, Directory(session), headers=headers, sender=stored.sender,
                     rcpt_to=stored.rcpt_to, door_proof=stored.door_proof,
                     smtp_user=stored.smtp_user,
                     own_dkim_domain=own.get("dkim_domain") or None,
                     own_spf_domain=own.get("spf_domain") or None)
    earlier = (_earlier_from(session, row_id, stored.received_at, verdict.owner)
               if verdict.owner else 0)
    return verdict, earlier


def _handle(ctx: TaskContext, row_id: int, submitted: list[_Submitted]) -> str:
    """Decide a message's fate; a message it submits is added to `submitted` (the caller
    marks it, with the others of its group, in one transaction)."""
    bot = _notifier(ctx)
    # one transaction reads the message, decides and ends it when it goes no further;
    # not flushed to disk before the answer: a crash that loses it leaves the message
    # `received`, and handling it again is idempotent (intake's key is the Message-ID)
    with ctx.db.session(durable=False) as session:
        stored = _load(ctx, session, row_id)
        if stored is None:
            return "skipped"
        if isinstance(stored, str):
            return _finish(session, row_id, "failed", stored)
        headers = hdr.header_block(stored.raw)
        reason = hdr.automatic_reason(headers, stored.mail_from)
        if reason is not None and stored.door_proof != RELEASED:
            return _finish(session, row_id, "ignored", reason)
        verdict, earlier = _verdict(session, bot, row_id, stored, headers)
        if verdict.owner is None:
            if not stored.sender and verdict.reason == NO_PROOF:
                return _finish(session, row_id, "ignored", "no sender address")
            metrics().inbound_emails.labels("quarantined", verdict.reason or "").inc()
            return _finish(session, row_id, "quarantined", verdict.reason)
        target = ReplyTarget(kind="email", address=verdict.owner, message_id=stored.message_id,
                             subject=hdr.text(headers.get("Subject")),
                             references=hdr.references(headers)).model_dump(mode="json")
        # the group's messages submitted before this one are not marked yet: count them
        earlier += sum(1 for s in submitted if s.verdict.owner == verdict.owner
                       and s.row_id < row_id)
        limit = bot.config.rate_limit
        if earlier >= limit:
            if earlier == limit:  # the first message over the limit: one notice, then silence
                bot.notice(target, messages.RATE_LIMITED.format(limit=limit), f"rate-{row_id}")
            return _finish(session, row_id, "rate_limited",
                           f"more than {limit} messages in an hour", proven=verdict)
    request = build_request(stored.raw, verdict.owner, stored.message_id, stored.rcpt_to,
                            target, bot)
    job = get_current_job()
    held_by = job.id if job is not None and ctx.queue is not None else None
    # not flushed to disk before going on: the message stays `received` until
    # `_finish_submitted`, whose commit PostgreSQL writes after this one, so a crash that
    # loses this commit loses that one too and the message is handled again
    batch = Intake(ctx.db, ctx.blobs, ctx.queue, bot.config.zip_limits).submit(
        request, held_by=held_by, durable=False, look_first=False)
    if ctx.queue is None:  # in-process mode (tests without Redis): nothing runs the batch
        log.info("inbound %s: batch %s recorded without a queue", row_id, batch.id)
    submitted.append(_Submitted(row_id, batch.id, verdict,
                                bool(held_by) and batch.priority == "high"))
    return "submitted"


def build_request(raw: bytes, owner: str, message_id: str, rcpt_to: list[str],
                  target: dict[str, Any], bot: EmailNotifier) -> IngestRequest:
    extracted = extract(raw)
    files = [IngestFile(name=p.name, content=p.content, declared_mime=p.mime, origin=p.origin)
             for p in extracted.files]
    if not files:
        body = body_resume(extracted)
        if body is not None:
            files.append(IngestFile(name=BODY_FILENAME, content=body.encode("utf-8"),
                                    declared_mime="text/plain", origin="mime:body"))
    for skipped in extracted.skipped:
        log.info("inbound %s: skipped %s", message_id, skipped)
    job_hint = next((slug for slug in (bot.config.recipient(r)[1] for r in rcpt_to) if slug),
                    None)
    return IngestRequest(
        source="email", submitted_by=owner, reply_to=ReplyTarget.model_validate(target),
        files=files, note=extracted.note, job_hint=job_hint,
        idempotency_key=f"email:{message_id}"[:500],
    )


def _earlier_from(session: Session, row_id: int, received_at: datetime, owner: str) -> int:
    """Messages imported (or held back) for this recruiter in the hour before this one."""
    return int(session.scalar(
        select(func.count()).select_from(InboundMessage).where(
            InboundMessage.owner == owner, InboundMessage.id < row_id,
            InboundMessage.received_at >= received_at - WINDOW,
            InboundMessage.status.in_(("submitted", "rate_limited")),
        )) or 0)


def _or_empty(result: tuple[str, str | None]) -> tuple[str, str]:
    return result[0], result[1] or ""


def _record_checks(session: Session, row_id: int, verdicts: dict[str, str]) -> None:
    row = session.get(InboundMessage, row_id)
    if row is not None:
        row.auth_results = {**row.auth_results, **verdicts}


def _finish(session: Session, row_id: int, status: str, reason: str | None,
            batch_id: int | None = None, *, proven: Verdict | None = None) -> str:
    values: dict[str, Any] = {"status": status, "reason": reason, "batch_id": batch_id}
    if proven is not None:
        values.update(owner=proven.owner, proof=proven.proof)
    session.execute(update(InboundMessage).where(InboundMessage.id == row_id)
                    .values(**values), execution_options=NO_SYNC)
    log.info("inbound %s: %s%s", row_id, status, f" ({reason})" if reason else "")
    return status


def _finish_submitted(ctx: TaskContext, submitted: list[_Submitted]) -> None:
    """Mark submitted messages with their batch and proof (one UPDATE each, sent together).
    Not flushed to disk before going on: see `_handle`."""
    table = table_of(InboundMessage)
    with ctx.db.session(durable=False) as session:
        session.connection().execute(
            update(table).where(table.c.id == bindparam("rid"))
            .values(status="submitted", reason=None, batch_id=bindparam("bid"),
                    owner=bindparam("who"), proof=bindparam("how")),
            [{"rid": s.row_id, "bid": s.batch_id, "who": s.verdict.owner,
              "how": s.verdict.proof} for s in submitted])
    for s in submitted:
        log.info("inbound %s: submitted", s.row_id)
