"""Digests over a real database (SQLite and PostgreSQL): what they report, to whom, once a day,
out through the Maildir outbox and the Slack-API stand-in. The clock is passed in."""

from __future__ import annotations

import email
import mailbox
import subprocess
import sys
from collections.abc import Iterator
from datetime import timedelta
from email.message import EmailMessage
from email.policy import default
from pathlib import Path

import pytest
from sqlalchemy import select

from digests import Digests, Limits, Scope, When, collect, zone
from digests.render import render_text
from digests.send import DigestConfig
from hotgigs.bootstrap import Services, bootstrap
from hotgigs.wiring import digests_for
from storage.db import upgrade
from storage.models import DigestSent, utcnow
from tests import digest_data as dd
from tests.digest_data import NOW, ago
from tests.fakes.slack_api import FakeSlack
from tests.helpers import cli_env

UTC8 = When(zone("UTC"), 8)


def outbox(services: Services) -> list[EmailMessage]:
    path = services.settings.data_dir / "outbox"
    if not path.exists():
        return []
    box = mailbox.Maildir(path, factory=None, create=False)
    found = [email.message_from_bytes(box.get_bytes(key), policy=default)
             for key in box.iterkeys()]
    return [m for m in found if isinstance(m, EmailMessage)]


def part(message: EmailMessage, kind: str) -> str:
    body = message.get_body(preferencelist=(kind,))
    assert body is not None, f"no text/{kind} part"
    return str(body.get_content())


def ledger(services: Services) -> list[tuple[str, str, str, str]]:
    with services.db.session() as s:
        return [(r.channel, r.recipient, r.digest_date, r.status) for r in
                s.scalars(select(DigestSent).order_by(DigestSent.channel, DigestSent.recipient))]


def test_a_digest_reports_what_arrived_by_source_with_failures_and_matches(
        services: Services) -> None:
    with services.db.session() as s:
        ann = dd.recruiter(s, "ann@agency.test")
        backend = dd.job(s, "Backend Engineer")
        dd.job(s, "Closed Role", status="closed")
        mail = dd.email_batch(s, ann, dd.ago(5), "Two for backend")
        alice = dd.candidate(s, ann, "Alice Example")
        dd.resume(s, mail, "alice.pdf", ago(5), person=alice)
        dd.resume(s, mail, "scan.pdf", ago(5), status="failed", reason="no text found")
        watched = dd.folder(s, ann, "Resumes 2026")
        drive = dd.drive_batch(s, ann, watched, ago(2))
        old = dd.candidate(s, ann, "Olga Known")
        dd.resume(s, drive, "olga-v2.pdf", ago(2), outcome="updated", person=old)
        dd.resume(s, drive, "virus.exe", ago(2), status="failed", reason="not a resume")
        dd.resume(s, drive, "later.pdf", ago(1), status="pending", outcome=None)
        dd.resume(s, mail, "lastweek.pdf", ago(24 * 3), person=dd.candidate(s, ann, "Earl"))
        dd.folder(s, ann, "Old CVs", state="broken", reason="no longer shared")
        dd.match(s, alice, backend, 91, "5/5 required skills")
        dd.match(s, old, backend, 60, "3/5 required skills")
        scope = Scope("email", "ann@agency.test", UTC8, recruiter_id=ann.id)
    with services.db.session() as s:
        data = collect(s, scope, NOW.date(), NOW - timedelta(days=1), NOW)
    assert (data.total, data.parsed, data.failed, data.pending) == (5, 2, 2, 1)
    assert (data.new, data.merged) == (1, 1)
    assert {(c.label, c.count) for c in data.sources} == {
        ("Drive folder “Resumes 2026”", 3), ("Email", 2)}
    assert {(f.filename, f.reason, f.origin) for f in data.failures} == {
        ("scan.pdf", "no text found", "email from ann@agency.test “Two for backend”"),
        ("virus.exe", "not a resume", "Drive folder “Resumes 2026”")}
    assert [(j.title, [(m.name, m.score, m.new, m.strong) for m in j.lines])
            for j in data.jobs] == [("Backend Engineer", [("Alice Example", 91, True, True),
                                                          ("Olga Known", 60, False, False)])]
    assert [(b.name, b.reason) for b in data.broken] == [("Old CVs", "no longer shared")]
    # today's five under today's label; the one of Saturday 08:00 under Saturday's
    assert [(c.label, c.count) for c in data.week] == [
        ("Wed 25", 0), ("Thu 26", 0), ("Fri 27", 0), ("Sat 28", 1), ("Sun 29", 0),
        ("Mon 30", 0), ("Tue 1", 5)]
    assert data.strong == 1


