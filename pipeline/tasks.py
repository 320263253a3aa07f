"""RQ tasks: thin module-level functions taking ids; they load, call pure code, persist.

A job carries one resume (an upload) or a chunk of a bulk batch; both take the same path,
`process_resumes`. The database work is done per chunk, not per resume: one transaction claims
the chunk, the parser runs on each file, and one transaction records the outcomes (at least
every FLUSH_SECONDS, so a worker killed during slow OCR loses little). Per resume, a claim and
a merge cost as much as parsing a text PDF; per chunk of 64 they are a small share of it.

`process_resumes` can run twice after a crash and still leave exactly one candidate: a
resume's status, its candidate link and its batch's counters change in one transaction, and
a resume that already ended is skipped.
"""

from __future__ import annotations

import logging
import signal
import threading
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field, replace
from typing import Any

from redis import RedisError
from rq.timeouts import JobTimeoutException
from sqlalchemy import Select, bindparam, case, func, insert, select, update
from sqlalchemy.exc import OperationalError, SQLAlchemyError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from sqlalchemy.orm import Session

from pipeline import candidates
from pipeline.context import current
from pipeline.errors import Rejected, Transient
from pipeline.metrics import metrics, reason_label, timed
from pipeline.models import ParsedResume
from pipeline.parser import PARSER_VERSION, parse_document
from pipeline.queue import chunk_job_id, resume_job_id, worker_identity
from pipeline.summary import summarize_batch
from pipeline.workdir import job_folder
from storage import audit, privacy
from storage.files import BlobError
from storage.models import (
    NO_SYNC,
    Batch,
    ProcessingJob,
    Resume,
    ResumeData,
    table_of,
    utcnow,
)

log = logging.getLogger(__name__)

ENDED = ("parsed", "failed")
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


@dataclass(frozen=True)
class Outcome:
    """How one resume ended: parsed (with the parser's result) or failed (with a reason)."""

    resume_id: int
    parsed: ParsedResume | None
    reason: str | None
    seconds: float = 0.0  # this resume's own work (parse), before its share of the database

    @property
    def status(self) -> str:
        return "parsed" if self.parsed is not None else "failed"


@dataclass
class _Recorded:
    """What one recording transaction changed, for the follow-ups after its commit."""

    ended: list[Outcome] = field(default_factory=list)  # only those this run ended, with
    # their share of the database time in `seconds`
    source: dict[int, str] = field(default_factory=dict)  # resume id -> batch source
    candidate_ids: list[int] = field(default_factory=list)
    # batch id -> (its source, how many of its resumes had ended before)
    progressed: dict[int, tuple[str, int]] = field(default_factory=dict)
    finished_batches: list[int] = field(default_factory=list)


