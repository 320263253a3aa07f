"""`GET /api/v1/batches/{id}` (progress and per-file results) and its event stream.

The stream (`/events`, server-sent events) sends `progress` ({done, total}) when the counts
move, one `file` event per file as it ends, and `done` at the end; then it closes. A batch
already finished replays its files and ends at once. Between changes the stream waits on the
server's one Redis subscription (`web.api.events`), re-reads the database every
`RECHECK_SECONDS` all the same (a lost message must not hang a stream), and sends a comment
line every `HEARTBEAT_SECONDS` so proxies keep an idle stream open. When the server stops,
open streams end.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from sqlalchemy import select
from starlette.concurrency import run_in_threadpool
from starlette.responses import StreamingResponse

from hotgigs.settings import Settings
from hotgigs.web.api.auth import Caller, caller
from hotgigs.web.api.context import ApiContext, ApiProblem, api_of, candidate_url
from hotgigs.web.api.schemas import BatchView, FileResult, Problem
from pipeline.summary import summarize_batch
from storage.db import Database
from storage.models import Batch, Candidate, Resume, ResumeStatus

RECHECK_SECONDS = 5.0
HEARTBEAT_SECONDS = 15.0
RETRY_MS = 2000  # how soon a browser's EventSource reconnects after a dropped stream
ENDED = (ResumeStatus.PARSED, ResumeStatus.FAILED)
NOT_FOUND = "No such batch."


def owned_batch(db: Database, batch_id: int, who: Caller) -> Batch:
    """The caller's batch; anyone else's is 404, exactly like one that does not exist."""
    with db.session() as session:
        batch = session.get(Batch, batch_id)
        if batch is None or batch.recruiter_id != who.recruiter_id:
            raise ApiProblem(404, NOT_FOUND)
        return batch


def batch_view(api: ApiContext, batch_id: int, who: Caller) -> BatchView:
    batch = owned_batch(api.services.db, batch_id, who)
    with api.services.db.session() as session:
        summary = summarize_batch(session, batch_id)
    return BatchView(
        batch_id=batch_id, state=summary.state, total=summary.total, parsed=summary.parsed,
        failed=summary.failed, done=summary.done, failure_reason=summary.failure_reason,
        created_at=batch.created_at, finished_at=batch.finished_at,
        files=[FileResult(resume_id=i.resume_id, filename=i.filename, status=i.status,
                          reason=i.reason, outcome=i.outcome, candidate_id=i.candidate_id,
                          candidate_url=candidate_url(api.settings, i.candidate_id)
                          if i.candidate_id else None, name=i.name)
               for i in summary.items])


@dataclass
class _Snapshot:
    state: str
    done: int
    total: int
    ended: list[FileResult] = field(default_factory=list)


def _snapshot(db: Database, settings: Settings, batch_id: int, seen: set[int]) -> _Snapshot:
    """The batch's counts and its files that ended since the stream last looked (cheap: no
    matches or duplicates, unlike `summarize_batch`)."""
    with db.session() as session:
        batch = session.get(Batch, batch_id)
        assert batch is not None
        rows = session.execute(
            select(Resume.id, Resume.filename, Resume.status, Resume.failure_reason,
                   Resume.outcome, Resume.candidate_id, Candidate.name)
            .outerjoin(Candidate, Candidate.id == Resume.candidate_id)
            .where(Resume.batch_id == batch_id, Resume.status.in_(ENDED))
            .order_by(Resume.id)).all()
        ended = [FileResult(resume_id=r.id, filename=r.filename, status=r.status,
                            reason=r.failure_reason, outcome=r.outcome,
                            candidate_id=r.candidate_id, name=r.name,
                            candidate_url=candidate_url(settings, r.candidate_id)
                            if r.candidate_id else None)
                 for r in rows if r.id not in seen]
        return _Snapshot(batch.state, batch.parsed + batch.failed, batch.total, ended)


def _event(name: str, data: Any) -> bytes:
    return f"event: {name}\ndata: {json.dumps(data, default=str)}\n\n".encode()


async def stream_events(api: ApiContext, batch_id: int) -> AsyncIterator[bytes]:
    """The event stream of one batch (its owner was checked before)."""
    seen: set[int] = set()
    shown: tuple[int, int] | None = None
    yield f"retry: {RETRY_MS}\n\n".encode()
    quiet_since = time.monotonic()
    async with api.hub.watch(batch_id) as woken:
        while not api.stopping.is_set():
            woken.clear()  # before reading: a message that comes during the read is kept
            snap = await run_in_threadpool(_snapshot, api.services.db, api.settings,
                                           batch_id, seen)
            if (snap.done, snap.total) != shown:
                shown = (snap.done, snap.total)
                yield _event("progress", {"batch_id": batch_id, "done": snap.done,
                                          "total": snap.total})
                quiet_since = time.monotonic()
            for item in snap.ended:
                seen.add(item.resume_id)
                yield _event("file", item.model_dump(mode="json"))
                quiet_since = time.monotonic()
            if snap.state == "done" and snap.done >= snap.total:
                yield _event("done", {"batch_id": batch_id, "done": snap.done,
                                      "total": snap.total, "url": f"/api/v1/batches/{batch_id}"})
                return
            try:
                await asyncio.wait_for(woken.wait(), RECHECK_SECONDS)
            except TimeoutError:
                if time.monotonic() - quiet_since >= HEARTBEAT_SECONDS:
                    yield b": keep-alive\n\n"
                    quiet_since = time.monotonic()


def batches_router() -> APIRouter:
    router = APIRouter(tags=["batches"])
    errors: dict[int | str, dict[str, object]] = {
        401: {"model": Problem, "description": "no valid token"},
        404: {"model": Problem, "description": "no such batch (or not yours)"},
        429: {"model": Problem, "description": "past the rate limit"}}

    @router.get("/batches/{batch_id}", response_model=BatchView, responses=errors,
                summary="A batch's progress and per-file results")
    def get_batch(batch_id: int, request: Request,
                  who: Annotated[Caller, Depends(caller)]) -> BatchView:
        return batch_view(api_of(request), batch_id, who)

    events_doc: dict[int | str, dict[str, Any]] = {**errors, 200: {
        "description": "server-sent events: `progress` {batch_id, done, total}, one `file` "
                       "(a FileResult) per file as it ends, then `done`; comment lines keep "
                       "an idle stream open",
        "content": {"text/event-stream": {"schema": {"type": "string"}}}}}

    @router.get("/batches/{batch_id}/events", response_class=StreamingResponse,
                responses=events_doc, summary="Follow a batch live (server-sent events)")
    async def batch_events(batch_id: int, request: Request,
                           who: Annotated[Caller, Depends(caller)]) -> StreamingResponse:
        api = api_of(request)
        await run_in_threadpool(owned_batch, api.services.db, batch_id, who)
        return StreamingResponse(stream_events(api, batch_id), media_type="text/event-stream",
                                 headers={"Cache-Control": "no-store",
                                          "X-Accel-Buffering": "no"})

    return router
