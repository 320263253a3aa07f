"""The email door end to end: a resume mailed over SMTP to `hotgigs serve`, the reply in the
Maildir outbox (loopback senders are the operator's, so they are answered)."""

from __future__ import annotations

import mailbox
import smtplib
from collections.abc import Callable
from email.message import Message
from pathlib import Path

from tests.e2e.conftest import Serve
from tests.emails import INBOUND, attach, message
from tests.helpers import wait_until
from tests.integration.email_rig import wire_bytes
from tests.resumes import text_pdf


def _text(reply: Message) -> str:
    parts = (part.get_payload(decode=True) for part in reply.walk()
             if part.get_content_type() == "text/plain")
    return "\n".join(p.decode("utf-8", "replace") for p in parts if isinstance(p, bytes))


def _replies(outbox: Path) -> list[mailbox.MaildirMessage] | None:
    return list(mailbox.Maildir(outbox).values()) if outbox.exists() else None


def test_a_mailed_resume_is_answered_with_its_candidate(start_serve: Callable[..., Serve]) -> None:
    serve = start_serve()
    msg = message(sender="you@agency.example", subject="CV for the backend role")
    attach(msg, "cv.pdf", text_pdf("Nora Quist", "nora.quist@example.com"))
    with smtplib.SMTP("127.0.0.1", serve.smtp_port, timeout=30) as client:
        client.sendmail("you@agency.example", [INBOUND], wire_bytes(msg))
    outbox = serve.data_dir / "outbox"
    replies = wait_until(lambda: _replies(outbox), timeout=240, what="the reply in the outbox")
    assert len(replies) == 1
    assert replies[0]["To"] == "you@agency.example"
    assert "Nora Quist" in _text(replies[0])
    assert serve.candidate_names() == ["Nora Quist"]
