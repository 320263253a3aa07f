"""The SMTP door as a sending server sees it: 550, 552, 451, and what is stored but never
answered (duplicates, bounces, auto-replies), sender policy and the per-sender rate limit."""

from __future__ import annotations

import base64
import smtplib
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from rq.job import Job
from sqlalchemy import text

from bots.email.inbound import enqueue, take_waiting
from bots.email.server import SmtpServer
from bots.email.tasks import process_inbound
from hotgigs.wiring import email_config
from storage.db import Database
from tests.emails import INBOUND, SENDER, attach, message
from tests.helpers import free_port
from tests.integration.email_rig import MailRig, body_text, start_rig, wire_bytes
from tests.integration.pipeline_harness import Harness
from tests.resumes import text_pdf

FLANKER = Path(__file__).resolve().parents[3] / "shared" / "data" / "emails" / "flanker"


@pytest.fixture
def rig(harness: Harness) -> Iterator[MailRig]:
    r = start_rig(harness)
    yield r
    r.server.stop()


def _blobs(h: Harness) -> list[Path]:
    root = h.settings.data_dir / "blobs"
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def test_unknown_recipients_are_refused_at_rcpt(rig: MailRig) -> None:
    for address in ("nobody@hotgigs.localhost", "resumes@elsewhere.test"):
        with pytest.raises(smtplib.SMTPRecipientsRefused) as refused:
            rig.send(message(to=address), to=(address,))
        assert refused.value.recipients[address][0] == 550
    # one good recipient among bad ones: accepted for the good one only
    rig.send(message(), to=("nobody@hotgigs.localhost", INBOUND))
    assert [row.rcpt_to for row in rig.rows()] == [[INBOUND]]


def test_size_is_advertised_and_enforced(harness: Harness) -> None:
    config = replace(email_config(harness.settings), max_bytes=64 * 1024)
    port = free_port()
    with SmtpServer(config, harness.services.db, harness.services.blobs, harness.queue,
                    "127.0.0.1", port):
        big = message()
        attach(big, "huge.pdf", b"%PDF-1.4\n" + b"0" * 200_000)
        with smtplib.SMTP("127.0.0.1", port) as client:
            client.ehlo()
            assert client.esmtp_features["size"] == str(64 * 1024)
            # a client that declares the size is refused at MAIL FROM
            with pytest.raises(smtplib.SMTPSenderRefused) as refused:
                client.sendmail(SENDER, [INBOUND], wire_bytes(big))
            assert refused.value.smtp_code == 552
        with smtplib.SMTP("127.0.0.1", port) as client:
            # one that does not is refused at the end of DATA
            client.ehlo()
            assert client.mail(SENDER)[0] == 250
            assert client.rcpt(INBOUND)[0] == 250
            code, _reply = client.data(wire_bytes(big))
            assert code == 552
    assert _blobs(harness) == []


def test_database_down_at_data_answers_451_and_stores_nothing(harness: Harness) -> None:
    down = Database(f"postgresql+psycopg://postgres@127.0.0.1:{free_port()}/nowhere")
    config = email_config(harness.settings)
    port = free_port()
    msg = message()
    attach(msg, "a.pdf", text_pdf("Lena Park", "lena.park@example.com"))
    with SmtpServer(config, down, harness.services.blobs, harness.queue, "127.0.0.1", port):
        with pytest.raises(smtplib.SMTPDataError) as failed, \
                smtplib.SMTP("127.0.0.1", port) as client:
            client.sendmail(SENDER, [INBOUND], wire_bytes(msg))
        assert failed.value.smtp_code == 451
    down.dispose()
    assert _blobs(harness) == []
    # the sending server retries later, when the database is back: accepted
    rig = start_rig(harness)
    try:
        rig.send(msg)
        assert len(rig.rows()) == 1
    finally:
        rig.server.stop()


def test_a_failing_table_at_data_answers_451_and_removes_the_stored_bytes(
        harness: Harness, tmp_path: Path) -> None:
    broken = Database(f"sqlite:///{tmp_path / 'empty.sqlite3'}")  # no schema: insert fails
    port = free_port()
    with SmtpServer(email_config(harness.settings), broken, harness.services.blobs,
                    harness.queue, "127.0.0.1", port):
        with pytest.raises(smtplib.SMTPDataError) as failed, \
                smtplib.SMTP("127.0.0.1", port) as client:
            client.sendmail(SENDER, [INBOUND], wire_bytes(message()))
        assert failed.value.smtp_code == 451
    broken.dispose()
    assert _blobs(harness) == []


