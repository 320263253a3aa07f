"""Pure parts of the email bot: MIME extraction, header readings, reply subjects, policy."""

from __future__ import annotations

import email
import email.policy
from email.message import EmailMessage
from pathlib import Path

import dkim

from bots.email import headers as hdr
from bots.email.config import EmailConfig
from bots.email.mime import body_resume, extract
from bots.email.reply import reply_subject
from tests.emails import attach, dkim_key, forwarded_as_attachment, message, winmail_dat


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


def test_a_raw_8bit_subject_without_a_charset_is_detected() -> None:
    subjects = {"gbk": "应聘职位：高级软件工程师 张伟的简历",
                "big5": "應徵職位：資深軟體工程師 陳大文",
                "shift_jis": "応募：シニアソフトウェアエンジニア 山田太郎",
                "cp1251": "Резюме: старший инженер Иванов",
                "cp1252": "Candidature : développeur confirmé"}
    for charset, subject in subjects.items():
        raw = (b"From: a@example.com\r\nSubject: " + subject.encode(charset)
               + b"\r\nContent-Type: text/plain\r\n\r\nhello\r\n")
        assert hdr.text(hdr.header_block(raw).get("Subject")) == subject, charset
        assert extract(raw).subject == subject, charset


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
    private, record = dkim_key()
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


def test_loopback_clients_are_trusted_only_on_a_loopback_bound_server(
        make_settings: object) -> None:
    from hotgigs.wiring import email_config

    def trust(**kw: object) -> bool:
        return email_config(make_settings(**kw)).trust_loopback  # type: ignore[operator]

    assert trust()  # make run: 127.0.0.1
    assert trust(smtp_host="::1") and trust(smtp_host="localhost")
    assert not trust(smtp_host="0.0.0.0") and not trust(smtp_host="192.0.2.10")
    # a trusted MTA on the same host relays to a loopback-bound HotGigs: switch it off
    assert not trust(smtp_trust_loopback=False)


class _Directory:
    def by_token(self, token: str) -> str | None:
        return "ann@agency.test" if token == "abcdefgh12" else None

    def registered(self, email: str) -> bool:
        return email == "ann@agency.test"


def test_proof_of_sender() -> None:
    from bots.email.proof import NO_PROOF, NOT_REGISTERED, UNKNOWN_ADDRESS, aligned, decide

    config = EmailConfig(trusted_authserv_ids=("mx.hire.test",), allowed_senders=("@ok.test",))

    def verdict(sender: str = "ann@agency.test", results: tuple[str, ...] = (),
                rcpt: str = "resumes@hotgigs.localhost", **kw: object) -> tuple[object, ...]:
        msg = message(sender=sender)
        for value in results:
            msg["Authentication-Results"] = value
        v = decide(config, _Directory(), headers=hdr.header_block(_raw(msg)), sender=sender,
                   rcpt_to=[rcpt], door_proof=kw.get("door"),  # type: ignore[arg-type]
                   smtp_user=kw.get("user"))  # type: ignore[arg-type]
        return v.owner, v.proof, v.reason

    assert verdict() == (None, None, NO_PROOF)
    assert verdict(door="loopback") == ("ann@agency.test", "loopback", None)
    assert verdict(door="smtp-auth", user="Bob@Agency.test") == ("bob@agency.test", "smtp-auth",
                                                                 None)
    assert verdict("cand@example.org", rcpt="resumes+abcdefgh12@hotgigs.localhost") == (
        "ann@agency.test", "address", None)
    assert verdict(rcpt="resumes+zzzzzzzz99@hotgigs.localhost", door="loopback") == (
        None, None, UNKNOWN_ADDRESS)
    passed = "mx.hire.test; dmarc=pass header.from=agency.test"
    assert verdict(results=(passed,)) == ("ann@agency.test", "dmarc", None)
    assert verdict(results=("mx.hire.test; dkim=pass header.d=mail.agency.test",))[1] == "dkim"
    assert verdict(results=("mx.hire.test; spf=pass smtp.mailfrom=b@agency.test",))[1] == "spf"
    assert verdict(results=("mx.hire.test; dkim=pass header.d=evil.test",))[2] == NO_PROOF
    assert verdict(results=("other.test; dmarc=pass header.from=agency.test",))[2] == NO_PROOF
    assert verdict("eve@other.test", results=(
        "mx.hire.test; dmarc=pass header.from=other.test",)) == (None, None, NOT_REGISTERED)
    assert verdict("boss@ok.test", results=(
        "mx.hire.test; dmarc=pass header.from=ok.test",))[0] == "boss@ok.test"
    checked = decide(config, _Directory(), headers=hdr.header_block(_raw(message())),
                     sender="ann@agency.test", rcpt_to=["resumes@hotgigs.localhost"],
                     door_proof=None, smtp_user=None, own_spf_domain="mail.agency.test")
    assert (checked.owner, checked.proof) == ("ann@agency.test", "spf-checked")
    assert aligned("agency.test", "mail.agency.test") and not aligned("test", "agency.test")
    # relaxed alignment is by organizational domain, from the public suffix list
    assert aligned("a.agency.test", "b.agency.test")
    assert aligned("mail.agency.co.uk", "agency.co.uk")
    assert not aligned("co.uk", "agency.co.uk") and not aligned("evil.co.uk", "agency.co.uk")
    assert not aligned("alice.github.io", "bob.github.io")  # a private suffix counts too
    # a signature by a public suffix proves no domain under it
    assert verdict("ann@agency.co.uk", results=(
        "mx.hire.test; dkim=pass header.d=co.uk",)) == (None, None, NO_PROOF)


