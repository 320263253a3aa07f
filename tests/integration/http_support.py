"""Real HTTP against the router `hotgigs serve` builds, for the operations tests."""

from __future__ import annotations

import http.client
from collections.abc import Iterator
from contextlib import contextmanager
from urllib.parse import urlencode

from hotgigs.bootstrap import Services
from hotgigs.web.app import build_app
from hotgigs.web.http import HttpServer
from tests.integration.pipeline_harness import Harness

TOKEN = "correct horse battery staple"

Reply = tuple[int, dict[str, str], bytes]


@contextmanager
def http_server(services: Services) -> Iterator[int]:
    server = HttpServer("127.0.0.1", 0, build_app(services))
    server.start()
    try:
        yield server.port
    finally:
        server.stop()


def request(port: int, method: str, path: str, *, headers: dict[str, str] | None = None,
            form: dict[str, str] | None = None) -> Reply:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    body = urlencode(form).encode() if form is not None else None
    sent = dict(headers or {})
    if body is not None:
        sent["Content-Type"] = "application/x-www-form-urlencoded"
    conn.request(method, path, body=body, headers=sent)
    response = conn.getresponse()
    reply = response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
    conn.close()
    return reply


def with_token(harness: Harness, token: str | None) -> Services:
    settings = harness.settings.model_copy(update={"admin_token": token})
    return Services(settings=settings, db=harness.services.db, blobs=harness.services.blobs,
                    _redis=None)
