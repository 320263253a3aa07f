"""The chunk runner: claim a chunk of resumes, parse each under its own time limit, record.

A job carries one resume (an upload) or a chunk of a bulk batch; both take the same path,
`process_resumes`. The database work is done per chunk, not per resume: one transaction claims
the chunk, the parser runs on each file, and one transaction records the outcomes (at least
every FLUSH_SECONDS, so a worker killed during slow OCR loses little). Per resume, a claim and
a merge cost as much as parsing a text PDF; per chunk of 64 they are a small share of it. A
bulk chunk hands its rest back when an upload waits in the high-priority queue.
"""

from __future__ import annotations

import logging
import signal
import threading
import time
import uuid
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, replace
from typing import Any

from redis import RedisError
from rq.timeouts import JobTimeoutException
from sqlalchemy import Select, func, select, update
from sqlalchemy.exc import OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from sqlalchemy.orm import Session

from pipeline.context import current
from pipeline.errors import Rejected, Transient, reading_stored_file
from pipeline.metrics import timed
from pipeline.models import ParsedResume
from pipeline.parser import PARSER_VERSION, parse_document
from pipeline.queue import chunk_job_id, worker_identity
from pipeline.recorder import ENDED, Outcome, end_resumes
from pipeline.workdir import job_folder
from storage.files import LocalEncryptedStore
from storage.models import (
    NO_SYNC,
    AttemptStatus,
    ProcessingJob,
    Resume,
    ResumeData,
    ResumeStatus,
    utcnow,
)

log = logging.getLogger(__name__)

# outcomes of a chunk are committed at least this often (slow OCR chunks commit per resume)
FLUSH_SECONDS = 1.0

# how often a chunk asks whether an upload waits for it to make way: an upload then waits for
# at most this plus the resume under way (target: done in 2 s); asking every 50 ms cost a
# worker 0.7% of its time in Redis round trips
LOOK_SECONDS = 0.2


@dataclass(frozen=True)
class _Work:
    """What a run needs to know about its resume, read in the transaction that claims it."""

    resume_id: int
    filename: str
    storage_key: str | None
    sha256: str | None
    cached: dict[str, Any] | None  # identical bytes already parsed by this parser version


def process_resumes(resume_ids: list[int], *, reply_here: bool = False,
                    make_way: bool = True) -> list[str]:
    """Parse a chunk of stored resumes; returns each one's status.

    A status is parsed or failed; "skipped" for a resume that had already ended, "requeued"
    for the rest of a chunk that made way for an upload waiting in the high-priority queue.
    `reply_here`: a batch this ends is answered in this job, not by a reply job.
    `make_way=False`: the chunk is uploads themselves (`finish_here`), which do not yield.
    """
    chunk_started = time.monotonic()
    with timed("claim"):
        works = _start(resume_ids)
    db_seconds = time.monotonic() - chunk_started  # the claim, shared by the chunk
    statuses = dict.fromkeys(resume_ids, "skipped")
    pending: list[Outcome] = []
    parsed_here: dict[str, ParsedResume] = {}  # identical files within this chunk
    last_flush = time.monotonic()
    lookout = _Lookout()
    if not works:
        return [statuses[rid] for rid in resume_ids]
    # OCR images and tool files live in a folder of this job, removed even on failure
    with job_folder(current().work_dir, f"resume{resume_ids[0]}"), _Fetcher(works) as fetcher:
        for index, work in enumerate(works):
            _rearm_time_limit()
            pending.append(_run(work, parsed_here, fetcher))
            rest = works[index + 1:]
            yields = make_way and bool(rest) and lookout.upload_waits()
            if not rest or yields or time.monotonic() - last_flush >= FLUSH_SECONDS:
                _rearm_time_limit()  # recording gets a whole limit too, not the parse's rest
                share = db_seconds / len(works)
                statuses.update(end_resumes([replace(o, seconds=o.seconds + share)
                                             for o in pending], reply_here=reply_here))
                pending, last_flush = [], time.monotonic()
            if yields:
                _hand_back([w.resume_id for w in rest])
                statuses.update(dict.fromkeys((w.resume_id for w in rest), "requeued"))
                break
    return [statuses[rid] for rid in resume_ids]


