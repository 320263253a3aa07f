"""Interactive Slack over signed HTTP: the candidate card's buttons, the modals that replace
command syntax, refusals for someone else's candidate, stale and replayed clicks.

Every modal and ephemeral message goes through the Web API stand-in, which validates their
blocks with slack_sdk's models (and refuses what Slack would): `slack.invalid` stays empty.
"""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from hotgigs.privacy import erase_candidate
from storage.models import AuditEvent, Candidate, Job
from tests.fakes.slack_api import FakeSlack, Message
from tests.integration.slack_payloads import (
    buttons,
    command,
    ephemeral_click,
    home_opened,
    message_click,
    selected,
    send_interactive,
    shortcut,
    submission,
    text,
    view_click,
)
from tests.integration.slack_support import CHANNEL, TEAM, USER, SlackRig, file_share_event
from tests.resumes import text_pdf

pytestmark = [pytest.mark.redis, pytest.mark.postgres]

TS = "1652227646.593159"


def _card(rig: SlackRig, slack: FakeSlack) -> Message:
    """One resume shared in the channel, processed: its card with the buttons."""
    files = {"priya.pdf": text_pdf("Priya Raman", "priya@example.com", title="Python Developer",
                                   skills="Python, Django, PostgreSQL, Docker")}
    assert rig.send_event(file_share_event(slack, files, ts=TS)).status == 200
    slack.wait_for(rig.batches, what="the batch")
    rig.harness.run_burst_worker()
    return slack.wait_for(lambda: next((m for m in slack.thread(CHANNEL, TS)
                                        if "candidate_match" in buttons(m.blocks)), None),
                          what="the card's buttons")


def _save_job(rig: SlackRig, slack: FakeSlack) -> Job:
    reply = command(rig, "job add Senior Python Developer | We need Python, Django and "
                         "PostgreSQL; Docker is a plus. 3+ years.")
    assert reply.status == 200
    slack.wait_for(lambda: slack.responses[-1:] and "Saved" in str(slack.responses[-1]),
                   what="the saved job")
    with rig.harness.services.db.session() as session:
        job = session.scalars(select(Job)).one()
        session.expunge(job)
        return job


def _ephemeral_to(slack: FakeSlack, user: str, count: int = 1) -> list[dict[str, Any]]:
    return slack.wait_for(lambda: (found if len(found := [e for e in slack.ephemeral
                                                          if e["user"] == user]) >= count
                                   else None), what=f"{count} ephemeral message(s) to {user}")


def test_match_to_a_job_scores_the_candidate_with_reasons(rig: SlackRig,
                                                          slack: FakeSlack) -> None:
    job = _save_job(rig, slack)
    card = _card(rig, slack)
    assert send_interactive(rig, message_click(slack, card, "candidate_match")).status == 200
    modal = slack.wait_for(lambda: slack.views_of("views.open")[:1], what="the modal")[0]
    assert modal["callback_id"] == "hotgigs_candidate_match"
    options = modal["blocks"][1]["element"]["options"]
    assert [o["value"] for o in options] == [str(job.id)]
    assert "Senior Python Developer" in options[0]["text"]["text"]

    answer = send_interactive(rig, submission(modal, {("match_job", "job"): selected(
        str(job.id))}))
    assert answer.status == 200
    result = answer.json()
    assert result["response_action"] == "update"
    shown = result["view"]["blocks"][0]["text"]["text"]
    assert shown.startswith("*Priya Raman* for *Senior Python Developer* "
                            "(`senior-python-developer`): *")
    assert "/100*" in shown and "• " in shown  # a score and its reasons
    with rig.harness.services.db.session() as session:
        actions = [e.action for e in session.scalars(select(AuditEvent))
                   if e.actor == f"slack:{TEAM}/{USER}"]
    assert "matched" in actions
    assert slack.invalid == []


