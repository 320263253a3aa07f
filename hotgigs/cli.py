"""The `hotgigs` command line (DESIGN.md's table). Exit codes: 0 ok, 1 failed work, 2 bad usage.

Each command builds settings once (a bad one exits 2 with one line naming it), wires the
services it needs through `hotgigs.bootstrap`, and calls code that lives elsewhere.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from hotgigs.log import configure_logging
from hotgigs.settings import Settings, SettingsError, load_settings

app = typer.Typer(
    help="HotGigs: resumes in from email, Slack and Google Drive; parsed, matched candidates out.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
db_app = typer.Typer(help="Database schema.", no_args_is_help=True)
app.add_typer(db_app, name="db")
job_app = typer.Typer(help="Open positions to match candidates against.", no_args_is_help=True)
app.add_typer(job_app, name="job")

err = Console(stderr=True)


def settings_or_exit(**overrides: Any) -> Settings:
    """Load settings; a bad value prints one line and exits 2."""
    try:
        settings = load_settings(**overrides)
    except SettingsError as exc:
        print(f"hotgigs: invalid setting {exc}", file=sys.stderr)
        raise typer.Exit(2) from None
    configure_logging(settings.log_level)
    return settings


@app.command()
def parse(
    files: Annotated[list[Path], typer.Argument(help="resume files", exists=True, dir_okay=False)],
    as_json: Annotated[bool, typer.Option("--json", help="print DESIGN.md JSON")] = False,
) -> None:
    """Parse files locally (no database, no Redis) and print what was found."""
    from hotgigs.parse_cmd import run_parse

    settings_or_exit()
    raise typer.Exit(run_parse(files, as_json))


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
    if not settings.redis_url:
        print("hotgigs: REDIS_URL is not set (workers need the Redis that serve uses)",
              file=sys.stderr)
        raise typer.Exit(2)
    raise typer.Exit(run_worker(settings, burst=burst))


@app.command()
def smtp() -> None:
    """The inbound SMTP server alone (HOTGIGS_SMTP_HOST:PORT); workers process what it stores."""
    from hotgigs.mailbot import run_smtp

    settings = settings_or_exit()
    if not settings.redis_url:
        print("hotgigs: REDIS_URL is not set (the SMTP server queues work on the Redis that "
              "workers use)", file=sys.stderr)
        raise typer.Exit(2)
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
    from hotgigs.bootstrap import bootstrap
    from hotgigs.importer import default_owner, run_import
    from hotgigs.metrics import prepare as prepare_metrics
    from storage.db import upgrade

    settings = settings_or_exit()
    prepare_metrics(settings)  # this door's figures (batch size) join the system's
    upgrade(settings.effective_database_url)
    services = bootstrap(settings)
    try:
        code = run_import(services, paths, owner=owner or default_owner(), wait=wait,
                          as_json=as_json)
    finally:
        services.close()
    raise typer.Exit(code)


def _matching(run: Any) -> None:
    """Migrate, wire services, run a `hotgigs.match_cmd` function; bad input exits 2."""
    from hotgigs.bootstrap import bootstrap
    from hotgigs.match_cmd import UsageError
    from storage.db import upgrade

    settings = settings_or_exit()
    upgrade(settings.effective_database_url)
    services = bootstrap(settings)
    try:
        code = run(services)
    except UsageError as exc:
        print(f"hotgigs: {exc}", file=sys.stderr)
        raise typer.Exit(2) from None
    finally:
        services.close()
    raise typer.Exit(code)


_OWNER_HELP = "recruiter identity; default: none (operator: every recruiter's candidates)"


@job_app.command("add")
def job_add(
    title: Annotated[str, typer.Option(help="job title")],
    file: Annotated[
        Path | None, typer.Option(help="job description file", exists=True, dir_okay=False)
    ] = None,
    text: Annotated[str | None, typer.Option(help="job description text")] = None,
    location: Annotated[str | None, typer.Option(help="e.g. 'Berlin, Germany'")] = None,
    remote: Annotated[bool, typer.Option("--remote", help="the role is remote")] = False,
    owner: Annotated[str | None, typer.Option(help=_OWNER_HELP)] = None,
    as_json: Annotated[bool, typer.Option("--json", help="machine-readable output")] = False,
) -> None:
    """Save a job (analysed once: required/nice skills, years, seniority, location)."""
    from hotgigs.match_cmd import add_job

    _matching(lambda s: add_job(s, title=title, file=file, text=text, location=location,
                                remote=remote, owner=owner, as_json=as_json))


@job_app.command("list")
def job_list(
    all_: Annotated[bool, typer.Option("--all", help="include closed jobs")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="machine-readable output")] = False,
) -> None:
    """Open jobs (with --all, closed ones too)."""
    from hotgigs.match_cmd import show_jobs

    _matching(lambda s: show_jobs(s, include_closed=all_, as_json=as_json))


@job_app.command("close")
def job_close(job: Annotated[str, typer.Argument(help="job id or slug")]) -> None:
    """Close a job: it stops matching new candidates."""
    from hotgigs.match_cmd import close

    _matching(lambda s: close(s, job))


@app.command()
def match(
    job: Annotated[str, typer.Argument(help="job id, slug, or a free-text description")],
    top: Annotated[int, typer.Option(help="how many candidates", min=1, max=500)] = 10,
    owner: Annotated[str | None, typer.Option(help=_OWNER_HELP)] = None,
    as_json: Annotated[bool, typer.Option("--json", help="machine-readable output")] = False,
) -> None:
    """Best candidates for a job, with scores (0–100) and reasons."""
    from hotgigs.match_cmd import run_match

    _matching(lambda s: run_match(s, job, top=top, owner=owner, as_json=as_json))


def _safe_url(url: str) -> str:
    """A database URL without its password, for messages."""
    if "@" in url and "://" in url:
        scheme, rest = url.split("://", 1)
        creds, host = rest.rsplit("@", 1)
        return f"{scheme}://{creds.split(':', 1)[0]}@{host}"
    return url


# -- Google Drive folders and the scheduler (issue #7) -----------------------------------------
drive_app = typer.Typer(help="Watched Google Drive folders.", no_args_is_help=True)
app.add_typer(drive_app, name="drive")


def _drive_services() -> Any:
    from hotgigs.bootstrap import bootstrap
    from storage.db import upgrade

    settings = settings_or_exit()
    upgrade(settings.effective_database_url)
    return bootstrap(settings)


@drive_app.command("add")
def drive_add(
    folder: Annotated[str, typer.Argument(help="folder id or Drive URL")],
    owner: Annotated[str, typer.Option(help="recruiter email the candidates belong to")],
    slack_channel: Annotated[
        str | None, typer.Option("--slack-channel", help="Slack channel id (C…) for news")
    ] = None,
) -> None:
    """Watch a folder (shared with the Drive account); its resumes are imported at each sync."""
    from hotgigs.drive import cmd_add

    services = _drive_services()
    try:
        code = cmd_add(services, folder, owner, slack_channel)
    finally:
        services.close()
    raise typer.Exit(code)


@drive_app.command("list")
def drive_list(
    as_json: Annotated[bool, typer.Option("--json", help="machine-readable output")] = False,
) -> None:
    """Watched folders with owner, state, last sync, and why a broken one stopped."""
    from hotgigs.drive import cmd_list

    services = _drive_services()
    try:
        code = cmd_list(services, as_json)
    finally:
        services.close()
    raise typer.Exit(code)


@drive_app.command("remove")
def drive_remove(
    folder: Annotated[str, typer.Argument(help="folder id or Drive URL")],
    owner: Annotated[str | None, typer.Option(help="only this recruiter's watch")] = None,
) -> None:
    """Stop watching a folder (candidates already imported stay)."""
    from hotgigs.drive import cmd_remove

    services = _drive_services()
    try:
        code = cmd_remove(services, folder, owner)
    finally:
        services.close()
    raise typer.Exit(code)


@drive_app.command("sync")
def drive_sync(
    folder: Annotated[str | None, typer.Option(help="only this folder (id or URL)")] = None,
    full: Annotated[bool, typer.Option("--full", help="list the folders in full")] = False,
) -> None:
    """Import what is new or changed in the watched folders now."""
    from hotgigs.drive import cmd_sync

    services = _drive_services()
    try:
        code = cmd_sync(services, folder, full)
    finally:
        services.close()
    raise typer.Exit(code)


@app.command("scheduler")
def scheduler_cmd() -> None:
    """The periodic jobs alone: Drive sync, sweeper, daily digests (one run per slot)."""
    from hotgigs.scheduling import run_scheduler

    settings = settings_or_exit()
    if not settings.redis_url:
        print("hotgigs: REDIS_URL is not set (the scheduler queues work on the Redis that "
              "workers use)", file=sys.stderr)
        raise typer.Exit(2)
    raise typer.Exit(run_scheduler(settings))


# -- GDPR erasure and access (issue #10) -------------------------------------------------------
def _privacy(run: Any) -> None:
    """Migrate, wire services, run a `hotgigs.privacy_cmd` function; bad input exits 2."""
    from hotgigs.bootstrap import bootstrap
    from hotgigs.importer import default_owner
    from hotgigs.privacy_cmd import UsageError
    from storage.db import upgrade

    settings = settings_or_exit()
    upgrade(settings.effective_database_url)
    services = bootstrap(settings)
    try:
        code = run(services, default_owner())
    except UsageError as exc:
        print(f"hotgigs: {exc}", file=sys.stderr)
        raise typer.Exit(2) from None
    finally:
        services.close()
    raise typer.Exit(code)


@app.command()
def erase(
    candidate: Annotated[str, typer.Argument(help="candidate id or email address")],
    yes: Annotated[bool, typer.Option("--yes", help="do not ask for confirmation")] = False,
) -> None:
    """GDPR erasure: remove every trace of the person but a keyed-hash tombstone."""
    from hotgigs.privacy_cmd import cmd_erase

    if not yes and not typer.confirm(f"Erase candidate {candidate} and all their data?"):
        raise typer.Exit(1)
    _privacy(lambda services, actor: cmd_erase(services, candidate, actor))


@app.command()
def export(
    candidate: Annotated[str, typer.Argument(help="candidate id or email address")],
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="write here instead of stdout")
    ] = None,
) -> None:
    """GDPR access: a JSON of everything held about the person (files included, base64)."""
    from hotgigs.privacy_cmd import cmd_export

    _privacy(lambda services, actor: cmd_export(services, candidate, output, actor))


# -- daily digests (issue #9) ------------------------------------------------------------------
digest_app = typer.Typer(help="Daily digests to recruiters (email) and Slack channels.",
                         no_args_is_help=True)
app.add_typer(digest_app, name="digest")


def _digests(run: Any) -> None:
    """Migrate, wire services, run a `hotgigs.digest_cmd` function."""
    from hotgigs.bootstrap import bootstrap
    from storage.db import upgrade

    settings = settings_or_exit()
    upgrade(settings.effective_database_url)
    services = bootstrap(settings)
    try:
        code = run(services)
    finally:
        services.close()
    raise typer.Exit(code)


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
    _digests(lambda s: cmd_send(s, day=wanted, to=to, dry_run=dry_run))


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

    _digests(lambda s: cmd_schedule(s, email, timezone, hour))


def main() -> None:
    app()
