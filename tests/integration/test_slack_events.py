"""Files shared in Slack: signed events over HTTP → batch → real worker → thread replies."""

from __future__ import annotations

import time
from collections.abc import Callable

import pytest

from hotgigs.bootstrap import bootstrap
from hotgigs.settings import Settings
from hotgigs.web.http import new_app
from hotgigs.web.slack import start_slack
from storage.models import Candidate, Recruiter
from tests.fakes.slack_api import BOT_ID, BOT_USER_ID, FakeSlack, Message
from tests.integration.pipeline_harness import Harness
from tests.integration.slack_support import (
    CHANNEL,
    TEAM,
    TOKEN,
    USER,
    SlackRig,
    file_share_event,
    make_rig,
    post,
    shape,
    signed_headers,
)
from tests.resumes import text_pdf

pytestmark = [pytest.mark.redis]

TS = "1652227646.593159"


def _card_messages(slack: FakeSlack, thread: str = TS) -> list[Message]:
    return [m for m in slack.thread(CHANNEL, thread) if m.blocks]


def _progress(slack: FakeSlack, thread: str = TS) -> Message:
    return next(m for m in slack.thread(CHANNEL, thread) if m.history[0].startswith("Processing"))


def _finished(slack: FakeSlack, thread: str = TS) -> list[Message] | None:
    cards = _card_messages(slack, thread)
    return cards if cards and _progress(slack, thread).text.startswith("Done") else None


@pytest.mark.postgres
def test_one_file_becomes_a_candidate_card_in_the_thread(
        harness: Harness, slack: FakeSlack) -> None:
    rig = make_rig(harness, slack)
    try:
        pdf = text_pdf("Maria Gonzalez", "maria@example.com", "+44 20 7946 0958",
                       title="Backend Engineer", company="Globex")
        reply = rig.send_event(file_share_event(slack, {"maria.pdf": pdf}))
        assert reply.status == 200
        progress = slack.wait_for(lambda: slack.thread(CHANNEL, TS), what="Processing…")[0]
        assert progress.text == "Processing 1 resume…"
        batch = slack.wait_for(rig.batches, what="the batch")[0]
        assert batch.source == "slack" and batch.submitted_by == f"slack:{TEAM}/{USER}"
        assert batch.reply_to["thread_ts"] == TS and batch.reply_to["message_ts"] == progress.ts
        downloads = slack.calls_of("download")
        assert len(downloads) == 1 and downloads[0].args["authorized"]

        harness.run_burst_worker()
        cards = slack.wait_for(lambda: _finished(slack), what="the result card")
        assert _progress(slack).text == "Done: 1 of 1 resume parsed"
        assert len(cards) == 1
        card = cards[0]
        assert "Maria Gonzalez" in card.text  # the plain-text fallback
        section = card.blocks[0]["text"]["text"]
        assert "*Maria Gonzalez* · New candidate" in section
        assert "maria@example.com" in section and "Backend Engineer at Globex" in section
        assert all(m.channel == CHANNEL and m.thread_ts == TS for m in slack.messages)
        with harness.services.db.session() as session:
            owner = session.query(Recruiter).filter_by(identity=f"slack:{TEAM}/{USER}").one()
            assert session.query(Candidate).filter_by(owner_id=owner.id).count() == 1
    finally:
        rig.close()


@pytest.mark.postgres
def test_a_redelivered_event_adds_no_batch_and_no_reply(rig: SlackRig, slack: FakeSlack) -> None:
    event = file_share_event(slack, {"ann.pdf": text_pdf("Ann Lee", "ann@example.com")})
    assert rig.send_event(event).status == 200
    slack.wait_for(rig.batches, what="the batch")
    # Slack's retry of the same delivery, and the file_shared event of the same upload
    assert rig.send_event(event, retry=1).status == 200
    assert rig.send_event(event, retry=2).status == 200
    file_shared = shape("bolt_python_tests/test_internals__file_shared_events.json")[1]
    file_shared.update(team_id=TEAM, event_id="Ev9999")
    file_shared["event"].update(file_id=event["event"]["files"][0]["id"], channel_id=CHANNEL)
    file_shared["event"]["file"]["id"] = event["event"]["files"][0]["id"]
    assert rig.send_event(file_shared).status == 200

    rig.harness.run_burst_worker()
    slack.wait_for(lambda: _finished(slack), what="the result card")
    assert len(rig.batches()) == 1
    assert len(slack.calls_of("download")) == 1
    assert len([m for m in slack.messages if m.history[0].startswith("Processing")]) == 1
    assert len(_card_messages(slack)) == 1

    # the same file shared again in a new message: said so, not imported twice
    again = dict(event, event_id="Ev0002")
    again["event"] = dict(event["event"], ts="1652227999.000100")
    assert rig.send_event(again).status == 200
    note = slack.wait_for(lambda: slack.thread(CHANNEL, "1652227999.000100"), what="a note")[0]
    assert note.text.startswith("Already imported: ann.pdf")
    assert len(rig.batches()) == 1


