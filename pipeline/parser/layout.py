"""Reading order from positioned text: blocks → columns → `Line`s, for PDFs and for scans.

Résumé pages are often two-column or sidebar designs; reading them top to bottom interleaves
the columns line by line. Blocks (from PyMuPDF's text layer, or from Tesseract's word boxes on
a scan) are grouped into columns by a vertical gutter, each column is read in turn, and a
right-aligned date is glued back onto its line. Both extractors build the same structure, so
the field rules see the same kind of lines whether the page was typed or scanned.
"""

from __future__ import annotations

from dataclasses import dataclass

from pipeline.parser import dates
from pipeline.parser.lines import Line, is_caps


@dataclass
class RawLine:
    """One visual line with its box in points, before reading order is known."""

    text: str
    x0: float
    y0: float
    x1: float
    y1: float
    bold: bool
    size: float


@dataclass
class Block:
    """Lines that belong together (a PDF block, an OCR paragraph) and their box."""

    x0: float
    y0: float
    x1: float
    y1: float
    lines: list[RawLine]


def _split_columns(blocks: list[Block], width: float) -> tuple[list[list[Block]], float]:
    """Find one vertical gutter that no body block crosses; return the reading groups.

    Blocks crossing the gutter are allowed only above or below the columns (a full-width
    page header with the name, a footer). Returns ([top, left, right, bottom], gutter_x) or
    ([all], 0) when the page is single-column.
    """
    if len(blocks) < 3:
        return [blocks], 0.0
    candidates = sorted({round(b.x1 + 2) for b in blocks} | {round(b.x0 - 2) for b in blocks})
    best: tuple[float, list[list[Block]], float] | None = None
    for gx in candidates:
        if not width * 0.18 < gx < width * 0.82:
            continue
        left = [b for b in blocks if b.x1 <= gx]
        right = [b for b in blocks if b.x0 >= gx]
        cross = [b for b in blocks if b.x0 < gx < b.x1]
        if len(left) < 1 or len(right) < 1 or len(left) + len(right) < 3:
            continue
        head_end = _header_end(left, right, cross)
        top = [b for b in blocks if b.y1 <= head_end + 2]
        left = [b for b in left if b.y1 > head_end + 2]
        right = [b for b in right if b.y1 > head_end + 2]
        if not left or not right:
            continue
        body_top = min(b.y0 for b in left + right)
        body_bottom = max(b.y1 for b in left + right)
        top += [b for b in cross if b.y1 <= body_top + 2 and b not in top]
        bottom = [b for b in cross if b.y0 >= body_bottom - 2]
        if any(b not in top and b not in bottom for b in cross):
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
        # ... and so are dates printed at the right of their rows
        dated = sum(_is_date_block(b) and any(abs(a.y0 - b.y0) < 3 for a in left)
                    for b in right)
        if dated >= 2 and dated * 2 > len(right):
            continue
        score = min(lh, rh)
        if best is None or score > best[0]:
            middle = (max(b.x1 for b in left) + min(b.x0 for b in right)) / 2
            best = (score, [top, left, right, bottom], middle)
    if best is None:
        return [blocks], 0.0
    return best[1], best[2]


def _is_date_block(block: Block) -> bool:
    """A block holding a date or a date range and little else ('2018-11 — 2022-03',
    'May 2016 –' / 'Present')."""
    if len(block.lines) > 3:
        return False
    text = " ".join(ln.text for ln in block.lines)
    return bool(dates.find_range(text) or dates.find_single(text)) and len(
        dates.strip_dates(text).split()) <= 2


def _header_end(left: list[Block], right: list[Block], cross: list[Block]) -> float:
    """Where the page's header band ends: below the last full-width block above the columns.

    A short name above a full-width contact line sits on one side of the gutter but belongs
    to the header; the columns start where text stands on both sides of the gutter.
    """
    sides = [(a, b) for a in left for b in right if a.y0 < b.y1 and b.y0 < a.y1]
    if not sides:
        return 0.0
    columns_start = min(min(a.y0, b.y0) for a, b in sides)
    above = [b.y1 for b in cross if b.y0 < columns_start]
    return max(above, default=0.0)


def _band_gutter(band: list[Block]) -> tuple[float, float] | None:
    """The free x-interval parting a band's blocks into a left and a right side, where each
    side holds text that is more than a date (a date beside its row is glued, not a side)."""
    best: tuple[float, float] | None = None
    for pivot in band:
        left = [b for b in band if b.x1 <= pivot.x0]
        right = [b for b in band if b.x0 >= pivot.x0]
        if not left or len(left) + len(right) != len(band):
            continue
        if all(_is_date_block(b) for b in left) or all(_is_date_block(b) for b in right):
            continue
        lo, hi = max(b.x1 for b in left), min(b.x0 for b in right)
        if hi - lo >= 8 and (best is None or hi - lo > best[1] - best[0]):
            best = (lo, hi)
    return best


