"""Intake and workers over real Redis and both databases: priorities, idempotency, merges,
bad input, and nothing lost when workers die or Redis forgets."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from pipeline.queue import chunk_sizes
from storage.models import Candidate, ProcessingJob, Recruiter
from tests.helpers import wait_until
from tests.integration.pipeline_harness import Harness
from tests.resumes import password_pdf, scanned_pdf, text_pdf, zip_of


def test_one_resume_is_high_priority_and_several_are_low(harness: Harness) -> None:
    single = harness.submit({"ann.pdf": text_pdf("Ann Lee", "ann@x.test")})
    bulk = harness.submit({"a.pdf": text_pdf("A One", "a@x.test"),
                           "b.pdf": text_pdf("B Two", "b@x.test")})
    zipped = harness.submit({"one.zip": zip_of({"c.pdf": text_pdf("C Three", "c@x.test")})})
    assert (single.priority, bulk.priority, zipped.priority) == ("high", "low", "low")
    # bulk resumes travel in chunks: one RQ job for the two files, one for the ZIP's entry
    assert harness.queue.depths() == {"high": 1, "low": 2}
    with harness.services.db.session() as session:
        jobs = session.scalars(select(ProcessingJob).order_by(ProcessingJob.id)).all()
        assert len(jobs) == 4 and all(j.rq_job_id for j in jobs)
        assert jobs[1].rq_job_id == jobs[2].rq_job_id != jobs[0].rq_job_id


def test_the_same_idempotency_key_returns_the_first_batch(harness: Harness) -> None:
    first = harness.submit({"ann.pdf": text_pdf("Ann Lee", "ann@x.test")}, key="Ev123")
    again = harness.submit({"ann.pdf": text_pdf("Ann Lee", "ann@x.test")}, key="Ev123")
    assert again.id == first.id
    assert harness.queue.depths() == {"high": 1, "low": 0}


def test_bad_files_fail_with_reasons_and_the_batch_completes(harness: Harness) -> None:
    batch = harness.submit({
        "good.pdf": text_pdf("Grace Hopper", "grace@x.test"),
        "setup.exe": b"MZ\x90\x00" + bytes(200),
        "empty.pdf": b"",
        "corrupt.pdf": b"%PDF-1.7\n this is not a real pdf",
        "locked.pdf": password_pdf("Secret Person", "secret@x.test"),
        "bundle.zip": zip_of({"../escape.pdf": b"x" * 50,
                              "inside.pdf": text_pdf("Ida B", "ida@x.test")}),
    })
    harness.run_burst_worker()
    done = harness.wait_batch_done(batch.id)
    resumes = {r.filename: r for r in harness.resumes(batch.id)}
    assert done.total == len(resumes) == 7
    assert done.parsed + done.failed == done.total
    assert resumes["good.pdf"].status == "parsed"
    assert resumes["bundle.zip/inside.pdf"].status == "parsed"
    assert resumes["setup.exe"].failure_reason == "not a resume file type: .exe"
    assert resumes["empty.pdf"].status == "failed" and resumes["empty.pdf"].failure_reason
    assert "corrupt" in (resumes["corrupt.pdf"].failure_reason or "")
    assert resumes["locked.pdf"].failure_reason == "password-protected PDF"
    assert "unsafe path" in (resumes["bundle.zip/../escape.pdf"].failure_reason or "")
    assert harness.batch(batch.id).replied_at is not None


def test_duplicates_merge_within_a_recruiter_only(harness: Harness) -> None:
    first = harness.submit({"v1.pdf": text_pdf("Maria Garcia", "maria@x.test",
                                               company="Initech", skills="Python, SQL")})
    harness.run_burst_worker()
    newer = text_pdf("Maria Garcia", "MARIA@x.test", company="Globex", skills="Kubernetes, Go")
    second = harness.submit({"v2.pdf": newer})
    same_bytes = harness.submit({"v2-again.pdf": newer})
    other_recruiter = harness.submit({"v1.pdf": text_pdf("Maria Garcia", "maria@x.test")},
                                     by="bob@other-agency.test")
    harness.run_burst_worker()
    outcomes = [harness.resumes(b.id)[0].outcome for b in (first, second, same_bytes)]
    assert outcomes == ["created", "updated", "duplicate"]
    with harness.services.db.session() as session:
        candidates = session.scalars(select(Candidate).order_by(Candidate.id)).all()
        owners = {r.id: r.identity for r in session.scalars(select(Recruiter))}
        assert len(candidates) == 2
        ann = candidates[0]
        assert owners[ann.owner_id or 0] == "ann@agency.test"
        assert len(ann.resumes) == 3
        assert ann.latest_company == "Globex"  # the newer resume wins
        assert ann.email == "maria@x.test"
        assert owners[candidates[1].owner_id or 0] == "bob@other-agency.test"
    assert harness.resumes(other_recruiter.id)[0].outcome == "created"


def test_a_single_upload_overtakes_a_running_bulk_import(pg_harness: Harness,
                                                         tmp_path: Path) -> None:
    h = pg_harness
    bulk = h.submit({f"bulk{i:03}.pdf": text_pdf(f"Bulk Person{i}", f"bulk{i}@x.test")
                     for i in range(200)})
    h.start_worker(log=tmp_path / "worker.log")
    wait_until(lambda: h.batch(bulk.id).parsed >= 5, timeout=120, what="bulk to start")
    single = h.submit({"urgent.pdf": text_pdf("Urgent Person", "urgent@x.test")})
    assert single.priority == "high"
    wait_until(lambda: h.batch(single.id).state == "done", timeout=120, what="single upload")
    progress = h.batch(bulk.id)
    assert progress.state == "processing", "the single upload waited for the whole bulk"
    assert progress.parsed < 200
    h.wait_batch_done(bulk.id, timeout=300)


def test_a_worker_killed_mid_job_leaves_exactly_one_candidate(pg_harness: Harness,
                                                               tmp_path: Path) -> None:
    h = pg_harness
    batch = h.submit({"scan.pdf": scanned_pdf("Olu Adeyemi", "olu@x.test", pages=4, filler=55)})
    victim = h.start_worker(log=tmp_path / "victim.log")
    wait_until(lambda: h.resumes(batch.id)[0].status == "processing", timeout=120,
               what="the worker to start the job")
    h.kill(victim)
    assert h.resumes(batch.id)[0].status == "processing"
    h.run_burst_worker()  # its sweeper finds the orphan and requeues it
    h.wait_batch_done(batch.id)
    resume = h.resumes(batch.id)[0]
    assert resume.status == "parsed", resume.failure_reason
    assert h.candidate_count() == 1
    with h.services.db.session() as session:
        attempts = session.scalars(
            select(ProcessingJob).where(ProcessingJob.resume_id == resume.id)).all()
        assert len(attempts) == 2


def test_redis_flushed_while_jobs_are_pending_is_recovered(pg_harness: Harness) -> None:
    h = pg_harness
    batch = h.submit({f"p{i}.pdf": text_pdf(f"Pending Person{i}", f"p{i}@x.test")
                      for i in range(5)})
    assert h.queue.depths()["low"] == len(chunk_sizes(5))
    h.queue.connection.flushdb()
    assert h.queue.depths()["low"] == 0
    h.run_burst_worker()
    done = h.wait_batch_done(batch.id)
    assert (done.parsed, done.failed) == (5, 0)
    assert h.candidate_count() == 5
