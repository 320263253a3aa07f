"""`/drive/connect`: a signed-in recruiter connects their own Google Drive, picks folders to
watch, and disconnects.

The pages only translate: the consent and exchange live in `bots.drive.oauth`, the grant in
`bots.drive.grants`, adding a folder in `bots.drive.folders.watch_folder` (the same use case
as `hotgigs drive add` and Slack). The OAuth `state` names the signed-in recruiter, is signed
and expires; the callback refuses any other (CSRF), and the PKCE verifier is derived from it.
Form posts carry the session's CSRF token.
"""

from __future__ import annotations

import logging
from contextlib import closing
from typing import Annotated

from fastapi import APIRouter, Depends, FastAPI, Form, Request
from sqlalchemy import select
from starlette.responses import RedirectResponse, Response

from bots.drive import messages
from bots.drive.folders import DriveAccess, NotAFolder, list_folders, watch_folder
from bots.drive.gdrive import GoogleDriveClient, client_for
from bots.drive.grants import Grant, connect, disconnect, grant_for, mark_revoked
from bots.drive.oauth import OAuthClient, OAuthFailed
from bots.drive.port import DriveError, DriveGrantRevoked, DriveItem, DriveNotFound
from hotgigs.bootstrap import Services
from hotgigs.web.pages import pages_of
from hotgigs.web.session import SignedIn, csrf_ok, signed_in
from hotgigs.wiring import google_oauth, grant_sealer, state_signer
from storage.models import Recruiter

log = logging.getLogger(__name__)

PAGE = "drive_connect.html"
NOT_CONFIGURED = ("Connecting Google Drive is not set up on this server yet "
                  "(HOTGIGS_GOOGLE_CLIENT_ID and HOTGIGS_GOOGLE_CLIENT_SECRET).")
DENIED = "Google Drive was not connected: access was not allowed ({error})."
FAILED = "Google Drive was not connected: {reason}."
FORM_EXPIRED = "The form expired; reload the page and try again."
NOT_CONNECTED = "Connect Google Drive first."
NOT_FOUND = "Your Google account cannot see folder {id}."
UNREADABLE = "Google Drive could not be read right now ({reason}); try again later."
DONE = {"connected": "Google Drive is connected: pick the folders to watch.",
        "added": "The folder is watched: its resumes are imported at the next Drive sync.",
        "already": "You already watch this folder.",
        "disconnected": "Google Drive is disconnected; your folders stop syncing."}


