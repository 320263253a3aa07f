"""A stored raw email becomes the files and text an `IngestRequest` needs (pure, no I/O).

The standard library reads the message (it survives broken boundaries and headers); we walk
its MIME tree ourselves so forwarded messages (`message/rfc822`) are recursed into, Outlook's
`winmail.dat` is unpacked, and what is never a resume (signature images, calendar invites,
signatures, delivery reports) is skipped. With no resume file, a resume-like body is the resume.
"""

from __future__ import annotations

import email
import logging
import re
from dataclasses import dataclass, field
from email.header import Header, decode_header
from email.message import Message
from email.policy import compat32
from pathlib import PurePath

import tnefparse

from bots.email.charsets import decode, decode_as
from bots.email.headers import header_block, text
from pipeline.parser.html_text import html_to_text

log = logging.getLogger(__name__)

MAX_DEPTH = 5  # forwarded-in-forwarded levels we open
SIGNATURE_IMAGE_MAX = 16 * 1024  # inline images below this are logos, not scanned resumes
NEVER_RESUMES = {
    "text/calendar", "application/ics", "text/vcard", "text/x-vcard", "text/directory",
    "application/pkcs7-signature", "application/x-pkcs7-signature", "application/pgp-signature",
    "application/pgp-keys", "message/delivery-status", "message/disposition-notification",
    "message/feedback-report", "text/rfc822-headers",
}
NEVER_EXTS = {".ics", ".vcs", ".vcf", ".p7s", ".asc", ".sig"}
TNEF_TYPES = {"application/ms-tnef", "application/vnd.ms-tnef"}
# Lines that open an inline-forwarded message in common mail clients.
_FORWARD_MARK = re.compile(
    r"^\s*(-{2,}\s*(forwarded message|original message)\s*-{2,}|begin forwarded message:"
    r"|-{5,}\s*$)", re.IGNORECASE | re.MULTILINE)
_HEADER_LINE = re.compile(r"^\s*(from|sent|date|to|cc|subject|reply-to)\s*:.*$", re.IGNORECASE)
_HEADINGS = re.compile(
    r"^\s*(professional\s+)?(experience|work experience|employment( history)?|work history|"
    r"education|skills|technical skills|summary|profile|qualifications|certifications|"
    r"projects|objective|languages)\s*:?\s*$", re.IGNORECASE | re.MULTILINE)
_CONTACT = re.compile(r"[\w.+-]+@[\w-]+\.[\w.-]+|\+?\d[\d ().-]{7,}\d")


@dataclass
class Part:
    """One candidate resume file found in the message."""

    name: str
    content: bytes
    mime: str | None
    origin: str  # MIME path such as "2.1" (part 1 of the message forwarded as part 2)


@dataclass
class Extracted:
    subject: str
    files: list[Part] = field(default_factory=list)
    bodies: list[str] = field(default_factory=list)  # text bodies, outer message first
    skipped: list[str] = field(default_factory=list)
    defects: list[str] = field(default_factory=list)
    charsets: list[str] = field(default_factory=list)  # declared in the message: name hints

    @property
    def note(self) -> str | None:
        """The sender's own words (the outer body), shortened for the batch record."""
        return self.bodies[0][:4000] if self.bodies and self.bodies[0].strip() else None


def _mime_tree(raw: bytes) -> tuple[Message, list[str]]:
    """The MIME tree, with its defect categories. A message nested too deeply to parse
    becomes its header block alone (nothing in it is imported).

    The standard library's compat32 parser tolerates broken boundaries and headers (it is
    what mail-parser wrapped; that library's second pass, decoding every attachment into its
    lists, cost three times the parse and was dropped with it).
    """
    try:
        message = email.message_from_bytes(raw, policy=compat32)
    except RecursionError:
        log.warning("unparseable message: nested too deeply")
        return header_block(raw), ["RecursionError"]
    return message, sorted({type(d).__name__ for part in message.walk() for d in part.defects})


def parse_raw(raw: bytes) -> Message:
    return _mime_tree(raw)[0]


def extract(raw: bytes) -> Extracted:
    message, defects = _mime_tree(raw)
    out = Extracted(subject=text(message.get("Subject")), defects=defects)
    out.charsets = _declared_charsets(message)
    _walk(message, "", out, depth=0)
    return out


