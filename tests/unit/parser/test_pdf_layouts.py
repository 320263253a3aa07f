"""PDF layouts: one column, two columns, a sidebar — fields land in the right places."""

from __future__ import annotations

from pipeline.parser import PARSER_VERSION, parse_document
from tests.unit.parser import docgen


def test_one_column_pdf() -> None:
    res = parse_document(docgen.one_column_pdf(), "priya.pdf")
    assert res.name == "Priya Ramanathan"
    assert res.email == "priya.r@example.org"
    assert res.phone == "+15125550134"
    assert res.location == "Austin, TX"
    assert [(e.title, e.company, e.start_date, e.end_date) for e in res.experience] == [
        ("Senior Software Engineer", "Northwind Traders Inc.", "2019-01", "present"),
        ("Software Engineer", "Contoso Ltd", "2015-06", "2018-12"),
    ]
    assert res.education[0].degree == "Bachelor of Science in Computer Science"
    assert res.education[0].institution == "Lakeside University"
    assert res.education[0].graduation_date == "2015"
    assert res.certifications == ["AWS Certified Developer", "Certified Kubernetes Administrator"]
    assert res.summary and "payment systems" in res.summary
    assert res.meta.parser_version == PARSER_VERSION
    assert res.meta.extractor == "pymupdf"
    assert res.meta.pages == 1
    assert "LLM step skipped: no OPENAI_API_KEY" in res.meta.warnings
    assert 0.0 <= min(res.meta.confidence.values()) <= max(res.meta.confidence.values()) <= 1.0


def test_two_column_pdf_reads_each_column_in_turn() -> None:
    res = parse_document(docgen.two_column_pdf(), "two.pdf")
    assert res.name == "Priya Ramanathan"
    assert [(e.title, e.company, e.start_date, e.end_date) for e in res.experience] == [
        ("Data Engineer", "Fabrikam Corp", "2020-03", "present"),
        ("Analyst", "Tailspin Toys LLC", "2017", "2020"),
    ]
    assert res.education[0].institution == "Riverbend University"
    assert res.education[0].degree == "Master of Science in Statistics"
    assert any("two-column" in w for w in res.meta.warnings)


def test_sidebar_pdf() -> None:
    res = parse_document(docgen.sidebar_pdf(), "side.pdf")
    assert res.name == "Camille Dubois"
    assert res.location == "Lyon, France"
    assert res.phone == "+33612345678"
    assert [(e.title, e.company, e.start_date, e.end_date) for e in res.experience] == [
        ("Process Engineer", "Sanofi Group", "2017-11", "present"),
        ("Quality Engineer", "Renault Group", "2014-09", "2017-10"),
    ]
    assert res.education[0].institution == "Ecole Centrale Institute"
    assert any("sidebar" in w for w in res.meta.warnings)


def test_several_roles_at_one_company() -> None:
    lines = [
        ("Lena Park", 18.0, True),
        "lena.park@example.com",
        docgen.h("Experience"),
        ("Globex Corporation", 11.0, True),
        "Engineering Manager\tMar 2021 - Present",
        "• Led three teams",
        "Senior Engineer\tJan 2018 - Feb 2021",
        "• Owned the payments API",
        ("Initech LLC", 11.0, True),
        "Developer\t2015 - 2017",
        "• Wrote reports",
    ]
    res = parse_document(docgen.pdf([docgen.column(50, 60, lines)]), "roles.pdf")
    got = [(e.title, e.company, e.start_date, e.end_date) for e in res.experience]
    assert got == [
        ("Engineering Manager", "Globex Corporation", "2021-03", "present"),
        ("Senior Engineer", "Globex Corporation", "2018-01", "2021-02"),
        ("Developer", "Initech LLC", "2015", "2017"),
    ]


def test_missing_sections_are_warned_not_invented() -> None:
    lines = [("Sam Ortiz", 18.0, True), "sam.ortiz@example.com",
             "I am looking for my first job in retail and customer service."]
    res = parse_document(docgen.pdf([docgen.column(50, 60, lines)]), "short.pdf")
    assert res.name == "Sam Ortiz"
    assert res.experience == []
    assert res.education == []
    assert "no experience section found" in res.meta.warnings
    assert "no education section found" in res.meta.warnings
    assert res.phone is None
