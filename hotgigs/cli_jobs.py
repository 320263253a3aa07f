"""`hotgigs job add/list/close` and `hotgigs match`: open positions and who fits them."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from hotgigs.cli_support import run_with_services

job_app = typer.Typer(help="Open positions to match candidates against.", no_args_is_help=True)

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

    run_with_services(lambda s: add_job(s, title=title, file=file, text=text,
                                        location=location, remote=remote, owner=owner,
                                        as_json=as_json))


@job_app.command("list")
def job_list(
    all_: Annotated[bool, typer.Option("--all", help="include closed jobs")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="machine-readable output")] = False,
) -> None:
    """Open jobs (with --all, closed ones too)."""
    from hotgigs.match_cmd import show_jobs

    run_with_services(lambda s: show_jobs(s, include_closed=all_, as_json=as_json))


@job_app.command("close")
def job_close(job: Annotated[str, typer.Argument(help="job id or slug")]) -> None:
    """Close a job: it stops matching new candidates."""
    from hotgigs.match_cmd import close

    run_with_services(lambda s: close(s, job))


def match(
    job: Annotated[str, typer.Argument(help="job id, slug, or a free-text description")],
    top: Annotated[int, typer.Option(help="how many candidates", min=1, max=500)] = 10,
    owner: Annotated[str | None, typer.Option(help=_OWNER_HELP)] = None,
    as_json: Annotated[bool, typer.Option("--json", help="machine-readable output")] = False,
) -> None:
    """Best candidates for a job, with scores (0–100) and reasons."""
    from hotgigs.match_cmd import run_match

    run_with_services(lambda s: run_match(s, job, top=top, owner=owner, as_json=as_json))
