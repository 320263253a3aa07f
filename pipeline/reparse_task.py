"""The re-parse RQ task: stored files parsed again, and what follows, one chunk at a time.

In one transaction per chunk the new parse replaces the stored one; the resume's candidate is
then re-decided by the same rules as an import (`candidates`): a version among several goes
wherever the rules now put it, a candidate's only resume rebuilds it in place and is judged
against the recruiter's other candidates (proof merges them, a resemblance is a possible
duplicate). Each resume is audited (`reparsed`, with whether it read differently); matching
re-indexes the candidates that changed. `pipeline.reparse` selects and queues the work.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from pipeline import candidates, identity, links
from pipeline.context import current
from pipeline.errors import Rejected, reading_stored_file
from pipeline.models import ParsedResume
from pipeline.parser import PARSER_VERSION, parse_document
from storage import audit
from storage.models import (
    NO_SYNC,
    Batch,
    ProcessingJob,
    Recruiter,
    Resume,
    ResumeData,
    utcnow,
)

log = logging.getLogger(__name__)

SOURCE = "reparse"  # the batch's source, and the audit log's


@dataclass
class _Parse:
    resume_id: int
    parsed: ParsedResume | None
    reason: str | None
    seconds: float


@dataclass
class _Recorded:
    touched: set[int] = field(default_factory=set)  # candidates to re-index
    # (a, b, their recruiter's identity): records the new parse proves to be one person
    proven: list[tuple[int, int, str | None]] = field(default_factory=list)
    finished: bool = False


def reparse_resumes(resume_ids: list[int], batch_id: int) -> list[str]:
    """RQ task: re-parse these stored resumes for re-parse batch `batch_id`; returns each
    one's new status ("skipped" for one this batch already did)."""
    ctx = current()
    with ctx.db.session() as session:
        todo = dict(session.execute(
            select(ProcessingJob.resume_id, ProcessingJob.id)
            .where(ProcessingJob.reparse_batch_id == batch_id,
                   ProcessingJob.resume_id.in_(resume_ids),
                   ProcessingJob.finished_at.is_(None))).all())
        files = {row.id: row for row in session.execute(
            select(Resume.id, Resume.filename, Resume.storage_key)
            .where(Resume.id.in_(list(todo))))}
        session.execute(update(ProcessingJob).where(ProcessingJob.id.in_(list(todo.values())))
                        .values(status="started", started_at=utcnow(),
                                attempts=ProcessingJob.attempts + 1))
    results = [_parse(rid, files[rid].filename, files[rid].storage_key)
               for rid in resume_ids if rid in todo and rid in files]
    recorded = _record(batch_id, results)
    for a, b, owner in recorded.proven:  # the new parse proves two records are one person
        try:
            done = identity.merge(ctx.db, a, b, owner=owner, actor=SOURCE, source=SOURCE)
            recorded.touched.discard(max(a, b))
            recorded.touched.add(done.kept)
        except identity.IdentityError as exc:
            log.info("reparse batch %s: candidates %s and %s not merged (%s)", batch_id, a, b,
                     exc)
    if recorded.touched:
        for hook in ctx.after_candidate:
            hook(sorted(recorded.touched))
    if recorded.finished:
        from pipeline.tasks import send_reply

        send_reply(batch_id)
    statuses = {r.resume_id: "parsed" if r.parsed else "failed" for r in results}
    return [statuses.get(rid, "skipped") for rid in resume_ids]


def _parse(resume_id: int, filename: str, storage_key: str | None) -> _Parse:
    ctx = current()
    started = time.monotonic()
    try:
        if storage_key is None:
            raise Rejected("the file's bytes were not stored")
        with reading_stored_file():
            data = ctx.blobs.get(storage_key)
        try:
            parsed = parse_document(data, filename, enhancer=ctx.enhancer,
                                    default_region=ctx.default_region)
        except Rejected:
            raise
        except Exception as exc:  # a parser bug on this file: recorded, the batch goes on
            log.exception("resume %s: parser raised on re-parse", resume_id)
            raise Rejected(f"could not be parsed ({type(exc).__name__})") from exc
        return _Parse(resume_id, parsed, None, time.monotonic() - started)
    except Rejected as exc:
        return _Parse(resume_id, None, exc.reason, time.monotonic() - started)