def test_a_recruiter_never_sees_another_recruiters_candidates(services: Services) -> None:
    with services.db.session() as s:
        pair = dd.two_recruiters(s)
    digests = digests_for(services)
    assert [o.status for o in digests.send(NOW)] == ["sent", "sent"]
    by_recipient = {str(m["To"]): m for m in outbox(services)}
    ann, bob = by_recipient["ann@agency.test"], by_recipient["bob@other.test"]
    for kind in ("plain", "html"):
        assert "Alice Annsfind" in part(ann, kind) and "Bruno" not in part(ann, kind)
        assert "Bruno Bobsfind" in part(bob, kind) and "Alice" not in part(bob, kind)
    assert "broken.pdf" in part(ann, "plain") and "broken.pdf" not in part(bob, "plain")
    assert pair.ann.id != pair.bob.id


def test_the_digest_names_the_recruiters_own_new_candidates_with_role_source_and_link(
        services: Services) -> None:
    with services.db.session() as s:
        ann = dd.recruiter(s, "ann@agency.test")
        bob = dd.recruiter(s, "bob@other.test")
        mail = dd.email_batch(s, ann, ago(3))
        nia = dd.candidate(s, ann, "Nia Newlyhired", latest_title="Data Engineer",
                           latest_company="Acme")
        dd.resume(s, mail, "nia.pdf", ago(3), person=nia)
        known = dd.candidate(s, ann, "Kim Known", latest_title="Designer")
        dd.resume(s, dd.slack_batch(s, ann, "C1", ago(2)), "kim.pdf", ago(2), outcome="updated",
                  person=known)
        dd.resume(s, mail, "old.pdf", ago(30), person=dd.candidate(s, ann, "Otto Oldweek"))
        dd.resume(s, dd.email_batch(s, bob, ago(2)), "bea.pdf", ago(2),
                  person=dd.candidate(s, bob, "Bea Bobsown", latest_title="CTO"))
        ids = (nia.id, known.id)
    services.settings.public_url = "https://hotgigs.example.com"
    assert [o.status for o in digests_for(services).send(NOW)] == ["sent", "sent"]
    ann_mail = {str(m["To"]): m for m in outbox(services)}["ann@agency.test"]
    text, html = part(ann_mail, "plain"), part(ann_mail, "html")
    assert ("  - Nia Newlyhired — Data Engineer at Acme (email, new) "
            f"https://hotgigs.example.com/candidates/{ids[0]}") in text
    assert "  - Kim Known — Designer (slack, updated) https://hotgigs.example.com/" in text
    assert f'<a href="https://hotgigs.example.com/candidates/{ids[1]}"' in html
    for body in (text, html):
        assert "Bea Bobsown" not in body and "Otto Oldweek" not in body
    with services.db.session() as s:
        data = collect(s, Scope("email", "bob@other.test", UTC8, recruiter_id=bob.id),
                       NOW.date(), NOW - timedelta(days=1), NOW)
    assert [(c.name, c.role, c.source, c.new) for c in data.candidates] == [
        ("Bea Bobsown", "CTO", "email", True)]