def _declared_charsets(message: Message) -> list[str]:
    """Charsets the message names anywhere: its parts' and its headers' encoded words."""
    found = [c for part in message.walk() if (c := part.get_content_charset())]
    for name in ("Subject", "From", "To"):
        value = message.get(name)
        if isinstance(value, str):
            try:
                found += [c for _, c in decode_header(value) if c]
            except Exception:  # a malformed encoded word names nothing
                continue
    return found


def _walk(node: Message, path: str, out: Extracted, depth: int) -> None:
    ctype = node.get_content_type()
    if ctype == "message/rfc822" or (ctype.startswith("message/") and _is_embedded(node)):
        _forwarded(node, path, out, depth)
        return
    if node.is_multipart():
        payload = node.get_payload()
        if isinstance(payload, list):
            children = [child for child in payload if isinstance(child, Message)]
            if ctype == "multipart/alternative":
                children = _preferred_alternative(children)
            for index, child in enumerate(children, start=1):
                _walk(child, f"{path}.{index}" if path else str(index), out, depth)
        return
    _leaf(node, path or "1", out, depth)


def _is_embedded(node: Message) -> bool:
    payload = node.get_payload()
    return isinstance(payload, list) and bool(payload) and isinstance(payload[0], Message)


def _preferred_alternative(parts: list[Message]) -> list[Message]:
    """Of the versions of one body (plain, HTML, HTML with images), keep the plain one."""
    plain = [p for p in parts if p.get_content_type() == "text/plain"]
    return plain[:1] or parts[-1:]


def _forwarded(node: Message, path: str, out: Extracted, depth: int) -> None:
    if depth >= MAX_DEPTH:
        out.skipped.append(f"{path}: forwarded more than {MAX_DEPTH} levels deep")
        return
    payload = node.get_payload()
    inner: Message | None = None
    if isinstance(payload, list) and payload and isinstance(payload[0], Message):
        inner = payload[0]
    else:  # an encoded message/rfc822 (not allowed, but sent): decode and parse it again
        data = node.get_payload(decode=True)
        if isinstance(data, bytes) and data.strip():
            inner = parse_raw(data)
    if inner is not None:
        _walk(inner, f"{path}.1" if path else "1", out, depth + 1)


def _leaf(node: Message, path: str, out: Extracted, depth: int) -> None:
    ctype = node.get_content_type()
    name = _filename(node, out.charsets)
    disposition = (node.get_content_disposition() or "").lower()
    data = node.get_payload(decode=True)
    if not isinstance(data, bytes):
        data = b""
    ext = PurePath(name).suffix.lower()
    if ctype in NEVER_RESUMES or ext in NEVER_EXTS:
        out.skipped.append(f"{path}: {ctype} {name}".strip())
        return
    if ctype in TNEF_TYPES or name.lower() == "winmail.dat":
        _tnef(data, path, out)
        return
    if ctype.startswith("text/") and disposition != "attachment" and not name:
        body = _as_text(node, data, out.charsets)
        if body.strip():
            out.bodies.append(body)
        return
    if ctype.startswith("image/") and disposition != "attachment" and (
            node.get("Content-ID") or len(data) < SIGNATURE_IMAGE_MAX):
        out.skipped.append(f"{path}: inline image {name}".strip())
        return
    if not data:
        out.skipped.append(f"{path}: empty part {name}".strip())
        return
    out.files.append(Part(_safe_name(name, ctype, len(out.files)), data, ctype, f"mime:{path}"))


