"""The HTTP side of `hotgigs serve`: a small WSGI router on a threaded stdlib server.

Routes are registered by the composition root (`/healthz` here; Slack adds `/slack/events`).
A threaded WSGI server is enough for our traffic (Slack events, health checks, an admin page)
and keeps the process tree free of another framework.
"""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Callable, Iterable
from socketserver import ThreadingMixIn
from typing import Any
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

from hotgigs.bootstrap import Services

log = logging.getLogger(__name__)

Response = tuple[int, dict[str, str], bytes]
Handler = Callable[[dict[str, Any]], Response]
StartResponse = Callable[..., Any]

_REASONS = {200: "OK", 401: "Unauthorized", 404: "Not Found", 405: "Method Not Allowed",
            500: "Internal Server Error", 503: "Service Unavailable",
            302: "Found", 303: "See Other", 400: "Bad Request", 403: "Forbidden"}


def json_response(status: int, payload: object) -> Response:
    body = json.dumps(payload, indent=None, default=str).encode()
    return status, {"Content-Type": "application/json"}, body


class Router:
    """Maps (method, path) to a handler; a WSGI callable."""

    def __init__(self) -> None:
        self._routes: dict[tuple[str, str], Handler] = {}

    def add(self, method: str, path: str, handler: Handler) -> None:
        self._routes[(method.upper(), path)] = handler

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        method, path = environ["REQUEST_METHOD"], environ.get("PATH_INFO", "/")
        handler = self._routes.get((method, path))
        if handler is None:
            known = any(p == path for _, p in self._routes)
            status, headers, body = json_response(
                405 if known else 404, {"error": "method not allowed" if known else "not found"}
            )
        else:
            try:
                status, headers, body = handler(environ)
            except Exception:
                log.exception("HTTP %s %s failed", method, path)
                status, headers, body = json_response(500, {"error": "internal error"})
        reason = _REASONS.get(status, "")
        start_response(f"{status} {reason}", [*headers.items(), ("Content-Length", str(len(body)))])
        return [body]


def health_handler(services: Services) -> Handler:
    """`GET /healthz`: 200 when database and Redis answer, 503 otherwise, JSON either way."""

    def handle(_environ: dict[str, Any]) -> Response:
        db_error = services.db.ping()
        redis_error = services.redis_ping()
        ok = db_error is None and redis_error is None
        return json_response(
            200 if ok else 503,
            {
                "status": "ok" if ok else "degraded",
                "database": {"ok": db_error is None, "error": db_error},
                "redis": {"ok": redis_error is None, "error": redis_error},
            },
        )

    return handle


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        log.debug("http %s", format % args)


class _ThreadingWSGIServer(ThreadingMixIn, WSGIServer):
    daemon_threads = True
    allow_reuse_address = True


class HttpServer:
    """The server thread: `start()` binds and serves, `stop()` shuts down cleanly."""

    def __init__(self, host: str, port: int, app: Router) -> None:
        self._server = make_server(
            host, port, app, server_class=_ThreadingWSGIServer, handler_class=_QuietHandler
        )
        self._thread = threading.Thread(target=self._server.serve_forever, name="http", daemon=True)

    @property
    def port(self) -> int:
        return int(self._server.server_address[1])

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=10)