def test_the_candidate_list_is_capped_and_says_how_many_more(services: Services) -> None:
    with services.db.session() as s:
        ann = dd.recruiter(s, "ann@agency.test")
        mail = dd.email_batch(s, ann, ago(2))
        for n in range(5):
            dd.resume(s, mail, f"{n}.pdf", ago(2), person=dd.candidate(s, ann, f"Person {n}"))
        scope = Scope("email", "ann@agency.test", UTC8, recruiter_id=ann.id)
    with services.db.session() as s:
        data = collect(s, scope, NOW.date(), NOW - timedelta(days=1), NOW,
                       Limits(max_candidates=3))
    assert [c.name for c in data.candidates] == ["Person 0", "Person 1", "Person 2"]
    assert data.candidates_total == 5 and data.candidate_link(data.candidates[0]) is None
    text = render_text(data)
    assert "Candidates (5):" in text and "… and 2 more" in text and "Person 3" not in text


def test_a_channel_digest_only_shows_what_arrived_in_that_channel(services: Services) -> None:
    with services.db.session() as s:
        user = dd.slack_user(s)
        job = dd.job(s, "Designer")
        for channel, name in (("C1", "Cora Channelone"), ("C2", "Dan Channeltwo")):
            b = dd.slack_batch(s, user, channel, ago(1))
            person = dd.candidate(s, user, name)
            dd.resume(s, b, f"{name}.pdf", ago(1), person=person)
            dd.match(s, person, job, 80, "design skills")
    digests = Digests(services.db, DigestConfig(sender="x@y"), None, None)
    one = digests.build(Scope("slack", "C1", UTC8), NOW.date(), NOW, None)
    assert one.total == 1 and [m.name for j in one.jobs for m in j.lines] == ["Cora Channelone"]


def test_the_email_digest_lands_in_the_maildir_once_a_day(services: Services) -> None:
    with services.db.session() as s:
        dd.two_recruiters(s)
        dd.recruiter(s, "idle@agency.test")  # nothing arrived for them: no digest
    digests = digests_for(services)
    outcomes = digests.run_due(NOW)
    assert sorted((o.recipient, o.status) for o in outcomes) == [
        ("ann@agency.test", "sent"), ("bob@other.test", "sent"), ("idle@agency.test", "empty")]
    messages = outbox(services)
    assert len(messages) == 2
    ann = next(m for m in messages if m["To"] == "ann@agency.test")
    assert ann.get_content_type() == "multipart/alternative"
    assert ann["Subject"] == "HotGigs daily digest — 2 resumes, 1 failed, 1 strong match"
    assert ann["From"] == "resumes@hotgigs.localhost" and ann["Auto-Submitted"] == "auto-generated"
    assert "Alice Annsfind — 88 (new): 5/5 required skills" in part(ann, "plain")
    html = part(ann, "html")
    assert html.lstrip().startswith("<!DOCTYPE html>") and "Alice Annsfind" in html

    # the rest of the day, and another scheduler or a manual send, sends nothing more
    assert digests.run_due(NOW + timedelta(hours=1)) == []
    assert digests_for(services).send(NOW + timedelta(hours=3)) == []
    assert len(outbox(services)) == 2
    assert ledger(services) == [("email", "ann@agency.test", "2026-12-01", "sent"),
                                ("email", "bob@other.test", "2026-12-01", "sent"),
                                ("email", "idle@agency.test", "2026-12-01", "empty")]
    # the next day picks up where today's digest ended
    with services.db.session() as s:
        ann_row = dd.recruiter(s, "late@agency.test")
        b = dd.email_batch(s, ann_row, NOW + timedelta(hours=5))
        dd.resume(s, b, "late.pdf", NOW + timedelta(hours=5), person=dd.candidate(
            s, ann_row, "Late Arrival"))
    tomorrow = [o for o in digests.run_due(NOW + timedelta(days=1)) if o.status == "sent"]
    assert [o.recipient for o in tomorrow] == ["late@agency.test"]


