"""Matching against a real database (SQLite and PostgreSQL): pre-filter, ranking, storage."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from hotgigs.bootstrap import Services
from matching import (
    close_job,
    create_job,
    find_matches,
    find_matches_many,
    match_job,
    matches_hook,
    top_matches,
)
from matching.index import corpus_stats, index_candidate, index_candidates
from matching.jobs import analysis_of
from matching.rank import query_weights, score_candidate, shortlist
from matching.score import Match
from storage.db import Database
from storage.models import (
    Candidate,
    CandidateMatch,
    CandidateProfile,
    CandidateSkill,
    Job,
    TermStat,
)
from storage.recruiters import recruiter_for

JD = ("Requirements:\n- 3+ years of experience\n- Python, SQL, Docker\n"
      "Nice to have: Kubernetes\nYou will build payment services.")


def add_candidate(session: Any, name: str, title: str, skills: list[str], description: str,
                  *, owner_id: int | None = None, start: str = "2018-01",
                  index: bool = True) -> int:
    """A parsed candidate; `index=False` leaves matching to the code under test."""
    data = {"name": name, "summary": f"{title}.", "skills": skills,
            "experience": [{"title": title, "company": "Acme", "start_date": start,
                            "end_date": "present", "description": description}]}
    cand = Candidate(name=name, owner_id=owner_id, latest_title=title, data=data)
    session.add(cand)
    session.flush()
    for skill in skills:
        session.add(CandidateSkill(candidate_id=cand.id, skill=skill))
    session.flush()
    if index:
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
        analysis = analysis_of(job)
        docs, _, dfs = corpus_stats(session, analysis.terms)
        found = shortlist(session, analysis, None, query_weights(analysis, docs, dfs))
        assert docs == len(ids)
        # no taxonomy skill in this job: the short-list index (profile_keys words) found the chef
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


TODAY = date(2025, 6, 1)


@contextmanager
def discarded(services: Services) -> Iterator[Session]:
    """A transaction rolled back at the end: to run two ways from one committed state."""
    session = Session(services.db.engine)
    try:
        yield session
    finally:
        session.rollback()
        session.close()


def corpus(session: Session) -> tuple[dict[str, int], dict[int, tuple[Any, ...]]]:
    """Every term_stats row (zero rows too) and every profile, to compare two runs exactly."""
    stats = {str(t): int(df) for t, df in session.execute(select(TermStat.term, TermStat.df))}
    profiles = {p.candidate_id: (p.owner_id, p.titles, p.years, p.skills, p.location, p.doc,
                                 p.terms, p.doc_len)
                for p in session.scalars(select(CandidateProfile))}
    return stats, profiles


def test_index_candidates_equals_indexing_one_by_one(services: Services) -> None:
    with services.db.session() as session:
        ann = recruiter_for(session, "ann@agency.test").id
        old = add_candidate(session, "Ann Old", "Backend Engineer", ["Python", "PostgreSQL"],
                            "Built payment services in Python on PostgreSQL.")
        add_candidate(session, "Cat Chef", "Pastry Chef", [], "Baked bread and pastries.")
        new = add_candidate(session, "Ned New", "Data Engineer", ["Python", "Apache Airflow"],
                            "Pipelines in Airflow.", owner_id=ann, index=False)
        other = add_candidate(session, "Ola Other", "Data Engineer", ["SQL"],
                              "Warehouse pipelines.", index=False)
        # a re-parse of `old`: new words, one skill gone, one added
        cand = session.get(Candidate, old)
        assert cand is not None
        cand.data = {**cand.data, "experience": [
            {"title": "Data Engineer", "company": "Acme", "start_date": "2016-01",
             "end_date": "present", "description": "Pipelines in Airflow and Python."}]}
        cand.latest_title = "Data Engineer"
        session.execute(delete(CandidateSkill).where(CandidateSkill.candidate_id == old,
                                                     CandidateSkill.skill == "PostgreSQL"))
        session.add(CandidateSkill(candidate_id=old, skill="Apache Airflow"))
    chunk = [new, old, other, new, 999_999]  # a repeat, and an id erased meanwhile
    with discarded(services) as session:
        for cid in chunk:
            index_candidate(session, cid, today=TODAY)
        one_by_one = corpus(session)
    with discarded(services) as session:
        profiles = index_candidates(session, chunk, today=TODAY)
        assert list(profiles) == [new, old, other]
        assert profiles[old].skills == {"Python": 2025, "Apache Airflow": 2025}
        batched = corpus(session)
    assert batched == one_by_one
    stats, stored = batched
    assert stats["#docs"] == 4
    assert stats["#len"] == sum(p[-1] for p in stored.values())
    assert stats["pipelin"] == 3  # new, other and the re-parsed old
    assert stats["payment"] == 0  # only old's former text had it
    assert stats["postgresql"] == 0


def test_index_candidates_merges_terms_cut_to_the_same_stored_term(services: Services) -> None:
    """Two long words sharing their first 100 letters share one term_stats row."""
    long_a, long_b = "x" * 100 + "alpha", "x" * 100 + "beta"
    with services.db.session() as session:
        first = add_candidate(session, "A", "Clerk", [], f"Filed {long_a}.", index=False)
        second = add_candidate(session, "B", "Clerk", [], f"Filed {long_b}.", index=False)
        assert set(index_candidates(session, [first, second])) == {first, second}
        assert corpus_stats(session, ["x" * 100, "filed"])[2] == {"x" * 100: 2, "filed": 2}


def reference_matches(session: Session, candidate_id: int, top: int) -> list[tuple[int, Match]]:
    """Yesterday's per-candidate scoring (one job at a time, from scratch), best first."""
    owner = session.scalar(select(Candidate.owner_id).where(Candidate.id == candidate_id))
    scored = []
    for job in session.scalars(select(Job).where(Job.status == "open")):
        if job.owner_id is None or job.owner_id == owner:
            match = score_candidate(session, analysis_of(job), candidate_id)
            assert match is not None
            scored.append((job.id, match))
    scored.sort(key=lambda pair: (-pair[1].score, pair[0]))
    return scored[:top]