class _Fetcher:
    """Reads each resume's stored bytes, the next one's in a background thread while the
    current one parses: from an S3 store a read is a round trip (about 2 ms on the loopback)
    that the parse hides; the thread waits on the socket, without the GIL. A local folder's
    read (0.1 ms from the page cache) is not worth a thread's hand-over: read in place."""

    def __init__(self, works: list[_Work]) -> None:
        self.blobs = current().blobs
        remote = not isinstance(self.blobs, LocalEncryptedStore)
        self.order = [w for w in works if remote and w.cached is None
                      and w.storage_key is not None]
        self.position = {w.resume_id: i for i, w in enumerate(self.order)}
        self.pool = ThreadPoolExecutor(1, thread_name_prefix="blob-prefetch")
        self.ahead: dict[int, Future[bytes]] = {}

    def __enter__(self) -> _Fetcher:
        return self

    def __exit__(self, *exc: object) -> None:
        self.pool.shutdown(wait=False, cancel_futures=True)

    def get(self, work: _Work) -> bytes:
        """The bytes of `work` (raises what the store's `get` raises)."""
        assert work.storage_key is not None
        mine = self.ahead.pop(work.resume_id, None)
        index = self.position.get(work.resume_id)
        if index is not None and index + 1 < len(self.order):
            upcoming = self.order[index + 1]
            if upcoming.resume_id not in self.ahead:
                self.ahead[upcoming.resume_id] = self.pool.submit(self.blobs.get,
                                                                  upcoming.storage_key or "")
        return mine.result() if mine is not None else self.blobs.get(work.storage_key)


def _rearm_time_limit() -> None:
    """Give the next step of a chunk (a resume, or recording) the whole per-resume time limit
    (HOTGIGS_JOB_TIMEOUT).

    RQ arms one SIGALRM per job, whose handler raises JobTimeoutException; re-arming it before
    each resume makes the limit hold per resume, so a file that hangs fails alone ("parsing
    took longer than the time limit") instead of holding its chunk for the limit × its size.
    """
    queue = current().queue
    if queue is None or threading.current_thread() is not threading.main_thread():
        return
    if signal.getsignal(signal.SIGALRM) in (signal.SIG_DFL, signal.SIG_IGN, None):
        return  # not inside an RQ job: an alarm would kill the process
    signal.alarm(queue.job_timeout)


class _Lookout:
    """Whether an upload waits in the high-priority queue, asked at most every LOOK_SECONDS
    (a text resume parses in a few ms: one Redis round trip per resume would be waste)."""

    def __init__(self) -> None:
        self.last = time.monotonic()

    def upload_waits(self) -> bool:
        queue = current().queue
        if queue is None or time.monotonic() - self.last < LOOK_SECONDS:
            return False
        self.last = time.monotonic()
        try:
            return queue.high_waiting()
        except RedisError:
            return False  # carry on with the chunk; Redis is the sweeper's worry


def _hand_back(resume_ids: list[int]) -> None:
    """Give the rest of a chunk back, as a chunk of its own at the front of the low queue.

    The resumes become pending again under the new RQ job id (so the sweeper sees them held),
    and the attempt they never got is not counted.
    """
    ctx = current()
    assert ctx.queue is not None  # only a worker (with a queue) makes way
    job_id = chunk_job_id(resume_ids[0], uuid.uuid4().hex[:12])
    with ctx.db.session(durable=False) as session:
        session.execute(update(Resume).where(Resume.id.in_(resume_ids),
                                             Resume.status == ResumeStatus.PROCESSING)
                        .values(status=ResumeStatus.PENDING, updated_at=utcnow()),
                        execution_options=NO_SYNC)
        session.execute(
            update(ProcessingJob).where(ProcessingJob.id.in_(_latest_attempts(resume_ids)),
                                        ProcessingJob.finished_at.is_(None))
            .values(status=AttemptStatus.QUEUED, started_at=None, worker=None, rq_job_id=job_id,
                    attempts=ProcessingJob.attempts - 1),
            execution_options=NO_SYNC,
        )
    try:
        ctx.queue.enqueue_chunk(resume_ids, job_id, at_front=True)
    except RedisError:
        log.exception("resumes %s…: could not be queued again, the sweeper will", resume_ids[0])
        return
    log.info("made way for an upload: %d resumes queued again as %s", len(resume_ids), job_id)


