"""A bulk chunk is claimed, parsed and recorded together: the same guarantees as one resume.

Two resumes of one person in a chunk make one candidate; a chunk run again after a crash
counts nothing twice, nor does a resume another run ends while the chunk records it; a row
the database refuses fails alone, with its reason; a chunk of slow scans makes way for an
upload instead of making it wait.
"""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from sqlalchemy import select, text, update

from pipeline.queue import chunk_sizes
from pipeline.tasks import process_resumes
from storage.models import (
    AuditEvent,
    Batch,
    Candidate,
    CandidateSkill,
    ProcessingJob,
    Resume,
    ResumeData,
)
from tests.helpers import wait_until
from tests.integration.pipeline_harness import Harness
from tests.resumes import scanned_pdf, text_pdf


def test_one_person_twice_in_a_chunk_is_one_candidate(harness: Harness) -> None:
    older = text_pdf("Maria Garcia", "maria@x.test", company="Initech", skills="Python, SQL")
    newer = text_pdf("Maria Garcia", "maria@x.test", company="Globex",
                     skills="Kubernetes, Terraform")
    batch = harness.submit({"v1.pdf": older, "v2.pdf": newer, "v2-copy.pdf": newer,
                            "lee.pdf": text_pdf("Ann Lee", "ann@x.test")})
    assert batch.priority == "low"
    harness.run_burst_worker()

    done = harness.wait_batch_done(batch.id)
    assert (done.parsed, done.failed) == (4, 0)
    resumes = harness.resumes(batch.id)
    assert [r.outcome for r in resumes] == ["created", "updated", "duplicate", "created"]
    assert resumes[0].candidate_id == resumes[1].candidate_id == resumes[2].candidate_id
    with harness.services.db.session() as session:
        maria = session.scalars(select(Candidate).where(Candidate.email == "maria@x.test")).one()
        skills = set(session.scalars(select(CandidateSkill.skill)
                                     .where(CandidateSkill.candidate_id == maria.id)))
        jobs = session.scalars(select(ProcessingJob)).all()
    assert maria.latest_company == "Globex"  # the newer resume wins
    assert skills == {"Kubernetes", "Terraform"}
    assert harness.candidate_count() == 2
    assert all(j.status == "finished" and j.duration_ms and j.attempts == 1 for j in jobs)
    assert harness.batch(batch.id).replied_at is not None


def test_a_chunk_run_again_counts_each_resume_once(harness: Harness,
                                                   caplog: pytest.LogCaptureFixture) -> None:
    batch = harness.submit({f"p{i}.pdf": text_pdf(f"Person Number{i}", f"p{i}@x.test")
                            for i in range(3)})
    ids = [r.id for r in harness.resumes(batch.id)]

    assert process_resumes(ids[:2]) == ["parsed", "parsed"]
    # the worker died after recording the first two; the whole chunk comes back
    assert process_resumes(ids) == ["skipped", "skipped", "parsed"]
    assert process_resumes(ids) == ["skipped", "skipped", "skipped"]

    done = harness.batch(batch.id)
    assert (done.state, done.parsed, done.failed, done.total) == ("done", 3, 0, 3)
    assert harness.candidate_count() == 3
    assert "one by one" not in caplog.text  # each chunk was recorded in one transaction


def test_a_chunk_updates_known_candidates_in_its_one_transaction(
        harness: Harness, caplog: pytest.LogCaptureFixture) -> None:
    first = harness.submit({"v1.pdf": text_pdf("Maria Garcia", "maria@x.test", company="Initech")})
    process_resumes([r.id for r in harness.resumes(first.id)])
    again = harness.submit({"v2.pdf": text_pdf("Maria Garcia", "maria@x.test", company="Globex"),
                            "lee.pdf": text_pdf("Ann Lee", "ann@x.test")})

    assert process_resumes([r.id for r in harness.resumes(again.id)]) == ["parsed", "parsed"]
    assert [r.outcome for r in harness.resumes(again.id)] == ["updated", "created"]
    with harness.services.db.session() as session:
        maria = session.scalars(select(Candidate).where(Candidate.email == "maria@x.test")).one()
    assert maria.latest_company == "Globex"
    assert maria.updated_at > maria.created_at
    assert "one by one" not in caplog.text


