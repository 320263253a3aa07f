"""Shapes community CV themes print (found with benchmarks/parse_themes.py), in generated PDFs.

Each test builds the shape alone: achievements written without bullets, a label column that
holds the headings and the dates, dates at the right of their rows, a sidebar that wraps the
email address, and "Name, Title" on one line.
"""

from __future__ import annotations

import pytest

from pipeline.parser import layout, parse_document, sections
from pipeline.parser.fields_contact import find_email
from pipeline.parser.fields_experience import parse_experience
from pipeline.parser.layout import Block, RawLine
from pipeline.parser.lines import Line
from tests.unit.parser import docgen
from tests.unit.parser.docgen import Text


def _roles(res: object) -> list[tuple[str | None, str | None, str | None, str | None]]:
    return [(e.title, e.company, e.start_date, e.end_date)
            for e in res.experience]  # type: ignore[attr-defined]


def test_achievements_without_bullets_are_not_titles() -> None:
    """Company and dates, then the title, then achievements starting with a past-tense verb:
    the achievements describe the role; they do not name the next one."""
    lines = docgen.column(60, 60, [
        docgen.NAME, "priya.r@example.org", "", docgen.h("Experience"),
        ("Northwind Traders Ltd\t03/2020 - Present", 10.0, True), "PHYSIOTHERAPIST",
        "Reduced patient wait times by reorganising triage",
        "Trained new staff on medication safety procedures",
        ("Mercy Valley Health\t03/2018 - 02/2020", 10.0, True), "CLINICAL COORDINATOR",
        "Coordinated care for a busy surgical ward",
    ])
    res = parse_document(docgen.pdf([lines]), "cv.pdf")
    assert _roles(res) == [
        ("PHYSIOTHERAPIST", "Northwind Traders Ltd", "2020-03", "present"),
        ("CLINICAL COORDINATOR", "Mercy Valley Health", "2018-03", "2020-02"),
    ]


def test_a_label_column_holds_the_headings_and_the_dates() -> None:
    """Headings in capitals on their section's first baseline, and dates in a narrow left
    column a little off their row's baseline."""
    page = [Text(220, 50, "Priya Ramanathan", 18, True), Text(220, 70, "priya.r@example.org"),
            Text(60, 110, "WORK EXPERIENCE", 9), Text(220, 110, "Head of Science at Lakeview"),
            Text(60, 114, "2021-06 to Present", 8), Text(240, 124, "Designed a course"),
            Text(60, 150, "2017 to 2021", 8), Text(220, 146, "Teacher at Riverside Academy"),
            Text(240, 160, "Taught algebra to five classes"),
            Text(60, 200, "EDUCATION", 9), Text(220, 200, "Rhine Valley University"),
            Text(220, 213, "Master of Science in Physics")]
    res = parse_document(docgen.pdf([page]), "cv.pdf")
    assert _roles(res) == [("Head of Science", "Lakeview", "2021-06", "present"),
                           ("Teacher", "Riverside Academy", "2017", "2021")]
    assert [e.institution for e in res.education] == ["Rhine Valley University"]


def _block(x0: float, y0: float, *texts: str, width: float = 200) -> Block:
    lines = [RawLine(t, x0, y0 + 14 * i, x0 + width, y0 + 14 * i + 10, False, 9.0)
             for i, t in enumerate(texts)]
    return Block(x0, y0, x0 + width, lines[-1].y1, lines)


def test_dates_at_the_right_of_their_rows_are_not_a_column() -> None:
    """Each date its own block at the right margin, on its row's baseline (as a browser
    prints a flex row): the dates are glued to their rows, not read as a column after them."""
    rows = [("Lakeview School, Head of Science", "2022 — 2024"),
            ("Riverside Academy, Teacher", "2018-11 — 2022-03"),
            ("Northgate School, Advisor", "2017-06 — 2018-11"),
            ("Westbrook College, Lecturer", "2014-01 — 2017-05")]
    blocks = [_block(80, 60, "Priya Ramanathan", width=250)]
    for n, (header, when) in enumerate(rows):
        y = 100 + 56 * n
        blocks += [_block(160, y, header), _block(430, y, when, width=90),
                   _block(175, y + 16, "Designed a course for new students",
                          "Ran the maths club every week")]
    lines, kind = layout.page_lines(blocks, 612, 0)
    assert kind == "single"
    assert [ln.text for ln in lines if "\t" in ln.text] == [f"{h}\t{w}" for h, w in rows]