def process_resume(resume_id: int) -> str:
    """Parse one stored resume and attach it to its candidate; returns the final status."""
    return process_resumes([resume_id])[0]


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
    with job_folder(current().work_dir, f"resume{resume_ids[0]}"):
        for index, work in enumerate(works):
            _rearm_time_limit()
            pending.append(_run(work, parsed_here))
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
                                             Resume.status == "processing")
                        .values(status="pending", updated_at=utcnow()), execution_options=NO_SYNC)
        session.execute(
            update(ProcessingJob).where(ProcessingJob.id.in_(_latest_attempts(resume_ids)),
                                        ProcessingJob.finished_at.is_(None))
            .values(status="queued", started_at=None, worker=None, rq_job_id=job_id,
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
                .values(status="processing", updated_at=utcnow())
                .returning(Resume.id, Resume.filename, Resume.storage_key, Resume.sha256),
                execution_options=NO_SYNC,
            ).all()
            if not claimed:
                log.info("resumes %s: already ended or gone, nothing to do", resume_ids)
                return []
            ids = [row.id for row in claimed]
            session.execute(
                update(ProcessingJob).where(ProcessingJob.id.in_(_latest_attempts(ids)))
                .values(status="started", started_at=utcnow(),
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


def _run(work: _Work, parsed_here: dict[str, ParsedResume]) -> Outcome:
    """Parse one claimed resume (or reuse an identical file's parse); never raises Rejected."""
    started = time.monotonic()
    try:
        if work.sha256 in parsed_here:
            parsed = parsed_here[work.sha256 or ""]
        else:
            parsed = _parse(work)
            if work.sha256:
                parsed_here[work.sha256] = parsed
        return Outcome(work.resume_id, parsed, None, time.monotonic() - started)
    except Rejected as exc:
        return Outcome(work.resume_id, None, exc.reason, time.monotonic() - started)


def _parse(work: _Work) -> ParsedResume:
    ctx = current()
    if work.cached is not None:
        return ParsedResume.model_validate(work.cached)
    if work.storage_key is None:
        raise Rejected("the file's bytes were not stored")
    try:
        data = ctx.blobs.get(work.storage_key)
    except BlobError as exc:
        raise Rejected(str(exc)) from None
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


def end_resumes(outcomes: list[Outcome], *, reply_here: bool = False) -> dict[int, str]:
    """Record outcomes, then run what follows them (matching, progress, the batch reply).

    Returns resume id -> status for the resumes this call ended; one that another run
    already ended is left out (it was counted once, by that run).
    """
    ctx = current()
    with timed("record"):
        recorded = _record(outcomes)
    for o in recorded.ended:
        source = recorded.source[o.resume_id]
        log.info("resume %s: %s in %.0f ms%s", o.resume_id, o.status, o.seconds * 1000,
                 f" ({o.reason})" if o.reason else "")
        metrics().resumes.labels(source, o.status, reason_label(o.reason)).inc()
        metrics().processing.labels(source).observe(o.seconds)
        if o.reason == privacy.ERASED_REASON:
            privacy.drop_file(ctx.db, ctx.blobs, o.resume_id)
    if recorded.candidate_ids:
        # before progress and reply, so they can show these candidates' matches
        for hook in ctx.after_candidate:
            with timed("match"):
                hook(recorded.candidate_ids)
    for batch_id, (source, before) in recorded.progressed.items():
        if batch_id not in recorded.finished_batches:  # else the reply that follows says it
            _notify_progress(batch_id, source, before)
    _batches_done(recorded.finished_batches, here=reply_here)
    return {o.resume_id: o.status for o in recorded.ended}


def _record(outcomes: list[Outcome]) -> _Recorded:
    """One transaction for all `outcomes`; a row the database refuses is recorded alone.

    A database that is down raises `Transient` (RQ retries the job). Any other database error
    means some row cannot be stored as it is (a value too long for a column…): the outcomes
    are then recorded one by one, and the one that still fails ends as failed with the reason.
    """
    try:
        return _record_together(outcomes)
    except (OperationalError, PoolTimeout) as exc:
        raise Transient(f"database unavailable: {exc}") from exc
    except SQLAlchemyError as exc:
        if len(outcomes) > 1:
            log.warning("recording %d outcomes together failed (%s): one by one",
                        len(outcomes), type(exc).__name__)
            parts = [_record([outcome]) for outcome in outcomes]
            return _combine(parts)
        if outcomes[0].parsed is None:
            raise  # even a bare failure cannot be written: the database itself is wrong
        log.exception("resume %s: its parse could not be stored", outcomes[0].resume_id)
        return _record([replace(outcomes[0], parsed=None,
                                reason=f"could not be saved ({type(exc).__name__})")])


def _combine(parts: list[_Recorded]) -> _Recorded:
    whole = _Recorded()
    for part in parts:
        whole.ended += part.ended
        whole.source.update(part.source)
        whole.candidate_ids += [c for c in part.candidate_ids if c not in whole.candidate_ids]
        for batch_id, (source, before) in part.progressed.items():
            _, earlier = whole.progressed.get(batch_id, (source, before))
            whole.progressed[batch_id] = (source, min(before, earlier))
        whole.finished_batches += part.finished_batches
    return whole


class _Raced(Exception):
    """Another run ended one of the chunk's resumes while this one was recording it."""


# a race is retried this many times (each retry drops the resumes the other run ended)
RACE_RETRIES = 3


def _record_together(outcomes: list[Outcome]) -> _Recorded:
    ctx = current()
    # made before the transaction: on SQLite nobody else can write while it is open
    as_json = {o.resume_id: o.parsed.model_dump(mode="json") for o in outcomes if o.parsed}
    for _ in range(RACE_RETRIES + 1):
        db_started = time.monotonic()
        try:
            # not durable: if a crash loses this commit the resumes are still unfinished in
            # the database, and the sweeper parses them again
            with ctx.db.session(durable=False) as session:
                return _record_in(session, outcomes, as_json, db_started)
        except _Raced:
            log.info("resumes %s…: another run ended some of them meanwhile", outcomes[0].resume_id)
    raise Transient("another run kept ending these resumes at the same time")


def _record_in(session: Session, outcomes: list[Outcome], as_json: dict[int, dict[str, Any]],
               db_started: float) -> _Recorded:
    """The recording transaction. Each resume's row is written once, at the end, with its
    status and its candidate; that UPDATE only touches a resume no run has ended yet, and a
    row count short of the chunk means another run won (`_Raced`: roll back, record again)."""
    outcomes = _refuse_erased(session, outcomes)
    still_open = _still_open(session, [o.resume_id for o in outcomes])
    mine = [o for o in outcomes if o.resume_id in still_open]
    recorded = _Recorded(source={rid: row.source for rid, row in still_open.items()})
    if not mine:
        return recorded
    parsed = [o for o in mine if o.parsed is not None]
    links: dict[int, tuple[int, str]] = {}
    if parsed:
        session.connection().execute(insert(table_of(ResumeData)), [
            {"resume_id": o.resume_id, "parser_version": PARSER_VERSION,
             "data": as_json[o.resume_id], "created_at": utcnow()} for o in parsed])
        links = _attach(session, parsed, still_open, as_json)
    _end(session, mine, links)
    recorded.candidate_ids = list(dict.fromkeys(cid for cid, _ in links.values()))
    share = (time.monotonic() - db_started) / max(1, len(outcomes))
    recorded.ended = [replace(o, seconds=o.seconds + share) for o in mine]
    _finish_jobs(session, recorded.ended)
    batch_sources = {row.batch_id: row.source for row in still_open.values()}
    for batch_id, (n_parsed, n_failed) in _per_batch(mine, still_open).items():
        before, finished = _count_in_batch(session, batch_id, n_parsed, n_failed)
        recorded.progressed[batch_id] = (batch_sources[batch_id], before)
        if finished:
            recorded.finished_batches.append(batch_id)
    return recorded


def _refuse_erased(session: Session, outcomes: list[Outcome]) -> list[Outcome]:
    """People who asked to be erased must not become candidates again (one query)."""
    key = current().tombstone_key
    parsed = [o for o in outcomes if o.parsed is not None]
    if not parsed:
        return outcomes
    if key is None:
        log.warning("no tombstone key configured: erased people cannot be recognised")
        return outcomes
    erased = privacy.erased_among(session, key, [(o.parsed.email, o.parsed.phone)
                                                 for o in parsed if o.parsed])
    refused = {o.resume_id for o, gone in zip(parsed, erased, strict=True) if gone}
    return [replace(o, parsed=None, reason=privacy.ERASED_REASON)
            if o.resume_id in refused else o for o in outcomes]


@dataclass(frozen=True)
class _Open:
    """A resume not ended yet, with what recording it needs."""

    batch_id: int
    source: str
    sha256: str | None
    owner_id: int | None  # the batch's recruiter: candidates are theirs
    submitted_by: str  # who submitted the batch (the audit log's actor)


def _still_open(session: Session, resume_ids: list[int]) -> dict[int, _Open]:
    """resume id -> what recording needs, for the resumes no run has ended yet."""
    rows = session.execute(
        select(Resume.id, Resume.batch_id, Resume.source, Resume.sha256, Batch.recruiter_id,
               Batch.submitted_by)
        .join(Batch, Batch.id == Resume.batch_id)
        .where(Resume.id.in_(resume_ids), Resume.status.not_in(ENDED)))
    return {row.id: _Open(row.batch_id, row.source, row.sha256, row.recruiter_id,
                          row.submitted_by) for row in rows}


def _end(session: Session, mine: list[Outcome], links: dict[int, tuple[int, str]]) -> None:
    """Write each resume's status, reason and candidate (one UPDATE each, sent together);
    raises `_Raced` if another run ended one of them since `_still_open` read it."""
    table = table_of(Resume)
    now = utcnow()
    result = session.connection().execute(
        update(table).where(table.c.id == bindparam("rid"),  # not_in: no lists in executemany
                            *(table.c.status != status for status in ENDED))
        .values(status=bindparam("st"), failure_reason=bindparam("why"),
                candidate_id=bindparam("cid"), outcome=bindparam("how"), updated_at=now),
        [{"rid": o.resume_id, "st": o.status, "why": o.reason,
          "cid": links.get(o.resume_id, (None, None))[0],
          "how": links.get(o.resume_id, (None, None))[1]} for o in mine])
    if result.rowcount != len(mine):
        raise _Raced


def _attach(session: Session, parsed: list[Outcome], still_open: dict[int, _Open],
            as_json: dict[int, dict[str, Any]]) -> dict[int, tuple[int, str]]:
    """Attach parsed resumes to candidates, per recruiter; audit each import.

    Returns resume id -> (candidate id, outcome: created, updated or duplicate).
    """
    by_owner: dict[int | None, list[Outcome]] = {}
    for o in parsed:
        by_owner.setdefault(still_open[o.resume_id].owner_id, []).append(o)
    links: dict[int, tuple[int, str]] = {}
    events: list[audit.Event] = []
    # recruiters in id order: each merge locks its recruiter's row, and two chunks locking
    # the same recruiters in different orders would deadlock
    for owner_id, group in sorted(by_owner.items(), key=lambda item: item[0] or 0):
        arrivals = [candidates.Arrival(o.resume_id, still_open[o.resume_id].sha256, o.parsed,
                                       as_json[o.resume_id]) for o in group if o.parsed]
        for arrival, link in zip(arrivals, candidates.attach_all(session, owner_id, arrivals),
                                 strict=True):
            links[arrival.resume_id] = link
            row = still_open[arrival.resume_id]
            events.append(audit.Event(actor=row.submitted_by, source=row.source,
                                      candidate_id=link[0], detail={
                                          "batch_id": row.batch_id,
                                          "resume_id": arrival.resume_id, "outcome": link[1]}))
    audit.record_all(session, "imported", events)
    return links


def _finish_jobs(session: Session, ended: list[Outcome]) -> None:
    """Close each resume's open attempt with its status, time and error."""
    if not ended:
        return
    table = table_of(ProcessingJob)
    session.connection().execute(
        update(table).where(table.c.resume_id == bindparam("rid"),
                            table.c.finished_at.is_(None))
        .values(status=bindparam("st"), finished_at=bindparam("at"),
                duration_ms=bindparam("ms"), error=bindparam("err")),
        [{"rid": o.resume_id, "st": "finished" if o.parsed else "failed", "at": utcnow(),
          "ms": o.seconds * 1000, "err": o.reason} for o in ended])


def _per_batch(mine: list[Outcome], ended: dict[int, _Open]) -> dict[int, tuple[int, int]]:
    """batch id -> (parsed, failed) among the resumes this transaction ended."""
    counts: Counter[tuple[int, bool]] = Counter(
        (ended[o.resume_id].batch_id, o.parsed is not None) for o in mine)
    return {batch_id: (counts[(batch_id, True)], counts[(batch_id, False)])
            for batch_id in sorted({b for b, _ in counts})}


def _count_in_batch(session: Session, batch_id: int, parsed: int,
                    failed: int) -> tuple[int, bool]:
    """Count ended resumes; returns (ended before, True for the run that ended the last one).

    One atomic UPDATE … RETURNING: each run sees the counters right after its own increment,
    so exactly one run sees parsed + failed reach the total.
    """
    done = Batch.parsed + parsed + Batch.failed + failed >= Batch.total
    row = session.execute(
        update(Batch).where(Batch.id == batch_id)
        .values({Batch.parsed: Batch.parsed + parsed, Batch.failed: Batch.failed + failed,
                 Batch.state: case((done, "done"), else_=Batch.state),
                 Batch.finished_at: case((done, utcnow()), else_=Batch.finished_at)})
        .returning(Batch.parsed, Batch.failed, Batch.total), execution_options=NO_SYNC
    ).one()
    after = row.parsed + row.failed
    return after - parsed - failed, bool(after == row.total)


def _notify_progress(batch_id: int, source: str, before: int) -> None:
    """Tell the batch's channel how far it got (counts only: no per-resume lines)."""
    ctx = current()
    notifier = ctx.notifiers.get(source)
    if notifier is None:  # a CLI or Drive batch: nobody to tell, no query
        return
    with ctx.db.session() as session:
        summary = summarize_batch(session, batch_id, items=False)
    try:
        notifier.progress(summary.model_copy(update={"done_before": before}))
    except Exception:  # progress is a courtesy; the final reply is what must arrive
        log.warning("batch %s: progress update failed", batch_id, exc_info=True)


def _batches_done(batch_ids: list[int], *, here: bool = False) -> None:
    """Answer finished batches: in this job (no queue, or `here`), else by reply jobs. Here,
    a reply that fails is queued to its retrying job, as any other batch's."""
    ctx = current()
    if not batch_ids:
        return
    if ctx.queue is None:
        send_replies(batch_ids)
        return
    if here:
        outcome = send_replies(batch_ids, keep_going=True)
        batch_ids = [b for b, how in outcome.items() if how == "failed"]
    for batch_id in batch_ids:
        ctx.queue.enqueue_reply(batch_id)


def finish_here(*batch_ids: int) -> None:
    """Parse high-priority batches' waiting resumes and answer each batch in this job.

    For a door that submitted with `Intake.submit(held_by=<this job>)`: a single-resume
    email is received, parsed and answered in one RQ job instead of three (each job costs
    RQ's bookkeeping and a round of database sessions); several batches (messages one job
    took together) are parsed, recorded and matched as one chunk. What fails here goes the
    usual way: the resumes to the queue, the replies to their retrying jobs.
    """
    ctx = current()
    with ctx.db.session() as session:
        done = set(session.scalars(
            select(Batch.id).where(Batch.id.in_(batch_ids), Batch.state == "done")))
        waiting = list(session.scalars(
            select(ProcessingJob.resume_id)
            .join(Resume, Resume.id == ProcessingJob.resume_id)
            .where(Resume.batch_id.in_(batch_ids), Resume.status == "pending",
                   ProcessingJob.finished_at.is_(None))
            .order_by(ProcessingJob.resume_id)))
    _batches_done(sorted(done), here=True)  # nothing left to parse (every file refused)
    if not waiting:
        return
    try:
        process_resumes(waiting, reply_here=True, make_way=False)
    except Exception:
        if ctx.queue is None:
            raise
        log.warning("batches %s: processing here failed, queued instead", list(batch_ids),
                    exc_info=True)
        for resume_id in waiting:  # one that ended meanwhile is skipped by its job
            job_id = resume_job_id(resume_id, uuid.uuid4().hex[:8])
            with ctx.db.session() as session:  # so the sweeper looks for the new job
                session.execute(update(ProcessingJob).where(
                    ProcessingJob.resume_id == resume_id, ProcessingJob.finished_at.is_(None))
                    .values(rq_job_id=job_id), execution_options=NO_SYNC)
            ctx.queue.enqueue_resume(resume_id, job_id, "high")


def send_reply(batch_id: int) -> str:
    """Answer where the batch came from, once; raising lets RQ retry a channel that is down."""
    return send_replies([batch_id]).get(batch_id, "skipped")


def send_replies(batch_ids: list[int], *, keep_going: bool = False) -> dict[int, str]:
    """Answer each batch not answered yet, with one read and one write for all of them;
    returns batch id -> sent, no notifier, or failed. A failed reply raises, unless
    `keep_going` (the caller queues those to their retrying jobs)."""
    ctx = current()
    with ctx.db.session() as session:
        batches = list(session.scalars(select(Batch).where(Batch.id.in_(batch_ids),
                                                           Batch.replied_at.is_(None))
                                       .order_by(Batch.id)))
        summaries = [(batch.id, ctx.notifiers.get(batch.source),
                      summarize_batch(session, batch.id)
                      if batch.source in ctx.notifiers else None) for batch in batches]
    outcome: dict[int, str] = {}
    try:
        for batch_id, notifier, summary in summaries:
            outcome[batch_id] = "no notifier"
            if notifier is None or summary is None:
                continue
            try:
                with timed("reply"):
                    notifier.result(summary)
            except Exception:
                metrics().replies.labels(summary.source, "failed").inc()
                outcome[batch_id] = "failed"
                if not keep_going:
                    raise
                log.warning("batch %s: reply failed here", batch_id, exc_info=True)
                continue
            metrics().replies.labels(summary.source, "sent").inc()
            outcome[batch_id] = "sent"
    finally:  # what was answered is marked, even when a later reply raised
        answered = [b for b, how in outcome.items() if how != "failed"]
        if answered:
            with ctx.db.session() as session:
                session.execute(update(Batch).where(Batch.id.in_(answered))
                                .values(replied_at=utcnow()), execution_options=NO_SYNC)
        for batch_id in answered:
            log.info("batch %s: reply %s", batch_id,
                     "sent" if outcome[batch_id] == "sent" else "not needed")
    return outcome
