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


def print_status(report: dict[str, Any]) -> None:
    table = Table(title="HotGigs status", show_header=False)
    for key in ("resumes", "batches_in_progress", "success_rate_24h", "finished_24h",
                "median_processing_ms", "queues", "redis_error"):
        table.add_row(key, str(report[key]))
    Console().print(table)
    for failure in report["recent_failures"]:
        Console().print(f"failed: resume {failure['resume_id']} {failure['file']}: "
                        f"{failure['reason']}")