def stored(session: Session, candidate_id: int) -> list[tuple[int, float]]:
    rows = session.execute(select(CandidateMatch.job_id, CandidateMatch.score).where(
        CandidateMatch.candidate_id == candidate_id)
        .order_by(CandidateMatch.score.desc(), CandidateMatch.job_id)).all()
    return [(int(job), float(sc)) for job, sc in rows]


def test_find_matches_many_equals_scoring_one_by_one_after_indexing(services: Services) -> None:
    with services.db.session() as session:
        ann = recruiter_for(session, "ann@agency.test").id
        bob = recruiter_for(session, "bob@agency.test").id
        populate(session)
        jobs = {
            "backend": create_job(session, title="Backend Engineer", description=JD).id,
            "chef": create_job(session, title="Pastry Chef", description="Bread and pastries.").id,
            "ann": create_job(session, title="Data Engineer", owner_id=ann,
                              description="Requirements: Python, SQL, Airflow.").id,
            "bob": create_job(session, title="Data Engineer", owner_id=bob,
                              description="Requirements: Python, SQL, Airflow.").id,
        }
        closing = create_job(session, title="Backend Developer", description=JD)
        ann_c = add_candidate(session, "Ann C", "Backend Engineer", ["Python", "SQL", "Docker"],
                              "Payment services.", owner_id=ann, index=False)
        bob_c = add_candidate(session, "Bob C", "Data Engineer", ["Python", "Apache Airflow"],
                              "Pipelines in Airflow.", owner_id=bob, index=False)
        free_c = add_candidate(session, "Fay C", "Baker", [], "Bread and pastries.",
                               index=False)
        stale = add_candidate(session, "Sam Stale", "Backend Developer", ["Python"], "APIs.")
        outsider = add_candidate(session, "Out Sider", "Backend Developer", ["SQL"], "Reports.")
        find_matches(session, stale)
        find_matches(session, outsider)
        close_job(session, closing)
        outsider_rows = stored(session, outsider)
        assert closing.id in {job for job, _ in stored(session, stale)}
    chunk = [ann_c, bob_c, free_c, stale, 999_999]
    with discarded(services) as session:
        found = find_matches_many(session, chunk, top=2)
        expected = {cid: reference_matches(session, cid, 2) for cid in chunk[:-1]}
        assert set(found) == set(expected)
        for cid, pairs in expected.items():
            assert found[cid] == [m for _, m in pairs]
            assert stored(session, cid) == [(job, m.score) for job, m in pairs]
        assert stored(session, outsider) == outsider_rows  # not in the chunk: untouched
        ann_jobs = [job for job, _ in stored(session, ann_c)]
        bob_jobs = {job for job, _ in stored(session, bob_c)}
        free_jobs = {job for job, _ in stored(session, free_c)}
        stale_jobs = {job for job, _ in stored(session, stale)}
    assert ann_jobs[0] == jobs["backend"] and jobs["bob"] not in ann_jobs
    assert "3/3 required skills" in found[ann_c][0].explanation["summary"]
    assert jobs["bob"] in bob_jobs and jobs["ann"] not in bob_jobs
    assert free_jobs <= {jobs["backend"], jobs["chef"]} and jobs["chef"] in free_jobs
    assert closing.id not in stale_jobs and len(stale_jobs) == 2


def test_matches_hook_matches_a_chunk(services: Services, caplog: pytest.LogCaptureFixture
                                      ) -> None:
    with services.db.session() as session:
        backend = create_job(session, title="Backend Engineer", description=JD).id
        a = add_candidate(session, "Ann Hook", "Backend Engineer", ["Python", "SQL", "Docker"],
                          "Payment services.", index=False)
        b = add_candidate(session, "Ben Hook", "Pastry Chef", [], "Bread.", index=False)
    caplog.set_level(logging.INFO, logger="matching.jobs")
    matches_hook(services.db)([a, b, a])
    with services.db.session() as session:
        assert [job for job, _ in stored(session, a)] == [backend]
        assert [job for job, _ in stored(session, b)] == [backend]
        assert stored(session, a)[0][1] > stored(session, b)[0][1]
        assert corpus_stats(session, [])[0] == 2
    assert f"candidates {a},{b}: 2 job matches stored for 2 of 2 candidates" in caplog.text
    assert "Hook" not in caplog.text


def test_matches_hook_failure_is_logged_not_raised(
        services: Services, caplog: pytest.LogCaptureFixture, tmp_path: Path) -> None:
    with services.db.session() as session:
        a = add_candidate(session, "Ann Fail", "Backend Engineer", ["Python"], "APIs.",
                          index=False)
    # a database without the matching tables: every step of matching fails for real
    broken = Database(f"sqlite:///{tmp_path / 'never-migrated.db'}")
    try:
        matches_hook(broken)([a])  # does not raise: the parse is already saved
    finally:
        broken.dispose()
    assert f"candidates {a}: matching failed" in caplog.text
    assert "no such table" in caplog.text
    with services.db.session() as session:  # the real database is untouched
        assert session.get(Candidate, a) is not None
        assert session.get(CandidateProfile, a) is None
