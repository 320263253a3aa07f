"""Recording how resumes ended, and what follows: matching, progress, the batch's reply.

The outcomes of a chunk are recorded in one transaction: each resume's status, its candidate
link and its batch's counters change together, and a resume that already ended is skipped,
so a chunk run twice after a crash still leaves exactly one candidate. A row the database
refuses is recorded alone; a race with another run is retried.
"""

from __future__ import annotations

import logging
import time
from collections import Counter
from dataclasses import dataclass, field, replace
from typing import Any

from sqlalchemy import bindparam, case, select, update
from sqlalchemy.exc import OperationalError, SQLAlchemyError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from sqlalchemy.orm import Session

from pipeline import candidates
from pipeline.context import current
from pipeline.errors import Transient
from pipeline.metrics import metrics, reason_label, timed
from pipeline.models import ParsedResume
from pipeline.parser import PARSER_VERSION
from pipeline.replies import send_replies
from pipeline.summary import summarize_batch
from storage import audit, privacy
from storage.bulk import insert_rows
from storage.models import (
    NO_SYNC,
    AttemptStatus,
    Batch,
    BatchState,
    ProcessingJob,
    Resume,
    ResumeData,
    ResumeStatus,
    table_of,
    utcnow,
)

log = logging.getLogger(__name__)

ENDED = (ResumeStatus.PARSED, ResumeStatus.FAILED)


@dataclass(frozen=True)
class Outcome:
    """How one resume ended: parsed (with the parser's result) or failed (with a reason)."""

    resume_id: int
    parsed: ParsedResume | None
    reason: str | None
    seconds: float = 0.0  # this resume's own work (parse), before its share of the database

    @property
    def status(self) -> ResumeStatus:
        return ResumeStatus.PARSED if self.parsed is not None else ResumeStatus.FAILED


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
    batches_done(recorded.finished_batches, here=reply_here)
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
        now = utcnow()
        insert_rows(session, table_of(ResumeData), [  # COPY: no statement of 64 JSON values
            {"resume_id": o.resume_id, "parser_version": PARSER_VERSION,
             "data": as_json[o.resume_id], "created_at": now} for o in parsed])
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
        [{"rid": o.resume_id, "st": AttemptStatus.FINISHED if o.parsed else AttemptStatus.FAILED,
          "at": utcnow(), "ms": o.seconds * 1000, "err": o.reason} for o in ended])


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
                 Batch.state: case((done, BatchState.DONE), else_=Batch.state),
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


def batches_done(batch_ids: list[int], *, here: bool = False) -> None:
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
