"""`hotgigs status`: queue depths, resumes by status, success rate, recent failures.

The figures are `hotgigs.figures.collect_status` (the admin dashboard shows the same); this
module only prints them.
"""

from __future__ import annotations

import json
import sys
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from hotgigs.cli.support import settings_or_exit


def status(
    as_json: Annotated[bool, typer.Option("--json", help="machine-readable output")] = False,
) -> None:
    """Queue depths, resumes by status, success rate over 24 h, recent failures."""
    from hotgigs.bootstrap import bootstrap
    from hotgigs.figures import collect_status
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
    print_status(report)


def _counts(counts: dict[str, int] | None) -> str:
    return " · ".join(f"{name} {n}" for name, n in counts.items()) if counts else "none"


def status_rows(report: dict[str, Any]) -> list[tuple[str, str]]:
    """The report as (label, value) lines a person reads: no raw dicts, units named."""
    rate = report["success_rate_24h"]
    median = report["median_processing_ms"]
    redis_error = report["redis_error"]
    return [
        ("resumes", _counts(report["resumes"])),
        ("batches in progress", str(report["batches_in_progress"])),
        ("success rate (24 h)", "—" if rate is None else f"{rate * 100:.1f} %"),
        ("finished (24 h)", str(report["finished_24h"])),
        ("median processing time", "—" if median is None else f"{median:.0f} ms"),
        ("queues waiting", "unknown (no Redis)" if report["queues"] is None
         else _counts(report["queues"])),
        ("Redis", "ok" if redis_error is None else f"unreachable: {redis_error}"),
    ]


def print_status(report: dict[str, Any]) -> None:
    console = Console()
    table = Table(title="HotGigs status", show_header=False)
    for label, value in status_rows(report):
        table.add_row(label, value)
    console.print(table)
    if report["recent_failures"]:
        failures = Table("resume", "file", "source", "reason", title="recent failures")
        for failure in report["recent_failures"]:
            failures.add_row(str(failure["resume_id"]), failure["file"],
                             failure["source"] or "", failure["reason"] or "")
        console.print(failures)