def test_a_recruiter_gets_the_digest_at_their_own_local_hour(services: Services) -> None:
    with services.db.session() as s:
        for address, tz, hour in (("tokyo@x.test", "Asia/Tokyo", 8),
                                  ("la@x.test", "America/Los_Angeles", None),
                                  ("default@x.test", None, None)):
            r = dd.recruiter(s, address, timezone=tz, digest_hour=hour)
            b = dd.email_batch(s, r, ago(30))
            dd.resume(s, b, "cv.pdf", ago(30), person=dd.candidate(s, r, "P"))
    digests = digests_for(services)
    # 23:00 UTC on Nov 30: Tokyo is at 08:00 Dec 1, LA at 15:00 Nov 30, UTC past 08:00 Nov 30
    first = digests.run_due(NOW - timedelta(hours=9))
    assert sorted((o.recipient, o.day.isoformat(), o.status) for o in first) == [
        ("default@x.test", "2026-11-30", "sent"), ("la@x.test", "2026-11-30", "sent"),
        ("tokyo@x.test", "2026-12-01", "sent")]
    # 08:00 UTC Dec 1: only the UTC recruiter's new day has begun at its hour
    second = digests.run_due(NOW)
    assert [(o.recipient, o.day.isoformat()) for o in second] == [("default@x.test",
                                                                   "2026-12-01")]
    assert digests.run_due(NOW + timedelta(hours=7)) == []  # LA: 07:00, not due yet
    # 16:00 UTC is 08:00 in LA: due, and nothing arrived since its last digest
    assert [(o.recipient, o.status) for o in digests.run_due(NOW + timedelta(hours=8))] == [
        ("la@x.test", "empty")]


def test_a_send_that_crashed_after_its_claim_is_retried_later(services: Services) -> None:
    with services.db.session() as s:
        dd.two_recruiters(s)
        # a scheduler claimed Ann's digest and died before sending it
        s.add(DigestSent(recipient="ann@agency.test", channel="email", digest_date="2026-12-01",
                         status="claimed", claimed_at=NOW - timedelta(minutes=5)))
    digests = digests_for(services)
    assert [o.recipient for o in digests.run_due(NOW)] == ["bob@other.test"]
    retried = digests.run_due(NOW + timedelta(minutes=40))  # past HOTGIGS_DIGEST_RETRY_MINUTES
    assert [(o.recipient, o.status) for o in retried] == [("ann@agency.test", "sent")]
    assert sorted(str(m["To"]) for m in outbox(services)) == ["ann@agency.test",
                                                              "bob@other.test"]
    with services.db.session() as s:
        row = s.scalars(select(DigestSent).where(DigestSent.recipient == "ann@agency.test")).one()
        assert (row.status, row.attempts) == ("sent", 2)


class BrokenMailer:
    def __init__(self) -> None:
        self.tries = 0

    def send(self, message: EmailMessage) -> None:
        self.tries += 1
        raise ConnectionRefusedError("relay down")


def test_a_failed_send_is_recorded_and_sent_at_the_next_run(services: Services) -> None:
    with services.db.session() as s:
        dd.two_recruiters(s)
    working = digests_for(services)
    broken = BrokenMailer()
    failing = Digests(services.db, working.config, broken, None)
    outcomes = failing.run_due(NOW)
    assert [o.status for o in outcomes] == ["failed", "failed"] and broken.tries == 2
    assert "relay down" in outcomes[0].error
    assert {o.recipient for o in working.run_due(NOW + timedelta(hours=1))} == {
        "ann@agency.test", "bob@other.test"}
    assert len(outbox(services)) == 2


@pytest.fixture
def slack() -> Iterator[FakeSlack]:
    with FakeSlack() as fake:
        yield fake


