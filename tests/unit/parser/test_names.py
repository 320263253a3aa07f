"""Names in any script, and the phrases a résumé prints where a name would be."""

from __future__ import annotations

import pytest

from pipeline.parser import parse_document
from pipeline.parser.names import clean_candidate, name_shape
from tests.unit.parser import docgen


def _top_of_resume(first: str | tuple[str, float, bool], email: str) -> bytes:
    lines: list[str | tuple[str, float, bool]] = [
        first,
        f"{email} | +1 512 555 0134",
        "",
        docgen.h("Experience"),
        ("Operations Manager", 10.0, True),
        "Harbor Freight Lines | Jan 2019 - Present",
        "",
        docgen.h("Education"),
        "BSc Logistics, University of Leeds, 2016",
    ]
    return docgen.pdf([docgen.column(50, 60, lines)])


@pytest.mark.parametrize(
    ("printed", "email"),
    [
        ("Tomás Okafor", "t.okafor@example.org"),
        ("José García", "jgarcia@example.org"),
        ("Zoë Kravitz", "zoe.k@example.org"),
        ("Anna Müller", "anna.mueller@example.org"),
        ("TOMÁS OKAFOR", "tokafor@example.org"),
        ("OKAFOR, Chidi", "chidi@example.org"),
        ("J. R. Hartley", "jrh@example.org"),
        ("Ludwig van der Berg", "ludwig@example.org"),
        ("Siobhán O'Neill-Byrne", "siobhan@example.org"),
        ("李娜", "lina@example.org"),
        ("Ben Okafor", "ben@example.org"),  # a particle elsewhere, a given name first
        ("Karin Person", "karin@example.org"),  # a word of a German heading, a surname here
    ],
)
def test_a_name_in_any_script_is_found(printed: str, email: str) -> None:
    res = parse_document(_top_of_resume((printed, 20.0, True), email), "cv.pdf")
    assert res.name == printed


@pytest.mark.parametrize(
    "phrase",
    ["Skill Highlights", "Microsoft Office", "Customer Service", "Computer Science",
     "Los Angeles", "Reno NV", "Work Experience", "Senior Accountant", "Start Date",
     "Magna Cum Laude", "State Board", "SAP ABAP", "UI (10+ years)", "Curriculum Vitae"],
)
def test_headings_skills_titles_places_are_not_names(phrase: str) -> None:
    assert not name_shape(clean_candidate(phrase))


def test_a_nameless_resume_gets_no_name() -> None:
    """Large, bold, capitalised phrases at the top are not taken for the owner's name."""
    lines: list[str | tuple[str, float, bool]] = [
        ("Customer Service", 20.0, True),
        ("Skill Highlights", 14.0, True),
        "someone@example.org",
        docgen.h("Experience"),
        "Cashier | Corner Grocery Ltd | 2018 - 2020",
    ]
    res = parse_document(docgen.pdf([docgen.column(50, 60, lines)]), "cv.pdf")
    assert res.name is None
    assert "no name found" in res.meta.warnings


def test_credentials_and_honorifics_are_not_part_of_the_name() -> None:
    assert clean_candidate("Dr. Jane Doe, MBA, PMP") == "Jane Doe"
    assert clean_candidate('"Hettie Langosh, P.H.R.') == "Hettie Langosh"


def test_the_email_corroborates_one_of_two_name_shaped_lines() -> None:
    """Two same-size candidates: the one the email address spells wins."""
    lines: list[str | tuple[str, float, bool]] = [
        ("Harbor Lights Fund", 12.0, True),
        ("Maren Solberg", 12.0, True),
        "maren.solberg@example.org",
        docgen.h("Experience"),
        "Analyst | Fjord Capital AS | 2018 - 2020",
    ]
    res = parse_document(docgen.pdf([docgen.column(50, 60, lines)]), "cv.pdf")
    assert res.name == "Maren Solberg"


def test_referees_are_not_the_candidate() -> None:
    text = (b"curriculum vitae\nkim@example.org\n\nEXPERIENCE\nClerk, Town Hall Ltd, 2015 - 2019\n"
            b"\nREFERENCES\nGregory T. Jones\nManager, Town Hall Ltd\n")
    assert parse_document(text, "cv.txt").name is None
