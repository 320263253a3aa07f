"""`POST /api/v1/resumes`: files and ZIPs in, a batch out (202), nothing parsed here.

The door stores the files through the same intake as every other door and returns at once
(STYLE.md, habit 2): one file goes to the high-priority queue (one job parses and answers
it), several (or a ZIP) to the low one in chunks. A file that can never be a resume is
refused per file in the batch, with its reason, and the rest goes on. Size limits: the whole
request is at most HOTGIGS_ZIP_MAX_TOTAL_MB (a larger Content-Length is refused at once, and
a body that grows past it is refused as soon as it does), a file other than a ZIP at most
HOTGIGS_MAX_FILE_MB: 413 either way.

`read_uploads` and `accept_upload` are shared with the `/upload` page's form post (no
JavaScript).
"""

from __future__ import annotations

import logging
import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Header, Request, Response
from redis import RedisError
from sqlalchemy import select
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile
from starlette.formparsers import MultiPartException
from starlette.requests import ClientDisconnect
from starlette.types import Message

from hotgigs.settings import Settings
from hotgigs.web.api.auth import Caller, caller
from hotgigs.web.api.context import ApiContext, ApiProblem, api_of
from hotgigs.web.api.schemas import BatchCreated, Problem
from hotgigs.wiring import MB
from pipeline.archives import is_zip_archive
from pipeline.models import IngestFile, IngestRequest, ReplyTarget
from pipeline.queue import upload_job_id
from storage.models import Batch, ProcessingJob, Resume

log = logging.getLogger(__name__)

MULTIPART_SLACK = 1 * MB  # part headers and boundaries around the files themselves
MAX_FILES = 1000  # parts in one request (a ZIP's entries are limited by HOTGIGS_ZIP_*)


def request_limit(settings: Settings) -> int:
    """The largest request body: a submission carries at most what a ZIP may hold."""
    return settings.zip_max_total_mb * MB + MULTIPART_SLACK


def batch_urls(batch_id: int) -> tuple[str, str]:
    url = f"/api/v1/batches/{batch_id}"
    return url, f"{url}/events"


async def accept_upload(api: ApiContext, who: Caller, files: list[IngestFile],
                        idempotency_key: str | None) -> Batch:
    """Submit the files as one web batch of this recruiter (the same key: the same batch)."""
    if not files:
        raise ApiProblem(422, "Send one or more files (or ZIPs of them) in the `files` field.")
    key = (idempotency_key or "").strip()
    if len(key) > 200:
        raise ApiProblem(422, "The Idempotency-Key header is longer than 200 characters.")
    request = IngestRequest(
        source="web", submitted_by=who.identity, files=files,
        reply_to=ReplyTarget(kind="none", address=who.email),
        # keys are per recruiter: two recruiters may well pick the same one
        idempotency_key=f"web:{who.recruiter_id}:{key}" if key else None,
    )
    return await run_in_threadpool(_submit, api, request)


def _submit(api: ApiContext, request: IngestRequest) -> Batch:
    """Submit; a single upload (high priority) is then parsed AND answered by one job of its
    own, as the email door does, so its `done` does not wait behind the answers of every
    upload queued before it (a parse job, then a reply job at the end of the queue)."""
    job_id = upload_job_id(uuid.uuid4().hex)
    batch = api.intake.submit(request, held_by=job_id)
    queue = api.intake.queue
    if batch.priority != "high" or queue is None:
        return batch
    with api.services.db.session() as session:
        holders = set(session.scalars(
            select(ProcessingJob.rq_job_id).join(Resume, Resume.id == ProcessingJob.resume_id)
            .where(Resume.batch_id == batch.id)))
    if holders and job_id not in holders:
        return batch  # the same Idempotency-Key again: that batch has its job already
    try:
        queue.enqueue_upload(batch.id, job_id)
    except RedisError:  # the batch is durable: the sweeper queues its resume again
        log.exception("batch %s: enqueue failed, the sweeper will retry", batch.id)
    return batch


