"""`/drive/connect` over real HTTP: the app on uvicorn, a recruiter's session cookie, the browser's
trip through the Google stand-in's consent page and back to `/drive/callback`, the code
exchanged through google-auth-oauthlib, a folder picked from the recruiter's own Drive, a sync
reading it with their token, Google revoking the grant, the folder shown broken, a reconnect,
and a disconnect. Both databases, real Redis."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from html import unescape
from pathlib import Path

import pytest
import requests
from sqlalchemy import select

from bots.drive import messages
from bots.drive.folders import list_folders
from hotgigs.bootstrap import Services
from hotgigs.settings import Settings
from hotgigs.web.app import build_app
from hotgigs.web.http import HttpServer
from hotgigs.web.session import COOKIE, Sessions, session_key
from hotgigs.wiring import run_drive_sync
from storage.models import Batch
from storage.recruiters import recruiter_for
from tests.fakes.drive_api import FakeDrive
from tests.helpers import free_port
from tests.integration.pipeline_harness import Harness, make_harness
from tests.resumes import text_pdf

ANN = "ann@agency.test"
GOOGLE_ANN = "ann.lee@gmail.test"


@dataclass
class Web:
    harness: Harness
    drive: FakeDrive
    base: str
    browser: requests.Session

    def get(self, path: str) -> requests.Response:
        return self.browser.get(self.base + path, timeout=30)

    def post(self, path: str, **form: str) -> requests.Response:
        return self.browser.post(self.base + path, data=form, timeout=30)

    def csrf(self, page: requests.Response) -> str:
        match = re.search(r'name="csrf" value="([^"]+)"', page.text)
        assert match, page.text
        return match.group(1)

    def connect(self) -> requests.Response:
        """Click "Connect Google Drive": consent (auto-approved) and back through the
        callback, redirects followed as a browser does."""
        page = self.get("/drive/connect")
        assert page.status_code == 200, page.text
        match = re.search(r'id="connect" href="([^"]+)"', page.text)
        assert match, page.text
        return self.browser.get(unescape(match.group(1)), timeout=30)

    def sync(self) -> dict[str, tuple[str, int, str | None]]:
        report = run_drive_sync(self.harness.services, self.harness.intake)
        return {f.folder_id: (f.state, f.imported, f.reason) for f in report.folders}


@pytest.fixture
def web(make_settings: object, database_url: str, redis_url: str, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> Iterator[Web]:
    # oauthlib refuses plain-HTTP token endpoints unless told this is a local test setup
    monkeypatch.setenv("OAUTHLIB_INSECURE_TRANSPORT", "1")
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    with FakeDrive(page_size=2) as drive:
        client_id, secret = drive.accounts.register_client(base + "/drive/callback")

        def settings(**overrides: object) -> Settings:
            return make_settings(  # type: ignore[operator,no-any-return]
                drive_credentials=drive.service_account_file(tmp_path),
                drive_api_url=drive.base_url, public_url=base, google_client_id=client_id,
                google_client_secret=secret, google_auth_uri=drive.auth_uri,
                google_token_uri=drive.token_uri, google_revoke_uri=drive.revoke_uri,
                **overrides)

        harness = make_harness(settings, database_url, redis_url)
        server = HttpServer("127.0.0.1", port, build_app(harness.services))
        server.start()
        try:
            yield Web(harness, drive, base, signed_in_browser(harness.services, ANN))
        finally:
            server.stop()
            harness.close()


def signed_in_browser(services: Services, email: str) -> requests.Session:
    with services.db.session() as session:
        recruiter_id = recruiter_for(session, email).id
    browser = requests.Session()
    value = Sessions(session_key(services.settings), secure=False).cookie_value(recruiter_id,
                                                                                 email)
    browser.cookies.set(COOKIE, value, domain="127.0.0.1", path="/")
    return browser


def test_connect_pick_sync_revoke_reconnect_disconnect_over_http(web: Web) -> None:
    drive = web.drive
    own = drive.add_folder("Ann Recruiting", owner=GOOGLE_ANN)
    drive.add_folder("Ann Private", owner=GOOGLE_ANN)
    drive.add_folder("Someone Else", owner="zed@gmail.test")
    drive.add_file("one.pdf", text_pdf("Una Person", "una@x.test"), own)

    # not connected: a page with the consent link (read-only, offline, PKCE, signed state)
    page = web.get("/drive/connect")
    assert page.status_code == 200 and "Connect Google Drive" in page.text
    back = web.connect()
    assert back.status_code == 200, back.text
    assert back.url == web.base + "/drive/connect?done=connected"
    [consent] = drive.accounts.consents
    assert consent["access_type"] == "offline" and consent["code_challenge_method"] == "S256"
    assert consent["redirect_uri"] == web.base + "/drive/callback"
    assert f"Connected as <strong>{GOOGLE_ANN}</strong>" in back.text
    # the picker lists Ann's folders (files.list with her token), not other people's
    assert "Ann Recruiting" in back.text and "Ann Private" in back.text
    assert "Someone Else" not in back.text

    picked = web.post("/drive/folders", csrf=web.csrf(back), folder=own)
    assert picked.url.endswith("done=added") and "Ann Recruiting" in picked.text
    [watched] = list_folders(web.harness.services.db, ANN)
    assert (watched.folder_id, watched.name, watched.state) == (own, "Ann Recruiting", "active")

    drive.callers.clear()
    assert web.sync()[own] == ("synced", 1, None)
    assert set(drive.callers) == {GOOGLE_ANN}  # read with Ann's token only
    with web.harness.services.db.session() as session:
        batch = session.scalar(select(Batch).order_by(Batch.id.desc()))
        assert batch is not None and batch.submitted_by == ANN

    # Ann revokes HotGigs on her Google account page: the next sync marks the folder broken
    drive.accounts.revoke_user(GOOGLE_ANN)
    drive.add_file("two.pdf", text_pdf("Dos Person", "dos@x.test"), own)
    assert web.sync()[own] == ("broken", 0, messages.ACCESS_REVOKED)
    page = web.get("/drive/connect")
    assert "broken: access revoked: reconnect" in page.text
    assert 'id="connect"' in page.text  # offered to connect again

    # reconnect: the folder is active again and the sync picks up where it stopped
    back = web.connect()
    assert back.url.endswith("done=connected") and "broken:" not in back.text
    report = run_drive_sync(web.harness.services, web.harness.intake)
    [again] = [f for f in report.folders if f.folder_id == own]
    assert (again.state, again.mode, again.imported) == ("synced", "incremental", 1)

    # disconnect: revoked at Google, the folder stops with the same reason
    page = web.get("/drive/connect")
    gone = web.post("/drive/disconnect", csrf=web.csrf(page))
    assert gone.url.endswith("done=disconnected")
    assert "broken: access revoked: reconnect" in gone.text
    assert drive.accounts.refresh_tokens(GOOGLE_ANN) == []
    assert drive.accounts.revocations  # the endpoint was called
    assert web.sync()[own] == ("broken", 0, messages.ACCESS_REVOKED)


def test_the_callback_and_forms_refuse_what_is_not_theirs(web: Web) -> None:
    # a callback whose state was signed for another recruiter (or forged) connects nothing
    page = web.get("/drive/connect")
    link = unescape(re.search(r'id="connect" href="([^"]+)"', page.text).group(1))  # type: ignore[union-attr]
    bob = signed_in_browser(web.harness.services, "bob@agency.test")
    to_callback = bob.get(link, allow_redirects=False, timeout=30).headers["Location"]
    refused = bob.get(to_callback, timeout=30)
    assert refused.status_code == 400 and "meant for another recruiter" in refused.text
    forged = web.get("/drive/callback?state=forged&code=4/whatever")
    assert forged.status_code == 400 and "does not belong to this session" in forged.text
    denied = web.get("/drive/callback?error=access_denied")
    assert denied.status_code == 400 and "access_denied" in denied.text
    assert web.harness.services.db is not None and not list_folders(web.harness.services.db)

    # signed out: off to sign in; a form without the session's CSRF token is refused
    anonymous = requests.get(web.base + "/drive/connect", allow_redirects=False, timeout=30)
    assert anonymous.status_code == 303
    assert anonymous.headers["Location"] == "/signin?next=/drive/connect"
    web.connect()
    page = web.get("/drive/connect")
    assert web.post("/drive/folders", csrf="nope", folder="x" * 20).status_code == 403
    assert web.post("/drive/disconnect", csrf="nope").status_code == 403
    bad = web.post("/drive/folders", csrf=web.csrf(page), url="https://example.com/x")
    assert bad.status_code == 400 and "not a Google Drive folder" in bad.text
    unseen = web.drive.add_folder("Zed's", owner="zed@gmail.test")
    hidden = web.post("/drive/folders", csrf=web.csrf(page), folder=unseen)
    assert hidden.status_code == 404 and "cannot see folder" in hidden.text
    assert not list_folders(web.harness.services.db)
