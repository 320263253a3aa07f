"""An email bot on loopback: our SMTP server in this process, real `hotgigs worker` processes,
replies read back from the Maildir outbox."""

from __future__ import annotations

import email
import mailbox
import re
import smtplib
import ssl
from dataclasses import dataclass, replace
from email.message import EmailMessage
from email.policy import default
from typing import Any

from sqlalchemy import select

from bots.email.passwords import Logins
from bots.email.server import SmtpServer
from hotgigs.wiring import email_config
from storage.models import Batch, InboundMessage
from tests.emails import INBOUND, SENDER
from tests.helpers import free_port
from tests.integration.pipeline_harness import Harness


@dataclass
class MailRig:
    h: Harness
    server: SmtpServer
    port: int

    def send(self, msg: EmailMessage | bytes, *, mail_from: str = SENDER,
             to: tuple[str, ...] = (INBOUND,)) -> None:
        """Deliver over a real SMTP session; smtplib raises on anything but 250."""
        # on the wire lines end in CRLF (smtplib sends bytes as they are)
        data = re.sub(rb"\r?\n", b"\r\n", msg) if isinstance(msg, bytes) else wire_bytes(msg)
        with smtplib.SMTP("127.0.0.1", self.port, timeout=30) as client:
            client.sendmail(mail_from, list(to), data)

    def outbox(self) -> list[EmailMessage]:
        path = self.h.settings.data_dir / "outbox"
        if not path.exists():
            return []
        box = mailbox.Maildir(path, factory=None, create=False)
        replies = [email.message_from_bytes(box.get_bytes(key), policy=default)
                   for key in box.iterkeys()]
        return [r for r in replies if isinstance(r, EmailMessage)]

    def reply_to(self, message_id: str) -> EmailMessage:
        found = [r for r in self.outbox() if r["In-Reply-To"] == message_id]
        assert len(found) == 1, f"{len(found)} replies to {message_id}"
        return found[0]

    def rows(self) -> list[InboundMessage]:
        with self.h.services.db.session() as session:
            return list(session.scalars(select(InboundMessage).order_by(InboundMessage.id)))

    def status_of(self, message_id: str) -> tuple[str, str | None]:
        """(status, reason) of the stored message with this Message-ID."""
        found = [(r.status, r.reason) for r in self.rows() if r.message_id == message_id]
        assert len(found) == 1, f"{len(found)} rows for {message_id}"
        return found[0]

    def batches(self) -> list[Batch]:
        with self.h.services.db.session() as session:
            return list(session.scalars(select(Batch).order_by(Batch.id)))


def wire_bytes(msg: EmailMessage) -> bytes:
    """As an MTA sends it: CRLF line ends (smtplib leaves bytes alone)."""
    return msg.as_bytes(policy=msg.policy.clone(linesep="\r\n"))


def start_rig(h: Harness, *, tls: ssl.SSLContext | None = None, logins: Logins | None = None,
              **config: Any) -> MailRig:
    """Our SMTP server on loopback; `config` overrides EmailConfig fields (trust_loopback=False
    makes it a server exposed to the internet, as far as proof of senders goes)."""
    port = free_port()
    server = SmtpServer(replace(email_config(h.settings), **config), h.services.db,
                        h.services.blobs, h.queue, "127.0.0.1", port, tls=tls, logins=logins)
    server.start()
    return MailRig(h, server, port)


def body_text(reply: EmailMessage) -> str:
    part = reply.get_body(preferencelist=("plain",))
    assert part is not None
    return str(part.get_content())


def html_text(reply: EmailMessage) -> str:
    part = reply.get_body(preferencelist=("html",))
    assert part is not None
    return str(part.get_content())
