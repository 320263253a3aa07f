"""A local stand-in for OpenAI's chat completions API, spoken over real HTTP on 127.0.0.1.

Tests drive the real `openai` client against it (`base_url=fake.base_url`). It records every
request body so tests can check what was sent (the JSON schema, that empty text never goes
out), and answers with whatever the test set: a chat completion, or an HTTP error.
"""

from __future__ import annotations

import itertools
import json
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler
from typing import Any

import pytest

from tests.fakes.loopback import LoopbackFake


@dataclass
class RecordedRequest:
    path: str
    headers: dict[str, str]  # names lower-cased
    body: dict[str, Any]

    @property
    def user_text(self) -> str:
        """All user-message text of a chat request, joined."""
        return "\n".join(
            m.get("content") or "" for m in self.body.get("messages", []) if m.get("role") == "user"
        )


@dataclass
class _Reply:
    status: int = 200
    content: str = "{}"
    error: str = ""
    delay: float = 0.0


@dataclass
class FakeOpenAI(LoopbackFake):
    """Start with `with FakeOpenAI() as fake:`; point the client at `fake.base_url`."""

    requests: list[RecordedRequest] = field(default_factory=list)
    _reply: _Reply = field(default_factory=_Reply)
    _ids: Iterator[int] = field(default_factory=itertools.count)

    @property
    def base_url(self) -> str:
        return self.root + "/v1"

    def reply_with(self, content: dict[str, Any] | str, *, delay: float = 0.0) -> None:
        """Answer the next requests with this assistant message (a dict is sent as JSON)."""
        text = content if isinstance(content, str) else json.dumps(content)
        self._reply = _Reply(content=text, delay=delay)

    def fail_with(self, status: int, message: str = "fake failure") -> None:
        """Answer the next requests with an OpenAI-style error and this HTTP status."""
        self._reply = _Reply(status=status, error=message)

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        return _handler_for(self)

    def _answer(self, body: dict[str, Any]) -> tuple[int, dict[str, Any], float]:
        reply = self._reply
        if reply.status != 200:
            kind = "rate_limit_exceeded" if reply.status == 429 else "server_error"
            error = {"message": reply.error, "type": kind, "param": None, "code": kind}
            return reply.status, {"error": error}, reply.delay
        completion = {
            "id": f"chatcmpl-fake-{next(self._ids)}",
            "object": "chat.completion",
            "created": int(time.time()),
            "model": body.get("model", "fake-model"),
            "choices": [
                {
                    "index": 0,
                    "message": {"role": "assistant", "content": reply.content, "refusal": None},
                    "logprobs": None,
                    "finish_reason": "stop",
                }
            ],
            "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2},
        }
        return 200, completion, reply.delay


def _handler_for(fake: FakeOpenAI) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length) if length else b"{}"
            body = json.loads(raw or b"{}")
            headers = {k.lower(): v for k, v in self.headers.items()}
            fake.requests.append(RecordedRequest(self.path, headers, body))
            if self.path.rstrip("/") != "/v1/chat/completions":
                self._send(404, {"error": {"message": f"no route {self.path}", "type": "invalid"}})
                return
            status, payload, delay = fake._answer(body)
            if delay:
                time.sleep(delay)
            self._send(status, payload)

        def _send(self, status: int, payload: dict[str, Any]) -> None:
            data = json.dumps(payload).encode()
            try:
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                if status == 429:
                    self.send_header("Retry-After", "0")
                self.end_headers()
                self.wfile.write(data)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client gave up (a timeout test): nothing to answer

        def log_message(self, format: str, *args: Any) -> None:
            """Keep test output quiet."""

    return Handler


@pytest.fixture
def fake_openai() -> Iterator[FakeOpenAI]:
    """A running fake for one test (import it into a test module or a conftest)."""
    with FakeOpenAI() as fake:
        yield fake
