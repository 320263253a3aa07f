"""Layout-aware PDF text extraction with PyMuPDF.

PyMuPDF's text layer gives blocks of lines with fonts and positions; `layout` puts them in
reading order (columns, sidebars, right-aligned dates). Here repeated page headers and footers
are marked, and bold/size survive as line features for heading detection. Pages without a
usable text layer go through OCR, which builds the same blocks from word boxes.
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Any

import pymupdf

from pipeline.errors import Rejected
from pipeline.parser import ocr
from pipeline.parser.layout import Block, RawLine, document_layout, page_lines
from pipeline.parser.lines import ExtractedDocument, Line, clean_text

MAX_PAGES = 50
_PAGE_NO = re.compile(r"^(page\s*)?\d{1,3}(\s*(of|/)\s*\d{1,3})?$", re.I)


def _span_bold(span: dict[str, Any]) -> bool:
    return bool(span["flags"] & 16) or "bold" in span["font"].lower() or "black" in span[
        "font"
    ].lower()


def _blocks(page: pymupdf.Page) -> list[Block]:
    out: list[Block] = []
    info = page.get_text("dict", flags=pymupdf.TEXTFLAGS_TEXT)
    for blk in info["blocks"]:
        if blk.get("type") != 0:
            continue
        lines: list[RawLine] = []
        for ln in blk["lines"]:
            spans = [s for s in ln["spans"] if s["text"].strip()]
            if not spans:
                continue
            text = clean_text("".join(s["text"] for s in ln["spans"]))
            if not text:
                continue
            chars = sum(len(s["text"].strip()) for s in spans)
            bold_chars = sum(len(s["text"].strip()) for s in spans if _span_bold(s))
            x0, y0, x1, y1 = ln["bbox"]
            if lines and abs(lines[-1].y0 - y0) < 2 and x0 >= lines[-1].x1 - 1:
                # PyMuPDF splits a visual line at big gaps; keep them as one line with a tab
                prev = lines[-1]
                prev.text = f"{prev.text}\t{text}"
                prev.x1 = x1
                continue
            lines.append(
                RawLine(text, x0, y0, x1, y1, bold_chars * 2 > chars,
                         max(round(s["size"], 1) for s in spans))
            )
        if lines:
            x0, y0, x1, y1 = blk["bbox"]
            out.append(Block(x0, y0, x1, y1, lines))
    return out


def _page_lines(page: pymupdf.Page, pno: int) -> tuple[list[Line], str]:
    return page_lines(_blocks(page), page.rect.width, pno)


def _mark_headers_footers(pages: list[list[Line]]) -> None:
    """Mark lines repeated at the top (or at the bottom) of several pages, and bare page
    numbers. A line at the foot of one page and the head of the next is content a page break
    repeated, not a running header."""
    if len(pages) < 2:
        return
    seen: dict[tuple[str, str], int] = {}

    def key(ln: Line) -> str:
        return re.sub(r"\d+", "#", ln.text.lower())

    for lines in pages:
        for where, edge in (("head", lines[:2]), ("foot", lines[-2:])):
            for k in {key(ln) for ln in edge}:
                seen[(where, k)] = seen.get((where, k), 0) + 1
    for lines in pages:
        for i, ln in enumerate(lines):
            if 2 <= i < len(lines) - 2:
                continue
            side = "head" if i < 2 else "foot"
            # page 1's copy too: a running footer is no role or skill on any page (the
            # sections still read page 1's, which may carry the name)
            if _PAGE_NO.match(ln.text.strip()) or seen.get((side, key(ln)), 0) >= 2:
                lines[i] = replace(ln, is_header_footer=True)


def extract_pdf(data: bytes) -> ExtractedDocument:
    """Read a PDF into lines; pages without a usable text layer go through OCR."""
    try:
        doc = pymupdf.open(stream=data, filetype="pdf")
    except Exception as exc:  # PyMuPDF raises its own FileDataError/RuntimeError variety
        raise Rejected(f"corrupt PDF: {str(exc)[:80]}") from None
    with doc:
        if doc.needs_pass and not doc.authenticate(""):
            raise Rejected("password-protected PDF")
        if doc.page_count > MAX_PAGES:
            raise Rejected(f"file too large: {doc.page_count} pages (limit {MAX_PAGES})")
        if doc.page_count == 0:
            raise Rejected("corrupt PDF: no pages")
        pages: list[list[Line]] = []
        layouts: set[str] = set()
        ocr_used = False
        for pno in range(doc.page_count):
            page = doc[pno]
            try:
                lines, layout = _page_lines(page, pno)
            except RuntimeError as exc:
                raise Rejected(f"corrupt PDF: {str(exc)[:80]}") from None
            alnum = sum(ch.isalnum() for ln in lines for ch in ln.text)
            if alnum < 40 and (page.get_images() or not lines):
                ocr_lines, ocr_layout = ocr.ocr_pdf_page(page, pno)
                if ocr_lines:
                    lines, layout, ocr_used = ocr_lines, ocr_layout, True
            layouts.add(layout)
            pages.append(lines)
        _mark_headers_footers(pages)
        result = ExtractedDocument([ln for p in pages for ln in p], doc.page_count, "pymupdf",
                                   ocr_used)
    result.layout = document_layout(layouts)
    return result