def created(batch: Batch, response: Response) -> BatchCreated:
    url, events = batch_urls(batch.id)
    response.headers["Location"] = url
    return BatchCreated(batch_id=batch.id, url=url, events_url=events, total=batch.total,
                        state=batch.state)


def _limited(request: Request, limit: int) -> Request:
    """The request with a body reader that refuses (413) past `limit` bytes: at once when the
    Content-Length says so, else as soon as the bytes read pass it."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise ApiProblem(413, f"The request is larger than {limit // MB} MB "
                              "(HOTGIGS_ZIP_MAX_TOTAL_MB).")
    received = 0

    async def receive() -> Message:
        nonlocal received
        message = await request.receive()
        received += len(message.get("body", b""))
        if received > limit:
            raise ApiProblem(413, f"The request is larger than {limit // MB} MB "
                                  "(HOTGIGS_ZIP_MAX_TOTAL_MB).")
        return message

    return Request(request.scope, receive)


UPLOAD_BODY = {"requestBody": {"required": True, "content": {"multipart/form-data": {"schema": {
    "type": "object", "required": ["files"], "properties": {"files": {
        "type": "array", "description": "resumes and/or ZIPs of them (repeat the field)",
        "items": {"type": "string", "contentMediaType": "application/octet-stream"}}}}}}}}


def resumes_router(settings: Settings) -> APIRouter:
    router = APIRouter(tags=["resumes"])
    errors: dict[int | str, dict[str, object]] = {
        status: {"model": Problem, "description": text} for status, text in (
            (401, "no valid token"), (413, "past a size limit"), (422, "no files"),
            (429, "past the rate limit"))}

    @router.post("/resumes", status_code=202, response_model=BatchCreated, responses=errors,
                 openapi_extra=UPLOAD_BODY,
                 summary="Upload resumes (files and/or ZIPs) as one batch")
    async def upload_resumes(
        request: Request, response: Response, who: Annotated[Caller, Depends(caller)],
        idempotency_key: Annotated[str | None, Header(
            description="the same key again returns the same batch, nothing is imported "
                        "twice")] = None,
    ) -> BatchCreated:
        """Stores the files and queues them; returns at once with the batch's URLs. One file
        is parsed with high priority, several (or a ZIP) in the background."""
        files, _ = await read_uploads(request, settings)
        batch = await accept_upload(api_of(request), who, files, idempotency_key)
        return created(batch, response)

    return router


async def read_uploads(request: Request, settings: Settings, field: str = "files"
                       ) -> tuple[list[IngestFile], dict[str, str]]:
    """The uploaded files of a multipart body (and its text fields), read within the size
    limits: a file other than a ZIP past HOTGIGS_MAX_FILE_MB is refused with 413."""
    if not request.headers.get("content-type", "").startswith("multipart/form-data"):
        raise ApiProblem(415, "Send the files as multipart/form-data.")
    limited = _limited(request, request_limit(settings))
    files: list[IngestFile] = []
    fields: dict[str, str] = {}
    try:
        async with limited.form(max_files=MAX_FILES, max_fields=100) as form:
            for name, value in form.multi_items():
                if isinstance(value, str):
                    fields[name] = value
                elif name == field and (value.filename or value.size):
                    files.append(await _read(value, settings))
    except MultiPartException as exc:
        raise ApiProblem(400, f"The multipart body is not valid: {exc.message}") from None
    except ClientDisconnect:  # the client went away mid-upload: nothing was stored
        raise ApiProblem(400, "The upload ended before its last byte arrived.") from None
    return files, fields


async def _read(upload: UploadFile, settings: Settings) -> IngestFile:
    data = await upload.read()
    if len(data) > settings.max_file_mb * MB and not is_zip_archive(data):
        raise ApiProblem(413, f"{upload.filename} is larger than {settings.max_file_mb} MB "
                              "(HOTGIGS_MAX_FILE_MB).")
    return IngestFile(name=upload.filename or "upload", content=data,
                      declared_mime=upload.content_type, origin="web upload")
