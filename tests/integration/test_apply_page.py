"""The candidate apply page over real HTTP: apply, follow the status link while a real worker
reads the resume, and every refusal (closed or switched-off job, consent, email, content,
size, rate, CSRF, foreign or wrong status links) — with nothing stored for a refusal."""

from __future__ import annotations

import json
import mailbox
import subprocess
import sys
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import select

from hotgigs.bootstrap import Services
from hotgigs.privacy import erase_candidate, export_json
from storage.models import Application, Batch, Candidate, CandidateMatch, Recruiter, Resume
from tests.helpers import cli_env
from tests.integration.apply_support import (
    OWNER,
    Visitor,
    add_job,
    blob_count,
    job_id,
    serving,
    stored_counts,
    token_of,
)
from tests.integration.pipeline_harness import Harness, make_harness
from tests.resumes import docx_resume, text_pdf

PDF = "application/pdf"
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 48 + \
    b"This program cannot be run in DOS mode.\r\r\n$" + b"\x00" * 2000


@pytest.fixture
def sqlite_harness(make_settings: object, tmp_path: Any, redis_url: str) -> Iterator[Harness]:
    """The refusals need no second database: SQLite only."""
    from storage.db import upgrade

    url = f"sqlite:///{tmp_path / 'apply.sqlite3'}"
    upgrade(url)
    h = make_harness(make_settings, url, redis_url)
    yield h
    h.close()


def _with(harness: Harness, **settings: Any) -> Services:
    return Services(settings=harness.settings.model_copy(update=settings),
                    db=harness.services.db, blobs=harness.services.blobs)


def _state(visitor: Visitor, token: str) -> dict[str, Any]:
    response = visitor.status_json(token)
    assert response.status_code == 200
    assert response.headers["cache-control"] == "no-store"
    return dict(response.json())


def test_an_application_is_the_owners_high_priority_import_and_its_link_shows_the_result(
        harness: Harness) -> None:
    slug = add_job(harness.services)
    other_slug = add_job(harness.services, title="Data Engineer")
    with serving(harness.services) as base:
        jadzia, kira = Visitor(base), Visitor(base, "198.51.100.8")
        form = jadzia.get(f"/apply/{slug}")
        assert form.status_code == 200
        assert "Python Developer" in form.text and "Leeds, UK" in form.text
        assert "I agree that the recruiter rita@agency.test stores my resume" in form.text
        assert 'accept=".pdf,.docx,.doc,.odt,.rtf,.txt' in form.text
        cookie = form.headers["set-cookie"].lower()
        assert "samesite=strict" in cookie and "httponly" in cookie and "path=/apply" in cookie
        assert "frame-ancestors 'none'" in form.headers["content-security-policy"]

        sent = jadzia.apply(slug, email=" jadzia@ds9.test ", files=[
            ("Dax CV.pdf", text_pdf("Jadzia Dax", "jadzia@ds9.test",
                                    title="Science Officer", company="Starfleet"), PDF)])
        token = token_of(sent)
        assert len(token) >= 43  # 256 bits, urlsafe base64
        other = token_of(kira.apply(other_slug, email="kira@bajor.test", files=[
            ("kira.pdf", text_pdf("Kira Nerys", "kira@bajor.test", title="Major"), PDF)]))

        # nothing has read it yet: "processing…", refreshing itself without JavaScript
        page = jadzia.get(f"/apply/status/{token}")
        assert page.status_code == 200
        assert "Processing…" in page.text and '<meta http-equiv="refresh"' in page.text
        assert f"/apply/status/{token}" in page.text and "Kira" not in page.text
        assert _state(jadzia, token)["state"] == "processing"

        harness.run_burst_worker()

        done = _state(jadzia, token)
        assert done["state"] == "parsed", done
        assert done["name"] == "Jadzia Dax" and done["title"] == "Science Officer"
        assert {"Python", "SQL", "Docker"} <= set(done["skills"])
        assert "score" not in str(done).lower() and "Kira" not in str(done)
        page = jadzia.get(f"/apply/status/{token}")
        assert "Resume processed successfully" in page.text and "Jadzia Dax" in page.text
        assert "refresh" not in page.text and "Kira" not in page.text
        assert "score" not in page.text.lower()
        # another visitor's link shows that application only
        theirs = _state(Visitor(base, "203.0.113.50"), other)
        assert theirs["name"] == "Kira Nerys" and "Jadzia" not in str(theirs)

    with harness.services.db.session() as session:
        owner = session.scalar(select(Recruiter).where(Recruiter.identity == OWNER))
        assert owner is not None
        application = session.scalar(select(Application).where(
            Application.job_id == job_id(harness.services, slug)))
        assert application is not None and application.email == "jadzia@ds9.test"
        assert application.consent_version and application.consent_at is not None
        assert application.status_token_hash != token and token not in application.ip_hash
        assert "198.51.100.7" not in application.ip_hash and len(application.ip_hash) == 64
        batch = session.get(Batch, application.batch_id)
        assert batch is not None
        assert (batch.source, batch.priority, batch.submitted_by) == ("web", "high", OWNER)
        assert batch.recruiter_id == owner.id and batch.job_hint == slug
        assert "jadzia@ds9.test" in (batch.note or "") and slug in (batch.note or "")
        dax = session.scalar(select(Candidate).where(Candidate.name == "Jadzia Dax"))
        assert dax is not None and dax.owner_id == owner.id  # among the recruiter's candidates
        # the worker matched the new candidate against the owner's open jobs, as any import
        assert session.scalar(select(CandidateMatch).where(
            CandidateMatch.candidate_id == dax.id,
            CandidateMatch.job_id == application.job_id)) is not None

    outbox = mailbox.Maildir(harness.settings.data_dir / "outbox", create=False)
    mails = [m for m in outbox if m["To"] == "jadzia@ds9.test"]
    assert len(mails) == 1 and mails[0]["Subject"] == "Your application: Python Developer"
    body = mails[0].get_payload(decode=True).decode()
    assert f"/apply/status/{token}" in body


