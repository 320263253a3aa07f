"""The model layer on both databases, through the same Alembic migrations."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from hotgigs.bootstrap import Services
from storage.db import Database, pending_migrations
from storage.models import (
    SEED_TABLES,
    Batch,
    Candidate,
    CandidateMatch,
    CandidateSkill,
    Job,
    ProcessingJob,
    Recruiter,
    Resume,
    ResumeData,
)


def test_migrations_create_every_table(database_url: str) -> None:
    db = Database(database_url)
    tables = set(db.table_names())
    assert set(SEED_TABLES) <= tables
    assert {"candidates", "batches", "jobs", "recruiters", "inbound_messages", "seen_events",
            "drive_folders", "digests_sent", "slack_installations", "slack_bots",
            "slack_oauth_states"} <= tables
    assert not pending_migrations(db.engine)
    db.dispose()


def test_a_resume_round_trips_with_its_candidate_skills_and_match(services: Services) -> None:
    with services.db.session() as s:
        recruiter = Recruiter(identity="ann@agency.example", email="ann@agency.example")
        batch = Batch(source="email", submitted_by="ann@agency.example",
                      reply_to={"kind": "email", "address": "ann@agency.example"}, total=1)
        s.add_all([recruiter, batch])
        s.flush()
        candidate = Candidate(owner_id=recruiter.id, name="Ola Nordmann", email="ola@x.example",
                              data={"skills": ["Python"]})
        s.add(candidate)
        s.flush()
        resume = Resume(batch_id=batch.id, candidate_id=candidate.id, source="email",
                        filename="ola.pdf", sha256="ab" * 32, status="parsed")
        job = Job(slug="data-engineer", title="Data Engineer", description="Python, SQL")
        s.add_all([resume, job])
        s.flush()
        s.add_all([
            ResumeData(resume_id=resume.id, parser_version="1", data={"name": "Ola Nordmann"}),
            ProcessingJob(resume_id=resume.id, rq_job_id="j1", queue="hotgigs-high",
                          priority="high", attempts=1, duration_ms=12.5),
            CandidateSkill(candidate_id=candidate.id, skill="Python", category="Programming"),
            CandidateMatch(candidate_id=candidate.id, job_id=job.id, score=81.5,
                           explanation={"matched": ["Python"], "missing": ["SQL"]}),
        ])
    with services.db.session() as s:
        loaded = s.scalars(select(Candidate)).one()
        assert [r.filename for r in loaded.resumes] == ["ola.pdf"]
        assert [k.skill for k in loaded.skills] == ["Python"]
        assert loaded.data == {"skills": ["Python"]}
        match = s.scalars(select(CandidateMatch)).one()
        assert match.explanation["missing"] == ["SQL"]
        assert loaded.created_at.tzinfo is not None  # aware on SQLite too


def test_idempotency_key_is_unique(services: Services) -> None:
    with services.db.session() as s:
        s.add(Batch(source="slack", submitted_by="slack:T1/U1", idempotency_key="Ev1"))
    with pytest.raises(IntegrityError), services.db.session() as s:
        s.add(Batch(source="slack", submitted_by="slack:T1/U1", idempotency_key="Ev1"))


def test_a_candidate_skill_is_stored_once(services: Services) -> None:
    with services.db.session() as s:
        c = Candidate(name="A")
        s.add(c)
        s.flush()
        s.add(CandidateSkill(candidate_id=c.id, skill="SQL"))
        cid = c.id
    with pytest.raises(IntegrityError), services.db.session() as s:
        s.add(CandidateSkill(candidate_id=cid, skill="SQL"))
