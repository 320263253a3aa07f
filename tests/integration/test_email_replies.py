"""Resumes emailed in every common shape come back as one threaded reply naming the candidate."""

from __future__ import annotations

import base64
from collections.abc import Iterator

import pytest
from sqlalchemy import select

from storage.models import Batch, Candidate, ProcessingJob, Resume
from tests.emails import SENDER, attach, forwarded_as_attachment, message, winmail_dat
from tests.integration.email_rig import MailRig, body_text, html_text, start_rig
from tests.integration.pipeline_harness import Harness
from tests.resumes import docx_resume, text_pdf, zip_of

INLINE_RESUME = """Hi team, please add this candidate to the pipeline.

---------- Forwarded message ---------
From: Maria Lopez <maria.lopez@example.org>
Date: Mon, 23 Nov 2026 09:12:00 +0000
Subject: My resume
To: Ann Recruiter <ann@agency.test>

Maria Lopez
maria.lopez@example.org
+1 415 555 0100

EXPERIENCE
Data Engineer, Initech
Jan 2020 - Present

EDUCATION
BSc Mathematics, University of Porto, 2018

SKILLS
Python, Spark, SQL
"""


@pytest.fixture
def rig(harness: Harness) -> Iterator[MailRig]:
    r = start_rig(harness)
    yield r
    r.server.stop()


def _threaded(reply: object, original_id: str, subject: str) -> None:
    assert reply["In-Reply-To"] == original_id  # type: ignore[index]
    assert original_id in reply["References"]  # type: ignore[index]
    assert reply["Subject"] == f"Re: {subject}"  # type: ignore[index]
    assert reply["Auto-Submitted"] == "auto-replied"  # type: ignore[index]
    assert reply["To"] == SENDER  # type: ignore[index]


def test_resumes_in_every_shape_get_one_threaded_reply_each(rig: MailRig) -> None:
    sent = {}

    single = message(subject="Senior engineer: Alice Moreau")
    attach(single, "alice.pdf", text_pdf("Alice Moreau", "alice.moreau@example.com"))
    single["References"] = "<earlier@agency.test>"
    sent["pdf"] = single

    word = message(subject="Word resume")
    attach(word, "bob.docx", docx_resume("Bob Stone", "bob.stone@example.com"),
           "application/vnd.openxmlformats-officedocument.wordprocessingml.document")
    sent["docx"] = word

    several = message(subject="Three candidates")
    for name in ("Carol Diaz", "Dan Wu", "Eve Klein"):
        slug = name.lower().replace(" ", ".")
        attach(several, f"{slug}.pdf", text_pdf(name, f"{slug}@example.com"))
    sent["several"] = several

    archive = message(subject="A zip of resumes")
    attach(archive, "batch.zip", zip_of({
        "frank.pdf": text_pdf("Frank Ocean", "frank.ocean@example.com"),
        "grace.pdf": text_pdf("Grace Hopper", "grace.hopper@example.com"),
    }), "application/zip")
    sent["zip"] = archive

    inner = message(subject="My resume", sender="henry.ford@example.net",
                    body="Dear Ann, my resume is attached.\n")
    attach(inner, "henry.pdf", text_pdf("Henry Ford", "henry.ford@example.net"))
    sent["rfc822"] = forwarded_as_attachment(inner)

    sent["inline"] = message(subject="Fwd: My resume", body=INLINE_RESUME)

    outlook = message(subject="From Outlook")
    attach(outlook, "winmail.dat",
           winmail_dat({"ivy.pdf": text_pdf("Ivy Chen", "ivy.chen@example.com")}),
           "application/ms-tnef")
    sent["tnef"] = outlook

    for msg in sent.values():
        rig.send(msg)
    rig.h.run_burst_worker()

    replies = {key: rig.reply_to(msg["Message-ID"]) for key, msg in sent.items()}
    assert len(rig.outbox()) == len(sent)
    for key, msg in sent.items():
        _threaded(replies[key], msg["Message-ID"], msg["Subject"])
    assert "<earlier@agency.test>" in replies["pdf"]["References"].split()

    expect = {"pdf": ["Alice Moreau"], "docx": ["Bob Stone"],
              "several": ["Carol Diaz", "Dan Wu", "Eve Klein"],
              "zip": ["Frank Ocean", "Grace Hopper"], "rfc822": ["Henry Ford"],
              "inline": ["Maria Lopez"], "tnef": ["Ivy Chen"]}
    for key, names in expect.items():
        text = body_text(replies[key])
        for name in names:
            assert name in text, (key, text)
            assert name in html_text(replies[key])
        assert "new candidate" in text
    assert body_text(replies["pdf"]).startswith("1 of 1 processed")
    assert body_text(replies["several"]).startswith("3 of 3 processed")

    with rig.h.services.db.session() as session:
        emails = set(session.scalars(select(Candidate.email)))
        batches = {b.idempotency_key: b for b in rig.batches()}
    # the forwarder is the recruiter, never the candidate
    assert SENDER not in emails
    assert {"maria.lopez@example.org", "henry.ford@example.net"} <= emails
    assert batches[f"email:{sent['several']['Message-ID']}"].priority == "low"
    assert batches[f"email:{sent['pdf']['Message-ID']}"].priority == "high"
    assert all(b.submitted_by == SENDER for b in batches.values())
    assert {row.status for row in rig.rows()} == {"submitted"}
    # the first message's job took the others waiting behind it: every single-resume
    # message's resume was parsed in that one job
    with rig.h.services.db.session() as session:
        held_by = set(session.scalars(
            select(ProcessingJob.rq_job_id).join(Resume, Resume.id == ProcessingJob.resume_id)
            .join(Batch, Batch.id == Resume.batch_id).where(Batch.priority == "high")))
    assert held_by == {f"inbound-{rig.rows()[0].id}"}


