"""STARTTLS and SMTP AUTH on the inbound door, with a certificate generated in the test:
AUTH is never offered in clear, a login is proof of sender, a wrong password is refused."""

from __future__ import annotations

import base64
import smtplib
from collections.abc import Iterator
from pathlib import Path

import pytest

from bots.email.passwords import Logins, read_users, set_password
from bots.email.server import tls_context
from tests.emails import INBOUND, attach, message
from tests.integration.email_rig import MailRig, start_rig, wire_bytes
from tests.integration.pipeline_harness import Harness
from tests.resumes import text_pdf
from tests.tls import client_context, make_certificate

LOGIN = "bob@agency.test"


@pytest.fixture
def tls_rig(harness: Harness, tmp_path: Path) -> Iterator[tuple[MailRig, Path]]:
    cert, key = make_certificate(tmp_path)
    users = tmp_path / "smtp-users"
    set_password(users, "Bob@Agency.test", "correct horse")
    assert "correct horse" not in users.read_text()  # hashed
    rig = start_rig(harness, tls=tls_context(str(cert), str(key)),
                    logins=Logins(read_users(users)), trust_loopback=False)
    yield rig, cert
    rig.server.stop()


def test_auth_is_refused_without_tls_and_a_login_over_starttls_is_proof(
        tls_rig: tuple[MailRig, Path]) -> None:
    rig, cert = tls_rig
    with smtplib.SMTP("127.0.0.1", rig.port, timeout=30) as plain:
        plain.ehlo()
        assert plain.has_extn("starttls") and not plain.has_extn("auth")
        token = base64.b64encode(f"\0{LOGIN}\0correct horse".encode()).decode()
        code, _ = plain.docmd("AUTH", f"PLAIN {token}")
        assert code == 538  # RFC 4954: encryption required for this mechanism
        with pytest.raises(smtplib.SMTPNotSupportedError):
            plain.login(LOGIN, "correct horse")

    # a tool sends directly: its From is whatever it writes, the login is what counts
    tool = message(sender="ci@builds.example", subject="Nightly candidate export")
    attach(tool, "kai.pdf", text_pdf("Kai Larsen", "kai.larsen@example.com"))
    forged = message(sender=LOGIN, subject="Not really Bob")
    attach(forged, "eve.pdf", text_pdf("Eve Forger", "eve.forger@example.com"))
    with smtplib.SMTP("127.0.0.1", rig.port, timeout=30) as client:
        client.starttls(context=client_context(cert))
        client.ehlo()
        assert client.has_extn("auth")
        with pytest.raises(smtplib.SMTPAuthenticationError) as refused:
            client.login(LOGIN, "wrong")
        assert refused.value.smtp_code == 535
        client.login(LOGIN, "correct horse")
        client.sendmail("ci@builds.example", [INBOUND], wire_bytes(tool))
    with smtplib.SMTP("127.0.0.1", rig.port, timeout=30) as client:  # TLS, but no login
        client.starttls(context=client_context(cert))
        client.sendmail(LOGIN, [INBOUND], wire_bytes(forged))
    rig.h.run_burst_worker()

    assert rig.status_of(tool["Message-ID"])[0] == "submitted"
    assert rig.status_of(forged["Message-ID"]) == ("quarantined", "no proof of sender")
    (reply,) = rig.outbox()
    assert reply["In-Reply-To"] == tool["Message-ID"] and reply["To"] == LOGIN
    row = next(r for r in rig.rows() if r.message_id == tool["Message-ID"])
    assert (row.smtp_user, row.proof, row.owner) == (LOGIN, "smtp-auth", LOGIN)
    assert [b.submitted_by for b in rig.batches()] == [LOGIN]


def test_the_settings_turn_on_starttls_and_auth(harness: Harness, tmp_path: Path) -> None:
    from hotgigs.wiring import smtp_server
    from tests.helpers import free_port

    cert, key = make_certificate(tmp_path)
    users = tmp_path / "users"
    set_password(users, LOGIN, "pw")
    port, submission = free_port(), free_port()
    settings = harness.settings.model_copy(update={
        "smtp_tls_cert": cert, "smtp_tls_key": key, "smtp_users": users, "smtp_port": port,
        "smtp_submission_port": submission})
    server = smtp_server(type(harness.services)(settings, harness.services.db,
                                                harness.services.blobs), None)
    server.start()
    try:
        with smtplib.SMTP("127.0.0.1", port, timeout=30) as client:
            client.ehlo()
            assert client.has_extn("starttls")
            client.starttls(context=client_context(cert))
            client.ehlo()
            assert client.has_extn("auth")
            client.login(LOGIN, "pw")
        # the submission port: nothing before STARTTLS, no MAIL before AUTH
        with smtplib.SMTP("127.0.0.1", submission, timeout=30) as client:
            client.ehlo()
            assert client.mail(LOGIN)[0] == 530
            client.starttls(context=client_context(cert))
            client.ehlo()
            assert client.mail(LOGIN)[0] == 530
            client.login(LOGIN, "pw")
            msg = message(sender="tool@ci.example")
            client.sendmail("tool@ci.example", [INBOUND], wire_bytes(msg))
    finally:
        server.stop()
    rows = {r.message_id: r for r in MailRig(harness, server, port).rows()}
    assert rows[msg["Message-ID"]].smtp_user == LOGIN
