"""Contact fields from generated files: names, phones (E.164), emails, locations."""

from __future__ import annotations

import pytest

from pipeline.parser import parse_document
from pipeline.parser.phones import parse_phone
from tests.unit.parser import docgen


@pytest.mark.parametrize(
    ("raw", "region", "e164"),
    [
        ("+44 20 7946 0958", "US", "+442079460958"),
        ("+91 98450 12345", "US", "+919845012345"),
        ("098450 12345", "IN", "+919845012345"),
        ("(512) 555-0134", "US", "+15125550134"),
        ("+49 30 901820", "US", "+4930901820"),
        ("+1 512 555 0134 ext. 42", "US", "+15125550134 ext. 42"),
        ("+33 6 12 34 56 78", "US", "+33612345678"),
    ],
)
def test_international_phones(raw: str, region: str, e164: str) -> None:
    assert parse_phone(raw, region) == e164


def test_date_ranges_are_not_phones() -> None:
    assert parse_phone("2015.06 - 2016.11", "IN") is None
    assert parse_phone("2012 - 2016", "US") is None


def test_school_and_city_before_the_name() -> None:
    """The first lines name a university and a city; the bigger, name-shaped line wins."""
    lines = [
        "Northfield State University",
        "Chicago, IL",
        ("Marcus O'Neill", 18.0, True),
        "marcus.oneill@example.com | 312-555-0199",
        "",
        docgen.h("Experience"),
        "Logistics Coordinator | Blue Harbor Shipping Co | 2019 - Present",
    ]
    res = parse_document(docgen.pdf([docgen.column(50, 60, lines)]), "cv.pdf")
    assert res.name == "Marcus O'Neill"
    assert res.email == "marcus.oneill@example.com"
    assert res.phone == "+13125550199"
    assert res.location == "Chicago, IL"


def test_labelled_contact_lines_in_plain_text() -> None:
    text = (
        "Ana Souza\nData Analyst\n\nEmail: ana.souza@example.com\nPhone: +55 11 91234-5678\n"
        "Location: São Paulo, Brazil\nhttps://github.com/ana-souza-example\n"
    ).encode()
    res = parse_document(text, "cv.txt")
    assert res.name == "Ana Souza"
    assert res.phone == "+5511912345678"
    assert res.location == "São Paulo, Brazil"
    assert "https://github.com/ana-souza-example" in res.links


@pytest.mark.parametrize(("line", "place"), [
    ("Pune, Maharashtra - Email me on Indeed: ravi.k@example.com", "Pune, Maharashtra"),
    ("Pune, Maharashtra - +91 98450 12345", "Pune, Maharashtra"),
    ("Kharadi, Pune, 411014, IN - Email me on Indeed: ravi.k@example.com", "Kharadi, Pune"),
])
def test_a_place_before_a_spaced_hyphen_is_the_location(line: str, place: str) -> None:
    """Job-board exports write "City, State - Email me on ..." on one line: the place is read
    and its postal and country codes are dropped."""
    text = f"Ravi Kumar\nSystem Engineer - Example Systems\n\n{line}\n\nSKILLS\nJava\n"
    res = parse_document(text.encode(), "cv.txt")
    assert (res.name, res.location) == ("Ravi Kumar", place)


def test_other_formats_rtf_and_html() -> None:
    rtf = (rb"{\rtf1\ansi {\b Jane Roe}\par jane.roe@example.com\par Boston, MA\par"
           rb" {\b Experience}\par Nurse | Mercy Hospital | 2018 - Present\par}")
    res = parse_document(rtf, "jane.rtf")
    assert (res.name, res.location, res.meta.extractor) == ("Jane Roe", "Boston, MA", "striprtf")
    assert [(e.title, e.company, e.start_date) for e in res.experience] == [
        ("Nurse", "Mercy Hospital", "2018")]
    html = (b"<html><body><h1>Jane Roe</h1><p>jane.roe@example.com</p><h2>Experience</h2>"
            b"<p>Nurse | Mercy Hospital | 2018 - Present</p></body></html>")
    res = parse_document(html, "jane.html")
    assert res.email == "jane.roe@example.com"
    assert res.experience[0].end_date == "present"
