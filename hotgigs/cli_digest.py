"""`hotgigs digest send/schedule`: the daily digests, now or when due."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from hotgigs.cli_support import run_with_services

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
    from datetime import date

    from hotgigs.digest_cmd import cmd_send

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
    from hotgigs.digest_cmd import cmd_schedule

    run_with_services(lambda s: cmd_schedule(s, email, timezone, hour))