def _balanced(region: list[Block], gutter: float) -> bool:
    """Cards carry text of like weight on both sides; a label column beside its rows does
    not (a few words of dates or headings against whole paragraphs)."""
    def words(side: list[Block]) -> int:
        return sum(len(ln.text.split()) for b in side for ln in b.lines)
    left = words([b for b in region if b.x1 <= gutter])
    right = words([b for b in region if b.x1 > gutter])
    return min(left, right) >= 0.3 * max(left, right)


def _reading_order(group: list[Block]) -> tuple[list[Block], dict[int, int]]:
    """Blocks top to bottom, except where cards stand side by side for two rows or more
    (two schools, two projects): the left card is read whole, then the right one.

    Blocks that overlap vertically form a band; consecutive bands parted by a common free
    x-interval (or standing on one side of it) form a region, read left side first. Also
    returns each card block's side (by id), so nothing is glued across the cards' gutter.
    """
    blocks = sorted(group, key=lambda b: (round(b.y0), b.x0))
    bands: list[list[Block]] = []
    bottom = -1.0
    for b in blocks:
        if bands and b.y0 < bottom - 1:
            bands[-1].append(b)
            bottom = max(bottom, b.y1)
        else:
            bands.append([b])
            bottom = b.y1
    out: list[Block] = []
    sides: dict[int, int] = {}
    i = 0
    while i < len(bands):
        gutter = _band_gutter(bands[i])
        j, two_sided, end = i + 1, 1, i + 1
        while gutter and j < len(bands):
            nxt = _band_gutter(bands[j])
            if nxt is not None and max(gutter[0], nxt[0]) < min(gutter[1], nxt[1]):
                gutter = (max(gutter[0], nxt[0]), min(gutter[1], nxt[1]))
                two_sided, end = two_sided + 1, j + 1
            elif nxt is not None or any(b.x0 < gutter[1] and b.x1 > gutter[0]
                                        for b in bands[j]):
                break  # a block crosses the gutter: the region ends
            j += 1
        # one-sided bands after the last two-sided one are the page going on below the cards
        j = end
        region = [b for band in bands[i:j] for b in band]
        if gutter and two_sided >= 2 and _balanced(region, gutter[0]):
            for side, blocks_of_side in enumerate(
                    ([b for b in region if b.x1 <= gutter[0]],
                     [b for b in region if b.x1 > gutter[0]])):
                out += blocks_of_side
                sides.update({id(b): 2 * i + side for b in blocks_of_side})
        else:
            out += region
        i = j
    return out, sides


def _ordered_lines(group: list[Block], tolerance: float) -> list[tuple[RawLine, bool, bool]]:
    """Lines of a group in reading order; a one-line block sitting on another line's
    baseline (a right-aligned date, a left date label) is glued onto that line with a tab."""
    group, sides = _reading_order(group)
    rows: list[tuple[RawLine, bool, bool]] = []
    singles = [b for b in group if len(b.lines) == 1]
    merged: set[int] = set()
    for b in group:
        if id(b) in merged:
            continue
        merged.add(id(b))  # read: no later line may glue it on again
        for i, ln in enumerate(b.lines):
            for s in singles:
                if s is b or id(s) in merged or sides.get(id(s)) != sides.get(id(b)):
                    continue
                sl = s.lines[0]
                if (abs(sl.y0 - ln.y0) < tolerance and abs(sl.y1 - ln.y1) < tolerance
                        and sl.x0 > ln.x1):
                    ln.text = f"{ln.text}\t{sl.text}"
                    ln.x1 = sl.x1
                    merged.add(id(s))
            # within 8% of the block's width from its right edge: the text may have wrapped
            reaches = ln.x1 >= b.x1 - 0.08 * (b.x1 - b.x0) and i < len(b.lines) - 1
            rows.append((ln, i == 0, reaches))
    return rows


def page_lines(blocks: list[Block], width: float, pno: int, *,
               tolerance: float = 3.0) -> tuple[list[Line], str]:
    """The page's lines in reading order, and its layout: single, columns or sidebar.

    `tolerance` (points) is how far two boxes' tops and bottoms may differ and still sit on
    one baseline: tight for a text layer, looser for OCR boxes.
    """
    groups, gx = _split_columns(blocks, width)
    layout = "single"
    if gx:
        # a gutter far from the middle means a narrow sidebar beside a main column
        layout = "sidebar" if not 0.38 * width < gx < 0.62 * width else "columns"
    out: list[Line] = []
    for col, group in enumerate(groups):
        first = True
        for raw, starts, reaches in _ordered_lines(group, tolerance):
            out.append(
                Line(raw.text, bold=raw.bold, size=raw.size, page=pno, column=col,
                     block_start=starts or first,
                     column_start=first and layout == "sidebar" and col in (1, 2),
                     caps=is_caps(raw.text), full_width=reaches)
            )
            first = False
    return out, layout


def document_layout(page_layouts: set[str]) -> str:
    """A document's layout from its pages': a sidebar anywhere wins, then columns."""
    return next((kind for kind in ("sidebar", "columns") if kind in page_layouts), "single")