def _latest_attempts(resume_ids: list[int]) -> Select[int]:
    """The id of each resume's newest processing_jobs row (the attempt under way)."""
    return (select(func.max(ProcessingJob.id)).where(ProcessingJob.resume_id.in_(resume_ids))
            .group_by(ProcessingJob.resume_id))


def _start(resume_ids: list[int]) -> list[_Work]:
    """Mark the chunk processing and count an attempt on each; resumes already ended drop out."""
    ctx = current()
    try:
        with ctx.db.session(durable=False) as session:
            claimed = session.execute(
                update(Resume).where(Resume.id.in_(resume_ids), Resume.status.not_in(ENDED))
                .values(status=ResumeStatus.PROCESSING, updated_at=utcnow())
                .returning(Resume.id, Resume.filename, Resume.storage_key, Resume.sha256),
                execution_options=NO_SYNC,
            ).all()
            if not claimed:
                log.info("resumes %s: already ended or gone, nothing to do", resume_ids)
                return []
            ids = [row.id for row in claimed]
            session.execute(
                update(ProcessingJob).where(ProcessingJob.id.in_(_latest_attempts(ids)))
                .values(status=AttemptStatus.STARTED, started_at=utcnow(),
                        attempts=ProcessingJob.attempts + 1, worker=worker_identity()),
                execution_options=NO_SYNC,
            )
            cached = _cached_parses(session, [row.sha256 for row in claimed if row.sha256], ids)
    except (OperationalError, PoolTimeout) as exc:
        raise Transient(f"database unavailable: {exc}") from exc
    order = {rid: i for i, rid in enumerate(resume_ids)}
    return sorted((_Work(row.id, row.filename, row.storage_key, row.sha256,
                         cached.get(row.sha256 or "")) for row in claimed),
                  key=lambda w: order[w.resume_id])


def _cached_parses(session: Session, shas: list[str], ids: list[int]) -> dict[str, Any]:
    """sha256 -> stored parse of identical bytes by this parser version (one query)."""
    if not shas:
        return {}
    rows = session.execute(
        select(Resume.sha256, ResumeData.data)
        .join(Resume, Resume.id == ResumeData.resume_id)
        .where(Resume.sha256.in_(sorted(set(shas))), Resume.id.not_in(ids),
               ResumeData.parser_version == PARSER_VERSION)
    )
    return {str(sha): data for sha, data in rows}


def _run(work: _Work, parsed_here: dict[str, ParsedResume], fetcher: _Fetcher) -> Outcome:
    """Parse one claimed resume (or reuse an identical file's parse); never raises Rejected."""
    started = time.monotonic()
    try:
        if work.sha256 in parsed_here:
            parsed = parsed_here[work.sha256 or ""]
        else:
            parsed = _parse(work, fetcher)
            if work.sha256:
                parsed_here[work.sha256] = parsed
        return Outcome(work.resume_id, parsed, None, time.monotonic() - started)
    except Rejected as exc:
        return Outcome(work.resume_id, None, exc.reason, time.monotonic() - started)


def _parse(work: _Work, fetcher: _Fetcher) -> ParsedResume:
    ctx = current()
    if work.cached is not None:
        return ParsedResume.model_validate(work.cached)
    if work.storage_key is None:
        raise Rejected("the file's bytes were not stored")
    with reading_stored_file():
        data = fetcher.get(work)
    try:
        with timed("parse"):  # the whole parser call, as a bare parse is timed
            return parse_document(data, work.filename, enhancer=ctx.enhancer,
                                  default_region=ctx.default_region)
    except Rejected:
        raise
    except JobTimeoutException:
        raise Rejected("parsing took longer than the time limit") from None
    except Exception as exc:  # a parser bug on this file: record it, keep the batch going
        log.exception("resume %s: parser raised", work.resume_id)
        raise Rejected(f"could not be parsed ({type(exc).__name__})") from exc
