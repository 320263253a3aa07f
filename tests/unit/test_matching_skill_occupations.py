"""A skill list's occupation, inferred from hand-made skill/occupation counts, and its part;
how telling each listed skill is, from the same counts, and its weight in skill coverage."""

from __future__ import annotations

from collections import Counter
from datetime import date

from matching.analysis import analyze_job, free_text_title
from matching.profile import build_profile
from matching.score import LIST_WEIGHTS, Candidate, coverage, score, title_fit
from matching.skill_occupations import (
    ALL,
    MIN_TITLE_WORD,
    counts_of,
    infer,
    infer_title_words,
    specificity,
)
from matching.text import term_counts

TODAY = date(2026, 6, 1)
ACCOUNTANTS = "13-2011.00"
NURSES = "29-1141.00"
CLERKS = "43-9061.00"


def population(*groups: tuple[int, list[str], str]) -> Counter[tuple[str, str]]:
    """The counts `n` candidates of each (skills, latest occupation) group would leave."""
    counts: Counter[tuple[str, str]] = Counter()
    for n, skills, occupation in groups:
        for _ in range(n):
            counts.update(counts_of(skills, [occupation]))
    return counts


def test_a_profile_counts_itself_its_skills_and_its_latest_occupation() -> None:
    counts = counts_of(["Yardi", "Excel", "Yardi"], [ACCOUNTANTS, NURSES])
    assert counts == {(ALL, ALL): 1, (ALL, ACCOUNTANTS): 1, ("Yardi", ALL): 1,
                      ("Excel", ALL): 1, ("Yardi", ACCOUNTANTS): 1, ("Excel", ACCOUNTANTS): 1}
    assert counts_of(["Excel"], []) == {(ALL, ALL): 1, ("Excel", ALL): 1}


def test_a_specific_skill_outweighs_a_generic_one() -> None:
    # Communication is held by many nurses and a few others; Yardi only by accountants.
    counts = population((6, ["Yardi", "Excel"], ACCOUNTANTS),
                        (20, ["Communication", "Excel"], NURSES),
                        (10, ["Communication"], CLERKS), (20, ["Excel"], CLERKS))
    inferred = infer(counts, ["Communication", "Yardi"])
    assert max(inferred, key=inferred.__getitem__) == ACCOUNTANTS
    assert inferred[ACCOUNTANTS] == 1.0
    assert 0 < inferred[NURSES] < 0.5
    assert CLERKS not in inferred  # Communication is no more common among clerks than overall


def test_no_occupation_from_too_few_or_no_counts() -> None:
    counts = population((2, ["Yardi", "Excel"], ACCOUNTANTS), (30, ["Excel"], NURSES))
    assert infer(counts, ["Yardi"]) == {}  # two holders tell nothing
    assert infer(counts, ["Excel"]) == {}  # everyone holds it
    assert infer(counts, ["Kubernetes"]) == {}
    assert infer(Counter(), ["Yardi"]) == {}


def test_the_inferred_occupation_orders_equal_skill_lists() -> None:
    job = analyze_job("", "Required skills: Yardi, Excel")
    assert job.skill_list and not job.occupation
    job = job.model_copy(update={"inferred": {ACCOUNTANTS: 1.0, NURSES: 0.2}})
    assert "inferred" not in job.model_dump()  # computed when ranking, never stored

    def person(occupations: list[str]) -> Candidate:
        terms = term_counts("yardi excel")
        return Candidate(id=1, name="A", titles=["Staff"], years=5.0,
                         skills={"Yardi": 2026, "Excel": 2026}, location=None, terms=terms,
                         doc_len=2, evidence={"occupations": occupations})

    query = {t: 1.0 for t in job.terms}
    accountant = score(job, person([ACCOUNTANTS]), query, 2, today=TODAY)
    nurse = score(job, person([NURSES]), query, 2, today=TODAY)
    earlier = score(job, person([NURSES, ACCOUNTANTS]), query, 2, today=TODAY)
    assert LIST_WEIGHTS["occupation"] > 0
    assert accountant.score > earlier.score > nurse.score
    assert accountant.explanation["occupation"] == {"job": ACCOUNTANTS,
                                                   "candidate": ACCOUNTANTS}
    assert any("Accountants and Auditors" in r and "skills suggest" in r
               for r in accountant.explanation["reasons"])


