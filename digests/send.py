"""Who gets a digest, when, and the one place that claims, builds and hands it to a sender.

Senders are ports wired by the composition root: `MailSender` (the email bot's mailer: SMTP
relay or the Maildir outbox) and `SlackPoster` (a Web API client). Every entry point takes
`now` explicitly, so the hourly job, the command line and the tests share one clock rule.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from email.message import EmailMessage
from email.utils import format_datetime
from typing import Any, Protocol

from sqlalchemy import select

from digests import ledger
from digests.collect import DigestData, Limits, Scope, collect
from digests.render import environment, render_email, render_text, slack_message
from digests.schedule import LOOKBACK_LIMIT, When, window, zone
from storage.db import Database
from storage.models import Batch, DriveFolder, Recruiter

log = logging.getLogger(__name__)


class MailSender(Protocol):
    def send(self, message: EmailMessage) -> None: ...


class SlackPoster(Protocol):
    def post(self, channel: str, text: str, blocks: list[dict[str, Any]]) -> None: ...


@dataclass(frozen=True)
class DigestConfig:
    sender: str  # the From address
    domain: str = "hotgigs.localhost"  # right-hand side of Message-IDs
    timezone: str = "UTC"  # channels', and recruiters' who set none
    hour: int = 8
    send_empty: bool = False
    retry_after: timedelta = timedelta(minutes=30)
    limits: Limits = field(default_factory=Limits)
    public_url: str | None = None  # set: the digest links each candidate to their page


@dataclass(frozen=True)
class Outcome:
    """What happened to one recipient's digest."""

    channel: str
    recipient: str
    day: date
    status: str  # sent / empty / failed / dry-run / not-due
    subject: str = ""
    text: str = ""
    error: str = ""


