"""Jobs given only as a skill list, ranked through the database (SQLite and PostgreSQL).

Two candidates hold the same skills with the same depth; one is an accountant, one a nurse.
Among the candidates, Yardi sits with accountants, so for "Required skills: Yardi, Excel" the
occupation the skills point at (`matching.skill_occupations`) puts the accountant first,
where skill coverage alone ties them. The counts behind it follow indexing, re-indexing,
erasure and the migration that creates them.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from sqlalchemy import select

from hotgigs.bootstrap import Services
from matching import create_job, find_matches_many, match_job
from matching.index import index_candidates
from matching.skill_occupations import ALL, counts_of
from storage.models import Candidate, CandidateProfile, SkillOccupation
from storage.privacy import forget_profiles
from tests.integration.candidate_rows import add_candidate

ACCOUNTANTS = "13-2011.00"
NURSES = "29-1141.00"
JOB = "Required skills: Yardi, Excel"


def add(session: Any, name: str, title: str, skills: list[str], text: str) -> int:
    return add_candidate(session, name, [("2018-01", "present", text)], title=title,
                         skills=skills)


def populate(session: Any) -> dict[str, int]:
    """The two look-alikes first (the nurse with the lower id wins a tie), then the others."""
    same = "Kept records in Yardi and Excel."
    ids = {"nurse": add(session, "Nia Nurse", "Registered Nurse", ["Yardi", "Excel"], same),
           "accountant": add(session, "Abe Accountant", "Staff Accountant", ["Yardi", "Excel"],
                             same)}
    for n in range(4):
        ids[f"accountant{n}"] = add(session, f"Accountant {n}", "Staff Accountant",
                                    ["Yardi", "Excel", "Accounting"],
                                    "Closed the books in Yardi; reconciliations in Excel.")
        ids[f"nurse{n}"] = add(session, f"Nurse {n}", "Registered Nurse", ["Excel", "Nursing"],
                               "Cared for patients on the ward; rotas in Excel.")
    index_candidates(session, list(ids.values()))
    return ids


def stored_counts(session: Any) -> dict[tuple[str, str], int]:
    """The non-zero counts (re-indexing may leave a row at zero, as term_stats does)."""
    return {(s, o): n for s, o, n in session.execute(
        select(SkillOccupation.skill, SkillOccupation.occupation, SkillOccupation.n)) if n}


def test_the_occupation_a_skill_list_points_at_decides_the_order(services: Services) -> None:
    with services.db.session() as session:
        ids = populate(session)
        ranked = match_job(session, JOB, top=10)
        order = [m.candidate_id for m in ranked]
        accountants = {ids["accountant"], *(ids[f"accountant{n}"] for n in range(4))}
        # every accountant before the nurse with the very same skills
        assert set(order[:5]) == accountants
        assert order.index(ids["accountant"]) < order.index(ids["nurse"])
        best = ranked[order.index(ids["accountant"])]
        assert best.explanation["occupation"] == {"job": ACCOUNTANTS, "candidate": ACCOUNTANTS}
        assert best.explanation["parts"]["occupation"]["score"] == 1.0
        assert ranked[order.index(ids["nurse"])].explanation["parts"]["occupation"][
            "score"] == 0.0

        # a saved skill-list job, and the candidates' own best jobs, agree with match_job
        job = create_job(session, title="", description=JOB)
        assert not job.analysis.get("occupation") and "inferred" not in job.analysis
        found = find_matches_many(session, [ids["nurse"], ids["accountant"]])
        scores = {cid: next(m.score for m in found[cid]) for cid in found}
        assert scores[ids["accountant"]] > scores[ids["nurse"]]
        assert scores[ids["accountant"]] == best.score


def expected_counts(session: Any) -> Counter[tuple[str, str]]:
    """What the stored profiles count in, computed from them one by one."""
    out: Counter[tuple[str, str]] = Counter()
    for skills, evidence in session.execute(
            select(CandidateProfile.skills, CandidateProfile.evidence)):
        out.update(counts_of(skills, evidence.get("occupations") or [],
                             evidence.get("title_words") or []))
    return out


def test_counts_follow_indexing_reindexing_and_erasure(services: Services) -> None:
    with services.db.session() as session:
        ids = populate(session)
        counts = stored_counts(session)
        assert counts == expected_counts(session)
        assert counts[(ALL, ALL)] == 10 and counts[(ALL, ACCOUNTANTS)] == 5
        assert counts[("Yardi", ALL)] == 6 and counts[("Yardi", ACCOUNTANTS)] == 5
        # "Registered Nurse" names Nursing in every nurse's role title
        assert counts[("Yardi", NURSES)] == 1 and counts[("Nursing", NURSES)] == 5
        # and each role word of the latest title ("Staff" is a level word, left out)
        assert counts[(ALL, "t:account")] == 5 and counts[("Yardi", "t:account")] == 5
        assert counts[("Nursing", "t:nurse")] == 5 and (ALL, "t:staff") not in counts

        # the nurse retrains: re-indexing moves her counts, it never adds a candidate
        cand = session.get(Candidate, ids["nurse"])
        assert cand is not None
        cand.latest_title = "Staff Accountant"
        cand.data = {**cand.data, "experience": [{**cand.data["experience"][0],
                                                  "title": "Staff Accountant"}]}
        index_candidates(session, [ids["nurse"]])
        index_candidates(session, [ids["nurse"]])  # twice: nothing changes the second time
        counts = stored_counts(session)
        assert counts == expected_counts(session)
        assert counts[(ALL, ALL)] == 10 and counts[(ALL, ACCOUNTANTS)] == 6
        assert ("Yardi", NURSES) not in counts
        assert counts[(ALL, "t:account")] == 6 and ("Yardi", "t:nurse") not in counts

        # erasure takes the profiles out; rows that fall to zero are gone
        gone = {ids["nurse"], *(ids[f"nurse{n}"] for n in range(4))}
        forget_profiles(session, gone)
        counts = stored_counts(session)
        assert counts[(ALL, ALL)] == 5 and (ALL, NURSES) not in counts
        assert ("Nursing", ALL) not in counts and counts[("Yardi", ACCOUNTANTS)] == 5
        assert (ALL, "t:nurse") not in counts and counts[("Excel", "t:account")] == 5
        assert session.scalar(select(SkillOccupation.n).where(SkillOccupation.n <= 0)) is None


def _profiles_before_the_counts(url: str) -> None:
    """Two candidates indexed by the matching of revision 0010 (no skill/occupation counts)."""
    from sqlalchemy import text

    from storage.db import make_engine

    engine = make_engine(url)
    with engine.begin() as conn:
        for cid, title, skills, occupations in (
                (1, "Staff Accountant", '{"Yardi": 2025, "Excel": null}', f'["{ACCOUNTANTS}"]'),
                (2, "Chef", '{"Excel": 2020}', "[]")):
            conn.execute(text(
                "INSERT INTO candidates (id, name, latest_title, data, created_at, updated_at) "
                "VALUES (:id, 'Someone', :title, '{}', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"),
                {"id": cid, "title": title})
            conn.execute(text(
                "INSERT INTO candidate_profiles (candidate_id, titles, skills, doc, terms, "
                "doc_len, fields, evidence, updated_at) VALUES (:id, '[]', :skills, '', '{}', "
                "0, '{}', :evidence, CURRENT_TIMESTAMP)"),
                {"id": cid, "skills": skills,
                 "evidence": f'{{"occupations": {occupations}}}'})
    engine.dispose()


def test_migration_counts_existing_profiles(tmp_path: Any, empty_pg_url: str) -> None:
    from storage.db import Database, upgrade

    for url in (f"sqlite:///{tmp_path / 'old.sqlite3'}", empty_pg_url):
        upgrade(url, "0012_job_apply")  # the revision before the counts
        _profiles_before_the_counts(url)
        upgrade(url)
        db = Database(url)
        try:
            with db.session() as session:
                assert stored_counts(session) == {
                    (ALL, ALL): 2, (ALL, ACCOUNTANTS): 1, ("Yardi", ALL): 1,
                    ("Excel", ALL): 2, ("Yardi", ACCOUNTANTS): 1, ("Excel", ACCOUNTANTS): 1}
                assert stored_counts(session) == expected_counts(session)
        finally:
            db.dispose()


def test_a_skill_few_candidates_hold_counts_more_in_coverage(services: Services) -> None:
    # Everyone lists Communication; General Ledger only two. Each of the two compared holds one
    # of the two skills asked: the ledger holder covers more of what tells this job apart.
    with services.db.session() as session:
        ids = [add(session, f"Clerk {n}", "Office Clerk", ["Communication", "Excel"],
                   "Answered the phones; kept the files.") for n in range(8)]
        talker = add(session, "Tia Talker", "Office Clerk", ["Communication", "Excel"],
                     "Answered the phones; kept the files.")
        ledger = add(session, "Lee Ledger", "Office Clerk", ["General Ledger", "Excel"],
                     "Answered the phones; kept the files.")
        other = add(session, "Oli Other", "Office Clerk", ["General Ledger", "Communication"],
                    "Answered the phones; kept the files.")
        index_candidates(session, [*ids, talker, ledger, other])
        ranked = match_job(session, "Required skills: General Ledger, Communication", top=20)
        by_id = {m.candidate_id: m for m in ranked}
        assert ranked[0].candidate_id == other  # holds both
        required = {cid: by_id[cid].explanation["parts"]["required"]["score"]
                    for cid in (ledger, talker)}
        assert required[ledger] > 2 * required[talker] > 0  # unweighted they would be equal
        assert by_id[ledger].score > by_id[talker].score
        assert by_id[ledger].explanation["summary"].startswith(
            "1/2 required skills, missing Communication")
