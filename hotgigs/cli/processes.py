"""`hotgigs serve`, `worker`, `smtp`, `scheduler`: start the processes of `hotgigs.run`."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from hotgigs.cli.support import needs_redis, settings_or_exit


def serve(
    workers: Annotated[
        int | None, typer.Option(help="worker processes (default HOTGIGS_WORKERS); 0: none")
    ] = None,
    with_smtp: Annotated[
        bool, typer.Option("--smtp/--no-smtp", help="run the inbound SMTP server too")
    ] = True,
    role: Annotated[
        list[str] | None,
        typer.Option("--role", help="web, smtp, worker or scheduler; repeat or comma-separate "
                                    "(default: all), e.g. --role worker on a worker host"),
    ] = None,
) -> None:
    """Run everything (or the roles given): HTTP (health, Slack), SMTP inbound, workers,
    scheduler."""
    from hotgigs.run.private_redis import PrivateRedisError
    from hotgigs.run.serve import parse_roles
    from hotgigs.run.serve import serve as run_serve

    try:
        roles = parse_roles(role)
    except ValueError as exc:
        raise typer.BadParameter(str(exc), param_hint="--role") from None
    settings = settings_or_exit()
    try:
        code = run_serve(settings, workers=workers, smtp=with_smtp, roles=roles)
    except PrivateRedisError as exc:
        print(f"hotgigs: {exc}", file=sys.stderr)
        raise typer.Exit(2) from None
    raise typer.Exit(code)


def worker(
    burst: Annotated[bool, typer.Option("--burst", help="exit when the queues are empty")] = False,
) -> None:
    """An RQ worker on the high queue, then low (sweeps lost work at start)."""
    from hotgigs.run.worker import run_worker

    settings = settings_or_exit()
    needs_redis(settings, "a worker")
    raise typer.Exit(run_worker(settings, burst=burst))


def smtp() -> None:
    """The inbound SMTP server alone (HOTGIGS_SMTP_HOST:PORT); workers process what it stores."""
    from hotgigs.run.smtp import run_smtp

    settings = settings_or_exit()
    needs_redis(settings, "the SMTP server")
    raise typer.Exit(run_smtp(settings))


def scheduler() -> None:
    """The periodic jobs alone: Drive sync, sweeper, daily digests (one run per slot)."""
    from hotgigs.run.scheduler import run_scheduler

    settings = settings_or_exit()
    needs_redis(settings, "the scheduler")
    raise typer.Exit(run_scheduler(settings))
