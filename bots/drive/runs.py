"""One Drive sync run: every watched folder read with the right account.

A folder whose owner connected their own Google account is read with that recruiter's grant;
the others with the operator's account (HOTGIGS_DRIVE_CREDENTIALS), as before grants existed.
When Google refuses a recruiter's grant (`invalid_grant`: revoked or expired), their folders
are marked broken with "access revoked: reconnect" and the other recruiters' folders go on;
folders of a revoked grant wait for the reconnect rather than falling back to the operator.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import select

from bots.drive import messages
from bots.drive.grants import Grant, mark_revoked
from bots.drive.port import DriveAuthError, DriveClient, DriveGrantRevoked
from bots.drive.sync import DriveSync, FolderReport, Submit, SyncReport
from storage.db import Database
from storage.models import DriveFolder

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Accounts:
    """How to read Drive: the operator's client (None: not configured) and a recruiter's."""

    operator: Callable[[], DriveClient] | None
    operator_account: str | None  # the address folders are shared with, for reasons
    recruiter: Callable[[Grant], DriveClient]
    grants: dict[int, Grant]  # by recruiter id, active and revoked


def _folders(db: Database, folder: str | None) -> list[tuple[int, str, int]]:
    """(row id, Drive id, owner id) of the watched folders to sync."""
    with db.session() as session:
        query = select(DriveFolder.id, DriveFolder.folder_id, DriveFolder.owner_id).order_by(
            DriveFolder.id)
        if folder:
            query = query.where(DriveFolder.folder_id == folder)
        return [(pk, fid, owner) for pk, fid, owner in session.execute(query).all()]


def sync_watched(db: Database, submit: Submit, accounts: Accounts, *, folder: str | None = None,
                 full: bool = False, max_file_bytes: int = 20 * 1024 * 1024) -> SyncReport:
    """Sync the folders of each account in turn; one account failing stops no other."""
    report = SyncReport()
    operator_pks: list[int] = []
    by_owner: dict[int, list[int]] = {}
    for pk, folder_id, owner in _folders(db, folder):
        grant = accounts.grants.get(owner)
        if grant is None:
            operator_pks.append(pk)
        elif grant.active:
            by_owner.setdefault(owner, []).append(pk)
        else:
            report.folders.append(FolderReport(folder_id, state="broken",
                                               reason=messages.ACCESS_REVOKED))
    if operator_pks:
        if accounts.operator is None:
            with db.session() as session:
                for pk in operator_pks:
                    row = session.get(DriveFolder, pk)
                    assert row is not None
                    report.folders.append(FolderReport(row.folder_id, state="failed",
                                                       reason=messages.NO_GRANT_CREDENTIALS))
        else:
            client = accounts.operator()
            try:
                run = DriveSync(db, client, submit, account=accounts.operator_account,
                                max_file_bytes=max_file_bytes).sync_all(full=full,
                                                                        pks=operator_pks)
            finally:
                client.close()
            report.folders += run.folders
            report.error = run.error
    for owner, pks in by_owner.items():
        report.folders += _sync_owner(db, submit, accounts, accounts.grants[owner], pks,
                                      full=full, max_file_bytes=max_file_bytes)
    return report


def _sync_owner(db: Database, submit: Submit, accounts: Accounts, grant: Grant, pks: list[int],
                *, full: bool, max_file_bytes: int) -> list[FolderReport]:
    """One recruiter's folders with their own grant."""
    account = messages.YOUR_ACCOUNT.format(email=grant.google_email or grant.identity)
    client = accounts.recruiter(grant)
    reports: list[FolderReport] = []
    try:
        sync = DriveSync(db, client, submit, account=account, max_file_bytes=max_file_bytes)
        for pk in pks:
            reports.append(sync.sync_folder(pk, full=full))
    except DriveGrantRevoked as exc:
        mark_revoked(db, grant.recruiter_id, exc.reason)
        return _all(db, pks, "broken", messages.ACCESS_REVOKED)
    except DriveAuthError as exc:
        # the OAuth client itself was refused (an operator's fix), not the recruiter's grant
        log.error("drive grant of %s: %s", grant.identity, exc.reason)
        done = {r.folder_id for r in reports}
        return reports + [r for r in _all(db, pks, "failed", exc.reason)
                          if r.folder_id not in done]
    finally:
        client.close()
    return reports


def _all(db: Database, pks: list[int], state: str, reason: str) -> list[FolderReport]:
    with db.session() as session:
        rows = session.scalars(select(DriveFolder).where(DriveFolder.id.in_(pks))
                               .order_by(DriveFolder.id))
        return [FolderReport(row.folder_id, state=state, reason=reason) for row in rows]
