"""Text-PDF layouts of one person: columns, sidebars, tables, entry styles, page furniture.

Each layout is `person -> (bytes, filename)`. The body flows through the layout's frames with
PyMuPDF's Story (several pages when it must); fixed parts (a sidebar, a page header or footer)
are placed afterwards with `insert_htmlbox`. Both keep a real text layer in the printed order.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from html import escape

import pymupdf

from tests.layouts import blocks as b
from tests.layouts.people import Person
from tests.layouts.wording import ENGLISH, ENGLISH_CAPS, GERMAN, ISO, NUMERIC, SPANISH, Wording

A4 = pymupdf.paper_rect("a4")
Frames = Callable[[int], list[pymupdf.Rect]]
Decorate = Callable[[pymupdf.Page, int], None]


def flow(html: str, frames: Frames, style: str,
         decorate: Decorate | None = None) -> bytes:
    """Pour `html` into the frames of page 0, 1, …; then let `decorate` draw on each page."""
    story = pymupdf.Story(html=html, user_css=style)
    buf = io.BytesIO()
    writer = pymupdf.DocumentWriter(buf)
    plan: list[tuple[int, int]] = []  # rect number -> (page, frame)

    def rectfn(num: int, _filled: object) -> tuple[object, pymupdf.Rect, None]:
        page, frame = plan[-1] if plan else (-1, 0)
        if not plan or frame + 1 >= len(frames(page)):
            page, frame = page + 1, 0
        else:
            frame += 1
        plan.append((page, frame))
        return (A4 if frame == 0 else None), frames(page)[frame], None

    story.write(writer, rectfn)
    writer.close()
    doc = pymupdf.open("pdf", buf.getvalue())
    if decorate is not None:
        for number in range(doc.page_count):
            decorate(doc[number], number)
    # embed only the glyphs used, as real PDF writers do (a full CJK font is 3.5 MB)
    doc.subset_fonts()
    data = doc.tobytes(garbage=3, deflate=True)
    doc.close()
    return data


def _box(page: pymupdf.Page, rect: pymupdf.Rect, html: str, style: str) -> None:
    # a long e-mail address in a narrow sidebar is printed smaller, as designers do
    spare, _ = page.insert_htmlbox(rect, html, css=style, scale_low=0.6)
    if spare < 0:
        raise ValueError(f"layout box too small for its text: {rect}")


def _body(person: Person, w: Wording, entry: b.Entry = b.entry_stacked) -> str:
    return (b.summary(person, w) + b.experience(person, w, entry) + b.education(person, w)
            + b.skills_inline(person, w))


def _single(person: Person, w: Wording, entry: b.Entry, family: str) -> bytes:
    html = b.name(person) + b.contact_line(person) + _body(person, w, entry)
    return flow(html, lambda _p: [pymupdf.Rect(50, 45, 545, 800)], b.css(family))


def one_column(p: Person) -> tuple[bytes, str]:
    return _single(p, ENGLISH, b.entry_stacked, "sans-serif"), f"{p.key}.pdf"


def one_line_entries(p: Person) -> tuple[bytes, str]:
    return _single(p, NUMERIC, b.entry_one_line, "serif"), f"{p.key}.pdf"


def company_first(p: Person) -> tuple[bytes, str]:
    return _single(p, ENGLISH_CAPS, b.entry_company_first, "sans-serif"), f"{p.key}.pdf"


def dates_left(p: Person) -> tuple[bytes, str]:
    return _single(p, ENGLISH, b.entry_dates_left, "serif"), f"{p.key}.pdf"


def german(p: Person) -> tuple[bytes, str]:
    return _single(p, GERMAN, b.entry_stacked, "sans-serif"), f"{p.key}.pdf"


def spanish(p: Person) -> tuple[bytes, str]:
    return _single(p, SPANISH, b.entry_stacked, "serif"), f"{p.key}.pdf"


def _height(html: str, style: str, width: float) -> float:
    """How tall `html` is when poured into one column of this width."""
    story = pymupdf.Story(html=html, user_css=style)
    _, filled = story.place(pymupdf.Rect(0, 0, width, 100_000))
    return float(pymupdf.Rect(filled).y1)


def two_column(p: Person) -> tuple[bytes, str]:
    """Name and contact across the top; the body flows newspaper-style down the left column
    and on into the right one, the two balanced (an entry may break across the gutter)."""
    style = b.css("sans-serif", 9.5, 24)
    body = _body(p, ENGLISH_CAPS, b.entry_three_lines)
    half = _height(body, style, 245) / 2 + 12

    def frames(page: int) -> list[pymupdf.Rect]:
        top = 120 if page == 0 else 45
        bottom = min(800.0, top + half) if page == 0 else 800.0
        return [pymupdf.Rect(45, top, 290, bottom), pymupdf.Rect(305, top, 550, bottom)]

    def head(page: pymupdf.Page, number: int) -> None:
        if number == 0:
            _box(page, pymupdf.Rect(45, 40, 550, 115),
                 b.name(p) + b.contact_line(p, "  ·  "), style)
    return flow(body, frames, style, head), f"{p.key}.pdf"


def _sidebar(p: Person, left: bool) -> bytes:
    """Contact and skills in a narrow column; name, experience and education in the main one."""
    w = NUMERIC if left else ISO
    style = b.css("sans-serif", 9.5, 20)
    side = pymupdf.Rect(25, 45, 180, 800) if left else pymupdf.Rect(415, 45, 570, 800)
    main = pymupdf.Rect(200, 45, 560, 800) if left else pymupdf.Rect(30, 45, 395, 800)
    html = (b.name(p) + b.summary(p, w) + b.experience(p, w) + b.education(p, w))

    def sidebar(page: pymupdf.Page, number: int) -> None:
        if number == 0:
            _box(page, side, b.heading(w.contact) + b.contact_lines(p) + b.skills_list(p, w),
                 style)
    return flow(html, lambda _p: [main], style, sidebar)


def sidebar_left(p: Person) -> tuple[bytes, str]:
    return _sidebar(p, left=True), f"{p.key}.pdf"


def sidebar_right(p: Person) -> tuple[bytes, str]:
    return _sidebar(p, left=False), f"{p.key}.pdf"


def header_footer(p: Person) -> tuple[bytes, str]:
    """The name in the page header and the contact details in the footer, on every page."""
    style = b.css("serif", 10, 18)

    def furniture(page: pymupdf.Page, _number: int) -> None:
        _box(page, pymupdf.Rect(50, 25, 545, 60), b.name(p), style)
        _box(page, pymupdf.Rect(50, 805, 545, 830),
             f"<p style='font-size:8pt'>{escape(p.email)} · {escape(p.phone)} · "
             f"{escape(p.location)}</p>", style)
    return flow(_body(p, ENGLISH), lambda _p: [pymupdf.Rect(50, 75, 545, 790)], style,
                furniture), f"{p.key}.pdf"
