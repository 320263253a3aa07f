"""Drive folder sync: watched folders become one low-priority IngestRequest per sync and folder.

The first sync (and the daily full one) lists the folder tree; later syncs read the Drive change
log from the folder's page token and keep what lies under the folder. A file is imported when
its content is new to the folder (file id + md5/version, then sha256 of the bytes), so renames
and moves import nothing and an edited file comes in again as a new version. The page token and
the per-file records are saved only after the request was submitted: a crash repeats work (the
idempotency key makes the repeat return the same batch) and never loses a file.
"""

from __future__ import annotations

import hashlib
import logging
import tempfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path, PurePath

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from bots.drive import messages
from bots.drive.port import (
    DOC_EXPORT_MIME,
    DOC_EXPORT_SUFFIX,
    DriveAuthError,
    DriveClient,
    DriveError,
    DriveForbidden,
    DriveInvalidToken,
    DriveItem,
    DriveNotFound,
)
from pipeline.models import IngestFile, IngestRequest
from storage.db import Database
from storage.models import Batch, DriveFile, DriveFolder, Recruiter, utcnow

log = logging.getLogger(__name__)

Submit = Callable[[IngestRequest], Batch]

RESUME_MIMES = {
    "application/pdf", "application/msword", "application/rtf", "text/rtf", "text/plain",
    "text/html", "application/vnd.oasis.opendocument.text", "application/zip",
    "application/x-zip-compressed", "image/png", "image/jpeg", "image/tiff",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}
RESUME_SUFFIXES = {".pdf", ".doc", ".docx", ".rtf", ".odt", ".txt", ".html", ".htm", ".zip",
                   ".png", ".jpg", ".jpeg", ".tif", ".tiff"}
MAX_DEPTH = 50  # folder nesting we follow; Drive allows 100, resumes never sit that deep


@dataclass
class FolderReport:
    folder_id: str
    state: str = "synced"  # synced / broken / failed
    mode: str = "incremental"  # full / incremental
    imported: int = 0
    unchanged: int = 0
    batch_id: int | None = None
    reason: str | None = None


@dataclass
class SyncReport:
    folders: list[FolderReport] = field(default_factory=list)
    error: str | None = None  # set when the whole sync stopped (credentials refused)

    @property
    def ok(self) -> bool:
        return self.error is None and all(f.state == "synced" for f in self.folders)


@dataclass
class _Found:
    item: DriveItem
    name: str
    path: Path
    sha256: str
    mime: str | None


def _importable(item: DriveItem) -> bool:
    if item.is_google_doc:
        return True
    if item.is_folder or item.mime_type.startswith("application/vnd.google-apps."):
        return False
    return item.mime_type in RESUME_MIMES or PurePath(item.name).suffix.lower() in RESUME_SUFFIXES


def _unchanged(item: DriveItem, record: DriveFile | None) -> bool:
    """Same content as imported: md5 for binary files, version for Google Docs."""
    if record is None:
        return False
    if item.md5:
        return record.md5 == item.md5
    return item.version is not None and record.version == item.version


