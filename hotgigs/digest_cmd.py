"""Wiring of the daily digests: their config and senders from settings, and `hotgigs digest`.

Email goes through the email bot's mailer (HOTGIGS_SMTP_RELAY_URL, or the Maildir
`<data dir>/outbox`); Slack posts through the Slack bot's Web API client (SLACK_API_URL, 429s
waited out). Without SLACK_BOT_TOKEN there are no channel digests.
"""

from __future__ import annotations

import sys
from datetime import date, datetime, timedelta
from typing import Any

from slack_sdk import WebClient
from sqlalchemy import select

from bots.email.outbound import make_mailer
from bots.slack.client import web_client
from digests import DigestConfig, Digests, Limits, Outcome, zone
from hotgigs.bootstrap import Services
from hotgigs.mailbot import email_config
from hotgigs.settings import Settings
from hotgigs.slackbot import slack_config
from storage.models import Recruiter, utcnow


class SlackWebPoster:
    """The `SlackPoster` port over slack_sdk: one `chat.postMessage` per channel digest."""

    def __init__(self, client: WebClient) -> None:
        self.client = client

    def post(self, channel: str, text: str, blocks: list[dict[str, Any]]) -> None:
        self.client.chat_postMessage(channel=channel, text=text, blocks=blocks,
                                     unfurl_links=False, unfurl_media=False)


def digest_config(settings: Settings) -> DigestConfig:
    mail = email_config(settings)
    return DigestConfig(
        sender=mail.address, domain=mail.domain, timezone=settings.digest_timezone,
        hour=settings.digest_hour, send_empty=settings.digest_send_empty,
        retry_after=timedelta(minutes=settings.digest_retry_minutes),
        limits=Limits(top=settings.digest_top, strong_score=settings.digest_strong_score),
    )


def digests_for(services: Services) -> Digests:
    settings = services.settings
    mailer = make_mailer(settings.smtp_relay_url, settings.data_dir / "outbox")
    config = slack_config(settings)
    # a channel digest names no workspace: it needs the single-workspace bot token
    slack = SlackWebPoster(web_client(config)) if config is not None and config.bot_token \
        else None
    return Digests(services.db, digest_config(settings), mailer, slack)


def run_due(services: Services) -> list[Outcome]:
    """The scheduler's hourly job: whoever is due now gets today's digest."""
    return digests_for(services).run_due(utcnow())


def cmd_send(services: Services, *, day: date | None, to: str | None, dry_run: bool,
             now: datetime | None = None) -> int:
    """`hotgigs digest send`: 0 when every digest went out (or was previewed), 1 otherwise."""
    outcomes = digests_for(services).send(now or utcnow(), day=day, to=to, dry_run=dry_run)
    if to is not None and not outcomes:
        print(f"hotgigs: no recruiter email or Slack channel {to!r} to send a digest to",
              file=sys.stderr)
        return 2
    for outcome in outcomes:
        where = f"{outcome.channel} {outcome.recipient} ({outcome.day.isoformat()})"
        if dry_run and outcome.status == "dry-run":
            print(f"===== {where}: {outcome.subject}")
            print(outcome.text)
        else:
            detail = f": {outcome.error}" if outcome.error else ""
            print(f"{where}: {outcome.status}{detail}", file=sys.stderr)
    if not outcomes:
        print("hotgigs: no digest to send (already sent today, or no recipients)",
              file=sys.stderr)
    return 1 if any(o.status == "failed" for o in outcomes) else 0


def cmd_schedule(services: Services, email: str, timezone: str | None, hour: int | None) -> int:
    """`hotgigs digest schedule`: a recruiter's timezone and send hour."""
    if timezone is not None:
        try:
            zone(timezone)
        except ValueError as exc:
            print(f"hotgigs: {exc}", file=sys.stderr)
            return 2
    address = email.strip().lower()
    with services.db.session() as session:
        recruiter = session.scalar(select(Recruiter).where(Recruiter.email == address))
        if recruiter is None:
            print(f"hotgigs: no recruiter with email {address}", file=sys.stderr)
            return 2
        if timezone is not None:
            recruiter.timezone = timezone
        if hour is not None:
            recruiter.digest_hour = hour
        shown_tz = recruiter.timezone or f"{services.settings.digest_timezone} (default)"
        shown_hour = (recruiter.digest_hour if recruiter.digest_hour is not None
                      else services.settings.digest_hour)
    print(f"{address}: digest at {shown_hour:02d}:00 {shown_tz}")
    return 0