RESUMES = {  # charset: (resume text, file name), all generated here
    "gbk": ("张伟\n电话：13800138000\n工作经历\n2018年至今 北京科技有限公司 高级软件工程师\n"
            "负责后端服务开发。\n教育背景\n清华大学 计算机科学 学士\n", "张伟简历.pdf"),
    "big5": ("陳大文\n電話：0912345678\n工作經歷\n2019年至今 台北科技股份有限公司 資深工程師\n"
             "負責系統設計與開發。\n學歷\n國立台灣大學 資訊工程學系\n", "陳大文履歷.pdf"),
    "shift_jis": ("山田太郎\n電話：090-1234-5678\n職歴\n2017年 株式会社東京テック 入社\n"
                  "バックエンド開発を担当。\n学歴\n東京大学 工学部 卒業\n", "山田太郎履歴書.pdf"),
    "euc-kr": ("김철수\n전화: 010-1234-5678\n경력\n2016년 서울테크 주식회사 소프트웨어 엔지니어\n"
               "백엔드 개발 담당.\n학력\n서울대학교 컴퓨터공학과 졸업\n", "김철수이력서.pdf"),
    "cp1251": ("Иван Петров\nОпыт работы\n2015 - н.в. ООО Рога и копыта, ведущий "
               "разработчик\nОбразование\nМГУ, факультет ВМК\n", "Петров резюме.pdf"),
    "koi8-r": ("Ольга Смирнова\nОпыт работы\n2012 - 2020 ЗАО Вектор, главный бухгалтер\n"
               "Образование\nСПбГУ, экономический факультет\n", "Смирнова резюме.pdf"),
    "cp1252": ("José Müller\nExpérience professionnelle\n2015 – présent: Société Générale, "
               "développeur\nFormation: Université de Genève\n", "José Müller CV.pdf"),
}


def _mime(body: bytes, body_type: str, name_header: bytes) -> bytes:
    return (b"From: Ann <ann@agency.test>\r\nTo: resumes@hotgigs.localhost\r\n"
            b"Subject: CV\r\nMessage-ID: <cs@agency.test>\r\nMIME-Version: 1.0\r\n"
            b"Content-Type: multipart/mixed; boundary=BB\r\n\r\n--BB\r\n"
            b"Content-Type: " + body_type + b"\r\nContent-Transfer-Encoding: 8bit\r\n\r\n"
            + body.replace(b"\n", b"\r\n") + b"\r\n--BB\r\nContent-Type: application/pdf\r\n"
            b"Content-Disposition: attachment; " + name_header + b"\r\n"
            b"Content-Transfer-Encoding: base64\r\n\r\nJVBERi0xLjQK\r\n--BB--\r\n")


def test_bodies_and_names_in_other_charsets_are_decoded() -> None:
    from urllib.parse import quote_from_bytes

    for charset, (resume, name) in RESUMES.items():
        data, raw_name = resume.encode(charset), name.encode(charset)
        rfc2231 = b"filename*=" + charset.encode() + b"''" + quote_from_bytes(raw_name).encode()
        shapes = {
            "declared": (b"text/plain; charset=" + charset.encode(), b'filename="' + raw_name
                         + b'"'),
            "undeclared": (b"text/plain", rfc2231),
            "nothing declared": (b"text/plain", b'filename="' + raw_name + b'"'),
            # a western label on CJK/Cyrillic text is wrong; on Latin text it is right
            "western label": (b"text/plain; charset=iso-8859-1", rfc2231),
        }
        for shape, (body_type, name_header) in shapes.items():
            got = extract(_mime(data, body_type, name_header))
            assert got.bodies == [resume], (charset, shape)
            assert [p.name for p in got.files] == [name], (charset, shape)


def test_an_html_body_names_its_charset_in_a_meta_tag() -> None:
    resume, _ = RESUMES["gbk"]
    html = ('<html><head><meta http-equiv="Content-Type" content="text/html; charset=gb2312">'
            "</head><body>" + resume.replace("\n", "<br>") + "</body></html>").encode("gbk")
    got = extract(_mime(html, b"text/html", b'filename="a.pdf"'))
    assert "北京科技有限公司 高级软件工程师" in got.bodies[0]
    # an RFC 2231 name without its charset, in the charset the message's text declares
    name = "张伟简历.pdf".encode("gbk")
    got = extract(_mime(RESUMES["gbk"][0].encode("gbk"), b"text/plain; charset=gbk",
                        b"filename*=''" + "".join(f"%{b:02X}" for b in name).encode()))
    assert [p.name for p in got.files] == ["张伟简历.pdf"]