def test_a_redelivered_message_creates_nothing_new(rig: MailRig) -> None:
    msg = message()
    attach(msg, "a.pdf", text_pdf("Omar Haddad", "omar.haddad@example.com"))
    rig.send(msg)
    rig.send(msg)  # the sending server did not see our 250 and delivers again
    assert len(rig.rows()) == 1
    rig.h.run_burst_worker()
    rig.send(msg)  # and once more after processing
    rig.h.run_burst_worker()
    assert len(rig.rows()) == 1
    assert len(rig.batches()) == 1
    assert len(rig.outbox()) == 1
    assert rig.h.candidate_count() == 1


def test_bounces_and_auto_replies_are_stored_and_never_answered(rig: MailRig) -> None:
    ooo = message(subject="Out of office", body="I am away until Monday.\n")
    ooo["Auto-Submitted"] = "auto-replied"
    rig.send(ooo)
    bulk = message(subject="Newsletter")
    bulk["List-Unsubscribe"] = "<mailto:leave@lists.test>"
    rig.send(bulk)
    bounce = message(subject="Undelivered Mail Returned to Sender",
                     sender="MAILER-DAEMON@mx.agency.test")
    bounce.make_mixed()
    bounce.set_type("multipart/report")
    rig.send(bounce, mail_from="")
    rig.send((FLANKER / "bounce" / "gmail-invalid-address.eml").read_bytes(), mail_from="")
    rig.h.run_burst_worker()

    rows = rig.rows()
    assert len(rows) == 4
    assert {row.status for row in rows} == {"ignored"}
    assert all(row.reason for row in rows)
    assert rig.outbox() == []
    assert rig.batches() == []


def test_an_allowed_domain_is_accepted_only_with_authentication(harness: Harness) -> None:
    """HOTGIGS_ALLOWED_SENDERS names senders, it proves nothing: the same allowed address
    without a trusted DMARC pass is quarantined, and an unproven stranger hears nothing."""
    harness.extra_env.update(HOTGIGS_ALLOWED_SENDERS="@agency.test, boss@partner.test",
                             HOTGIGS_TRUSTED_AUTHSERV_IDS="mx.hotgigs.test")
    rig = start_rig(harness, trust_loopback=False)
    try:
        stranger = message(sender="mallory@evil.test")
        attach(stranger, "a.pdf", text_pdf("Nina Simone", "nina.simone@example.com"))
        allowed = message(sender="boss@partner.test")
        allowed["Authentication-Results"] = "mx.hotgigs.test; dmarc=pass header.from=partner.test"
        attach(allowed, "b.pdf", text_pdf("Otto Berg", "otto.berg@example.com"))
        unproven = message(sender="boss@partner.test")
        attach(unproven, "c.pdf", text_pdf("Pia Lund", "pia.lund@example.com"))
        for msg in (stranger, allowed, unproven):
            rig.send(msg, mail_from=str(msg["From"].addresses[0].addr_spec))
        rig.h.run_burst_worker()

        assert rig.status_of(stranger["Message-ID"]) == ("quarantined", "no proof of sender")
        assert rig.status_of(allowed["Message-ID"])[0] == "submitted"
        assert rig.status_of(unproven["Message-ID"]) == ("quarantined", "no proof of sender")
        (reply,) = rig.outbox()
        assert reply["To"] == "boss@partner.test"
        assert "Otto Berg" in body_text(reply)
        assert [b.submitted_by for b in rig.batches()] == ["boss@partner.test"]
    finally:
        rig.server.stop()


def test_a_sender_over_the_rate_limit_gets_one_notice(rig: MailRig) -> None:
    rig.h.extra_env["HOTGIGS_EMAIL_RATE_LIMIT"] = "2"
    sent = [message(subject=f"note {i}", body="Please call me.\n") for i in range(5)]
    for msg in sent:
        rig.send(msg)
    rig.h.run_burst_worker()

    assert [row.status for row in rig.rows()] == ["submitted"] * 2 + ["rate_limited"] * 3
    assert len(rig.batches()) == 2
    notices = [r for r in rig.outbox() if "more than 2 emails" in body_text(r)]
    assert len(notices) == 1
    assert notices[0]["In-Reply-To"] == sent[2]["Message-ID"]
    assert len(rig.outbox()) == 3  # two batch replies and the one notice


