"""Form posts on the recruiter pages: every one carries a CSRF token, checked here.

A signed-in recruiter's forms echo their session's token (`session.csrf_ok`). Forms a visitor
posts (asking for a sign-in link, using one) have no session yet, so they use a double-submit
cookie: a random value in an HttpOnly cookie that the form must repeat; another site can make
a browser post a form but cannot read or set that cookie, so it cannot sign a victim in as
someone else (login CSRF).
"""

from __future__ import annotations

import hmac
import secrets

from fastapi import Depends, Request
from starlette.responses import Response

from hotgigs.web.session import SignedIn, csrf_ok, sessions_of, signed_in

VISITOR_COOKIE = "hotgigs_form"
VISITOR_SECONDS = 3600


class FormRefused(Exception):
    """A form post without the right CSRF token: answered 403 with "reload the page"."""


async def _fields(request: Request) -> dict[str, str]:
    return {k: v for k, v in (await request.form()).items() if isinstance(v, str)}


async def recruiter_form(request: Request,
                         me: SignedIn = Depends(signed_in)) -> tuple[SignedIn, dict[str, str]]:
    """Dependency of a signed-in form post: the recruiter and the posted fields."""
    fields = await _fields(request)
    if not csrf_ok(me, fields.get("csrf")):
        raise FormRefused
    return me, fields


async def visitor_form(request: Request) -> dict[str, str]:
    """Dependency of a visitor's form post: the fields, once the cookie token matches."""
    fields = await _fields(request)
    cookie = request.cookies.get(VISITOR_COOKIE) or ""
    if not cookie or not hmac.compare_digest(cookie, fields.get("csrf", "")):
        raise FormRefused
    return fields


def visitor_token(request: Request) -> str:
    """The visitor's form token: theirs from the cookie, or a new one (`keep_visitor` sets it)."""
    return request.cookies.get(VISITOR_COOKIE) or secrets.token_urlsafe(24)


def keep_visitor(request: Request, response: Response, token: str) -> Response:
    if request.cookies.get(VISITOR_COOKIE) != token:
        response.set_cookie(VISITOR_COOKIE, token, max_age=VISITOR_SECONDS, path="/",
                            httponly=True, samesite="lax", secure=sessions_of(request).secure)
    return response
