"""DOCX text extraction in document order: body paragraphs, tables, text boxes, headers/footers.

Word résumés put contact details in page headers, tables and floating text boxes; python-docx's
`paragraphs` sees none of those, so the body XML is walked directly. Bold and font size are
resolved from runs and paragraph styles so headings can be recognised by layout.
"""

from __future__ import annotations

import io
import zipfile
from typing import Any

import docx
from docx.oxml.ns import qn

from pipeline.errors import Rejected
from pipeline.parser.lines import ExtractedDocument, Line, clean_text, is_caps

_W_P, _W_TBL, _W_R, _W_T = qn("w:p"), qn("w:tbl"), qn("w:r"), qn("w:t")
_W_TAB, _W_BR, _W_TXBX = qn("w:tab"), qn("w:br"), qn("w:txbxContent")
_W_TR, _W_TC, _W_SDT = qn("w:tr"), qn("w:tc"), qn("w:sdt")
_MC_FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"
_W_VAL = qn("w:val")


class _Styles:
    """Effective bold/size of paragraph styles, following `basedOn` chains."""

    def __init__(self, document: Any) -> None:
        # read the styles XML directly: python-docx's style objects are slow to walk
        self._by_id: dict[str, tuple[bool | None, float | None, str]] = {}
        self._names: dict[str, str] = {}
        root = document.styles.element
        for st in root.iterchildren(qn("w:style")):
            sid = st.get(qn("w:styleId")) or ""
            name = st.find(qn("w:name"))
            self._names[sid] = name.get(_W_VAL) if name is not None else ""
            based = st.find(qn("w:basedOn"))
            rpr = st.find(qn("w:rPr"))
            bold = _flag(rpr, qn("w:b")) if rpr is not None else None
            sz = rpr.find(qn("w:sz")) if rpr is not None else None
            size = int(sz.get(_W_VAL)) / 2 if sz is not None and sz.get(_W_VAL) else None
            self._by_id[sid] = (bold, size, based.get(_W_VAL) if based is not None else "")

    def resolve(self, style_id: str | None) -> tuple[bool, float, str]:
        bold: bool | None = None
        size: float | None = None
        name = self._names.get(style_id or "", "") if style_id else ""
        seen = 0
        sid = style_id or "Normal"
        while sid and sid in self._by_id and seen < 10:
            b, s, base = self._by_id[sid]
            bold = b if bold is None else bold
            size = s if size is None else size
            sid, seen = base, seen + 1
        return bool(bold), size or 11.0, name


def _flag(el: Any, tag: str) -> bool | None:
    node = el.find(tag)
    if node is None:
        return None
    return node.get(_W_VAL) not in {"0", "false", "off"}


def _inside_box(el: Any, p: Any) -> bool:
    """Whether a run belongs to a text box nested in paragraph `p` (read separately)."""
    for anc in el.iterancestors():
        if anc is p:
            return False
        if anc.tag == _W_TXBX:
            return True
    return False


