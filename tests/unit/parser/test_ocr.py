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