class Digests:
    def __init__(self, db: Database, config: DigestConfig, mailer: MailSender | None,
                 slack: SlackPoster | None) -> None:
        self.db = db
        self.config = config
        self.mailer = mailer
        self.slack = slack
        self.templates = environment()

    # -- recipients ---------------------------------------------------------------------------
    def _when(self, timezone: str | None, hour: int | None, tag: str) -> When:
        default = zone(self.config.timezone)
        try:
            tz = zone(timezone, self.config.timezone)
        except ValueError as exc:
            log.warning("digest %s: %s; using %s", tag, exc, default.key)
            tz = default
        return When(tz, self.config.hour if hour is None else hour)

    def scopes(self, now: datetime) -> list[Scope]:
        """Every recruiter with an email address, and every Slack channel in use."""
        found: list[Scope] = []
        with self.db.session() as session:
            if self.mailer is not None:
                for r in session.scalars(select(Recruiter).where(Recruiter.email.is_not(None))
                                         .order_by(Recruiter.id)):
                    address = (r.email or "").strip().lower()
                    found.append(Scope("email", address, self._when(r.timezone, r.digest_hour,
                                                                    address),
                                       recruiter_id=r.id, name=r.display_name))
            if self.slack is not None:
                channels = {str(target.get("channel")) for target in session.scalars(
                    select(Batch.reply_to).where(Batch.source == "slack",
                                                 Batch.created_at >= now - LOOKBACK_LIMIT))
                    if isinstance(target, dict) and target.get("channel")}
                channels |= set(session.scalars(select(DriveFolder.slack_channel).where(
                    DriveFolder.slack_channel.is_not(None))))
                when = self._when(None, None, "channels")
                found += [Scope("slack", c, when) for c in sorted(c for c in channels if c)]
        return found

    # -- the hourly job -----------------------------------------------------------------------
    def run_due(self, now: datetime) -> list[Outcome]:
        """Send every digest that is due at `now` and not yet claimed; what the scheduler runs."""
        due = [(scope, day) for scope in self.scopes(now)
               if (day := scope.when.due(now)) is not None]
        outcomes: list[Outcome] = []
        for channel in ("email", "slack"):
            mine = [(s, d) for s, d in due if s.kind == channel]
            skip = ledger.settled(self.db, channel, {d for _, d in mine}, now,
                                  self.config.retry_after)
            for scope, day in mine:
                if (scope.recipient, day.isoformat()) not in skip:
                    outcome = self._claim_and_deliver(scope, day, now)
                    if outcome is not None:
                        outcomes.append(outcome)
        return outcomes

    # -- the command line ---------------------------------------------------------------------
    def send(self, now: datetime, *, day: date | None = None, to: str | None = None,
             dry_run: bool = False) -> list[Outcome]:
        """Today's (or `day`'s) digests now, whatever the hour; `to` picks one recipient."""
        outcomes: list[Outcome] = []
        for scope in self.scopes(now):
            if to is not None and not self.is_recipient(scope, to):
                continue
            wanted = day or scope.when.local_date(now)
            if wanted > scope.when.local_date(now):
                outcomes.append(Outcome(scope.channel, scope.recipient, wanted, "not-due"))
                continue
            if dry_run:
                outcomes.append(self._preview(scope, wanted, now))
                continue
            outcome = self._claim_and_deliver(scope, wanted, now)
            if outcome is not None:
                outcomes.append(outcome)
        return outcomes

    @staticmethod
    def is_recipient(scope: Scope, to: str) -> bool:
        """Whether `to` (a recruiter's email, a Slack channel id or #id) names this scope."""
        return scope.recipient in (to.strip().lower(), to.strip().lstrip("#"))

    def knows(self, now: datetime, to: str) -> bool:
        """Whether `to` is one of the digests' recipients (sent already or not)."""
        return any(self.is_recipient(scope, to) for scope in self.scopes(now))

    # -- building and sending -----------------------------------------------------------------
    def build(self, scope: Scope, day: date, now: datetime,
              previous_end: datetime | None) -> DigestData:
        start, end = window(scope.when, day, now, previous_end)
        with self.db.session() as session:
            data = collect(session, scope, day, start, end, self.config.limits)
        data.public_url = self.config.public_url
        return data

    def _preview(self, scope: Scope, day: date, now: datetime) -> Outcome:
        previous = ledger.previous_end(self.db, scope.recipient, scope.channel, day)
        data = self.build(scope, day, now, previous)
        status = "empty" if data.empty and not self.config.send_empty else "dry-run"
        rendered = render_email(data, self.templates)
        return Outcome(scope.channel, scope.recipient, day, status, rendered.subject,
                       render_text(data, self.templates))

    def _claim_and_deliver(self, scope: Scope, day: date, now: datetime) -> Outcome | None:
        claim = ledger.claim(self.db, scope.recipient, scope.channel, day, now,
                             self.config.retry_after)
        tag = f"{scope.channel}/{scope.recipient} {day.isoformat()}"
        if claim is None:
            log.info("digest %s: already sent or being sent; skipped", tag)
            return None
        data = self.build(scope, day, now, claim.previous_end)
        if data.empty and not self.config.send_empty:
            ledger.finish(self.db, claim, ledger.EMPTY, now, data.start, data.end)
            log.info("digest %s: nothing to report; not sent", tag)
            return Outcome(scope.channel, scope.recipient, day, "empty")
        rendered = render_email(data, self.templates)
        try:
            if scope.kind == "email":
                assert self.mailer is not None
                self.mailer.send(self.email_message(data, now))
            else:
                assert self.slack is not None
                text, blocks = slack_message(data)
                self.slack.post(scope.recipient, text, blocks)
        except Exception as exc:  # one recipient's trouble must not stop the others' digests
            log.exception("digest %s: sending failed (attempt %d)", tag, claim.attempt)
            ledger.fail(self.db, claim, f"{type(exc).__name__}: {exc}")
            return Outcome(scope.channel, scope.recipient, day, "failed", rendered.subject,
                           error=f"{type(exc).__name__}: {exc}")
        ledger.finish(self.db, claim, ledger.SENT, now, data.start, data.end)
        log.info("digest %s: sent (%d resumes, %d failed, %d strong matches)", tag, data.total,
                 data.failed, data.strong)
        return Outcome(scope.channel, scope.recipient, day, "sent", rendered.subject,
                       rendered.text)

    def email_message(self, data: DigestData, now: datetime) -> EmailMessage:
        rendered = render_email(data, self.templates)
        recipient = data.scope.recipient
        message = EmailMessage()
        message["From"] = self.config.sender
        message["To"] = recipient
        message["Subject"] = rendered.subject
        message["Date"] = format_datetime(now)
        # the same id for a repeated send of one day, so mail clients show it once
        tag = hashlib.sha256(recipient.encode()).hexdigest()[:16]
        message["Message-ID"] = (f"<hotgigs-digest-{data.day.isoformat()}-{tag}"
                                 f"@{self.config.domain}>")
        message["Auto-Submitted"] = "auto-generated"  # RFC 3834: robots do not answer it
        message["X-Auto-Response-Suppress"] = "All"
        message.set_content(rendered.text)
        message.add_alternative(rendered.html, subtype="html")
        return message
