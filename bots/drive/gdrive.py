"""The real Drive port: google-api-python-client's `drive` v3, read-only, with bounded retries.

The client is built from the discovery document bundled with the library (no discovery fetch at
run time); `HOTGIGS_DRIVE_API_URL` replaces the endpoint. Credentials are a service-account JSON
(the folder is shared with its address), a stored OAuth user token file, or a recruiter's own
grant (bots/drive/grants.py), all read-only scope. A refresh Google refuses with
`invalid_grant` becomes `DriveGrantRevoked`.
Rate limits (403 rateLimitExceeded, 429), 5xx and dropped connections are retried by the client
itself (`execute(num_retries=…)`, jittered exponential backoff); what is left is turned into the
port's errors.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import google_auth_httplib2
import httplib2
from google.auth.credentials import Credentials
from google.auth.exceptions import RefreshError, TransportError
from google.oauth2 import credentials as user_credentials
from google.oauth2 import service_account
from googleapiclient.discovery import build
from googleapiclient.errors import HttpError

from bots.drive.port import (
    FOLDER_MIME,
    ChangePage,
    DriveAuthError,
    DriveError,
    DriveForbidden,
    DriveGrantRevoked,
    DriveInvalidToken,
    DriveItem,
    DriveNotFound,
    DriveUnavailable,
)

SCOPES = ("https://www.googleapis.com/auth/drive.readonly",)
ITEM_FIELDS = "id,name,mimeType,parents,md5Checksum,version,size,trashed,driveId"
RATE_LIMIT_REASONS = {"rateLimitExceeded", "userRateLimitExceeded"}
PAGE_SIZE = 1000
# retries after the first call; googleapiclient waits up to 2**n s before the n-th, so four
# retries keep a struggling call under about 30 s, as the hand-written backoff did
NUM_RETRIES = 4


def load_credentials(path: Path) -> Credentials:
    """Service-account JSON or an authorized-user token file, scoped read-only."""
    info = json.loads(path.read_text())
    kind = info.get("type")
    if kind == "service_account":
        return service_account.Credentials.from_service_account_info(info, scopes=SCOPES)
    if kind == "authorized_user":
        return user_credentials.Credentials.from_authorized_user_info(info, scopes=list(SCOPES))
    raise ValueError(f"{path}: expected a service_account or authorized_user JSON, got {kind!r}")


def service_account_email(path: Path) -> str | None:
    """The address a recruiter shares folders with (None for a user token)."""
    try:
        email = json.loads(path.read_text()).get("client_email")
    except (OSError, ValueError):
        return None
    return str(email) if email else None


def api_endpoint(url: str) -> str:
    """The Drive v3 base for an override: a bare host gets `/drive/v3/` appended."""
    base = url.rstrip("/")
    if not base.endswith("/drive/v3"):
        base += "/drive/v3"
    return base + "/"


def _item(data: dict[str, Any]) -> DriveItem:
    size = data.get("size")
    return DriveItem(
        id=str(data["id"]), name=str(data.get("name") or data["id"]),
        mime_type=str(data.get("mimeType") or ""), parents=tuple(data.get("parents") or ()),
        md5=data.get("md5Checksum"), version=str(data["version"]) if "version" in data else None,
        size=int(size) if size is not None else None, trashed=bool(data.get("trashed", False)),
        drive_id=data.get("driveId"),
    )


def _error_reason(exc: HttpError) -> tuple[str, str]:
    """(reason code, message) from Google's JSON error body, as far as it has them."""
    try:
        error = json.loads(exc.content or b"{}").get("error", {})
    except ValueError:
        return "", str(exc.resp.reason or "")
    if not isinstance(error, dict):
        return "", str(error)
    details = error.get("errors") or [{}]
    return str(details[0].get("reason") or error.get("status") or ""), str(error.get("message", ""))