def test_a_resume_another_run_ends_while_the_chunk_records_is_counted_once(
        pg_harness: Harness) -> None:
    h = pg_harness
    batch = h.submit({"x.pdf": text_pdf("Xavier Other", "x@x.test"),
                      "y.pdf": scanned_pdf("Yolanda Mine", "y@x.test")})  # OCR: time to race
    x, y = (r.id for r in h.resumes(batch.id))
    statuses: list[str] = []
    worker = threading.Thread(target=lambda: statuses.extend(process_resumes([x, y])))
    worker.start()
    wait_until(lambda: h.resumes(batch.id)[0].status == "processing", timeout=60,
               what="the chunk to claim x")
    with h.services.db.session() as other:  # another run ends x, and commits only later
        ended = other.execute(update(Resume).where(Resume.id == x, Resume.status == "processing")
                              .values(status="failed", failure_reason="ended by another run"))
        assert ended.rowcount == 1, "the chunk recorded before the other run could race it"
        other.execute(update(Batch).where(Batch.id == batch.id).values(failed=1))
        wait_until(lambda: _waiting_for_a_row_lock(h), timeout=120,
                   what="the chunk to reach x's row while recording")
    worker.join(timeout=60)

    assert statuses == ["skipped", "parsed"]
    resumes = h.resumes(batch.id)
    assert (resumes[0].status, resumes[0].failure_reason, resumes[0].candidate_id) == (
        "failed", "ended by another run", None)
    assert (resumes[1].status, resumes[1].outcome) == ("parsed", "created")
    done = h.batch(batch.id)
    assert (done.state, done.parsed, done.failed) == ("done", 1, 1)
    with h.services.db.session() as session:  # what the chunk wrote for x was rolled back
        assert session.scalars(select(ResumeData.resume_id)).all() == [y]
        assert session.scalars(select(Candidate.email)).all() == ["y@x.test"]
        assert session.scalars(select(AuditEvent.candidate_id)).all() == [
            resumes[1].candidate_id]


def _waiting_for_a_row_lock(h: Harness) -> bool:
    with h.services.db.session() as session:
        return bool(session.scalar(text(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
            "AND wait_event_type = 'Lock'")))


def test_a_row_the_database_refuses_fails_alone(pg_harness: Harness) -> None:
    h = pg_harness
    odd = text_pdf("Odd Company", "odd@x.test")
    first = h.submit({"odd.pdf": odd})
    process_resumes([r.id for r in h.resumes(first.id)])
    # the stored parse of these bytes names a company longer than the column holds
    with h.services.db.session() as session:
        data = session.scalars(select(ResumeData.data)).one()
        data["experience"][0]["company"] = "Very Long Company Name " * 12
        session.execute(update(ResumeData).values(data=data))

    batch = h.submit({"a.pdf": text_pdf("Ann Able", "a@x.test"), "odd-again.pdf": odd,
                      "b.pdf": text_pdf("Bob Baker", "b@x.test")})
    statuses = process_resumes([r.id for r in h.resumes(batch.id)])

    assert statuses == ["parsed", "failed", "parsed"]
    resumes = {r.filename: r for r in h.resumes(batch.id)}
    assert resumes["odd-again.pdf"].failure_reason == "could not be saved (DataError)"
    done = h.batch(batch.id)
    assert (done.state, done.parsed, done.failed) == ("done", 2, 1)


def test_a_chunk_of_scans_makes_way_for_an_upload(pg_harness: Harness, tmp_path: Path) -> None:
    h = pg_harness
    scans = h.submit({f"scan{i}.pdf": scanned_pdf(f"Scan Person{i}", f"scan{i}@x.test",
                                                  pages=2) for i in range(8)})
    first_chunk = chunk_sizes(8)[0]  # without making way, an upload waits for all of it
    assert first_chunk >= 4 and h.queue.depths()["low"] == len(chunk_sizes(8))
    log = tmp_path / "worker.log"
    h.start_worker(log=log)
    # the upload arrives once the worker holds the chunk, however fast its scans parse
    wait_until(lambda: any(r.status == "processing" for r in h.resumes(scans.id)),
               timeout=120, what="the chunk to start")
    single = h.submit({"urgent.pdf": text_pdf("Urgent Person", "urgent@x.test")})
    wait_until(lambda: h.batch(single.id).state == "done", timeout=120, what="the upload")
    assert h.batch(scans.id).parsed < first_chunk, "the upload waited for the whole chunk"

    done = h.wait_batch_done(scans.id, timeout=300)
    assert (done.parsed, done.failed) == (8, 0)
    assert "made way for an upload" in log.read_text()
    scan_ids = [r.id for r in h.resumes(scans.id)]
    with h.services.db.session() as session:
        rows = session.execute(select(ProcessingJob.attempts, ProcessingJob.status)
                               .where(ProcessingJob.resume_id.in_(scan_ids))).all()
    # one attempt row per resume; those handed back were not counted twice
    assert sorted(rows) == [(1, "finished")] * 8


def test_the_time_limit_holds_per_resume_in_a_chunk(pg_harness: Harness) -> None:
    h = pg_harness
    # one second per resume; five pages full of text need several on any machine (five
    # nearly empty ones took 0.99 s on a quiet one), and the limit stops them at one
    h.extra_env["HOTGIGS_JOB_TIMEOUT"] = "1"
    batch = h.submit({"slow-scan.pdf": scanned_pdf("Slow Scan", "slow@x.test", pages=5,
                                                   filler=55),
                      "a.pdf": text_pdf("Ann Able", "a@x.test"),
                      "b.pdf": text_pdf("Bob Baker", "b@x.test")})
    assert h.queue.depths()["low"] == 1
    h.run_burst_worker()

    done = h.wait_batch_done(batch.id)
    resumes = {r.filename: r for r in h.resumes(batch.id)}
    assert resumes["slow-scan.pdf"].failure_reason == "parsing took longer than the time limit"
    assert resumes["a.pdf"].status == resumes["b.pdf"].status == "parsed"
    assert (done.parsed, done.failed) == (2, 1)
