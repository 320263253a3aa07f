"""Exactly once per recipient and day: the `digests_sent` row is the claim on the send.

`claim` inserts the row (status "claimed") in its own committed transaction before anything
is sent; the unique (recipient, channel, digest_date) key makes a second claim fail, in this
process or any other. After the send the row becomes "sent" (or "empty" when there was
nothing to report). A send that raised leaves "failed", claimable again at the next run; a
row still "claimed" after `retry_after` (the process died between claim and send) is taken
over. Only a crash after the send but before "sent" is written can repeat a digest, and the
email's Message-ID is the same both times, so mail clients show it once.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import and_, or_, select, update
from sqlalchemy.exc import IntegrityError

from storage.db import Database
from storage.models import DigestSent

log = logging.getLogger(__name__)

CLAIMED, SENT, EMPTY, FAILED = "claimed", "sent", "empty", "failed"
DONE = (SENT, EMPTY)


@dataclass(frozen=True)
class Claim:
    id: int
    recipient: str
    channel: str
    day: date
    attempt: int
    previous_end: datetime | None  # where this recipient's last delivered digest ended


def previous_end(db: Database, recipient: str, channel: str, day: date) -> datetime | None:
    with db.session() as session:
        return session.scalar(
            select(DigestSent.window_end)
            .where(DigestSent.recipient == recipient, DigestSent.channel == channel,
                   DigestSent.digest_date < day.isoformat(), DigestSent.status.in_(DONE),
                   DigestSent.window_end.is_not(None))
            .order_by(DigestSent.digest_date.desc()).limit(1))


def claim(db: Database, recipient: str, channel: str, day: date, now: datetime,
          retry_after: timedelta) -> Claim | None:
    """The right to send this digest, or None when it was sent, skipped or is being sent."""
    key = day.isoformat()
    claimed: Claim | None
    try:
        with db.session() as session:
            row = DigestSent(recipient=recipient, channel=channel, digest_date=key,
                             status=CLAIMED, claimed_at=now, attempts=1)
            session.add(row)
            session.flush()
            claimed = Claim(row.id, recipient, channel, day, 1, None)
    except IntegrityError:
        claimed = _take_over(db, recipient, channel, key, now, retry_after, day)
    if claimed is None:
        return None
    previous = previous_end(db, recipient, channel, day)
    return Claim(claimed.id, recipient, channel, day, claimed.attempt, previous)


def _take_over(db: Database, recipient: str, channel: str, key: str, now: datetime,
               retry_after: timedelta, day: date) -> Claim | None:
    """Claim a failed or abandoned row; one conditional UPDATE, so only one taker wins."""
    with db.session() as session:
        row = session.scalar(select(DigestSent).where(
            DigestSent.recipient == recipient, DigestSent.channel == channel,
            DigestSent.digest_date == key))
        if row is None or row.status in DONE:
            return None
        attempt = row.attempts + 1
        taken = session.execute(
            update(DigestSent)
            .where(DigestSent.id == row.id, DigestSent.attempts == row.attempts,
                   or_(DigestSent.status == FAILED,
                       and_(DigestSent.status == CLAIMED,
                            DigestSent.claimed_at < now - retry_after)))
            .values(status=CLAIMED, claimed_at=now, attempts=attempt, error=None)
            .execution_options(synchronize_session=False))
        if taken.rowcount != 1:  # type: ignore[attr-defined]
            return None
        log.info("digest %s/%s %s: claimed again (attempt %d)", channel, recipient, key, attempt)
        return Claim(row.id, recipient, channel, day, attempt, None)


def finish(db: Database, claim: Claim, status: str, now: datetime, start: datetime,
           end: datetime) -> None:
    """Record the outcome: SENT or EMPTY (done for the day)."""
    with db.session() as session:
        session.execute(update(DigestSent).where(DigestSent.id == claim.id).values(
            status=status, sent_at=now if status == SENT else None, window_start=start,
            window_end=end))


def fail(db: Database, claim: Claim, error: str) -> None:
    """The send raised: the next run may claim it again."""
    with db.session() as session:
        session.execute(update(DigestSent).where(DigestSent.id == claim.id).values(
            status=FAILED, error=error[:2000]))


def settled(db: Database, channel: str, days: set[date], now: datetime,
            retry_after: timedelta) -> set[tuple[str, str]]:
    """(recipient, date) pairs that need no claim attempt now: done or being sent."""
    if not days:
        return set()
    with db.session() as session:
        rows = session.execute(
            select(DigestSent.recipient, DigestSent.digest_date, DigestSent.status,
                   DigestSent.claimed_at)
            .where(DigestSent.channel == channel,
                   DigestSent.digest_date.in_(sorted(d.isoformat() for d in days)))).all()
    return {(recipient, key) for recipient, key, status, claimed_at in rows
            if status in DONE or (status == CLAIMED and claimed_at is not None
                                  and claimed_at >= now - retry_after)}
