"""Layout-aware PDF text extraction with PyMuPDF.

Résumé PDFs are often two-column or sidebar designs; plain text extraction interleaves the
columns line by line. Here blocks are grouped into columns by a vertical gutter, each column is
read in turn, right-aligned dates are glued back onto their line, repeated page headers and
footers are marked, and bold/size survive as line features for heading detection.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import pymupdf

from pipeline.errors import Rejected
from pipeline.parser import ocr
from pipeline.parser.lines import Extracted, Line, clean_text, is_caps

MAX_PAGES = 50
_PAGE_NO = re.compile(r"^(page\s*)?\d{1,3}(\s*(of|/)\s*\d{1,3})?$", re.I)


@dataclass
class _RawLine:
    text: str
    x0: float
    y0: float
    x1: float
    y1: float
    bold: bool
    size: float


@dataclass
class _Block:
    x0: float
    y0: float
    x1: float
    y1: float
    lines: list[_RawLine]


def _span_bold(span: dict[str, Any]) -> bool:
    return bool(span["flags"] & 16) or "bold" in span["font"].lower() or "black" in span[
        "font"
    ].lower()


def _blocks(page: pymupdf.Page) -> list[_Block]:
    out: list[_Block] = []
    info = page.get_text("dict", flags=pymupdf.TEXTFLAGS_TEXT)
    for blk in info["blocks"]:
        if blk.get("type") != 0:
            continue
        lines: list[_RawLine] = []
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
                _RawLine(text, x0, y0, x1, y1, bold_chars * 2 > chars,
                         max(round(s["size"], 1) for s in spans))
            )
        if lines:
            x0, y0, x1, y1 = blk["bbox"]
            out.append(_Block(x0, y0, x1, y1, lines))
    return out


def _split_columns(blocks: list[_Block], width: float) -> tuple[list[list[_Block]], float]:
    """Find one vertical gutter that no body block crosses; return the reading groups.

    Blocks crossing the gutter are allowed only above or below the columns (a full-width
    page header with the name, a footer). Returns ([top, left, right, bottom], gutter_x) or
    ([all], 0) when the page is single-column.
    """
    if len(blocks) < 3:
        return [blocks], 0.0
    candidates = sorted({round(b.x1 + 2) for b in blocks} | {round(b.x0 - 2) for b in blocks})
    best: tuple[float, list[list[_Block]], float] | None = None
    for gx in candidates:
        if not width * 0.18 < gx < width * 0.82:
            continue
        left = [b for b in blocks if b.x1 <= gx]
        right = [b for b in blocks if b.x0 >= gx]
        cross = [b for b in blocks if b.x0 < gx < b.x1]
        if len(left) < 1 or len(right) < 1 or len(left) + len(right) < 3:
            continue
        body_top = min(b.y0 for b in left + right)
        body_bottom = max(b.y1 for b in left + right)
        top = [b for b in cross if b.y1 <= body_top + 2]
        bottom = [b for b in cross if b.y0 >= body_bottom - 2]
        if len(top) + len(bottom) != len(cross):
            continue
        # both sides must carry real text, spread vertically (not one stray label)
        lh = sum(b.y1 - b.y0 for b in left)
        rh = sum(b.y1 - b.y0 for b in right)
        if min(lh, rh) < 40:
            continue
        # rows pairing a left label with a right text (a dates-left table) are one column
        paired = sum(any(abs(a.y0 - b.y0) < 3 for b in right) for a in left)
        if paired >= 2 and paired * 2 > len(left):
            continue
        score = min(lh, rh)
        if best is None or score > best[0]:
            middle = (max(b.x1 for b in left) + min(b.x0 for b in right)) / 2
            best = (score, [top, left, right, bottom], middle)
    if best is None:
        return [blocks], 0.0
    return best[1], best[2]


def _ordered_lines(group: list[_Block]) -> list[tuple[_RawLine, bool]]:
    """Lines of a group top to bottom; a one-line block sitting on another line's baseline
    (a right-aligned date, a left date label) is glued onto that line with a tab."""
    group = sorted(group, key=lambda b: (round(b.y0), b.x0))
    rows: list[tuple[_RawLine, bool]] = []
    singles = [b for b in group if len(b.lines) == 1]
    merged: set[int] = set()
    for b in group:
        if id(b) in merged:
            continue
        for i, ln in enumerate(b.lines):
            for s in singles:
                if s is b or id(s) in merged:
                    continue
                sl = s.lines[0]
                if abs(sl.y0 - ln.y0) < 3 and abs(sl.y1 - ln.y1) < 3 and sl.x0 > ln.x1:
                    ln.text = f"{ln.text}\t{sl.text}"
                    ln.x1 = sl.x1
                    merged.add(id(s))
            rows.append((ln, i == 0))
    return rows


def _page_lines(page: pymupdf.Page, pno: int) -> tuple[list[Line], str]:
    width = page.rect.width
    blocks = _blocks(page)
    groups, gx = _split_columns(blocks, width)
    layout = "single"
    if gx:
        # a gutter far from the middle means a narrow sidebar beside a main column
        layout = "sidebar" if not 0.38 * width < gx < 0.62 * width else "columns"
    out: list[Line] = []
    for col, group in enumerate(groups):
        first = True
        for raw, starts in _ordered_lines(group):
            out.append(
                Line(raw.text, bold=raw.bold, size=raw.size, page=pno, column=col,
                     block_start=starts or first,
                     column_start=first and layout == "sidebar" and col in (1, 2),
                     caps=is_caps(raw.text))
            )
            first = False
    return out, layout


def _mark_headers_footers(pages: list[list[Line]]) -> None:
    """Mark lines repeated at the top/bottom of several pages, and bare page numbers."""
    if len(pages) < 2:
        return
    seen: dict[str, int] = {}
    for lines in pages:
        edge = lines[:2] + lines[-2:]
        for key in {re.sub(r"\d+", "#", ln.text.lower()) for ln in edge}:
            seen[key] = seen.get(key, 0) + 1
    for pi, lines in enumerate(pages):
        for i, ln in enumerate(lines):
            if not (i < 2 or i >= len(lines) - 2):
                continue
            key = re.sub(r"\d+", "#", ln.text.lower())
            if _PAGE_NO.match(ln.text.strip()) or (seen.get(key, 0) >= 2 and pi > 0):
                lines[i] = Line(ln.text, ln.bold, ln.size, ln.page, ln.column, True,
                                ln.block_start, ln.column_start, ln.caps)


def extract_pdf(data: bytes) -> Extracted:
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
                ocr_lines = ocr.ocr_pdf_page(page, pno)
                if ocr_lines:
                    lines, layout, ocr_used = ocr_lines, "single", True
            layouts.add(layout)
            pages.append(lines)
        _mark_headers_footers(pages)
        result = Extracted([ln for p in pages for ln in p], doc.page_count, "pymupdf", ocr_used)
    if "sidebar" in layouts:
        result.layout = "sidebar"
    elif "columns" in layouts:
        result.layout = "columns"
    return result