def test_the_channel_digest_is_posted_once_through_the_slack_api(
        make_settings: object, database_url: str, slack: FakeSlack) -> None:
    settings = make_settings(database_url=database_url,  # type: ignore[operator]
                             slack_bot_token=slack.token, slack_api_url=slack.api_url)
    services = bootstrap(settings)
    try:
        with services.db.session() as s:
            user = dd.slack_user(s)
            b = dd.slack_batch(s, user, "C0DIGEST", ago(2))
            dd.resume(s, b, "evil.pdf", ago(2), person=dd.candidate(s, user, "<!channel> Eve"))
            dd.resume(s, b, "bad.pdf", ago(2), status="failed", reason="encrypted PDF")
            dd.folder(s, dd.recruiter(s, "ann@agency.test"), "Team CVs", state="broken",
                      reason="not found", channel="C0DIGEST")
        digests = digests_for(services)
        sent = digests.run_due(NOW)
        assert [(o.channel, o.recipient, o.status) for o in sent] == [
            ("email", "ann@agency.test", "sent"), ("slack", "C0DIGEST", "sent")]
        assert digests.run_due(NOW + timedelta(hours=2)) == []
    finally:
        services.close()
    posts = slack.calls_of("chat.postMessage")
    assert len(posts) == 1
    [message] = slack.messages
    assert message.channel == "C0DIGEST" and message.thread_ts is None
    assert message.text.startswith("HotGigs daily digest for Tuesday 1 December 2026: 2 resumes")
    body = "\n".join(b["text"]["text"] for b in message.blocks
                     if b["type"] == "section" and "text" in b)
    assert "`bad.pdf` — encrypted PDF" in body and "Team CVs: not found" in body
    assert "<!channel>" not in str(message.blocks)  # a name cannot ping the channel


def test_digest_send_dry_run_prints_the_text_and_sends_nothing(
        make_settings: object, tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'cli.sqlite3'}"
    settings = make_settings(database_url=url)  # type: ignore[operator]
    upgrade(url)
    services = bootstrap(settings)
    try:
        with services.db.session() as s:
            ann = dd.recruiter(s, "ann@agency.test")
            b = dd.email_batch(s, ann, utcnow() - timedelta(hours=1))
            dd.resume(s, b, "cv.pdf", utcnow() - timedelta(hours=1),
                      person=dd.candidate(s, ann, "<script>Zed</script>"))
    finally:
        services.close()
    env = cli_env(settings, url)
    run = [sys.executable, "-m", "hotgigs", "digest", "send"]
    done = subprocess.run([*run, "--dry-run"], env=env, capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr
    assert "===== email ann@agency.test" in done.stdout
    assert "HotGigs daily digest — 1 resume, 0 failed, 0 strong matches" in done.stdout
    assert "1 resume — 1 parsed, 0 failed" in done.stdout
    assert not (settings.data_dir / "outbox").exists()
    bad = subprocess.run([*run, "--date", "12/01/2026"], env=env, capture_output=True,
                         text=True, timeout=120)
    assert bad.returncode == 2 and "YYYY-MM-DD" in bad.stderr
    nobody = subprocess.run([*run, "--to", "nobody@x.test"], env=env, capture_output=True,
                            text=True, timeout=120)
    assert nobody.returncode == 2 and "nobody@x.test" in nobody.stderr
    # for real: one message in the outbox; a second run the same day sends nothing
    sent = subprocess.run(run, env=env, capture_output=True, text=True, timeout=120)
    assert sent.returncode == 0 and "sent" in sent.stderr, sent.stderr
    again = subprocess.run(run, env=env, capture_output=True, text=True, timeout=120)
    assert again.returncode == 0 and "no digest to send" in again.stderr
    to_ann = subprocess.run([*run, "--to", "ann@agency.test"], env=env, capture_output=True,
                            text=True, timeout=120)
    assert to_ann.returncode == 0, to_ann.stderr
    assert "already sent today" in to_ann.stderr and "no recruiter" not in to_ann.stderr
    box = mailbox.Maildir(settings.data_dir / "outbox", create=False)
    assert len(box) == 1
    # a recruiter's own timezone and hour
    schedule = [sys.executable, "-m", "hotgigs", "digest", "schedule", "ann@agency.test"]
    wrong = subprocess.run([*schedule, "--timezone", "Mars/Olympus"], env=env,
                           capture_output=True, text=True, timeout=120)
    assert wrong.returncode == 2 and "Mars/Olympus" in wrong.stderr
    done = subprocess.run([*schedule, "--timezone", "Asia/Tokyo", "--hour", "7"], env=env,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0 and "07:00 Asia/Tokyo" in done.stdout, done.stderr
