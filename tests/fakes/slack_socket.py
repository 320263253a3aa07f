"""A local stand-in for Slack's Socket Mode endpoint, over a real WebSocket (`websockets`).

The real `slack_sdk` Socket Mode client connects to it through the URL the Web API stand-in
hands out for `apps.connections.open` (`FakeSlack.socket_url`). It speaks Slack's envelopes:
`hello` on connect; `events_api`, `slash_commands` and `interactive` envelopes the test sends,
each waiting for the client's `{"envelope_id": …}` acknowledgement (with its `payload`, for
commands and interactions); `disconnect` (`refresh_requested`) and a server-side close. Like
Slack, it delivers an envelope whose ack it never got again on the next connection, with
`retry_attempt` raised: events may arrive twice, never zero times.
"""

from __future__ import annotations

import contextlib
import json
import socket
import struct
import threading
import uuid
from collections.abc import Callable
from typing import Any, Self, TypeVar

from websockets.exceptions import ConnectionClosed
from websockets.sync.server import Server, ServerConnection, serve

from tests.fakes.slack_api import FakeSlack
from tests.helpers import wait_until

T = TypeVar("T")


class FakeSocketMode:
    """`with FakeSocketMode(slack) as socket:`; then start the app with `slack.app_token`."""

    def __init__(self, slack: FakeSlack) -> None:
        self.slack = slack
        self.connects = 0  # WebSocket sessions opened by the client so far
        self.tickets: list[str] = []  # each apps.connections.open hands out a new one
        self.acks: dict[str, dict[str, Any] | None] = {}  # envelope id -> ack payload
        self.delivered: list[dict[str, Any]] = []  # every envelope sent, retries included
        self._pending: dict[str, dict[str, Any]] = {}  # sent (or queued), not acknowledged
        self._current: ServerConnection | None = None
        self._deaf: ServerConnection | None = None  # a connection whose acks are "lost"
        self._lock = threading.Lock()
        self._server: Server | None = None
        self._thread: threading.Thread | None = None

    # -- set up ------------------------------------------------------------------------------
    def start(self) -> Self:
        self._server = serve(self._session, "127.0.0.1", 0, compression=None,
                             close_timeout=1, ping_interval=None)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()
        self.slack.socket_url = self._new_url
        return self

    def stop(self) -> None:
        self.slack.socket_url = None
        if self._server is not None:
            self._server.shutdown()
        if self._thread is not None:
            self._thread.join(timeout=10)

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def _new_url(self) -> str:
        assert self._server is not None
        port = self._server.socket.getsockname()[1]
        with self._lock:
            ticket = uuid.uuid4().hex
            self.tickets.append(ticket)
        return f"ws://127.0.0.1:{port}/link/?ticket={ticket}&app_id=AHOTGIGS"

    # -- the server side of a session -------------------------------------------------------
    def _session(self, conn: ServerConnection) -> None:
        ticket = (conn.request.path.partition("ticket=")[2].partition("&")[0]
                  if conn.request is not None else "")
        if ticket not in self.tickets:
            conn.close(code=1008, reason="invalid ticket")
            return
        with self._lock:
            self.connects += 1
            self._current = conn
            retries = list(self._pending.values())
        conn.send(json.dumps({"type": "hello", "num_connections": 1,
                              "debug_info": {"host": "fake-socket", "approximate_connection_time":
                                             3600},
                              "connection_info": {"app_id": "AHOTGIGS"}}))
        for envelope in retries:  # what the previous connection never acknowledged
            if envelope.get("sent"):
                envelope["retry_attempt"] += 1
                envelope["retry_reason"] = "timeout"
            self._deliver(conn, envelope)
        try:
            for raw in conn:
                message = json.loads(raw)
                envelope_id = message.get("envelope_id")
                with self._lock:
                    if envelope_id and conn is not self._deaf:
                        self.acks[envelope_id] = message.get("payload")
                        self._pending.pop(envelope_id, None)
        except ConnectionClosed:
            pass
        finally:
            with self._lock:
                if self._current is conn:
                    self._current = None

    def _deliver(self, conn: ServerConnection, envelope: dict[str, Any]) -> None:
        """Send `envelope` on `conn`; raises ConnectionClosed, leaving it unsent, when `conn`
        closed meanwhile (it stays pending: the next connection delivers it)."""
        wire = {k: v for k, v in envelope.items() if k != "sent"}
        was_sent = envelope.get("sent", False)
        envelope["sent"] = True
        try:
            conn.send(json.dumps(wire))
        except ConnectionClosed:
            envelope["sent"] = was_sent
            raise
        with self._lock:
            self.delivered.append(json.loads(json.dumps(wire)))

    # -- what a test does -------------------------------------------------------------------
    def send(self, kind: str, payload: dict[str, Any]) -> str:
        """Deliver an envelope now, or on the next connection when there is none."""
        envelope = {"envelope_id": str(uuid.uuid4()), "type": kind, "payload": payload,
                    "accepts_response_payload": kind != "events_api", "retry_attempt": 0,
                    "retry_reason": ""}
        with self._lock:
            self._pending[envelope["envelope_id"]] = envelope
            conn = self._current
        if conn is not None:
            # closing as we send: it stays pending and the next connection takes it
            with contextlib.suppress(ConnectionClosed):
                self._deliver(conn, envelope)
        return str(envelope["envelope_id"])

    def send_then_drop(self, kind: str, payload: dict[str, Any], *,
                       abrupt: bool = False) -> str:
        """Deliver an envelope and close the connection, losing whatever ack comes back: the
        envelope is delivered again on the next connection. `abrupt`: no WebSocket close,
        the TCP connection is reset (a network failure; the client notices on its own)."""
        with self._lock:
            conn = self._deaf = self._current
        assert conn is not None, "no connection"
        envelope_id = self.send(kind, payload)
        if abrupt:
            conn.socket.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER,
                                   struct.pack("ii", 1, 0))
            conn.socket.close()  # SO_LINGER 0: the peer gets a reset, not a FIN
        else:
            conn.close(code=1001, reason="going away")
        with self._lock:  # gone now, though its session may not have noticed yet
            if self._current is conn:
                self._current = None
        return envelope_id

    def refresh(self) -> None:
        """Slack's `disconnect` (refresh_requested): the client must reconnect elsewhere."""
        with self._lock:
            conn = self._current
        assert conn is not None, "no connection"
        conn.send(json.dumps({"type": "disconnect", "reason": "refresh_requested",
                              "debug_info": {"host": "fake-socket"}}))

    def wait_connects(self, count: int, timeout: float = 60) -> None:
        wait_until(lambda: (self.connects >= count and self._current is not None) or None,
                   timeout=timeout, what=f"Socket Mode connection #{count}", interval=0.05)

    def wait_ack(self, envelope_id: str, timeout: float = 60) -> dict[str, Any] | None:
        """The ack's payload (None when the ack carried none)."""
        wait_until(lambda: envelope_id in self.acks or None, timeout=timeout,
                   what=f"the ack of {envelope_id}", interval=0.05)
        return self.acks[envelope_id]

    def wait_for(self, probe: Callable[[], T | None], *, what: str, timeout: float = 60) -> T:
        return wait_until(probe, timeout=timeout, what=what, interval=0.05)
