"""A local stand-in for Slack's Web API, file downloads and `response_url`, over real HTTP.

Tests point the real `slack_sdk` client at `fake.api_url` (`SLACK_API_URL`). It speaks the
wire protocol of the methods HotGigs calls (`auth.test`, `chat.postMessage`, `chat.update`,
`chat.postEphemeral`, `files.info`, `users.info`, `conversations.open`, `views.open`,
`views.update`, `views.publish`, `apps.connections.open` for Socket Mode, and `oauth.v2.access`
for installs), checks
the bearer token (one per workspace: `tokens` maps each to its team), keeps the messages it was
sent (edits applied in place, each edit kept in `history`), serves registered files like
`files.slack.com` does (a login page, not an error, when the token is not the file's
workspace's), records every call, and can answer HTTP 429 with `Retry-After` a set number of
times. Views and blocks sent to `views.*` and `chat.postEphemeral` are parsed and validated
with `slack_sdk.models` (Slack refuses what they refuse: `invalid_arguments`, and the problem is
kept in `invalid`); a `views.open` needs a fresh `trigger_id` (each works once).
"""

from __future__ import annotations

import base64
import itertools
import json
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler
from typing import Any, TypeVar
from urllib.parse import parse_qsl, urlsplit

from slack_sdk.errors import SlackObjectFormationError
from slack_sdk.models.blocks import Block
from slack_sdk.models.views import View

from tests.fakes.loopback import LoopbackFake
from tests.helpers import wait_until

T = TypeVar("T")

BOT_USER_ID = "UHOTGIGS"
BOT_ID = "BHOTGIGS"


@dataclass
class Call:
    """One request the fake received: Web API method (or `download`/`respond`) and arguments."""

    method: str
    args: dict[str, Any]
    status: int = 200
    team: str | None = None  # the workspace of the bearer token, None when not a known one
    at: float = field(default_factory=time.monotonic)


@dataclass
class Message:
    channel: str
    ts: str
    text: str
    blocks: list[dict[str, Any]]
    thread_ts: str | None
    history: list[str] = field(default_factory=list)  # every text it had, oldest first
    team: str | None = None  # the workspace whose token posted it


@dataclass
class SlackFile:
    id: str
    name: str
    content: bytes
    mimetype: str = "application/octet-stream"
    filetype: str = "binary"
    team: str = ""


@dataclass
class PendingInstall:
    """What `oauth.v2.access` answers for a code: a bot install in `team`."""

    team: str
    token: str
    team_name: str
    installer: str
    scopes: str
    app_id: str = "AHOTGIGS"