def test_a_skill_list_reads_every_item_as_a_skill() -> None:
    # "Communication" on its own line of prose is a word; in a skill list it is the skill.
    assert analyze_job("", "Required skills: Communication").required_skills == [
        "Communication"]
    assert analyze_job("", "Required skills: Communication, Excel").required_skills == [
        "Communication", "Excel"]


def test_a_typed_skill_list_has_no_title() -> None:
    # `match_job` on free text: a skill list is ranked as one, a short first line is a title
    assert free_text_title("Required skills: Yardi, Excel") == ""
    assert free_text_title("Python, SQL, Docker") == ""
    assert free_text_title("Senior Accountant") == "Senior Accountant"
    assert free_text_title("Accountant, Berlin") == "Accountant, Berlin"
    assert free_text_title("Backend Engineer\nPython and SQL") == "Backend Engineer"


def test_a_skill_few_candidates_hold_weighs_more() -> None:
    counts = population((2, ["General Ledger", "Communication"], ACCOUNTANTS),
                        (38, ["Communication"], CLERKS))
    weights = specificity(counts, ["Communication", "General Ledger", "Kubernetes"])
    assert weights["General Ledger"] > 3 * weights["Communication"] > 0
    assert weights["Kubernetes"] > weights["General Ledger"]  # nobody has it: it tells most
    assert specificity(Counter(), ["Communication"]) == {}  # no candidates: all weigh the same


def test_coverage_counts_a_rare_skill_for_more_than_a_common_one() -> None:
    wanted = ["General Ledger", "Communication"]
    weights = {"General Ledger": 3.0, "Communication": 1.0}
    rare, detail = coverage(wanted, {"General Ledger": 2026}, TODAY, None, weights)
    common, _ = coverage(wanted, {"Communication": 2026}, TODAY, None, weights)
    assert rare == 0.75 and common == 0.25
    # the explanation still tells which skills matched, whatever they weighed
    assert detail["matched"] == ["General Ledger"] and detail["missing"] == ["Communication"]
    # unweighted, both hold half of what is asked
    assert coverage(wanted, {"General Ledger": 2026}, TODAY)[0] == coverage(
        wanted, {"Communication": 2026}, TODAY)[0] == 0.5


def test_the_rarer_listed_skill_decides_between_equal_candidates() -> None:
    job = analyze_job("", "Required skills: General Ledger, Communication")
    job = job.model_copy(update={"skill_weights": {"General Ledger": 3.0,
                                                   "Communication": 1.0}})
    assert "skill_weights" not in job.model_dump()  # computed when ranking, never stored

    def person(cid: int, skill: str) -> Candidate:
        return Candidate(id=cid, name="A", titles=["Office Clerk"], years=5.0,
                         skills={skill: 2026}, location=None, terms={}, doc_len=1,
                         evidence={"occupations": [CLERKS]})

    ledger = score(job, person(1, "General Ledger"), {}, 1, today=TODAY)
    talker = score(job, person(2, "Communication"), {}, 1, today=TODAY)
    assert ledger.score > talker.score
    assert ledger.explanation["parts"]["required"]["score"] == 0.75
    assert talker.explanation["summary"].startswith("1/2 required skills, missing General")


def titled(*groups: tuple[int, list[str], str]) -> Counter[tuple[str, str]]:
    """The counts `n` candidates of each (skills, latest title) group would leave, their
    title words taken as indexing takes them (`build_profile`)."""
    counts: Counter[tuple[str, str]] = Counter()
    for n, skills, title in groups:
        words = build_profile({}, skills, latest_title=title, location=None,
                              today=TODAY).evidence["title_words"]
        for _ in range(n):
            counts.update(counts_of(skills, [], words))
    return counts


