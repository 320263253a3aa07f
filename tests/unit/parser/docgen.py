"""Generators for the résumé files the parser tests read (never real people, never dev data).

Each helper writes a small, fictional document with PyMuPDF or python-docx so a test can
state exactly which layout it exercises.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

import docx
import pymupdf
from docx.shared import Pt


@dataclass
class Text:
    """One line placed on a PDF page (points from the top-left corner)."""

    x: float
    y: float
    text: str
    size: float = 10.0
    bold: bool = False


def _font(ln: Text) -> str:
    """Helvetica covers Windows-1252 only; MuPDF's built-in CJK font also has Han and kana."""
    try:
        ln.text.encode("cp1252")
    except UnicodeEncodeError:
        return "china-s"
    return "hebo" if ln.bold else "helv"


def pdf(pages: list[list[Text]], *, password: str | None = None) -> bytes:
    """A text PDF with each line placed exactly where asked."""
    doc = pymupdf.open()
    for lines in pages:
        page = doc.new_page(width=595, height=842)
        for ln in lines:
            page.insert_text((ln.x, ln.y), ln.text, fontsize=ln.size, fontname=_font(ln))
    kwargs: dict[str, object] = {}
    if password:
        kwargs = {"encryption": pymupdf.PDF_ENCRYPT_AES_256, "user_pw": password,
                  "owner_pw": password + "-owner"}
    data = doc.tobytes(**kwargs)
    doc.close()
    return data


def column(x: float, y: float, lines: list[str | tuple[str, float, bool]],
           step: float = 14.0) -> list[Text]:
    """Lines stacked downwards from (x, y); a tuple gives (text, size, bold)."""
    out: list[Text] = []
    for item in lines:
        if isinstance(item, tuple):
            text, size, bold = item
        else:
            text, size, bold = item, 10.0, False
        if text:
            out.append(Text(x, y, text, size, bold))
        y += step
    return out


def h(text: str) -> tuple[str, float, bool]:
    """A section heading: bold capitals."""
    return (text.upper(), 11.0, True)


NAME = ("Priya Ramanathan", 20.0, True)

ONE_COLUMN = [
    NAME,
    "Austin, TX | priya.r@example.org | +1 512 555 0134",
    "",
    h("Summary"),
    "Backend engineer building payment systems.",
    "",
    h("Experience"),
    ("Senior Software Engineer", 10.0, True),
    "Northwind Traders Inc. | Jan 2019 - Present",
    "• Built the settlement service in Python and PostgreSQL",
    ("Software Engineer", 10.0, True),
    "Contoso Ltd | 06/2015 - 12/2018",
    "• Maintained billing APIs",
    "",
    h("Education"),
    "Bachelor of Science in Computer Science",
    "Lakeside University, 2015",
    "",
    h("Certifications"),
    "AWS Certified Developer",
    "Certified Kubernetes Administrator",
]


def one_column_pdf() -> bytes:
    return pdf([column(50, 60, list(ONE_COLUMN))])


def two_column_pdf() -> bytes:
    """Name across the top, then experience on the left and education/skills on the right."""
    top = column(50, 60, [NAME, "Denver, CO · priya.r@example.org"])
    left = column(50, 130, [
        h("Experience"),
        ("Data Engineer", 10.0, True),
        "Fabrikam Corp",
        "Mar 2020 - Present",
        "• Streamed events into the warehouse",
        ("Analyst", 10.0, True),
        "Tailspin Toys LLC",
        "2017 - 2020",
        "• Reports and dashboards",
    ])
    right = column(320, 130, [
        h("Education"),
        "Master of Science in Statistics",
        "Riverbend University",
        "2017",
        "",
        h("Skills"),
        "Python, SQL, Airflow",
    ])
    return pdf([top + left + right])


