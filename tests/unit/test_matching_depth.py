"""Ranking where skill depth and recency decide the order, on hand-made jobs and resumes.

Every candidate below lists the same skills and holds the same title, so coverage, title and
text alone would tie them; how long and how recently the roles used the skills must not.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from matching.analysis import analyze_job
from matching.occupation import closeness, occupation_of
from matching.profile import build_profile
from matching.score import WEIGHTS, Candidate, combine, parts_of, score
from matching.text import term_counts

TODAY = date(2026, 6, 1)
SKILLS = ["Python", "PostgreSQL", "Docker"]


def person(cid: int, roles: list[tuple[str, str, str]], *, title: str = "Backend Engineer",
           skills: list[str] = SKILLS) -> Candidate:
    """A candidate whose roles (start, end, description) all carry `title`."""
    data: dict[str, Any] = {"summary": f"{title}.", "experience": [
        {"title": title, "start_date": s, "end_date": e, "description": d} for s, e, d in roles]}
    p = build_profile(data, skills, latest_title=title, location="Berlin", today=TODAY)
    counts = term_counts(p.doc)
    return Candidate(id=cid, name=f"P{cid}", titles=p.titles, years=p.years, skills=p.skills,
                     location=p.location, terms=counts, doc_len=sum(counts.values()),
                     fields=p.fields, evidence=p.evidence)


def order(job_title: str, description: str, people: list[Candidate]) -> list[int]:
    job = analyze_job(job_title, description)
    query = {t: 1.0 for t in job.terms}
    avg = sum(c.doc_len for c in people) / len(people)
    found = [score(job, c, query, avg, today=TODAY) for c in people]
    return [m.candidate_id for m in sorted(found, key=lambda m: (-m.score, m.candidate_id))]


def test_longer_use_of_the_required_skills_ranks_first() -> None:
    # Same skills, same words; one used them for eight years, the other for one.
    text = "Python services on PostgreSQL in Docker."
    long_user = person(2, [("2018-06", "present", text)])
    short_user = person(1, [("2025-06", "present", text)])
    listed = person(3, [("2018-06", "present", "Services for customers.")])
    ranking = order("Backend Engineer", "Requirements: Python, PostgreSQL, Docker.",
                    [short_user, listed, long_user])
    assert ranking == [2, 1, 3]


def test_recent_use_beats_the_same_length_long_ago() -> None:
    text = "Python services on PostgreSQL in Docker."
    recent = person(1, [("2021-01", "present", text)])
    long_ago = person(2, [("2008-01", "2013-06", text), ("2014-01", "present", "Sales.")])
    assert order("Backend Engineer", "Must have: Python, PostgreSQL, Docker", [long_ago, recent]) \
        == [1, 2]


def test_depth_is_explained_from_the_roles() -> None:
    cand = person(1, [("2018-06", "present", "Python services on PostgreSQL.")])
    job = analyze_job("Backend Engineer", "Requirements: Python, PostgreSQL, Docker.")
    match = score(job, cand, {t: 1.0 for t in job.terms}, 10, today=TODAY)
    detail = match.explanation["required"]
    assert detail["used"]["Python"] == {"months": 96, "last": 2026}
    reasons = " ".join(match.explanation["reasons"])
    assert "Python 8 yrs to 2026" in reasons
    assert "Docker listed only" in reasons  # listed in skills, no role mentions it


def test_profile_records_depth_occupation_and_level() -> None:
    cand = person(1, [("2016-01", "2019-12", "Python and Docker."),
                      ("2020-01", "present", "Python on PostgreSQL.")],
                  title="Senior Accountant", skills=["Python", "PostgreSQL", "Docker", "Excel"])
    depth = cand.evidence["depth"]
    assert depth["Python"] == [48 + 77, 2026]  # both roles, Jan 2016–Dec 2019 and Jan 2020–now
    assert depth["Docker"] == [48, 2019] and depth["Excel"] == [0, None]
    assert cand.evidence["occupations"] == ["13-2011.00"]  # Accountants and Auditors
    assert cand.evidence["level"] == "senior"
    assert cand.fields["title"] == {"senior": 1, "account": 1}  # stems


def test_occupation_names_the_job_and_separates_roles() -> None:
    assert occupation_of("Staff Accountant") == ("13-2011.00", "Accountants and Auditors")
    assert occupation_of("Financial Advisor") == ("13-2052.00", "Personal Financial Advisors")
    assert occupation_of("Systems Administrator") == (
        "15-1244.00", "Network and Computer Systems Administrators")
    assert occupation_of("Developer Advocate") is None  # no O*NET occupation has that head noun
    assert closeness("13-2011.00", "13-2011.00") == 1.0
    assert closeness("13-2011.00", "13-2052.00") == 0.6  # both financial specialists
    assert closeness("13-2011.00", "35-1011.00") == 0.0  # accountant vs chef


def test_occupation_part_and_its_reason() -> None:
    job = analyze_job("Staff Accountant", "Requirements: Excel.")
    auditor = person(1, [("2020-01", "present", "Audits in Excel.")], title="Tax Accountant",
                     skills=["Excel"])
    chef = person(2, [("2020-01", "present", "Menus in Excel.")], title="Chef", skills=["Excel"])
    query = {t: 1.0 for t in job.terms}
    parts = {c.id: parts_of(job, c, query, 10, TODAY) for c in (auditor, chef)}
    assert parts[1][0]["occupation"] == 1.0 and parts[2][0]["occupation"] == 0.0
    counted = combine(job, auditor, *parts[1], weights={**WEIGHTS, "occupation": 10.0})
    assert "Accountants and Auditors (O*NET)" in counted.explanation["summary"]
    assert counted.explanation["occupation"] == {"job": "13-2011.00",
                                                 "candidate": "13-2011.00"}
    # a part weighted 0 is neither scored nor given as a reason
    ignored = combine(job, auditor, *parts[1], weights={**WEIGHTS, "occupation": 0.0})
    assert "occupation" not in ignored.explanation["parts"]
    assert not any("O*NET" in r for r in ignored.explanation["reasons"])
