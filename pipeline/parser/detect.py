"""Tell a file's real type from its bytes, so a renamed or mislabelled file is still read.

The name's extension is only a tie-breaker between types that share a container (a ZIP could
be DOCX or ODT, an OLE file is usually an old Word .doc).
"""

from __future__ import annotations

import io
import zipfile
from pathlib import PurePath

from pipeline.errors import Rejected

MAX_BYTES = 20 * 1024 * 1024
TEXT_EXTS = {".txt", ".md", ".text", ".csv", ""}
HTML_EXTS = {".html", ".htm", ".xhtml"}
IMAGE_MAGIC = {
    b"\x89PNG\r\n\x1a\n": "image",
    b"\xff\xd8\xff": "image",
    b"II*\x00": "image",
    b"MM\x00*": "image",
    b"GIF87a": "image",
    b"GIF89a": "image",
    b"BM": "image",
}


def _zip_kind(data: bytes, ext: str) -> str:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            names = set(zf.namelist())
            if "word/document.xml" in names:
                return "docx"
            if "content.xml" in names:
                mime = zf.read("mimetype").decode("ascii", "ignore") if "mimetype" in names else ""
                if "opendocument.text" in mime or ext == ".odt" or not mime:
                    return "odt"
    except (zipfile.BadZipFile, OSError, KeyError):
        if ext == ".docx":
            raise Rejected("corrupt DOCX") from None
        raise Rejected(f"corrupt file: {ext or 'zip'} archive cannot be opened") from None
    if ext == ".docx":
        raise Rejected("corrupt DOCX")
    raise Rejected(f"not a resume file type: {ext or '.zip'}")


def _looks_like_text(data: bytes) -> bool:
    sample = data[:4096]
    if b"\x00" in sample:
        return False
    try:
        sample.decode("utf-8")
        return True
    except UnicodeDecodeError:
        # legacy charsets (GBK, Shift_JIS, Windows-1251…) use high bytes freely; binary
        # data is told apart by its control bytes
        controls = sum(b < 32 and b not in b"\r\n\t\f\x1b" for b in sample)
        return controls <= len(sample) // 200


def detect_kind(data: bytes, filename: str) -> str:
    """One of pdf, docx, doc, rtf, odt, html, txt, image; raises `Rejected` otherwise."""
    ext = PurePath(filename).suffix.lower()
    if len(data) > MAX_BYTES:
        raise Rejected(f"file too large: {len(data) // (1024 * 1024)} MB (limit 20 MB)")
    if not data.strip():
        raise Rejected("no text found in the file")
    head = data[:1024]
    if b"%PDF-" in head:
        return "pdf"
    if data.startswith(b"PK\x03\x04"):
        return _zip_kind(data, ext)
    if data.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        if ext in {".docx"}:
            # an encrypted DOCX is stored in an OLE container
            raise Rejected("password-protected or corrupt DOCX")
        return "doc"
    if data.lstrip().startswith(b"{\\rtf"):
        return "rtf"
    for magic, kind in IMAGE_MAGIC.items():
        if data.startswith(magic):
            return kind
    if ext == ".pdf":
        raise Rejected("corrupt PDF: no PDF header")
    if ext == ".docx":
        raise Rejected("corrupt DOCX")
    if _looks_like_text(data):
        lowered = head.lower()
        if ext in HTML_EXTS or b"<html" in lowered or b"<!doctype html" in lowered:
            return "html"
        if ext in TEXT_EXTS or ext in {".rtf", ".doc"}:
            return "txt"
        raise Rejected(f"not a resume file type: {ext}")
    raise Rejected(f"not a resume file type: {ext or 'unknown binary'}")
