"""`hotgigs job add/list/close` and `hotgigs match JOB`: open positions and who fits them.

Run from the command line by an operator: without `--owner` a job belongs to nobody (it
matches every recruiter's candidates) and `match` ranks all candidates. With `--owner
IDENTITY` (e.g. `ann@agency.test`, `slack:T1/U2`) only that recruiter's candidates are seen.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from hotgigs.cli.support import UsageError, default_owner, run_with_services

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from hotgigs.bootstrap import Services
    from storage.models import Job

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
    run_with_services(lambda s: add_job(s, title=title, file=file, text=text,
                                        location=location, remote=remote, owner=owner,
                                        as_json=as_json))


@job_app.command("list")
def job_list(
    all_: Annotated[bool, typer.Option("--all", help="include closed jobs")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="machine-readable output")] = False,
) -> None:
    """Open jobs (with --all, closed ones too)."""
    run_with_services(lambda s: show_jobs(s, include_closed=all_, as_json=as_json))


@job_app.command("close")
def job_close(job: Annotated[str, typer.Argument(help="job id or slug")]) -> None:
    """Close a job: it stops matching new candidates."""
    run_with_services(lambda s: close(s, job))


@job_app.command("apply")
def job_apply(
    job: Annotated[str, typer.Argument(help="job id or slug")],
    on: Annotated[bool, typer.Option("--on/--off", help="open or close the apply page")],
) -> None:
    """Open (--on) or close (--off) the job's public apply page /apply/<slug>."""
    run_with_services(lambda s: switch_apply(s, job, on))


def match(
    job: Annotated[str, typer.Argument(help="job id, slug, or a free-text description")],
    top: Annotated[int, typer.Option(help="how many candidates", min=1, max=500)] = 10,
    owner: Annotated[str | None, typer.Option(help=_OWNER_HELP)] = None,
    as_json: Annotated[bool, typer.Option("--json", help="machine-readable output")] = False,
) -> None:
    """Best candidates for a job, with scores (0–100) and reasons."""
    run_with_services(lambda s: run_match(s, job, top=top, owner=owner, as_json=as_json))


out = Console()


def _owner_id(session: Session, owner: str | None) -> int | None:
    """The recruiter a new job belongs to (created when unknown), or None: an operator's."""
    from storage.recruiters import recruiter_for

    return recruiter_for(session, owner).id if owner is not None else None


def job_to_dict(job: Job) -> dict[str, Any]:
    a = job.analysis or {}
    return {"id": job.id, "slug": job.slug, "title": job.title, "status": job.status,
            "location": job.location, "remote": job.remote,
            "required_skills": a.get("required_skills", []),
            "nice_skills": a.get("nice_skills", []), "min_years": a.get("min_years"),
            "seniority": a.get("seniority"), "apply_open": job.apply_open}


def add_job(services: Services, *, title: str, file: Path | None, text: str | None,
            location: str | None, remote: bool, owner: str | None, as_json: bool) -> int:
    from matching import create_job

    if (file is None) == (text is None):
        raise UsageError("give exactly one of --file or --text")
    description = file.read_text(encoding="utf-8", errors="replace") if file else str(text)
    with services.db.session() as session:
        job = create_job(session, title=title, description=description, location=location,
                         remote=remote, owner_id=_owner_id(session, owner))
        shown = job_to_dict(job)
    if as_json:
        print(json.dumps(shown, indent=2))
        return 0
    out.print(f"job [bold]{shown['slug']}[/] (id {shown['id']}) saved")
    out.print(f"  required: {', '.join(shown['required_skills']) or '—'}")
    out.print(f"  nice to have: {', '.join(shown['nice_skills']) or '—'}")
    years = shown["min_years"]
    out.print(f"  years: {f'{years}+' if years else '—'} · seniority: {shown['seniority'] or '—'}"
              f" · {'remote' if shown['remote'] else shown['location'] or 'no location'}")
    return 0


def show_jobs(services: Services, *, include_closed: bool, as_json: bool) -> int:
    from matching import list_jobs

    with services.db.session() as session:
        jobs = [job_to_dict(j) for j in list_jobs(session, include_closed=include_closed)]
    if as_json:
        print(json.dumps(jobs, indent=2))
        return 0
    table = Table("id", "slug", "title", "status", "apply page", "where", "required skills")
    for j in jobs:
        where = "remote" if j["remote"] else j["location"] or ""
        table.add_row(str(j["id"]), j["slug"], j["title"], j["status"],
                      "on" if j["apply_open"] and j["status"] == "open" else "off", where,
                      ", ".join(j["required_skills"][:6]))
    out.print(table)
    return 0


def close(services: Services, ref: str) -> int:
    from matching import close_job, resolve_job

    with services.db.session() as session:
        job = resolve_job(session, ref)
        if job is None:
            raise UsageError(f"no job {ref!r}")
        close_job(session, job)
        out.print(f"job {job.slug} closed")
    return 0


def switch_apply(services: Services, ref: str, on: bool) -> int:
    from matching import resolve_job
    from pipeline.applications import ApplyNotPossible, set_apply_open

    with services.db.session() as session:
        job = resolve_job(session, ref)
        if job is None:
            raise UsageError(f"no job {ref!r}")
        try:
            set_apply_open(job, on)
        except ApplyNotPossible as exc:
            raise UsageError(exc.reason) from None
        slug = job.slug
    path = f"/apply/{slug}"
    if on:
        base = services.settings.public_url
        out.print(f"applications to {slug} are open: {base + path if base else path}"
                  + ("" if base else " (set HOTGIGS_PUBLIC_URL for the full link)"))
    else:
        out.print(f"applications to {slug} are closed: {path} answers 404")
    return 0


def run_match(services: Services, ref: str, *, top: int, owner: str | None,
              as_json: bool) -> int:
    from matching.service import match_for, recruiter_id

    owner_id = None
    if owner is not None:
        owner_id = recruiter_id(services.db, owner)
        if owner_id is None:
            raise UsageError(f"no recruiter {owner!r} (they have imported nothing yet)")
    result = match_for(services.db, ref, top=top, owner_id=owner_id,
                       actor=owner or default_owner(), source="cli")
    label = f"{result.slug} ({result.title})" if result.slug is not None else "free text"
    rows = [{"rank": r.rank, "candidate_id": r.candidate_id, "name": r.name, "email": r.email,
             "title": r.title, "score": r.score, "reason": r.summary, "reasons": r.reasons,
             "parts": r.parts} for r in result.rows]
    if as_json:
        print(json.dumps({"job": label, "matches": rows}, indent=2))
        return 0
    if not rows:
        print(f"no candidates match {label}", file=sys.stderr)
        return 0
    table = Table("#", "score", "candidate", "title", "why", title=f"best for {label}")
    for r in result.rows:
        table.add_row(str(r.rank), f"{r.score:.0f}", r.name or f"#{r.candidate_id}",
                      r.title or "", r.summary)
    out.print(table)
    return 0