@pytest.mark.postgres
def test_five_files_edit_progress_in_place_then_post_the_summary(
        rig: SlackRig, slack: FakeSlack) -> None:
    people = ["Ana Silva", "Ben Okafor", "Chen Wei", "Dara Novak", "Eli Cohen"]
    files = {f"cv{i}.pdf": text_pdf(name, f"person{i}@example.com")
             for i, name in enumerate(people)}
    assert rig.send_event(file_share_event(slack, files)).status == 200
    slack.wait_for(rig.batches, what="the batch")
    rig.harness.run_burst_worker()
    cards = slack.wait_for(lambda: _finished(slack), what="the summary")
    progress = _progress(slack)
    assert progress.history[0] == "Processing 5 resumes…"
    edits = progress.history[1:]
    assert edits[-1] == "Done: 5 of 5 resumes parsed"
    counted = [e for e in edits if "/5 done" in e]
    # edited in place as workers record resumes (a chunk at a time), before the final edit
    assert counted and all(int(e.split("/")[0].split()[-1]) < 5 for e in counted), edits
    assert len({m.ts for m in slack.messages if m.history[0].startswith("Processing")}) == 1
    text = "\n".join(c.text for c in cards)
    assert all(name in text for name in people)


@pytest.mark.postgres
def test_a_non_resume_file_ends_as_a_failure_with_its_reason(
        rig: SlackRig, slack: FakeSlack) -> None:
    exe = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + bytes(2000)
    event = file_share_event(slack, {"setup.exe": exe,
                                     "cv.pdf": text_pdf("Kim Park", "kim@example.com")})
    del slack.files[event["event"]["files"][1]["id"]]  # gone from Slack before we fetch it
    event["event"]["files"].append(file_share_event(slack, {"ok.pdf": text_pdf(
        "Lou Reed", "lou@example.com")}, event_id="Ev7777")["event"]["files"][0])
    assert rig.send_event(event).status == 200
    slack.wait_for(rig.batches, what="the batch")
    rig.harness.run_burst_worker()
    cards = slack.wait_for(lambda: _finished(slack), what="the result")
    thread = slack.thread(CHANNEL, TS)
    assert any(m.text.startswith("Couldn't fetch *cv.pdf* from Slack") for m in thread)
    assert _progress(slack).text == "Done: 1 of 2 resumes parsed, 1 failed"
    text = "\n".join(c.text for c in cards)
    assert "setup.exe failed:" in text and "Lou Reed" in text
    blocks = [b["text"]["text"] for c in cards for b in c.blocks if b["type"] == "section"]
    assert any("Couldn't use 1 file" in b and "setup.exe" in b for b in blocks)


@pytest.mark.postgres
def test_files_needing_files_info_are_looked_up_first(rig: SlackRig, slack: FakeSlack) -> None:
    event = file_share_event(slack, {"connect.pdf": text_pdf("Sam Ito", "sam@example.com")},
                             check_file_info=True)
    assert rig.send_event(event).status == 200
    batch = slack.wait_for(rig.batches, what="the batch")[0]
    assert batch.total == 1
    info = slack.calls_of("files.info")
    assert [c.args["file"] for c in info] == [event["event"]["files"][0]["id"]]