def test_closed_switched_off_ownerless_and_unknown_jobs_answer_404(
        sqlite_harness: Harness) -> None:
    services = sqlite_harness.services
    off = add_job(services, apply=False)
    closed = add_job(services, title="Closed Role", closed=True)
    with serving(services) as base:
        visitor = Visitor(base)
        for slug in (off, closed, "no-such-job"):
            page = visitor.get(f"/apply/{slug}")
            assert page.status_code == 404
            assert "not taking applications" in page.text and "<form" not in page.text
            posted = visitor.apply(slug, read_form=False, files=[
                ("cv.pdf", text_pdf("Odo", "odo@ds9.test"), PDF)])
            assert posted.status_code == 404
    assert stored_counts(services) == (0, 0, 0)


def test_the_cli_switches_the_page_and_lists_it(sqlite_harness: Harness, tmp_path: Any) -> None:
    services = sqlite_harness.services
    slug = add_job(services, apply=False)
    ownerless = add_job(services, title="Operator Role", apply=False, owner=None)
    env = cli_env(services.settings, services.settings.effective_database_url)
    env["HOTGIGS_PUBLIC_URL"] = "https://jobs.agency.test"

    def hotgigs(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "hotgigs", *args], env=env, cwd=tmp_path,
                              capture_output=True, text=True, timeout=120)

    on = hotgigs("job", "apply", slug, "--on")
    assert on.returncode == 0, on.stderr
    assert f"https://jobs.agency.test/apply/{slug}" in on.stdout
    listed = hotgigs("job", "list", "--json")
    assert {j["slug"]: j["apply_open"] for j in json.loads(listed.stdout)} == {
        slug: True, ownerless: False}
    table = hotgigs("job", "list")
    assert "apply page" in table.stdout
    with serving(services) as base:
        assert Visitor(base).get(f"/apply/{slug}").status_code == 200
        refused = hotgigs("job", "apply", ownerless, "--on")
        assert refused.returncode == 2 and "has no owner" in refused.stderr
        assert hotgigs("job", "apply", slug, "--off").returncode == 0
        assert Visitor(base).get(f"/apply/{slug}").status_code == 404


