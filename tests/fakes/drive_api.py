"""A local stand-in for the Google Drive v3 REST API and Google's OAuth 2.0 endpoints.

Tests drive the real google-api-python-client, google-auth and google-auth-oauthlib against it:
the service-account JSON it writes points `token_uri` here, so the signed-JWT token exchange
runs over HTTP; a recruiter's consent (`/o/oauth2/auth`), code exchange and refresh (`/token`)
and revocation (`/revoke`) are served by `tests.fakes.google_oauth`; every API call must carry
an access token it issued, and sees what that token's account may see (an item with an `owner`
is visible to that Google user's tokens only). It speaks the calls HotGigs makes (files.list with
`'<id>' in parents and trashed = false` and paging, files.get incl. alt=media, files.export,
changes.getStartPageToken, changes.list, about.get, and files.list of every folder for a
picker) and lets a test change the Drive underneath: add,
rename, move, trash, edit or delete files, unshare (404) or forbid (403) a folder, and inject
429/5xx answers.
"""

from __future__ import annotations

import base64
import hashlib
import itertools
import json
import re
import secrets
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlparse

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from tests.fakes.google_oauth import FakeGoogleAccounts, OAuthAnswer, basic_auth
from tests.fakes.loopback import LoopbackFake

FOLDER = "application/vnd.google-apps.folder"
GOOGLE_DOC = "application/vnd.google-apps.document"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
SCOPE = "https://www.googleapis.com/auth/drive.readonly"
_Q = re.compile(r"^'([^'\\]+)' in parents and trashed\s*=\s*false$")
_FOLDERS_Q = re.compile(rf"^mimeType\s*=\s*'{re.escape(FOLDER)}' and trashed\s*=\s*false$")
SERVICE_ACCOUNT = "hotgigs@hotgigs-test.iam.gserviceaccount.com"


@dataclass
class FakeItem:
    id: str
    name: str
    mime: str
    parents: list[str]
    content: bytes = b""
    exports: dict[str, bytes] = field(default_factory=dict)  # Google Docs: mime -> bytes
    version: int = 1
    trashed: bool = False
    deleted: bool = False
    unshared: bool = False
    forbidden: bool = False
    drive_id: str | None = None
    owner: str | None = None  # a Google user's own item: only their tokens see it

    def metadata(self) -> dict[str, Any]:
        data: dict[str, Any] = {"kind": "drive#file", "id": self.id, "name": self.name,
                                "mimeType": self.mime, "parents": list(self.parents),
                                "trashed": self.trashed, "version": str(self.version)}
        if self.mime != FOLDER and not self.mime.startswith("application/vnd.google-apps."):
            data["md5Checksum"] = hashlib.md5(self.content).hexdigest()
            data["size"] = str(len(self.content))
        if self.drive_id:
            data["driveId"] = self.drive_id
        return data


class _Answer(Exception):
    def __init__(self, status: int, reason: str, message: str) -> None:
        super().__init__(message)
        self.status, self.reason, self.message = status, reason, message


