"""Extraction for the less common formats: legacy .doc, RTF, ODT, HTML and plain text.

None of these carry reliable layout features here, so they become plain lines; headings are
then found by wording alone.
"""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import tempfile
import zipfile

from pipeline.errors import Rejected
from pipeline.parser.html_text import html_to_text
from pipeline.parser.lines import ExtractedDocument, Line, clean_text, is_caps

_GAP = re.compile(r"(?<=\S) {2,}(?=\S)")


def _lines(text: str, extractor: str) -> ExtractedDocument:
    lines: list[Line] = []
    for raw in text.splitlines():
        # a run of spaces inside a plain-text line is a column gap, as a tab is
        t = clean_text(_GAP.sub("\t", raw.replace("\t", " \t ")))
        if not t:
            continue
        # plain-text lines are real lines (no soft wrapping): each is its own block
        lines.append(Line(t, block_start=True, column_start=False, caps=is_caps(t)))
    return ExtractedDocument(lines, 1, extractor)


_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([\w.:-]+)""", re.I)


def meta_charset(data: bytes) -> str | None:
    """The charset an HTML page declares in its first bytes (`<meta charset=…>`), if any."""
    m = _META_CHARSET.search(data[:4096])
    return m.group(1).decode("ascii", "ignore").lower() if m else None


def decode_text(data: bytes, *, declared: str | None = None) -> str:
    """Decode text of unknown encoding.

    A byte-order mark decides; then a declared charset, if the bytes decode cleanly with it;
    then UTF-8; then charset-normalizer's detection (GBK/GB18030, Big5, Shift_JIS, EUC-KR,
    Windows-1251/1252, KOI8-R …); Windows-1252 is the last resort (it decodes any bytes).
    """
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16", "replace")
    if data.startswith(b"\xef\xbb\xbf"):
        return data.decode("utf-8-sig", "replace")
    for charset in (declared, "utf-8"):
        if not charset:
            continue
        try:
            return data.decode(_alias(charset))
        except (UnicodeDecodeError, LookupError):
            continue
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is None or not best.encoding.startswith(_MULTIBYTE):
        # short Western texts are often "detected" as some DOS code page: when the bytes
        # read as Windows-1252 with few accented letters among plain ones, that is the answer
        try:
            western = data.decode("cp1252")
        except UnicodeDecodeError:
            western = None
        if western is not None and _mostly_ascii_letters(western):
            return western
    if best is not None:
        return str(best)
    return data.decode("cp1252", "replace")


_MULTIBYTE = ("utf", "gb", "big5", "shift_jis", "cp932", "euc", "iso2022", "cp949", "cp950",
              "johab", "hz")


def _mostly_ascii_letters(text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    wide = sum(1 for c in letters if not c.isascii())
    return bool(letters) and wide <= 0.3 * len(letters)


def _alias(charset: str) -> str:
    # pages labelled gb2312/gbk often hold GB18030 characters; it is their superset
    return "gb18030" if charset.lower() in {"gb2312", "gbk", "x-gbk"} else charset


def extract_txt(data: bytes) -> ExtractedDocument:
    return _lines(decode_text(data), "text")


def extract_html(data: bytes) -> ExtractedDocument:
    return _lines(html_to_text(decode_text(data, declared=meta_charset(data))), "html")


def extract_rtf(data: bytes) -> ExtractedDocument:
    from striprtf.striprtf import rtf_to_text

    try:
        text = rtf_to_text(decode_text(data), errors="ignore")
    except Exception as exc:  # striprtf raises bare exceptions on broken groups
        raise Rejected("corrupt RTF") from exc
    return _lines(text, "striprtf")


def extract_odt(data: bytes) -> ExtractedDocument:
    from odf import teletype, text
    from odf.opendocument import load

    try:
        doc = load(io.BytesIO(data))
    except (zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise Rejected("corrupt ODT") from exc
    paras = [teletype.extractText(p) for p in doc.getElementsByType(text.P)]
    heads = [teletype.extractText(h) for h in doc.getElementsByType(text.H)]
    # headings and paragraphs come back as separate lists; keep document order via the tree
    if heads:
        ordered: list[str] = []
        for node in doc.text.childNodes:
            ordered.extend(_odf_texts(node))
        if ordered:
            return _lines("\n".join(ordered), "odfpy")
    return _lines("\n".join(paras), "odfpy")


def _odf_texts(node: object) -> list[str]:
    from odf import teletype

    qname = getattr(node, "qname", ("", ""))
    if qname[1] in {"p", "h"}:
        return [teletype.extractText(node)]
    out: list[str] = []
    for child in getattr(node, "childNodes", []):
        out.extend(_odf_texts(child))
    return out


def extract_doc(data: bytes) -> ExtractedDocument:
    """Legacy Word 97-2003 through the `antiword` tool."""
    if shutil.which("antiword") is None:
        raise Rejected("old Word .doc files need antiword, which is not installed")
    with tempfile.NamedTemporaryFile(suffix=".doc") as tmp:
        tmp.write(data)
        tmp.flush()
        proc = subprocess.run(["antiword", "-w", "0", tmp.name], capture_output=True,
                              timeout=60, check=False)
    if proc.returncode != 0:
        err = proc.stderr.decode("utf-8", "replace").strip().splitlines()
        reason = err[-1] if err else "unreadable"
        if "encrypt" in reason.lower() or "password" in reason.lower():
            raise Rejected("password-protected DOC")
        raise Rejected(f"corrupt DOC: {reason[:80]}")
    return _lines(decode_text(proc.stdout), "antiword")
