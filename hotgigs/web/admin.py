"""`/admin` (server-rendered dashboard) and `/metrics`, added to the HTTP router by `serve`.

The dashboard exists only when `HOTGIGS_ADMIN_TOKEN` is set. A request is let in with
`Authorization: Bearer <token>` or with the session cookie the login form sets: a timestamp
signed by itsdangerous with a key derived from the token (so changing the token logs everyone
out) and refused after SESSION_SECONDS. Every comparison is constant-time. Form posts from a
cookie session also carry a CSRF token.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
from http.cookies import SimpleCookie
from typing import Any
from urllib.parse import parse_qs

from itsdangerous import BadSignature, TimestampSigner
from jinja2 import Environment, PackageLoader, select_autoescape

from hotgigs.bootstrap import Services
from hotgigs.privacy import erase_candidate, export_json
from hotgigs.web import dashboard
from hotgigs.web.http import Handler, Response, Router
from hotgigs.web.metrics import metrics_handler
from storage import audit

log = logging.getLogger(__name__)

COOKIE = "hotgigs_admin"
SESSION_SECONDS = 12 * 3600
ACTOR = "admin"
_HTML = "text/html; charset=utf-8"


def _mac(token: str, purpose: str, value: str) -> str:
    return hmac.new(token.encode(), f"{purpose}:{value}".encode(), hashlib.sha256).hexdigest()


def _signer(token: str) -> TimestampSigner:
    return TimestampSigner(token, salt="hotgigs-admin-session")


def session_cookie(token: str) -> str:
    return _signer(token).sign("admin").decode()


def _cookie_ok(token: str, value: str) -> bool:
    try:
        _signer(token).unsign(value, max_age=SESSION_SECONDS)
    except BadSignature:  # tampered, foreign, or expired (SignatureExpired is a BadSignature)
        return False
    return True


def _bearer_ok(token: str, environ: dict[str, Any]) -> bool | None:
    """True/False for a bearer header, None when the request carries none."""
    header = environ.get("HTTP_AUTHORIZATION", "")
    if not header.lower().startswith("bearer "):
        return None
    return hmac.compare_digest(header[7:].strip().encode(), token.encode())


def _cookie_of(environ: dict[str, Any]) -> str | None:
    jar: SimpleCookie = SimpleCookie()
    try:
        jar.load(environ.get("HTTP_COOKIE", ""))
    except Exception:  # a malformed Cookie header is an anonymous request
        return None
    morsel = jar.get(COOKIE)
    return morsel.value if morsel else None


def _form(environ: dict[str, Any]) -> dict[str, str]:
    try:
        size = min(int(environ.get("CONTENT_LENGTH") or 0), 65536)
    except ValueError:
        size = 0
    body = environ["wsgi.input"].read(size).decode("utf-8", "replace") if size else ""
    return {k: v[0] for k, v in parse_qs(body).items()}


def _query(environ: dict[str, Any]) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(environ.get("QUERY_STRING", "")).items()}


class AdminApp:
    """The dashboard's handlers, sharing one token, one template environment and services."""

    actor = ACTOR  # who the audit log says acted

    @staticmethod
    def form(environ: dict[str, Any]) -> dict[str, str]:
        """A POSTed form: the one `guarded(form=True)` read already, or read now."""
        return environ.get("hotgigs.form") or _form(environ)

    def __init__(self, services: Services, token: str) -> None:
        self.services = services
        self.token = token
        self.templates = Environment(loader=PackageLoader("hotgigs.web", "templates/admin"),
                                     autoescape=select_autoescape(["html"]))

    def render(self, status: int, name: str, **context: Any) -> Response:
        page = self.templates.get_template(name).render(csrf=self.csrf, **context)
        return status, {"Content-Type": _HTML, "Cache-Control": "no-store"}, page.encode()

    @property
    def csrf(self) -> str:
        return _mac(self.token, "csrf", "v1")

    def allowed(self, environ: dict[str, Any]) -> tuple[bool, bool]:
        """(let in, by cookie): a wrong bearer token is refused even with a cookie."""
        bearer = _bearer_ok(self.token, environ)
        if bearer is not None:
            return bearer, False
        cookie = _cookie_of(environ)
        return (cookie is not None and _cookie_ok(self.token, cookie)), True

    def guarded(self, handler: Handler, *, form: bool = False) -> Handler:
        def handle(environ: dict[str, Any]) -> Response:
            ok, by_cookie = self.allowed(environ)
            if not ok:
                return self.render(401, "login.html", error=None)
            if form and by_cookie:
                environ["hotgigs.form"] = fields = _form(environ)
                if not hmac.compare_digest(fields.get("csrf", ""), self.csrf):
                    return self.render(403, "message.html", title="Forbidden",
                                       message="The form expired; reload the page.")
            return handler(environ)

        return handle

    def login(self, environ: dict[str, Any]) -> Response:
        given = _form(environ).get("token", "")
        if not hmac.compare_digest(given.encode(), self.token.encode()):
            log.warning("admin login refused")
            return self.render(401, "login.html", error="Wrong token.")
        cookie = (f"{COOKIE}={session_cookie(self.token)}; Path=/admin; HttpOnly; "
                  f"SameSite=Strict; Max-Age={SESSION_SECONDS}")
        return 303, {"Location": "/admin", "Set-Cookie": cookie}, b""

    def logout(self, _environ: dict[str, Any]) -> Response:
        cookie = f"{COOKIE}=; Path=/admin; HttpOnly; SameSite=Strict; Max-Age=0"
        return 303, {"Location": "/admin", "Set-Cookie": cookie}, b""

    def home(self, environ: dict[str, Any]) -> Response:
        view = dashboard.overview(self.services)
        query = _query(environ).get("q")
        if query:
            view["candidates"] = dashboard.recent_candidates(self.services, query)
        return self.render(200, "dashboard.html", view=view, query=query or "")

    def _candidate_id(self, fields: dict[str, str]) -> int | None:
        raw = fields.get("id", "")
        return int(raw) if raw.isdigit() else None

    def candidate(self, environ: dict[str, Any]) -> Response:
        candidate_id = self._candidate_id(_query(environ))
        page = dashboard.candidate_page(self.services, candidate_id) if candidate_id else None
        if page is None or candidate_id is None:
            return self.render(404, "message.html", title="Not found",
                               message="No such candidate.")
        with self.services.db.session() as session:
            audit.record(session, "viewed", actor=ACTOR, source="admin",
                         candidate_id=candidate_id)
        from pipeline.identity import list_links

        return self.render(200, "candidate.html", page=page, links=list_links(
            self.services.db, None, status=None, candidate_id=candidate_id))

    def export(self, environ: dict[str, Any]) -> Response:
        candidate_id = self._candidate_id(_query(environ))
        try:
            data = export_json(self.services, candidate_id or 0, actor=ACTOR, source="admin")
        except LookupError:
            return self.render(404, "message.html", title="Not found",
                               message="No such candidate.")
        body = json.dumps(data, indent=2, ensure_ascii=False).encode()
        return 200, {"Content-Type": "application/json",
                     "Content-Disposition":
                         f'attachment; filename="candidate-{candidate_id}.json"'}, body

    def erase(self, environ: dict[str, Any]) -> Response:
        fields = environ.get("hotgigs.form") or _form(environ)
        candidate_id = self._candidate_id(fields)
        if candidate_id is None or fields.get("confirm") != "yes":
            return self.render(400, "message.html", title="Not erased",
                               message="Tick the confirmation box to erase a candidate.")
        try:
            report = erase_candidate(self.services, candidate_id, actor=ACTOR, source="admin")
        except LookupError:
            return self.render(404, "message.html", title="Not found",
                               message="No such candidate.")
        return self.render(200, "message.html", title="Erased",
                           message=(f"Erased candidate records {report.candidate_ids}: "
                                    f"{report.resumes} resumes, {report.blobs_deleted} files. "
                                    "A tombstone refuses future imports of this person."))


def add_operations_routes(router: Router, services: Services) -> AdminApp | None:
    """`GET /metrics` always; the `/admin` pages only when HOTGIGS_ADMIN_TOKEN is set (the
    dashboard is returned, for more pages to join it)."""
    router.add("GET", "/metrics", metrics_handler(services))
    token = services.settings.admin_token
    if not token:
        log.info("HOTGIGS_ADMIN_TOKEN is unset: the /admin dashboard is off")
        return None
    app = AdminApp(services, token)
    router.add("GET", "/admin", app.guarded(app.home))
    router.add("GET", "/admin/login", lambda _env: app.render(200, "login.html", error=None))
    router.add("POST", "/admin/login", app.login)
    router.add("POST", "/admin/logout", app.logout)
    router.add("GET", "/admin/candidate", app.guarded(app.candidate))
    router.add("GET", "/admin/candidate/export", app.guarded(app.export))
    router.add("POST", "/admin/candidate/erase", app.guarded(app.erase, form=True))
    return app
