"""Copy every stored file into another blob store and prove each copy (`hotgigs blobs migrate`).

The database says which blobs exist (the storage keys of resumes and inbound mail), so that is
the list copied; from a local folder, legacy sha256-named files are first renamed to their keyed
names (`LocalEncryptedStore.adopt_legacy`), referenced or not, so no file keeps revealing its
hash. Each copy is read back from the target and its sha256 compared with its key; a blob the
target already holds intact is counted, not copied again, so a second run (or one resumed after
a failure) does only what is left.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from sqlalchemy import select

from storage.db import Database
from storage.files import BlobError, BlobStore, LocalEncryptedStore, StoreUnavailable, sha256_hex
from storage.models import InboundMessage, Resume

log = logging.getLogger(__name__)


@dataclass
class MigrationReport:
    renamed: int = 0  # legacy sha256-named files moved to their keyed names (local source)
    copied: int = 0
    already: int = 0  # the target held the blob, intact
    missing: int = 0  # referenced by the database, absent from the source
    failed: int = 0  # could not be copied, or the copy read back differently
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.failed == 0 and self.missing == 0


def referenced_keys(db: Database) -> list[str]:
    """Every blob key the database refers to, each once, in a stable order."""
    with db.session() as session:
        resumes = session.scalars(select(Resume.storage_key).where(
            Resume.storage_key.is_not(None), Resume.storage_key != "").distinct())
        mails = session.scalars(select(InboundMessage.storage_key).where(
            InboundMessage.storage_key != "").distinct())
        return sorted({str(k) for k in resumes} | {str(k) for k in mails})


def adopt_all_legacy(store: LocalEncryptedStore) -> int:
    """Rename every legacy file of a local store; how many there were."""
    return sum(1 for name in list(store.legacy_candidates()) if store.adopt_legacy(name))


def migrate(keys: Iterable[str], source: BlobStore, target: BlobStore,
            progress: Callable[[MigrationReport], None] | None = None) -> MigrationReport:
    """Copy `keys` from `source` to `target`, verifying each; the counts of what happened."""
    report = MigrationReport()
    if isinstance(source, LocalEncryptedStore):
        report.renamed = adopt_all_legacy(source)
    for key in keys:
        _one(key, source, target, report)
        if progress is not None:
            progress(report)
    return report


def _one(key: str, source: BlobStore, target: BlobStore, report: MigrationReport) -> None:
    try:
        if target.exists(key):
            if _reads_back(target, key):
                report.already += 1
                return
            if target is not source:  # a damaged copy: replaced below
                target.delete(key)
        if target is source:  # in place: the legacy renames were the work
            report.missing += 1
            report.problems.append(f"{key[:12]}…: missing or unreadable")
            return
        try:
            data = source.get(key)
        except BlobError as exc:
            report.missing += 1
            report.problems.append(f"{key[:12]}…: {exc}")
            return
        target.put(data)
        if not _reads_back(target, key):
            raise BlobError(f"blob {key[:12]}… read back differently from the target")
        report.copied += 1
    except (BlobError, StoreUnavailable) as exc:
        report.failed += 1
        report.problems.append(f"{key[:12]}…: {exc}")
        log.warning("blob %s…: not migrated: %s", key[:12], exc)


def _reads_back(store: BlobStore, key: str) -> bool:
    """Blob `key` opens from `store` to bytes of that sha256."""
    try:
        return sha256_hex(store.get(key)) == key
    except BlobError:
        return False