_RAW_NAME = re.compile(r'(?:file)?name\*?="?([^";]+)', re.IGNORECASE)
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([\w.:-]+)""", re.IGNORECASE)


def _filename(node: Message, hints: list[str]) -> str:
    """The part's file name. Raw 8-bit names (the stdlib garbles them) are read from the
    header bytes; RFC 2231 names are decoded from their bytes too, so a missing or wrong
    charset in them is detected rather than trusted."""
    charset = node.get_content_charset()
    for header in ("Content-Disposition", "Content-Type"):
        value = node.get(header)
        if not isinstance(value, Header):  # a Header object here means raw 8-bit bytes
            continue
        data = b"".join(c if isinstance(c, bytes) else c.encode("utf-8", "replace")
                        for c, _ in decode_header(value))
        found = _RAW_NAME.search(data.decode("latin-1"))
        if found:
            return text(decode(found.group(1).encode("latin-1"), charset, hints))
    for param, header in (("filename", "content-disposition"), ("name", "content-type")):
        found_param = node.get_param(param, header=header)
        if isinstance(found_param, tuple):  # RFC 2231: (charset, language, bytes as latin-1)
            data = bytes(found_param[2], "raw-unicode-escape")
            return text(decode(data, found_param[0] or charset, hints))
        if found_param is not None:
            break
    return text(node.get_filename() or "", charset)


def _as_text(node: Message, data: bytes, hints: list[str]) -> str:
    declared = node.get_content_charset()
    html_part = node.get_content_type() == "text/html"
    if html_part and not declared:
        meta = _META_CHARSET.search(data[:4096])
        declared = meta.group(1).decode("ascii") if meta else None
    return _decoded(data, declared, hints, html_part)


def _decoded(data: bytes, declared: str | None, hints: list[str], html_part: bool) -> str:
    body, used = decode_as(data, declared, hints)
    if used != "ascii":
        hints.append(used)  # what the text was in, names in the same message likely are too
    if html_part:
        body = html_to_text(body)
    return body.replace("\r\n", "\n")


def _tnef(data: bytes, path: str, out: Extracted) -> None:
    try:
        tnef = tnefparse.TNEF(data, do_checksum=False)
    except Exception as exc:  # a broken winmail.dat: say so, keep the rest of the message
        out.skipped.append(f"{path}: unreadable winmail.dat ({type(exc).__name__})")
        return
    for index, attachment in enumerate(tnef.attachments, start=1):
        name = attachment.long_filename() or attachment.name or f"attachment-{index}"
        if isinstance(name, bytes):
            name = name.decode("utf-8", "replace")
        content = bytes(attachment.data or b"")
        if content:
            out.files.append(Part(_safe_name(str(name), None, index), content, None,
                                  f"mime:{path}/winmail.dat#{index}"))
    body = tnef.body
    if isinstance(body, bytes):
        body = body.decode("cp1252", "replace")
    if isinstance(body, str) and body.strip():
        out.bodies.append(body)


def _safe_name(name: str, ctype: str | None, index: int) -> str:
    """A file name without directories or control characters; a made-up one when missing."""
    name = PurePath(name.replace("\\", "/")).name
    name = "".join(ch for ch in name if ch.isprintable()).strip()[:200]
    if name:
        return name
    ext = {"application/pdf": ".pdf", "text/plain": ".txt", "application/rtf": ".rtf",
           "application/msword": ".doc", "application/zip": ".zip"}.get(ctype or "", "")
    if not ext and ctype and ctype.startswith("image/"):
        ext = "." + ctype.split("/", 1)[1]
    return f"attachment-{index + 1}{ext}"


def forwarded_text(body: str) -> str:
    """The forwarded message inside an inline-forwarded body, without its header lines; the
    recruiter's own words above the marker are not the candidate's resume."""
    mark = _FORWARD_MARK.search(body)
    if mark is None:
        return body
    lines = body[mark.end():].splitlines()
    start = 0
    while start < len(lines) and (not lines[start].strip() or _HEADER_LINE.match(lines[start])):
        start += 1
    return "\n".join(line.removeprefix("> ") for line in lines[start:])


def resume_like(body: str) -> bool:
    """A body worth parsing as a resume: resume headings plus contact details or length."""
    headings = {m.group(2).lower().split()[0] for m in _HEADINGS.finditer(body)}
    if len(body.strip()) < 150:
        return False
    return len(headings) >= 2 or (len(headings) >= 1 and bool(_CONTACT.search(body)))


def body_resume(extracted: Extracted) -> str | None:
    """The text to parse as the resume when no file came with the message, else None."""
    # innermost (forwarded) bodies first: the candidate's own message beats the cover note
    for body in reversed(extracted.bodies):
        candidate = forwarded_text(body).strip()
        if resume_like(candidate):
            return candidate
    return None
