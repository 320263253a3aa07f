"""The public candidate apply page: `/apply/<job-slug>` takes one resume, an email and the
candidate's consent, and `/apply/status/<token>` shows them what was read from it, live.

Like every door it only accepts or refuses, stores and enqueues (STYLE.md, habit 2): the
resume becomes an `IngestRequest(source="web")` of the job's recruiter through the same
intake (one file: the high queue), and the worker parses, files and matches it as any other.
Before anything is stored, a post passes the per-address rate limit, the size limit, the
CSRF check, the form's checks and the content check (`apply_checks.sniff`).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import PurePath
from typing import Any

from fastapi import FastAPI, Request
from starlette.background import BackgroundTask
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData, UploadFile
from starlette.exceptions import HTTPException
from starlette.responses import RedirectResponse, Response

from hotgigs.bootstrap import Services
from hotgigs.web import apply_texts as texts
from hotgigs.web.apply_checks import ACCEPT_ATTRIBUTE, Refused, sniff, valid_email
from hotgigs.web.apply_guard import (
    CSRF_FIELD,
    ApplyCsrf,
    address_fingerprint,
    apply_key,
    read_capped,
    replayed,
)
from hotgigs.web.http import base_url, json_response
from hotgigs.web.limits import FixedWindow, client_address, network_of
from hotgigs.web.pages import pages_of
from hotgigs.wiring import MB, email_config, intake_for, job_queue
from pipeline.applications import (
    application_status,
    find_application,
    job_taking_applications,
    new_status_token,
    record_application,
)
from pipeline.intake import Intake
from pipeline.models import IngestFile, IngestRequest
from storage.models import Job, Recruiter

log = logging.getLogger(__name__)

FORM_OVERHEAD = 64 * 1024  # the email, consent, CSRF fields and multipart framing
DRAIN_FACTOR = 4  # a body this many times the limit is still read to answer 413 cleanly
# the apply pages load nothing from elsewhere and are framed by no one
HEADERS = {"Content-Security-Policy": "default-src 'self'; frame-ancestors 'none'; "
                                      "form-action 'self'; base-uri 'none'",
           "X-Content-Type-Options": "nosniff", "Referrer-Policy": "no-referrer"}


@dataclass(frozen=True)
class JobView:
    """What the page shows of a job, and whom its applications belong to."""

    id: int
    slug: str
    title: str
    where: str
    description: str
    owner_identity: str
    owner_name: str | None

    @classmethod
    def of(cls, job: Job, owner: Recruiter) -> JobView:
        where = texts.WHERE_REMOTE if job.remote else job.location or ""
        return cls(id=job.id, slug=job.slug, title=job.title, where=where,
                   description=job.description, owner_identity=owner.identity,
                   owner_name=owner.display_name or owner.email)  # never a Slack id


class ApplyDoor:
    """The apply page's handlers, with what they share: settings, keys, intake, limiter."""

    def __init__(self, services: Services) -> None:
        self.services = services
        settings = services.settings
        self.max_file = settings.max_file_mb * MB
        self.csrf = ApplyCsrf(apply_key(settings, b"csrf"),
                              secure=(settings.public_url or "").startswith("https://"))
        self.address_key = apply_key(settings, b"client address")
        self._intake: Intake | None = None
        self.limits = FixedWindow(lambda: services.redis, settings.queue_prefix)

    # -- shared pieces ---------------------------------------------------------------------
    def _ready(self) -> Intake | None:
        """The intake, built at first use; None without Redis (no queue)."""
        if not self.services.settings.redis_url:
            return None
        if self._intake is None:
            self._intake = intake_for(self.services, job_queue(self.services))
        return self._intake

    def _rate_limited(self, address: str) -> int | None:
        """Seconds to wait when this client network sent too many applications."""
        settings = self.services.settings
        bucket = "apply:" + address_fingerprint(self.address_key, network_of(address))
        return self.limits.hit(bucket, settings.apply_rate_limit,
                               settings.apply_rate_minutes * 60)

    def _job(self, slug: str) -> JobView | None:
        with self.services.db.session() as session:
            found = job_taking_applications(session, slug)
            return JobView.of(*found) if found else None

    def _page(self, request: Request, name: str, status: int = 200,
              headers: dict[str, str] | None = None, **context: Any) -> Response:
        response = pages_of(request).render(request, name, status, **context)
        response.headers.update({**HEADERS, **(headers or {})})
        return response

    def _message(self, request: Request, status: int, title: str, text: str, *,
                 back: str | None = None, headers: dict[str, str] | None = None) -> Response:
        return self._page(request, "apply_message.html", status, headers, title=title,
                          message=text, back=back)

    def _form(self, request: Request, job: JobView, status: int = 200, *,
              errors: list[str] | None = None, email: str = "") -> Response:
        nonce, field = self.csrf.issue(request)
        settings = self.services.settings
        response = self._page(
            request, "apply.html", status, job=job, errors=errors or [], email=email,
            apply_csrf=field, accept=ACCEPT_ATTRIBUTE, max_mb=settings.max_file_mb,
            consent=texts.consent_text(job.owner_name, settings.retention_days))
        self.csrf.remember(response, nonce)
        return response

    def _too_big(self, request: Request, job: JobView) -> Response:
        return self._message(request, 413, texts.TOO_BIG_TITLE,
                             texts.too_big(self.services.settings.max_file_mb),
                             back=f"/apply/{job.slug}")

    # -- the handlers ----------------------------------------------------------------------
    def show(self, request: Request, slug: str) -> Response:
        job = self._job(slug)
        if job is None:
            return self._message(request, 404, texts.NOT_FOUND_TITLE, texts.NOT_FOUND)
        return self._form(request, job)

    async def submit(self, request: Request, slug: str) -> Response:
        job = await run_in_threadpool(self._job, slug)
        if job is None:
            return self._message(request, 404, texts.NOT_FOUND_TITLE, texts.NOT_FOUND)
        intake = self._ready()
        if intake is None:
            return self._message(request, 503, texts.UNAVAILABLE_TITLE, texts.UNAVAILABLE)
        address = client_address(request)
        fingerprint = address_fingerprint(self.address_key, address)
        wait = await run_in_threadpool(self._rate_limited, address)
        if wait is not None:
            return self._message(request, 429, texts.RATE_TITLE,
                                 texts.rate_limited(-(-wait // 60)),
                                 headers={"Retry-After": str(wait)})
        body = await read_capped(request, self.max_file + FORM_OVERHEAD,
                                 drain=DRAIN_FACTOR * self.max_file + FORM_OVERHEAD)
        if body is None:
            return self._too_big(request, job)
        try:
            form = await replayed(request, body).form(max_files=1, max_fields=8,
                                                      max_part_size=FORM_OVERHEAD)
        except HTTPException as exc:
            several = "files" in str(exc.detail).lower()
            return self._form(request, job, 400,
                              errors=[texts.NEED_ONE_FILE if several else texts.BAD_FORM])
        try:
            return await self._checked(request, job, form, intake, fingerprint)
        finally:
            await form.close()

    async def _checked(self, request: Request, job: JobView, form: FormData, intake: Intake,
                       fingerprint: str) -> Response:
        given_csrf = form.get(CSRF_FIELD)
        if not self.csrf.check(request, given_csrf if isinstance(given_csrf, str) else None):
            return self._message(request, 403, texts.CSRF_TITLE, texts.CSRF_REFUSED,
                                 back=f"/apply/{job.slug}")
        typed = form.get("email")
        typed = typed if isinstance(typed, str) else ""
        email = valid_email(typed)
        uploads = [v for v in form.getlist("resume") if isinstance(v, UploadFile)]
        errors = []
        if form.get("consent") != "yes":
            errors.append(texts.NEED_CONSENT)
        if email is None:
            errors.append(texts.BAD_EMAIL)
        if len(uploads) != 1 or not uploads[0].filename:
            errors.append(texts.NEED_ONE_FILE)
        if errors:
            return self._form(request, job, 400, errors=errors, email=typed[:320])
        upload = uploads[0]
        if upload.size is not None and upload.size > self.max_file:
            return self._too_big(request, job)
        data = await upload.read()
        if len(data) > self.max_file:
            return self._too_big(request, job)
        name = PurePath((upload.filename or "").replace("\\", "/")).name[:200] or "resume"
        try:
            if not data:
                raise Refused(texts.EMPTY_FILE)
            sniff(data, name, upload.content_type)
        except Refused as exc:
            log.info("apply %s: file refused: %s", job.slug, exc.reason)
            return self._form(request, job, 415, errors=[exc.reason], email=typed[:320])
        assert email is not None
        token = new_status_token()
        batch_id = await run_in_threadpool(self._store, intake, job, email, name, data,
                                           upload.content_type, fingerprint, token)
        log.info("apply %s: batch %s from %s", job.slug, batch_id, email)
        link = f"{base_url(self.services.settings, request)}/apply/status/{token}"
        return RedirectResponse(f"/apply/status/{token}", status_code=303,
                                headers={"Referrer-Policy": "no-referrer"},
                                background=BackgroundTask(self._mail, email, job.title, link))

    def _store(self, intake: Intake, job: JobView, email: str, name: str, data: bytes,
               declared: str | None, fingerprint: str, token: str) -> int:
        """The resume through the intake as the job owner's, then the application row."""
        note = (f"Application to {job.title} ({job.slug}) through the apply page from "
                f"{email}; consent {texts.CONSENT_VERSION}")
        batch = intake.submit(IngestRequest(
            source="web", submitted_by=job.owner_identity, note=note, job_hint=job.slug,
            files=[IngestFile(name=name, content=data, declared_mime=declared,
                              origin=f"apply:{job.slug}")]))
        with self.services.db.session() as session:
            record_application(session, job_id=job.id, batch_id=batch.id, email=email,
                               consent_version=texts.CONSENT_VERSION, ip_hash=fingerprint,
                               token=token)
        return batch.id

    def _mail(self, to: str, job_title: str, link: str) -> None:
        """The status link by email (relay or the Maildir outbox), after the answer went."""
        from bots.email.outbound import make_mailer

        settings = self.services.settings
        try:
            mailer = make_mailer(settings.smtp_relay_url, settings.data_dir / "outbox")
            mailer.send(texts.status_email(to=to, sender=email_config(settings).address,
                                           job_title=job_title, link=link))
        except Exception:  # the application is stored; the page showed the link already
            log.exception("apply: the status link to %s could not be sent", to)

    def _status(self, token: str) -> tuple[dict[str, Any], str] | None:
        with self.services.db.session() as session:
            application = find_application(session, token)
            if application is None:
                return None
            status = application_status(session, application)
        return status.model_dump(mode="json"), status.state

    def status_page(self, request: Request, token: str) -> Response:
        found = self._status(token)
        if found is None:
            return self._message(request, 404, texts.STATUS_NOT_FOUND_TITLE,
                                 texts.STATUS_NOT_FOUND)
        status, state = found
        reason = texts.failure_in_words(status["reason"]) if status["reason"] else ""
        return self._page(request, "apply_status.html", application=status, state=state,
                          reason=reason, token=token,
                          link=f"{base_url(self.services.settings, request)}/apply/status/{token}")

    def status_json(self, token: str) -> Response:
        found = self._status(token)
        headers = {"Cache-Control": "no-store", **HEADERS}
        if found is None:
            return json_response(404, {"error": "not found"}, headers)
        status, _ = found
        if status["reason"]:
            status["reason"] = texts.failure_in_words(status["reason"])
        return json_response(200, status, headers)


def add_apply_routes(app: FastAPI, services: Services) -> None:
    """`/apply/<slug>` (GET form, POST application) and the status page with its JSON."""
    door = ApplyDoor(services)
    # the .json route first: the page's `{token}` would take "abc.json" too
    app.add_api_route("/apply/status/{token}.json", door.status_json, methods=["GET"],
                      include_in_schema=False)
    app.add_api_route("/apply/status/{token}", door.status_page, methods=["GET"],
                      include_in_schema=False)
    app.add_api_route("/apply/{slug}", door.show, methods=["GET"], include_in_schema=False)
    app.add_api_route("/apply/{slug}", door.submit, methods=["POST"], include_in_schema=False)
