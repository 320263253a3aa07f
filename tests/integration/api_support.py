"""The web door's API over real HTTP: a server around `build_app`, tokens, an SSE reader."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import httpx

from hotgigs.bootstrap import Services
from hotgigs.web.app import build_app
from hotgigs.web.http import HttpServer
from storage.api_tokens import create_token
from tests.integration.pipeline_harness import Harness

ANN = "ann@agency.test"
BOB = "bob@other.test"


@dataclass
class Event:
    name: str
    data: dict[str, Any]


def services_with(harness: Harness, **settings: object) -> Services:
    """The harness's services under other settings (limits), sharing its database."""
    changed = harness.settings.model_copy(update=settings)
    return Services(settings=changed, db=harness.services.db, blobs=harness.services.blobs)


@contextmanager
def api_server(services: Services) -> Iterator[httpx.Client]:
    """An HttpServer on a free port; yields a client with that base URL."""
    server = HttpServer("127.0.0.1", 0, build_app(services))
    server.start()
    try:
        with httpx.Client(base_url=f"http://127.0.0.1:{server.port}", timeout=60) as client:
            yield client
    finally:
        server.stop()


def token_for(harness: Harness, email: str = ANN) -> str:
    return create_token(harness.services.db, email, "tests")[1]


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def upload(client: httpx.Client, token: str, files: dict[str, bytes], *,
           key: str | None = None) -> httpx.Response:
    headers = bearer(token)
    if key:
        headers["Idempotency-Key"] = key
    return client.post("/api/v1/resumes", headers=headers,
                       files=[("files", (name, data, "application/octet-stream"))
                              for name, data in files.items()])


def read_events(client: httpx.Client, url: str, token: str, *,
                timeout: float = 180) -> list[Event]:
    """Read a server-sent events stream to its end (the server closes it after `done`)."""
    events: list[Event] = []
    name, data = "message", ""
    with client.stream("GET", url, headers=bearer(token),
                       timeout=httpx.Timeout(timeout, connect=10)) as response:
        assert response.status_code == 200, response.read()
        assert response.headers["content-type"].startswith("text/event-stream")
        for line in response.iter_lines():
            if line.startswith("event:"):
                name = line.partition(":")[2].strip()
            elif line.startswith("data:"):
                data += line.partition(":")[2].strip()
            elif not line and data:
                events.append(Event(name, json.loads(data)))
                name, data = "message", ""
    return events


def is_problem(response: httpx.Response, status: int) -> dict[str, Any]:
    """The response is an RFC 9457 problem document with this status; returns it."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    body: dict[str, Any] = response.json()
    assert body["status"] == status and body["type"] == "about:blank"
    assert isinstance(body["title"], str) and body["title"]
    return body
