"""`hotgigs drive add/list/remove/sync`: watched Google Drive folders."""

from __future__ import annotations

from typing import Annotated

import typer

from hotgigs.cli_support import run_with_services

drive_app = typer.Typer(help="Watched Google Drive folders.", no_args_is_help=True)


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

    run_with_services(lambda services: cmd_add(services, folder, owner, slack_channel))


@drive_app.command("list")
def drive_list(
    as_json: Annotated[bool, typer.Option("--json", help="machine-readable output")] = False,
) -> None:
    """Watched folders with owner, state, last sync, and why a broken one stopped."""
    from hotgigs.drive import cmd_list

    run_with_services(lambda services: cmd_list(services, as_json))


@drive_app.command("remove")
def drive_remove(
    folder: Annotated[str, typer.Argument(help="folder id or Drive URL")],
    owner: Annotated[str | None, typer.Option(help="only this recruiter's watch")] = None,
) -> None:
    """Stop watching a folder (candidates already imported stay)."""
    from hotgigs.drive import cmd_remove

    run_with_services(lambda services: cmd_remove(services, folder, owner))


@drive_app.command("sync")
def drive_sync(
    folder: Annotated[str | None, typer.Option(help="only this folder (id or URL)")] = None,
    full: Annotated[bool, typer.Option("--full", help="list the folders in full")] = False,
) -> None:
    """Import what is new or changed in the watched folders now."""
    from hotgigs.drive import cmd_sync

    run_with_services(lambda services: cmd_sync(services, folder, full))
