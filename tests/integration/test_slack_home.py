"""The App Home tab and the "Import to HotGigs" message shortcut, over signed HTTP.

`app_home_opened` publishes the user's own Home (`views.publish`); its buttons open modals;
the shortcut imports a message's files from any conversation and answers only the user.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from sqlalchemy import select

from bots.email.recruiters import register
from storage.models import Batch
from tests.fakes.slack_api import FakeSlack
from tests.integration.slack_payloads import (
    buttons,
    command,
    ephemeral_click,
    home_opened,
    selected,
    send_interactive,
    shortcut,
    submission,
    text,
    view_click,
)
from tests.integration.slack_support import (
    CHANNEL,
    TEAM,
    USER,
    SlackRig,
    file_share_event,
)
from tests.resumes import text_pdf

pytestmark = [pytest.mark.redis, pytest.mark.postgres]


def _published(slack: FakeSlack, count: int = 1) -> dict[str, Any]:
    def found() -> dict[str, Any] | None:
        views = slack.views_of("views.publish")
        return views[count - 1] if len(views) >= count else None

    return slack.wait_for(found, what=f"views.publish #{count}")


def _home_text(view: dict[str, Any]) -> str:
    return "\n".join(str(b.get("text", {}).get("text", "")) for b in view["blocks"])


def test_the_home_tab_shows_the_users_own_work_and_its_buttons_open_modals(
        rig: SlackRig, slack: FakeSlack) -> None:
    h = rig.harness
    files = {"priya.pdf": text_pdf("Priya Raman", "priya@example.com", title="Python Developer",
                                   skills="Python, Django, PostgreSQL, Docker"),
             "virus.exe": b"MZ\x90\x00 not a resume"}
    rig.send_event(file_share_event(slack, files))
    slack.wait_for(rig.batches, what="the batch")
    h.submit({"other.pdf": text_pdf("Not Yours", "n@example.com")}, by=f"slack:{TEAM}/U999")
    h.run_burst_worker()
    command(rig, "job add Senior Python Developer | We need Python, Django and PostgreSQL; "
                 "Docker is a plus. 3+ years.")
    command(rig, "drive add 1AbCdEfGhIjKlMnOpQrStUvWxYz012345")
    slack.wait_for(lambda: len(slack.responses) >= 2 or None, what="job and folder saved")
    register(rig.services.db, "ann@agency.test", slack_user=f"{TEAM}/{USER}")

    assert rig.send_event(home_opened()).status == 200
    view = _published(slack)
    assert slack.views[-1]["user_id"] == USER and view["type"] == "home"
    shown = _home_text(view)
    assert "priya.pdf → Priya Raman · parsed" in shown
    assert "virus.exe · failed (" in shown and "other.pdf" not in shown
    assert "*Senior Python Developer* (`senior-python-developer`) — 1 new strong match" in shown
    assert "Forward resumes to `resumes+" in shown
    assert "(`1AbCdEfGhIjKlMnOpQrStUvWxYz012345`) — active, not synced yet" in shown

    # "Match a job" → a modal of the user's jobs → results, "Searching…" first
    send_interactive(rig, view_click(view, "home_match_job"))
    modal = slack.wait_for(lambda: slack.views_of("views.open")[:1], what="the modal")[0]
    [option] = modal["blocks"][0]["element"]["options"]
    answer = send_interactive(rig, submission(modal, {("match_job", "job"): selected(
        option["value"])})).json()
    assert answer["response_action"] == "update"
    results = slack.wait_for(lambda: slack.views_of("views.update")[:1], what="results")[0]
    assert results["id"] == modal["id"]
    assert "*1. Priya Raman*" in str(results["blocks"]) and "Not Yours" not in str(
        results["blocks"])
    assert "job_match_more" not in buttons(results["blocks"])  # fewer than ten

    # "Add a job" → the job modal; saving it refreshes the Home
    send_interactive(rig, view_click(view, "home_add_job"))
    job_modal = slack.wait_for(lambda: slack.views_of("views.open")[1:2], what="job modal")[0]
    send_interactive(rig, submission(job_modal, {
        ("job_title", "value"): text("Data Engineer"),
        ("job_description", "value"): text("Python, SQL and Airflow pipelines, dbt a plus.")}))
    refreshed = _published(slack, 2)
    assert "*Data Engineer* (`data-engineer`)" in _home_text(refreshed)

    # "Connect Drive" without a web door: a modal asking for the folder
    send_interactive(rig, view_click(view, "home_drive"))
    drive = slack.wait_for(lambda: slack.views_of("views.open")[2:3], what="drive modal")[0]
    empty = send_interactive(rig, submission(drive, {("drive_folder", "value"): text(" ")}))
    assert list(empty.json()["errors"]) == ["drive_folder"]
    folder = "1ZyXwVuTsRqPoNmLkJiHgFeDcBa987654"
    checking = send_interactive(rig, submission(drive, {("drive_folder", "value"): text(
        f"https://drive.google.com/drive/folders/{folder}")}))
    assert checking.json()["response_action"] == "update"
    watched = slack.wait_for(lambda: [v for v in slack.views_of("views.update")
                                      if v["id"] == drive["id"]][:1], what="the answer")[0]
    assert f"Watching *{folder}*" in str(watched["blocks"])
    assert f"(`{folder}`) — active" in _home_text(_published(slack, 3))
    assert slack.invalid == []


def test_someone_else_sees_their_own_empty_home(rig: SlackRig, slack: FakeSlack) -> None:
    rig.harness.submit({"a.pdf": text_pdf("Priya Raman", "p@example.com")},
                       by=f"slack:{TEAM}/{USER}")
    rig.send_event(home_opened("U777"))
    shown = _home_text(_published(slack))
    assert "Nothing imported yet" in shown and "a.pdf" not in shown
    assert "--slack-user T111/U777" in shown


def test_the_shortcut_imports_where_the_bot_is_not_and_answers_only_the_user(
        rig: SlackRig, slack: FakeSlack) -> None:
    slack.bot_channels = {CHANNEL}  # the bot is not in C777, where the referral came in
    slack.add_file("FREF1", "referral.pdf", text_pdf("Lena Novak", "lena@example.com",
                                                     title="Data Engineer", skills="Python, SQL"),
                   mimetype="application/pdf")
    files = [{"id": "FREF1", "name": "referral.pdf"},
             {"id": "FHIDDEN", "name": "secret.pdf"}]  # files.info: not visible to the bot
    assert send_interactive(rig, shortcut(slack, files, channel="C777")).status == 200

    def answered() -> list[dict[str, Any]] | None:
        return slack.responses if len(slack.responses) >= 2 else None

    hidden, started = slack.wait_for(answered, what="two private answers")
    assert "I can't see *secret.pdf*" in hidden["text"] and hidden["response_type"] == \
        "ephemeral"
    assert started["text"].startswith("Importing 1 resume for you")
    assert [c.args["channel"] for c in slack.calls_of("chat.postEphemeral")] == ["C777", "C777"]
    [batch] = rig.batches()
    assert batch.submitted_by == f"slack:{TEAM}/{USER}"
    assert batch.reply_to["channel"] == "DU111" and batch.reply_to.get("thread_ts") is None

    rig.harness.run_burst_worker()
    card = slack.wait_for(lambda: next((m for m in slack.messages if m.channel == "DU111"
                                        and "candidate_match" in buttons(m.blocks)), None),
                          what="the cards in the DM")
    assert "Lena Novak" in str(card.blocks)
    assert not [m for m in slack.messages if m.channel == "C777"]

    # choosing it again on the same message: nothing new, and said so in the DM
    send_interactive(rig, shortcut(slack, files[:1], channel="C777"))
    slack.wait_for(lambda: any("Already imported: referral.pdf" in m.text
                               for m in slack.messages if m.channel == "DU111") or None,
                   what="already imported")
    assert len(rig.batches()) == 1


def test_post_in_thread_puts_the_finished_cards_in_the_original_thread(
        rig: SlackRig, slack: FakeSlack) -> None:
    slack.add_file("FREF2", "omar.pdf", text_pdf("Omar Haddad", "omar@example.com",
                                                 title="Java Developer"),
                   mimetype="application/pdf")
    send_interactive(rig, shortcut(slack, [{"id": "FREF2", "name": "omar.pdf"}],
                                   ts="1652227646.800100"))
    note = slack.wait_for(lambda: slack.ephemeral[:1], what="the ephemeral note")[0]
    assert note["channel"] == CHANNEL and note["user"] == USER
    blocks = note["blocks"] if isinstance(note["blocks"], list) else json.loads(note["blocks"])
    # pressed before the worker ran: not yet
    send_interactive(rig, ephemeral_click(slack, blocks, "shortcut_post_thread"))
    slack.wait_for(lambda: any("still being processed" in e["text"] for e in slack.ephemeral)
                   or None, what="not ready")
    # someone else pressing it (a forwarded payload) is refused
    send_interactive(rig, ephemeral_click(slack, blocks, "shortcut_post_thread", user="U999"))
    slack.wait_for(lambda: any(e["user"] == "U999" and "aren't yours" in e["text"]
                               for e in slack.ephemeral) or None, what="refusal")
    rig.harness.run_burst_worker()
    slack.wait_for(lambda: any(m.channel.startswith("D") and m.blocks for m in slack.messages)
                   or None, what="the DM cards")
    with rig.harness.services.db.session() as session:
        slack.wait_for(lambda: session.scalars(select(Batch.state)).one() == "done" or None,
                       what="the batch done")
    assert slack.thread(CHANNEL, "1652227646.800100") == []
    send_interactive(rig, ephemeral_click(slack, blocks, "shortcut_post_thread"))
    posted = slack.wait_for(lambda: slack.thread(CHANNEL, "1652227646.800100")[:1],
                            what="cards in the thread")[0]
    assert "Omar Haddad" in str(posted.blocks)
    slack.wait_for(lambda: any(r.get("text") == "Posted the results in the thread."
                               for r in slack.responses) or None, what="done note")
    assert slack.invalid == []