def test_a_sidebar_wraps_the_email_and_holds_the_place() -> None:
    sidebar = docgen.column(40, 120, ["About", "Austin, TX", "priya.ramanathan@ma",
                                      "il.example.com", "(512) 555-0117"], step=12)
    main = docgen.column(230, 120, [docgen.h("Experience"),
                                    ("Northwind Traders\t2019 - Present", 10.0, True),
                                    "Data Analyst", "Built the weekly sales report",
                                    docgen.h("Education"), "Lakeside University",
                                    "Bachelor of Science in Statistics, 2019"])
    name = [Text(40, 60, "Priya Ramanathan, Head of Data", 20, True)]
    res = parse_document(docgen.pdf([name + sidebar + main]), "cv.pdf")
    assert res.name == "Priya Ramanathan"
    assert res.email == "priya.ramanathan@mail.example.com"
    assert res.location == "Austin, TX"


def test_a_label_over_every_role_and_lines_printed_as_blocks() -> None:
    """'Highlights' under each role labels its achievements (a heading is printed once); an
    open range ('2020-03 –') is a role held since; a browser prints each wrapped line as a
    block of its own, and a lower-case tail ('triage', 'senschaften') goes on with the line
    above, a word hyphenated at the margin joined whole."""
    def line(text: str, bold: bool = False) -> Line:
        return Line(text, bold=bold, size=10.0, block_start=True)
    lines = [line("Priya Ramanathan", True), line("EXPERIENCE", True)]
    for header in [["Northwind Health Ltd\t2020-03 –", "Physiotherapist"],
                   ["Research Fellow\t2018-03 – 2020-02", "Akademie der Wis-", "senschaften"],
                   ["Mercy Valley Hospital\t2016-05 – 2018-02", "Registered Nurse"]]:
        lines += [line(text, True) for text in header]
        lines += [line("Highlights", True), line("Reduced patient wait times by reorganising"),
                  line("triage")]
    found = sections.split_sections(lines)
    assert [s.kind for s in found] == ["top", "experience"]
    roles = [(e.title, e.company, e.start_date, e.end_date)
             for e in parse_experience(found[1].lines)]
    assert roles == [
        ("Physiotherapist", "Northwind Health Ltd", "2020-03", "present"),
        ("Research Fellow", "Akademie der Wissenschaften", "2018-03", "2020-02"),
        ("Registered Nurse", "Mercy Valley Hospital", "2016-05", "2018-02"),
    ]


def test_cards_side_by_side_are_read_one_after_the_other() -> None:
    """Two schools printed as cards in a row: each card is read whole, nothing is glued
    across the gap between them, and a single column around them keeps its order."""
    blocks = [_block(50, 40, "EDUCATION", width=80),
              _block(50, 60, "Rhine Valley University", width=140),
              _block(306, 58, "Universidad de Valdemora", width=150),
              _block(50, 78, "2013", "Master of Science in Logistics", width=140),
              _block(306, 78, "2011", "Bachelor of Commerce", width=150),
              _block(50, 130, "SKILLS", width=80), _block(50, 150, "Python, SQL", width=100)]
    lines, _ = layout.page_lines(blocks, 612, 0)
    assert [ln.text for ln in lines] == [
        "EDUCATION", "Rhine Valley University", "2013", "Master of Science in Logistics",
        "Universidad de Valdemora", "2011", "Bachelor of Commerce", "SKILLS", "Python, SQL"]


def test_a_compound_title_is_a_title() -> None:
    """'Physiotherapist', 'Projektmanager': a word ending in a title word names the role, so
    an unknown company beside it is the company."""
    lines = [Line(text, bold="\t" in text, size=10.0) for text in (
        "Clínica Santa Aurelia\t2020-03 – 2023-01", "Physiotherapist",
        "• Ran the outpatient clinic", "Klinikum Rheinufer\t2016-05 – 2020-02",
        "Projektmanager", "• Led the move to the new wing")]
    roles = [(e.title, e.company) for e in parse_experience(lines)]
    assert roles == [("Physiotherapist", "Clínica Santa Aurelia"),
                     ("Projektmanager", "Klinikum Rheinufer")]


def test_a_date_printed_under_the_first_achievement_finds_its_header() -> None:
    """A label column's date can sit a line low, under the role's first achievement: the
    header above that achievement is still the role's."""
    lines = [Line(text, bold=text.startswith(("Backend", "20")), size=9.0) for text in (
        "Backend Developer at Bluefin Systems GmbH",
        "Built a billing service handling two million invoices a month",
        "2021-07 to 2025-01", "2018 to 2021", "Backend Developer at Tessaract Software S.A.",
        "Mentored four junior developers through their first releases")]
    roles = [(e.title, e.company, e.start_date) for e in parse_experience(lines)]
    assert roles == [("Backend Developer", "Bluefin Systems GmbH", "2021-07"),
                     ("Backend Developer", "Tessaract Software S.A.", "2018")]


