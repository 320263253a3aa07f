"""Slack result cards: escaped data, plain-text fallbacks, Slack's 50-block limit respected."""

from __future__ import annotations

from bots.slack.cards import card, esc, result_messages
from bots.slack.reply import worth_an_edit
from pipeline.summary import BatchSummary, ResumeOutcome


def _summary(parsed: int, failed: int) -> BatchSummary:
    items = [ResumeOutcome(resume_id=i, filename=f"cv{i}.pdf", status="parsed",
                           outcome="created", name=f"Person <{i}> & co",
                           email=f"p{i}@example.com", top_skills=["Python", "SQL"],
                           top_matches=[{"title": "Data Engineer", "score": 81.4,
                                         "reason": "3/4 required skills"}])
             for i in range(parsed)]
    items += [ResumeOutcome(resume_id=100 + i, filename=f"x{i}.exe", status="failed",
                            reason="not a resume file type: .exe") for i in range(failed)]
    return BatchSummary(batch_id=1, source="slack", submitted_by="slack:T1/U1",
                        reply_to={"kind": "slack", "channel": "C1", "thread_ts": "1.2"},
                        state="done", total=parsed + failed, parsed=parsed, failed=failed,
                        items=items)


def test_every_candidate_and_failure_is_shown_within_slacks_block_limit() -> None:
    out = result_messages(_summary(parsed=30, failed=25))
    assert len(out) > 1
    assert all(len(blocks) <= 50 for _, blocks in out)
    text = "\n".join(t for t, _ in out)
    assert all(f"Person <{i}> & co" in text for i in range(30))  # fallback is plain text
    assert text.count("failed: not a resume file type: .exe") == 25
    sections = "\n".join(b["text"]["text"] for _, blocks in out for b in blocks
                         if b["type"] == "section")
    assert "*Person &lt;0&gt; &amp; co* · New candidate" in sections
    assert "• Data Engineer — 81 · 3/4 required skills" in sections


def test_escaping_and_progress_steps() -> None:
    assert esc("<@U1> & <!here>") == "&lt;@U1&gt; &amp; &lt;!here&gt;"
    assert [d for d in range(1, 6) if worth_an_edit(d - 1, d, 5)] == [1, 2, 3, 4, 5]
    assert len([d for d in range(1, 201) if worth_an_edit(d - 1, d, 200)]) == 10
    # a worker reports 16 at a time: each tenth crossed is still one edit
    jumps = [(b, min(b + 16, 200)) for b in range(0, 200, 16)]
    assert [a for b, a in jumps if worth_an_edit(b, a, 200)] == [
        32, 48, 64, 80, 112, 128, 144, 160, 192, 200]


def test_a_card_offers_merge_and_not_the_same_person_for_each_possible_duplicate() -> None:
    from bots.slack.cards import card
    from pipeline.summary import ResumeOutcome

    item = ResumeOutcome(resume_id=1, filename="kim.pdf", status="parsed", outcome="created",
                         candidate_id=2, name="Daniel Kim", possible_duplicates=[
                             {"link_id": 7, "other_id": 1, "other_name": "Daniel <Kim>",
                              "evidence": "same name; different email"}])
    blocks = card(item)
    [section] = [b for b in blocks if "Possible duplicate" in str(b)]
    assert "*Daniel &lt;Kim&gt;* (candidate 1): same name; different email" in str(section)
    [actions] = [b for b in blocks if b["type"] == "actions"
                 and b["block_id"].startswith("duplicate-")]
    assert actions["block_id"] == "duplicate-7"
    assert [(e["action_id"], e["value"], e["text"]["text"]) for e in actions["elements"]] == [
        ("duplicate_merge", "7", "Merge"), ("duplicate_not_same", "7", "Not the same person")]
    assert blocks[-1] == {"type": "divider"}
    assert not [b for b in card(item.model_copy(update={"possible_duplicates": []}))
                if b["type"] == "actions" and b["block_id"].startswith("duplicate-")]


def test_cards_and_email_replies_show_phones_as_people_read_them() -> None:
    from bots.email.reply import _item_view

    item = ResumeOutcome(resume_id=1, filename="cv.pdf", status="parsed", name="Ann",
                         email="ann@x.test", phone="+14155550132")
    shown = str(card(item))
    assert "+1 415-555-0132" in shown and "+14155550132" not in shown
    assert _item_view(item)["contact"] == "ann@x.test, +1 415-555-0132"
    assert item.model_dump()["phone"] == "+14155550132"  # stored and exported as E.164
    odd = ResumeOutcome(resume_id=2, filename="b.pdf", status="parsed", phone="ext. 12")
    assert odd.phone_display == "ext. 12"
