"""The recruiter pages, joined to the app in one call: sign-in, home, candidates, jobs.

`/` greets a visitor with the way in, and a signed-in recruiter with where to go and their
latest imports (their own batches only). A form post without its CSRF token is a 403 page.
"""

from __future__ import annotations

from fastapi import FastAPI, Request
from sqlalchemy import select
from starlette.responses import Response

from hotgigs.bootstrap import Services
from hotgigs.web.candidates import add_candidate_routes
from hotgigs.web.forms import FormRefused
from hotgigs.web.jobs import add_job_routes
from hotgigs.web.pages import pages_of
from hotgigs.web.session import who
from hotgigs.web.signin import install_signin
from storage.models import Batch

RECENT = 10


def recent_imports(services: Services, recruiter_id: int) -> list[Batch]:
    with services.db.session() as session:
        return list(session.scalars(select(Batch).where(Batch.recruiter_id == recruiter_id)
                                    .order_by(Batch.id.desc()).limit(RECENT)))


def install_recruiter_pages(app: FastAPI, services: Services) -> None:
    """Every recruiter page but `/upload`, `/apply` and `/drive` (their own modules)."""

    async def form_refused(request: Request, _exc: Exception) -> Response:
        return pages_of(request).render(request, "message.html", 403, title="Form expired",
                                        message="The form expired: reload the page and try "
                                                "again.")

    app.add_exception_handler(FormRefused, form_refused)
    install_signin(app, services)

    @app.get("/", include_in_schema=False)
    def home(request: Request) -> Response:
        me = who(request)
        batches = recent_imports(services, me.recruiter_id) if me is not None else []
        return pages_of(request).render(request, "home.html", batches=batches)

    add_candidate_routes(app, services)
    add_job_routes(app, services)
