"""Intake: one IngestRequest becomes a durable batch, then queued work. Nothing is lost.

Every file is stored (encrypted) and recorded in one transaction before anything is enqueued,
so a crash at any point leaves either nothing or a batch the sweeper can finish. Files that can
never be resumes (an .exe, an encrypted ZIP, a zip-bomb entry) are recorded as failed with
their reason, and the rest of the batch goes on.
"""

from __future__ import annotations

import logging
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from itertools import groupby
from pathlib import PurePath
from typing import Any

from redis import RedisError
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from pipeline.archives import ZipLimits, expand_zip, is_zip_archive
from pipeline.errors import Rejected
from pipeline.metrics import metrics
from pipeline.models import IngestRequest
from pipeline.parser.detect import detect_kind
from pipeline.queue import JobQueue, chunk_job_ids
from storage.bulk import insert_rows, reserve_ids
from storage.db import Database
from storage.files import BlobStore, sha256_hex
from storage.models import Batch, ProcessingJob, Resume, table_of, utcnow
from storage.recruiters import recruiter_for

log = logging.getLogger(__name__)


@dataclass
class _Item:
    """One file after expansion: its bytes, or the reason it is refused."""

    name: str
    content: bytes
    mime: str | None
    origin: str | None
    reason: str | None = None


def _expand(request: IngestRequest, limits: ZipLimits) -> tuple[list[_Item], bool]:
    """Flatten archives into files; returns the items and whether an archive was seen."""
    items: list[_Item] = []
    saw_archive = False
    for file in request.files:
        data = file.read()
        if not is_zip_archive(data):
            items.append(_Item(file.name, data, file.declared_mime, file.origin))
            continue
        saw_archive = True
        try:
            expansion = expand_zip(data, limits)
        except Rejected as exc:
            items.append(_Item(file.name, data, file.declared_mime, file.origin, exc.reason))
            continue
        if not expansion.files and not expansion.refused:
            items.append(_Item(file.name, data, file.declared_mime, file.origin,
                               "empty ZIP archive"))
        for name, content in expansion.files:
            items.append(_Item(f"{file.name}/{name}", content, None, file.origin))
        for name, reason in expansion.refused:
            items.append(_Item(f"{file.name}/{name}", b"", None, file.origin, reason))
    return items, saw_archive


def _refusal(item: _Item, max_file: int) -> str | None:
    """Why this file can never be a resume, decided from its bytes; None when it may be."""
    if item.reason:
        return item.reason
    if len(item.content) > max_file:
        return f"file too large: {len(item.content) // (1024 * 1024)} MB"
    try:
        detect_kind(item.content, PurePath(item.name).name)
    except Rejected as exc:
        return exc.reason
    return None


STORE_THREADS = 8  # blobs written at once: each waits on its own fsync, not on the others


def _store_all(blobs: BlobStore, items: list[_Item]) -> list[str | None]:
    """Store every non-empty file; the blob key per item (None for an empty file).

    Each blob is fsynced before intake answers (an accepted resume must survive a crash);
    writing several at once lets the file system commit them together.
    """
    def put(item: _Item) -> str | None:
        return blobs.put(item.content) if item.content else None

    if len(items) < 2:
        return [put(item) for item in items]
    with ThreadPoolExecutor(STORE_THREADS, thread_name_prefix="intake-store") as pool:
        return list(pool.map(put, items))