class GoogleDriveClient:
    """`DriveClient` over googleapiclient; one instance per sync run (httplib2 is not shared)."""

    def __init__(self, service: Any, num_retries: int = NUM_RETRIES) -> None:
        self._service = service
        self._files = service.files()
        self._changes = service.changes()
        self.num_retries = num_retries

    def close(self) -> None:
        """Close the HTTP connections (the client is not used afterwards)."""
        self._service.close()

    def _call(self, what: str, request: Callable[[], Any]) -> Any:
        """One request; the library retries transient answers, we name what is left."""
        attempts = self.num_retries + 1
        try:
            return request().execute(num_retries=self.num_retries)
        except HttpError as exc:
            status = int(exc.resp.status)
            reason, message = _error_reason(exc)
            transient = status in (429, 500, 502, 503, 504) or (
                status == 403 and reason in RATE_LIMIT_REASONS)
            if transient:
                raise DriveUnavailable(
                    f"{what}: HTTP {status} {reason} after {attempts} attempts".strip()) from None
            raise self._permanent(what, status, reason, message) from None
        except RefreshError as exc:
            if "invalid_grant" in str(exc):
                raise DriveGrantRevoked(f"Drive credentials refused: {exc}") from None
            if exc.retryable:
                raise DriveUnavailable(f"{what}: token refresh failed: {exc}") from None
            raise DriveAuthError(f"Drive credentials refused: {exc}") from None
        except (TransportError, OSError, httplib2.HttpLib2Error) as exc:
            raise DriveUnavailable(f"{what}: {type(exc).__name__}: {exc} "
                                   f"after {attempts} attempts") from None

    @staticmethod
    def _permanent(what: str, status: int, reason: str, message: str) -> DriveError:
        text = f"{what}: HTTP {status} {reason} {message}".strip()
        if status == 404:
            return DriveNotFound(text)
        if status == 401:
            return DriveAuthError(text)
        if status == 403:
            return DriveForbidden(text)
        return DriveError(text)

    def get(self, item_id: str) -> DriveItem:
        data = self._call(f"files.get {item_id}", lambda: self._files.get(
            fileId=item_id, fields=ITEM_FIELDS, supportsAllDrives=True))
        return _item(data)

    def children(self, folder: DriveItem) -> Iterator[DriveItem]:
        escaped = folder.id.replace("\\", "\\\\").replace("'", "\\'")
        params: dict[str, Any] = {
            "q": f"'{escaped}' in parents and trashed = false",
            "fields": f"nextPageToken,files({ITEM_FIELDS})", "pageSize": PAGE_SIZE,
            "supportsAllDrives": True, "includeItemsFromAllDrives": True,
        }
        if folder.drive_id:
            params.update(corpora="drive", driveId=folder.drive_id)
        token: str | None = None
        while True:
            page_params = {**params, **({"pageToken": token} if token else {})}
            page = self._call(f"files.list {folder.id}",
                              lambda p=page_params: self._files.list(**p))  # type: ignore[misc]
            for data in page.get("files", []):
                yield _item(data)
            token = page.get("nextPageToken")
            if not token:
                return

    def folders(self, limit: int = 500) -> list[DriveItem]:
        """Folders the account can see (not trashed), by name: what a folder picker offers."""
        found: list[DriveItem] = []
        token: str | None = None
        while len(found) < limit:
            params: dict[str, Any] = {
                "q": f"mimeType = '{FOLDER_MIME}' and trashed = false", "orderBy": "name",
                "fields": f"nextPageToken,files({ITEM_FIELDS})", "pageSize": min(limit, 1000),
                **({"pageToken": token} if token else {})}
            page = self._call("files.list folders", lambda p=params: self._files.list(**p))  # type: ignore[misc]
            found += [_item(data) for data in page.get("files", [])]
            token = page.get("nextPageToken")
            if not token:
                break
        return found[:limit]

    def account_email(self) -> str | None:
        """The Google address of the account (about.get), for the page and `drive list`."""
        data = self._call("about.get", lambda: self._service.about().get(
            fields="user(emailAddress)"))
        email = (data.get("user") or {}).get("emailAddress")
        return str(email) if email else None

    def start_page_token(self, drive_id: str | None) -> str:
        extra = {"driveId": drive_id} if drive_id else {}
        data = self._call("changes.getStartPageToken", lambda: self._changes.getStartPageToken(
            supportsAllDrives=True, **extra))
        return str(data["startPageToken"])

    def changes(self, token: str, drive_id: str | None) -> ChangePage:
        extra = {"driveId": drive_id} if drive_id else {}
        items: list[DriveItem] = []
        page_token = token
        while True:
            try:
                page = self._call("changes.list", lambda t=page_token: self._changes.list(  # type: ignore[misc]
                    pageToken=t, pageSize=PAGE_SIZE, spaces="drive", includeRemoved=True,
                    supportsAllDrives=True, includeItemsFromAllDrives=True,
                    fields=f"nextPageToken,newStartPageToken,"
                           f"changes(fileId,removed,changeType,file({ITEM_FIELDS}))",
                    **extra))
            except DriveError as exc:
                # Drive answers 400 to a page token it no longer knows
                if type(exc) is DriveError and "HTTP 400" in exc.reason:
                    raise DriveInvalidToken(exc.reason) from None
                raise
            for change in page.get("changes", []):
                if change.get("removed") or not change.get("file"):
                    continue
                if change.get("changeType", "file") != "file":
                    continue
                items.append(_item(change["file"]))
            if page.get("newStartPageToken"):
                return ChangePage(items, str(page["newStartPageToken"]))
            page_token = page["nextPageToken"]

    def download(self, item: DriveItem) -> bytes:
        data = self._call(f"files.get alt=media {item.id}", lambda: self._files.get_media(
            fileId=item.id, supportsAllDrives=True))
        return bytes(data)

    def export(self, item: DriveItem, mime_type: str) -> bytes:
        data = self._call(f"files.export {item.id}", lambda: self._files.export_media(
            fileId=item.id, mimeType=mime_type))
        return bytes(data)


def build_drive_client(credentials: Path, api_url: str | None = None, *,
                       num_retries: int = NUM_RETRIES, timeout: float = 60) -> GoogleDriveClient:
    """The real client from settings: bundled discovery document, endpoint override."""
    return client_for(load_credentials(credentials), api_url, num_retries=num_retries,
                      timeout=timeout)


def client_for(creds: Credentials, api_url: str | None = None, *,
               num_retries: int = NUM_RETRIES, timeout: float = 60) -> GoogleDriveClient:
    """A client reading Drive as `creds` (the operator's account or a recruiter's grant)."""
    http = google_auth_httplib2.AuthorizedHttp(creds, http=httplib2.Http(timeout=timeout))
    options = {"api_endpoint": api_endpoint(api_url)} if api_url else None
    service = build("drive", "v3", http=http, static_discovery=True, cache_discovery=False,
                    client_options=options)
    return GoogleDriveClient(service, num_retries)
