"""`/api/v1`: the versioned REST API of the web door (issue #19).

Modules: `tokens` (the API tokens, also behind `hotgigs token`), `auth` (who calls: a bearer
token or a session cookie with CSRF; the rate limit), `resumes` (uploads), `batches` (status
and the event stream, woken by `events`), `candidates`, `jobs` (and matches), `docs` (the
OpenAPI document and Swagger UI), `schemas` (the bodies), `context` (what they share).
"""

from __future__ import annotations

import threading

from fastapi import APIRouter, FastAPI, Request
from starlette.responses import Response

from hotgigs.bootstrap import Services
from hotgigs.web.api.batches import batches_router
from hotgigs.web.api.candidates import candidates_router
from hotgigs.web.api.context import ApiContext, ApiProblem
from hotgigs.web.api.docs import PREFIX, add_docs
from hotgigs.web.api.events import EventHub, events_channel
from hotgigs.web.api.jobs import jobs_router
from hotgigs.web.api.resumes import resumes_router
from hotgigs.web.http import problem
from hotgigs.web.limits import FixedWindow
from hotgigs.wiring import intake_for, job_queue

API_VERSION = "1.0.0"


def install_api(app: FastAPI, services: Services) -> ApiContext:
    """Add `/api/v1` to the app; its shared context goes on `app.state.api`."""
    settings = services.settings
    stopping = getattr(app.state, "stopping", None)
    if not isinstance(stopping, threading.Event):
        stopping = threading.Event()
    queue = job_queue(services) if settings.redis_url else None
    api = ApiContext(services=services, intake=intake_for(services, queue),
                     hub=EventHub(settings.redis_url, events_channel(settings.queue_prefix),
                                  stopping),
                     limits=FixedWindow(lambda: services.redis, settings.queue_prefix),
                     stopping=stopping)
    app.state.api = api

    async def refused(_request: Request, exc: Exception) -> Response:
        assert isinstance(exc, ApiProblem)
        return problem(exc.status_code, exc.title, str(exc.detail), headers=dict(exc.headers or {}),
                       **exc.extra)

    app.add_exception_handler(ApiProblem, refused)
    router = APIRouter(prefix=PREFIX)
    for part in (resumes_router(settings), batches_router(), candidates_router(),
                 jobs_router()):
        router.include_router(part)
    app.include_router(router)
    add_docs(app, API_VERSION)
    return api
