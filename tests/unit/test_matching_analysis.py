"""Job analysis: required vs nice-to-have skills, minimum years, seniority, remote."""

from __future__ import annotations

from matching.analysis import analyze_job, min_years, seniority_of, title_terms

JD = """We are a small team building payment APIs.

Responsibilities
- Design and run services on AWS.

Requirements
- 5+ years of experience as a backend developer
- Strong Python and Postgres
- Docker

Nice to have
- Kubernetes (k8s)
- Terraform
"""


def test_sections_split_required_and_nice_with_canonical_names() -> None:
    a = analyze_job("Senior Backend Engineer", JD, location="Berlin, Germany")
    assert {"Python", "PostgreSQL", "Docker"} <= set(a.required_skills)
    assert {"Kubernetes", "Terraform"} <= set(a.nice_skills)
    assert not set(a.required_skills) & set(a.nice_skills)
    # a skill only in the body, when the job has a requirements section, is nice to have
    assert "AWS" in a.nice_skills
    assert a.min_years == 5
    assert a.seniority == "senior"
    assert a.location == "Berlin, Germany" and a.remote is False


def test_line_cues_override_the_section() -> None:
    text = "Requirements:\n- Java\n- Experience with Kafka is a plus\n- Terraform required"
    a = analyze_job("Java Developer", text)
    assert "Kafka" in a.nice_skills
    assert {"Java", "Terraform"} <= set(a.required_skills)


def test_heading_line_carries_its_items() -> None:
    a = analyze_job("Data Analyst", "Must have: SQL, Excel\nNice to have: Tableau")
    assert {"SQL", "Excel"} <= set(a.required_skills)
    assert a.nice_skills == ["Tableau"]


def test_without_sections_every_skill_is_required() -> None:
    a = analyze_job("Developer", "You will write Python and SQL every day.")
    assert set(a.required_skills) == {"Python", "SQL"}
    assert a.nice_skills == []


def test_minimum_years_forms() -> None:
    assert min_years("At least 3 years of professional experience") == 3
    assert min_years("3-5 years experience in accounting; 7+ years' management experience") == 7
    assert min_years("We have been around for 30 years.") is None
    assert min_years("2+ yrs of hands-on experience") == 2


def test_seniority_and_title_terms() -> None:
    assert seniority_of("Sr. Software Engineer") == "senior"
    assert seniority_of("Junior Accountant") == "junior"
    assert seniority_of("Head of Finance") == "head"
    assert seniority_of("Accountant") is None
    assert title_terms("Senior Staff Accountant") == ["account"]
    assert title_terms("Accounting Manager")[0] == "account"


def test_remote_from_text_unless_said_otherwise() -> None:
    assert analyze_job("Dev", "This is a fully remote role.").remote is True
    assert analyze_job("Dev", "On-site in Leeds; fully remote not possible.").remote is False
    assert analyze_job("Dev", "Office in Leeds.", remote=True).remote is True


def test_duties_count_as_required_when_the_requirements_name_too_few_skills() -> None:
    # "Requirements" says only "strong communication skills": the duties say what the job is.
    thin = ("Responsibilities\n- Run the help desk and troubleshooting for all staff\n"
            "- Keep the network security policies\n\n"
            "Requirements\n- 8+ years in IT\n- Strong communication skills\n")
    a = analyze_job("Director of IT", thin)
    assert a.required_skills[0] == "Communication"
    assert {"Help Desk", "Troubleshooting", "Information Security"} <= set(a.required_skills)
    assert a.nice_skills == []
    # three or more required skills: the duties stay nice to have (as AWS in `JD`)
    full = thin.replace("communication skills", "communication skills\n- Python, SQL")
    b = analyze_job("Director of IT", full)
    assert {"Communication", "Python", "SQL"} == set(b.required_skills)
    assert {"Help Desk", "Troubleshooting", "Information Security"} == set(b.nice_skills)
