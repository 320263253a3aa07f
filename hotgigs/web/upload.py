"""`/upload`: a recruiter drops resumes and ZIPs, watches them processed, reads the results.

Progressive enhancement: the page is a plain multipart form that posts here and lands on the
batch page (`/upload/batches/{id}`, the results table rendered on the server); with
JavaScript (`static/upload.js`) the same files go to `POST /api/v1/resumes` with the
session's CSRF header, and the page follows the batch's event stream with a progress bar
("15/50 processed") and fills the table as files end. Both ways use the API's own code.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, FastAPI, Request
from starlette.concurrency import run_in_threadpool
from starlette.responses import RedirectResponse, Response

from hotgigs.web.api.auth import Caller, session_caller
from hotgigs.web.api.batches import batch_view
from hotgigs.web.api.context import ApiProblem, api_of
from hotgigs.web.api.resumes import accept_upload, batch_urls, read_uploads
from hotgigs.web.pages import pages_of
from hotgigs.web.session import SignedIn, csrf_ok, signed_in

Me = Annotated[SignedIn, Depends(signed_in)]


def _caller(request: Request, me: SignedIn) -> Caller:
    return session_caller(api_of(request), me.recruiter_id, me.email)


def _form(request: Request, status: int = 200, error: str | None = None) -> Response:
    settings = api_of(request).settings
    return pages_of(request).render(request, "upload.html", status, error=error,
                                    max_file_mb=settings.max_file_mb,
                                    max_total_mb=settings.zip_max_total_mb)


def upload_router() -> APIRouter:
    router = APIRouter(include_in_schema=False)

    @router.get("/upload")
    def upload_page(request: Request, _me: Me) -> Response:
        return _form(request)

    @router.post("/upload")
    async def upload_posted(request: Request, me: Me) -> Response:
        """The form without JavaScript: store the files, then show the batch's page."""
        api = api_of(request)
        try:
            files, fields = await read_uploads(request, api.settings)
            if not csrf_ok(me, fields.get("csrf")):
                return _form(request, 403, "The form expired: please choose the files again "
                                           "and upload.")
            who = await run_in_threadpool(_caller, request, me)
            batch = await accept_upload(api, who, files, None)
        except ApiProblem as refused:
            return _form(request, refused.status_code, str(refused.detail))
        return RedirectResponse(f"/upload/batches/{batch.id}", status_code=303)

    @router.get("/upload/batches/{batch_id}")
    async def batch_page(batch_id: int, request: Request, me: Me) -> Response:
        api = api_of(request)
        try:
            view = await run_in_threadpool(
                lambda: batch_view(api, batch_id, _caller(request, me)))
        except ApiProblem:
            return pages_of(request).render(request, "upload_batch.html", 404, batch=None)
        return pages_of(request).render(request, "upload_batch.html", batch=view,
                                        events_url=batch_urls(batch_id)[1])

    return router


def add_upload_pages(app: FastAPI) -> None:
    app.include_router(upload_router())