class DriveConnect:
    """The pages' work over the server's services (settings read once)."""

    def __init__(self, services: Services, oauth: OAuthClient | None) -> None:
        self.db = services.db
        self.settings = services.settings
        self.oauth = oauth
        self.sealer = grant_sealer(services.settings)
        self.signer = state_signer(services.settings)

    def identity(self, me: SignedIn) -> str:
        with self.db.session() as session:
            found = session.scalar(select(Recruiter.identity).where(
                Recruiter.id == me.recruiter_id))
        return found or me.email.lower()

    def _client(self, grant: Grant) -> GoogleDriveClient:
        """A Drive client reading as the recruiter, for one request (close it after)."""
        assert self.oauth is not None and grant.refresh_token is not None
        return client_for(self.oauth.credentials(grant.refresh_token, grant.scopes),
                          self.settings.drive_api_url)

    def page(self, request: Request, me: SignedIn, *, status: int = 200,
             error: str | None = None, done: str | None = None) -> Response:
        pages = pages_of(request)
        if self.oauth is None:
            return pages.render(request, PAGE, status=503, error=NOT_CONFIGURED, grant=None,
                                folders=[], choices=[], connect_url=None, notice=None)
        identity = self.identity(me)
        grant = grant_for(self.db, self.sealer, identity)
        choices: list[DriveItem] = []
        if grant is not None and grant.active:
            try:
                with closing(self._client(grant)) as client:
                    choices = client.folders()
            except DriveGrantRevoked as exc:
                mark_revoked(self.db, grant.recruiter_id, exc.reason)
                grant = grant_for(self.db, self.sealer, identity)
            except DriveError as exc:
                error = error or UNREADABLE.format(reason=exc.reason)
        connect_url = None
        if grant is None or not grant.active:
            state = self.signer.sign(identity)
            connect_url = self.oauth.authorization(state, self.signer.verifier(state))
        watched = list_folders(self.db, identity)
        known = {f.folder_id for f in watched}
        return pages.render(request, PAGE, status=status, error=error, grant=grant,
                            folders=watched, choices=[c for c in choices if c.id not in known],
                            connect_url=connect_url, notice=DONE.get(done or ""),
                            revoked=messages.ACCESS_REVOKED)

    def callback(self, request: Request, me: SignedIn, state: str, code: str,
                 error: str) -> Response:
        if self.oauth is None:
            return self.page(request, me)
        identity = self.identity(me)
        if error:
            return self.page(request, me, status=400, error=DENIED.format(error=error))
        try:
            self.signer.check(state, identity)
            credentials = self.oauth.exchange(code, self.signer.verifier(state))
        except OAuthFailed as exc:
            log.warning("drive connect for recruiter %s refused: %s", me.recruiter_id,
                        exc.reason)
            return self.page(request, me, status=400, error=FAILED.format(reason=exc.reason))
        try:
            with closing(client_for(credentials, self.settings.drive_api_url)) as client:
                email = client.account_email()
        except DriveError:
            email = None  # only shown on the page; the grant works without it
        assert credentials.refresh_token is not None  # exchange() checked it
        connect(self.db, self.sealer, identity, credentials.refresh_token,
                tuple(credentials.granted_scopes or credentials.scopes or ()), email)
        return RedirectResponse("/drive/connect?done=connected", status_code=303)

    def pick(self, request: Request, me: SignedIn, csrf: str, ref: str) -> Response:
        if not csrf_ok(me, csrf):
            return self.page(request, me, status=403, error=FORM_EXPIRED)
        identity = self.identity(me)
        grant = grant_for(self.db, self.sealer, identity)
        if self.oauth is None or grant is None or not grant.active:
            return self.page(request, me, status=409, error=NOT_CONNECTED)
        client = self._client(grant)
        try:
            watched = watch_folder(self.db, ref, identity,
                                   drive=DriveAccess(client.get, grant.google_email))
        except NotAFolder as exc:
            return self.page(request, me, status=400, error=str(exc))
        except ValueError as exc:
            return self.page(request, me, status=400, error=str(exc))
        except DriveNotFound:
            return self.page(request, me, status=404, error=NOT_FOUND.format(id=ref.strip()))
        except DriveGrantRevoked as exc:
            mark_revoked(self.db, grant.recruiter_id, exc.reason)
            return self.page(request, me, status=409, error=messages.ACCESS_REVOKED)
        except DriveError as exc:
            return self.page(request, me, status=502, error=UNREADABLE.format(reason=exc.reason))
        finally:
            client.close()
        log.info("drive folder %s watched for recruiter %s from the page",
                 watched.folder.folder_id, me.recruiter_id)
        done = "added" if watched.created else "already"
        return RedirectResponse(f"/drive/connect?done={done}", status_code=303)

    def disconnect(self, request: Request, me: SignedIn, csrf: str) -> Response:
        if not csrf_ok(me, csrf):
            return self.page(request, me, status=403, error=FORM_EXPIRED)
        if self.oauth is not None:
            disconnect(self.db, self.sealer, self.identity(me), self.oauth.revoke)
        return RedirectResponse("/drive/connect?done=disconnected", status_code=303)


def add_drive_connect_routes(app: FastAPI, services: Services) -> None:
    """GET /drive/connect, GET /drive/callback, POST /drive/folders, POST /drive/disconnect."""
    pages = DriveConnect(services, google_oauth(services.settings))
    router = APIRouter(prefix="/drive", include_in_schema=False)

    @router.get("/connect")
    def connect_page(request: Request, me: Annotated[SignedIn, Depends(signed_in)],
                     done: str = "") -> Response:
        return pages.page(request, me, done=done)

    @router.get("/callback")
    def callback(request: Request, me: Annotated[SignedIn, Depends(signed_in)],
                 state: str = "", code: str = "", error: str = "") -> Response:
        return pages.callback(request, me, state, code, error)

    @router.post("/folders")
    def pick(request: Request, me: Annotated[SignedIn, Depends(signed_in)],
             csrf: Annotated[str, Form()] = "", folder: Annotated[str, Form()] = "",
             url: Annotated[str, Form()] = "") -> Response:
        return pages.pick(request, me, csrf, url.strip() or folder)

    @router.post("/disconnect")
    def disconnect_post(request: Request, me: Annotated[SignedIn, Depends(signed_in)],
                        csrf: Annotated[str, Form()] = "") -> Response:
        return pages.disconnect(request, me, csrf)

    app.include_router(router)
