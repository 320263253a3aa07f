"""A recruiter's replies only ever show candidates from their own imports (issue #10).

The same person imported by two recruiters is two records; duplicate detection, batch
summaries (what Slack/email replies render) and the audit log keep them apart.
"""

from __future__ import annotations

from sqlalchemy import select

from pipeline.candidates import find_existing
from pipeline.models import ParsedResume
from pipeline.summary import summarize_batch
from pipeline.tasks import process_resume
from storage.models import AuditEvent, Candidate, Recruiter
from tests.integration.pipeline_harness import Harness
from tests.resumes import text_pdf

SAME = text_pdf("Odo Changeling", "odo@ds9.test", "+1 415 555 0177", company="Bajor Security")


def _run_inline(harness: Harness, batch_id: int) -> None:
    for resume in harness.resumes(batch_id):
        process_resume(resume.id)


def test_each_recruiter_gets_their_own_record_and_sees_only_it(harness: Harness) -> None:
    ann = harness.submit({"odo.pdf": SAME}, by="ann@agency.test")
    _run_inline(harness, ann.id)
    bob = harness.submit({"odo-copy.pdf": SAME,
                          "quark.pdf": text_pdf("Quark Ferengi", "quark@ds9.test")},
                         by="bob@other.test")
    _run_inline(harness, bob.id)

    with harness.services.db.session() as session:
        owners = dict(session.execute(select(Recruiter.identity, Recruiter.id)).all())
        records = session.execute(select(Candidate.id, Candidate.owner_id)
                                  .where(Candidate.email == "odo@ds9.test")
                                  .order_by(Candidate.id)).all()
        assert [o for _, o in records] == [owners["ann@agency.test"], owners["bob@other.test"]]
        ann_summary = summarize_batch(session, ann.id)
        bob_summary = summarize_batch(session, bob.id)
        parsed = ParsedResume(name="Odo Changeling", email="odo@ds9.test")
        assert find_existing(session, owners["ann@agency.test"], parsed).id == records[0][0]
        assert find_existing(session, owners["bob@other.test"], parsed).id == records[1][0]
        assert find_existing(session, None, parsed) is None  # no owner: nobody's records
        imported = session.execute(select(AuditEvent.actor, AuditEvent.candidate_id)
                                   .where(AuditEvent.action == "imported")).all()

    ann_ids = {i.candidate_id for i in ann_summary.items}
    bob_ids = {i.candidate_id for i in bob_summary.items}
    assert ann_ids == {records[0][0]}
    assert records[0][0] not in bob_ids and records[1][0] in bob_ids and len(bob_ids) == 2
    # Bob's import of Odo is a new record for Bob, not a duplicate of Ann's
    assert [i.outcome for i in bob_summary.items] == ["created", "created"]
    assert {(a, c) for a, c in imported} == {("ann@agency.test", records[0][0]),
                                             *(("bob@other.test", c) for c in bob_ids)}
