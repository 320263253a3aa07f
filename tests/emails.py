"""Test emails built with the stdlib `email` package, and a small winmail.dat (TNEF) writer."""

from __future__ import annotations

import struct
from email.message import EmailMessage
from email.utils import make_msgid

SENDER = "ann@agency.test"
INBOUND = "resumes@hotgigs.localhost"


def message(subject: str = "Candidate for the backend role", sender: str = SENDER,
            body: str = "Hi, please have a look at this candidate.\n",
            to: str = INBOUND, message_id: str | None = None) -> EmailMessage:
    msg = EmailMessage()
    msg["From"] = f"Ann Recruiter <{sender}>"
    msg["To"] = to
    msg["Subject"] = subject
    msg["Message-ID"] = message_id or make_msgid(domain="agency.test")
    msg["Date"] = "Mon, 30 Nov 2026 10:00:00 +0000"
    msg.set_content(body)
    return msg


def attach(msg: EmailMessage, name: str, data: bytes, mime: str = "application/pdf") -> None:
    maintype, subtype = mime.split("/", 1)
    msg.add_attachment(data, maintype=maintype, subtype=subtype, filename=name)


def forwarded_as_attachment(inner: EmailMessage, subject: str = "Fwd: my resume") -> EmailMessage:
    outer = message(subject=subject, body="Forwarding this one, looks strong.\n")
    outer.add_attachment(inner)  # message/rfc822
    return outer


def _tnef_attr(level: int, name: int, kind: int, data: bytes) -> bytes:
    checksum = sum(data) & 0xFFFF
    return struct.pack("<BHHI", level, name, kind, len(data)) + data + struct.pack("<H", checksum)


def winmail_dat(files: dict[str, bytes]) -> bytes:
    """A minimal TNEF stream as Outlook writes it: one rendering + title + data per file."""
    out = struct.pack("<IH", 0x223E9F78, 0x0001)
    out += _tnef_attr(1, 0x9006, 0x0008, struct.pack("<I", 0x00010000))  # TNEF version
    out += _tnef_attr(1, 0x9007, 0x0006, struct.pack("<II", 1252, 0))  # OEM code page
    for name, data in files.items():
        out += _tnef_attr(2, 0x9002, 0x0006, b"\x01\x00\xff\xff\xff\xff" + b"\x00" * 8)
        out += _tnef_attr(2, 0x8010, 0x0001, name.encode("cp1252") + b"\x00")
        out += _tnef_attr(2, 0x800F, 0x0006, data)
    return out


def dkim_key() -> tuple[bytes, bytes]:
    """A fresh RSA signing key (PEM, for dkimpy) and the DKIM TXT record that publishes it."""
    import base64

    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    private = key.private_bytes(serialization.Encoding.PEM,
                                serialization.PrivateFormat.TraditionalOpenSSL,
                                serialization.NoEncryption())
    public = key.public_key().public_bytes(serialization.Encoding.DER,
                                           serialization.PublicFormat.SubjectPublicKeyInfo)
    return private, b"v=DKIM1; k=rsa; p=" + base64.b64encode(public)
