"""The `hotgigs` command line (DESIGN.md's table). Exit codes: 0 ok, 1 failed work, 2 bad usage.

One module per command group, each holding the commands' declarations and their work:
`parse`, `imports` (`import`), `status`, `db`, `processes` (`serve`, `worker`, `smtp`,
`scheduler`), `jobs` (`job …`, `match`), `drive`, `digest`, `privacy` (`erase`, `export`),
`recruiter`, `inbox`, `duplicates`, `reparse` (`reparse`, `job reindex`), `token`, `blobs`.
Each command builds settings once (a bad one exits 2 with one line naming it) and wires what it
needs through `hotgigs.wiring`.
"""

from __future__ import annotations

import sys

import typer

from hotgigs.cli import processes
from hotgigs.cli.blobs import blobs_app
from hotgigs.cli.db import db_app
from hotgigs.cli.digest import digest_app
from hotgigs.cli.drive import drive_app
from hotgigs.cli.duplicates import duplicates_app
from hotgigs.cli.imports import import_
from hotgigs.cli.inbox import inbox_app
from hotgigs.cli.jobs import job_app, match
from hotgigs.cli.parse import parse
from hotgigs.cli.privacy import erase, export
from hotgigs.cli.recruiter import recruiter_app
from hotgigs.cli.reparse import job_reindex, reparse
from hotgigs.cli.status import status
from hotgigs.cli.token import token_app

app = typer.Typer(
    help="HotGigs: resumes in from email, Slack and Google Drive; parsed, matched candidates out.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)

# the order of `hotgigs --help`
app.command()(parse)
app.add_typer(db_app, name="db")
app.command()(status)
app.command()(processes.serve)
app.command()(processes.worker)
app.command()(processes.smtp)
app.command("import")(import_)
app.command("scheduler")(processes.scheduler)
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
app.add_typer(token_app, name="token")
app.add_typer(blobs_app, name="blobs")


def main() -> None:
    from storage.files import StoreUnavailable

    try:
        app()
    except StoreUnavailable as exc:  # raised at start by bootstrap: a bucket, credentials
        print(f"hotgigs: {exc}", file=sys.stderr)
        sys.exit(2)