@dataclass
class FakeDrive(LoopbackFake):
    """Start with `with FakeDrive() as drive:`; `drive.base_url` is the API endpoint override."""

    page_size: int = 100  # the most items a page holds, whatever the client asks for
    items: dict[str, FakeItem] = field(default_factory=dict)
    requests: list[tuple[str, str, dict[str, str]]] = field(default_factory=list)
    tokens: set[str] = field(default_factory=set)  # the service account's access tokens
    accounts: FakeGoogleAccounts = field(default_factory=FakeGoogleAccounts)
    callers: list[str] = field(default_factory=list)  # who made each API call (user or SA)
    _log: list[str] = field(default_factory=list)  # change log: file ids, seq = index + 1
    _failures: list[tuple[int, str]] = field(default_factory=list)
    _lock: threading.RLock = field(default_factory=threading.RLock)
    _ids: Iterator[int] = field(default_factory=itertools.count)
    _key: rsa.RSAPrivateKey | None = None

    # -- running ------------------------------------------------------------------------
    @property
    def base_url(self) -> str:
        return self.root + "/"

    @property
    def token_uri(self) -> str:
        return self.base_url + "token"

    @property
    def auth_uri(self) -> str:
        return self.base_url + "o/oauth2/auth"

    @property
    def revoke_uri(self) -> str:
        return self.base_url + "revoke"

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        return _handler_for(self)

    def service_account_file(self, directory: Path) -> Path:
        """A throwaway RSA key in a service-account JSON whose token_uri is this fake."""
        if self._key is None:
            self._key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        pem = self._key.private_bytes(serialization.Encoding.PEM,
                                      serialization.PrivateFormat.PKCS8,
                                      serialization.NoEncryption()).decode()
        info = {"type": "service_account", "project_id": "hotgigs-test",
                "private_key_id": "fake-key-1", "private_key": pem,
                "client_email": SERVICE_ACCOUNT,
                "client_id": "1000", "token_uri": self.token_uri}
        path = directory / "drive-service-account.json"
        path.write_text(json.dumps(info))
        return path

    # -- controls -----------------------------------------------------------------------
    def _new_id(self, prefix: str) -> str:
        return f"{prefix}{next(self._ids):04d}{secrets.token_hex(8)}"

    def _changed(self, item_id: str) -> None:
        self._log.append(item_id)

    def add_folder(self, name: str, parent: str | None = None, *,
                   drive_id: str | None = None, owner: str | None = None) -> str:
        """A folder; with `owner` (a Google user), in that user's own Drive only."""
        with self._lock:
            item = FakeItem(self._new_id("fld"), name, FOLDER, [parent] if parent else [],
                            drive_id=drive_id or (self.items[parent].drive_id if parent else None),
                            owner=owner)
            self.items[item.id] = item
            self._changed(item.id)
            return item.id

    def add_file(self, name: str, content: bytes, parent: str, *,
                 mime: str = "application/pdf") -> str:
        with self._lock:
            item = FakeItem(self._new_id("fil"), name, mime, [parent], content=content,
                            drive_id=self.items[parent].drive_id)
            self.items[item.id] = item
            self._changed(item.id)
            return item.id

    def add_google_doc(self, name: str, parent: str, *, docx: bytes) -> str:
        with self._lock:
            item = FakeItem(self._new_id("doc"), name, GOOGLE_DOC, [parent],
                            exports={DOCX: docx}, drive_id=self.items[parent].drive_id)
            self.items[item.id] = item
            self._changed(item.id)
            return item.id

    def _touch(self, item_id: str, **changes: Any) -> None:
        with self._lock:
            item = self.items[item_id]
            for key, value in changes.items():
                setattr(item, key, value)
            item.version += 1
            self._changed(item_id)

    def rename(self, item_id: str, name: str) -> None:
        self._touch(item_id, name=name)

    def move(self, item_id: str, parent: str) -> None:
        self._touch(item_id, parents=[parent])

    def trash(self, item_id: str) -> None:
        self._touch(item_id, trashed=True)

    def edit(self, item_id: str, content: bytes) -> None:
        """New bytes for a binary file, or a new DOCX export for a Google Doc."""
        item = self.items[item_id]
        if item.mime == GOOGLE_DOC:
            self._touch(item_id, exports={DOCX: content})
        else:
            self._touch(item_id, content=content)

    def delete(self, item_id: str) -> None:
        self._touch(item_id, deleted=True)

    def unshare(self, item_id: str) -> None:
        """Our account loses access: the item and everything under it answer 404."""
        self._touch(item_id, unshared=True)

    def forbid(self, item_id: str) -> None:
        """Our account still sees the item, but reading it answers 403."""
        self._touch(item_id, forbidden=True)

    def fail_next(self, status: int, times: int = 1, reason: str = "") -> None:
        """The next `times` API calls (not token requests) answer `status`."""
        default = {429: "rateLimitExceeded", 403: "userRateLimitExceeded"}.get(status,
                                                                              "backendError")
        with self._lock:
            self._failures += [(status, reason or default)] * times

    def clear_failures(self) -> None:
        with self._lock:
            self._failures.clear()

    def api_calls(self, path_part: str = "") -> list[tuple[str, str, dict[str, str]]]:
        return [r for r in self.requests if path_part in r[1]
                and r[1] not in ("/token", "/revoke", "/o/oauth2/auth")]

    # -- the API ------------------------------------------------------------------------
    def _visible(self, item: FakeItem, caller: str | None = None) -> bool:
        node: FakeItem | None = item
        while node is not None:
            if node.deleted or node.unshared or (node.owner and node.owner != caller):
                return False
            node = self.items.get(node.parents[0]) if node.parents else None
        return True

    def _readable(self, item_id: str, query: dict[str, str], caller: str) -> FakeItem:
        item = self.items.get(item_id)
        if item is None or not self._visible(item, caller) or (
                item.drive_id and query.get("supportsAllDrives") != "true"):
            raise _Answer(404, "notFound", f"File not found: {item_id}.")
        node: FakeItem | None = item
        while node is not None:
            if node.forbidden:
                raise _Answer(403, "insufficientFilePermissions",
                              "The user does not have sufficient permissions for this file.")
            node = self.items.get(node.parents[0]) if node.parents else None
        return item

    def _page(self, entries: list[Any], query: dict[str, str]) -> tuple[list[Any], str | None]:
        start = int(query.get("pageToken") or 0)
        size = min(int(query.get("pageSize") or 100), self.page_size)
        rest = start + size
        return entries[start:rest], str(rest) if rest < len(entries) else None

    def files_list(self, query: dict[str, str], caller: str) -> dict[str, Any]:
        if _FOLDERS_Q.match(query.get("q", "").strip()):  # a folder picker: every folder
            folders = sorted((i for i in self.items.values() if i.mime == FOLDER
                              and not i.trashed and self._visible(i, caller)
                              and not i.drive_id), key=lambda i: i.name.lower())
            page, token = self._page([i.metadata() for i in folders], query)
            return {"kind": "drive#fileList", "files": page,
                    **({"nextPageToken": token} if token else {})}
        match = _Q.match(query.get("q", "").strip())
        if not match:
            raise _Answer(400, "invalid", f"Invalid Value: q={query.get('q')!r}")
        if query.get("corpora") == "drive" and not query.get("driveId"):
            raise _Answer(400, "invalid", "driveId is required with corpora=drive")
        all_drives = query.get("includeItemsFromAllDrives") == "true"
        children = [i for i in self.items.values()
                    if match.group(1) in i.parents and not i.trashed and self._visible(i, caller)
                    and (not i.drive_id or all_drives)]
        page, token = self._page([i.metadata() for i in children], query)
        return {"kind": "drive#fileList", "files": page,
                **({"nextPageToken": token} if token else {})}

    def changes_list(self, query: dict[str, str], caller: str) -> dict[str, Any]:
        token = query.get("pageToken", "")
        if not token.isdigit() or not 1 <= int(token) <= len(self._log) + 1:
            raise _Answer(400, "invalid", f"Invalid Value: pageToken={token!r}")
        drive_id = query.get("driveId")
        all_drives = query.get("includeItemsFromAllDrives") == "true"
        last: dict[str, int] = {}
        for seq in range(int(token), len(self._log) + 1):
            last[self._log[seq - 1]] = seq
        entries = []
        for item_id, seq in sorted(last.items(), key=lambda pair: pair[1]):
            item = self.items[item_id]
            if (drive_id and item.drive_id != drive_id) or (item.drive_id and not all_drives):
                continue
            change: dict[str, Any] = {"kind": "drive#change", "changeType": "file",
                                      "fileId": item_id,
                                      "removed": not self._visible(item, caller)}
            if not change["removed"]:
                change["file"] = item.metadata()
            entries.append((seq, change))
        size = min(int(query.get("pageSize") or 100), self.page_size)
        if len(entries) > size:
            return {"changes": [c for _, c in entries[:size]],
                    "nextPageToken": str(entries[size][0])}
        return {"changes": [c for _, c in entries], "newStartPageToken": str(len(self._log) + 1)}

    def answer(self, method: str, path: str, query: dict[str, str],
               caller: str = SERVICE_ACCOUNT) -> tuple[int, str, bytes]:
        """(status, content type, body) for one authorised API request by `caller`."""
        with self._lock:
            self.callers.append(caller)
            if self._failures:
                status, reason = self._failures.pop(0)
                raise _Answer(status, reason, "injected failure")
            parts = path.removeprefix("/drive/v3/").strip("/").split("/")
            if method != "GET":
                raise _Answer(405, "badRequest", "only reads are served")
            if parts == ["files"]:
                return _json(self.files_list(query, caller))
            if parts == ["about"]:
                return _json({"kind": "drive#about", "user": {"emailAddress": caller}})
            if parts == ["changes", "startPageToken"]:
                return _json({"kind": "drive#startPageToken",
                              "startPageToken": str(len(self._log) + 1)})
            if parts == ["changes"]:
                return _json(self.changes_list(query, caller))
            if len(parts) == 2 and parts[0] == "files":
                item = self._readable(parts[1], query, caller)
                if query.get("alt") != "media":
                    return _json(item.metadata())
                if item.mime.startswith("application/vnd.google-apps."):
                    raise _Answer(403, "fileNotDownloadable",
                                  "Only files with binary content can be downloaded.")
                return 200, item.mime, item.content
            if len(parts) == 3 and parts[0] == "files" and parts[2] == "export":
                item = self._readable(parts[1], query, caller)
                wanted = query.get("mimeType", "")
                if wanted not in item.exports:
                    raise _Answer(400, "badRequest", f"cannot export as {wanted!r}")
                return 200, wanted, item.exports[wanted]
            raise _Answer(404, "notFound", f"no route {path}")

    def caller_of(self, authorization: str) -> str:
        """Whose access token the request carries (401 for none we issued, or revoked)."""
        token = authorization.removeprefix("Bearer ")
        if token in self.tokens:
            return SERVICE_ACCOUNT
        user = self.accounts.access.get(token)
        if user is None:
            raise _Answer(401, "authError", "Invalid Credentials")
        return user

    def issue_token(self, form: dict[str, str], authorization: str = "") -> dict[str, Any]:
        """Google's token endpoint: a signed service-account JWT for an access token, or a
        user's authorization code or refresh token (`FakeGoogleAccounts`)."""
        if form.get("grant_type") != "urn:ietf:params:oauth:grant-type:jwt-bearer":
            return self.accounts.token(form, basic_auth(authorization))
        header, payload, signature = form["assertion"].split(".")
        claims = json.loads(_unb64(payload))
        assert self._key is not None
        try:
            self._key.public_key().verify(_unb64(signature), f"{header}.{payload}".encode(),
                                          padding.PKCS1v15(), hashes.SHA256())
        except Exception:
            raise _Answer(400, "invalid_grant", "Invalid JWT Signature.") from None
        # google-auth always names Google's endpoint as the audience, wherever it posts
        if claims.get("scope") != SCOPE or not claims.get("iss", "").endswith(
                ".iam.gserviceaccount.com"):
            raise _Answer(400, "invalid_scope", f"unexpected claims {claims}")
        token = f"fake-token-{secrets.token_hex(8)}"
        self.tokens.add(token)
        return {"access_token": token, "expires_in": 3600, "token_type": "Bearer"}


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _json(payload: dict[str, Any]) -> tuple[int, str, bytes]:
    return 200, "application/json; charset=UTF-8", json.dumps(payload).encode()


