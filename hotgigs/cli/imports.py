"""`hotgigs import PATH...`: files, folders and ZIPs submitted as one CLI batch.

With Redis reachable the batch goes through the queues like any other; without it the same
task code runs in this process (and says so), so an operator can always import.
"""

from __future__ import annotations

import json
import logging
import time
from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn
from rich.table import Table

from hotgigs.cli.support import default_owner, run_with_services, settings_or_exit

if TYPE_CHECKING:
    from hotgigs.bootstrap import Services
    from pipeline.models import IngestFile
    from pipeline.summary import BatchSummary

log = logging.getLogger(__name__)
err = Console(stderr=True)


def import_(
    paths: Annotated[list[Path], typer.Argument(help="files, folders, ZIPs", exists=True)],
    wait: Annotated[bool, typer.Option("--wait", help="follow progress until done")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="final summary as JSON")] = False,
    owner: Annotated[
        str | None, typer.Option(help="recruiter the candidates belong to (default cli:$USER)")
    ] = None,
) -> None:
    """Submit files/folders/ZIPs as one CLI batch; with --wait, a progress bar and a summary."""
    from hotgigs.web.metrics import prepare as prepare_metrics

    prepare_metrics(settings_or_exit())  # this door's figures (batch size) join the system's
    run_with_services(lambda services: run_import(
        services, paths, owner=owner or default_owner(), wait=wait, as_json=as_json))


def collect_files(paths: list[Path]) -> list[IngestFile]:
    """Files as given, folders recursively (hidden files skipped), in a stable order."""
    from pipeline.models import IngestFile

    files: list[IngestFile] = []
    for path in paths:
        found = sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path]
        for file in found:
            relative = file.relative_to(path) if path.is_dir() else Path(file.name)
            if any(part.startswith(".") for part in relative.parts):
                continue
            files.append(IngestFile(name=str(relative), path=file, origin=str(file)))
    return files


def pending_chunks(services: Services, batch_ids: list[int]) -> list[list[int]]:
    """The batches' pending resumes cut as a worker gets them (`chunk_sizes`): run in this
    process without Redis, a chunk pays the claim and the recording once, not per resume."""
    from sqlalchemy import select

    from pipeline.queue import chunk_sizes
    from storage.models import Resume, ResumeStatus

    with services.db.session() as session:
        pending = list(session.scalars(select(Resume.id).where(
            Resume.batch_id.in_(batch_ids), Resume.status == ResumeStatus.PENDING)
            .order_by(Resume.id)))
    chunks, start = [], 0
    for size in chunk_sizes(len(pending)):
        chunks.append(pending[start:start + size])
        start += size
    return chunks


def _progress_bar(services: Services, batch_id: int, total: int, step: object) -> None:
    """Poll the batch until every resume ended; `step()` may do work between polls."""
    from pipeline.summary import summarize_batch

    columns = (TextColumn("[bold]import"), BarColumn(), MofNCompleteColumn(),
               TextColumn("{task.fields[detail]}"))
    with Progress(*columns, console=err, transient=False) as progress:
        task = progress.add_task("import", total=total, detail="")
        while True:
            with services.db.session() as session:  # counts only: no query per resume
                summary = summarize_batch(session, batch_id, items=False)
            progress.update(task, completed=summary.done,
                            detail=f"{summary.parsed}/{summary.total} parsed, "
                                   f"{summary.failed} failed")
            if summary.done >= summary.total:
                return
            if callable(step):
                step()
            else:
                time.sleep(0.5)


progress_bar = _progress_bar  # `hotgigs reparse --wait` follows its batch the same way


def run_import(services: Services, paths: list[Path], *, owner: str, wait: bool,
               as_json: bool) -> int:
    from hotgigs.wiring import intake_for, job_queue, task_context
    from pipeline.context import configure
    from pipeline.models import IngestRequest
    from pipeline.summary import summarize_batch
    from pipeline.tasks import process_resumes

    files = collect_files(paths)
    if not files:
        err.print("hotgigs: no files found under the given paths")
        return 2
    redis_error = services.redis_ping()
    queue = None if redis_error else job_queue(services)
    configure(task_context(services, queue))
    if queue is None:
        err.print(f"Redis not reachable ({redis_error}): processing in this process")
    intake = intake_for(services, queue)  # HOTGIGS_MAX_FILE_MB and HOTGIGS_ZIP_* hold here too
    batch = intake.submit(IngestRequest(source="cli", submitted_by=owner, files=files))
    err.print(f"batch {batch.id}: {batch.total} files submitted ({batch.priority} priority)")

    if queue is None:
        from hotgigs.run.worker import settle

        settle(services.settings)  # as a worker does: models loaded once, the heap frozen
        todo = iter(pending_chunks(services, [batch.id]))
        _progress_bar(services, batch.id, batch.total, lambda: process_resumes(next(todo)))
    elif wait:
        _progress_bar(services, batch.id, batch.total, None)
    else:
        err.print("queued; follow it with `hotgigs status`")
        return 0

    with services.db.session() as session:
        summary = summarize_batch(session, batch.id)
    print_summary(summary, as_json)
    return 1 if summary.failed else 0


def print_summary(summary: BatchSummary, as_json: bool) -> None:
    outcomes = Counter(item.outcome for item in summary.items if item.status == "parsed")
    totals = {"batch_id": summary.batch_id, "submitted": summary.total,
              "parsed": summary.parsed, "failed": summary.failed,
              "created": outcomes["created"], "updated": outcomes["updated"],
              "duplicates": outcomes["duplicate"]}
    if as_json:
        items = [item.model_dump(include={"filename", "status", "reason", "outcome",
                                          "candidate_id", "name"}) for item in summary.items]
        print(json.dumps({**totals, "items": items}, indent=2))
        return
    table = Table(title=f"batch {summary.batch_id}")
    for column in ("file", "status", "candidate", "outcome / reason"):
        table.add_column(column)
    for item in summary.items:
        table.add_row(item.filename, item.status, item.name or "",
                      item.outcome or "" if item.status == "parsed" else item.reason or "")
    console = Console()
    console.print(table)
    console.print(", ".join(f"{k}: {v}" for k, v in totals.items() if k != "batch_id"))
