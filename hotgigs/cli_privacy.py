"""`hotgigs erase` and `hotgigs export`: a candidate's GDPR rights, run by an operator."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from hotgigs.cli_support import default_owner, run_with_services


def erase(
    candidate: Annotated[str, typer.Argument(help="candidate id or email address")],
    yes: Annotated[bool, typer.Option("--yes", help="do not ask for confirmation")] = False,
) -> None:
    """GDPR erasure: remove every trace of the person but a keyed-hash tombstone."""
    from hotgigs.privacy_cmd import cmd_erase

    if not yes and not typer.confirm(f"Erase candidate {candidate} and all their data?"):
        raise typer.Exit(1)
    run_with_services(lambda services: cmd_erase(services, candidate, default_owner()))


def export(
    candidate: Annotated[str, typer.Argument(help="candidate id or email address")],
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="write here instead of stdout")
    ] = None,
) -> None:
    """GDPR access: a JSON of everything held about the person (files included, base64)."""
    from hotgigs.privacy_cmd import cmd_export

    run_with_services(lambda services: cmd_export(services, candidate, output, default_owner()))
