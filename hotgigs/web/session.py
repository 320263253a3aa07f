"""Who is signed in on the recruiter pages: a signed, expiring cookie naming the recruiter.

Every way of signing in (the one-time link sent by email, an API token typed once) ends in
this cookie. It is signed with itsdangerous under a key derived from the encryption key, so it
needs no session table and a new encryption key signs everyone out. Each session carries its
own random CSRF token: form posts and the pages' own API calls (`X-CSRF-Token`) must echo it.

Pages depend on `signed_in` (a recruiter or a redirect to `/signin?next=…`); handlers that work
for visitors too use `who(request)`.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from urllib.parse import quote

from fastapi import FastAPI, Request
from itsdangerous import BadSignature, URLSafeTimedSerializer
from starlette.responses import RedirectResponse, Response

from hotgigs.settings import Settings
from storage.files import load_or_create_key

COOKIE = "hotgigs_session"
SESSION_SECONDS = 14 * 24 * 3600
CSRF_HEADER = "X-CSRF-Token"


@dataclass(frozen=True)
class SignedIn:
    """The recruiter behind a request: their row id, their address and the session's CSRF."""

    recruiter_id: int
    email: str
    csrf: str


class SignInRequired(Exception):
    """Raised by `signed_in`; answered with a redirect to the sign-in page."""

    def __init__(self, next_path: str) -> None:
        super().__init__(next_path)
        self.next_path = next_path


class Sessions:
    """Makes and reads session cookies; one per app, on `app.state.sessions`."""

    def __init__(self, key: bytes, *, secure: bool) -> None:
        self._serializer = URLSafeTimedSerializer(key, salt="hotgigs-recruiter-session")
        self.secure = secure

    def cookie_value(self, recruiter_id: int, email: str) -> str:
        """A new session's cookie (tests sign in with it too)."""
        return self._serializer.dumps({"r": recruiter_id, "e": email,
                                       "c": secrets.token_urlsafe(24)})

    def read(self, value: str | None) -> SignedIn | None:
        if not value:
            return None
        try:
            data = self._serializer.loads(value, max_age=SESSION_SECONDS)
        except BadSignature:  # tampered, foreign key, or expired
            return None
        if not isinstance(data, dict) or not isinstance(data.get("r"), int):
            return None
        return SignedIn(recruiter_id=data["r"], email=str(data.get("e", "")),
                        csrf=str(data.get("c", "")))

    def start(self, response: Response, recruiter_id: int, email: str) -> None:
        response.set_cookie(COOKIE, self.cookie_value(recruiter_id, email),
                            max_age=SESSION_SECONDS, path="/", httponly=True, samesite="lax",
                            secure=self.secure)

    def end(self, response: Response) -> None:
        response.delete_cookie(COOKIE, path="/", httponly=True, samesite="lax",
                               secure=self.secure)


def session_key(settings: Settings) -> bytes:
    """The cookie key: the encryption key, through HMAC with its own purpose label."""
    root = load_or_create_key(settings.encryption_key, settings.data_dir)
    return hmac.new(root, b"hotgigs web session v1", hashlib.sha256).digest()


def install_sessions(app: FastAPI, settings: Settings) -> Sessions:
    """Put the app's `Sessions` on `app.state`, and answer `SignInRequired` with a redirect."""
    public = settings.public_url or ""
    sessions = Sessions(session_key(settings), secure=public.startswith("https://"))
    app.state.sessions = sessions

    async def to_sign_in(_request: Request, exc: Exception) -> Response:
        assert isinstance(exc, SignInRequired)
        return RedirectResponse(f"/signin?next={quote(exc.next_path, safe='/')}",
                                status_code=303)

    app.add_exception_handler(SignInRequired, to_sign_in)
    return sessions


def sessions_of(request: Request) -> Sessions:
    sessions = request.app.state.sessions
    assert isinstance(sessions, Sessions)
    return sessions


def who(request: Request) -> SignedIn | None:
    """The signed-in recruiter, or None for a visitor."""
    return sessions_of(request).read(request.cookies.get(COOKIE))


def signed_in(request: Request) -> SignedIn:
    """FastAPI dependency of recruiter pages: the recruiter, or off to `/signin`."""
    found = who(request)
    if found is None:
        path = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        raise SignInRequired(path)
    return found


def csrf_ok(session: SignedIn, given: str | None) -> bool:
    return bool(given) and hmac.compare_digest(session.csrf, given or "")