def test_someone_elses_candidate_is_refused_and_replays_and_stale_cards_are_answered(
        rig: SlackRig, slack: FakeSlack) -> None:
    card = _card(rig, slack)
    # another recruiter of the workspace clicks Ann's card: told privately, nothing opens
    assert send_interactive(rig, message_click(slack, card, "candidate_match",
                                               user="U999")).status == 200
    [refusal] = _ephemeral_to(slack, "U999")
    assert refusal["channel"] == CHANNEL and "isn't one of yours" in refusal["text"]
    assert send_interactive(rig, message_click(slack, card, "candidate_open",
                                               user="U999")).status == 200
    assert "isn't one of yours" in _ephemeral_to(slack, "U999", 2)[1]["text"]
    assert slack.views_of("views.open") == []

    # "Open" without a web door: the parsed fields in a modal, and the view is audited
    click = message_click(slack, card, "candidate_open")
    assert send_interactive(rig, click).status == 200
    opened = slack.wait_for(lambda: slack.views_of("views.open")[:1], what="the fields")[0]
    assert "*Priya Raman*" in str(opened["blocks"]) and "priya@example.com" in str(
        opened["blocks"])
    with rig.harness.services.db.session() as session:
        assert [e.actor for e in session.scalars(select(AuditEvent))
                if e.action == "viewed"] == [f"slack:{TEAM}/{USER}"]
    # Slack delivering the same click again: answered once, politely
    assert send_interactive(rig, click).status == 200
    assert _ephemeral_to(slack, USER)[0]["text"] == "That click was already handled."
    assert len(slack.views_of("views.open")) == 1

    # the candidate is erased: the old card's buttons say so
    with rig.harness.services.db.session() as session:
        candidate_id = session.scalars(select(Candidate.id)).one()
    erase_candidate(rig.services, candidate_id, actor="ops@agency.test", source="cli")
    send_interactive(rig, message_click(slack, card, "candidate_match"))
    stale = _ephemeral_to(slack, USER, 2)[1]
    assert stale["text"].startswith("That button is out of date: that candidate is no longer")
    assert len(slack.views_of("views.open")) == 1
    assert slack.invalid == []


def test_a_closed_job_is_refused_in_the_modal(rig: SlackRig, slack: FakeSlack) -> None:
    job = _save_job(rig, slack)
    card = _card(rig, slack)
    send_interactive(rig, message_click(slack, card, "candidate_match"))
    modal = slack.wait_for(lambda: slack.views_of("views.open")[:1], what="the modal")[0]
    with rig.harness.services.db.session() as session:
        session.get_one(Job, job.id).status = "closed"
    answer = send_interactive(rig, submission(modal, {("match_job", "job"): selected(
        str(job.id))})).json()
    assert answer == {"response_action": "errors",
                      "errors": {"match_job": "that job is closed or no longer exists"}}


def test_the_open_button_links_to_the_candidate_page_with_a_public_url(
        pg_harness: Any, slack: FakeSlack) -> None:
    from tests.integration.slack_support import make_rig

    rig = make_rig(pg_harness, slack, public_url="https://hotgigs.example")
    try:
        pg_harness.extra_env["HOTGIGS_PUBLIC_URL"] = "https://hotgigs.example"
        card = _card(rig, slack)
        with rig.harness.services.db.session() as session:
            candidate_id = session.scalars(select(Candidate.id)).one()
        assert buttons(card.blocks)["candidate_open"]["url"] == \
            f"https://hotgigs.example/candidates/{candidate_id}"
        # Slack still reports the click of a link button: acknowledged, nothing else
        assert send_interactive(rig, message_click(slack, card, "candidate_open")).status == 200
        assert slack.views_of("views.open") == [] and slack.ephemeral == []
    finally:
        rig.close()


def test_job_add_without_text_opens_a_modal_that_validates(rig: SlackRig,
                                                           slack: FakeSlack) -> None:
    reply = command(rig, "job add")
    assert reply.status == 200 and reply.body == ""
    modal = slack.wait_for(lambda: slack.views_of("views.open")[:1], what="the modal")[0]
    assert modal["callback_id"] == "hotgigs_job_add"

    bad = send_interactive(rig, submission(modal, {
        ("job_title", "value"): text(" "), ("job_description", "value"): text("too short")}))
    assert bad.json()["response_action"] == "errors"
    assert set(bad.json()["errors"]) == {"job_title", "job_description"}
    with rig.harness.services.db.session() as session:
        assert session.scalars(select(Job)).all() == []

    good = send_interactive(rig, submission(modal, {
        ("job_title", "value"): text("Data Engineer"),
        ("job_description", "value"): text("Python, SQL and Airflow pipelines; dbt is a plus."),
        ("job_location", "value"): text("Lisbon"),
        ("job_remote", "value"): {"type": "checkboxes", "selected_options": [
            {"value": "remote", "text": {"type": "plain_text", "text": "Remote"}}]}}))
    assert good.json()["response_action"] == "update"
    assert "Saving the job" in str(good.json()["view"]["blocks"])
    saved = slack.wait_for(lambda: slack.views_of("views.update")[:1], what="saved")[0]
    assert saved["id"] == modal["id"]
    assert "Saved *Data Engineer* as `data-engineer`" in saved["blocks"][0]["text"]["text"]
    with rig.harness.services.db.session() as session:
        job = session.scalars(select(Job)).one()
        assert (job.title, job.location, job.remote) == ("Data Engineer", "Lisbon", True)
    # the syntax still works for those who type it
    assert command(rig, "job add Nurse | Registered nurse, ICU experience, nights.").json()[
        "text"] == "Saving the job…"
    assert slack.invalid == []