def test_authentication_results_are_recorded(rig: MailRig) -> None:
    msg = message()
    msg["Authentication-Results"] = ("mx.agency.test; spf=pass smtp.mailfrom=agency.test; "
                                     "dkim=fail header.d=agency.test; dmarc=none")
    rig.send(msg)
    assert rig.rows()[0].auth_results == {"spf": "pass", "dkim": "fail", "dmarc": "none"}


@pytest.mark.skipif(not FLANKER.exists(), reason="shared data set not present")
def test_real_malformed_messages_are_each_imported_or_set_aside(rig: MailRig) -> None:
    files = sorted(FLANKER.rglob("*.eml"))
    for path in files:
        rig.send(path.read_bytes(), mail_from="someone@flanker.test")
    # the server still takes the next message
    rig.send(message(subject="still alive"))
    # the inbound step in this process (the real task; resume parsing stays queued, as OCR of
    # the torture tests' images would take minutes)
    statuses = [process_inbound(row.id) for row in rig.rows()]
    # several of the files share a Message-ID (the same message, broken in different ways)
    ids = {row.message_id for row in rig.rows()}
    assert len(statuses) == len(ids) > len(files) * 3 // 4
    assert set(statuses) <= {"submitted", "ignored"}
    assert statuses.count("ignored") >= 5  # the bounces and complaints
    assert statuses[-1] == "submitted"
    with rig.h.services.db.session() as session:
        left = session.execute(text("SELECT count(*) FROM inbound_messages "
                                    "WHERE status = 'received'")).scalar()
    assert left == 0


def test_long_lines_are_stored_byte_exact_and_other_charsets_reach_the_reply(
        rig: MailRig) -> None:
    """Outlook's 11 KB HTML line is taken (Postfix takes it too) and stored as sent; a GBK
    body and a raw 8-bit GBK file name come out as Chinese, not mojibake."""
    html = b"<html><body>" + b"<span>Hello</span> " * 600 + b"</body></html>"  # one 11 KB line
    assert len(html) > 11_000
    pdf = base64.encodebytes(text_pdf("Zhang Wei", "zhang.wei@example.com")).replace(b"\n",
                                                                                     b"\r\n")
    raw = (b"From: Ann <ann@agency.test>\r\nTo: resumes@hotgigs.localhost\r\n"
           b"Subject: =?gbk?b?" + base64.b64encode("候选人".encode("gbk")) + b"?=\r\n"
           b"Message-ID: <long-line@agency.test>\r\nMIME-Version: 1.0\r\n"
           b"Content-Type: multipart/mixed; boundary=BB\r\n\r\n--BB\r\n"
           b"Content-Type: multipart/alternative; boundary=AA\r\n\r\n--AA\r\n"
           b"Content-Type: text/plain\r\nContent-Transfer-Encoding: 8bit\r\n\r\n"
           + "请看附件中的简历。".encode("gbk") + b"\r\n--AA\r\n"
           b"Content-Type: text/html; charset=utf-8\r\n\r\n" + html + b"\r\n--AA--\r\n"
           b"--BB\r\nContent-Type: application/pdf\r\nContent-Disposition: attachment; "
           b'filename="' + "张伟简历.pdf".encode("gbk") + b'"\r\n'
           b"Content-Transfer-Encoding: base64\r\n\r\n" + pdf + b"--BB--\r\n")
    with smtplib.SMTP("127.0.0.1", rig.port, timeout=30) as client:
        client.sendmail(SENDER, [INBOUND], raw)  # raises unless 250
    (row,) = rig.rows()
    assert rig.h.services.blobs.get(row.storage_key) == raw
    rig.h.run_burst_worker()
    reply = rig.reply_to("<long-line@agency.test>")
    assert reply["Subject"] == "Re: 候选人"
    assert "张伟简历.pdf" in body_text(reply) and "Zhang Wei" in body_text(reply)
    with rig.h.services.db.session() as session:
        note = session.scalar(text("SELECT note FROM batches"))
    assert note is not None and note.strip() == "请看附件中的简历。"


