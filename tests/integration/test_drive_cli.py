"""`hotgigs drive add/list/sync/remove` as an operator runs them: real processes, the real
googleapiclient against the Drive stand-in, SQLite, and no Redis (parsed in-process)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from hotgigs.settings import load_settings
from storage.db import Database
from tests.fakes.drive_api import FakeDrive
from tests.integration.drive_rig import connect_own_drive
from tests.resumes import docx_resume, text_pdf

KEY = "Bml7ZV7WczmJQj2kdJ_lRxeIC-EgA7XpaG5_Qx7-9Bc="


@pytest.fixture
def drive() -> Iterator[FakeDrive]:
    with FakeDrive(page_size=2) as fake:
        yield fake


def _env(tmp_path: Path, drive: FakeDrive) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("HOTGIGS_", "DATABASE_URL", "REDIS_URL"))}
    env.update(HOTGIGS_DATA_DIR=str(tmp_path / "data"), HOTGIGS_ENCRYPTION_KEY=KEY,
               DATABASE_URL=f"sqlite:///{tmp_path / 'cli.sqlite3'}",
               HOTGIGS_DRIVE_CREDENTIALS=str(drive.service_account_file(tmp_path)),
               HOTGIGS_DRIVE_API_URL=drive.base_url, HOTGIGS_LOG_LEVEL="WARNING")
    return env


def hotgigs(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "hotgigs", *args], env=env,
                          capture_output=True, text=True, timeout=240)


def test_drive_add_sync_list_remove(tmp_path: Path, drive: FakeDrive) -> None:
    env = _env(tmp_path, drive)
    root = drive.add_folder("Recruiting")
    sub = drive.add_folder("Backend", root)
    drive.add_file("ann.pdf", text_pdf("Ann Lee", "ann@x.test"), root)
    drive.add_file("bob.pdf", text_pdf("Bob Stone", "bob@x.test"), sub)
    drive.add_google_doc("Cy CV", sub, docx=docx_resume("Cy Young", "cy@x.test"))
    other = drive.add_folder("Other")
    drive.add_file("dee.pdf", text_pdf("Dee Dee", "dee@x.test"), other)

    added = hotgigs(env, "drive", "add", f"https://drive.google.com/drive/folders/{root}",
                    "--owner", "Ann@Agency.test", "--slack-channel", "C0123")
    assert added.returncode == 0, added.stderr
    assert "watching Recruiting" in added.stderr
    assert hotgigs(env, "drive", "add", other, "--owner", "bo@agency.test").returncode == 0
    missing = hotgigs(env, "drive", "add", "fld0000notthere0000", "--owner", "ann@agency.test")
    assert missing.returncode == 1
    assert "share the folder (Viewer) with hotgigs@hotgigs-test" in missing.stderr
    assert hotgigs(env, "drive", "add", "not a folder!", "--owner", "x@y.z").returncode == 2

    first = hotgigs(env, "drive", "sync")
    assert first.returncode == 0, first.stderr
    assert f"{root}: synced, full sync: 3 imported" in first.stdout
    assert f"{other}: synced, full sync: 1 imported" in first.stdout
    status = json.loads(hotgigs(env, "status", "--json").stdout)
    assert status["resumes"].get("parsed") == 4, status

    drive.add_file("eve.pdf", text_pdf("Eve Moss", "eve@x.test"), sub)
    second = hotgigs(env, "drive", "sync", "--folder", root)
    assert second.returncode == 0, second.stderr
    assert f"{root}: synced, incremental sync: 1 imported" in second.stdout
    assert other not in second.stdout
    assert "0 imported" in hotgigs(env, "drive", "sync").stdout

    drive.unshare(other)
    broken = hotgigs(env, "drive", "sync")
    assert broken.returncode == 1
    assert f"{root}: synced" in broken.stdout and f"{other}: broken" in broken.stdout
    listed = json.loads(hotgigs(env, "drive", "list", "--json").stdout)
    assert [(f["folder_id"], f["owner"], f["state"]) for f in listed] == [
        (root, "ann@agency.test", "active"), (other, "bo@agency.test", "broken")]
    assert listed[0]["slack_channel"] == "C0123" and listed[0]["name"] == "Recruiting"
    assert "no longer shared" in listed[1]["broken_reason"]
    table = hotgigs(env, "drive", "list").stdout
    assert "broken" in table and "no longer shared" in table

    assert hotgigs(env, "drive", "remove", other).returncode == 0
    assert hotgigs(env, "drive", "remove", other).returncode == 1
    listed = json.loads(hotgigs(env, "drive", "list", "--json").stdout)
    assert [f["folder_id"] for f in listed] == [root]


def test_drive_sync_without_credentials_says_so(tmp_path: Path, drive: FakeDrive) -> None:
    env = _env(tmp_path, drive)
    del env["HOTGIGS_DRIVE_CREDENTIALS"]
    done = hotgigs(env, "drive", "sync")
    assert done.returncode == 2 and "HOTGIGS_DRIVE_CREDENTIALS is not set" in done.stderr


def test_a_recruiters_own_grant_in_list_sync_and_disconnect(
        tmp_path: Path, drive: FakeDrive, monkeypatch: pytest.MonkeyPatch) -> None:
    env = _env(tmp_path, drive)
    public = "https://hotgigs.example.com"
    client_id, secret = drive.accounts.register_client(public + "/drive/callback")
    env.update(HOTGIGS_GOOGLE_CLIENT_ID=client_id, HOTGIGS_GOOGLE_CLIENT_SECRET=secret,
               HOTGIGS_GOOGLE_AUTH_URI=drive.auth_uri, HOTGIGS_GOOGLE_TOKEN_URI=drive.token_uri,
               HOTGIGS_GOOGLE_REVOKE_URI=drive.revoke_uri, HOTGIGS_PUBLIC_URL=public)
    own = drive.add_folder("Ann's own", owner="ann.lee@gmail.test")
    drive.add_file("ann.pdf", text_pdf("Ann Lee", "ann@x.test"), own)
    # the operator's account cannot see a folder in Ann's own Drive
    refused = hotgigs(env, "drive", "add", own, "--owner", "ann@agency.test")
    assert refused.returncode == 1 and "hotgigs@hotgigs-test" in refused.stderr

    # Ann connects (what /drive/callback does; oauthlib needs leave for the HTTP stand-in)
    monkeypatch.setenv("OAUTHLIB_INSECURE_TRANSPORT", "1")
    settings = load_settings(data_dir=tmp_path / "data", encryption_key=KEY,
                             database_url=env["DATABASE_URL"], drive_api_url=drive.base_url,
                             google_client_id=client_id, google_client_secret=secret,
                             google_auth_uri=drive.auth_uri, google_token_uri=drive.token_uri,
                             google_revoke_uri=drive.revoke_uri, public_url=public)
    db = Database(env["DATABASE_URL"])
    try:
        connect_own_drive(settings, db, "ann@agency.test")
    finally:
        db.dispose()

    added = hotgigs(env, "drive", "add", own, "--owner", "ann@agency.test")
    assert added.returncode == 0 and "watching Ann's own" in added.stderr  # checked as Ann
    synced = hotgigs(env, "drive", "sync")
    assert synced.returncode == 0 and f"{own}: synced, full sync: 1 imported" in synced.stdout
    [listed] = json.loads(hotgigs(env, "drive", "list", "--json").stdout)
    assert (listed["account"], listed["state"]) == ("google:ann.lee@gmail.test", "active")

    done = hotgigs(env, "drive", "disconnect", "--owner", "ann@agency.test")
    assert done.returncode == 0 and "revoked at Google; 1 folder(s) stopped" in done.stderr
    assert drive.accounts.refresh_tokens("ann.lee@gmail.test") == []
    table = hotgigs(env, "drive", "list").stdout
    assert "access revoked: reconnect" in table and "google (revoked)" in table
    stopped = hotgigs(env, "drive", "sync")
    assert stopped.returncode == 1
    assert f"{own}: broken, incremental sync: access revoked: reconnect" in stopped.stdout
    again = hotgigs(env, "drive", "disconnect", "--owner", "ann@agency.test")
    assert again.returncode == 1 and "no connected Google Drive" in again.stderr
