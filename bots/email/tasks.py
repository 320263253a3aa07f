"""RQ task of the email door: a stored message becomes one IngestRequest, or is set aside.

Runs in `hotgigs worker` after the SMTP server answered 250. Machine mail is stored and
ignored (never answered); a sender over the hourly limit gets one notice; a sender outside
`HOTGIGS_ALLOWED_SENDERS` gets one short refusal. The forwarder is always `submitted_by`:
the candidate is whoever the resume says. Re-running after a crash is safe: intake is
idempotent on the Message-ID and a message that already ended is skipped.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

from sqlalchemy import func, select, update

from bots.email import headers as hdr
from bots.email import messages
from bots.email.mime import body_resume, extract
from bots.email.reply import EmailNotifier
from pipeline.context import TaskContext, current
from pipeline.intake import Intake
from pipeline.models import IngestFile, IngestRequest, ReplyTarget
from storage.models import InboundMessage

log = logging.getLogger(__name__)

WINDOW = timedelta(hours=1)
BODY_FILENAME = "email-body.txt"


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
        message_id, received_at = row.message_id, row.received_at
        earlier = _earlier_from_sender(session, row) if sender else 0
    headers = hdr.header_block(raw)
    reason = hdr.automatic_reason(headers, mail_from)
    if reason is None and not sender:
        reason = "no sender address"
    if reason is not None:
        return _finish(ctx, message_row_id, "ignored", reason)
    if bot.config.dkim_verify:
        _record_dkim(ctx, message_row_id, hdr.verify_dkim(raw))
    assert sender is not None
    target = ReplyTarget(kind="email", address=sender, message_id=message_id,
                         subject=hdr.text(headers.get("Subject")),
                         references=hdr.references(headers)).model_dump(mode="json")
    limit = bot.config.rate_limit
    if earlier >= limit:
        if earlier == limit:  # the first message over the limit: one notice, then silence
            bot.notice(target, messages.RATE_LIMITED.format(limit=limit),
                       f"rate-{message_row_id}")
        return _finish(ctx, message_row_id, "rate_limited",
                       f"more than {limit} messages in an hour (received {received_at})")
    if not bot.config.sender_allowed(sender):
        bot.notice(target, messages.NOT_ALLOWED.format(sender=sender),
                   f"refused-{message_row_id}")
        return _finish(ctx, message_row_id, "refused", "sender not in HOTGIGS_ALLOWED_SENDERS")
    request = build_request(raw, sender, message_id, rcpt_to, target, bot)
    intake = Intake(ctx.db, ctx.blobs, ctx.queue, bot.config.zip_limits)
    batch = intake.submit(request)
    if ctx.queue is None:  # in-process mode (tests without Redis): nothing runs the batch
        log.info("inbound %s: batch %s recorded without a queue", message_row_id, batch.id)
    return _finish(ctx, message_row_id, "submitted", None, batch.id)


def build_request(raw: bytes, sender: str, message_id: str, rcpt_to: list[str],
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
        source="email", submitted_by=sender, reply_to=ReplyTarget.model_validate(target),
        files=files, note=extracted.note, job_hint=job_hint,
        idempotency_key=f"email:{message_id}"[:500],
    )


def _earlier_from_sender(session: Any, row: InboundMessage) -> int:
    """Messages this sender sent in the hour before this one (machine mail not counted)."""
    return int(session.scalar(
        select(func.count()).select_from(InboundMessage).where(
            InboundMessage.sender == row.sender, InboundMessage.id < row.id,
            InboundMessage.received_at >= row.received_at - WINDOW,
            InboundMessage.status != "ignored",
        )) or 0)


def _record_dkim(ctx: TaskContext, row_id: int, verdict: str) -> None:
    with ctx.db.session() as session:
        row = session.get(InboundMessage, row_id)
        if row is not None:
            row.auth_results = {**row.auth_results, "dkim_verified": verdict}


def _finish(ctx: TaskContext, row_id: int, status: str, reason: str | None,
            batch_id: int | None = None) -> str:
    with ctx.db.session() as session:
        session.execute(update(InboundMessage).where(InboundMessage.id == row_id)
                        .values(status=status, reason=reason, batch_id=batch_id))
    log.info("inbound %s: %s%s", row_id, status, f" ({reason})" if reason else "")
    return status