@pytest.mark.parametrize(("change", "expected"), [
    ({"consent": False}, "Please tick the box"),
    ({"email": "not-an-address"}, "valid email address"),
    ({"email": None}, "valid email address"),
    ({"files": []}, "exactly one resume file"),
    ({"files": [("a.pdf", b"%PDF-1.4 a", PDF), ("b.pdf", b"%PDF-1.4 b", PDF)]},
     "exactly one resume file"),
])
def test_form_errors_come_back_with_the_reason_and_store_nothing(
        sqlite_harness: Harness, change: dict[str, Any], expected: str) -> None:
    slug = add_job(sqlite_harness.services)
    fields: dict[str, Any] = {"files": [("cv.pdf", text_pdf("Quark", "quark@ferengi.test"),
                                         PDF)]}
    fields.update(change)
    with serving(sqlite_harness.services) as base:
        answer = Visitor(base).apply(slug, **fields)
    assert answer.status_code == 400
    assert expected in answer.text and 'id="apply-form"' in answer.text
    if fields.get("email") == "not-an-address":
        assert 'value="not-an-address"' in answer.text  # what they typed stays
    assert stored_counts(sqlite_harness.services) == (0, 0, 0)
    assert blob_count(sqlite_harness.services) == 0


@pytest.mark.parametrize(("name", "data", "mime", "expected"), [
    ("resume.pdf", EXE, PDF, "This file is a program (a Windows executable)"),
    ("resume.pdf", EXE, "application/x-msdownload", "This file is a program"),
    ("resume.pdf", docx_resume("Rom", "rom@ferengi.test"), PDF,
     "named .pdf but its content is a Word document (.docx)"),
    ("resume.exe", b"%PDF-1.4 whatever", "application/octet-stream", "Files named .exe"),
    ("resume.pdf", b"plain words, no PDF at all", PDF, "corrupt PDF"),
    ("resume.txt", b"%PDF-1.4\n%%EOF", "text/plain", "named .txt but its content is a PDF"),
])
def test_content_sniffing_refuses_programs_and_mismatches_with_the_reason(
        sqlite_harness: Harness, name: str, data: bytes, mime: str, expected: str) -> None:
    slug = add_job(sqlite_harness.services)
    with serving(sqlite_harness.services) as base:
        answer = Visitor(base).apply(slug, files=[(name, data, mime)])
    assert answer.status_code == 415, answer.text[:300]
    assert expected in answer.text
    assert stored_counts(sqlite_harness.services) == (0, 0, 0)
    assert blob_count(sqlite_harness.services) == 0


def test_a_file_over_the_limit_gets_413_and_nothing_is_stored(sqlite_harness: Harness) -> None:
    services = _with(sqlite_harness, max_file_mb=1)
    slug = add_job(services)
    just_over = b"%PDF-1.4\n" + b"0" * (1024 * 1024)
    far_over = b"%PDF-1.4\n" + b"0" * (3 * 1024 * 1024)  # read to the end, never kept
    with serving(services) as base:
        for data in (just_over, far_over):
            visitor = Visitor(base)
            answer = visitor.apply(slug, files=[("big.pdf", data, PDF)])
            assert answer.status_code == 413
            assert "at most 1 MB" in answer.text
    assert stored_counts(services) == (0, 0, 0)
    assert blob_count(services) == 0


def test_past_the_rate_limit_an_address_gets_429_with_retry_after(
        sqlite_harness: Harness) -> None:
    services = _with(sqlite_harness, apply_rate_limit=2, apply_rate_minutes=10)
    slug = add_job(services)
    with serving(services) as base:
        busy = Visitor(base, "203.0.113.9")
        for _ in range(2):  # counted whether or not they are accepted
            assert busy.apply(slug, consent=False, files=[]).status_code == 400
        limited = busy.apply(slug, files=[("cv.pdf", text_pdf("Nog", "nog@ds9.test"), PDF)])
        assert limited.status_code == 429
        assert 0 < int(limited.headers["retry-after"]) <= 600
        assert "Too many applications" in limited.text
        # another address is not held back
        other = Visitor(base, "203.0.113.10").apply(slug, files=[
            ("cv.pdf", text_pdf("Nog", "nog@ds9.test"), PDF)])
        assert other.status_code == 303
    assert stored_counts(services) == (1, 1, 1)