class _Walker:
    def __init__(self, document: Any) -> None:
        self.styles = _Styles(document)
        self.lines: list[Line] = []

    def paragraph(self, p: Any, *, header: bool, start: bool, column: bool = False) -> None:
        style = p.find(qn("w:pPr") + "/" + qn("w:pStyle"))
        pbold, psize, sname = self.styles.resolve(style.get(_W_VAL) if style is not None else None)
        parts: list[str] = []
        bold_chars = chars = 0
        size = 0.0
        boxes: list[Any] = []
        for el in p.iter():
            if el.tag == _W_TXBX:
                if not any(a.tag == _MC_FALLBACK for a in el.iterancestors()):
                    boxes.append(el)
                continue
            if el.tag != _W_R or _inside_box(el, p):
                continue
            rpr = el.find(qn("w:rPr"))
            rb = _flag(rpr, qn("w:b")) if rpr is not None else None
            sz = rpr.find(qn("w:sz")) if rpr is not None else None
            rsize = int(sz.get(_W_VAL)) / 2 if sz is not None and sz.get(_W_VAL) else psize
            for child in el:
                if child.tag == _W_T and child.text:
                    parts.append(child.text)
                    n = len(child.text.strip())
                    chars += n
                    bold_chars += n if (pbold if rb is None else rb) else 0
                    size = max(size, rsize) if n else size
                elif child.tag == _W_TAB:
                    parts.append("\t")
                elif child.tag == _W_BR:
                    parts.append("\n")
        heading = sname.lower().startswith(("heading", "title"))
        ppr = p.find(qn("w:pPr"))
        listed = sname.lower().startswith("list") or (
            ppr is not None and ppr.find(qn("w:numPr")) is not None)
        for i, piece in enumerate("".join(parts).split("\n")):
            text = clean_text(piece)
            if text and listed and i == 0 and not heading:
                text = "• " + text
            if text:
                self.lines.append(Line(text, bold=heading or bold_chars * 2 > chars,
                                       size=size or psize, is_header_footer=header,
                                       block_start=start and i == 0,
                                       column_start=column and i == 0, caps=is_caps(text)))
                start = column = False
        for box in boxes:
            self.container(box, header=header)

    def table(self, tbl: Any, *, header: bool) -> None:
        rows = [[tc for tc in tr.iter(_W_TC) if tc.getparent() is tr] for tr in tbl.iter(_W_TR)
                if tr.getparent() is tbl]
        layout = any(sum(len(tc.findall(".//" + _W_P)) >= 5 for tc in row) >= 2 for row in rows)
        for row in rows:
            cells = [[clean_text("".join(t.text or "" for t in p.iter(_W_T)))
                      for p in tc.iter(_W_P)] for tc in row]
            cells = [[t for t in c if t] for c in cells]
            if all(len(c) <= 1 for c in cells) and not any(tc.find(".//" + _W_TBL) is not None
                                                           for tc in row):
                text = "\t".join(c[0] for c in cells if c)
                if text:
                    # features of the row come from its first paragraph's runs
                    before = len(self.lines)
                    first_p = row[0].find(".//" + _W_P)
                    if first_p is not None:
                        self.paragraph(first_p, header=header, start=True)
                    probe = self.lines[before] if len(self.lines) > before else None
                    del self.lines[before:]
                    self.lines.append(Line(text, bold=probe.bold if probe else False,
                                           size=probe.size if probe else 11.0,
                                           is_header_footer=header, block_start=True,
                                           caps=is_caps(text)))
                continue
            for tc in row:
                self.container(tc, header=header, column=layout)

    def container(self, el: Any, *, header: bool, column: bool = False) -> None:
        start = True
        for child in el:
            if child.tag == _W_P:
                before = len(self.lines)
                self.paragraph(child, header=header, start=start, column=column)
                if len(self.lines) > before:
                    column = False
            elif child.tag == _W_TBL:
                self.table(child, header=header)
                start = True
            elif child.tag == _W_SDT:
                content = child.find(qn("w:sdtContent"))
                if content is not None:
                    self.container(content, header=header)


def extract_docx(data: bytes) -> ExtractedDocument:
    """Read a DOCX into lines: page headers first, then the body, then footers."""
    try:
        document = docx.Document(io.BytesIO(data))
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise Rejected("corrupt DOCX") from exc
    except Exception as exc:  # lxml/opc errors have no common base worth naming
        raise Rejected("corrupt DOCX") from exc
    walker = _Walker(document)
    seen: set[int] = set()
    parts: list[Any] = []
    for section in document.sections:
        for hdr in (section.first_page_header, section.header):
            if not hdr.is_linked_to_previous and id(hdr._element) not in seen:
                seen.add(id(hdr._element))
                parts.append(hdr._element)
    for part in parts:
        walker.container(part, header=True)
    walker.container(document.element.body, header=False)
    for section in document.sections:
        ftr = section.footer
        if not ftr.is_linked_to_previous:
            walker.container(ftr._element, header=True)
    # the same header text repeated (first page + default) is noise
    unique: list[Line] = []
    keys: set[str] = set()
    for ln in walker.lines:
        if ln.is_header_footer:
            if ln.text in keys:
                continue
            keys.add(ln.text)
        unique.append(ln)
    return ExtractedDocument(unique, 1, "python-docx")
