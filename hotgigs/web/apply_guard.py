"""The apply page's defences against strangers: a CSRF token for visitors who have no session,
the client address's fingerprint (what consent records and the rate limit of
`hotgigs.web.limits` counts by), and a request body read no further than the size limit.

CSRF is a signed double submit: the page sets a random nonce in a `SameSite=Strict` cookie
and puts the same nonce, signed with itsdangerous under a key derived from the encryption key
(as `session.session_key` derives the session's), in a hidden field. A post must carry both
and they must agree: another site can neither read the cookie nor sign a field for it.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import re
import secrets

from itsdangerous import BadSignature, URLSafeTimedSerializer
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import Message

from hotgigs.settings import Settings
from storage.files import load_or_create_key

log = logging.getLogger(__name__)

CSRF_COOKIE = "hotgigs_apply"
CSRF_FIELD = "csrf"
CSRF_MAX_AGE = 24 * 3600  # a form left open for a day is sent again from a fresh page
_NONCE = re.compile(r"^[A-Za-z0-9_-]{32,64}$")


def apply_key(settings: Settings, purpose: bytes) -> bytes:
    """A key of the apply page's own, from the encryption key through HMAC with a label."""
    root = load_or_create_key(settings.encryption_key, settings.data_dir)
    return hmac.new(root, b"hotgigs apply v1 " + purpose, hashlib.sha256).digest()


class ApplyCsrf:
    """Issues and checks the visitor's CSRF pair (cookie nonce + signed hidden field)."""

    def __init__(self, key: bytes, *, secure: bool) -> None:
        self._serializer = URLSafeTimedSerializer(key, salt="hotgigs-apply-csrf")
        self.secure = secure

    def issue(self, request: Request) -> tuple[str, str]:
        """(nonce, hidden field) for a page; the visitor's nonce is kept, so two open tabs
        both work. Hand the nonce to `remember` on the response that carries the page."""
        nonce = request.cookies.get(CSRF_COOKIE) or ""
        if not _NONCE.match(nonce):
            nonce = secrets.token_urlsafe(32)
        return nonce, str(self._serializer.dumps(nonce))

    def remember(self, response: Response, nonce: str) -> None:
        response.set_cookie(CSRF_COOKIE, nonce, max_age=CSRF_MAX_AGE, path="/apply",
                            httponly=True, samesite="strict", secure=self.secure)

    def check(self, request: Request, field: str | None) -> bool:
        nonce = request.cookies.get(CSRF_COOKIE) or ""
        if not field or not _NONCE.match(nonce):
            return False
        try:
            signed = self._serializer.loads(field, max_age=CSRF_MAX_AGE)
        except BadSignature:  # forged, another key's, or too old
            return False
        return isinstance(signed, str) and hmac.compare_digest(signed, nonce)


def address_fingerprint(key: bytes, address: str) -> str:
    """An HMAC of the address: the same visitor is recognisable, the address is not stored
    (a plain hash of an IPv4 address is undone by trying all four billion)."""
    return hmac.new(key, address.encode(), hashlib.sha256).hexdigest()


async def read_capped(request: Request, cap: int, drain: int) -> bytes | None:
    """The request body, or None when it is longer than `cap` bytes. A longer body is still
    read (and dropped) up to `drain` bytes, so the browser, still sending, gets our answer
    instead of a reset connection; past `drain` the connection is given up."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > drain:
        return None
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > drain:
            return None
        if size <= cap:
            chunks.append(chunk)
    return b"".join(chunks) if size <= cap else None


def replayed(request: Request, body: bytes) -> Request:
    """A request whose body is `body`: for parsing a body already read (and measured)."""
    sent = False

    async def receive() -> Message:
        nonlocal sent
        if sent:
            return {"type": "http.disconnect"}
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    return Request(request.scope, receive)
