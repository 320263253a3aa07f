"""A recruiter's own Google Drive grant, below the web pages: google-auth-oauthlib's consent and
code exchange, the refresh token sealed in the database, a sync reading their folder with their
token (the operator's folders still with the service account), Google refusing the grant,
the folders broken and shown so (listing, digest), a reconnect resuming from the page tokens,
and a disconnect revoking at Google. Real libraries against the Google stand-in, both
databases, real Redis."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest
import requests
from sqlalchemy import select

from bots.drive import messages
from bots.drive.folders import add_folder, list_folders
from bots.drive.grants import (
    TokenSealer,
    disconnect,
    grant_for,
)
from bots.drive.oauth import OAuthClient, OAuthFailed, StateSigner
from digests import Scope, When, collect, zone
from digests.render import render_text
from hotgigs.settings import Settings
from hotgigs.wiring import google_oauth, grant_sealer, run_drive_sync, state_signer
from storage.models import Batch, DriveGrant, utcnow
from tests.fakes.drive_api import SERVICE_ACCOUNT, FakeDrive
from tests.integration.drive_rig import connect_own_drive
from tests.integration.pipeline_harness import Harness, make_harness
from tests.resumes import text_pdf

PUBLIC = "http://hotgigs.test"
ANN = "ann@agency.test"  # connects her Google account ann.lee@gmail.test
BOB = "bob@agency.test"  # shares his folder with the operator's service account
GOOGLE_ANN = "ann.lee@gmail.test"


@pytest.fixture
def drive(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeDrive]:
    # oauthlib refuses plain-HTTP token endpoints unless told this is a local test setup
    monkeypatch.setenv("OAUTHLIB_INSECURE_TRANSPORT", "1")
    with FakeDrive(page_size=3) as fake:
        yield fake


@pytest.fixture
def harness(make_settings: object, database_url: str, redis_url: str, drive: FakeDrive,
            tmp_path: Path) -> Iterator[Harness]:
    client_id, secret = drive.accounts.register_client(PUBLIC + "/drive/callback")

    def settings(**overrides: object) -> Settings:
        return make_settings(  # type: ignore[operator,no-any-return]
            drive_credentials=drive.service_account_file(tmp_path),
            drive_api_url=drive.base_url, public_url=PUBLIC, google_client_id=client_id,
            google_client_secret=secret, google_auth_uri=drive.auth_uri,
            google_token_uri=drive.token_uri, google_revoke_uri=drive.revoke_uri, **overrides)

    h = make_harness(settings, database_url, redis_url)
    yield h
    h.close()


def consent(oauth: OAuthClient, signer: StateSigner, identity: str) -> str:
    """The browser's trip to Google: the consent URL, auto-approved, back with a code."""
    state = signer.sign(identity)
    url = oauth.authorization(state, signer.verifier(state))
    sent = parse_qs(urlparse(url).query)
    assert sent["access_type"] == ["offline"] and sent["code_challenge_method"] == ["S256"]
    assert sent["scope"] == ["https://www.googleapis.com/auth/drive.readonly"]
    back = requests.get(url, allow_redirects=False, timeout=10)
    assert back.status_code == 302
    location = back.headers["Location"]
    assert location.startswith(PUBLIC + "/drive/callback?")
    answer = {k: v[0] for k, v in parse_qs(urlparse(location).query).items()}
    assert signer.check(answer["state"], identity)
    return answer["code"]


def connect_ann(harness: Harness, signer: StateSigner) -> int:
    return connect_own_drive(harness.settings, harness.services.db, ANN)


def sync(harness: Harness) -> dict[str, tuple[str, int, str | None]]:
    report = run_drive_sync(harness.services, harness.intake)
    return {f.folder_id: (f.state, f.imported, f.reason) for f in report.folders}


def batches(harness: Harness) -> list[Batch]:
    with harness.services.db.session() as session:
        return list(session.scalars(select(Batch).order_by(Batch.id)))


