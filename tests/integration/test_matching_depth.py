"""Ranking through the database (SQLite and PostgreSQL) where skill depth and recency decide.

The candidates share title, skills and words; only the dates of the roles that use the
skills differ. They are found through `profile_keys` (the short-list index) and ranked by
`match_job`, for a described job and for the same job given only as a skill list.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from hotgigs.bootstrap import Services
from matching import create_job, match_job
from matching.index import index_candidates
from storage.models import Candidate, CandidateSkill, ProfileKey
from tests.integration.candidate_rows import Role, add_candidate

SKILLS = ["Python", "PostgreSQL", "Docker"]
TEXT = "Built payment services in Python on PostgreSQL, shipped in Docker."


def add(session: Any, name: str, roles: list[Role], *, title: str = "Backend Engineer",
        skills: list[str] = SKILLS) -> int:
    return add_candidate(session, name, roles, title=title, skills=skills)


def populate(session: Any) -> dict[str, int]:
    ids = {
        "short": add(session, "Short Use", [("2025-01", "present", TEXT)]),
        "deep": add(session, "Deep Use", [("2016-01", "present", TEXT)]),
        "old": add(session, "Old Use", [("2005-01", "2014-12", TEXT),
                                        ("2015-01", "present", "Led a sales team.")]),
        "listed": add(session, "Listed Only", [("2016-01", "present", "Led a sales team.")]),
    }
    for n in range(12):  # others the short list must leave out
        ids[f"noise{n}"] = add(session, f"Gardener {n}", [("2019-01", "present",
                                                          "Mowed lawns.")],
                               title="Gardener", skills=[])
    index_candidates(session, list(ids.values()))
    return ids


def test_depth_and_recency_decide_through_match_job(services: Services) -> None:
    with services.db.session() as session:
        ids = populate(session)
        job = create_job(session, title="Backend Engineer",
                         description="Requirements: Python, PostgreSQL, Docker.")
        described = [m.candidate_id for m in match_job(session, job, top=4)]
        listed = [m.candidate_id for m in match_job(
            session, "Required skills: Python, PostgreSQL, Docker", top=4)]
    order = [ids["deep"], ids["short"], ids["old"], ids["listed"]]
    assert described == order
    assert listed == order


def test_profile_keys_follow_reindexing_and_erasure(services: Services) -> None:
    with services.db.session() as session:
        ids = populate(session)
        keys = dict(session.execute(select(ProfileKey.key, ProfileKey.impact).where(
            ProfileKey.candidate_id == ids["deep"])).all())
        assert {"s:Python", "s:PostgreSQL", "s:Docker", "w:backend"} <= set(keys)
        assert keys["s:Python"] > dict(session.execute(
            select(ProfileKey.key, ProfileKey.impact).where(
                ProfileKey.candidate_id == ids["listed"])).all())["s:Python"]
        cand = session.get(Candidate, ids["deep"])
        assert cand is not None
        cand.data = {**cand.data, "skills": []}
        session.execute(CandidateSkill.__table__.delete().where(
            CandidateSkill.candidate_id == ids["deep"]))
        index_candidates(session, [ids["deep"]])
        left = set(session.scalars(select(ProfileKey.key).where(
            ProfileKey.candidate_id == ids["deep"])))
        # skills found in the role text stay (with their depth); none listed is gone twice
        assert "s:Python" in left and len(left) == len(set(left))
        session.delete(cand)
        session.flush()
        assert session.scalar(select(ProfileKey.key).where(
            ProfileKey.candidate_id == ids["deep"])) is None


def _profile_before_0009(url: str) -> None:
    """A candidate indexed by the matching of revision 0008 (no fields, evidence or keys)."""
    from sqlalchemy import text

    from storage.db import make_engine

    engine = make_engine(url)
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO candidates (id, name, latest_title, data, created_at, "
                          "updated_at) VALUES (1, 'Old Profile', 'Accountant', '{}', "
                          "CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"))
        conn.execute(text("INSERT INTO candidate_skills (candidate_id, skill) "
                          "VALUES (1, 'QuickBooks')"))
        conn.execute(text(
            "INSERT INTO candidate_profiles (candidate_id, titles, years, skills, doc, terms, "
            "doc_len, updated_at) VALUES (1, '[\"Accountant\"]', 5, '{\"QuickBooks\": 2025}', "
            "'Accountant. Ledger and QuickBooks.', '{\"account\": 1, \"ledger\": 1, "
            "\"quickbook\": 1}', 3, CURRENT_TIMESTAMP)"))
        conn.execute(text("INSERT INTO term_stats (term, df) VALUES ('#docs', 1), "
                          "('#len', 3), ('account', 1), ('ledger', 1), ('quickbook', 1)"))
    engine.dispose()


def test_migration_gives_existing_profiles_their_keys(tmp_path: Any, empty_pg_url: str) -> None:
    from storage.db import Database, upgrade

    for url in (f"sqlite:///{tmp_path / 'old.sqlite3'}", empty_pg_url):
        upgrade(url, "0008_email_proof")
        _profile_before_0009(url)
        upgrade(url)
        db = Database(url)
        try:
            with db.session() as session:
                keys = set(session.scalars(select(ProfileKey.key)))
                assert keys == {"s:QuickBooks", "w:account", "w:ledger", "w:quickbook"}
                found = match_job(session, "Accountant\nQuickBooks and ledgers", top=3)
                assert [m.candidate_id for m in found] == [1]
        finally:
            db.dispose()
