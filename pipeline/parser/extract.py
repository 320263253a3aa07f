"""Stage one: bytes → lines, choosing the extractor by the file's real type."""

from __future__ import annotations

from collections.abc import Callable

from pipeline.errors import Rejected
from pipeline.parser import extract_docx, extract_other, extract_pdf, ocr
from pipeline.parser.lines import ExtractedDocument, ParseState

_EXTRACTORS: dict[str, Callable[[bytes], ExtractedDocument]] = {
    "pdf": extract_pdf.extract_pdf,
    "docx": extract_docx.extract_docx,
    "doc": extract_other.extract_doc,
    "rtf": extract_other.extract_rtf,
    "odt": extract_other.extract_odt,
    "html": extract_other.extract_html,
    "txt": extract_other.extract_txt,
    "image": ocr.extract_image,
}


def run(state: ParseState) -> None:
    """Stage: fill `state.doc`; an extraction with no words is a rejection, not a resume."""
    doc = _EXTRACTORS[state.kind](state.data)
    if sum(ch.isalpha() for ln in doc.lines for ch in ln.text) < 20:
        if state.kind == "pdf" and not ocr.available():
            raise Rejected("no text found in the file (scanned PDF and OCR is not installed)")
        raise Rejected("no text found in the file")
    state.doc = doc
    meta = state.result.meta
    meta.pages = doc.pages
    meta.extractor = doc.extractor
    meta.ocr_used = doc.ocr_used
