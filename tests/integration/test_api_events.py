"""The batch event stream's safety nets, over real HTTP: a batch that ends with no message
published still ends its stream (the periodic re-read), an idle stream gets heartbeat
comments, and open streams end when the server stops."""

from __future__ import annotations

import threading
from dataclasses import replace

import httpx
import pytest

from hotgigs.web.api import batches
from hotgigs.web.app import build_app
from hotgigs.web.http import HttpServer
from hotgigs.wiring import task_context
from pipeline.context import configure
from pipeline.intake import Intake
from pipeline.models import IngestFile, IngestRequest, ReplyTarget
from pipeline.tasks import process_resumes
from tests.integration.api_support import ANN, Event, api_server, bearer, read_events, token_for
from tests.integration.pipeline_harness import Harness
from tests.resumes import text_pdf


def _held_batch(harness: Harness) -> int:
    """A web batch of ANN stored but queued nowhere: only this test will process it."""
    intake = Intake(harness.services.db, harness.services.blobs, None)
    batch = intake.submit(IngestRequest(
        source="web", submitted_by=ANN, reply_to=ReplyTarget(address=ANN),
        files=[IngestFile(name="quark.pdf", content=text_pdf("Quark Keldar", "quark@ds9.test")),
               IngestFile(name="rom.pdf", content=text_pdf("Rom Keldar", "rom@ds9.test"))]))
    return batch.id


def test_a_batch_ended_without_a_message_still_ends_its_stream(
        harness: Harness, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(batches, "RECHECK_SECONDS", 0.5)
    token = token_for(harness)
    batch_id = _held_batch(harness)
    # the resumes are processed here, with no web notifier: nothing is ever published
    configure(replace(task_context(harness.services, None), notifiers={}))
    found: list[list[Event]] = []
    with api_server(harness.services) as client:
        reader = threading.Thread(target=lambda: found.append(read_events(
            client, f"/api/v1/batches/{batch_id}/events", token, timeout=120)))
        reader.start()
        ids = [r.id for r in harness.resumes(batch_id)]
        assert sorted(process_resumes(ids)) == ["parsed", "parsed"]
        reader.join(timeout=120)
        assert not reader.is_alive()
    (events,) = found
    assert [e.name for e in events].count("file") == 2 and events[-1].name == "done"
    assert events[-1].data["done"] == events[-1].data["total"] == 2


def test_an_idle_stream_beats_and_ends_when_the_server_stops(
        harness: Harness, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(batches, "RECHECK_SECONDS", 0.2)
    monkeypatch.setattr(batches, "HEARTBEAT_SECONDS", 0.5)
    token = token_for(harness)
    batch_id = _held_batch(harness)
    server = HttpServer("127.0.0.1", 0, build_app(harness.services))
    server.start()
    lines: list[str] = []
    stopped = False
    try:
        url = f"http://127.0.0.1:{server.port}/api/v1/batches/{batch_id}/events"
        with httpx.stream("GET", url, headers=bearer(token), timeout=60) as response:
            assert response.status_code == 200
            for line in response.iter_lines():
                lines.append(line)
                if line.startswith(": keep-alive") and not stopped:
                    stopped = True
                    threading.Thread(target=server.stop).start()
        # the loop ended: the server closed the stream
    finally:
        if not stopped:
            server.stop()
    assert stopped
    assert "event: progress" in lines and "event: done" not in lines
    assert any(line.startswith("retry:") for line in lines)