def test_a_profile_counts_its_latest_titles_role_words() -> None:
    profile = build_profile({}, ["Case Management"], latest_title="Senior Family Advocate",
                            location=None, today=TODAY)
    assert profile.evidence["title_words"] == ["family", "advocat"]  # no level word
    counts = counts_of(["Case Management"], [NURSES], ["family", "advocat"])
    assert counts == {(ALL, ALL): 1, (ALL, NURSES): 1, (ALL, "t:family"): 1,
                      (ALL, "t:advocat"): 1, ("Case Management", ALL): 1,
                      ("Case Management", NURSES): 1, ("Case Management", "t:family"): 1,
                      ("Case Management", "t:advocat"): 1}


def test_the_title_words_a_skill_list_points_at() -> None:
    counts = titled((6, ["Case Management", "Communication"], "Family Advocate"),
                    (6, ["Case Management", "Communication"], "Patient Advocate"),
                    (20, ["Communication", "Excel"], "Office Clerk"),
                    (20, ["Excel"], "Staff Accountant"))
    words = infer_title_words(counts, ["Case Management", "Communication"])
    assert words["advocat"] == 1.0  # every holder of Case Management is an advocate
    assert 0 < words["family"] < 1.0 and 0 < words["patient"] < 1.0
    assert "account" not in words  # no accountant holds either skill
    assert words["clerk"] < 0.25  # clerks hold the generic one only, which weighs little
    # title words and occupations are told apart in the one table
    assert infer(counts, ["Case Management"]) == {}
    assert not any(code.startswith("t:") for code in infer(
        population((6, ["Yardi"], ACCOUNTANTS), (20, ["Excel"], NURSES)) + counts, ["Yardi"]))


def test_too_few_holders_under_a_title_word_tell_nothing() -> None:
    few = MIN_TITLE_WORD - 1
    counts = titled((few, ["Social Work"], "Victim Advocate"), (30, ["Excel"], "Office Clerk"))
    assert infer_title_words(counts, ["Social Work"]) == {}
    counts += titled((1, ["Social Work"], "Victim Advocate"))
    assert "advocat" in infer_title_words(counts, ["Social Work"])


def test_a_skill_lists_title_is_the_one_its_skills_point_at() -> None:
    job = analyze_job("", "Required skills: Case Management, Communication")
    assert not job.title_terms
    job = job.model_copy(update={"title_words": {"advocat": 1.0, "family": 0.5}})
    assert "title_words" not in job.model_dump()  # computed when ranking, never stored
    # a title scores the mean weight of its role words; an earlier title counts 0.8
    assert title_fit(job, ["Family Advocate"]) == (0.75, "Family Advocate")
    assert title_fit(job, ["Office Clerk", "Victim Advocate"]) == (0.4, "Victim Advocate")
    assert title_fit(job, ["Office Clerk"])[0] == 0.0

    def person(cid: int, title: str) -> Candidate:
        return Candidate(id=cid, name="A", titles=[title], years=5.0,
                         skills={"Case Management": 2026, "Communication": 2026},
                         location=None, terms={}, doc_len=1, evidence={})

    advocate = score(job, person(1, "Family Advocate"), {}, 1, today=TODAY)
    clerk = score(job, person(2, "Office Clerk"), {}, 1, today=TODAY)
    assert LIST_WEIGHTS["title"] > 0
    assert advocate.score > clerk.score
    assert any(r.startswith("Title: Family Advocate; fits the titles the job's skills")
               for r in advocate.explanation["reasons"])


def test_a_long_title_word_is_counted_and_compared_cut_alike() -> None:
    # The column keeps "t:" and 14 characters: "anesthesiologist" is counted and read cut, and
    # a candidate's title is compared on the same cut word.
    counts = titled((6, ["Anesthesia", "Critical Care"], "Staff Anesthesiologist"),
                    (20, ["Critical Care"], "Registered Nurse"))
    assert counts[(ALL, "t:anesthesiologi")] == 6
    words = infer_title_words(counts, ["Anesthesia"])
    assert words == {"anesthesiologi": 1.0}
    job = analyze_job("", "Required skills: Anesthesia").model_copy(
        update={"title_words": words})
    assert title_fit(job, ["Anesthesiologist"]) == (1.0, "Anesthesiologist")