class FakeSlack(LoopbackFake):
    """Start with `with FakeSlack(token) as slack:`; URLs are valid once it is started."""

    def __init__(self, token: str = "xoxb-test-token", team_id: str = "T111") -> None:
        self.token = token
        self.team_id = team_id
        self.tokens: dict[str, str] = {token: team_id}  # bot token -> its workspace
        self.client: tuple[str, str] | None = None  # the app's OAuth client id and secret
        self.codes: dict[str, PendingInstall] = {}  # OAuth codes oauth.v2.access exchanges
        self.calls: list[Call] = []
        self.messages: list[Message] = []
        self.ephemeral: list[dict[str, Any]] = []
        self.responses: list[dict[str, Any]] = []  # bodies posted to response_url
        self.files: dict[str, SlackFile] = {}
        self._limits: dict[str, list[int]] = {}  # method -> Retry-After of the next 429s
        self._lock = threading.Lock()
        self._ts = itertools.count(1)
        self.views: list[dict[str, Any]] = []  # views.open/update/publish: method + view
        self.invalid: list[str] = []  # why a view or blocks were refused
        self.used_triggers: set[str] = set()
        self.bot_channels: set[str] | None = None  # None: the bot is in every channel
        self.missing_scopes: set[str] = set()  # scopes the installation lacks
        self.app_token = "xapp-1-hotgigs-socket"
        self.socket_url: Callable[[], str] | None = None  # apps.connections.open's answer
        self._views = itertools.count(1)

    # -- set up ------------------------------------------------------------------------------
    @property
    def base(self) -> str:
        return self.root

    @property
    def api_url(self) -> str:
        return f"{self.base}/api/"

    def response_url(self, name: str = "1") -> str:
        return f"{self.base}/commands/{self.team_id}/{name}/secret"

    def add_file(self, file_id: str, name: str, content: bytes, *,
                 mimetype: str = "application/octet-stream", filetype: str = "binary",
                 team: str | None = None) -> str:
        """Register a file of `team` (default: the fake's); returns its `url_private_download`."""
        self.files[file_id] = SlackFile(file_id, name, content, mimetype, filetype,
                                        team or self.team_id)
        return self.download_url(file_id)

    def download_url(self, file_id: str) -> str:
        found = self.files.get(file_id)
        name, team = (found.name, found.team) if found else ("file", self.team_id)
        return f"{self.base}/files-pri/{team}-{file_id}/download/{name}"

    def oauth_app(self, client_id: str, client_secret: str) -> None:
        """The app credentials `oauth.v2.access` accepts (HTTP Basic, as slack_sdk sends)."""
        self.client = (client_id, client_secret)

    def add_install_code(self, code: str, *, team: str, token: str,
                         team_name: str = "Second Workspace", installer: str = "UINSTALLER",
                         scopes: str = "channels:history,files:read,chat:write,commands") -> None:
        """A code Slack would hand the redirect after consent; exchanged once for `token`."""
        with self._lock:
            self.codes[code] = PendingInstall(team, token, team_name, installer, scopes)

    def rate_limit(self, method: str, *, times: int = 1, retry_after: int = 1) -> None:
        """Answer the next `times` calls of `method` with 429 and `Retry-After`."""
        with self._lock:
            self._limits.setdefault(method, []).extend([retry_after] * times)

    # -- reading what happened ---------------------------------------------------------------
    def calls_of(self, method: str) -> list[Call]:
        with self._lock:
            return [c for c in self.calls if c.method == method]

    def thread(self, channel: str, thread_ts: str) -> list[Message]:
        with self._lock:
            return [m for m in self.messages if m.channel == channel and m.thread_ts == thread_ts]

    def wait_for(self, probe: Callable[[], T | None], *, timeout: float = 60,
                 what: str = "a Slack call") -> T:
        """`wait_until`, naming the Web API calls received when it times out."""
        try:
            return wait_until(probe, timeout=timeout, what=what, interval=0.05)
        except AssertionError as exc:
            raise AssertionError(f"{exc}; calls: {[c.method for c in self.calls]}") from None

    # -- the server --------------------------------------------------------------------------
    def _handler(self) -> type[BaseHTTPRequestHandler]:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: Any) -> None:
                pass

            def do_GET(self) -> None:
                fake._handle(self)

            def do_POST(self) -> None:
                fake._handle(self)

        return Handler

    def _handle(self, req: BaseHTTPRequestHandler) -> None:
        url = urlsplit(req.path)
        length = int(req.headers.get("Content-Length") or 0)
        raw = req.rfile.read(length) if length else b""
        args: dict[str, Any] = dict(parse_qsl(url.query))
        if raw:
            if (req.headers.get("Content-Type") or "").startswith("application/json"):
                args.update(json.loads(raw))
            else:
                args.update(parse_qsl(raw.decode()))
        auth = req.headers.get("Authorization") or ""
        with self._lock:
            team = self.tokens.get(auth.removeprefix("Bearer ")) if auth.startswith(
                "Bearer ") else None
        if url.path.startswith("/api/"):
            method = url.path.removeprefix("/api/")
            if method == "apps.connections.open":
                self._record(Call(method, args))
                result = self._connections_open(auth)
                self._send(req, 200, json.dumps(result).encode(), "application/json")
                return
            if method == "oauth.v2.access":
                self._record(Call(method, args))
                result = self._oauth_access(args, auth)
                self._send(req, 200, json.dumps(result).encode(), "application/json")
                return
            self._api(req, method, args, team)
        elif url.path.startswith("/files-pri/"):
            self._download(req, url.path, team)
        elif url.path.startswith("/commands/"):
            self._record(Call("respond", args))
            with self._lock:
                self.responses.append(args)
            self._send(req, 200, b"ok", "text/html")
        else:
            self._send(req, 404, b"not found", "text/plain")

    def _record(self, call: Call) -> None:
        with self._lock:
            self.calls.append(call)

    def _limited(self, method: str) -> int | None:
        with self._lock:
            pending = self._limits.get(method)
            return pending.pop(0) if pending else None

    def _api(self, req: BaseHTTPRequestHandler, method: str, args: dict[str, Any],
             team: str | None) -> None:
        retry_after = self._limited(method)
        if retry_after is not None:
            self._record(Call(method, args, status=429, team=team))
            body = json.dumps({"ok": False, "error": "ratelimited"}).encode()
            self._send(req, 429, body, "application/json", {"Retry-After": str(retry_after)})
            return
        self._record(Call(method, args, team=team))
        if team is None:
            result: dict[str, Any] = {"ok": False, "error": "invalid_auth"}
        else:
            handler = getattr(self, "_m_" + method.replace(".", "_"), None)
            result = handler(args, team) if handler else {"ok": False,
                                                          "error": "unknown_method"}
        self._send(req, 200, json.dumps(result).encode(), "application/json; charset=utf-8")

    def _download(self, req: BaseHTTPRequestHandler, path: str, team: str | None) -> None:
        file_id = path.split("/")[2].split("-", 1)[-1]
        found = self.files.get(file_id)
        authorized = team is not None and (found is None or found.team == team)
        self._record(Call("download", {"path": path, "authorized": authorized}, team=team))
        if not authorized:
            # what files.slack.com does: a sign-in page with 200, not an HTTP error
            self._send(req, 200, b"<!DOCTYPE html><html>Sign in to Slack</html>", "text/html")
        elif found is None:
            self._send(req, 404, b"file not found", "text/plain")
        else:
            self._send(req, 200, found.content, found.mimetype)

    @staticmethod
    def _send(req: BaseHTTPRequestHandler, status: int, body: bytes, content_type: str,
              headers: dict[str, str] | None = None) -> None:
        req.send_response(status)
        req.send_header("Content-Type", content_type)
        req.send_header("Content-Length", str(len(body)))
        for name, value in (headers or {}).items():
            req.send_header(name, value)
        req.end_headers()
        req.wfile.write(body)

    # -- Web API methods ---------------------------------------------------------------------
    def _connections_open(self, auth: str) -> dict[str, Any]:
        """Socket Mode's first step: the app-level token buys a WebSocket URL."""
        if auth != f"Bearer {self.app_token}":
            return {"ok": False, "error": "invalid_auth"}
        if self.socket_url is None:
            return {"ok": False, "error": "socket_mode_not_enabled"}
        return {"ok": True, "url": self.socket_url()}

    def views_of(self, method: str) -> list[dict[str, Any]]:
        """The views sent with `views.open`/`views.update`/`views.publish`, oldest first."""
        with self._lock:
            return [v["view"] for v in self.views if v["method"] == method]

    def _refuse(self, why: str) -> dict[str, Any]:
        with self._lock:
            self.invalid.append(why)
        return {"ok": False, "error": "invalid_arguments", "response_metadata": {
            "messages": [f"[ERROR] {why}"]}}

    def _check_blocks(self, blocks: list[dict[str, Any]]) -> str | None:
        """Why Slack would refuse these blocks (slack_sdk's own models decide), or None."""
        for raw in blocks:
            parsed = Block.parse(raw)
            if parsed is None or type(parsed) is Block:
                return f"unknown block {raw.get('type')!r}"
            try:
                parsed.to_dict()  # validates the block and everything in it
            except SlackObjectFormationError as exc:
                return f"{raw.get('type')} block: {exc}"
        return None

    def _check_view(self, args: dict[str, Any]) -> tuple[dict[str, Any] | None, str | None]:
        raw = args.get("view")
        view = json.loads(raw) if isinstance(raw, str) else raw
        if not isinstance(view, dict):
            return None, "no view"
        try:
            View(**view).to_dict()
        except (SlackObjectFormationError, TypeError) as exc:
            return None, f"view: {exc}"
        why = self._check_blocks(list(view.get("blocks") or []))
        return (None, why) if why else (view, None)

    def _keep_view(self, method: str, view: dict[str, Any], **extra: Any) -> dict[str, Any]:
        stored = {**view, "id": extra.pop("view_id", None) or f"V{next(self._views):05d}"}
        with self._lock:
            self.views.append({"method": method, "view": stored, **extra})
        return {"ok": True, "view": stored}

    def _m_views_open(self, args: dict[str, Any], _team: str) -> dict[str, Any]:
        trigger = str(args.get("trigger_id") or "")
        view, why = self._check_view(args)
        if view is None:
            return self._refuse(why or "no view")
        with self._lock:
            if not trigger or trigger in self.used_triggers or trigger.startswith("expired"):
                return {"ok": False, "error": "expired_trigger_id"}
            self.used_triggers.add(trigger)
        return self._keep_view("views.open", view, trigger_id=trigger)

    def _m_views_update(self, args: dict[str, Any], _team: str) -> dict[str, Any]:
        view, why = self._check_view(args)
        if view is None:
            return self._refuse(why or "no view")
        if not args.get("view_id") and not args.get("external_id"):
            return {"ok": False, "error": "not_found"}
        return self._keep_view("views.update", view, view_id=args.get("view_id"))

    def _m_views_publish(self, args: dict[str, Any], _team: str) -> dict[str, Any]:
        view, why = self._check_view(args)
        if view is None:
            return self._refuse(why or "no view")
        if view.get("type") != "home" or not args.get("user_id"):
            return self._refuse("views.publish takes a home view and a user_id")
        return self._keep_view("views.publish", view, user_id=args.get("user_id"))

    def _m_conversations_open(self, args: dict[str, Any], _team: str) -> dict[str, Any]:
        if "im:write" in self.missing_scopes:
            return {"ok": False, "error": "missing_scope", "needed": "im:write"}
        users = str(args.get("users") or "")
        if not users:
            return {"ok": False, "error": "users_list_not_supplied"}
        return {"ok": True, "channel": {"id": "D" + users.replace(",", "")[-8:]}}

    def _oauth_access(self, args: dict[str, Any], auth: str) -> dict[str, Any]:
        """`oauth.v2.access`: the app's credentials (Basic) and a code → a bot install."""
        expected = "Basic " + base64.b64encode(":".join(self.client or ("", "")).encode()).decode()
        if self.client is None or auth != expected:
            return {"ok": False, "error": "invalid_client_id"}
        with self._lock:
            pending = self.codes.pop(str(args.get("code")), None)
            if pending is not None:
                self.tokens[pending.token] = pending.team
        if pending is None:
            return {"ok": False, "error": "invalid_code"}
        return {"ok": True, "app_id": pending.app_id, "access_token": pending.token,
                "token_type": "bot", "scope": pending.scopes, "bot_user_id": BOT_USER_ID,
                "team": {"id": pending.team, "name": pending.team_name}, "enterprise": None,
                "is_enterprise_install": False,
                "authed_user": {"id": pending.installer}}

    def _m_auth_test(self, _args: dict[str, Any], team: str) -> dict[str, Any]:
        return {"ok": True, "url": "https://hotgigs-test.slack.com/", "team": "HotGigs Test",
                "user": "hotgigs", "team_id": team, "user_id": BOT_USER_ID,
                "bot_id": BOT_ID, "is_enterprise_install": False}

    @staticmethod
    def _blocks(args: dict[str, Any]) -> list[dict[str, Any]]:
        blocks = args.get("blocks") or []
        return json.loads(blocks) if isinstance(blocks, str) else list(blocks)

    def _m_chat_postMessage(self, args: dict[str, Any], team: str) -> dict[str, Any]:
        channel = args.get("channel")
        if not channel or not (args.get("text") or args.get("blocks")):
            return {"ok": False, "error": "no_text" if channel else "channel_not_found"}
        ts = f"{1700000000 + next(self._ts)}.000100"
        text = str(args.get("text") or "")
        message = Message(str(channel), ts, text, self._blocks(args), args.get("thread_ts"),
                          [text], team)
        with self._lock:
            self.messages.append(message)
        return {"ok": True, "channel": channel, "ts": ts,
                "message": {"type": "message", "text": text, "user": BOT_USER_ID,
                            "bot_id": BOT_ID, "ts": ts}}

    def _m_chat_update(self, args: dict[str, Any], _team: str) -> dict[str, Any]:
        with self._lock:
            found = next((m for m in self.messages
                          if m.channel == args.get("channel") and m.ts == args.get("ts")), None)
            if found is None:
                return {"ok": False, "error": "message_not_found"}
            found.text = str(args.get("text") or "")
            found.blocks = self._blocks(args)
            found.history.append(found.text)
        return {"ok": True, "channel": found.channel, "ts": found.ts, "text": found.text}

    def _m_chat_postEphemeral(self, args: dict[str, Any], _team: str) -> dict[str, Any]:
        if not args.get("channel") or not args.get("user"):
            return {"ok": False, "error": "channel_not_found" if not args.get("channel")
                    else "user_not_in_channel"}
        if not (args.get("text") or args.get("blocks")):
            return {"ok": False, "error": "no_text"}
        why = self._check_blocks(self._blocks(args))
        if why:
            return self._refuse(why)
        if self.bot_channels is not None and args["channel"] not in self.bot_channels:
            return {"ok": False, "error": "channel_not_found"}
        with self._lock:
            self.ephemeral.append(args)
        return {"ok": True, "message_ts": f"{1700000000 + next(self._ts)}.000200"}

    def _m_files_info(self, args: dict[str, Any], _team: str) -> dict[str, Any]:
        found = self.files.get(str(args.get("file")))
        if found is None:
            return {"ok": False, "error": "file_not_found"}
        return {"ok": True, "file": {
            "id": found.id, "name": found.name, "title": found.name, "mimetype": found.mimetype,
            "filetype": found.filetype, "size": len(found.content), "mode": "hosted",
            "url_private": self.download_url(found.id).replace("/download", ""),
            "url_private_download": self.download_url(found.id)}}

    def _m_users_info(self, args: dict[str, Any], team: str) -> dict[str, Any]:
        user = str(args.get("user"))
        return {"ok": True, "user": {"id": user, "team_id": team, "name": user.lower(),
                                     "real_name": f"User {user}", "is_bot": False}}


def started(fake: FakeSlack) -> Iterator[FakeSlack]:
    """For fixtures: `yield from started(FakeSlack(...))`."""
    with fake:
        yield fake
