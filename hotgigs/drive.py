"""Wiring for Google Drive: the real client from settings, the sync run, `hotgigs drive …`.

The sync runs in the process that asks for it (the scheduler, or `hotgigs drive sync`): it is
the Drive door, listing and downloading, then it submits one request and the parsing happens
on the workers like any other batch.
"""

from __future__ import annotations

import json
import logging
import sys

from rich.console import Console
from rich.table import Table
from sqlalchemy import select

from bots.drive import messages
from bots.drive.folders import (
    add_folder,
    list_folders,
    owner_identity,
    parse_folder_ref,
    remove_folder,
)
from bots.drive.gdrive import build_drive_client, service_account_email
from bots.drive.port import DriveError, DriveNotFound
from bots.drive.sync import DriveSync, SyncReport
from hotgigs.bootstrap import Services
from hotgigs.worker import job_queue, task_context
from pipeline.archives import ZipLimits
from pipeline.context import configure
from pipeline.intake import Intake
from pipeline.queue import JobQueue
from pipeline.tasks import process_resume
from storage.models import Resume

log = logging.getLogger(__name__)
MB = 1024 * 1024


def _say(text: str) -> None:
    """A line for the operator, unwrapped (URLs and addresses stay copyable)."""
    print(text, file=sys.stderr)


class DriveNotConfigured(Exception):
    """HOTGIGS_DRIVE_CREDENTIALS is not set."""


def intake_for(services: Services, queue: JobQueue | None) -> Intake:
    settings = services.settings
    limits = ZipLimits(max_entries=settings.zip_max_entries,
                       max_total=settings.zip_max_total_mb * MB, max_file=settings.max_file_mb * MB)
    return Intake(services.db, services.blobs, queue, limits)


def run_drive_sync(services: Services, intake: Intake, *, folder: str | None = None,
                   full: bool = False) -> SyncReport:
    """One sync run over the watched folders with a fresh Drive client."""
    settings = services.settings
    if not settings.drive_credentials:
        raise DriveNotConfigured(messages.NO_CREDENTIALS)
    client = build_drive_client(settings.drive_credentials, settings.drive_api_url)
    try:
        sync = DriveSync(services.db, client, intake.submit,
                         account=service_account_email(settings.drive_credentials),
                         max_file_bytes=settings.max_file_mb * MB)
        return sync.sync_all(folder=folder, full=full)
    finally:
        client.close()


# -- `hotgigs drive …` ----------------------------------------------------------------------
def cmd_add(services: Services, ref: str, owner: str, slack_channel: str | None) -> int:
    try:
        folder_id = parse_folder_ref(ref)
    except ValueError as exc:
        _say(f"hotgigs: {exc}")
        return 2
    settings = services.settings
    name = None
    if settings.drive_credentials:
        account = messages.account_name(service_account_email(settings.drive_credentials))
        client = build_drive_client(settings.drive_credentials, settings.drive_api_url)
        try:
            item = client.get(folder_id)
        except DriveNotFound:
            _say(f"hotgigs: folder {folder_id} not found; "
                      + messages.SHARE_HINT.format(account=account))
            return 1
        except DriveError as exc:
            _say(f"hotgigs: cannot read folder {folder_id}: {exc.reason}")
            return 1
        finally:
            client.close()
        if not item.is_folder:
            _say("hotgigs: " + messages.NOT_A_FOLDER.format(name=item.name,
                                                                 mime=item.mime_type))
            return 2
        name = item.name
    else:
        _say(f"note: {messages.NO_CREDENTIALS}; the folder is saved unchecked")
    folder, created = add_folder(services.db, folder_id, owner, slack_channel=slack_channel,
                                 name=name)
    _say(f"{'watching' if created else 'already watching'} {name or folder_id} "
              f"({folder.folder_id}) for {owner_identity(owner)}")
    return 0


def cmd_list(services: Services, as_json: bool) -> int:
    folders = list_folders(services.db)
    if as_json:
        print(json.dumps([f.__dict__ for f in folders], default=str, indent=2))
        return 0
    table = Table(title="watched Google Drive folders")
    for column in ("folder", "name", "owner", "slack", "state", "last sync", "reason"):
        table.add_column(column, overflow="fold")
    for f in folders:
        table.add_row(f.folder_id, f.name or "", f.owner, f.slack_channel or "", f.state,
                      f"{f.last_synced_at:%Y-%m-%d %H:%M}" if f.last_synced_at else "never",
                      f.broken_reason or "")
    Console(width=200).print(table)
    return 0


def cmd_remove(services: Services, ref: str, owner: str | None) -> int:
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


def cmd_sync(services: Services, folder: str | None, full: bool) -> int:
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
    with services.db.session() as session:
        pending = list(session.scalars(select(Resume.id).where(
            Resume.batch_id.in_(batch_ids), Resume.status == "pending").order_by(Resume.id)))
    for resume_id in pending:
        process_resume(resume_id)
