"""The one way our wire-level fakes listen: a stdlib HTTP server on a free loopback port,
served from a daemon thread, so each fake only says how it answers."""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Self


class LoopbackServer:
    def __init__(self, handler: type[BaseHTTPRequestHandler]) -> None:
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        self._thread.start()

    @property
    def root(self) -> str:
        """`http://127.0.0.1:<port>`, without a trailing slash."""
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=10)


class LoopbackFake:
    """Start, stop and `with` for a fake served by a `LoopbackServer`; a fake says only how
    it answers (`_handler`)."""

    _http: LoopbackServer | None = None

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        raise NotImplementedError

    @property
    def root(self) -> str:
        """`http://127.0.0.1:<port>` of the running fake."""
        assert self._http is not None, "start the fake first"
        return self._http.root

    def start(self) -> Self:
        self._http = LoopbackServer(self._handler())
        return self

    def stop(self) -> None:
        if self._http is not None:
            self._http.stop()
        self._http = None

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
