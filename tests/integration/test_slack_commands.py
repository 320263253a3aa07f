"""`/hotgigs` over signed HTTP: help at once; match, job and status through `response_url`."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from storage.models import DriveFolder, Recruiter
from tests.fakes.drive_api import FakeDrive
from tests.fakes.slack_api import FakeSlack
from tests.integration.pipeline_harness import Harness
from tests.integration.slack_support import CHANNEL, TEAM, USER, SlackRig, make_rig
from tests.resumes import text_pdf

pytestmark = [pytest.mark.redis, pytest.mark.postgres]


def _response(slack: FakeSlack, count: int = 1) -> dict[str, Any]:
    def answered() -> dict[str, Any] | None:
        return slack.responses[count - 1] if len(slack.responses) >= count else None

    return slack.wait_for(answered, what="the response_url answer")


def test_help_and_unknown_subcommands_answer_in_the_ack(rig: SlackRig, slack: FakeSlack) -> None:
    reply = rig.send_command("help")
    assert reply.status == 200
    assert "/hotgigs match" in reply.json()["text"]
    unknown = rig.send_command("frobnicate now")
    assert unknown.json()["text"].startswith("I don't know `frobnicate`.")
    assert "/hotgigs job add" in unknown.json()["text"]
    assert slack.responses == []


def test_match_acks_searching_then_answers_with_the_askers_candidates(
        rig: SlackRig, slack: FakeSlack) -> None:
    h = rig.harness
    mine = f"slack:{TEAM}/{USER}"
    h.submit({"a.pdf": text_pdf("Priya Raman", "priya@example.com", title="Python Developer",
                                skills="Python, Django, PostgreSQL, Docker")}, by=mine)
    h.submit({"b.pdf": text_pdf("Omar Haddad", "omar@example.com", title="Java Developer",
                                skills="Java, Spring, Kubernetes")}, by=mine)
    h.submit({"c.pdf": text_pdf("Not Yours", "other@example.com", title="Python Developer",
                                skills="Python, Django, PostgreSQL, Docker")},
             by=f"slack:{TEAM}/U999")
    h.run_burst_worker()

    saved = rig.send_command("job add Senior Python Developer | We need Python, Django and "
                             "PostgreSQL; Docker is a plus. 3+ years.")
    assert saved.status == 200 and saved.json()["text"] == "Saving the job…"
    job = _response(slack, 1)
    assert "Saved *Senior Python Developer* as `senior-python-developer`" in str(job["text"])

    listed = rig.send_command("job list")
    assert listed.status == 200
    assert "senior-python-developer" in str(_response(slack, 2)["text"])

    reply = rig.send_command("match senior-python-developer")
    assert reply.status == 200
    assert reply.json() == {"text": "Searching…", "response_type": "ephemeral"}
    answer = _response(slack, 3)
    assert answer["response_type"] == "ephemeral"
    text = str(answer["text"])
    assert text.startswith("Best candidates for *Senior Python Developer*")
    assert "1. Priya Raman" in text and "Not Yours" not in text
    detail = "\n".join(b["text"]["text"] for b in answer["blocks"])
    assert "/100" in detail and "required skills" in detail


def test_match_without_candidates_says_so(rig: SlackRig, slack: FakeSlack) -> None:
    reply = rig.send_command("match python developer with django")
    assert reply.json()["text"] == "Searching…"
    assert "no candidates yet" in str(_response(slack)["text"])
    rig.send_command("match")
    assert "Tell me which job" in str(_response(slack, 2)["text"])


def test_status_reports_queue_and_todays_imports(rig: SlackRig, slack: FakeSlack) -> None:
    rig.harness.submit({"s.pdf": text_pdf("Stat Us", "s@example.com")},
                       by=f"slack:{TEAM}/{USER}")
    reply = rig.send_command("status")
    assert reply.status == 200
    text = str(_response(slack)["text"])
    assert "Queue: 1 waiting (high 1, low 0)." in text
    assert "Today you imported 1 resume: 0 parsed, 0 failed, 1 in progress." in text


def _watched(rig: SlackRig) -> list[tuple[str, str | None, str | None, str]]:
    """(folder id, name, Slack channel, owner identity) of every watched folder."""
    with rig.services.db.session() as session:
        return [(f.folder_id, f.name, f.slack_channel, identity) for f, identity in
                session.execute(select(DriveFolder, Recruiter.identity)
                                .join(Recruiter, Recruiter.id == DriveFolder.owner_id)
                                .order_by(DriveFolder.id)).all()]


def test_drive_add_checks_the_folder_with_drive_and_watches_it_for_the_asker(
        pg_harness: Harness, slack: FakeSlack, tmp_path: Path) -> None:
    with FakeDrive() as drive:
        rig = make_rig(pg_harness, slack,
                       drive_credentials=drive.service_account_file(tmp_path),
                       drive_api_url=drive.base_url)
        try:
            root = drive.add_folder("Recruiting")
            cv = drive.add_file("ann.pdf", text_pdf("Ann Lee", "ann@x.test"), root)
            link = f"https://drive.google.com/drive/folders/{root}"
            reply = rig.send_command(f"drive add <{link}>")  # as Slack escapes links
            assert reply.json() == {"text": "Checking the folder…", "response_type": "ephemeral"}
            answer = _response(slack)
            assert answer["response_type"] == "ephemeral"
            assert str(answer["text"]).startswith(f"Watching *Recruiting* (`{root}`) for you")
            mine = f"slack:{TEAM}/{USER}"  # Slack ids keep their case
            assert _watched(rig) == [(root, "Recruiting", CHANNEL, mine)]

            rig.send_command(f"drive add {root}")
            assert str(_response(slack, 2)["text"]) == \
                f"You already watch *Recruiting* (`{root}`)."

            rig.send_command("drive add fld0000notthere0000")
            refused = str(_response(slack, 3)["text"])
            assert "share it (Viewer) with *hotgigs@hotgigs-test.iam.gserviceaccount.com*" \
                in refused
            rig.send_command(f"drive add https://drive.google.com/open?id={cv}")
            assert "not a folder" in str(_response(slack, 4)["text"])
            assert len(_watched(rig)) == 1
        finally:
            rig.close()


def test_drive_add_without_drive_credentials_saves_the_folder_unchecked(
        rig: SlackRig, slack: FakeSlack) -> None:
    rig.send_command("drive add https://drive.google.com/drive/folders/1AbCdEfGhIjKlMnOp")
    text = str(_response(slack)["text"])
    assert text.startswith("Watching *1AbCdEfGhIjKlMnOp*")
    assert "saved unchecked" in text
    assert _watched(rig) == [("1AbCdEfGhIjKlMnOp", None, CHANNEL, f"slack:{TEAM}/{USER}")]

    rig.send_command("drive add not a folder!")
    assert str(_response(slack, 2)["text"]).startswith("That isn't a Google Drive folder")
    rig.send_command("drive")
    assert "/hotgigs drive add <Google Drive folder URL or id>" in str(
        _response(slack, 3)["text"])
    assert "/hotgigs drive add" in rig.send_command("help").json()["text"]
    assert len(_watched(rig)) == 1


def test_email_shows_the_askers_personal_address(rig: SlackRig, slack: FakeSlack) -> None:
    from bots.email.recruiters import register

    unknown = rig.send_command("email")
    assert f"--slack-user {TEAM}/{USER}" in unknown.json()["text"]
    view, _ = register(rig.harness.services.db, "ann@agency.test", slack_user=f"{TEAM}/{USER}")
    known = rig.send_command("email")
    assert f"`resumes+{view.token}@hotgigs.localhost`" in known.json()["text"]
    assert slack.responses == []


def test_drive_connect_answers_with_the_link_to_connect_google_drive(
        pg_harness: Harness, slack: FakeSlack) -> None:
    rig = make_rig(pg_harness, slack, google_client_id="hotgigs-test.apps.test",
                   google_client_secret="not-a-real-secret",
                   public_url="https://hotgigs.example.com")
    try:
        reply = rig.send_command("drive connect")
        assert reply.json()["response_type"] == "ephemeral"
        assert reply.json()["text"].startswith(
            "<https://hotgigs.example.com/drive/connect|Connect your Google Drive>")
        assert slack.responses == []  # answered in the ack, nothing posted in the channel
        assert "/hotgigs drive connect" in rig.send_command("help").json()["text"]
    finally:
        rig.close()


def test_drive_connect_without_a_google_client_says_who_can_set_it_up(
        rig: SlackRig) -> None:
    reply = rig.send_command("drive connect")
    assert reply.json()["text"].startswith("Connecting your own Google Drive isn't set up")
    assert _watched(rig) == []
