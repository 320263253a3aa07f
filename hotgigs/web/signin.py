"""Signing in to the recruiter pages with a one-time link sent by email, and signing out.

`POST /signin` mails a link to a registered recruiter (`hotgigs recruiter add`) through the
mailer the email door uses (the relay, or the Maildir `<data dir>/outbox`). Everyone gets the
same "check your email" page, and the mail goes out after the answer, so neither the page nor
its timing tells whether an address is a recruiter's. Opening the link (GET) only shows a
"Sign in" button: mail scanners that fetch links do not use it up; the button's POST does,
once (`signin_links`), and starts the session.
"""

from __future__ import annotations

import logging
from urllib.parse import urlencode

import redis
from fastapi import APIRouter, BackgroundTasks, Depends, FastAPI, Request
from sqlalchemy import select
from starlette.responses import RedirectResponse, Response

from bots.email.outbound import Mailer, automated_message, make_mailer
from bots.email.recruiters import normalise
from hotgigs.bootstrap import Services
from hotgigs.web.forms import (
    keep_visitor,
    recruiter_form,
    visitor_form,
    visitor_token,
)
from hotgigs.web.http import base_url
from hotgigs.web.limits import client_address
from hotgigs.web.pages import pages_of
from hotgigs.web.session import SignedIn, sessions_of, who
from hotgigs.web.signin_links import SignInLinks
from hotgigs.wiring import email_config
from storage.api_tokens import verify_token
from storage.models import Recruiter

log = logging.getLogger(__name__)

# An API token typed into the sign-in page: (recruiter id, email) of its owner, or None.
SUBJECT = "Your HotGigs sign-in link"


def safe_next(value: str | None) -> str:
    """Where to land after signing in: a path on this site only (never `//evil.test`)."""
    if not value or not value.startswith("/") or value.startswith(("//", "/\\")) \
            or any(ord(ch) < 32 for ch in value):
        return "/"
    return value