class Intake:
    """`submit(request) -> Batch`: store, record, then enqueue (or hand back for in-process)."""

    def __init__(self, db: Database, blobs: BlobStore, queue: JobQueue | None,
                 limits: ZipLimits | None = None) -> None:
        self.db = db
        self.blobs = blobs
        self.queue = queue
        self.limits = limits or ZipLimits()

    def _existing(self, key: str | None) -> Batch | None:
        if not key:
            return None
        with self.db.session() as session:
            return session.scalar(select(Batch).where(Batch.idempotency_key == key))

    def submit(self, request: IngestRequest, *, held_by: str | None = None,
               durable: bool = True, look_first: bool = True) -> Batch:
        """Store and record the request, then queue its work.

        `held_by`: the id of the RQ job that calls this and will process a high-priority batch
        (one resume, or none) itself, as the email door does: nothing is queued for it, and its
        resume's attempt names that job, so the sweeper sees it held while the job lives.
        `durable=False`: the caller keeps the request itself durably and redoes the submit if
        a crash loses this commit (see `Database.session`); the files are still fsynced.
        `look_first=False`: a request seen before is rare for this caller (the email door
        submits a message again only after a crash): no look-up transaction first, the unique
        idempotency key still finds it (after its files were stored again, which changes
        nothing: they are stored by content).
        """
        existing = self._existing(request.idempotency_key) if look_first else None
        if existing is not None:
            log.info("batch %s: idempotency key seen again, nothing enqueued", existing.id)
            return existing
        items, saw_archive = _expand(request, self.limits)
        refusals = [_refusal(item, self.limits.max_file) for item in items]
        keys = _store_all(self.blobs, items)
        accepted = sum(reason is None for reason in refusals)
        bulk = accepted > 1 or saw_archive or request.source == "drive"
        priority = "low" if bulk else "high"
        try:
            batch, jobs = self._record(request, items, refusals, keys, priority,
                                       held_by if priority == "high" else None, durable)
        except IntegrityError:
            # the same idempotency key committed by a concurrent submit: that one wins
            again = self._existing(request.idempotency_key)
            if again is None:
                raise
            return again
        log.info("batch %s: %d files from %s, %d refused, queue %s", batch.id, len(items),
                 request.source, len(items) - accepted, priority)
        metrics().batch_size.labels(request.source).observe(len(items))
        if not (held_by and priority == "high"):
            self._enqueue(batch, jobs, priority)
        return batch

    def _record(self, request: IngestRequest, items: list[_Item], refusals: list[str | None],
                keys: list[str | None], priority: str,
                held_by: str | None = None,
                durable: bool = True) -> tuple[Batch, list[tuple[int, str]]]:
        """Batch, resumes and processing jobs in one transaction; returns (resume, RQ job id)."""
        with self.db.session(durable=durable) as session:
            recruiter = recruiter_for(session, request.submitted_by)
            failed = sum(reason is not None for reason in refusals)
            batch = Batch(
                source=request.source, submitted_by=request.submitted_by,
                recruiter_id=recruiter.id, reply_to=request.reply_to.model_dump(mode="json"),
                note=request.note, job_hint=request.job_hint,
                idempotency_key=request.idempotency_key, priority=priority,
                total=len(items), failed=failed,
            )
            if not items:
                batch.failure_reason = "no files in the submission"
            session.add(batch)
            session.flush()
            jobs = self._rows(session, batch.id, request.source, items, refusals, keys,
                              priority, held_by)
            if jobs is None:  # SQLite: the ORM's way, ids read back
                jobs = self._orm_rows(session, batch.id, request.source, items, refusals, keys,
                                      priority, held_by)
            if not jobs:
                batch.state = "done"
                batch.finished_at = utcnow()
        return batch, jobs

    @staticmethod
    def _resume_values(batch_id: int, source: str, item: _Item, reason: str | None,
                       key: str | None) -> dict[str, Any]:
        """A resume row's columns (id and timestamps aside), for either way of writing it."""
        return {"batch_id": batch_id, "source": source, "filename": item.name[:500],
                "mime": item.mime, "size": len(item.content),
                "sha256": sha256_hex(item.content) if item.content else None,
                "storage_key": key, "origin": item.origin,
                "status": "failed" if reason else "pending", "failure_reason": reason}

    @classmethod
    def _orm_rows(cls, session: Session, batch_id: int, source: str, items: list[_Item],
                  refusals: list[str | None], keys: list[str | None], priority: str,
                  held_by: str | None) -> list[tuple[int, str]]:
        """The resumes and attempts of `_record` through the ORM (SQLite), ids read back."""
        resumes = [Resume(**cls._resume_values(batch_id, source, item, reason, key))
                   for item, reason, key in zip(items, refusals, keys, strict=True)]
        session.add_all(resumes)
        session.flush()  # one multi-row INSERT … RETURNING gives every resume its id
        # a held batch's job id is known now: written with the row, not updated after
        attempts = [ProcessingJob(resume_id=resume.id, queue=priority, priority=priority,
                                  enqueued_at=utcnow(), rq_job_id=held_by)
                    for resume, reason in zip(resumes, refusals, strict=True)
                    if reason is None]
        session.add_all(attempts)
        session.flush()
        job_ids = ([held_by] * len(attempts) if held_by else
                   chunk_job_ids([(a.resume_id, a.id) for a in attempts], priority))
        for attempt, job_id in zip(attempts, job_ids, strict=True):
            if attempt.rq_job_id != job_id:
                attempt.rq_job_id = job_id
        return [(a.resume_id, job_id) for a, job_id in zip(attempts, job_ids, strict=True)]

    @classmethod
    def _rows(cls, session: Session, batch_id: int, source: str, items: list[_Item],
              refusals: list[str | None], keys: list[str | None], priority: str,
              held_by: str | None) -> list[tuple[int, str]] | None:
        """The resumes and attempts of `_record` with ids reserved first and the rows sent as
        COPY data (PostgreSQL; None on SQLite, which takes the ORM's way, `_orm_rows`).

        For a bulk batch the ORM's INSERT … RETURNING of every row, then an UPDATE of each
        attempt's job id, took most of intake's time, while the workers waited for it."""
        resume_ids = reserve_ids(session, table_of(Resume), len(items))
        if resume_ids is None:
            return None
        now = utcnow()
        insert_rows(session, table_of(Resume), [
            {"id": rid, **cls._resume_values(batch_id, source, item, reason, key),
             "created_at": now, "updated_at": now}
            for rid, item, reason, key in zip(resume_ids, items, refusals, keys, strict=True)])
        waiting = [rid for rid, reason in zip(resume_ids, refusals, strict=True)
                   if reason is None]
        attempt_ids = reserve_ids(session, table_of(ProcessingJob), len(waiting)) or []
        job_ids = ([held_by] * len(waiting) if held_by else
                   chunk_job_ids(list(zip(waiting, attempt_ids, strict=True)), priority))
        insert_rows(session, table_of(ProcessingJob), [
            {"id": aid, "resume_id": rid, "queue": priority, "priority": priority,
             "enqueued_at": now, "rq_job_id": job_id}
            for aid, rid, job_id in zip(attempt_ids, waiting, job_ids, strict=True)])
        return list(zip(waiting, job_ids, strict=True))

    def _enqueue(self, batch: Batch, jobs: list[tuple[int, str]], priority: str) -> None:
        if self.queue is None:
            return  # in-process mode: the caller runs the tasks itself
        try:
            if priority == "high":
                for resume_id, job_id in jobs:
                    self.queue.enqueue_resume(resume_id, job_id, priority)
            else:
                for job_id, group in groupby(jobs, key=lambda job: job[1]):
                    self.queue.enqueue_chunk([resume_id for resume_id, _ in group], job_id)
            if not jobs:
                self.queue.enqueue_reply(batch.id)
        except RedisError:
            # The batch is durable; the sweeper enqueues what Redis did not take.
            log.exception("batch %s: enqueue failed, the sweeper will retry", batch.id)
