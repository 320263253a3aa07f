"""The apply page's content and email checks, over generated files (pure: no server)."""

from __future__ import annotations

import pytest

from hotgigs.web.apply_checks import Refused, sniff, valid_email
from hotgigs.web.apply_texts import consent_text
from hotgigs.web.limits import network_of
from tests.resumes import docx_resume, text_pdf, zip_of

OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600
ODT = zip_of({"mimetype": b"application/vnd.oasis.opendocument.text",
              "content.xml": b"<office:document-content/>"})
RTF = b"{\\rtf1\\ansi Jane Doe\\par Engineer}"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 100
ELF = b"\x7fELF\x02\x01\x01" + b"\x00" * 200


@pytest.mark.parametrize(("name", "data", "declared", "kind"), [
    ("cv.pdf", text_pdf("Jane Doe", "jane@example.test"), "application/pdf", "pdf"),
    ("CV.PDF", text_pdf("Jane Doe"), "application/octet-stream", "pdf"),
    ("cv.docx", docx_resume("Jane Doe", "jane@example.test"),
     "application/vnd.openxmlformats-officedocument.wordprocessingml.document", "docx"),
    ("cv.doc", OLE, "application/msword", "doc"),
    ("cv.doc", RTF, "application/msword", "rtf"),  # Word saves RTF as .doc too
    ("cv.odt", ODT, "application/vnd.oasis.opendocument.text", "odt"),
    ("cv.rtf", RTF, "application/rtf", "rtf"),
    ("cv.txt", "Jane Doe\nEngineer at Acmé\n".encode(), "text/plain", "txt"),
    ("cv.txt", b"MZ Smith\nAnalyst, Leeds\n", "text/plain", "txt"),  # not a DOS header
    ("cv.pdf", text_pdf("Jane Doe"), None, "pdf"),
])
def test_documents_are_taken_for_what_they_are(name: str, data: bytes, declared: str | None,
                                               kind: str) -> None:
    assert sniff(data, name, declared) == kind


@pytest.mark.parametrize(("name", "data", "declared", "reason"), [
    ("cv.pdf", b"MZ\x90\x00" + b"\x00" * 200, "application/pdf", "a Windows executable"),
    ("cv.docx", ELF, None, "a Linux executable"),
    ("cv.txt", b"#!/bin/sh\nrm -rf ~\n", "text/plain", "a script"),
    ("cv.pdf", text_pdf("Jane"), "application/x-msdownload", "This file is a program"),
    ("cv.exe", text_pdf("Jane"), "application/pdf", "Files named .exe"),
    ("cv", text_pdf("Jane"), "application/pdf", "Files named without an extension"),
    ("cv.zip", zip_of({"a.pdf": b"%PDF-1.4"}), "application/zip", "Files named .zip"),
    ("cv.pdf", zip_of({"a.pdf": b"%PDF-1.4"}), "application/pdf", "ZIP archive"),
    ("cv.pdf", PNG, "application/pdf", "a picture"),
    ("cv.txt", b"<!doctype html><html><body>Jane</body></html>", "text/plain", "web page"),
    ("cv.pdf", docx_resume("Jane", "j@example.test"), "application/pdf",
     "named .pdf but its content is a Word document (.docx)"),
    ("cv.docx", text_pdf("Jane"), "application/pdf", "named .docx but its content is a PDF"),
    ("cv.doc", text_pdf("Jane"), "application/msword", "named .doc but its content is a PDF"),
    ("cv.pdf", text_pdf("Jane"), "application/msword",
     "Your browser sent this file as application/msword, but its content is a PDF"),
    ("cv.pdf", b"just text", "application/pdf", "corrupt PDF"),
    ("cv.pdf", b"   ", "application/pdf", "no text found"),
])
def test_programs_archives_and_mismatches_are_refused_with_the_reason(
        name: str, data: bytes, declared: str | None, reason: str) -> None:
    with pytest.raises(Refused) as refused:
        sniff(data, name, declared)
    assert reason in refused.value.reason


@pytest.mark.parametrize(("given", "expected"), [
    ("jane@example.com", "jane@example.com"),
    ("  Jane.Doe+jobs@mail.example.co.uk ", "Jane.Doe+jobs@mail.example.co.uk"),
    ("jane@example", None),
    ("jane example@example.com", None),
    ("@example.com", None),
    ("jane@@example.com", None),
    ("jane@-example.com", None),
    ("", None),
    (None, None),
    ("a" * 65 + "@example.com", None),
])
def test_valid_email(given: str | None, expected: str | None) -> None:
    assert valid_email(given) == expected


@pytest.mark.parametrize(("address", "counted_as"), [
    ("203.0.113.9", "203.0.113.9"),
    ("2001:db8:1:2:aaaa::1", "2001:db8:1:2::/64"),
    ("2001:db8:1:2:bbbb::7", "2001:db8:1:2::/64"),  # the same subscriber's network
    ("::ffff:203.0.113.9", "203.0.113.9"),
    ("unknown", "unknown"),
])
def test_the_rate_limit_counts_ipv6_by_its_64(address: str, counted_as: str) -> None:
    assert network_of(address) == counted_as


def test_the_consent_names_the_recruiter_and_how_long_data_is_kept() -> None:
    assert "the recruiter Rita Smith stores my resume" in consent_text("Rita Smith", 0)
    assert "until I ask for it to be erased" in consent_text("Rita Smith", 0)
    unnamed = consent_text(None, 365)
    assert "the recruiter who posted this job" in unnamed
    assert "for up to 365 days after my last contact" in unnamed
