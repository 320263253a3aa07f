"""Drive sync over the real google-api-python-client, the Drive stand-in and a real pipeline."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest
import requests
from sqlalchemy import select

from bots.drive.folders import add_folder
from bots.drive.gdrive import build_drive_client, client_for, service_account_email
from bots.drive.grants import connect
from bots.drive.sync import DriveSync, Submit, SyncReport
from hotgigs.settings import Settings
from hotgigs.wiring import google_oauth, grant_sealer, state_signer
from storage.db import Database
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


def connect_own_drive(settings: Settings, db: Database, identity: str) -> int:
    """What a recruiter's click on "Connect Google Drive" and /drive/callback do, without the
    pages: consent on the Google stand-in (auto-approved), the code exchanged through
    google-auth-oauthlib with the PKCE verifier, the grant stored. Returns the folders resumed.
    """
    oauth, signer = google_oauth(settings), state_signer(settings)
    assert oauth is not None
    state = signer.sign(identity)
    url = oauth.authorization(state, signer.verifier(state))
    location = requests.get(url, allow_redirects=False, timeout=10).headers["Location"]
    answer = {k: v[0] for k, v in parse_qs(urlparse(location).query).items()}
    signer.check(answer["state"], identity)
    creds = oauth.exchange(answer["code"], signer.verifier(answer["state"]))
    client = client_for(creds, settings.drive_api_url)
    try:
        email = client.account_email()
    finally:
        client.close()
    assert creds.refresh_token is not None
    return connect(db, grant_sealer(settings), identity, creds.refresh_token,
                   tuple(creds.granted_scopes or creds.scopes or ()), email)
