"""Who sent it, over real SMTP sessions and real workers: only proven mail is imported and
answered, and only to the proven recruiter; the rest waits in quarantine, unanswered."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
from sqlalchemy import select, update
from typer.testing import CliRunner

from bots.email import recruiters
from bots.email.quarantine import NotQuarantined, drop, release
from hotgigs.cli import app
from storage.models import Candidate, InboundMessage, Recruiter, utcnow
from tests.emails import INBOUND, SENDER, attach, message
from tests.integration.email_rig import MailRig, body_text, start_rig
from tests.integration.http_support import TOKEN, http_server, request, with_token
from tests.integration.pipeline_harness import Harness
from tests.resumes import text_pdf

TRUSTED = "mx.hotgigs.test"


@pytest.fixture
def rig(harness: Harness) -> Iterator[MailRig]:
    """A door exposed to the internet (no loopback trust), behind a trusted MTA."""
    harness.extra_env["HOTGIGS_TRUSTED_AUTHSERV_IDS"] = TRUSTED
    r = start_rig(harness, trust_loopback=False, trusted_authserv_ids=(TRUSTED,))
    yield r
    r.server.stop()


def _resume_mail(name: str, sender: str = SENDER, **kw: str) -> object:
    msg = message(sender=sender, subject=f"Candidate {name}", **kw)
    slug = name.lower().replace(" ", ".")
    attach(msg, f"{slug}.pdf", text_pdf(name, f"{slug}@example.com"))
    return msg


def _owners(rig: MailRig) -> dict[str, str]:
    with rig.h.services.db.session() as session:
        return {str(name): str(owner) for name, owner in session.execute(
            select(Candidate.name, Recruiter.identity)
            .join(Recruiter, Recruiter.id == Candidate.owner_id))}


def test_only_proven_mail_is_imported_and_answered_to_the_recruiter(rig: MailRig) -> None:
    view, _ = recruiters.register(rig.h.services.db, SENDER, name="Ann Recruiter")
    personal = f"resumes+{view.token}@hotgigs.localhost"
    sent = {}
    sent["forged"] = _resume_mail("Forged Person")  # From: a registered recruiter, no proof
    sent["dmarc"] = _resume_mail("Dmarc Person")
    sent["dmarc"]["Authentication-Results"] = (
        f"{TRUSTED}; spf=pass smtp.mailfrom=agency.test; dkim=pass header.d=agency.test; "
        "dmarc=pass header.from=agency.test")
    sent["untrusted"] = _resume_mail("Untrusted Person")
    sent["untrusted"]["Authentication-Results"] = "mx.evil.test; dmarc=pass header.from=agency.test"
    # a pass written below the trusted MTA's own (failing) header is someone else's
    sent["buried"] = _resume_mail("Buried Person")
    sent["buried"]["Authentication-Results"] = f"{TRUSTED}; dmarc=fail header.from=agency.test"
    sent["buried"]["Authentication-Results"] = f"{TRUSTED}; dmarc=pass header.from=agency.test"
    # a mailbox rule forwards the candidate's own mail to the recruiter's personal address
    sent["forward"] = _resume_mail("Maria Lopez", sender="maria.lopez@example.org",
                                   to=personal)
    sent["spam"] = _resume_mail("Spam Person", sender="winner@lottery.test")
    sent["stranger"] = _resume_mail("Stranger Person", sender="eve@other.test")
    sent["stranger"]["Authentication-Results"] = f"{TRUSTED}; dmarc=pass header.from=other.test"
    for key, msg in sent.items():
        to = (personal,) if key == "forward" else (INBOUND,)
        rig.send(msg, mail_from="bounces@relay.test", to=to)  # type: ignore[arg-type]
    rig.h.run_burst_worker()

    status = {key: rig.status_of(msg["Message-ID"]) for key, msg in sent.items()}  # type: ignore[index]
    assert status == {
        "forged": ("quarantined", "no proof of sender"),
        "dmarc": ("submitted", None),
        "untrusted": ("quarantined", "no proof of sender"),
        "buried": ("quarantined", "no proof of sender"),
        "forward": ("submitted", None),
        "spam": ("quarantined", "no proof of sender"),
        "stranger": ("quarantined", "proven sender is not a registered recruiter"),
    }
    replies = rig.outbox()
    assert sorted(r["In-Reply-To"] for r in replies) == sorted(
        [sent["dmarc"]["Message-ID"], sent["forward"]["Message-ID"]])  # type: ignore[index]
    assert {r["To"] for r in replies} == {SENDER}  # never the candidate, never a forger
    assert "Maria Lopez" in body_text(rig.reply_to(sent["forward"]["Message-ID"]))  # type: ignore[index]
    assert _owners(rig) == {"Dmarc Person": SENDER, "Maria Lopez": SENDER}
    proofs = {r.message_id: (r.proof, r.owner) for r in rig.rows() if r.status == "submitted"}
    assert proofs == {sent["dmarc"]["Message-ID"]: ("dmarc", SENDER),  # type: ignore[index]
                      sent["forward"]["Message-ID"]: ("address", SENDER)}  # type: ignore[index]


def test_a_forged_first_copy_does_not_shadow_the_recruiters_own(rig: MailRig) -> None:
    """Message-IDs are not secret: a copy without proof that arrives first is quarantined,
    and the recruiter's proven copy of the same Message-ID is still imported and answered."""
    view, _ = recruiters.register(rig.h.services.db, SENDER, name="Ann Recruiter")
    personal = f"resumes+{view.token}@hotgigs.localhost"
    msg = _resume_mail("Early Bird")
    mid = str(msg["Message-ID"])  # type: ignore[index]
    rig.send(msg, mail_from="bounces@relay.test", to=(INBOUND,))  # type: ignore[arg-type]
    rig.h.run_burst_worker()
    assert rig.status_of(mid) == ("quarantined", "no proof of sender")
    rig.send(msg, mail_from="bounces@relay.test", to=(personal,))  # type: ignore[arg-type]
    rig.send(msg, mail_from="bounces@relay.test", to=(INBOUND,))  # type: ignore[arg-type]
    rig.h.run_burst_worker()
    assert rig.status_of(mid) == ("submitted", None)
    assert [row.rcpt_to for row in rig.rows()] == [[personal]]
    assert rig.reply_to(mid)["To"] == SENDER
    assert _owners(rig) == {"Early Bird": SENDER}