def _without_meta(data: dict[str, Any] | None) -> dict[str, Any]:
    return {k: v for k, v in (data or {}).items() if k != "meta"}


def _record(batch_id: int, results: list[_Parse]) -> _Recorded:
    """One transaction: new parses stored, candidates re-decided and rebuilt, counters."""
    ctx = current()
    recorded = _Recorded()
    with ctx.db.session() as session:
        batch = session.get(Batch, batch_id)
        actor = batch.submitted_by if batch is not None else SOURCE
        parsed = failed = 0
        for result in results:
            if _record_one(session, result, batch_id, actor, recorded):
                parsed += 1
            else:
                failed += 1
        session.execute(update(ProcessingJob).where(
            ProcessingJob.reparse_batch_id == batch_id,
            ProcessingJob.resume_id.in_([r.resume_id for r in results]),
            ProcessingJob.finished_at.is_(None)).values(finished_at=utcnow(),
                                                        status="finished"))
        row = session.execute(
            update(Batch).where(Batch.id == batch_id)
            .values(parsed=Batch.parsed + parsed, failed=Batch.failed + failed)
            .returning(Batch.parsed, Batch.failed, Batch.total)).one()
        if row.parsed + row.failed >= row.total and parsed + failed:
            session.execute(update(Batch).where(Batch.id == batch_id)
                            .values(state="done", finished_at=utcnow()))
            recorded.finished = True
    return recorded


def _record_one(session: Session, result: _Parse, batch_id: int, actor: str,
                recorded: _Recorded) -> bool:
    """Record one re-parse; True when it parsed."""
    resume = session.get(Resume, result.resume_id)
    if resume is None:
        return False
    owner_id = session.scalar(select(Batch.recruiter_id).where(Batch.id == resume.batch_id))
    if owner_id is not None:
        # the lock an import's merge takes (candidates.attach_all): one writer per recruiter
        session.execute(update(Recruiter).where(Recruiter.id == owner_id)
                        .values(id=Recruiter.id), execution_options=NO_SYNC)
    stored = session.scalar(select(ResumeData).where(ResumeData.resume_id == resume.id))
    before = stored.parser_version if stored is not None else None
    if result.parsed is None:
        session.execute(update(ProcessingJob).where(
            ProcessingJob.reparse_batch_id == batch_id, ProcessingJob.resume_id == resume.id)
            .values(error=result.reason, status="failed"))
        if resume.status == "failed":  # a parsed resume keeps its last good parse
            resume.failure_reason = result.reason
        return False
    data = result.parsed.model_dump(mode="json")
    changed = stored is None or _without_meta(stored.data) != _without_meta(data)
    if stored is None:
        session.add(ResumeData(resume_id=resume.id, parser_version=PARSER_VERSION, data=data))
    else:
        stored.parser_version, stored.data = PARSER_VERSION, data
    session.flush()
    arrival = candidates.Arrival(resume.id, resume.sha256, result.parsed, data)
    was = resume.candidate_id
    if was is not None and identity.resumes_of(session, was) != [resume.id]:
        # one version among several: it goes wherever the rules now put it
        resume.candidate_id = None
        session.flush()
        identity.rebuild(session, was, owner_id)
        recorded.touched.add(was)
        was = None
    if was is None:
        [(cid, outcome)] = candidates.attach_all(session, owner_id, [arrival])
        resume.candidate_id, resume.outcome = cid, outcome
    else:  # their only resume: the candidate is rebuilt from it, and re-judged
        cid = was
        identity.rebuild(session, cid, owner_id)
        proven, proof, suspects = candidates.resemblance(session, owner_id, arrival, cid)
        if proven is not None and proof is not None:
            owner = session.scalar(select(Recruiter.identity).where(Recruiter.id == owner_id))
            recorded.proven.append((proven, cid, owner))
        links.record(session, owner_id, [
            links.Found(links.POSSIBLE, other, cid, why.evidence(), resume.id)
            for other, why in suspects])
    resume.status, resume.failure_reason, resume.updated_at = "parsed", None, utcnow()
    recorded.touched.add(cid)
    audit.record(session, "reparsed", actor=actor, source=SOURCE, candidate_id=cid,
                 batch_id=batch_id, resume_id=resume.id, parser_before=before,
                 parser=PARSER_VERSION, changed=changed)
    return True


