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
from datetime import timedelta
from typing import Any

from sqlalchemy import func, select, update

from bots.email import headers as hdr
from bots.email import messages
from bots.email.mime import body_resume, extract
from bots.email.proof import NO_PROOF, Verdict, decide
from bots.email.recruiters import Directory
from bots.email.reply import EmailNotifier
from bots.email.resolver import txt_lookup
from pipeline.context import TaskContext, current
from pipeline.intake import Intake
from pipeline.metrics import metrics
from pipeline.models import IngestFile, IngestRequest, ReplyTarget
from storage.models import InboundMessage

log = logging.getLogger(__name__)

WINDOW = timedelta(hours=1)
BODY_FILENAME = "email-body.txt"
RELEASED = "released"  # the proof of a message an operator released from quarantine


def _notifier(ctx: TaskContext) -> EmailNotifier:
    notifier = ctx.notifiers.get("email")
    if not isinstance(notifier, EmailNotifier):
        raise RuntimeError("the email notifier is not registered in this worker")
    return notifier


def process_inbound(message_row_id: int) -> str:
    """Handle one stored inbound message; returns its final status."""
    ctx = current()
    bot = _notifier(ctx)
    with ctx.db.session() as session:
        row = session.get(InboundMessage, message_row_id)
        if row is None or row.status != "received":
            return "skipped"
        raw = ctx.blobs.get(row.storage_key)
        mail_from, rcpt_to, sender = row.mail_from, list(row.rcpt_to), row.sender
        message_id, door_proof = row.message_id, row.proof
        smtp_user, released_to = row.smtp_user, row.owner
    headers = hdr.header_block(raw)
    if door_proof == RELEASED and released_to:
        verdict = Verdict(released_to, RELEASED)
    else:
        reason = hdr.automatic_reason(headers, mail_from)
        if reason is not None:
            return _finish(ctx, message_row_id, "ignored", reason)
        own_dkim = None
        if bot.config.dkim_verify:
            dkim_verdict, own_dkim = hdr.check_dkim(raw, txt_lookup(bot.config.dns_server))
            _record_dkim(ctx, message_row_id, dkim_verdict)
        verdict = decide(bot.config, Directory(ctx.db), headers=headers, sender=sender,
                         rcpt_to=rcpt_to, door_proof=door_proof, smtp_user=smtp_user,
                         own_dkim_domain=own_dkim)
    if verdict.owner is None:
        if not sender and verdict.reason == NO_PROOF:
            return _finish(ctx, message_row_id, "ignored", "no sender address")
        metrics().inbound_emails.labels("quarantined", verdict.reason or "").inc()
        return _finish(ctx, message_row_id, "quarantined", verdict.reason)
    owner = verdict.owner
    target = ReplyTarget(kind="email", address=owner, message_id=message_id,
                         subject=hdr.text(headers.get("Subject")),
                         references=hdr.references(headers)).model_dump(mode="json")
    limit = bot.config.rate_limit
    earlier = _earlier_from(ctx, message_row_id, owner) if verdict.proof != RELEASED else 0
    if earlier >= limit:
        if earlier == limit:  # the first message over the limit: one notice, then silence
            bot.notice(target, messages.RATE_LIMITED.format(limit=limit),
                       f"rate-{message_row_id}")
        return _finish(ctx, message_row_id, "rate_limited",
                       f"more than {limit} messages in an hour", proven=verdict)
    request = build_request(raw, owner, message_id, rcpt_to, target, bot)
    intake = Intake(ctx.db, ctx.blobs, ctx.queue, bot.config.zip_limits)
    batch = intake.submit(request)
    if ctx.queue is None:  # in-process mode (tests without Redis): nothing runs the batch
        log.info("inbound %s: batch %s recorded without a queue", message_row_id, batch.id)
    return _finish(ctx, message_row_id, "submitted", None, batch.id, proven=verdict)


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


def _earlier_from(ctx: TaskContext, row_id: int, owner: str) -> int:
    """Messages imported (or held back) for this recruiter in the hour before this one."""
    with ctx.db.session() as session:
        received_at = session.scalar(
            select(InboundMessage.received_at).where(InboundMessage.id == row_id))
        assert received_at is not None
        return int(session.scalar(
            select(func.count()).select_from(InboundMessage).where(
                InboundMessage.owner == owner, InboundMessage.id < row_id,
                InboundMessage.received_at >= received_at - WINDOW,
                InboundMessage.status.in_(("submitted", "rate_limited")),
            )) or 0)


def _record_dkim(ctx: TaskContext, row_id: int, verdict: str) -> None:
    with ctx.db.session() as session:
        row = session.get(InboundMessage, row_id)
        if row is not None:
            row.auth_results = {**row.auth_results, "dkim_verified": verdict}


def _finish(ctx: TaskContext, row_id: int, status: str, reason: str | None,
            batch_id: int | None = None, *, proven: Verdict | None = None) -> str:
    values: dict[str, Any] = {"status": status, "reason": reason, "batch_id": batch_id}
    if proven is not None:
        values.update(owner=proven.owner, proof=proven.proof)
    with ctx.db.session() as session:
        session.execute(update(InboundMessage).where(InboundMessage.id == row_id)
                        .values(**values))
    log.info("inbound %s: %s%s", row_id, status, f" ({reason})" if reason else "")
    return status
