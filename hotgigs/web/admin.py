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
from typing import Annotated, Any

from fastapi import APIRouter, Depends, FastAPI, Form, Request
from itsdangerous import BadSignature, TimestampSigner
from jinja2 import Environment, PackageLoader, select_autoescape
from starlette.responses import RedirectResponse, Response

from hotgigs.bootstrap import Services
from hotgigs.privacy import erase_candidate, export_json
from hotgigs.web import dashboard
from hotgigs.web.metrics import add_metrics
from hotgigs.web.timefmt import install_filters
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


def _bearer_ok(token: str, request: Request) -> bool | None:
    """True/False for a bearer header, None when the request carries none."""
    header = request.headers.get("authorization", "")
    if not header.lower().startswith("bearer "):
        return None
    return hmac.compare_digest(header[7:].strip().encode(), token.encode())


class LoginRequired(Exception):
    """Raised by the guard; answered with the login page (401)."""


class FormExpired(Exception):
    """A cookie session's form post without the right CSRF token; answered 403."""


class AdminApp:
    """The dashboard's handlers, sharing one token, one template environment and services."""

    actor = ACTOR  # who the audit log says acted

    def __init__(self, services: Services, token: str) -> None:
        self.services = services
        self.token = token
        self.templates = install_filters(Environment(
            loader=PackageLoader("hotgigs.web", "templates/admin"),
            autoescape=select_autoescape(["html"])))

    def render(self, status: int, name: str, **context: Any) -> Response:
        page = self.templates.get_template(name).render(csrf=self.csrf, **context)
        return Response(page, status_code=status, media_type=_HTML,
                        headers={"Cache-Control": "no-store"})

    @property
    def csrf(self) -> str:
        return _mac(self.token, "csrf", "v1")

    def allowed(self, request: Request) -> tuple[bool, bool]:
        """(let in, by cookie): a wrong bearer token is refused even with a cookie."""
        bearer = _bearer_ok(self.token, request)
        if bearer is not None:
            return bearer, False
        cookie = request.cookies.get(COOKIE)
        return (cookie is not None and _cookie_ok(self.token, cookie)), True

    def signed_in(self, request: Request) -> None:
        """Dependency of every page: the token or a fresh session cookie."""
        if not self.allowed(request)[0]:
            raise LoginRequired

    async def form_posted(self, request: Request) -> dict[str, str]:
        """Dependency of every form post: signed in, and with a cookie the CSRF token too."""
        ok, by_cookie = self.allowed(request)
        if not ok:
            raise LoginRequired
        fields = {k: v for k, v in (await request.form()).items() if isinstance(v, str)}
        if by_cookie and not hmac.compare_digest(fields.get("csrf", ""), self.csrf):
            raise FormExpired
        return fields

    def login(self, token: str) -> Response:
        if not hmac.compare_digest(token.encode(), self.token.encode()):
            log.warning("admin login refused")
            return self.render(401, "login.html", error="Wrong token.")
        response = RedirectResponse("/admin", status_code=303)
        response.set_cookie(COOKIE, session_cookie(self.token), max_age=SESSION_SECONDS,
                            path="/admin", httponly=True, samesite="strict")
        return response

    def logout(self) -> Response:
        response = RedirectResponse("/admin", status_code=303)
        response.delete_cookie(COOKIE, path="/admin", httponly=True, samesite="strict")
        return response

    def home(self, q: str | None) -> Response:
        view = dashboard.overview(self.services)
        if q:
            view["candidates"] = dashboard.recent_candidates(self.services, q)
        return self.render(200, "dashboard.html", view=view, query=q or "")

    def not_found(self) -> Response:
        return self.render(404, "message.html", title="Not found", message="No such candidate.")

    def candidate(self, candidate_id: int | None) -> Response:
        page = dashboard.candidate_page(self.services, candidate_id) if candidate_id else None
        if page is None or candidate_id is None:
            return self.not_found()
        with self.services.db.session() as session:
            audit.record(session, "viewed", actor=ACTOR, source="admin",
                         candidate_id=candidate_id)
        from pipeline.identity import list_links

        return self.render(200, "candidate.html", page=page, links=list_links(
            self.services.db, None, status=None, candidate_id=candidate_id))

    def export(self, candidate_id: int | None) -> Response:
        try:
            data = export_json(self.services, candidate_id or 0, actor=ACTOR, source="admin")
        except LookupError:
            return self.not_found()
        return Response(json.dumps(data, indent=2, ensure_ascii=False).encode(),
                        media_type="application/json", headers={
                            "Content-Disposition":
                                f'attachment; filename="candidate-{candidate_id}.json"'})

    def erase(self, fields: dict[str, str]) -> Response:
        candidate_id = _number(fields.get("id"))
        if candidate_id is None or fields.get("confirm") != "yes":
            return self.render(400, "message.html", title="Not erased",
                               message="Tick the confirmation box to erase a candidate.")
        try:
            report = erase_candidate(self.services, candidate_id, actor=ACTOR, source="admin")
        except LookupError:
            return self.not_found()
        return self.render(200, "message.html", title="Erased",
                           message=(f"Erased candidate records {report.candidate_ids}: "
                                    f"{report.resumes} resumes, {report.blobs_deleted} files. "
                                    "A tombstone refuses future imports of this person."))


def _number(raw: str | None) -> int | None:
    return int(raw) if raw and raw.isdigit() else None


def _routes(admin: AdminApp) -> APIRouter:
    pages = APIRouter(prefix="/admin", include_in_schema=False)
    signed_in = [Depends(admin.signed_in)]
    posted = Depends(admin.form_posted)  # a default, not Annotated: FastAPI cannot resolve
    # annotations that name this function's locals (the module has postponed annotations)

    @pages.get("", dependencies=signed_in)
    def home(q: str | None = None) -> Response:
        return admin.home(q)

    @pages.get("/login")
    def login_page() -> Response:
        return admin.render(200, "login.html", error=None)

    @pages.post("/login")
    def login(token: Annotated[str, Form()] = "") -> Response:
        return admin.login(token)

    @pages.post("/logout")
    def logout() -> Response:
        return admin.logout()

    @pages.get("/candidate", dependencies=signed_in)
    def candidate(id: str | None = None) -> Response:
        return admin.candidate(_number(id))

    @pages.get("/candidate/export", dependencies=signed_in)
    def export(id: str | None = None) -> Response:
        return admin.export(_number(id))

    @pages.post("/candidate/erase")
    def erase(fields: dict[str, str] = posted) -> Response:
        return admin.erase(fields)

    return pages


def add_operations_routes(app: FastAPI, services: Services) -> AdminApp | None:
    """`GET /metrics` always; the `/admin` pages only when HOTGIGS_ADMIN_TOKEN is set (the
    dashboard is returned, for more pages to join it)."""
    add_metrics(app, services)
    token = services.settings.admin_token
    if not token:
        log.info("HOTGIGS_ADMIN_TOKEN is unset: the /admin dashboard is off")
        return None
    admin = AdminApp(services, token)

    async def login_required(_request: Request, _exc: Exception) -> Response:
        return admin.render(401, "login.html", error=None)

    async def form_expired(_request: Request, _exc: Exception) -> Response:
        return admin.render(403, "message.html", title="Forbidden",
                            message="The form expired; reload the page.")

    app.add_exception_handler(LoginRequired, login_required)
    app.add_exception_handler(FormExpired, form_expired)
    app.include_router(_routes(admin))
    return admin