def _error(status: int, reason: str, message: str) -> bytes:
    return json.dumps({"error": {"code": status, "message": message, "errors": [
        {"domain": "global", "reason": reason, "message": message}]}}).encode()


def _handler_for(fake: FakeDrive) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def _handle(self, method: str) -> None:
            url = urlparse(self.path)
            query = {k: v[-1] for k, v in parse_qs(url.query).items()}
            fake.requests.append((method, url.path, query))
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            form = {k: v[-1] for k, v in parse_qs(body.decode()).items()}
            auth = self.headers.get("Authorization", "")
            headers: dict[str, str] = {}
            try:
                if url.path == "/token" and method == "POST":
                    status, kind, data = _json(fake.issue_token(form, auth))
                elif url.path == "/o/oauth2/auth" and method == "GET":
                    status, kind, data = 302, "text/plain", b""
                    headers["Location"] = fake.accounts.consent(query)
                elif url.path == "/revoke" and method == "POST":
                    fake.accounts.revoke({**query, **form})
                    status, kind, data = _json({})
                else:
                    status, kind, data = fake.answer(method, url.path, query,
                                                     fake.caller_of(auth))
            except _Answer as exc:
                status, kind, data = exc.status, "application/json", _error(
                    exc.status, exc.reason, exc.message)
            except OAuthAnswer as exc:
                status, kind, data = exc.status, "application/json", json.dumps(
                    {"error": exc.error, "error_description": exc.description}).encode()
            self.send_response(status)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(data)))
            for name, value in headers.items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(data)

        def do_GET(self) -> None:
            self._handle("GET")

        def do_POST(self) -> None:
            self._handle("POST")

        def log_message(self, format: str, *args: Any) -> None:
            """Keep test output quiet."""

    return Handler
