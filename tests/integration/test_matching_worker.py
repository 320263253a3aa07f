"""`find_matches` after a real parse: the worker process stores matches the reply can show."""

from __future__ import annotations

from sqlalchemy import select

from matching import create_job
from pipeline.summary import summarize_batch
from storage.models import Candidate, CandidateMatch
from tests.integration.pipeline_harness import Harness
from tests.resumes import text_pdf

JD = "Requirements:\n- Python, SQL and Docker\nYou will build backend services."


def test_worker_stores_top_matches_after_each_parse(harness: Harness) -> None:
    with harness.services.db.session() as session:
        backend = create_job(session, title="Software Engineer", description=JD)
        create_job(session, title="Head Chef", description="Run our kitchen. Menu planning.")
        backend_slug = backend.slug
    batch = harness.submit({
        "ann.pdf": text_pdf("Ann Lee", "ann@x.test", skills="Python, SQL, Docker"),
        "raj.pdf": text_pdf("Raj Patel", "raj@x.test", title="Line Cook",
                            company="Bistro Ltd", skills="Excel"),
    })
    harness.run_burst_worker()
    harness.wait_batch_done(batch.id)
    with harness.services.db.session() as session:
        ann = session.scalar(select(Candidate).where(Candidate.email == "ann@x.test"))
        assert ann is not None
        rows = session.scalars(select(CandidateMatch).where(
            CandidateMatch.candidate_id == ann.id).order_by(CandidateMatch.score.desc())).all()
        assert len(rows) == 2  # both open jobs, best first
        assert rows[0].explanation["required"]["matched"] == ["Python", "SQL", "Docker"]
        summary = summarize_batch(session, batch.id)
    items = {i.email: i for i in summary.items}
    top = items["ann@x.test"].top_matches
    assert top[0]["slug"] == backend_slug and top[0]["score"] > top[1]["score"]
    assert "3/3 required skills" in top[0]["reason"]
    assert items["raj@x.test"].top_matches  # every parsed candidate was matched
