"""Scoring and explanations on small hand-made jobs and candidates."""

from __future__ import annotations

from datetime import date
from typing import Any

from matching.analysis import analyze_job
from matching.profile import build_profile, years_of_experience
from matching.score import RELATED_CREDIT, Candidate, coverage, focus, score
from matching.text import term_counts

TODAY = date(2026, 6, 1)
JOB = analyze_job(
    "Backend Engineer",
    "Requirements:\n- 4+ years of experience\n- Python, SQL, Docker\nNice to have: Kubernetes",
    location="Berlin, Germany",
)


def candidate(skills: dict[str, int | None], *, years: float | None = 6.0,
              titles: tuple[str, ...] = ("Backend Engineer",), location: str | None = "Berlin",
              text: str = "python sql docker backend services") -> Candidate:
    terms = term_counts(text)
    return Candidate(id=1, name="Ann", titles=list(titles), years=years, skills=skills,
                     location=location, terms=terms, doc_len=sum(terms.values()))


def query() -> dict[str, float]:
    return {t: 1.0 for t in JOB.terms}


def test_full_coverage_beats_missing_a_required_skill() -> None:
    full = score(JOB, candidate({"Python": 2026, "SQL": 2026, "Docker": 2025}), query(), 8,
                 today=TODAY)
    partial = score(JOB, candidate({"Python": 2026, "SQL": 2026}), query(), 8, today=TODAY)
    assert 0 <= partial.score < full.score <= 100
    summary = partial.explanation["summary"]
    assert "2/3 required skills" in summary and "missing Docker" in summary
    assert partial.explanation["required"]["missing"] == ["Docker"]
    assert "6 yrs (4+ asked)" in summary and "in Berlin" in summary


def test_related_skill_gives_partial_credit() -> None:
    value, detail = coverage(["SQL"], {"PostgreSQL": 2026}, TODAY)
    assert value == RELATED_CREDIT
    assert detail["partial"] == [{"skill": "SQL", "via": "PostgreSQL"}]
    none, _ = coverage(["SQL"], {"Photoshop": 2026}, TODAY)
    exact, _ = coverage(["SQL"], {"SQL": 2026}, TODAY)
    assert none == 0 < value < exact == 1.0
    match = score(JOB, candidate({"Python": 2026, "PostgreSQL": 2026, "Docker": 2026}), query(),
                  8, today=TODAY)
    assert "(+1 related)" in match.explanation["summary"]
    assert any("SQL (via PostgreSQL)" in r for r in match.explanation["reasons"])


def test_skills_used_recently_weigh_more() -> None:
    recent, _ = coverage(["Python"], {"Python": 2025}, TODAY)
    listed, _ = coverage(["Python"], {"Python": None}, TODAY)
    old, detail = coverage(["Python"], {"Python": 2011}, TODAY)
    assert recent > listed > old > 0
    assert detail["not_recent"] == ["Python"]


def test_years_below_minimum_and_unknown() -> None:
    few = score(JOB, candidate({"Python": 2026}, years=2.0), query(), 8, today=TODAY)
    unknown = score(JOB, candidate({"Python": 2026}, years=None), query(), 8, today=TODAY)
    assert few.explanation["parts"]["years"]["score"] == 0.5
    assert "years unknown (4+ asked)" in unknown.explanation["summary"]


def test_title_location_and_missing_parts() -> None:
    other = score(JOB, candidate({}, titles=("Pastry Chef",), location="Lyon"), query(), 8,
                  today=TODAY)
    assert "Pastry Chef (other role)" in other.explanation["summary"]
    assert other.explanation["parts"]["location"]["score"] == 0
    remote = analyze_job("Accountant", "Remote role. We need QuickBooks.", remote=True)
    m = score(remote, candidate({"QuickBooks": 2026}, titles=("Senior Accountant",)),
              {t: 1.0 for t in remote.terms}, 8, today=TODAY)
    assert "years" not in m.explanation["parts"]  # the job names no minimum: part left out
    assert "remote role" in m.explanation["summary"]
    assert abs(sum(p["weight"] for p in m.explanation["parts"].values()) - 100) < 0.5