@pytest.mark.postgres
def test_the_bots_own_messages_are_ignored(rig: SlackRig, slack: FakeSlack) -> None:
    own = file_share_event(slack, {"a.pdf": text_pdf("Bot Echo", "e@example.com")},
                           user=BOT_USER_ID, event_id="Ev1001")
    by_bot_id = file_share_event(slack, {"b.pdf": text_pdf("Bot Two", "t@example.com")},
                                 event_id="Ev1002", bot_id=BOT_ID)
    assert rig.send_event(own).status == 200
    assert rig.send_event(by_bot_id).status == 200
    # a third, from a person, shows the listener ran (the first two were dropped before it)
    person = file_share_event(slack, {"c.pdf": text_pdf("Real Person", "r@example.com")},
                              event_id="Ev1003", ts="1652227700.000100")
    assert rig.send_event(person).status == 200
    slack.wait_for(rig.batches, what="the person's batch")
    assert len(rig.batches()) == 1
    assert [m.thread_ts for m in slack.messages] == ["1652227700.000100"]


@pytest.mark.postgres
def test_unsigned_badly_signed_and_stale_requests_are_refused(
        rig: SlackRig, slack: FakeSlack) -> None:
    import json

    body = json.dumps(file_share_event(slack, {"x.pdf": text_pdf("Eve", "eve@example.com")}))
    unsigned = post(rig.url, body, {"Content-Type": "application/json"})
    wrong = post(rig.url, body, signed_headers(body, secret="not-the-secret"))
    stale = post(rig.url, body, signed_headers(body, timestamp=int(time.time()) - 600))
    assert (unsigned.status, wrong.status, stale.status) == (401, 401, 401)
    challenge = json.dumps({"token": "x", "challenge": "abc123", "type": "url_verification"})
    verified = post(rig.url, challenge, signed_headers(challenge))
    assert verified.status == 200 and "abc123" in verified.body
    assert rig.batches() == [] and slack.calls == []


@pytest.mark.postgres
def test_rate_limited_replies_wait_for_retry_after_and_are_not_dropped(
        rig: SlackRig, slack: FakeSlack) -> None:
    slack.rate_limit("chat.postMessage", times=1, retry_after=1)
    event = file_share_event(slack, {"rl.pdf": text_pdf("Rita Lim", "rita@example.com")})
    assert rig.send_event(event).status == 200
    slack.wait_for(rig.batches, what="the batch")
    first = slack.wait_for(lambda: slack.thread(CHANNEL, TS), what="Processing…")
    assert first[0].text == "Processing 1 resume…"
    slack.rate_limit("chat.postMessage", times=2, retry_after=1)
    rig.harness.run_burst_worker()
    cards = slack.wait_for(lambda: _finished(slack), what="the result card")
    assert "Rita Lim" in cards[0].text
    posts = slack.calls_of("chat.postMessage")
    # every 429 was followed by a retry of the same message until it went through
    assert [c.status for c in posts] == [429, 200, 429, 429, 200]


@pytest.mark.postgres
def test_channels_outside_the_allow_list_get_a_note_not_an_import(
        pg_harness: Harness, slack: FakeSlack) -> None:
    rig = make_rig(pg_harness, slack, slack_channels=["C999"])
    try:
        event = file_share_event(slack, {"n.pdf": text_pdf("No Where", "n@example.com")})
        assert rig.send_event(event).status == 200
        note = slack.wait_for(lambda: slack.ephemeral, what="the ephemeral note")[0]
        assert note["user"] == USER and "doesn't take resumes in this channel" in note["text"]
        assert rig.batches() == [] and slack.calls_of("download") == []
    finally:
        rig.close()


def test_serve_skips_the_bot_clearly_without_credentials(
        make_settings: Callable[..., Settings], caplog: pytest.LogCaptureFixture) -> None:
    for extra in ({}, {"slack_bot_token": TOKEN}):
        services = bootstrap(make_settings(**extra))
        router = new_app()
        with caplog.at_level("INFO", logger="hotgigs.web.slack"):
            assert start_slack(router, services, None) is None
        services.close()
    assert "Slack bot off: SLACK_BOT_TOKEN is not set" in caplog.text
    assert "Slack bot off: SLACK_SIGNING_SECRET is not set" in caplog.text
