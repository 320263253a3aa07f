"""Who calls `/api/v1`: a bearer token, or a signed-in recruiter's session cookie.

Scripts and other systems send `Authorization: Bearer <token>`; the recruiter pages call the
same API with their session cookie, and then every unsafe method must echo the session's CSRF
token in `X-CSRF-Token` (a cookie is sent by the browser on its own; the header is not).
Each caller is rate-limited per minute in Redis (HOTGIGS_API_RATE_LIMIT): past it, 429 with
`Retry-After`.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from fastapi import Request

from hotgigs.web.api.context import ApiContext, ApiProblem, api_of
from hotgigs.web.session import CSRF_HEADER, csrf_ok, who
from storage.api_tokens import verify_token
from storage.models import Recruiter

log = logging.getLogger(__name__)

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
WINDOW_SECONDS = 60


@dataclass(frozen=True)
class Caller:
    """The recruiter behind a request, and the key their rate limit is counted under."""

    recruiter_id: int
    identity: str
    email: str | None
    limit_key: str


def _unauthorized(detail: str) -> ApiProblem:
    return ApiProblem(401, detail, headers={"WWW-Authenticate": 'Bearer realm="hotgigs"'})


def _bearer(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    scheme, _, value = header.partition(" ")
    if scheme.lower() != "bearer":
        return None
    return value.strip() or None


def caller(request: Request) -> Caller:
    """FastAPI dependency of every `/api/v1` route but the document and its docs."""
    api = api_of(request)
    secret = _bearer(request)
    if secret is not None:
        owner = verify_token(api.services.db, secret)
        if owner is None:
            raise _unauthorized("The API token is not valid (unknown or revoked).")
        found = Caller(owner.recruiter_id, owner.identity, owner.email, f"token:{owner.token_id}")
    else:
        session = who(request)
        if session is None:
            raise _unauthorized("Send an API token: Authorization: Bearer <token>.")
        if request.method not in SAFE_METHODS and \
                not csrf_ok(session, request.headers.get(CSRF_HEADER)):
            raise _unauthorized(f"A signed-in page must send its {CSRF_HEADER} header.")
        found = session_caller(api, session.recruiter_id, session.email)
    _rate_limit(request, found)
    return found


def session_caller(api: ApiContext, recruiter_id: int, email: str) -> Caller:
    """The caller behind a session cookie. Batches are submitted under the recruiter's
    identity, which is not always their address (a Slack user who signed in by email)."""
    with api.services.db.session() as db:
        recruiter = db.get(Recruiter, recruiter_id)
        if recruiter is None:
            raise _unauthorized("The session names no recruiter: sign in again.")
        return Caller(recruiter.id, recruiter.identity, recruiter.email or email,
                      f"session:{recruiter.id}")


def _rate_limit(request: Request, found: Caller) -> None:
    """At most HOTGIGS_API_RATE_LIMIT requests per minute per caller (`hotgigs.web.limits`)."""
    api = api_of(request)
    limit = api.settings.api_rate_limit
    wait = api.limits.hit(f"api:{found.limit_key}", limit, WINDOW_SECONDS)
    if wait is not None:
        raise ApiProblem(429, f"More than {limit} requests in a minute; retry in {wait} s.",
                         headers={"Retry-After": str(wait)})