def test_a_missing_or_forged_csrf_token_gets_403_and_stores_nothing(
        sqlite_harness: Harness) -> None:
    slug = add_job(sqlite_harness.services)
    files = [("cv.pdf", text_pdf("Garak", "garak@cardassia.test"), PDF)]
    with serving(sqlite_harness.services) as base:
        # no page read: neither cookie nor field
        assert Visitor(base).apply(slug, files=files, read_form=False,
                                   csrf=None).status_code == 403
        # the page's cookie, but no field
        assert Visitor(base).apply(slug, files=files, csrf=None).status_code == 403
        # the page's cookie, and a field of our own making
        forged = Visitor(base).apply(slug, files=files, csrf="Imt0aGlzIn0.forged.sig")
        assert forged.status_code == 403 and "Your form has expired" in forged.text
        # a genuine field, but issued to another visitor's cookie
        first, second = Visitor(base), Visitor(base)
        first.get(f"/apply/{slug}")
        second.get(f"/apply/{slug}")
        assert second.apply(slug, files=files, csrf=first.csrf).status_code == 403
    assert stored_counts(sqlite_harness.services) == (0, 0, 0)


def test_a_wrong_status_token_is_404(sqlite_harness: Harness) -> None:
    slug = add_job(sqlite_harness.services)
    with serving(sqlite_harness.services) as base:
        visitor = Visitor(base)
        token = token_of(visitor.apply(slug, files=[
            ("cv.pdf", text_pdf("Julian Bashir", "julian@ds9.test"), PDF)]))
        assert visitor.status_json(token).status_code == 200
        for wrong in (token[:-1] + ("A" if token[-1] != "A" else "B"), "x", "a" * 300):
            page = visitor.get(f"/apply/status/{wrong}")
            assert page.status_code == 404 and "Application not found" in page.text
            assert visitor.status_json(wrong).status_code == 404


def test_an_unreadable_resume_shows_why_and_erasure_takes_the_application_along(
        sqlite_harness: Harness) -> None:
    services = sqlite_harness.services
    slug = add_job(services)
    with serving(services) as base:
        odo = Visitor(base)
        bad = token_of(odo.apply(slug, email="odo@ds9.test",
                                 files=[("odo.pdf", b"%PDF-1.4 unreadable", PDF)]))
        worf = Visitor(base, "198.51.100.9")
        good = token_of(worf.apply(slug, email="worf@ds9.test", files=[
            ("worf.pdf", text_pdf("Worf Mogh", "worf@ds9.test"), PDF)]))
        sqlite_harness.run_burst_worker()

        failed = _state(odo, bad)
        with services.db.session() as session:
            reason = session.scalar(select(Resume.failure_reason)
                                    .where(Resume.filename == "odo.pdf"))
        assert failed["state"] == "failed" and reason and failed["name"] is None
        assert failed["reason"].startswith("The file seems damaged or locked")
        assert reason in failed["reason"] and "send another file" in failed["reason"]
        page = odo.get(f"/apply/status/{bad}")
        assert "We could not read your resume" in page.text and reason in page.text

        # GDPR: the export carries the application (email, consent); erasure removes it,
        # and the status link with it
        with services.db.session() as session:
            worf_id = session.scalar(select(Candidate.id).where(Candidate.name == "Worf Mogh"))
        assert worf_id is not None
        exported = export_json(services, worf_id, actor="test", source="test")
        [row] = exported["tables"]["applications"]
        assert row["email"] == "worf@ds9.test" and row["consent_version"]
        assert _state(worf, good)["state"] == "parsed"
        erase_candidate(services, worf_id, actor="test", source="test")
        assert worf.status_json(good).status_code == 404
        assert _state(odo, bad)["state"] == "failed"  # the other application is untouched