def test_non_utf8_headers_and_broken_mime_still_reach_the_recruiter(rig: MailRig) -> None:
    pdf = text_pdf("Jose Nunez", "jose.nunez@example.com")
    encoded = base64.encodebytes(pdf).decode().replace("\n", "\r\n")
    latin = (
        b"From: =?koi8-r?b?4c7O?= <" + SENDER.encode() + b">\r\n"
        b"To: resumes@hotgigs.localhost\r\n"
        b"Subject: Curr\xedculum de Jos\xe9 N\xfa\xf1ez\r\n"  # raw ISO-8859-1, undeclared
        b"Message-ID: <latin1@agency.test>\r\n"
        b"MIME-Version: 1.0\r\n"
        b"Content-Type: multipart/mixed; boundary=\"XX\"\r\n\r\n"
        b"--XX\r\nContent-Type: text/plain; charset=iso-8859-1\r\n\r\nVoil\xe0 le CV.\r\n"
        b"--XX\r\nContent-Type: application/pdf\r\n"
        b"Content-Disposition: attachment; filename*=iso-8859-1''CV%20Jos%E9.pdf\r\n"
        b"Content-Transfer-Encoding: base64\r\n\r\n" + encoded.encode() + b"\r\n--XX--\r\n"
    )
    broken = (
        b"From: " + SENDER.encode() + b"\r\n"
        b"Subject: =?utf-8?q?broken_=E2=9C=93?= and =?x-unknown?q?odd?=\r\n"
        b"Message-ID: <broken@agency.test>\r\n"
        b"This line is not a header at all\r\n"
        b"Content-Type: multipart/mixed; boundary=\"BOUND\"\r\n\r\n"
        b"--BOUND\r\nContent-Type: text/plain\r\n\r\nsee attached\r\n"
        b"--BOUND\r\nContent-Type: application/pdf; name=\"k.pdf\"\r\n"
        b"Content-Transfer-Encoding: base64\r\n\r\n" + encoded.encode()
        # no closing boundary, and a truncated line of base64 at the end
        + b"\r\nJVBERi0xLj\r\n"
    )
    rig.send(latin)
    rig.send(broken)
    rig.h.run_burst_worker()

    reply = rig.reply_to("<latin1@agency.test>")
    assert reply["Subject"] == "Re: Currículum de José Núñez"
    assert "Jose Nunez" in body_text(reply)
    assert "CV José.pdf" in body_text(reply)
    assert rig.reply_to("<broken@agency.test>")["Subject"] == "Re: broken ✓ and odd"


def test_a_job_address_sets_the_job_hint_and_an_empty_message_is_answered(rig: MailRig) -> None:
    tagged = message(subject="For the backend job")
    attach(tagged, "kim.pdf", text_pdf("Kim Lee", "kim.lee@example.com"))
    rig.send(tagged, to=("jobs+backend-engineer@hotgigs.localhost",))
    empty = message(subject="Hello", body="Can you call me tomorrow?\n")
    rig.send(empty)
    rig.h.run_burst_worker()

    batches = {b.idempotency_key: b for b in rig.batches()}
    assert batches[f"email:{tagged['Message-ID']}"].job_hint == "backend-engineer"
    answer = body_text(rig.reply_to(empty["Message-ID"]))
    assert "We found no resume in your email" in answer
