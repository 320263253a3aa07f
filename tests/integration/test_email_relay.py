"""Outbound mail through a relay: our RelayMailer against a real SMTP server on loopback."""

from __future__ import annotations

import smtplib
from collections.abc import Iterator
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, Envelope, LoginPassword, Session

from bots.email.outbound import RelayMailer, make_mailer
from tests.helpers import free_port


class _Relay:
    """A relay that keeps what it was given and who logged in."""

    def __init__(self) -> None:
        self.received: list[Envelope] = []
        self.logins: list[tuple[str, str]] = []

    async def handle_DATA(self, server: Any, session: Session, envelope: Envelope) -> str:
        self.received.append(envelope)
        return "250 OK"

    def authenticate(self, server: Any, session: Session, envelope: Envelope, mechanism: str,
                     auth_data: Any) -> AuthResult:
        assert isinstance(auth_data, LoginPassword)
        login = (auth_data.login.decode(), auth_data.password.decode())
        self.logins.append(login)
        return AuthResult(success=login == ("bot", "s@cret"))


@pytest.fixture
def relay() -> Iterator[tuple[_Relay, int]]:
    handler = _Relay()
    port = free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port,
                            authenticator=handler.authenticate, auth_require_tls=False)
    controller.start()
    yield handler, port
    controller.stop()


def _reply() -> EmailMessage:
    message = EmailMessage()
    message["From"] = "resumes@hotgigs.test"
    message["To"] = "ann@agency.test"
    message["Subject"] = "Re: CV"
    message["In-Reply-To"] = "<orig@agency.test>"
    message.set_content("1 of 1 processed")
    return message


def test_a_reply_goes_through_the_relay_with_login(relay: tuple[_Relay, int]) -> None:
    handler, port = relay
    url = f"smtp://bot:s%40cret@127.0.0.1:{port}?starttls=no"
    mailer = make_mailer(url, outbox=Path("/nonexistent"))  # a relay URL wins over the outbox
    assert isinstance(mailer, RelayMailer)
    mailer.send(_reply())
    assert handler.logins == [("bot", "s@cret")]  # the URL's credentials, percent-decoded
    (envelope,) = handler.received
    assert envelope.rcpt_tos == ["ann@agency.test"]
    assert b"In-Reply-To: <orig@agency.test>" in envelope.original_content  # type: ignore[operator]


def test_a_relay_without_required_starttls_is_refused(relay: tuple[_Relay, int]) -> None:
    handler, port = relay
    with pytest.raises(smtplib.SMTPNotSupportedError):
        RelayMailer(f"smtp://127.0.0.1:{port}?starttls=require").send(_reply())
    assert handler.received == []  # nothing half-sent: the reply job fails and RQ retries it


def test_a_reply_goes_through_a_relay_that_requires_starttls(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from bots.email.server import tls_context
    from tests.tls import make_certificate

    cert, key = make_certificate(tmp_path)
    monkeypatch.setenv("SSL_CERT_FILE", str(cert))  # the relay's CA, as an operator sets it
    handler = _Relay()
    port = free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port,
                            tls_context=tls_context(str(cert), str(key)), require_starttls=True,
                            authenticator=handler.authenticate)
    controller.start()
    try:
        RelayMailer(f"smtp://bot:s%40cret@127.0.0.1:{port}?starttls=require").send(_reply())
    finally:
        controller.stop()
    assert handler.logins == [("bot", "s@cret")]  # AUTH only after the upgrade
    assert len(handler.received) == 1
