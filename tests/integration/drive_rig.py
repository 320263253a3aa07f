"""Drive sync over the real google-api-python-client, the Drive stand-in and a real pipeline."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import select

from bots.drive.folders import add_folder
from bots.drive.gdrive import build_drive_client, service_account_email
from bots.drive.sync import DriveSync, Submit, SyncReport
from storage.models import Batch, DriveFile, DriveFolder, Resume
from tests.fakes.drive_api import FakeDrive
from tests.integration.pipeline_harness import Harness, make_harness

OWNER = "ann@agency.test"


@dataclass
class DriveRig:
    harness: Harness
    drive: FakeDrive
    credentials: Path

    def sync(self, *, full: bool = False, submit: Submit | None = None,
             num_retries: int = 1) -> SyncReport:
        # googleapiclient sleeps random() * 2**n s before retry n: one retry keeps tests quick
        client = build_drive_client(self.credentials, self.drive.base_url,
                                    num_retries=num_retries)
        try:
            sync = DriveSync(self.harness.services.db, client,
                             submit or self.harness.intake.submit,
                             account=service_account_email(self.credentials))
            return sync.sync_all(full=full)
        finally:
            client.close()

    def watch(self, folder_id: str, owner: str = OWNER) -> int:
        folder, _ = add_folder(self.harness.services.db, folder_id, owner)
        return folder.id

    def folder(self, pk: int) -> DriveFolder:
        with self.harness.services.db.session() as session:
            row = session.get(DriveFolder, pk)
            assert row is not None
            return row

    def batches(self) -> list[Batch]:
        with self.harness.services.db.session() as session:
            return list(session.scalars(select(Batch).order_by(Batch.id)))

    def names(self, batch_id: int | None) -> list[str]:
        assert batch_id is not None
        return sorted(r.filename for r in self.harness.resumes(batch_id))

    def records(self) -> list[DriveFile]:
        with self.harness.services.db.session() as session:
            return list(session.scalars(select(DriveFile).order_by(DriveFile.id)))

    def resumes_of(self, file_id: str) -> list[Resume]:
        with self.harness.services.db.session() as session:
            return list(session.scalars(select(Resume).where(Resume.origin == file_id)))


@pytest.fixture
def drive() -> Iterator[FakeDrive]:
    with FakeDrive(page_size=3) as fake:
        yield fake


@pytest.fixture
def rig(make_settings: object, database_url: str, redis_url: str, drive: FakeDrive,
        tmp_path: Path) -> Iterator[DriveRig]:
    credentials = drive.service_account_file(tmp_path)

    def settings(**overrides: object) -> object:
        return make_settings(drive_credentials=credentials,  # type: ignore[operator]
                             drive_api_url=drive.base_url, **overrides)

    harness = make_harness(settings, database_url, redis_url)
    yield DriveRig(harness, drive, credentials)
    harness.close()
