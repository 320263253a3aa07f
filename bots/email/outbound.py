"""Where replies go: an SMTP relay (`smtp://`, `smtps://`, STARTTLS, auth) or a Maildir.

With no relay configured the product still works: replies land in `<data dir>/outbox`, a
standard Maildir any mail client or `mutt -f` can read. Errors propagate, so the reply task
fails and RQ retries it (transient relay trouble) or keeps it in the failed registry.
"""

from __future__ import annotations

import mailbox
import smtplib
import ssl
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from pathlib import Path
from typing import Protocol
from urllib.parse import parse_qs, unquote, urlsplit


class Mailer(Protocol):
    def send(self, message: EmailMessage) -> None: ...


class MaildirOutbox:
    """Writes each message into a Maildir (tmp/ then new/, so a reader never sees half)."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def send(self, message: EmailMessage) -> None:
        # mailbox only creates the layout for a missing folder, not for an empty existing one
        for sub in ("tmp", "new", "cur"):
            (self.path / sub).mkdir(parents=True, exist_ok=True)
        box = mailbox.Maildir(self.path, create=True)
        try:
            box.add(message)
        finally:
            box.close()


class RelayMailer:
    """smtplib to the relay of `HOTGIGS_SMTP_RELAY_URL`.

    `smtps://user:pass@host:465` is TLS from the start; `smtp://host:587` upgrades with
    STARTTLS when the server offers it (`?starttls=require` refuses to go on without it,
    `?starttls=no` never tries). Credentials in the URL are percent-decoded.
    """

    def __init__(self, url: str, *, timeout: float = 30) -> None:
        parts = urlsplit(url)
        if parts.scheme not in ("smtp", "smtps"):
            raise ValueError("must be an smtp:// or smtps:// URL")
        if not parts.hostname:
            raise ValueError("has no host")
        self.tls = parts.scheme == "smtps"
        self.host = parts.hostname
        self.port = parts.port or (465 if self.tls else 25)
        self.username = unquote(parts.username) if parts.username else None
        self.password = unquote(parts.password) if parts.password else None
        self.starttls = parse_qs(parts.query).get("starttls", ["auto"])[0]
        self.timeout = timeout
        self.context = ssl.create_default_context()

    def send(self, message: EmailMessage) -> None:
        client: smtplib.SMTP
        if self.tls:
            client = smtplib.SMTP_SSL(self.host, self.port, timeout=self.timeout,
                                      context=self.context)
        else:
            client = smtplib.SMTP(self.host, self.port, timeout=self.timeout)
        with client:
            client.ehlo()
            if not self.tls and self.starttls != "no":
                if client.has_extn("starttls"):
                    client.starttls(context=self.context)
                    client.ehlo()
                elif self.starttls == "require":
                    raise smtplib.SMTPNotSupportedError("the relay does not offer STARTTLS")
            if self.username:
                client.login(self.username, self.password or "")
            client.send_message(message)


def make_mailer(relay_url: str | None, outbox: Path) -> Mailer:
    return RelayMailer(relay_url) if relay_url else MaildirOutbox(outbox)


def automated_message(sender: str, to: str, subject: str) -> EmailMessage:
    """A message HotGigs sends on its own, outside any thread (a sign-in link, an applicant's
    status link): with the Date and Message-ID a mail server expects, and `Auto-Submitted:
    auto-generated` (RFC 3834) so auto-responders do not answer it."""
    message = EmailMessage()
    message["From"] = sender
    message["To"] = to
    message["Subject"] = subject
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = make_msgid(domain=sender.rpartition("@")[2] or None)
    message["Auto-Submitted"] = "auto-generated"
    return message