class DriveSync:
    """One sync run over the watched folders, with one Drive client (not shared by threads)."""

    def __init__(self, db: Database, client: DriveClient, submit: Submit, *,
                 account: str | None = None, max_file_bytes: int = 20 * 1024 * 1024) -> None:
        self.db = db
        self.client = client
        self.submit = submit
        self.account = messages.account_name(account)
        self.max_file_bytes = max_file_bytes

    def sync_all(self, *, folder: str | None = None, full: bool = False,
                 pks: list[int] | None = None) -> SyncReport:
        """Every watched folder (or those with Drive id `folder`, or the rows `pks`); one
        failing stops no other."""
        report = SyncReport()
        with self.db.session() as session:
            query = select(DriveFolder.id).order_by(DriveFolder.id)
            if folder:
                query = query.where(DriveFolder.folder_id == folder)
            if pks is not None:
                query = query.where(DriveFolder.id.in_(pks))
            ids = list(session.scalars(query))
        for pk in ids:
            try:
                report.folders.append(self.sync_folder(pk, full=full))
            except DriveAuthError as exc:
                log.error("drive sync stopped: %s", exc.reason)
                report.error = exc.reason
                break
        return report

    def sync_folder(self, pk: int, *, full: bool = False) -> FolderReport:
        with self.db.session() as session:
            row = session.get(DriveFolder, pk)
            assert row is not None
            folder_id, token = row.folder_id, row.page_token
        report = FolderReport(folder_id)
        try:
            root = self.client.get(folder_id)
            broken = self._why_broken(root)
            if broken:
                return self._mark_broken(pk, report, broken)
            items, new_token, report.mode = self._candidates(root, token, full)
            with tempfile.TemporaryDirectory(prefix="hotgigs-drive-") as tmp:
                found, unchanged = self._new_content(pk, items, Path(tmp))
                report.unchanged = unchanged
                batch = self._submit(pk, root, found) if found else None
                self._save(pk, root, new_token, found, batch)
        except DriveNotFound as exc:
            return self._mark_broken(pk, report, messages.FOLDER_GONE.format(
                account=self.account, detail=exc.reason))
        except DriveForbidden as exc:
            return self._mark_broken(pk, report, messages.FOLDER_FORBIDDEN.format(
                detail=exc.reason))
        except DriveAuthError:
            raise
        except DriveError as exc:
            log.warning("drive folder %s: sync failed, next run retries: %s", folder_id,
                        exc.reason)
            report.state, report.reason = "failed", exc.reason
            return report
        report.imported = sum(f.mime is not None for f in found)
        report.batch_id = batch.id if batch else None
        log.info("drive folder %s: %s sync, %d imported (batch %s), %d unchanged", folder_id,
                 report.mode, report.imported, report.batch_id, report.unchanged)
        return report

    @staticmethod
    def _why_broken(root: DriveItem) -> str | None:
        if root.trashed:
            return messages.FOLDER_TRASHED
        if not root.is_folder:
            return messages.NOT_A_FOLDER.format(name=root.name, mime=root.mime_type)
        return None

    def _candidates(self, root: DriveItem, token: str | None,
                    full: bool) -> tuple[list[DriveItem], str, str]:
        """(files to consider, the page token to save afterwards, full/incremental)."""
        if token and not full:
            try:
                page = self.client.changes(token, root.drive_id)
                return list(self._under(root, page.items)), page.new_start_token, "incremental"
            except DriveInvalidToken as exc:
                log.warning("drive folder %s: %s; listing the folder in full", root.id,
                            exc.reason)
        # the token is taken before listing, so a change made during the listing is seen later
        new_token = self.client.start_page_token(root.drive_id)
        return list(self._walk(root)), new_token, "full"

    def _walk(self, root: DriveItem) -> Iterator[DriveItem]:
        """Files in the folder tree, recursively (each folder once)."""
        pending, seen = [(root, 0)], {root.id}
        while pending:
            folder, depth = pending.pop()
            for child in self.client.children(folder):
                if not child.is_folder:
                    yield child
                elif child.id not in seen and depth < MAX_DEPTH:
                    seen.add(child.id)
                    pending.append((child, depth + 1))

    def _under(self, root: DriveItem, changed: Iterable[DriveItem]) -> Iterator[DriveItem]:
        """Changed files inside the tree; a folder moved in brings its whole subtree."""
        inside: dict[str, bool] = {root.id: True}

        def is_inside(item_id: str, depth: int = 0) -> bool:
            if item_id not in inside:
                try:
                    parent = self.client.get(item_id)
                except (DriveNotFound, DriveForbidden):
                    inside[item_id] = False
                else:
                    inside[item_id] = not parent.trashed and depth < MAX_DEPTH and any(
                        is_inside(p, depth + 1) for p in parent.parents)
            return inside[item_id]

        for item in changed:
            if item.trashed or item.id == root.id or not any(is_inside(p) for p in item.parents):
                continue
            if item.is_folder:
                yield from self._walk(item)
            else:
                yield item

    def _new_content(self, pk: int, items: list[DriveItem],
                     tmp: Path) -> tuple[list[_Found], int]:
        """Download what may be new; keep what the folder has not imported yet."""
        with self.db.session() as session:
            records = {r.file_id: r for r in session.scalars(
                select(DriveFile).where(DriveFile.folder_id == pk))}
        hashes = {r.sha256 for r in records.values()}
        unique = {item.id: item for item in items if _importable(item)}
        found: list[_Found] = []
        unchanged = 0
        for item in unique.values():
            if _unchanged(item, records.get(item.id)):
                unchanged += 1
                continue
            if item.size is not None and item.size > self.max_file_bytes:
                log.warning("drive file %s: %d bytes, over the limit; skipped", item.id,
                            item.size)
                continue
            try:
                if item.is_google_doc:
                    data = self.client.export(item, DOC_EXPORT_MIME)
                    name, mime = item.name, DOC_EXPORT_MIME
                    if not name.lower().endswith(DOC_EXPORT_SUFFIX):
                        name += DOC_EXPORT_SUFFIX
                else:
                    data, name, mime = self.client.download(item), item.name, item.mime_type
            except (DriveNotFound, DriveForbidden) as exc:
                log.warning("drive file %s: cannot be read, skipped: %s", item.id, exc.reason)
                continue
            sha = hashlib.sha256(data).hexdigest()
            path = tmp / f"{len(found)}"
            if sha in hashes:
                # renamed, moved, touched or copied: the same bytes were imported already
                unchanged += 1
                found.append(_Found(item, name, path, sha, None))
                continue
            path.write_bytes(data)
            hashes.add(sha)
            found.append(_Found(item, name, path, sha, mime))
        return found, unchanged

    def _submit(self, pk: int, root: DriveItem, found: list[_Found]) -> Batch | None:
        new = [f for f in found if f.mime is not None]
        if not new:
            return None
        with self.db.session() as session:
            row = session.get(DriveFolder, pk)
            assert row is not None
            owner = session.scalar(select(Recruiter.identity).where(Recruiter.id == row.owner_id))
        fingerprint = hashlib.sha256("\n".join(sorted(
            f"{f.item.id}:{f.item.md5 or f.item.version}:{f.sha256}" for f in new)).encode())
        request = IngestRequest(
            source="drive", submitted_by=owner or "drive",
            files=[IngestFile(name=f.name, path=f.path, declared_mime=f.mime, origin=f.item.id)
                   for f in new],
            note=messages.SYNC_NOTE.format(name=root.name, count=len(new)),
            idempotency_key=f"drive:{pk}:{fingerprint.hexdigest()}",
        )
        return self.submit(request)

    def _save(self, pk: int, root: DriveItem, token: str, found: list[_Found],
              batch: Batch | None) -> None:
        """The page token and what was imported, together, after the submit."""
        try:
            with self.db.session() as session:
                records = {r.file_id: r for r in session.scalars(select(DriveFile).where(
                    DriveFile.folder_id == pk, DriveFile.file_id.in_([f.item.id for f in found])))}
                for f in found:
                    record = records.get(f.item.id)
                    if record is None:
                        record = DriveFile(folder_id=pk, file_id=f.item.id, sha256=f.sha256)
                        session.add(record)
                    record.name = f.item.name[:500]
                    record.md5, record.version, record.sha256 = f.item.md5, f.item.version, f.sha256
                    if f.mime is not None and batch is not None:
                        record.batch_id, record.imported_at = batch.id, utcnow()
                row = session.get(DriveFolder, pk)
                assert row is not None
                row.page_token, row.name = token, root.name[:500]
                row.state, row.broken_reason, row.last_synced_at = "active", None, utcnow()
        except IntegrityError:
            # a concurrent sync of the same folder saved first; its submit was the same batch
            log.warning("drive folder %s: saved by a concurrent sync", root.id)

    def _mark_broken(self, pk: int, report: FolderReport, reason: str) -> FolderReport:
        with self.db.session() as session:
            row = session.get(DriveFolder, pk)
            assert row is not None
            # no token: when the folder is back, a full listing finds what changed meanwhile
            row.state, row.broken_reason, row.page_token = "broken", reason, None
        log.warning("drive folder %s: marked broken: %s", report.folder_id, reason)
        report.state, report.reason = "broken", reason
        return report
