"""Who is who, through the real pipeline: merges need proof, suspicions become possible
duplicates with their evidence, a merge can be split, and a recruiter only touches their own."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from sqlalchemy import select

from pipeline.identity import IdentityError, list_links, merge, merge_link, split
from storage.models import AuditEvent, Candidate, CandidateLink, Resume
from tests.integration.pipeline_harness import Harness
from tests.resumes import namesakes, person_pdf

pytestmark = [pytest.mark.redis, pytest.mark.postgres]

ANN = "ann@agency.test"


def _candidates(h: Harness) -> list[Candidate]:
    with h.services.db.session() as session:
        return list(session.scalars(select(Candidate).order_by(Candidate.id)))


def _links(h: Harness) -> list[CandidateLink]:
    with h.services.db.session() as session:
        return list(session.scalars(select(CandidateLink).order_by(CandidateLink.id)))


def _holder(h: Harness, batch_id: int) -> dict[str, int | None]:
    return {r.filename: r.candidate_id for r in h.resumes(batch_id)}


def test_merges_need_proof_and_weaker_resemblance_is_a_possible_duplicate(
        harness: Harness) -> None:
    h = harness
    batch = h.submit({
        # junk "names" (a heading, a skill) and the placeholder employer: nothing in common
        "junk1.pdf": person_pdf("Skill Highlights", company="Company Name"),
        "junk2.pdf": person_pdf("Skill Highlights", company="Company Name",
                                title="Cashier", dates="May 2012 - Jun 2014"),
        "junk3.pdf": person_pdf("Microsoft Office", company="Company Name"),
        # one person: the same email on two different versions
        "mail1.pdf": person_pdf("Omar Haddad", email="omar@example.com", title="Java Developer",
                                company="Initech", dates="Feb 2016 - Present"),
        "mail2.pdf": person_pdf("O. Haddad", email="Omar@Example.com", title="Java Engineer",
                                company="Globex", dates="Feb 2010 - Jan 2016"),
        # one person: the same phone
        "tel1.pdf": person_pdf("Lena Vogel", phone="+49 30 1234567", title="Accountant",
                               company="Hooli"),
        "tel2.pdf": person_pdf("Lena Vogel", phone="+49 30 1234567", title="Senior Accountant",
                               company="Umbrella", dates="Mar 2021 - Present"),
        # one person: a confident name and two facts (employer and title), no contact twice
        "name1.pdf": person_pdf("Priya Raman", email="priya@example.com", title="Data Engineer",
                                company="Vandelay Industries", dates="Mar 2017 - Present"),
        "name2.pdf": person_pdf("Priya Raman", title="Data Engineer",
                                company="Vandelay Industries", dates="Jan 2018 - Present",
                                school="University of York"),
        # the same confident name and nothing else: maybe one person, maybe two
        "twin1.pdf": person_pdf("Daniel Kim", email="dkim@example.com", title="Nurse",
                                company="Mercy Hospital", dates="Jan 2015 - Present",
                                school="University of Bristol"),
        "twin2.pdf": person_pdf("Daniel Kim", email="daniel.kim@example.org",
                                title="Welder", company="Acme Metals",
                                dates="Jun 2009 - Present", school="University of Leeds"),
    }, by=ANN)
    h.run_burst_worker()
    assert h.wait_batch_done(batch.id).parsed == 11
    holder = _holder(h, batch.id)
    assert len({holder["junk1.pdf"], holder["junk2.pdf"], holder["junk3.pdf"]}) == 3
    assert holder["mail1.pdf"] == holder["mail2.pdf"]
    assert holder["tel1.pdf"] == holder["tel2.pdf"]
    assert holder["name1.pdf"] == holder["name2.pdf"]
    assert holder["twin1.pdf"] != holder["twin2.pdf"]
    assert len(_candidates(h)) == 11 - 3

    links = _links(h)
    merged = {tuple(link.resume_ids): link for link in links if link.status == "merged"}
    ids = {r.filename: r.id for r in h.resumes(batch.id)}
    assert merged[(ids["mail2.pdf"],)].evidence["same"] == ["email"]
    assert merged[(ids["tel2.pdf"],)].evidence["same"] == ["phone"]
    name_proof = merged[(ids["name2.pdf"],)].evidence
    assert name_proof["same"][:3] == ["name", "company", "title"]
    assert name_proof["values"]["company"] == "industries vandelay"
    possible = [link for link in links if link.status == "possible"]
    assert len(possible) == 1  # the junk names raised no suspicion at all
    twin = possible[0]
    assert {twin.candidate_id, twin.other_id} == {holder["twin1.pdf"], holder["twin2.pdf"]}
    assert twin.evidence["same"] == ["name"] and twin.evidence["differs"] == ["email"]

    views = list_links(h.services.db, ANN)
    assert [v.id for v in views] == [twin.id]
    assert views[0].evidence == "same name; different email"
    assert list_links(h.services.db, None, status="merged")[0].status == "merged"


def test_merge_then_split_restores_both_from_their_resumes(harness: Harness) -> None:
    h = harness
    batch = h.submit({
        "a.pdf": person_pdf("Daniel Kim", email="dkim@example.com", title="Nurse",
                            company="Mercy Hospital", skills="Patient Care, Triage"),
        "b.pdf": person_pdf("Daniel Kim", email="daniel.kim@example.org", title="Welder",
                            company="Acme Metals", dates="Jun 2009 - Present",
                            school="University of Bristol", skills="Welding, AutoCAD"),
    }, by=ANN)
    other = h.submit({"c.pdf": person_pdf("Mia Wong", email="mia@example.com")},
                     by="bob@agency.test")
    h.run_burst_worker()
    h.wait_batch_done(batch.id)
    h.wait_batch_done(other.id)
    holder = _holder(h, batch.id)
    [link] = [x for x in _links(h) if x.status == "possible"]
    db = h.services.db
    reindexed: list[list[int]] = []

    with pytest.raises(IdentityError, match="no duplicate link"):  # not Bob's to merge
        merge_link(db, link.id, owner="bob@agency.test", actor="bob", source="cli")
    with pytest.raises(IdentityError, match="no candidate"):
        merge(db, holder["a.pdf"] or 0, _holder(h, other.id)["c.pdf"] or 0, owner=ANN,
              actor=ANN, source="cli")
    with pytest.raises(IdentityError, match="different recruiters"):  # not even an operator
        merge(db, holder["a.pdf"] or 0, _holder(h, other.id)["c.pdf"] or 0, owner=None,
              actor="cli:op", source="cli")

    done = merge_link(db, link.id, owner=ANN, actor=ANN, source="cli",
                      reindex=reindexed.append)
    kept = holder["a.pdf"]
    assert done.kept == kept and reindexed == [[kept]]
    assert {r.candidate_id for r in h.resumes(batch.id)} == {kept}
    [merged] = [c for c in _candidates(h) if c.id == kept]
    assert merged.latest_title == "Welder"  # the newer resume wins
    assert len(_candidates(h)) == 2  # Ann's one, Bob's one
    with db.session() as session:
        moved = session.get(CandidateLink, done.link_id)
        assert moved is not None and moved.status == "merged"
        assert moved.resume_ids == [r.id for r in h.resumes(batch.id) if r.filename == "b.pdf"]

    restored = split(db, done.link_id, owner=ANN, actor=ANN, source="cli",
                     reindex=reindexed.append)
    after = {c.id: c for c in _candidates(h)}
    assert restored.other is not None and set(after) == {kept, restored.other,
                                                         _holder(h, other.id)["c.pdf"]}
    first, second = after[kept], after[restored.other]
    assert (first.latest_title, first.email) == ("Nurse", "dkim@example.com")
    assert (second.latest_title, second.email) == ("Welder", "daniel.kim@example.org")
    assert "AutoCAD" in second.data["skills"] and "AutoCAD" not in first.data["skills"]
    assert _holder(h, batch.id) == {"a.pdf": kept, "b.pdf": restored.other}
    with pytest.raises(IdentityError, match="not a merge"):
        split(db, done.link_id, owner=ANN, actor=ANN, source="cli")
    with db.session() as session:
        actions = list(session.scalars(select(AuditEvent.action).where(
            AuditEvent.action.in_(("merged", "split"))).order_by(AuditEvent.id)))
    assert actions == ["merged", "split"]
    # split pairs are different people: nothing to review
    assert list_links(db, ANN) == []


def test_not_the_same_person_closes_the_suspicion(harness: Harness) -> None:
    h = harness
    batch = h.submit(namesakes(), by=ANN)
    nameless = person_pdf("Skill Highlights", company="Company Name")  # no contact, no name
    first = h.submit({"nameless.pdf": nameless}, by=ANN)
    h.run_burst_worker()
    h.wait_batch_done(batch.id)
    # the same file again proves itself, though nothing in it identifies anyone
    again = h.submit({"nameless-again.pdf": nameless}, by=ANN)
    h.run_burst_worker()
    [before], [after] = h.resumes(first.id), h.resumes(h.wait_batch_done(again.id).id)
    assert (after.candidate_id, after.outcome) == (before.candidate_id, "duplicate")
    def cli(*args: str, code: int = 0) -> str:
        done = subprocess.run([sys.executable, "-m", "hotgigs", "duplicates", *args],
                              env=h.env(), capture_output=True, text=True, timeout=120)
        assert done.returncode == code, done.stderr
        return done.stdout + done.stderr

    [link] = json.loads(cli("list", "--owner", ANN, "--json"))
    assert link["evidence"] == "same name; different email" and link["status"] == "possible"
    assert "no recruiter bob@agency.test" in cli("list", "--owner", "bob@agency.test", code=2)
    assert "no duplicate link" in cli("not-same", str(link["id"]), "--owner", "bob@agency.test",
                                      code=2)
    assert "different people" in cli("not-same", str(link["id"]), "--owner", ANN)
    assert list_links(h.services.db, ANN) == []
    assert [v.status for v in list_links(h.services.db, ANN, status=None)] == ["distinct"]
    with h.services.db.session() as session:
        assert len(set(session.scalars(select(Resume.candidate_id)))) == 3


def test_admin_dashboard_lists_and_merges_possible_duplicates(harness: Harness) -> None:
    from tests.integration.http_support import TOKEN, http_server, request, with_token

    h = harness
    batch = h.submit(namesakes(), by=ANN)
    h.run_burst_worker()
    h.wait_batch_done(batch.id)
    [link] = list_links(h.services.db, ANN)
    bearer = {"Authorization": f"Bearer {TOKEN}"}
    with http_server(with_token(h, TOKEN)) as port:
        assert request(port, "GET", "/admin/duplicates")[0] == 401
        status, _, page = request(port, "GET", "/admin/duplicates", headers=bearer)
        assert status == 200 and "same name; different email" in page.decode()
        assert f'value="merge-{link.id}"' in page.decode()
        status, _, page = request(port, "GET", f"/admin/candidate?id={link.candidate_id}",
                                  headers=bearer)
        assert status == 200 and f'value="not-same-{link.id}"' in page.decode()
        status, _, page = request(port, "POST", "/admin/duplicates", headers=bearer,
                                  form={"link": str(link.id), "action": "merge"})
        assert status == 200 and "merged candidate" in page.decode()
        assert len({r.candidate_id for r in h.resumes(batch.id)}) == 1
        [merge_view] = list_links(h.services.db, None, status="merged")
        status, _, page = request(port, "GET", "/admin/duplicates?status=merged",
                                  headers=bearer)
        assert f'value="split-{merge_view.id}"' in page.decode()
        status, _, _ = request(port, "POST", "/admin/duplicates", headers=bearer,
                               form={"link": str(merge_view.id), "action": "split"})
        assert status == 200 and len({r.candidate_id for r in h.resumes(batch.id)}) == 2
        assert request(port, "POST", "/admin/duplicates", headers=bearer,
                       form={"link": str(merge_view.id), "action": "split"})[0] == 409