def test_a_rotated_address_is_quarantined_and_a_release_is_answered(rig: MailRig) -> None:
    db = rig.h.services.db
    view, _ = recruiters.register(db, SENDER)
    old = f"resumes+{view.token}@hotgigs.localhost"
    new = f"resumes+{recruiters.personal_token(db, SENDER, rotate=True)}@hotgigs.localhost"
    stale = _resume_mail("Stale Person", to=old)
    fresh = _resume_mail("Fresh Person", to=new)
    unwanted = _resume_mail("Unwanted Person", sender="x@spam.test")
    rig.send(stale, to=(old,))  # type: ignore[arg-type]
    rig.send(fresh, to=(new,))  # type: ignore[arg-type]
    rig.send(unwanted)  # type: ignore[arg-type]
    rig.h.run_burst_worker()
    assert rig.status_of(stale["Message-ID"]) == ("quarantined", "unknown personal address")  # type: ignore[index]
    assert rig.status_of(fresh["Message-ID"])[0] == "submitted"  # type: ignore[index]
    assert [r["In-Reply-To"] for r in rig.outbox()] == [fresh["Message-ID"]]  # type: ignore[index]

    by_id = {r.message_id: r.id for r in rig.rows()}
    with pytest.raises(recruiters.UnknownRecruiter):
        release(db, rig.h.queue, by_id[stale["Message-ID"]], "nobody@agency.test")  # type: ignore[index]
    assert release(db, rig.h.queue, by_id[stale["Message-ID"]], "ANN@agency.test")  # type: ignore[index]
    with pytest.raises(NotQuarantined):  # released once: no longer in quarantine
        release(db, rig.h.queue, by_id[stale["Message-ID"]], SENDER)  # type: ignore[index]
    rig.h.run_burst_worker()
    assert rig.status_of(stale["Message-ID"])[0] == "submitted"  # type: ignore[index]
    reply = rig.reply_to(stale["Message-ID"])  # type: ignore[index]
    assert reply["To"] == SENDER
    assert "Stale Person" in body_text(reply)

    unwanted_row = next(r for r in rig.rows() if r.message_id == unwanted["Message-ID"])  # type: ignore[index]
    drop(db, rig.h.services.blobs, unwanted_row.id)
    assert rig.status_of(unwanted["Message-ID"]) == ("dropped", "no proof of sender")  # type: ignore[index]
    assert not rig.h.services.blobs.exists(unwanted_row.storage_key)
    rig.send(unwanted)  # type: ignore[arg-type]  # a redelivery is still recognised
    assert len(rig.rows()) == 3
    assert len(rig.outbox()) == 2


