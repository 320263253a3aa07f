"""The skills taxonomy: aliases, categories, related skills, and when a word counts as a skill."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pipeline.parser.skills import canonical_skill, find_skills, skill_info
from scripts import build_skills

DATA = build_skills.DATA_DIR
TAXONOMY = Path(__file__).resolve().parents[3] / "shared" / "data" / "taxonomy"


def names(text: str, *, list_context: bool = False) -> list[str]:
    return [name for name, _ in find_skills(text, list_context=list_context)]


@pytest.mark.parametrize("written", ["k8s", "Kubernetes", "kubernetes", "K8S"])
def test_kubernetes_aliases_are_one_skill(written: str) -> None:
    assert canonical_skill(written) == "Kubernetes"


@pytest.mark.parametrize(
    ("written", "canonical"),
    [
        ("Postgres", "PostgreSQL"),
        ("postgresql", "PostgreSQL"),
        ("JS", "JavaScript"),
        ("golang", "Go"),
        ("React.js", "React"),
        ("ReactJS", "React"),
        ("Microsoft Excel", "Excel"),
        ("MS Excel", "Excel"),
        ("Oracle Java", "Java"),
        ("Amazon Web Services", "AWS"),
        ("Python3", "Python"),
        ("nodejs", "Node.js"),
        ("dotnet", ".NET"),
        ("C sharp", "C#"),
        ("test-driven development", "TDD"),
    ],
)
def test_aliases_resolve_to_canonical_names(written: str, canonical: str) -> None:
    assert canonical_skill(written) == canonical


def test_unknown_names_are_not_skills() -> None:
    assert canonical_skill("Underwater basket weaving") is None
    assert canonical_skill("") is None
    assert skill_info("   ") is None


def test_text_mentions_collapse_to_one_canonical_skill() -> None:
    text = "Ran k8s clusters; migrated workloads to Kubernetes and tuned kubernetes operators."
    assert find_skills(text) == [("Kubernetes", "Cloud & DevOps")]


def test_categories_are_recruiter_friendly() -> None:
    found = dict(find_skills("Python, PostgreSQL, Django, AWS, Excel, Scrum", list_context=True))
    assert found == {
        "Python": "Programming languages",
        "PostgreSQL": "Databases",
        "Django": "Web frameworks",
        "AWS": "Cloud & DevOps",
        "Excel": "Office & productivity",
        "Scrum": "Methods & practices",
    }


def test_related_skills_give_partial_credit_links() -> None:
    postgres = skill_info("postgres")
    assert postgres is not None and "SQL" in postgres.related
    assert "Python" in (skill_info("Flask") or pytest.fail("Flask")).related
    assert "JavaScript" in (skill_info("React") or pytest.fail("React")).related
    assert "Docker" in (skill_info("k8s") or pytest.fail("k8s")).related


def test_results_are_deduplicated_in_order_of_first_appearance() -> None:
    text = "Go services over gRPC. Tech stack: Terraform, Go, Python, Terraform, golang"
    assert names(text) == ["Terraform", "Go", "Python"]


def test_no_skill_from_inside_a_word_or_an_ordinary_sentence() -> None:
    text = (
        "Fluent in Javanese. We go to market every quarter and excel at closing deals. "
        "Word of mouth brought access to new clients; there was little slack in the plan. "
        "Our team will react to incidents and rest on weekends."
    )
    assert names(text) == []


def test_no_skill_from_a_company_name() -> None:
    text = (
        "Intern at Oracle in 2019. Volunteer, Python Software Foundation. "
        "Analyst at Java Solutions Ltd, then consultant with Salesforce, Inc."
    )
    assert names(text) == []


def test_skill_used_at_a_company_is_still_a_skill() -> None:
    assert names("Proficient at Excel; built dashboards with Tableau at Acme Corp.") == [
        "Excel",
        "Tableau",
    ]


def test_ambiguous_words_only_from_a_skills_list() -> None:
    prose = "I go the extra mile, use Word daily and chat on Slack; R is my initial."
    assert names(prose) == []
    assert names("Go, R, Word, Slack", list_context=True) == ["Go", "R", "Microsoft Word", "Slack"]


def test_list_items_must_be_whole_for_ambiguous_words() -> None:
    skills = "- Go-to-market strategy\n- R&D budgeting\n- C-level reporting\n- Go\n• Rust"
    assert names(skills, list_context=True) == ["Go", "Rust"]


def test_a_skills_line_inside_prose_counts_as_a_list() -> None:
    text = "Led the payments team.\nTech stack: Go, Kafka, PostgreSQL\nShipped weekly."
    assert names(text) == ["Go", "Kafka", "PostgreSQL"]


def test_an_employer_line_is_not_a_skills_list() -> None:
    assert names("Software Engineer, Slack, San Francisco, CA") == []


def test_unambiguous_aliases_work_in_prose() -> None:
    text = "Wrote golang services and a Go language SDK; shipped MS Word add-ins."
    assert names(text) == ["Go", "Microsoft Word"]


def test_product_spelling_counts_in_prose_for_cased_words() -> None:
    assert names("Built the dashboard with React and Redux.") == ["React", "Redux"]
    assert names("React quickly to pages; react to alerts.") == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("C++ and C# on .NET", ["C++", "C#", ".NET"]),
        ("Node.js, CI/CD, ASP.NET/C#", ["Node.js", "CI/CD", "ASP.NET", "C#"]),
        ("C/C++, Objective-C, T-SQL, PL/SQL", ["C", "C++", "Objective-C", "T-SQL", "PL/SQL"]),
        ("Python3, HTML5/CSS3, Vue.js/React", ["Python", "HTML", "CSS", "Vue.js", "React"]),
    ],
)
def test_symbols_and_versions_in_skill_names(text: str, expected: list[str]) -> None:
    assert names(text, list_context=True) == expected


def test_c_sharp_and_dotnet_in_prose() -> None:
    assert names("Maintained a C# service on .NET and a C++ engine.") == ["C#", ".NET", "C++"]


def test_spoken_languages_need_a_list_or_a_fluency_phrase() -> None:
    assert names("Worked for a French bank with German clients.") == []
    assert names("Fluent in Spanish; native English speaker.") == ["Spanish", "English"]
    assert names("Languages: English, Spanish (native)") == ["English", "Spanish"]


def test_empty_text_has_no_skills() -> None:
    assert find_skills("") == []
    assert find_skills(" \n\t ") == []


def test_shipped_json_is_small_attributed_and_consistent() -> None:
    path = DATA / "skills.json"
    assert path.stat().st_size < 300_000
    doc = json.loads(path.read_text(encoding="utf-8"))
    assert doc["attribution"] == build_skills.ATTRIBUTION
    assert build_skills.ATTRIBUTION.split("(USDOL/ETA)")[0][-30:] in (
        DATA / "ATTRIBUTION.md"
    ).read_text(encoding="utf-8").replace("\n", " ")
    canon = {s["name"] for s in doc["skills"]}
    assert all(r in canon for s in doc["skills"] for r in s.get("related", ()))
    assert {s["category"] for s in doc["skills"]} == set(doc["categories"])
    assert any(s.get("ours") for s in doc["skills"])


@pytest.mark.skipif(not TAXONOMY.is_dir(), reason="O*NET taxonomy not available here")
def test_build_reproduces_the_shipped_json(tmp_path: Path) -> None:
    out = tmp_path / "skills.json"
    assert build_skills.main([str(TAXONOMY), "--output", str(out)]) == 0
    assert out.read_text(encoding="utf-8") == (DATA / "skills.json").read_text(encoding="utf-8")


def test_acronym_and_vendor_rules() -> None:
    rules = {"vendors": ["Microsoft", "Amazon"], "ambiguous": ["word"]}
    assert build_skills.derive("Cascading style sheets CSS", rules)[0] == "CSS"
    assert build_skills.derive("Microsoft Word", rules)[0] == "Microsoft Word"
    assert build_skills.derive("Microsoft Visio", rules)[0] == "Visio"
    assert build_skills.is_generic("Word processing software")
    assert not build_skills.is_generic("Ruby on Rails")
