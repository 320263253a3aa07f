"""Files that can never become a résumé are rejected with a short human reason."""

from __future__ import annotations

import io
import zipfile

import pytest

from pipeline.errors import Rejected
from pipeline.parser import parse_document
from tests.unit.parser import docgen


def _reason(data: bytes, name: str) -> str:
    with pytest.raises(Rejected) as info:
        parse_document(data, name)
    return info.value.reason


def test_password_protected_pdf() -> None:
    data = docgen.pdf([docgen.column(50, 60, ["Secret Person", "secret@example.com"])],
                      password="hunter2")
    assert _reason(data, "cv.pdf") == "password-protected PDF"


def test_corrupt_pdf() -> None:
    assert _reason(b"%PDF-1.7\n1 0 obj << /Type /Catalog >>\ngarbage", "cv.pdf").startswith(
        "corrupt PDF")


def test_corrupt_docx() -> None:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("word/document.xml", "<not-xml")
        zf.writestr("[Content_Types].xml", "<broken")
    assert _reason(buf.getvalue(), "cv.docx") == "corrupt DOCX"
    assert _reason(b"PK\x03\x04 truncated", "cv.docx") == "corrupt DOCX"


def test_empty_files() -> None:
    assert _reason(b"", "cv.pdf") == "no text found in the file"
    assert _reason(b"   \n\n", "cv.txt") == "no text found in the file"
    assert _reason(docgen.docx_file(body=[]), "cv.docx") == "no text found in the file"


def test_blank_pdf_page() -> None:
    assert _reason(docgen.pdf([[]]), "blank.pdf") == "no text found in the file"


def test_oversized_file() -> None:
    big = b"%PDF-1.4\n" + b"0" * (21 * 1024 * 1024)
    assert _reason(big, "big.pdf").startswith("file too large")


def test_too_many_pages() -> None:
    data = docgen.pdf([[docgen.Text(50, 60, f"page {i}")] for i in range(51)])
    assert _reason(data, "long.pdf") == "file too large: 51 pages (limit 50)"


def test_unsupported_type() -> None:
    assert _reason(b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff", "setup.exe") == (
        "not a resume file type: .exe")