def test_years_from_overlapping_roles_are_merged() -> None:
    roles: list[dict[str, Any]] = [
        {"start_date": "2015-01", "end_date": "2018-12"},  # 4 years
        {"start_date": "2017-01", "end_date": "2019-12"},  # overlaps: adds 2019 only
        {"start_date": "2021", "end_date": "2022"},  # year only: mid-year to mid-year
        {"start_date": None, "end_date": "2010"},  # undated start: not counted
    ]
    assert years_of_experience(roles, today=TODAY) == 6.0
    assert years_of_experience([{"start_date": "2025-06", "end_date": "present"}],
                               today=TODAY) == 1.0
    assert years_of_experience([], today=TODAY) is None


def test_profile_records_when_each_skill_was_last_used() -> None:
    data = {"experience": [
        {"title": "Developer", "start_date": "2010-01", "end_date": "2013-01",
         "description": "Wrote Perl and Python scripts."},
        {"title": "Engineer", "start_date": "2020-01", "end_date": "present",
         "description": "Python services on Docker."},
    ], "summary": "Engineer."}
    p = build_profile(data, ["Python", "Perl", "Docker", "Excel"], latest_title="Engineer",
                      location=None, today=TODAY)
    assert p.skills == {"Python": 2026, "Perl": 2013, "Docker": 2026, "Excel": None}
    assert p.titles == ["Engineer", "Developer"]
    assert p.years == 9.5  # Jan 2010–Jan 2013 (37 months) + Jan 2020–now (77)


def test_a_profile_built_around_the_asked_skills_ranks_first() -> None:
    # Both have all three required skills, recently, and the same title and years; one lists
    # them among twenty-seven unrelated ones.
    asked = {"Python": 2026, "SQL": 2026, "Docker": 2026}
    others = {f"Skill {n}": 2026 for n in range(27)}
    focused = score(JOB, candidate(asked), query(), 8, today=TODAY)
    scattered = score(JOB, candidate({**asked, **others}), query(), 8, today=TODAY)
    assert focus(["Python", "SQL", "Docker"], asked) == 1.0
    assert round(focus(["Python", "SQL", "Docker"], {**asked, **others}), 3) == round(
        3 / (3 * 30) ** 0.5, 3)
    assert focused.explanation["parts"]["required"]["score"] == scattered.explanation[
        "parts"]["required"]["score"]
    assert focused.score > scattered.score
    assert "3 of the resume's 30 skills are among those asked." in scattered.explanation[
        "reasons"]
    assert focus([], asked) == focus(["Python"], {}) == 0.0


def test_counted_parts_alone_give_the_same_score_and_skip_the_weightless() -> None:
    """After-parse matching computes only the parts the weights count (`counted`); the score
    and its explanation must be those of all parts, and a weightless part is not computed."""
    from matching.score import WEIGHTS, combine, counted, parts_of, weighted

    people = [candidate({"Python": 2026, "SQL": 2020, "Kubernetes": 2024}),
              candidate({"Python": 2026}, titles=("Senior Data Analyst",), location=None,
                        years=2.0, text="python reports dashboards")]
    only = counted(JOB)
    assert only == {p for p, w in WEIGHTS.items() if w > 0} and "text" not in only
    for person in people:
        full, facts = parts_of(JOB, person, query(), 8, TODAY)
        some, some_facts = parts_of(JOB, person, query(), 8, TODAY, only)
        assert "text" in full and "text" not in some and set(some) <= only
        assert weighted(JOB, some) == weighted(JOB, full)
        assert (combine(JOB, person, some, some_facts).explanation
                == combine(JOB, person, full, facts).explanation)
