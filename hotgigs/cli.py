"""The `hotgigs` command line (DESIGN.md's table). Exit codes: 0 ok, 1 failed work, 2 bad usage.

Each command builds settings once (a bad one exits 2 with one line naming it), wires the
services it needs through `hotgigs.bootstrap`, and calls code that lives elsewhere.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from hotgigs.cli_digest import digest_app
from hotgigs.cli_drive import drive_app
from hotgigs.cli_duplicates import duplicates_app
from hotgigs.cli_inbox import inbox_app
from hotgigs.cli_jobs import job_app, match
from hotgigs.cli_privacy import erase, export
from hotgigs.cli_recruiter import recruiter_app
from hotgigs.cli_reparse import job_reindex, reparse
from hotgigs.cli_support import default_owner, needs_redis, run_with_services, settings_or_exit

app = typer.Typer(
    help="HotGigs: resumes in from email, Slack and Google Drive; parsed, matched candidates out.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
db_app = typer.Typer(help="Database schema.", no_args_is_help=True)
app.add_typer(db_app, name="db")

err = Console(stderr=True)


@app.command()
def parse(
    files: Annotated[list[Path], typer.Argument(help="resume files", exists=True, dir_okay=False)],
    as_json: Annotated[bool, typer.Option("--json", help="print DESIGN.md JSON")] = False,
) -> None:
    """Parse files locally (no database, no Redis) and print what was found."""
    from hotgigs.parse_cmd import run_parse
    from pipeline.parser import span_model

    settings = settings_or_exit()
    span_model.configure(settings.span_model_dir())
    raise typer.Exit(run_parse(files, as_json, default_region=settings.default_phone_region))


@db_app.command("upgrade")
def db_upgrade() -> None:
    """Apply the database migrations (SQLite or PostgreSQL)."""
    from storage.db import upgrade

    settings = settings_or_exit()
    upgrade(settings.effective_database_url)
    err.print(f"database is at the latest schema ({_safe_url(settings.effective_database_url)})")


@app.command()
def status(
    as_json: Annotated[bool, typer.Option("--json", help="machine-readable output")] = False,
) -> None:
    """Queue depths, resumes by status, success rate over 24 h, recent failures."""
    from hotgigs.bootstrap import bootstrap
    from hotgigs.status import collect_status
    from storage.db import pending_migrations

    settings = settings_or_exit()
    services = bootstrap(settings)
    try:
        if pending_migrations(services.db.engine):
            print("hotgigs: the database schema is not up to date; run `hotgigs db upgrade`",
                  file=sys.stderr)
            raise typer.Exit(1)
        report = collect_status(services)
    finally:
        services.close()
    if as_json:
        print(json.dumps(report, indent=2))
        return
    table = Table(title="HotGigs status", show_header=False)
    for key in ("resumes", "batches_in_progress", "success_rate_24h", "finished_24h",
                "median_processing_ms", "queues", "redis_error"):
        table.add_row(key, str(report[key]))
    Console().print(table)
    for failure in report["recent_failures"]:
        Console().print(f"failed: resume {failure['resume_id']} {failure['file']}: "
                        f"{failure['reason']}")


@app.command()
def serve(
    workers: Annotated[
        int | None, typer.Option(help="worker processes (default HOTGIGS_WORKERS); 0: none")
    ] = None,
    with_smtp: Annotated[
        bool, typer.Option("--smtp/--no-smtp", help="run the inbound SMTP server too")
    ] = True,
) -> None:
    """Run everything: HTTP (health, Slack), SMTP inbound, workers, scheduler."""
    from hotgigs.private_redis import PrivateRedisError
    from hotgigs.serve import serve as run_serve

    settings = settings_or_exit()
    try:
        code = run_serve(settings, workers=workers, smtp=with_smtp)
    except PrivateRedisError as exc:
        print(f"hotgigs: {exc}", file=sys.stderr)
        raise typer.Exit(2) from None
    raise typer.Exit(code)


@app.command()
def worker(
    burst: Annotated[bool, typer.Option("--burst", help="exit when the queues are empty")] = False,
) -> None:
    """An RQ worker on the high queue, then low (sweeps lost work at start)."""
    from hotgigs.worker import run_worker

    settings = settings_or_exit()
    needs_redis(settings, "a worker")
    raise typer.Exit(run_worker(settings, burst=burst))


@app.command()
def smtp() -> None:
    """The inbound SMTP server alone (HOTGIGS_SMTP_HOST:PORT); workers process what it stores."""
    from hotgigs.mailbot import run_smtp

    settings = settings_or_exit()
    needs_redis(settings, "the SMTP server")
    raise typer.Exit(run_smtp(settings))


@app.command("import")
def import_(
    paths: Annotated[list[Path], typer.Argument(help="files, folders, ZIPs", exists=True)],
    wait: Annotated[bool, typer.Option("--wait", help="follow progress until done")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="final summary as JSON")] = False,
    owner: Annotated[
        str | None, typer.Option(help="recruiter the candidates belong to (default cli:$USER)")
    ] = None,
) -> None:
    """Submit files/folders/ZIPs as one CLI batch; with --wait, a progress bar and a summary."""
    from hotgigs.importer import run_import
    from hotgigs.metrics import prepare as prepare_metrics

    prepare_metrics(settings_or_exit())  # this door's figures (batch size) join the system's
    run_with_services(lambda services: run_import(
        services, paths, owner=owner or default_owner(), wait=wait, as_json=as_json))


@app.command("scheduler")
def scheduler_cmd() -> None:
    """The periodic jobs alone: Drive sync, sweeper, daily digests (one run per slot)."""
    from hotgigs.scheduling import run_scheduler

    settings = settings_or_exit()
    needs_redis(settings, "the scheduler")
    raise typer.Exit(run_scheduler(settings))


def _safe_url(url: str) -> str:
    """A database URL without its password, for messages."""
    if "@" in url and "://" in url:
        scheme, rest = url.split("://", 1)
        creds, host = rest.rsplit("@", 1)
        return f"{scheme}://{creds.split(':', 1)[0]}@{host}"
    return url


job_app.command("reindex")(job_reindex)
app.add_typer(job_app, name="job")
app.command()(reparse)
app.command()(match)
app.add_typer(drive_app, name="drive")
app.command()(erase)
app.command()(export)
app.add_typer(digest_app, name="digest")
app.add_typer(recruiter_app, name="recruiter")
app.add_typer(inbox_app, name="inbox")
app.add_typer(duplicates_app, name="duplicates")


def main() -> None:
    app()
