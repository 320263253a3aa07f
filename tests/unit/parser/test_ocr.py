"""Scanned résumés: an image-only PDF page and a rotated image go through Tesseract."""

from __future__ import annotations

import shutil

import pytest

from pipeline.parser import parse_document
from tests.unit.parser import docgen

pytestmark = pytest.mark.skipif(
    shutil.which("tesseract") is None, reason="tesseract binary not installed (apt tesseract-ocr)"
)


def test_scanned_pdf_page() -> None:
    data = docgen.scanned_pdf(docgen.scan_png(docgen.SCAN_LINES))
    res = parse_document(data, "scan.pdf")
    assert res.meta.ocr_used is True
    assert any(w.startswith("OCR used") for w in res.meta.warnings)
    assert res.name == "Jordan Whitaker"
    assert res.email == "jordan.whitaker@example.com"
    assert res.phone == "+15035550187"
    assert res.experience and res.experience[0].start_date == "2018-05"
    assert res.experience[0].end_date == "present"


def test_rotated_scan_image() -> None:
    res = parse_document(docgen.scan_png(docgen.SCAN_LINES, rotate=90), "scan.png")
    assert res.meta.ocr_used is True
    assert res.meta.extractor == "tesseract"
    assert res.email == "jordan.whitaker@example.com"
    assert res.name == "Jordan Whitaker"


def _two_column_scan() -> bytes:
    """A sidebar page (contact and skills left, roles right), rasterised with a 2° skew."""
    side = docgen.column(40, 70, [("Ines Carvalho", 18.0, True), "ines.c@example.org",
                                  "Porto, Portugal", "", docgen.h("Skills"), "Python", "SQL"],
                         step=20)
    main = docgen.column(250, 70, [
        docgen.h("Experience"),
        ("Data Engineer", 11.0, True), "Farfetch Ltd | 2019 - Present",
        "- Built the event pipeline",
        ("Analyst", 11.0, True), "Sonae SA | 2016 - 2019",
        "- Weekly sales reports",
        "", docgen.h("Education"), "MSc Informatics, University of Porto, 2016",
    ], step=20)
    return docgen.scanned_pdf(docgen.raster(docgen.pdf([side + main]), rotate=2))


def test_a_skewed_sidebar_scan_keeps_its_columns_and_entries() -> None:
    res = parse_document(_two_column_scan(), "scan.pdf")
    assert res.meta.ocr_used is True
    assert res.name == "Ines Carvalho"
    assert res.email == "ines.c@example.org"
    assert [(e.title, e.company, e.start_date, e.end_date) for e in res.experience] == [
        ("Data Engineer", "Farfetch Ltd", "2019", "present"),
        ("Analyst", "Sonae SA", "2016", "2019"),
    ]
    assert [(e.degree, e.institution) for e in res.education] == [
        ("MSc Informatics", "University of Porto")]


def _installed(lang: str) -> bool:
    import pytesseract

    return lang in pytesseract.get_languages(config="")


@pytest.mark.parametrize(("name", "lang"), [("Анна Смирнова", "rus"), ("Дмитрий Волков", "rus")])
def test_a_scanned_name_in_another_script_is_read_with_its_model(name: str, lang: str) -> None:
    if not _installed(lang):
        pytest.skip(f"tesseract-ocr-{lang} not installed (make installs it)")
    lines: list[str | tuple[str, float, bool]] = [
        (name, 22.0, True), "anna.z@example.org | +44 20 7946 0958", "",
        docgen.h("Experience"), ("Logistics Manager", 11.0, True),
        "Harbor Freight Ltd | 2019 - Present", "- Ran the night shift"]
    res = parse_document(docgen.scanned_pdf(docgen.scan_png(lines)), "scan.pdf")
    assert res.name == name


@pytest.mark.parametrize("index", [0, 8])
def test_a_noisy_skewed_jpeg_scan_parses_its_name_email_roles_and_education(index: int) -> None:
    """The layout suite's scan: 200 dpi grey, 1–3° skew, speckles, blur and JPEG artefacts."""
    from tests.layouts import LAYOUTS, people

    person = people(40)[index]
    data, filename = LAYOUTS["scan"](person)
    res = parse_document(data, filename)
    assert res.meta.ocr_used is True
    assert (res.name, res.email) == (person.name, person.email)
    assert [(e.company, e.start_date, e.end_date) for e in res.experience] == [
        (r.company, r.start, r.end) for r in person.roles]
    assert [(e.degree, e.institution, e.graduation_date) for e in res.education] == [
        (s.degree, s.institution, s.year) for s in person.schools]


def test_small_print_on_a_low_resolution_scan_is_read_enlarged() -> None:
    """7.5 pt text at 110 dpi is too small for Tesseract as it is; read enlarged, the stray
    marks it otherwise glues to the company are gone."""
    small = [(t[0], t[1] * 0.75, t[2]) if isinstance(t, tuple) else (t, 7.5, False)
             for t in docgen.SCAN_LINES]
    res = parse_document(docgen.scan_png(small, dpi=110), "scan.png")
    assert res.email == "jordan.whitaker@example.com"
    assert [(e.title, e.company, e.start_date) for e in res.experience][:1] == [
        ("Warehouse Supervisor", "Acme Logistics Inc", "2018-05")]


def test_a_scanned_japanese_page_is_read_with_the_japanese_model() -> None:
    """English Tesseract reads a Japanese page as noise (language 'pt', a +1 phone); script
    detection sends it to the Japanese model."""
    if not _installed("jpn"):
        pytest.skip("tesseract-ocr-jpn not installed (make installs it)")
    lines: list[str | tuple[str, float, bool]] = [
        ("山田 太郎", 20.0, True), "taro.yamada@example.jp  090-1234-5678",
        "東京都新宿区西新宿2-8-1", "", ("職務経歴", 13.0, True),
        "2019年4月 - 現在  株式会社サンプル  ソフトウェアエンジニア"]
    res = parse_document(docgen.scan_png(lines), "scan.png")
    assert res.meta.language == "ja"
    assert res.name == "山田 太郎"
    assert res.email == "taro.yamada@example.jp"
    assert res.phone == "+819012345678"
