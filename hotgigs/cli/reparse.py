"""`hotgigs reparse` (stored files through the current parser) and `hotgigs job reindex`
(matching profiles rebuilt); the work lives in `pipeline.reparse`."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Annotated, Any

import typer
from rich.console import Console

from hotgigs.cli.support import UsageError, default_owner, run_with_services

err = Console(stderr=True)


def _date(value: str | None) -> datetime | None:
    if value is None:
        return None
    try:
        return datetime.strptime(value, "%Y-%m-%d").replace(tzinfo=UTC)
    except ValueError:
        raise typer.BadParameter("a date as YYYY-MM-DD", param_hint="--since") from None


def reparse(
    all_: Annotated[bool, typer.Option("--all", help="every stored resume")] = False,
    failed: Annotated[bool, typer.Option(
        "--failed", help="resumes that failed with a parser error (crash, time-out, no text)")
    ] = False,
    older_than: Annotated[str | None, typer.Option(
        "--parser-older-than", help="resumes parsed by a parser version older than this")
    ] = None,
    since: Annotated[str | None, typer.Option(help="resumes received since YYYY-MM-DD")] = None,
    owner: Annotated[str | None, typer.Option(help="only this recruiter's resumes")] = None,
    wait: Annotated[bool, typer.Option("--wait", help="follow progress until done")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="final counts as JSON")] = False,
) -> None:
    """Run stored files through the current parser (low priority); candidates are updated by
    the same merge rules as an import and re-matched."""
    from pipeline.reparse import Selection

    if not (all_ or failed or older_than or since):
        raise typer.BadParameter("say which: --all, --failed, --parser-older-than or --since")
    selection = Selection(all=all_, failed=failed, older_than=older_than, since=_date(since),
                          owner=owner)
    run_with_services(lambda services: _run(services, selection, wait=wait, as_json=as_json))


def _run(services: Any, selection: Any, *, wait: bool, as_json: bool) -> int:
    from sqlalchemy import select

    from hotgigs.cli.imports import progress_bar
    from hotgigs.wiring import job_queue, task_context
    from pipeline.context import configure
    from pipeline.parser import PARSER_VERSION
    from pipeline.reparse import reparse_in_process, start
    from storage.models import AuditEvent, Batch

    redis_error = services.redis_ping()
    queue = None if redis_error else job_queue(services)
    configure(task_context(services, queue))
    try:
        batch = start(services.db, queue, selection, default_owner())
    except LookupError as exc:
        raise UsageError(str(exc)) from None
    if batch is None:
        err.print("nothing to re-parse")
        return 0
    err.print(f"batch {batch.id}: {batch.total} resumes to re-parse with parser "
              f"{PARSER_VERSION} ({'low priority' if queue else 'in this process'})")
    if queue is None:
        err.print(f"Redis not reachable ({redis_error}): processing in this process")
        reparse_in_process(services.db, batch.id)
    elif not wait:
        err.print("queued; follow it with `hotgigs status`")
        return 0
    else:
        progress_bar(services, batch.id, batch.total, None)
    with services.db.session() as session:
        done = session.get(Batch, batch.id)
        assert done is not None
        changed = sum(1 for detail in session.scalars(
            select(AuditEvent.detail).where(AuditEvent.action == "reparsed",
                                            AuditEvent.candidate_id.is_not(None),
                                            AuditEvent.at >= done.created_at))
            if detail.get("batch_id") == batch.id and detail.get("changed"))
        totals = {"batch_id": done.id, "resumes": done.total, "parsed": done.parsed,
                  "failed": done.failed, "changed": changed}
    if as_json:
        print(json.dumps(totals))
    else:
        print(", ".join(f"{key}: {value}" for key, value in totals.items()))
    return 1 if totals["failed"] else 0


def job_reindex(
    owner: Annotated[str | None, typer.Option(help="only this recruiter's candidates")] = None,
) -> None:
    """Rebuild every candidate's matching profile and stored matches (candidates imported
    before matching existed get one)."""
    from matching import matches_hook
    from pipeline.reparse import reindex

    def run(services: Any) -> int:
        count, profiles = reindex(services.db, owner, matches_hook(services.db))
        print(f"re-indexed {count} candidates ({profiles} matching profiles)")
        return 0 if profiles == count else 1

    run_with_services(run)
