"""`hotgigs drive add/list/remove/sync/disconnect`: watched Google Drive folders.

The sync runs in the process that asks for it (the scheduler, or `hotgigs drive sync`): it is
the Drive door, listing and downloading, then it submits one request and the parsing happens
on the workers like any other batch.
"""

from __future__ import annotations

import json
import logging
import sys
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.table import Table

from hotgigs.cli.support import run_with_services

if TYPE_CHECKING:
    from hotgigs.bootstrap import Services

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
    run_with_services(lambda services: cmd_add(services, folder, owner, slack_channel))


@drive_app.command("list")
def drive_list(
    as_json: Annotated[bool, typer.Option("--json", help="machine-readable output")] = False,
) -> None:
    """Watched folders with owner, state, last sync, and why a broken one stopped."""
    run_with_services(lambda services: cmd_list(services, as_json))


@drive_app.command("remove")
def drive_remove(
    folder: Annotated[str, typer.Argument(help="folder id or Drive URL")],
    owner: Annotated[str | None, typer.Option(help="only this recruiter's watch")] = None,
) -> None:
    """Stop watching a folder (candidates already imported stay)."""
    run_with_services(lambda services: cmd_remove(services, folder, owner))


@drive_app.command("disconnect")
def drive_disconnect(
    owner: Annotated[str, typer.Option(help="recruiter whose own Google grant to revoke")],
) -> None:
    """Revoke a recruiter's own Google Drive grant (as their Disconnect button does)."""
    run_with_services(lambda services: cmd_disconnect(services, owner))


@drive_app.command("sync")
def drive_sync(
    folder: Annotated[str | None, typer.Option(help="only this folder (id or URL)")] = None,
    full: Annotated[bool, typer.Option("--full", help="list the folders in full")] = False,
) -> None:
    """Import what is new or changed in the watched folders now."""
    run_with_services(lambda services: cmd_sync(services, folder, full))


log = logging.getLogger(__name__)
MB = 1024 * 1024


def _say(text: str) -> None:
    """A line for the operator, unwrapped (URLs and addresses stay copyable)."""
    print(text, file=sys.stderr)


def cmd_add(services: Services, ref: str, owner: str, slack_channel: str | None) -> int:
    from bots.drive import messages
    from bots.drive.folders import NotAFolder, owner_identity, parse_folder_ref, watch_folder
    from bots.drive.port import DriveError, DriveNotFound
    from hotgigs.wiring import drive_access

    drive = drive_access(services.settings, services.db, owner)
    try:
        watched = watch_folder(services.db, ref, owner, drive=drive, slack_channel=slack_channel)
    except NotAFolder as exc:
        _say(f"hotgigs: {exc}")
        return 2
    except ValueError as exc:
        _say(f"hotgigs: {exc}")
        return 2
    except DriveNotFound:
        account = messages.account_name(drive.account if drive is not None else None)
        _say(f"hotgigs: folder {parse_folder_ref(ref)} not found; "
             + messages.SHARE_HINT.format(account=account))
        return 1
    except DriveError as exc:
        _say(f"hotgigs: cannot read folder {parse_folder_ref(ref)}: {exc.reason}")
        return 1
    if not watched.checked:
        _say(f"note: {messages.NO_CREDENTIALS}; the folder is saved unchecked")
    folder = watched.folder
    _say(f"{'watching' if watched.created else 'already watching'} "
         f"{folder.name or folder.folder_id} ({folder.folder_id}) for {owner_identity(owner)}")
    return 0


def cmd_list(services: Services, as_json: bool) -> int:
    from bots.drive.folders import list_folders

    folders = list_folders(services.db)
    if as_json:
        print(json.dumps([f.__dict__ for f in folders], default=str, indent=2))
        return 0
    table = Table(title="watched Google Drive folders")
    for column in ("folder", "name", "owner", "read as", "slack", "state", "last sync",
                   "reason"):
        table.add_column(column, overflow="fold")
    for f in folders:
        table.add_row(f.folder_id, f.name or "", f.owner, f.account, f.slack_channel or "",
                      f.state,
                      f"{f.last_synced_at:%Y-%m-%d %H:%M}" if f.last_synced_at else "never",
                      f.broken_reason or "")
    Console(width=200).print(table)
    return 0


def cmd_remove(services: Services, ref: str, owner: str | None) -> int:
    from bots.drive.folders import remove_folder

    try:
        removed = remove_folder(services.db, ref, owner)
    except ValueError as exc:
        _say(f"hotgigs: {exc}")
        return 2
    if not removed:
        _say(f"hotgigs: no watched folder {ref}")
        return 1
    _say(f"stopped watching {ref} ({removed} watch{'es' if removed > 1 else ''})")
    return 0


def cmd_disconnect(services: Services, owner: str) -> int:
    from bots.drive.grants import disconnect
    from hotgigs.wiring import google_oauth, grant_sealer

    oauth = google_oauth(services.settings)
    if oauth is None:
        _say("hotgigs: HOTGIGS_GOOGLE_CLIENT_ID/HOTGIGS_GOOGLE_CLIENT_SECRET are not set: "
             "recruiters cannot connect their own Drive here")
        return 2
    done = disconnect(services.db, grant_sealer(services.settings), owner, oauth.revoke)
    if not done.found:
        _say(f"hotgigs: {owner} has no connected Google Drive")
        return 1
    told = "revoked at Google" if done.revoked_at_google else \
        "Google could not be told (the token is forgotten here anyway)"
    _say(f"disconnected {owner}'s Google Drive: {told}; {done.folders} folder(s) stopped")
    return 0


def cmd_sync(services: Services, folder: str | None, full: bool) -> int:
    from bots.drive.folders import parse_folder_ref
    from hotgigs.wiring import (
        DriveNotConfigured,
        intake_for,
        job_queue,
        run_drive_sync,
        task_context,
    )
    from pipeline.context import configure

    redis_error = services.redis_ping()
    queue = None if redis_error else job_queue(services)
    configure(task_context(services, queue))
    if queue is None:
        _say(f"Redis not reachable ({redis_error}): processing in this process")
    try:
        report = run_drive_sync(services, intake_for(services, queue),
                                folder=parse_folder_ref(folder) if folder else None, full=full)
    except (DriveNotConfigured, ValueError) as exc:
        _say(f"hotgigs: {exc}")
        return 2
    if queue is None:
        _process_here(services, [f.batch_id for f in report.folders if f.batch_id])
    for f in report.folders:
        detail = f.reason or (f"{f.imported} imported (batch {f.batch_id}), "
                              f"{f.unchanged} unchanged")
        print(f"{f.folder_id}: {f.state}, {f.mode} sync: {detail}")
    if report.error:
        _say(f"hotgigs: drive sync stopped: {report.error}")
    if not report.folders and not report.error:
        _say("no watched folders; add one with `hotgigs drive add`")
    return 0 if report.ok else 1


def _process_here(services: Services, batch_ids: list[int]) -> None:
    """Without Redis: run the pipeline's tasks in this process, as `hotgigs import` does."""
    from hotgigs.cli.imports import pending_chunks
    from pipeline.tasks import process_resumes

    for chunk in pending_chunks(services, batch_ids):
        process_resumes(chunk)