def test_the_operator_manages_recruiters_and_the_quarantine(
        rig: MailRig) -> None:
    runner = CliRunner()
    env = rig.h.env()

    def cli(*args: str) -> str:
        result = runner.invoke(app, list(args), env=env)
        assert result.exit_code == 0, result.output
        return result.output

    added = cli("recruiter", "add", "Ann@Agency.test", "--name", "Ann", "--slack-user", "T1/U1")
    token = recruiters.list_registered(rig.h.services.db)[0].token
    assert f"resumes+{token}@hotgigs.localhost" in added
    assert "ann@agency.test" in cli("recruiter", "list")
    rotated = cli("recruiter", "address", "ann@agency.test", "--rotate").strip()
    assert rotated.startswith("resumes+") and token not in rotated
    assert recruiters.for_slack_user(rig.h.services.db, "T1", "U1") is not None

    spam = _resume_mail("Held Person", sender="someone@else.test")
    rig.send(spam)  # type: ignore[arg-type]
    rig.h.run_burst_worker()
    listed = cli("inbox", "list", "--status", "quarantined")
    (line,) = listed.strip().splitlines()
    row_id = line.split("\t")[0]
    assert "no proof of sender" in line
    with http_server(with_token(rig.h, TOKEN)) as port:
        metrics = request(port, "GET", "/metrics")[2].decode()
        page = request(port, "GET", "/admin", headers={"Authorization": f"Bearer {TOKEN}"})[2]
    assert 'hotgigs_inbound_quarantined{reason="no proof of sender"} 1.0' in metrics
    assert "hotgigs_inbound_quarantined_last_hour 1.0" in metrics
    assert b'id="quarantine"' in page and b"someone@else.test" in page
    with rig.h.services.db.session() as session:  # held since yesterday: no longer a spike
        session.execute(update(InboundMessage).values(received_at=utcnow() - timedelta(days=1)))
        session.commit()
    with http_server(with_token(rig.h, TOKEN)) as port:
        metrics = request(port, "GET", "/metrics")[2].decode()
    assert 'hotgigs_inbound_quarantined{reason="no proof of sender"} 1.0' in metrics
    assert "hotgigs_inbound_quarantined_last_hour 0.0" in metrics
    assert runner.invoke(app, ["inbox", "release", row_id, "--owner", "x@y.test"],
                         env=env).exit_code == 2
    cli("inbox", "release", row_id, "--owner", "ann@agency.test")
    rig.h.run_burst_worker()
    assert rig.reply_to(spam["Message-ID"])["To"] == SENDER  # type: ignore[index]
    assert cli("inbox", "list", "--status", "quarantined").strip() == ""
    cli("recruiter", "remove", "ann@agency.test")
    assert cli("recruiter", "list").strip() == ""