def test_show_10_more_lengthens_a_match_list_in_place(rig: SlackRig, slack: FakeSlack) -> None:
    names = ["Priya Raman", "Omar Haddad", "Lena Novak", "Ana Silva", "Tom Berg", "Kai Mori",
             "Eva Lund", "Raj Patel", "Mia Chen", "Leo Rossi", "Zoe Kane"]
    rig.harness.submit({f"{n.split()[0].lower()}.pdf": text_pdf(
        n, f"{n.split()[0].lower()}@example.com", title="Python Developer",
        skills="Python, Django, PostgreSQL") for n in names}, by=f"slack:{TEAM}/{USER}")
    rig.harness.run_burst_worker()
    job = _save_job(rig, slack)

    def answers(count: int) -> list[dict[str, Any]]:
        return slack.wait_for(lambda: found if len(found := [
            r for r in slack.responses if "Best candidates" in str(r.get("text"))]) >= count
            else None, what=f"match answer #{count}")

    # /hotgigs match: five, then fifteen asked (eleven exist), edited in place each time
    command(rig, "match senior-python-developer")
    first = answers(1)[0]
    assert str(first["text"]).count("\n") == 5  # the header and the top five
    send_interactive(rig, ephemeral_click(slack, first["blocks"], "job_match_more"))
    second = answers(2)[1]
    assert str(second["text"]).count("\n") == 11 and second["replace_original"] is True
    assert all(n in str(second["text"]) for n in names)
    assert "job_match_more" not in buttons(second["blocks"])  # all shown: nothing more to ask

    # the Home's "Match a job" modal: ten, then the eleventh in the same modal
    rig.send_event(home_opened())
    home = slack.wait_for(lambda: slack.views_of("views.publish")[:1], what="the Home")[0]
    send_interactive(rig, view_click(home, "home_match_job"))
    modal = slack.wait_for(lambda: slack.views_of("views.open")[:1], what="the modal")[0]
    send_interactive(rig, submission(modal, {("match_job", "job"): selected(str(job.id))}))
    ten = slack.wait_for(lambda: slack.views_of("views.update")[:1], what="ten")[0]
    assert str(ten["blocks"]).count("/100") == 10 and "job_match_more" in buttons(ten["blocks"])
    send_interactive(rig, view_click(ten, "job_match_more"))
    eleven = slack.wait_for(lambda: slack.views_of("views.update")[1:2], what="eleven")[0]
    assert eleven["id"] == modal["id"] and str(eleven["blocks"]).count("/100") == 11
    assert "job_match_more" not in buttons(eleven["blocks"])
    assert slack.invalid == []


def test_no_files_and_an_expired_trigger_are_explained(rig: SlackRig, slack: FakeSlack) -> None:
    assert send_interactive(rig, shortcut(slack, [])).status == 200
    assert _ephemeral_to(slack, USER)[0]["text"] == "That message has no files to import."
    slack.missing_scopes = {"im:write"}  # installed before the shortcut existed
    slack.add_file("FOLD1", "old.pdf", b"%PDF-1.4 whatever", mimetype="application/pdf")
    send_interactive(rig, shortcut(slack, [{"id": "FOLD1", "name": "old.pdf"}]))
    assert "im:write" in _ephemeral_to(slack, USER, 2)[1]["text"]
    assert rig.batches() == []
    slack.missing_scopes = set()
    card = _card(rig, slack)
    late = message_click(slack, card, "candidate_match")
    late["trigger_id"] = "expired-1.2.3"  # Slack's triggers last 3 s
    send_interactive(rig, late)
    assert "please click the button again" in _ephemeral_to(slack, USER, 3)[2]["text"]
    assert slack.views_of("views.open") == []