def test_a_single_resume_is_parsed_and_answered_in_its_inbound_job(rig: MailRig) -> None:
    """One RQ job per single-resume message; a reply that cannot be sent there goes to the
    retrying reply job, and several resumes still go to the queue as a bulk batch."""
    from rq.job import Job
    from sqlalchemy import select as sql_select

    from storage.models import ProcessingJob, Resume

    single = message(subject="one")
    attach(single, "a.pdf", text_pdf("Ines Sousa", "ines.sousa@example.com"))
    several = message(subject="two")
    attach(several, "b.pdf", text_pdf("Jon Snow", "jon.snow@example.com"))
    attach(several, "c.pdf", text_pdf("Kim Park", "kim.park@example.com"))
    rig.send(single)
    rig.send(several)
    rig.h.extra_env["HOTGIGS_SMTP_RELAY_URL"] = f"smtp://127.0.0.1:{free_port()}"  # down
    rig.h.run_burst_worker()

    rows = {r.message_id: r for r in rig.rows()}
    with rig.h.services.db.session() as session:
        jobs = dict(session.execute(sql_select(Resume.filename, ProcessingJob.rq_job_id)
                                    .join(ProcessingJob, ProcessingJob.resume_id == Resume.id))
                    .all())
    assert jobs["a.pdf"] == f"inbound-{rows[single['Message-ID']].id}"
    assert jobs["b.pdf"].startswith("chunk-") and jobs["c.pdf"] == jobs["b.pdf"]
    batch = {b.id: b for b in rig.batches()}[rows[single["Message-ID"]].batch_id]
    assert batch.state == "done" and batch.replied_at is None  # the relay was down
    reply_job = Job.fetch(f"reply-{batch.id}", connection=rig.h.services.redis)
    assert reply_job.get_status() in ("scheduled", "queued", "failed", "deferred")


def test_a_job_takes_the_inbound_jobs_next_in_line(harness: Harness) -> None:
    """What an inbound job takes to handle with its own: the inbound jobs at the head of the
    high queue, up to the limit, never one behind an upload (which keeps its turn)."""
    queue = harness.queue
    for row_id in (1, 2, 3):
        assert enqueue(queue, row_id)
    queue.enqueue_resume(99, "resume-99", "high")
    assert enqueue(queue, 4)
    assert take_waiting(queue, 2) == [1, 2]
    assert take_waiting(queue, 15) == [3]
    assert queue.queues["high"].get_job_ids() == ["resume-99", "inbound-4"]
    assert not Job.exists("inbound-1", connection=queue.connection)  # gone, not left to run
    assert take_waiting(queue, 15) == []


def test_a_message_whose_stored_copy_cannot_be_read_ends_failed_with_the_reason(
        rig: MailRig) -> None:
    """A stored copy that is gone (or sealed with another key) never heals: the message ends
    `failed` at once, with the reason, and nobody is answered; not retried for ever."""
    msg = message()
    attach(msg, "cv.pdf", text_pdf("Ann Lee", "ann@x.test"))
    rig.send(msg)
    (row,) = rig.rows()
    assert rig.h.services.blobs.delete(row.storage_key)
    assert process_inbound(row.id) == "failed"
    status, reason = rig.status_of(msg["Message-ID"])
    assert status == "failed"
    assert reason is not None and "stored message could not be read" in reason
    assert rig.batches() == [] and rig.outbox() == []


def test_the_sweeper_gives_up_on_a_message_whose_handling_always_fails(rig: MailRig) -> None:
    """Each sweep that finds the message still `received` and held by no job (its job failed
    for good, say) queues it again and counts it; after MAX_ATTEMPTS it ends `failed`."""
    from datetime import timedelta

    from bots.email.inbound import GAVE_UP, MAX_ATTEMPTS, sweep
    from pipeline.queue import inbound_job_id

    msg = message()
    rig.send(msg)
    (row,) = rig.rows()
    queue, db = rig.h.queue, rig.h.services.db
    for attempt in range(1, MAX_ATTEMPTS + 1):
        queue.queues["high"].empty()  # the job ran and failed: Redis holds it no more
        assert sweep(db, queue, timedelta(0)) == [row.id]
        assert queue.queues["high"].get_job_ids() == [inbound_job_id(row.id)]
        assert rig.rows()[0].attempts == attempt
        assert rig.status_of(msg["Message-ID"]) == ("received", None)
    queue.queues["high"].empty()
    assert sweep(db, queue, timedelta(0)) == []
    assert rig.status_of(msg["Message-ID"]) == ("failed", GAVE_UP)
    assert queue.queues["high"].get_job_ids() == []
    assert sweep(db, queue, timedelta(0)) == []  # an ended message is left alone
