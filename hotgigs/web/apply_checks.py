"""What the apply page checks in a stranger's upload before anything is stored: the bytes are
a resume document of the kind its name (and the browser's declared type) says, and the email
address is one.

The real type comes from the pipeline's own sniffing (`pipeline.parser.detect.detect_kind`,
the same the intake and the parser use); this module adds what a public form needs on top:
programs and archives are named as such, and a file whose content contradicts its name or
declared type is refused instead of being read anyway.
"""

from __future__ import annotations

import re
from pathlib import PurePath

from hotgigs.web import apply_texts as texts
from pipeline.errors import Rejected
from pipeline.parser.detect import detect_kind

# extension -> the kinds its content may be (Word saves RTF under .doc too)
ACCEPTED: dict[str, frozenset[str]] = {
    ".pdf": frozenset({"pdf"}),
    ".docx": frozenset({"docx"}),
    ".doc": frozenset({"doc", "rtf"}),
    ".odt": frozenset({"odt"}),
    ".rtf": frozenset({"rtf"}),
    ".txt": frozenset({"txt"}),
}
# what the file input offers (extensions and their types, for the browser's file picker)
ACCEPT_ATTRIBUTE = ",".join([*ACCEPTED, "application/pdf", "application/msword",
                             "application/vnd.openxmlformats-officedocument."
                             "wordprocessingml.document",
                             "application/vnd.oasis.opendocument.text", "application/rtf",
                             "text/plain"])

# declared MIME types that name one of our kinds; others (octet-stream, odd OS types) say
# nothing and the bytes decide
DECLARED: dict[str, frozenset[str]] = {
    "application/pdf": frozenset({"pdf"}),
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document":
        frozenset({"docx"}),
    "application/msword": frozenset({"doc", "rtf"}),
    "application/vnd.oasis.opendocument.text": frozenset({"odt"}),
    "application/rtf": frozenset({"rtf"}),
    "text/rtf": frozenset({"rtf"}),
    "text/plain": frozenset({"txt", "rtf"}),
}
_PROGRAM_TYPES = ("application/x-msdownload", "application/x-msdos-program",
                  "application/x-executable", "application/x-dosexec",
                  "application/x-sharedlib", "application/x-mach-binary",
                  "application/vnd.microsoft.portable-executable", "application/x-sh")

# programs, by their first bytes
_PROGRAMS: tuple[tuple[bytes, str], ...] = (
    (b"MZ", "a Windows executable"),
    (b"\x7fELF", "a Linux executable"),
    (b"\xcf\xfa\xed\xfe", "a macOS executable"),
    (b"\xce\xfa\xed\xfe", "a macOS executable"),
    (b"\xfe\xed\xfa\xcf", "a macOS executable"),
    (b"\xca\xfe\xba\xbe", "a macOS or Java program"),
    (b"#!/", "a script"),
)
KIND_NAMES = {"pdf": "a PDF", "docx": "a Word document (.docx)", "doc": "a Word document "
              "(.doc)", "odt": "an OpenDocument text", "rtf": "RTF text", "txt": "plain text",
              "html": "a web page", "image": "a picture"}

_EMAIL = re.compile(r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]{1,64}@"
                    r"(?=.{4,253}$)([A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+"
                    r"[A-Za-z]{2,63}$")


class Refused(Exception):
    """The upload is refused before anything is stored; `reason` is shown to the candidate."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def program_in(data: bytes) -> str | None:
    """What kind of program these bytes are, or None."""
    for magic, what in _PROGRAMS:
        # a DOS/PE header has NUL bytes in its first 64; a text starting "MZ" has none
        if data.startswith(magic) and (magic != b"MZ" or b"\x00" in data[:64]):
            return what
    return None


def sniff(data: bytes, filename: str, declared: str | None) -> str:
    """The document kind of an upload (pdf, docx, doc, odt, rtf, txt), or `Refused`."""
    ext = PurePath(filename).suffix.lower()
    mime = (declared or "").split(";")[0].strip().lower()
    what = program_in(data)
    if what is not None or mime in _PROGRAM_TYPES:
        raise Refused(texts.EXECUTABLE.format(what=what or f"declared as {mime}"))
    if ext not in ACCEPTED:
        raise Refused(texts.UNSUPPORTED_EXT.format(ext=ext or "without an extension"))
    try:
        kind = detect_kind(data, filename)
    except Rejected as exc:
        if data.startswith(b"PK\x03\x04") and "corrupt" not in exc.reason:
            raise Refused(texts.ARCHIVE) from None
        raise Refused(texts.UNREADABLE.format(reason=exc.reason)) from None
    if kind == "image":
        raise Refused(texts.IMAGE)
    if kind == "html":
        raise Refused(texts.HTML)
    if kind not in ACCEPTED[ext]:
        raise Refused(texts.MISMATCH.format(ext=ext, kind=KIND_NAMES.get(kind, kind)))
    if mime in DECLARED and kind not in DECLARED[mime]:
        raise Refused(texts.DECLARED_MISMATCH.format(declared=mime,
                                                     kind=KIND_NAMES.get(kind, kind)))
    return kind


def valid_email(value: str | None) -> str | None:
    """The address, trimmed, when it looks deliverable (local@domain.tld); else None."""
    address = (value or "").strip()
    if len(address) > 254 or not _EMAIL.match(address):
        return None
    return address
