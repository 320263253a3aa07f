"""The layout-invariance suite: the same synthetic people rendered in many CV layouts.

`LAYOUTS` maps a layout name to `person -> (bytes, filename)`; `SCANS` names the layouts
without a text layer (measured, but owned by the OCR work). The parser should read every
layout of a person equally well: see benchmarks/parse_layouts.py and
tests/unit/parser/test_layout_invariance.py.
"""

from __future__ import annotations

from collections.abc import Callable

from tests.layouts import render_docx, render_pdf, render_scan
from tests.layouts.people import Person, people

Layout = Callable[[Person], tuple[bytes, str]]

LAYOUTS: dict[str, Layout] = {
    "one_column": render_pdf.one_column,
    "two_column": render_pdf.two_column,
    "sidebar_left": render_pdf.sidebar_left,
    "sidebar_right": render_pdf.sidebar_right,
    "dates_left": render_pdf.dates_left,
    "one_line": render_pdf.one_line_entries,
    "company_first": render_pdf.company_first,
    "header_footer": render_pdf.header_footer,
    "german": render_pdf.german,
    "spanish": render_pdf.spanish,
    "docx_plain": render_docx.docx_plain,
    "docx_tables": render_docx.docx_tables,
    "docx_sidebar": render_docx.docx_sidebar,
    "docx_textbox": render_docx.docx_textbox,
    "scan": render_scan.scan,
}
SCANS = frozenset({"scan"})

__all__ = ["LAYOUTS", "SCANS", "Layout", "Person", "people"]