def test_our_own_aligned_dkim_and_spf_checks_are_proof(harness: Harness) -> None:
    """HOTGIGS_DKIM_VERIFY / HOTGIGS_SPF_VERIFY: we check signatures and the client's address
    ourselves against records a DNS server on loopback serves (HOTGIGS_DNS_SERVER); an aligned
    pass is proof, a tampered body or an address outside the SPF policy is not."""
    import dkim

    from tests.emails import dkim_key
    from tests.fakes.dns_server import FakeDns
    from tests.integration.email_rig import wire_bytes

    private, record = dkim_key()
    recruiters.register(harness.services.db, SENDER)
    signed, tampered = _resume_mail("Signed Person"), _resume_mail("Tampered Person")
    raws = {}
    for msg in (signed, tampered):
        raw = wire_bytes(msg)  # type: ignore[arg-type]
        raws[msg["Message-ID"]] = dkim.sign(raw, b"sel", b"agency.test", private) + raw  # type: ignore[index]
    raws[tampered["Message-ID"]] = raws[tampered["Message-ID"]].replace(  # type: ignore[index]
        b"Candidate Tampered", b"Candidate Tempered")
    recruiters.register(harness.services.db, "bob@partner.test")
    recruiters.register(harness.services.db, "cy@elsewhere.test")
    spf_pass = _resume_mail("Spf Person", sender="bob@partner.test")
    spf_fail = _resume_mail("Outside Person", sender="cy@elsewhere.test")
    records = {"sel._domainkey.agency.test": record,
               "mail.partner.test": b"v=spf1 ip4:127.0.0.0/8 -all",
               "elsewhere.test": b"v=spf1 ip4:192.0.2.1 -all"}
    with FakeDns(records) as dns_server:
        harness.extra_env.update(HOTGIGS_DKIM_VERIFY="true", HOTGIGS_SPF_VERIFY="true",
                                 HOTGIGS_DNS_SERVER=dns_server.address)
        rig = start_rig(harness, trust_loopback=False)
        try:
            for raw in raws.values():
                rig.send(raw)
            rig.send(spf_pass, mail_from="bounces@mail.partner.test")  # type: ignore[arg-type]
            rig.send(spf_fail, mail_from="cy@elsewhere.test")  # type: ignore[arg-type]
            rig.h.run_burst_worker()
        finally:
            rig.server.stop()
        assert "sel._domainkey.agency.test" in dns_server.queries
    assert rig.status_of(signed["Message-ID"])[0] == "submitted"  # type: ignore[index]
    assert rig.status_of(tampered["Message-ID"]) == ("quarantined", "no proof of sender")  # type: ignore[index]
    rows = {r.message_id: r for r in rig.rows()}
    assert rows[signed["Message-ID"]].proof == "dkim-checked"  # type: ignore[index]
    assert rows[tampered["Message-ID"]].auth_results["dkim_verified"] == "fail"  # type: ignore[index]
    assert rows[spf_pass["Message-ID"]].proof == "spf-checked"  # type: ignore[index]
    assert rows[spf_fail["Message-ID"]].status == "quarantined"  # type: ignore[index]
    assert rows[spf_fail["Message-ID"]].auth_results["spf_verified"] == "fail"  # type: ignore[index]
    assert sorted(r["In-Reply-To"] for r in rig.outbox()) == sorted(
        [signed["Message-ID"], spf_pass["Message-ID"]])  # type: ignore[index]


def test_retention_drops_old_quarantined_mail(rig: MailRig) -> None:
    from datetime import timedelta

    from sqlalchemy import update

    from hotgigs.privacy import run_retention
    from storage.models import InboundMessage, utcnow

    old, new = _resume_mail("Old Spam", sender="a@spam.test"), _resume_mail("New Spam",
                                                                            sender="b@spam.test")
    rig.send(old)  # type: ignore[arg-type]
    rig.send(new)  # type: ignore[arg-type]
    rig.h.run_burst_worker()
    with rig.h.services.db.session() as session:
        session.execute(update(InboundMessage).where(
            InboundMessage.message_id == old["Message-ID"])  # type: ignore[index]
            .values(received_at=utcnow() - timedelta(days=40)))
    services = type(rig.h.services)(rig.h.settings.model_copy(update={"retention_days": 30}),
                                    rig.h.services.db, rig.h.services.blobs)
    run_retention(services)
    assert rig.status_of(old["Message-ID"])[0] == "dropped"  # type: ignore[index]
    assert rig.status_of(new["Message-ID"])[0] == "quarantined"  # type: ignore[index]
