"""Pure parts of the email bot: MIME extraction, header readings, reply subjects, policy."""

from __future__ import annotations

import email
import email.policy
from email.message import EmailMessage
from pathlib import Path

import dkim
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from bots.email import headers as hdr
from bots.email.config import EmailConfig
from bots.email.mime import body_resume, extract
from bots.email.reply import reply_subject
from tests.emails import attach, forwarded_as_attachment, message, winmail_dat


def _raw(msg: EmailMessage) -> bytes:
    return msg.as_bytes(policy=msg.policy.clone(linesep="\r\n"))


def test_signature_images_calendar_and_signatures_are_skipped() -> None:
    msg = message()
    msg.add_alternative("<p>Hi <img src='cid:logo'></p>", subtype="html")
    html = msg.get_payload()[1]
    html.add_related(b"\x89PNG\r\n\x1a\n" + b"0" * 500, maintype="image", subtype="png",
                     cid="<logo>")
    attach(msg, "invite.ics", b"BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n", "text/calendar")
    attach(msg, "smime.p7s", b"0" * 100, "application/pkcs7-signature")
    attach(msg, "cv.pdf", b"%PDF-1.4 resume")
    attach(msg, "scan.png", b"\x89PNG\r\n\x1a\n" + b"1" * 40_000, "image/png")
    out = extract(_raw(msg))
    assert [p.name for p in out.files] == ["cv.pdf", "scan.png"]
    assert len(out.skipped) == 2  # the logo went with the HTML version of the body


def test_forwarded_messages_are_recursed_and_winmail_dat_unpacked() -> None:
    inner = message(sender="cand@example.org")
    attach(inner, "inner.pdf", b"%PDF-1.4 inner")
    inner2 = forwarded_as_attachment(inner)
    attach(inner2, "winmail.dat", winmail_dat({"from-outlook.docx": b"PK\x03\x04docx"}),
           "application/ms-tnef")
    outer = forwarded_as_attachment(inner2)
    out = extract(_raw(outer))
    assert sorted(p.name for p in out.files) == ["from-outlook.docx", "inner.pdf"]
    assert all(p.origin.startswith("mime:") for p in out.files)


def test_a_resume_like_body_is_the_resume_without_the_forwarding_note() -> None:
    body = ("Please add her.\n\n-----Original Message-----\nFrom: Ann <ann@x.test>\n"
            "Subject: cv\n\nJane Roe\njane@example.org\n\nEXPERIENCE\nAnalyst, Foo Ltd\n"
            "2019 - 2021\nBudgets and forecasts for the retail division\n\nEDUCATION\n"
            "BA Economics, University of Leeds, 2018\n\nSKILLS\nExcel, SQL, Tableau\n")
    out = extract(_raw(message(body=body)))
    resume = body_resume(out)
    assert resume is not None and resume.startswith("Jane Roe")
    assert body_resume(extract(_raw(message(body="Call me tomorrow, thanks!\n")))) is None


def test_header_text_survives_raw_bytes_and_unknown_charsets() -> None:
    assert hdr.text("=?iso-8859-1?q?R=E9sum=E9?= de Jos\udce9") == "Résumé de José"
    assert hdr.text("=?x-unknown?q?odd?= text") == "odd text"
    assert hdr.text("=?utf-8?b?0J/RgNC40LLQtdGC?=") == "Привет"


def test_machine_mail_is_recognised() -> None:
    def headers(**extra: str) -> object:
        msg = message()
        for name, value in extra.items():
            msg[name.replace("_", "-")] = value
        return hdr.header_block(_raw(msg))

    assert hdr.automatic_reason(headers(), "ann@agency.test") is None  # type: ignore[arg-type]
    assert hdr.automatic_reason(headers(Auto_Submitted="no"), "a@b.c") is None  # type: ignore[arg-type]
    assert hdr.automatic_reason(headers(), "") is not None  # type: ignore[arg-type]
    for extra in ({"Auto_Submitted": "auto-generated"}, {"Precedence": "bulk"},
                  {"List_Id": "<x.lists.test>"}):
        assert hdr.automatic_reason(headers(**extra), "a@b.c") is not None  # type: ignore[arg-type]


def test_recipients_and_sender_policy() -> None:
    config = EmailConfig(domain="hire.test", allowed_senders=("@agency.test", "boss@x.test"))
    assert config.recipient("resumes@HIRE.test") == (True, None)
    assert config.recipient("jobs+backend-dev@hire.test") == (True, "backend-dev")
    assert config.recipient("jobs+@hire.test") == (False, None)
    assert config.recipient("resumes@other.test") == (False, None)
    assert config.sender_allowed("Ann@Agency.test")
    assert config.sender_allowed("boss@x.test")
    assert not config.sender_allowed("eve@x.test")
    assert not EmailConfig().sender_allowed("anyone@anywhere.test")  # names nobody by default
    assert config.recipient("resumes+abcd2345efgh@hire.test") == (True, None)
    assert config.personal_token("Resumes+ABCD2345efgh@hire.test") == "abcd2345efgh"
    assert config.personal_token("resumes@hire.test") is None
    assert config.personal_token("resumes+a.b@hire.test") is None


def test_reply_subjects_do_not_pile_up() -> None:
    assert reply_subject("CV") == "Re: CV"
    assert reply_subject("Re: CV") == "Re: CV"
    assert reply_subject("Fwd: CV") == "Re: Fwd: CV"
    assert reply_subject("") == "Re: your resumes"


def test_dkim_signatures_are_verified_with_dkimpy() -> None:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    private = key.private_bytes(serialization.Encoding.PEM,
                                serialization.PrivateFormat.TraditionalOpenSSL,
                                serialization.NoEncryption())
    public = key.public_key().public_bytes(serialization.Encoding.DER,
                                           serialization.PublicFormat.SubjectPublicKeyInfo)
    import base64

    record = b"v=DKIM1; k=rsa; p=" + base64.b64encode(public)
    raw = _raw(message())
    signed = dkim.sign(raw, b"sel", b"agency.test", private) + raw

    def dns(name: bytes, timeout: int = 5) -> bytes | None:
        return record if name == b"sel._domainkey.agency.test." else None

    assert hdr.verify_dkim(signed, dns) == "pass"
    assert hdr.verify_dkim(signed.replace(b"look at this", b"look at that"), dns) == "fail"
    assert hdr.verify_dkim(raw, dns) == "none"


def test_the_html_reply_escapes_what_came_from_a_resume(tmp_path: Path) -> None:
    from bots.email.outbound import MaildirOutbox
    from bots.email.reply import EmailNotifier
    from pipeline.summary import BatchSummary, ResumeOutcome

    summary = BatchSummary(
        batch_id=1, source="email", submitted_by="ann@agency.test", state="done", total=1,
        parsed=1, failed=0,
        reply_to={"kind": "email", "address": "ann@agency.test", "message_id": "<m1@x>",
                  "subject": "cv"},
        items=[ResumeOutcome(resume_id=1, filename="cv.pdf", status="parsed",
                             outcome="created", name="<script>alert(1)</script>")],
    )
    EmailNotifier(EmailConfig(), MaildirOutbox(tmp_path)).result(summary)
    (path,) = list((tmp_path / "new").iterdir())
    message = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
    html = message.get_body(preferencelist=("html",)).get_content()  # type: ignore[union-attr]
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<script>" not in html