def test_a_role_tools_printed_as_tags_are_not_the_next_role() -> None:
    """'Go<tab>TypeScript<tab>React' closes a role's entry; the next role's company is the
    line under its title, not the tags above it."""
    lines = [Line(text, bold=not text.startswith(("•", "Go", "Python")), size=11.0)
             for text in ("Ingénieur logiciel senior\t2021 - 2024", "Entreprise ABC\tFrance",
                          "• Built the billing service", "Go\tTypeScript\tReact",
                          "Ingénieur logiciel\t2018 - 2021", "Groupe DEF\tFrance",
                          "• Ran the test suite", "Python\tPostgreSQL")]
    assert [(e.title, e.company) for e in parse_experience(lines)] == [
        ("Ingénieur logiciel senior", "Entreprise ABC"), ("Ingénieur logiciel", "Groupe DEF")]


@pytest.mark.parametrize(("printed", "address"), [
    (["marcus.johnson-", "reyes@example.com"], "marcus.johnson-reyes@example.com"),
    (["priya.oneill@mail.exampl", "e.co.uk"], "priya.oneill@mail.example.co.uk"),
    (["priya@ma", "il.example.com"], "priya@mail.example.com"),
])
def test_an_address_wrapped_by_a_narrow_column_is_read_whole(printed: list[str],
                                                             address: str) -> None:
    first, second = printed
    lines = [Line("(512) 555-0142", size=9.0, block_start=True),
             Line(first, size=9.0, block_start=True), Line(second, size=9.0)]
    assert find_email(lines) == address
    # two lines of separate blocks that do not reach the edge are two things
    apart = [lines[0], Line("x.y@example.com", size=9.0, block_start=True),
             Line("linkedin.com", size=9.0, block_start=True)]
    assert find_email(apart) == "x.y@example.com"


def test_a_double_barrelled_name_broken_at_its_hyphen_is_one_name() -> None:
    """A header too narrow for the whole name breaks it at its hyphen."""
    page = [Text(60, 40, "María José Fernández-", 24, True), Text(60, 66, "Soto", 24, True),
            Text(60, 100, "maria.fernandez-soto@example.es"), Text(60, 130, "EXPERIENCE", 11, True),
            Text(60, 150, "Payroll Specialist   2019 - 2024"), Text(60, 164, "Hollis & Crane LLP")]
    assert parse_document(docgen.pdf([page]), "cv.pdf").name == "María José Fernández-Soto"


def test_small_caps_i_and_a_running_footer() -> None:
    """A LaTeX CV class prints small capitals whose i comes out lower-case ('IGLESiAS'); its
    running footer ('date · name · page') names the owner and is no role."""
    def footer(page: int) -> list[Text]:
        return [Text(60, 800, "February 20, 2026", 8),
                Text(250, 800, "ALEJANDRO IGLESiAS CALVO · RESUMEN", 8),
                Text(520, 800, str(page), 8)]
    pages = [[Text(60, 60, "EXPERIENCIA", 12, True), Text(60, 80, "Wizeline"),
              Text(60, 94, "INGENiERO L3"), Text(400, 94, "Septiembre 2023 - Actualidad"),
              Text(60, 108, "• Microservicios en Azure"), *footer(1)],
             [Text(60, 60, "EDUCACIÓN", 12, True), Text(60, 80, "Universidad de Oviedo"),
              Text(60, 94, "GRADO EN INGENiERíA INFORMÁTiCA"), Text(400, 94, "2015 - 2019"),
              *footer(2)]]
    res = parse_document(docgen.pdf(pages), "cv.pdf")
    assert res.name == "ALEJANDRO IGLESIAS CALVO"
    assert [(e.title, e.company, e.start_date) for e in res.experience] == [
        ("INGENIERO L3", "Wizeline", "2023-09")]
    assert res.education[0].degree == "GRADO EN INGENIERÍA INFORMÁTICA"


def test_a_line_a_page_break_repeats_is_content_not_a_running_footer() -> None:
    """Chromium may print a role's header at the foot of one page and again at the head of
    the next: it stays a role."""
    pages = [[Text(60, 60, "EXPERIENCE", 12, True), Text(60, 80, "Northwind Health Ltd"),
              Text(400, 80, "2021 - 2024"), Text(60, 94, "Charge Nurse"),
              Text(60, 108, "• Ran the night shift"), Text(60, 800, "Mercy Valley Hospital"),
              Text(400, 800, "2017 - 2020")],
             [Text(60, 40, "Mercy Valley Hospital"), Text(400, 40, "2017 - 2020"),
              Text(60, 54, "Staff Nurse"), Text(60, 68, "• Cared for twelve patients"),
              Text(60, 200, "SKILLS", 12, True), Text(60, 220, "Triage")]]
    res = parse_document(docgen.pdf(pages), "cv.pdf")
    assert ("Mercy Valley Hospital", "2017") in [(e.company, e.start_date)
                                                 for e in res.experience]
