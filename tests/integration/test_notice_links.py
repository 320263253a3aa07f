"""Every notice links to the candidate's page: an email reply written by a real worker, the
Slack cards of the same batch, and (tests/integration/test_digests.py) the daily digest."""

from __future__ import annotations

from email.message import EmailMessage
from typing import Any

from bots.slack.buttons import CARD_OPEN
from bots.slack.cards import result_messages
from pipeline.models import IngestFile, IngestRequest, ReplyTarget
from pipeline.summary import summarize_batch
from pipeline.urls import candidate_url
from tests.integration.pages_support import ANN, outbox
from tests.integration.pipeline_harness import Harness
from tests.resumes import text_pdf

PUBLIC = "https://hotgigs.example.com"


def _part(message: EmailMessage, kind: str) -> str:
    body = message.get_body(preferencelist=(kind,))
    assert body is not None
    return str(body.get_content())


def test_an_email_reply_and_a_slack_card_link_to_the_candidate_page(harness: Harness) -> None:
    batch = harness.intake.submit(IngestRequest(
        source="email", submitted_by=ANN,
        reply_to=ReplyTarget(kind="email", address=ANN, message_id="<cv-1@agency.test>",
                             subject="two resumes"),
        files=[IngestFile(name="kira.pdf", content=text_pdf("Kira Nerys", "kira@bajor.test")),
               IngestFile(name="bad.pdf", content=b"%PDF-1.4 broken")]))
    harness.extra_env["HOTGIGS_PUBLIC_URL"] = PUBLIC  # the worker's setting
    harness.run_burst_worker()
    with harness.services.db.session() as session:
        summary = summarize_batch(session, batch.id)
    [kira] = [i.candidate_id for i in summary.items if i.status == "parsed"]
    page = f"{PUBLIC}/candidates/{kira}"
    assert candidate_url(PUBLIC + "/", kira) == page and candidate_url(None, kira) is None

    [reply] = [m for m in outbox(harness.settings.data_dir)
               if m["In-Reply-To"] == "<cv-1@agency.test>"]
    text, html = _part(reply, "plain"), _part(reply, "html")
    assert f"Open: {page}" in text and text.count("Open: ") == 1  # not for the failed file
    assert f'<a href="{page}">Kira Nerys</a>' in html

    def open_buttons(blocks: list[dict[str, Any]]) -> list[dict[str, Any]]:
        return [e for b in blocks if b["type"] == "actions" for e in b["elements"]
                if e["action_id"] == CARD_OPEN]

    [(_, blocks)] = result_messages(summary, public_url=PUBLIC)
    assert [(b["value"], b.get("url")) for b in open_buttons(blocks)] == [(str(kira), page)]
    [(_, plain)] = result_messages(summary)  # no public URL: "Open" shows the fields in Slack
    assert [(b["value"], b.get("url")) for b in open_buttons(plain)] == [(str(kira), None)]