def sidebar_pdf() -> bytes:
    """A narrow left sidebar (contact, education) and the name at the top of the main column."""
    side = column(25, 60, [
        h("Contact"),
        "Lyon, France",
        "camille.dubois@example.fr",
        "+33 6 12 34 56 78",
        "",
        h("Education"),
        "Master of Engineering",
        "Ecole Centrale Institute",
        "2014",
    ])
    main = column(200, 60, [
        ("Camille Dubois", 20.0, True),
        "",
        h("Experience"),
        ("Process Engineer", 10.0, True),
        "Sanofi Group · Lyon",
        "2017.11 - present",
        "• Scaled a vaccine filling line",
        ("Quality Engineer", 10.0, True),
        "Renault Group",
        "2014.09 - 2017.10",
        "• Supplier audits",
    ])
    return pdf([side + main])


def docx_file(*, header: list[str] | None = None, table: list[list[str]] | None = None,
              body: list[str | tuple[str, bool]] | None = None) -> bytes:
    """A DOCX with optional page-header paragraphs, a leading table and body paragraphs.

    A body item `(text, True)` is a bold paragraph; text starting with '• ' becomes a list
    paragraph (real Word bullets, not a typed glyph).
    """
    document = docx.Document()
    if header:
        hdr = document.sections[0].header
        hdr.paragraphs[0].text = header[0]
        for line in header[1:]:
            hdr.add_paragraph(line)
    if table:
        tbl = document.add_table(rows=len(table), cols=len(table[0]))
        for r, row in enumerate(table):
            for c, cell in enumerate(row):
                tbl.cell(r, c).text = cell
    for item in body or []:
        text, bold = item if isinstance(item, tuple) else (item, False)
        if text.startswith("• "):
            document.add_paragraph(text[2:], style="List Bullet")
            continue
        para = document.add_paragraph()
        run = para.add_run(text)
        run.bold = bold
        run.font.size = Pt(10)
    buf = io.BytesIO()
    document.save(buf)
    return buf.getvalue()


def scan_png(lines: list[str | tuple[str, float, bool]], *, rotate: int = 0,
             dpi: int = 200) -> bytes:
    """Render text to a page, rasterise it (a 'scan'), optionally rotated, as PNG bytes."""
    from PIL import Image

    src = pymupdf.open("pdf", pdf([column(50, 60, lines, step=20)]))
    pix = src[0].get_pixmap(dpi=dpi, colorspace=pymupdf.csGRAY)
    src.close()
    img = Image.frombytes("L", (pix.width, pix.height), pix.samples)
    if rotate:
        img = img.rotate(rotate, expand=True, fillcolor=255)
    buf = io.BytesIO()
    img.save(buf, format="PNG")
    return buf.getvalue()


def raster(pdf_bytes: bytes, *, rotate: float = 0.0, dpi: int = 200) -> bytes:
    """The first page of a PDF as a grayscale PNG 'scan', optionally skewed by a few degrees."""
    from PIL import Image

    src = pymupdf.open("pdf", pdf_bytes)
    pix = src[0].get_pixmap(dpi=dpi, colorspace=pymupdf.csGRAY)
    src.close()
    img = Image.frombytes("L", (pix.width, pix.height), pix.samples)
    if rotate:
        img = img.rotate(rotate, expand=False, fillcolor=255, resample=Image.BICUBIC)
    buf = io.BytesIO()
    img.save(buf, format="PNG")
    return buf.getvalue()


def scanned_pdf(png: bytes) -> bytes:
    """A PDF whose only page content is an image (no text layer)."""
    doc = pymupdf.open()
    page = doc.new_page(width=595, height=842)
    page.insert_image(page.rect, stream=png)
    data = doc.tobytes()
    doc.close()
    return data


SCAN_LINES: list[str | tuple[str, float, bool]] = [
    ("Jordan Whitaker", 22.0, True),
    "Portland, OR | jordan.whitaker@example.com | (503) 555-0187",
    "",
    h("Experience"),
    ("Warehouse Supervisor", 12.0, True),
    "Acme Logistics Inc | May 2018 - Present",
    "",
    h("Education"),
    "Associate of Applied Science",
    "Mt Hood Community College, 2016",
]
