"""Pure readings of a message's headers: its id, its sender, whether a machine sent it, and
the SPF/DKIM/DMARC verdicts the receiving MTA wrote in `Authentication-Results`.

Headers from the wild carry raw 8-bit bytes and encoded words in charsets Python does not know;
every value leaves here as clean text (undecodable bytes become U+FFFD), never surrogates.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from email.header import Header, decode_header
from email.message import Message
from email.parser import BytesHeaderParser
from email.policy import compat32
from email.utils import getaddresses

import authres

from bots.email.charsets import decode

AUTOMATIC_SENDERS = ("mailer-daemon", "postmaster", "noreply-dmarc-support", "bounce")
_MSGID = re.compile(r"<[^<>\s]{1,900}>")


def header_block(raw: bytes) -> Message:
    """Only the header block of a raw message (cheap; the SMTP door reads ids from it)."""
    return BytesHeaderParser(policy=compat32).parsebytes(raw)


def text(value: object, charset: str | None = None) -> str:
    """A header value as clean text: encoded words decoded, raw 8-bit bytes read as `charset`
    (the part's own, when known) or UTF-8, and anything undecodable replaced."""
    if value is None:
        return ""
    if isinstance(value, Header):  # what compat32 makes of raw 8-bit bytes in a header
        value = "".join(_decode(c, charset) if isinstance(c, bytes) else c
                        for c, _ in decode_header(value))
    raw = _decode(str(value).encode("utf-8", "surrogateescape"), charset)  # raw 8-bit bytes
    try:
        chunks = decode_header(raw)
    except Exception:  # a malformed encoded word: keep the value as it came
        chunks = [(raw, None)]
    # decode_header hands back the text between encoded words as raw-unicode-escape bytes
    parts = [chunk if isinstance(chunk, str) else
             chunk.decode("raw-unicode-escape") if charset is None else _decode(chunk, charset)
             for chunk, charset in chunks]
    return " ".join("".join(parts).split())


def _decode(data: bytes, charset: str | None) -> str:
    if data.isascii():
        return data.decode("ascii")
    for candidate in ("utf-8", charset):
        if not candidate:
            continue
        try:
            return data.decode(candidate)
        except (LookupError, UnicodeDecodeError):
            continue
    mostly = data.decode("utf-8", "replace")  # UTF-8 cut short by a broken fold
    decoded = sum(ord(ch) > 0x7F and ch != "\ufffd" for ch in mostly)
    if decoded and mostly.count("\ufffd") * 10 < decoded:
        return mostly
    # raw 8-bit text in no declared charset (a GBK or Shift_JIS subject): detected as bodies
    # are; Latin text stays Windows-1252 (see `charsets.decode_as`)
    return decode(data, charset)


def message_id(headers: Message, raw: bytes) -> str:
    """The Message-ID in angle brackets; a missing or absurd one is derived from the bytes, so
    a redelivery of the same bytes is still recognised."""
    found = _MSGID.search(text(headers.get("Message-ID")))
    if found:
        return found.group(0)
    return f"<{hashlib.sha256(raw).hexdigest()[:40]}@no-message-id.hotgigs>"


def sender(headers: Message) -> str | None:
    """The From address, lowercased; None when there is no usable one."""
    addresses = getaddresses([text(v) for v in headers.get_all("From", [])])
    for _name, address in addresses:
        if "@" in address and " " not in address:
            return address.lower()
    return None


def sender_name(headers: Message) -> str:
    addresses = getaddresses([text(v) for v in headers.get_all("From", [])])
    return addresses[0][0] if addresses else ""


def automatic_reason(headers: Message, mail_from: str | None) -> str | None:
    """Why this message came from a machine (bounce, auto-reply, list), or None for a person.

    Answering such mail risks loops between robots (RFC 3834), so it is stored and ignored.
    """
    if mail_from is not None and mail_from.strip("<> ") == "":
        return "bounce: empty return path"
    if headers.get_content_type() == "multipart/report":
        return "bounce: multipart/report"
    address = sender(headers) or ""
    if address.split("@")[0] in AUTOMATIC_SENDERS:
        return f"bounce: sent by {address.split('@')[0]}"
    auto = text(headers.get("Auto-Submitted")).lower()
    if auto and auto.split(";")[0].strip() != "no":
        return f"automatic: Auto-Submitted {auto.split(';')[0].strip()}"
    precedence = text(headers.get("Precedence")).lower().strip()
    if precedence in ("bulk", "list", "junk"):
        return f"automatic: Precedence {precedence}"
    for name in headers:
        if name.lower().startswith("list-"):
            return f"mailing list: {name}"
    if headers.get("X-Autoreply") or headers.get("X-Autorespond"):
        return "automatic: auto-responder"
    return None


def auth_verdicts(headers: Message) -> dict[str, str]:
    """{"spf": "pass", "dkim": "fail", "dmarc": "none"} from the topmost results per method."""
    verdicts: dict[str, str] = {}
    for value in headers.get_all("Authentication-Results", []):
        try:
            parsed = authres.AuthenticationResultsHeader.parse_value(text(value))
        except Exception:  # a header our parser cannot read tells us nothing
            continue
        for result in parsed.results:
            method = str(result.method).lower()
            if method in ("spf", "dkim", "dmarc") and method not in verdicts:
                verdicts[method] = str(result.result).lower()
    return verdicts


def references(headers: Message) -> list[str]:
    """The thread so far: References, else In-Reply-To (RFC 5322 §3.6.4)."""
    found = _MSGID.findall(text(headers.get("References")))
    if not found:
        found = _MSGID.findall(text(headers.get("In-Reply-To")))
    return found[-20:]  # long threads: the newest ids are the ones that thread


def verify_dkim(raw: bytes, dnsfunc: Callable[..., bytes | None] | None = None) -> str:
    """Our own DKIM check of the first signature (dkimpy): pass, fail, none or error: …"""
    return check_dkim(raw, dnsfunc)[0]


def check_dkim(raw: bytes,
               dnsfunc: Callable[..., bytes | None] | None = None) -> tuple[str, str | None]:
    """(verdict, signing domain d= when it passed) of the first DKIM signature (dkimpy)."""
    import dkim

    if b"dkim-signature:" not in raw[:65536].lower():
        return "none", None
    checker = dkim.DKIM(raw)
    try:
        ok = checker.verify(dnsfunc=dnsfunc) if dnsfunc else checker.verify()
    except dkim.DKIMException:  # a bad body hash, key or signature: what dkim.verify calls False
        return "fail", None
    except Exception as exc:  # DNS unreachable, malformed signature: a verdict, not a crash
        return f"error: {type(exc).__name__}", None
    if not ok:
        return "fail", None
    domain = checker.domain
    return "pass", domain.decode("ascii", "replace").lower() if domain else None
