"""Matching against a real database (SQLite and PostgreSQL): pre-filter, ranking, storage."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from hotgigs.bootstrap import Services
from matching import create_job, find_matches, match_job, top_matches
from matching.index import corpus_stats, index_candidate
from matching.rank import query_weights, shortlist
from pipeline.intake import recruiter_for
from storage.models import Candidate, CandidateMatch, CandidateSkill

JD = ("Requirements:\n- 3+ years of experience\n- Python, SQL, Docker\n"
      "Nice to have: Kubernetes\nYou will build payment services.")


def add_candidate(session: Any, name: str, title: str, skills: list[str], description: str,
                  *, owner_id: int | None = None, start: str = "2018-01") -> int:
    data = {"name": name, "summary": f"{title}.", "skills": skills,
            "experience": [{"title": title, "company": "Acme", "start_date": start,
                            "end_date": "present", "description": description}]}
    cand = Candidate(name=name, owner_id=owner_id, latest_title=title, data=data)
    session.add(cand)
    session.flush()
    for skill in skills:
        session.add(CandidateSkill(candidate_id=cand.id, skill=skill))
    session.flush()
    index_candidate(session, cand.id)
    return cand.id


def populate(session: Any, owner_id: int | None = None) -> dict[str, int]:
    ids = {
        "best": add_candidate(session, "Ann Best", "Backend Engineer",
                              ["Python", "SQL", "PostgreSQL", "Docker", "Kubernetes"],
                              "Built payment services in Python on PostgreSQL.", owner_id=owner_id),
        "related": add_candidate(session, "Ben Related", "Backend Developer",
                                 ["Python", "MySQL", "Docker"], "Python APIs.", owner_id=owner_id),
        "chef": add_candidate(session, "Cat Chef", "Pastry Chef", [],
                              "Baked bread and pastries for a busy restaurant.",
                              owner_id=owner_id),
    }
    for n in range(12):  # noise the pre-filter must not need to load
        ids[f"noise{n}"] = add_candidate(session, f"Noise {n}", "Gardener", [],
                                         "Mowed lawns and planted hedges.", owner_id=owner_id)
    return ids


def test_match_job_ranks_with_reasons(services: Services) -> None:
    with services.db.session() as session:
        ids = populate(session)
        job = create_job(session, title="Backend Engineer", description=JD, remote=True)
        matches = match_job(session, job, top=3)
    assert [m.candidate_id for m in matches[:2]] == [ids["best"], ids["related"]]
    assert matches[0].score > matches[1].score > 0
    assert "3/3 required skills" in matches[0].explanation["summary"]
    assert "missing SQL" not in matches[1].explanation["summary"]  # MySQL is related
    assert "(+1 related)" in matches[1].explanation["summary"]
    assert matches[1].explanation["required"]["partial"] == [{"skill": "SQL", "via": "MySQL"}]


def test_prefilter_shortlists_in_the_database(services: Services) -> None:
    with services.db.session() as session:
        ids = populate(session)
        job = create_job(session, title="Pastry Chef", description="We bake bread and pastries.")
        from matching.jobs import analysis_of

        analysis = analysis_of(job)
        docs, _, dfs = corpus_stats(session, analysis.terms)
        found = shortlist(session, analysis, None, query_weights(analysis, docs, dfs))
        assert docs == len(ids)
        # no taxonomy skill in this job: the full-text index (tsvector / FTS5) found the chef
        assert found == [ids["chef"]]
        assert match_job(session, job, top=5)[0].candidate_id == ids["chef"]


def test_free_text_match(services: Services) -> None:
    with services.db.session() as session:
        ids = populate(session)
        matches = match_job(session, "Payments engineer\nPython, PostgreSQL and Docker",
                            top=2)
    assert matches[0].candidate_id == ids["best"]
    assert "Python" in matches[0].explanation["required"]["matched"]


def test_job_with_no_candidates(services: Services) -> None:
    with services.db.session() as session:
        job = create_job(session, title="Backend Engineer", description=JD)
        assert match_job(session, job, top=10) == []
        populate(session)
        assert match_job(session, "Underwater basket weaving instructor", top=10) == []


def test_owner_sees_only_their_candidates(services: Services) -> None:
    with services.db.session() as session:
        ann = recruiter_for(session, "ann@agency.test").id
        bob = recruiter_for(session, "bob@agency.test").id
        ann_ids = populate(session, owner_id=ann)
        bob_ids = populate(session, owner_id=bob)
        job = create_job(session, title="Backend Engineer", description=JD, owner_id=ann)
        seen = {m.candidate_id for m in match_job(session, job, top=50)}
        assert seen and seen <= set(ann_ids.values())
        free = {m.candidate_id for m in match_job(session, JD, top=50, owner_id=bob)}
        assert free and free <= set(bob_ids.values())


def test_find_matches_stores_top_jobs_and_reindexes(services: Services) -> None:
    with services.db.session() as session:
        backend = create_job(session, title="Backend Engineer", description=JD)
        chef = create_job(session, title="Pastry Chef", description="Bread and pastries.")
        cid = add_candidate(session, "Dan", "Backend Engineer", ["Python", "Docker"],
                            "Python services.")
        found = find_matches(session, cid)
        assert [m.score for m in found] == sorted((m.score for m in found), reverse=True)
        rows = session.scalars(select(CandidateMatch).where(
            CandidateMatch.candidate_id == cid)).all()
        assert {r.job_id for r in rows} == {backend.id, chef.id}
        best = top_matches(session, cid)
        assert best[0]["slug"] == backend.slug and best[0]["reason"]
        # a re-parse changes the document: word statistics follow, nothing counted twice
        docs_before = corpus_stats(session, [])[0]
        index_candidate(session, cid)
        assert corpus_stats(session, [])[0] == docs_before
        assert corpus_stats(session, ["python"])[2]["python"] == 1
