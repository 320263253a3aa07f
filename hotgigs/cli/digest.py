"""`hotgigs digest send/schedule`: the daily digests, now or when due.

Email goes through the email bot's mailer, Slack through the bot's Web API client; both are
built in `hotgigs.wiring.digests_for`.
"""

from __future__ import annotations

import sys
from datetime import date, datetime
from typing import TYPE_CHECKING, Annotated

import typer

from hotgigs.cli.support import run_with_services

if TYPE_CHECKING:
    from hotgigs.bootstrap import Services

digest_app = typer.Typer(help="Daily digests to recruiters (email) and Slack channels.",
                         no_args_is_help=True)


@digest_app.command("send")
def digest_send(
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="print the text part instead of sending")
    ] = False,
    to: Annotated[
        str | None, typer.Option("--to", help="only this recruiter email (or Slack channel id)")
    ] = None,
    day: Annotated[
        str | None, typer.Option("--date", help="the digest of this day (YYYY-MM-DD)")
    ] = None,
) -> None:
    """Build and send today's digests now (each recipient once a day, whatever the hour)."""
    try:
        wanted = date.fromisoformat(day) if day else None
    except ValueError:
        print(f"hotgigs: --date must be YYYY-MM-DD (got {day!r})", file=sys.stderr)
        raise typer.Exit(2) from None
    run_with_services(lambda s: cmd_send(s, day=wanted, to=to, dry_run=dry_run))


@digest_app.command("schedule")
def digest_schedule(
    email: Annotated[str, typer.Argument(help="the recruiter's email address")],
    timezone: Annotated[
        str | None, typer.Option(help="IANA timezone, e.g. Europe/Berlin")
    ] = None,
    hour: Annotated[int | None, typer.Option(help="local hour (0-23)", min=0, max=23)] = None,
) -> None:
    """When a recruiter's digest is due: their timezone and local hour."""
    run_with_services(lambda s: cmd_schedule(s, email, timezone, hour))


def cmd_send(services: Services, *, day: date | None, to: str | None, dry_run: bool,
             now: datetime | None = None) -> int:
    """`hotgigs digest send`: 0 when every digest went out (or was previewed), 1 otherwise."""
    from hotgigs.wiring import digests_for
    from storage.models import utcnow

    digests, now = digests_for(services), now or utcnow()
    outcomes = digests.send(now, day=day, to=to, dry_run=dry_run)
    if to is not None and not outcomes and digests.knows(now, to):
        when = day.isoformat() if day else "today"
        print(f"hotgigs: the digest for {to.strip()} was already sent {when}; nothing to send",
              file=sys.stderr)
        return 0
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
    from sqlalchemy import select

    from digests import zone
    from storage.models import Recruiter

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
