"""Experience and education entries printed in the less common shapes."""

from __future__ import annotations

from pipeline.parser import parse_document
from tests.unit.parser import docgen

_TOP = "Maren Solberg\nmaren@example.org\n\n"


def _roles(body: str) -> list[tuple[str | None, str | None, str | None, str | None]]:
    res = parse_document((_TOP + body).encode(), "cv.txt")
    return [(e.title, e.company, e.start_date, e.end_date) for e in res.experience]


def _schools(body: str) -> list[tuple[str | None, str | None, str | None]]:
    res = parse_document((_TOP + body).encode(), "cv.txt")
    return [(e.degree, e.institution, e.graduation_date) for e in res.education]


def test_company_as_title_and_company_dash_title() -> None:
    assert _roles("EXPERIENCE\nGlobex Corporation as Senior Analyst\nJan 2018 - Mar 2020\n"
                  "- Led the reporting team\nInitech – Data Engineer\n2016 - 2018\n") == [
        ("Senior Analyst", "Globex Corporation", "2018-01", "2020-03"),
        ("Data Engineer", "Initech", "2016", "2018"),
    ]


def test_title_company_city_dates_on_one_line() -> None:
    assert _roles("EXPERIENCE\nData Engineer | Globex Corporation | Berlin, Germany | "
                  "2019 - Present\n- Built pipelines\n") == [
        ("Data Engineer", "Globex Corporation", "2019", "present")]


def test_a_parenthesised_part_is_kept_whole() -> None:
    assert _roles("EXPERIENCE\nData Engineer (Contract, Remote)\nGlobex Corporation\n"
                  "2019 - 2021\n") == [
        ("Data Engineer (Contract, Remote)", "Globex Corporation", "2019", "2021")]


def test_roles_printed_without_dates() -> None:
    lines: list[str | tuple[str, float, bool]] = [
        ("Maren Solberg", 18.0, True), "maren@example.org", "", docgen.h("Experience"),
        ("Senior Analyst", 10.0, True), "Globex Corporation, Oslo",
        "• Led the migration of the reporting platform",
        ("Data Engineer", 10.0, True), "Initech", "• Built pipelines",
    ]
    res = parse_document(docgen.pdf([docgen.column(50, 60, lines, step=13)]), "cv.pdf")
    assert [(e.title, e.company, e.start_date) for e in res.experience] == [
        ("Senior Analyst", "Globex Corporation", None), ("Data Engineer", "Initech", None)]


def test_a_short_bullet_does_not_swallow_the_next_header() -> None:
    lines: list[str | tuple[str, float, bool]] = [
        ("Maren Solberg", 18.0, True), "maren@example.org", "", docgen.h("Experience"),
        "Globex Corporation – Senior Analyst", "2018 - 2020", "• Led",
        "Initech - Data Engineer", "2016 - 2018",
    ]
    res = parse_document(docgen.pdf([docgen.column(50, 60, lines, step=13)]), "cv.pdf")
    assert [(e.title, e.company) for e in res.experience] == [
        ("Senior Analyst", "Globex Corporation"), ("Data Engineer", "Initech")]


def test_a_wrapped_bullet_tail_is_not_the_next_title() -> None:
    assert _roles("EXPERIENCE\nSenior Analyst\nGlobex Corporation | Jan 2018 - Mar 2020\n"
                  "• Led the migration of the reporting platform, working with the\n"
                  "Product Management Team\nData Engineer\nInitech | 2016 - 2018\n") == [
        ("Senior Analyst", "Globex Corporation", "2018-01", "2020-03"),
        ("Data Engineer", "Initech", "2016", "2018"),
    ]


def test_schools_by_their_initials_and_without_their_city() -> None:
    assert _schools("EDUCATION\nB.S. Computer Science, UCLA, 2015\nMS Data Science\nNYU, 2017\n"
                    "M.Sc. Informatik, TU Berlin, 2014\n"
                    "Bachelor of Arts, University of Toronto, Toronto, 2010\n") == [
        ("B.S. Computer Science", "UCLA", "2015"),
        ("MS Data Science", "NYU", "2017"),
        ("M.Sc. Informatik", "TU Berlin", "2014"),
        ("Bachelor of Arts", "University of Toronto", "2010"),
    ]


def test_a_course_list_is_not_a_degree() -> None:
    assert _schools("EDUCATION\nBachelor of Science in Biology, Ohio State University, 2012\n"
                    "Courses: Genetics, Organic Chemistry, Statistics\n") == [
        ("Bachelor of Science in Biology", "Ohio State University", "2012")]
