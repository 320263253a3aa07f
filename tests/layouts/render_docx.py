"""Word layouts of one person: plain headings, experience in a table, a layout table with a
sidebar, and contact details in a floating text box.

python-docx has no API for text boxes, so the box is written as the DrawingML XML Word itself
saves (`mc:AlternateContent` with a `wps:txbx` choice and a VML fallback holding the same text).
"""

from __future__ import annotations

import io
from html import escape

import docx
from docx.document import Document
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls
from docx.shared import Pt
from docx.table import _Cell

from tests.layouts.people import Person
from tests.layouts.wording import ENGLISH, ENGLISH_CAPS, NUMERIC, Wording


def _save(document: Document) -> bytes:
    buf = io.BytesIO()
    document.save(buf)
    return buf.getvalue()


def _para(where: Document | _Cell, text: str, *, bold: bool = False, size: float = 10.5,
          italic: bool = False) -> None:
    run = where.add_paragraph().add_run(text)
    run.bold, run.italic, run.font.size = bold, italic, Pt(size)


def _name(document: Document, person: Person) -> None:
    _para(document, person.name, bold=True, size=22)


def _roles(document: Document, person: Person, w: Wording) -> None:
    document.add_heading(w.experience, level=1)
    for role in person.roles:
        _para(document, role.title, bold=True)
        dates = w.dates(role)
        _para(document, f"{role.company} | {dates}" if dates else role.company)
        for line in role.bullets:
            document.add_paragraph(line, style="List Bullet")


def _rest(document: Document, person: Person, w: Wording) -> None:
    document.add_heading(w.education, level=1)
    for s in person.schools:
        _para(document, s.degree, bold=True)
        _para(document, f"{s.institution}, {s.year}" if s.year else s.institution)
    document.add_heading(w.skills, level=1)
    _para(document, ", ".join(person.skills))


def docx_plain(p: Person) -> tuple[bytes, str]:
    """Word's own heading styles, a contact line under the name, bulleted entries."""
    document = docx.Document()
    _name(document, p)
    _para(document, f"{p.location} · {p.email} · {p.phone}")
    document.add_heading(ENGLISH.summary, level=1)
    _para(document, p.summary)
    _roles(document, p, ENGLISH)
    _rest(document, p, ENGLISH)
    return _save(document), f"{p.key}.docx"


def docx_tables(p: Person) -> tuple[bytes, str]:
    """Experience and education as bordered tables: period | position | employer."""
    w = NUMERIC
    document = docx.Document()
    _name(document, p)
    _para(document, p.email)
    _para(document, p.phone)
    _para(document, p.location)
    document.add_heading(w.experience, level=1)
    table = document.add_table(rows=0, cols=3)
    table.style = "Table Grid"
    for role in p.roles:
        cells = table.add_row().cells
        cells[0].text, cells[1].text, cells[2].text = w.dates(role), role.title, role.company
    document.add_heading(w.education, level=1)
    table = document.add_table(rows=0, cols=3)
    table.style = "Table Grid"
    for s in p.schools:
        cells = table.add_row().cells
        cells[0].text, cells[1].text, cells[2].text = s.year or "", s.degree, s.institution
    document.add_heading(w.skills, level=1)
    _para(document, ", ".join(p.skills))
    return _save(document), f"{p.key}.docx"


def docx_sidebar(p: Person) -> tuple[bytes, str]:
    """A borderless two-cell layout table: contact and skills left, the CV body right."""
    w = ENGLISH
    document = docx.Document()
    _name(document, p)
    table = document.add_table(rows=1, cols=2)
    side, main = table.rows[0].cells
    side.width, main.width = Pt(150), Pt(330)
    side.paragraphs[0].add_run(w.contact.upper()).bold = True
    for text in (p.location, p.email, p.phone):
        _para(side, text, size=9)
    _para(side, w.skills.upper(), bold=True)
    for skill in p.skills:
        _para(side, skill, size=9)
    main.paragraphs[0].add_run(w.experience.upper()).bold = True
    for role in p.roles:
        _para(main, role.title, bold=True)
        dates = w.dates(role)
        _para(main, f"{role.company} | {dates}" if dates else role.company)
        for line in role.bullets:
            _para(main, f"• {line}")
    _para(main, w.education.upper(), bold=True)
    for s in p.schools:
        _para(main, s.degree, bold=True)
        _para(main, f"{s.institution}, {s.year}" if s.year else s.institution)
    return _save(document), f"{p.key}.docx"


_NS = " ".join(f"xmlns:{k}='{v}'" for k, v in {
    "mc": "http://schemas.openxmlformats.org/markup-compatibility/2006",
    "wps": "http://schemas.microsoft.com/office/word/2010/wordprocessingShape",
    "a": "http://schemas.openxmlformats.org/drawingml/2006/main",
    "v": "urn:schemas-microsoft-com:vml"}.items())


def _text_box(lines: list[str]) -> str:
    """A floating text box holding one paragraph per line, as Word writes it."""
    paras = "".join(f"<w:p><w:r><w:rPr><w:sz w:val='18'/></w:rPr><w:t xml:space='preserve'>"
                    f"{escape(t)}</w:t></w:r></w:p>" for t in lines)
    content = f"<w:txbxContent>{paras}</w:txbxContent>"
    return (
        f"<w:r {nsdecls('w', 'wp')} {_NS}>"
        "<mc:AlternateContent><mc:Choice Requires='wps'><w:drawing>"
        "<wp:anchor distT='0' distB='0' distL='114300' distR='114300' simplePos='0'"
        " relativeHeight='2' behindDoc='0' locked='0' layoutInCell='1' allowOverlap='1'>"
        "<wp:simplePos x='0' y='0'/>"
        "<wp:positionH relativeFrom='page'><wp:posOffset>4572000</wp:posOffset></wp:positionH>"
        "<wp:positionV relativeFrom='page'><wp:posOffset>457200</wp:posOffset></wp:positionV>"
        "<wp:extent cx='2560320' cy='822960'/><wp:effectExtent l='0' t='0' r='0' b='0'/>"
        "<wp:wrapSquare wrapText='bothSides'/><wp:docPr id='1' name='Contact box'/>"
        "<wp:cNvGraphicFramePr/><a:graphic><a:graphicData"
        " uri='http://schemas.microsoft.com/office/word/2010/wordprocessingShape'>"
        f"<wps:wsp><wps:cNvSpPr txBox='1'/><wps:spPr><a:xfrm><a:off x='0' y='0'/>"
        "<a:ext cx='2560320' cy='822960'/></a:xfrm><a:prstGeom prst='rect'><a:avLst/>"
        f"</a:prstGeom></wps:spPr><wps:txbx>{content}</wps:txbx><wps:bodyPr/></wps:wsp>"
        "</a:graphicData></a:graphic></wp:anchor></w:drawing></mc:Choice>"
        "<mc:Fallback><w:pict><v:shape id='Contact box' type='#_x0000_t202'"
        " style='position:absolute;width:201.6pt;height:64.8pt'>"
        f"<v:textbox>{content}</v:textbox></v:shape></w:pict></mc:Fallback>"
        "</mc:AlternateContent></w:r>"
    )


def docx_textbox(p: Person) -> tuple[bytes, str]:
    """The name in the body, the contact details in a text box floating at the top right."""
    w = ENGLISH_CAPS
    document = docx.Document()
    _name(document, p)
    anchor = document.paragraphs[0]._p
    anchor.append(parse_xml(_text_box([p.email, p.phone, p.location])))
    _para(document, p.summary, italic=True)
    _roles(document, p, w)
    _rest(document, p, w)
    return _save(document), f"{p.key}.docx"
