"""`hotgigs reparse` and `hotgigs job reindex` as an operator runs them, with a real worker.

An older parser's work is the state it left in the database: its stored parse (an older
`parser_version`, a heading read as the name, no skills) and the candidate built from it, or
a resume it failed with a crash. The current parser then runs on the stored file.
"""

from __future__ import annotations

import json
import subprocess
import sys
from typing import Any

import pytest
import redis
from sqlalchemy import delete, select, update

from matching import create_job
from storage.models import (
    AuditEvent,
    Batch,
    Candidate,
    CandidateLink,
    CandidateMatch,
    CandidateProfile,
    CandidateSkill,
    Recruiter,
    Resume,
    ResumeData,
)
from tests.integration.pipeline_harness import Harness
from tests.resumes import password_pdf, person_pdf

pytestmark = [pytest.mark.redis, pytest.mark.postgres]

ANN = "ann@agency.test"


def _cli(h: Harness, *args: str, code: int = 0) -> str:
    result = subprocess.run([sys.executable, "-m", "hotgigs", *args], env=h.env(),
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == code, result.stderr
    return result.stdout


def _as_an_older_parser_left_it(h: Harness, resume_id: int) -> int:
    """The resume's parse and candidate as parser 1.0 made them: a heading for a name, the
    skills unread; the candidate has no matches. Returns the candidate id."""
    with h.services.db.session() as session:
        stored = session.scalar(select(ResumeData).where(ResumeData.resume_id == resume_id))
        assert stored is not None
        old = {**stored.data, "name": "Skill Highlights", "skills": [],
               "meta": {**stored.data["meta"], "parser_version": "1.0.0"}}
        stored.parser_version, stored.data = "1.0.0", old
        cid = session.scalar(select(Resume.candidate_id).where(Resume.id == resume_id))
        assert cid is not None
        session.execute(update(Candidate).where(Candidate.id == cid).values(
            name="Skill Highlights", normalized_name="highlights skill", data=old))
        session.execute(delete(CandidateMatch).where(CandidateMatch.candidate_id == cid))
        session.execute(delete(CandidateProfile).where(CandidateProfile.candidate_id == cid))
        return int(cid)


def test_reparse_with_a_newer_parser_changes_the_candidate_and_its_matches(
        harness: Harness) -> None:
    h = harness
    batch = h.submit({
        "priya.pdf": person_pdf("Priya Raman", email="priya@example.com",
                                title="Platform Engineer",
                                skills="Python, Kubernetes, Terraform, PostgreSQL"),
        "omar.pdf": person_pdf("Omar Haddad", email="omar@example.com", title="Chef",
                               skills="Menu Planning"),
    }, by=ANN)
    h.run_burst_worker()
    h.wait_batch_done(batch.id)
    with h.services.db.session() as session:
        owner_id = session.scalar(select(Recruiter.id).where(Recruiter.identity == ANN))
        job = create_job(session, title="Platform Engineer", owner_id=owner_id,
                         description="Python, Kubernetes and Terraform; PostgreSQL a plus.")
        job_id = job.id
    priya = next(r.id for r in h.resumes(batch.id) if r.filename == "priya.pdf")
    cid = _as_an_older_parser_left_it(h, priya)

    # the other resume is current already: only the older parse is selected
    _cli(h, "reparse", "--parser-older-than", "2.0.0", "--owner", ANN)
    # Redis loses the queued chunk: the database still says it is unfinished, and the
    # worker's sweep at start queues it again
    redis.Redis.from_url(str(h.settings.redis_url)).flushdb()
    h.run_burst_worker()
    with h.services.db.session() as session:
        run = session.scalar(select(Batch).where(Batch.source == "reparse"))
        assert run is not None and (run.total, run.parsed, run.state) == (1, 1, "done")
        candidate = session.get(Candidate, cid)
        assert candidate is not None and candidate.name == "Priya Raman"
        assert "Kubernetes" in candidate.data["skills"]
        stored = session.scalar(select(ResumeData).where(ResumeData.resume_id == priya))
        assert stored is not None and stored.parser_version != "1.0.0"
        assert session.scalar(select(CandidateMatch.score).where(
            CandidateMatch.candidate_id == cid, CandidateMatch.job_id == job_id)) is not None
        assert session.get(CandidateProfile, cid) is not None
        [event] = session.scalars(select(AuditEvent).where(
            AuditEvent.action == "reparsed", AuditEvent.candidate_id == cid))
        assert event.detail["changed"] is True and event.detail["parser_before"] == "1.0.0"
    assert h.candidate_count() == 2  # re-parsing made nobody new
    digest = _cli(h, "digest", "send", "--dry-run", "--to", ANN)
    assert "Re-parsed with the current parser: 1 resumes (1 read differently)" in digest


def test_reparse_failed_takes_parser_errors_only_and_in_process_without_redis(
        harness: Harness) -> None:
    h = harness
    batch = h.submit({
        "crashed.pdf": person_pdf("Lena Vogel", email="lena@example.com"),
        "locked.pdf": password_pdf("Lock Ed", "lock@example.com"),
    }, by=ANN)
    h.run_burst_worker()
    h.wait_batch_done(batch.id)
    crashed = next(r for r in h.resumes(batch.id) if r.filename == "crashed.pdf")
    with h.services.db.session() as session:  # as a parser that crashed on it left it
        session.execute(delete(ResumeData).where(ResumeData.resume_id == crashed.id))
        session.execute(update(Resume).where(Resume.id == crashed.id).values(
            status="failed", failure_reason="could not be parsed (IndexError)",
            candidate_id=None, outcome=None))
        for table in (CandidateProfile, CandidateSkill, CandidateMatch, CandidateLink):
            session.execute(delete(table))
        session.execute(delete(Candidate))
    assert h.candidate_count() == 0

    h.extra_env["REDIS_URL"] = "redis://127.0.0.1:1/0"  # unreachable: runs in this process
    out = json.loads(_cli(h, "reparse", "--failed", "--json"))
    assert out["resumes"] == 1 and out["parsed"] == 1 and out["changed"] == 1
    after = {r.filename: r for r in h.resumes(batch.id)}
    assert after["crashed.pdf"].status == "parsed" and after["crashed.pdf"].outcome == "created"
    assert after["locked.pdf"].failure_reason == "password-protected PDF"  # not a parser error
    with h.services.db.session() as session:
        candidate = session.get(Candidate, after["crashed.pdf"].candidate_id)
        assert candidate is not None and candidate.email == "lena@example.com"
    assert "nothing to re-parse" in subprocess.run(
        [sys.executable, "-m", "hotgigs", "reparse", "--failed"], env=h.env(),
        capture_output=True, text=True, timeout=120).stderr


def test_job_reindex_gives_candidates_from_before_matching_a_profile(harness: Harness) -> None:
    h = harness
    batch = h.submit({"a.pdf": person_pdf("Priya Raman", email="priya@example.com")}, by=ANN)
    h.run_burst_worker()
    h.wait_batch_done(batch.id)
    with h.services.db.session() as session:
        session.execute(delete(CandidateProfile))
    out = _cli(h, "job", "reindex")
    assert out.strip() == "re-indexed 1 candidates (1 matching profiles)"
    with h.services.db.session() as session:
        profiles: Any = session.scalars(select(CandidateProfile)).all()
        assert len(profiles) == 1 and "Python" in profiles[0].skills


def test_reparse_undoes_a_merge_the_old_rules_made(harness: Harness) -> None:
    """Two people the old rule merged (a heading for a name, the placeholder employer) are
    two candidates again after a re-parse, each rebuilt from their own resume."""
    h = harness
    batch = h.submit({
        "cook.pdf": person_pdf("Skill Highlights", company="Company Name", title="Cook",
                               dates="May 2012 - Jun 2014"),
        "nurse.pdf": person_pdf("Skill Highlights", company="Company Name", title="Nurse",
                                dates="Jan 2019 - Present"),
    }, by=ANN)
    h.run_burst_worker()
    h.wait_batch_done(batch.id)
    cook, nurse = (r.candidate_id for r in h.resumes(batch.id))
    assert cook != nurse
    with h.services.db.session() as session:  # as the old rule left them: one candidate
        for table in (CandidateProfile, CandidateSkill, CandidateMatch):
            session.execute(delete(table).where(table.candidate_id == nurse))
        session.execute(update(Resume).where(Resume.candidate_id == nurse)
                        .values(candidate_id=cook, outcome="updated"))
        session.execute(delete(Candidate).where(Candidate.id == nurse))
        session.execute(update(ResumeData).values(parser_version="1.0.0"))
    assert h.candidate_count() == 1

    _cli(h, "reparse", "--all")
    h.run_burst_worker()
    after = {r.filename: r.candidate_id for r in h.resumes(batch.id)}
    assert after["cook.pdf"] != after["nurse.pdf"] and h.candidate_count() == 2
    with h.services.db.session() as session:
        titles = {cid: session.get(Candidate, cid).latest_title  # type: ignore[union-attr]
                  for cid in after.values()}
    assert titles == {after["cook.pdf"]: "Cook", after["nurse.pdf"]: "Nurse"}