def test_connect_sync_with_the_users_token_revoke_broken_reconnect_resumes(
        harness: Harness, drive: FakeDrive) -> None:
    db = harness.services.db
    signer = state_signer(harness.settings)
    own = drive.add_folder("Ann's CVs", owner=GOOGLE_ANN)  # in Ann's own Drive, not shared
    drive.add_file("first.pdf", text_pdf("First Person", "first@x.test"), own)
    shared = drive.add_folder("Bob's CVs")  # shared with the service account
    drive.add_file("bob.pdf", text_pdf("Bob Found", "found@x.test"), shared)
    add_folder(db, own, ANN)
    add_folder(db, shared, BOB)

    # before Ann connects, her folder is read with the service account, which cannot see it
    before = sync(harness)
    assert before[own][0] == "broken" and SERVICE_ACCOUNT in str(before[own][2])
    assert before[shared][:2] == ("synced", 1)

    assert connect_ann(harness, signer) == 0  # "not found" is not a revocation: not resumed
    grant = grant_for(db, grant_sealer(harness.settings), ANN)
    assert grant is not None and grant.active and grant.google_email == GOOGLE_ANN
    with db.session() as session:
        row = session.scalar(select(DriveGrant))
        assert row is not None and row.refresh_token is not None
        # sealed at rest: the token Google issued is nowhere in the stored bytes
        [issued] = drive.accounts.refresh_tokens(GOOGLE_ANN)
        assert issued.encode() not in row.refresh_token and grant.refresh_token == issued

    drive.callers.clear()
    after = sync(harness)
    assert after[own][:2] == ("synced", 1) and after[shared][:2] == ("synced", 0)
    assert GOOGLE_ANN in drive.callers and SERVICE_ACCOUNT in drive.callers
    ann_batch = batches(harness)[-1]
    assert (ann_batch.submitted_by, ann_batch.source) == (ANN, "drive")
    assert [r.filename for r in harness.resumes(ann_batch.id)] == ["first.pdf"]

    # Ann removes HotGigs from her Google account: the refresh is refused at the next sync
    drive.accounts.revoke_user(GOOGLE_ANN)
    drive.add_file("second.pdf", text_pdf("Second Person", "second@x.test"), own)
    drive.add_file("bob2.pdf", text_pdf("Bob Again", "again@x.test"), shared)
    revoked = sync(harness)
    assert revoked[own] == ("broken", 0, messages.ACCESS_REVOKED)
    assert revoked[shared][:2] == ("synced", 1)  # the other recruiters' folders go on
    grant = grant_for(db, grant_sealer(harness.settings), ANN)
    assert grant is not None and grant.state == "revoked" and grant.refresh_token is None
    assert grant.reason and "invalid_grant" in grant.reason
    [view] = [f for f in list_folders(db, ANN)]
    assert (view.state, view.broken_reason) == ("broken", "access revoked: reconnect")
    # a revoked grant does not fall back to the service account: the folder waits
    calls = len(drive.api_calls(own))
    assert sync(harness)[own] == ("broken", 0, messages.ACCESS_REVOKED)
    assert len(drive.api_calls(own)) == calls  # not read at all

    # the recruiter's digest says so
    with db.session() as session:
        owner_id = session.scalar(select(DriveGrant.recruiter_id))
        now = utcnow()
        data = collect(session, Scope("email", ANN, When(zone("UTC"), 8), recruiter_id=owner_id),
                       now.date(), now - timedelta(days=1), now + timedelta(minutes=1))
    assert [(b.name, b.reason) for b in data.broken] == [("Ann's CVs", messages.ACCESS_REVOKED)]
    assert "access revoked: reconnect" in render_text(data)

    # reconnecting resumes the folder from its page token: only the new file comes in
    assert connect_ann(harness, signer) == 1
    report = run_drive_sync(harness.services, harness.intake)
    [resumed] = [f for f in report.folders if f.folder_id == own]
    assert (resumed.state, resumed.mode, resumed.imported) == ("synced", "incremental", 1)
    names = sorted(r.filename for b in batches(harness) if b.submitted_by == ANN
                   for r in harness.resumes(b.id))
    assert names == ["first.pdf", "second.pdf"]


