"""DOCX: contact details in the page header and in a table; bullets; tab-aligned dates."""

from __future__ import annotations

from pipeline.parser import parse_document
from tests.unit.parser import docgen

BODY: list[str | tuple[str, bool]] = [
    ("Experience", True),
    ("Project Manager\tApr 2016 – Present", True),
    "Wayne Enterprises Inc., Gotham, NJ",
    "• Ran a 12-person delivery team",
    ("Business Analyst\tJul 2012 – Mar 2016", True),
    "Stark Industries, Newark, NJ",
    "• Wrote requirements",
    ("Education", True),
    "MBA, Hudson Business School, 2012",
    ("Skills", True),
    "Scrum, Jira, SQL",
]


def test_contact_in_page_header() -> None:
    data = docgen.docx_file(
        header=["Nadia Haddad", "Jersey City, NJ | nadia.haddad@example.com | 201-555-0148"],
        body=BODY,
    )
    res = parse_document(data, "nadia.docx")
    assert res.name == "Nadia Haddad"
    assert res.email == "nadia.haddad@example.com"
    assert res.phone == "+12015550148"
    assert res.location == "Jersey City, NJ"
    assert [(e.title, e.company, e.start_date, e.end_date) for e in res.experience] == [
        ("Project Manager", "Wayne Enterprises Inc.", "2016-04", "present"),
        ("Business Analyst", "Stark Industries", "2012-07", "2016-03"),
    ]
    assert res.experience[0].description == "• Ran a 12-person delivery team"
    assert (res.education[0].degree, res.education[0].institution) == (
        "MBA", "Hudson Business School")
    assert res.meta.extractor == "python-docx"


def test_contact_in_a_table() -> None:
    data = docgen.docx_file(
        table=[["Omar Farouk", "omar.farouk@example.com"],
               ["Manchester, United Kingdom", "+44 161 496 0753"]],
        body=BODY,
    )
    res = parse_document(data, "omar.docx")
    assert res.name == "Omar Farouk"
    assert res.email == "omar.farouk@example.com"
    assert res.phone == "+441614960753"
    assert res.location == "Manchester, United Kingdom"
    assert len(res.experience) == 2


def test_renamed_docx_is_read_by_its_bytes() -> None:
    data = docgen.docx_file(header=["Ivo Petrov", "ivo.petrov@example.com"], body=BODY)
    res = parse_document(data, "resume.bin")
    assert res.name == "Ivo Petrov"