class SignIn:
    """The sign-in handlers, with the link store and the mailer they share."""

    def __init__(self, services: Services, mailer: Mailer, links: SignInLinks) -> None:
        self.services = services
        self.mailer = mailer
        self.links = links
        self.sender = email_config(services.settings).address

    def form(self, request: Request, *, status: int = 200, email: str = "", error: str = "",
             next_path: str = "/") -> Response:
        token = visitor_token(request)
        page = pages_of(request).render(request, "signin.html", status, email=email,
                                        error=error, next=safe_next(next_path), form_token=token)
        return keep_visitor(request, page, token)

    def registered(self, email: str) -> Recruiter | None:
        with self.services.db.session() as session:
            return session.scalar(select(Recruiter).where(
                Recruiter.identity == email, Recruiter.registered_at.is_not(None)))

    def ask(self, request: Request, fields: dict[str, str], tasks: BackgroundTasks) -> Response:
        next_path = safe_next(fields.get("next"))
        raw = fields.get("email", "").strip()
        try:
            email = normalise(raw)
        except ValueError:
            return self.form(request, status=400, email=raw, next_path=next_path,
                             error="Enter an email address, like name@example.com.")
        try:
            wait = self.links.throttled(email, client_address(request))
            recruiter = self.registered(email) if wait is None else None
            token = self.links.issue(recruiter.id, email, next_path) if recruiter else None
        except (redis.RedisError, RuntimeError):  # RuntimeError: no Redis configured
            return self.unavailable(request)
        if wait is not None:
            log.warning("sign-in links throttled for %s", client_address(request))
            page = pages_of(request).render(
                request, "message.html", 429, title="Too many requests",
                message=f"Too many sign-in links were asked for. Try again in "
                        f"{max(1, round(wait / 60))} minutes.")
            page.headers["Retry-After"] = str(wait)
            return page
        if token is not None:
            query = urlencode({"token": token})
            link = f"{base_url(self.services.settings, request)}/signin/link?{query}"
            tasks.add_task(self.send, email, link)
        else:
            log.info("sign-in link asked for an address that is no recruiter's")
        return pages_of(request).render(request, "signin_sent.html", email=email,
                                        minutes=self.links.lifetime // 60)

    def send(self, email: str, link: str) -> None:
        message = automated_message(self.sender, email, SUBJECT)
        minutes = self.links.lifetime // 60
        message.set_content(
            f"Hello,\n\nopen this link to sign in to HotGigs:\n\n{link}\n\n"
            f"It works once, within {minutes} minutes. If you did not ask to sign in, "
            "ignore this email: nobody can sign in without it.\n\n-- \nHotGigs\n")
        try:
            self.mailer.send(message)
        except Exception:  # after the answer: nobody to tell but the log
            log.exception("sign-in link could not be sent")

    def unavailable(self, request: Request) -> Response:
        log.exception("sign-in: Redis unavailable")
        return pages_of(request).render(request, "message.html", 503, title="Try again soon",
                                        message="Signing in is unavailable right now.")

    def link_page(self, request: Request, token: str) -> Response:
        try:
            valid = self.links.valid(token)
        except (redis.RedisError, RuntimeError):
            return self.unavailable(request)
        if not valid:
            return self.gone(request)
        form_token = visitor_token(request)
        page = pages_of(request).render(request, "signin_link.html", token=token,
                                        form_token=form_token)
        page.headers["Referrer-Policy"] = "no-referrer"  # the token is in this page's URL
        return keep_visitor(request, page, form_token)

    def gone(self, request: Request) -> Response:
        return pages_of(request).render(
            request, "message.html", 410, title="This link no longer works",
            message=f"Sign-in links work once, within {self.links.lifetime // 60} minutes. "
                    "Ask for a new one.",
            link=("/signin", "Ask for a new sign-in link"))

    def use(self, request: Request, token: str) -> Response:
        try:
            pending = self.links.use(token)
        except (redis.RedisError, RuntimeError):
            return self.unavailable(request)
        if pending is None or self.registered(pending.email) is None:
            return self.gone(request)
        return self.start(request, pending.recruiter_id, pending.email, pending.next_path)

    def start(self, request: Request, recruiter_id: int, email: str, next_path: str) -> Response:
        response = RedirectResponse(safe_next(next_path), status_code=303)
        sessions_of(request).start(response, recruiter_id, email)
        log.info("recruiter %s signed in", recruiter_id)
        return response

    def by_token(self, request: Request, fields: dict[str, str]) -> Response:
        next_path = safe_next(fields.get("next"))
        owner = verify_token(self.services.db, fields.get("token", "").strip())
        if owner is None:
            return self.form(request, status=401, next_path=next_path,
                             error="That API token is not valid.")
        return self.start(request, owner.recruiter_id, owner.email or owner.identity, next_path)


def _routes(sign_in: SignIn) -> APIRouter:
    router = APIRouter(include_in_schema=False)

    @router.get("/signin")
    def signin_page(request: Request, next: str = "/") -> Response:
        if who(request) is not None:
            return RedirectResponse(safe_next(next), status_code=303)
        return sign_in.form(request, next_path=next)

    @router.post("/signin")
    def ask_for_link(request: Request, tasks: BackgroundTasks,
                     fields: dict[str, str] = Depends(visitor_form)) -> Response:
        return sign_in.ask(request, fields, tasks)

    @router.get("/signin/link")
    def link_page(request: Request, token: str = "") -> Response:
        return sign_in.link_page(request, token)

    @router.post("/signin/link")
    def use_link(request: Request, fields: dict[str, str] = Depends(visitor_form)) -> Response:
        return sign_in.use(request, fields.get("token", ""))

    @router.post("/signin/token")
    def use_token(request: Request, fields: dict[str, str] = Depends(visitor_form)) -> Response:
        return sign_in.by_token(request, fields)

    @router.post("/signout")
    def sign_out(request: Request,
                 posted: tuple[SignedIn, dict[str, str]] = Depends(recruiter_form)) -> Response:
        response = RedirectResponse("/", status_code=303)
        sessions_of(request).end(response)
        return response

    return router


def install_signin(app: FastAPI, services: Services) -> SignIn:
    """`/signin`, `/signin/link`, `/signin/token` (an API token), `/signout`."""
    settings = services.settings
    mailer = make_mailer(settings.smtp_relay_url, settings.data_dir / "outbox")
    sign_in = SignIn(services, mailer, SignInLinks(lambda: services.redis,
                                                       settings.queue_prefix))
    app.include_router(_routes(sign_in))
    return sign_in