def test_disconnect_revokes_at_google_and_stops_the_folders(harness: Harness,
                                                            drive: FakeDrive) -> None:
    db = harness.services.db
    signer = state_signer(harness.settings)
    own = drive.add_folder("Mine", owner=GOOGLE_ANN)
    drive.add_file("a.pdf", text_pdf("Alpha Person", "alpha@x.test"), own)
    add_folder(db, own, ANN)
    connect_ann(harness, signer)
    assert sync(harness)[own][:2] == ("synced", 1)
    oauth = google_oauth(harness.settings)
    assert oauth is not None

    done = disconnect(db, grant_sealer(harness.settings), ANN, oauth.revoke)
    assert (done.found, done.revoked_at_google, done.folders) == (True, True, 1)
    assert drive.accounts.refresh_tokens(GOOGLE_ANN) == []  # revoked at Google
    [view] = list_folders(db, ANN)
    assert (view.state, view.broken_reason) == ("broken", messages.ACCESS_REVOKED)
    grant = grant_for(db, grant_sealer(harness.settings), ANN)
    assert grant is not None and grant.state == "revoked" and grant.reason == messages.DISCONNECTED
    with db.session() as session:
        assert session.scalar(select(DriveGrant.refresh_token)) is None  # the token is gone
    assert sync(harness)[own] == ("broken", 0, messages.ACCESS_REVOKED)
    # a second disconnect has nothing to revoke
    again = disconnect(db, grant_sealer(harness.settings), ANN, oauth.revoke)
    assert (again.found, again.folders) == (False, 0)
    assert len(drive.accounts.revocations) == 1


def test_the_consent_is_bound_to_the_recruiter_and_the_verifier(harness: Harness,
                                                                 drive: FakeDrive) -> None:
    signer = state_signer(harness.settings)
    oauth = google_oauth(harness.settings)
    assert oauth is not None
    code = consent(oauth, signer, ANN)
    with pytest.raises(OAuthFailed, match="another recruiter"):
        signer.check(signer.sign(ANN), BOB)
    with pytest.raises(OAuthFailed, match="does not belong"):
        signer.check(signer.sign(ANN) + "x", ANN)
    with pytest.raises(OAuthFailed, match="too long"):
        StateSigner(b"k" * 32, max_age=-1).check(StateSigner(b"k" * 32).sign(ANN), ANN)
    # a stolen code is useless without the verifier only our server can derive
    with pytest.raises(OAuthFailed, match="invalid_grant"):
        oauth.exchange(code, signer.verifier(signer.sign(ANN)))
    # the user says no: Google sends an error back, there is no code
    drive.accounts.deny = True
    state = signer.sign(ANN)
    location = requests.get(oauth.authorization(state, signer.verifier(state)),
                            allow_redirects=False, timeout=10).headers["Location"]
    assert parse_qs(urlparse(location).query)["error"] == ["access_denied"]


def test_sealed_tokens_open_only_for_their_recruiter_and_key() -> None:
    from bots.drive.grants import SealError

    sealer = TokenSealer(b"a" * 32)
    sealed = sealer.seal("1//refresh", 7)
    assert sealer.open(sealed, 7) == "1//refresh" and b"refresh" not in sealed
    with pytest.raises(SealError):
        sealer.open(sealed, 8)  # moved to another recruiter's row
    with pytest.raises(SealError):
        TokenSealer(b"b" * 32).open(sealed, 7)


def test_a_grant_sealed_under_another_key_asks_to_reconnect_and_stops_no_one_else(
        harness: Harness, drive: FakeDrive) -> None:
    db = harness.services.db
    own = drive.add_folder("Mine", owner=GOOGLE_ANN)
    shared = drive.add_folder("Shared")
    drive.add_file("s.pdf", text_pdf("Shared Person", "shared@x.test"), shared)
    add_folder(db, own, ANN)
    add_folder(db, shared, BOB)
    connect_own_drive(harness.settings, db, ANN)
    with db.session() as session:  # as if HOTGIGS_ENCRYPTION_KEY had been replaced
        row = session.scalar(select(DriveGrant))
        assert row is not None
        row.refresh_token = TokenSealer(b"another key, 32 bytes long......").seal("x", 1)
    result = sync(harness)
    assert result[own] == ("broken", 0, messages.ACCESS_REVOKED)
    assert result[shared][:2] == ("synced", 1)
