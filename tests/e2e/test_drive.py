"""The Drive door end to end: a watched folder on the Drive stand-in (service-account
credentials), `hotgigs drive sync` next to a running `hotgigs serve`, parsed by its workers."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.e2e.conftest import Serve
from tests.fakes.drive_api import FakeDrive
from tests.helpers import wait_until
from tests.resumes import docx_resume, text_pdf


@pytest.fixture
def drive() -> Iterator[FakeDrive]:
    with FakeDrive() as fake:
        yield fake


def test_a_synced_folder_becomes_candidates_on_the_workers(
        start_serve: Callable[..., Serve], drive: FakeDrive, tmp_path: Path) -> None:
    serve = start_serve()
    root = drive.add_folder("Recruiting")
    drive.add_file("ann.pdf", text_pdf("Ann Lee", "ann@x.test"), root)
    drive.add_google_doc("Cy CV", drive.add_folder("Backend", root),
                         docx=docx_resume("Cy Young", "cy@x.test"))
    credentials = {"HOTGIGS_DRIVE_CREDENTIALS": str(drive.service_account_file(tmp_path)),
                   "HOTGIGS_DRIVE_API_URL": drive.base_url}

    added = serve.hotgigs("drive", "add", root, "--owner", "ann@agency.test", **credentials)
    assert added.returncode == 0, added.stderr
    synced = serve.hotgigs("drive", "sync", **credentials)
    assert synced.returncode == 0, synced.stderr
    assert f"{root}: synced, full sync: 2 imported" in synced.stdout
    assert "processing in this process" not in synced.stderr  # the serve's workers parse

    wait_until(lambda: serve.status()["resumes"].get("parsed") == 2, timeout=240,
               what="two parsed resumes")
    assert serve.candidate_names() == ["Ann Lee", "Cy Young"]
