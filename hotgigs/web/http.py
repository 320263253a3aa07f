"""The HTTP side of `hotgigs serve`: one FastAPI app served by uvicorn on a background thread.

FastAPI (on Starlette) gives what the web door needs without writing it ourselves: multipart
uploads, server-sent events, an OpenAPI document from pydantic models, and sync handlers run on
a thread pool so the database code stays synchronous. uvicorn runs in a thread of `serve` on a
socket bound before it starts, so the port is known (and a port in use is an error) at once.

Errors are RFC 9457 problem details (`application/problem+json`) for every path under `/api/`;
pages answer with their own HTML.
"""

from __future__ import annotations

import json
import logging
import socket
import threading
import time
from typing import Any

import uvicorn
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import Response

from hotgigs.bootstrap import Services
from hotgigs.settings import Settings
from storage.files import StoreUnavailable

log = logging.getLogger(__name__)

PROBLEM = "application/problem+json"
STORE_RETRY_SECONDS = 30  # what a client is told to wait when the blob store is down


def json_response(status: int, payload: object, headers: dict[str, str] | None = None
                  ) -> Response:
    body = json.dumps(payload, default=str).encode()
    return Response(body, status_code=status, media_type="application/json", headers=headers)


def problem(status: int, title: str, detail: str | None = None, *,
            headers: dict[str, str] | None = None, **extra: Any) -> Response:
    """An RFC 9457 problem document: `type` stays about:blank, so `title` is the status's."""
    payload: dict[str, Any] = {"type": "about:blank", "title": title, "status": status}
    if detail:
        payload["detail"] = detail
    payload.update(extra)
    return Response(json.dumps(payload, default=str).encode(), status_code=status,
                    media_type=PROBLEM, headers=headers)


def _is_api(request: Request) -> bool:
    return request.url.path.startswith("/api/")


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, StarletteHTTPException)
    headers = dict(exc.headers or {})
    if _is_api(request):
        title = exc.detail if isinstance(exc.detail, str) else "Error"
        return problem(exc.status_code, title, headers=headers)
    return json_response(exc.status_code, {"error": str(exc.detail).lower()}, headers)


async def _validation_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, RequestValidationError)
    errors = [{"location": ".".join(str(p) for p in e.get("loc", ())), "message": e.get("msg")}
              for e in exc.errors()]
    if _is_api(request):
        return problem(422, "Unprocessable Content", "The request's fields are not valid.",
                       errors=errors)
    return json_response(400, {"error": "bad request", "errors": errors})


async def _store_down(request: Request, exc: Exception) -> Response:
    """The blob store cannot be reached: nothing was recorded (intake stores the files first),
    so the sender is told to send again later, as the SMTP door answers 451."""
    log.error("HTTP %s %s: %s", request.method, request.url.path, exc)
    headers = {"Retry-After": str(STORE_RETRY_SECONDS)}
    detail = "File storage is unavailable; nothing was kept. Send the files again later."
    if _is_api(request):
        return problem(503, "Service Unavailable", detail, headers=headers)
    return json_response(503, {"error": detail}, headers)


async def _crash(request: Request, exc: Exception) -> Response:
    log.error("HTTP %s %s failed", request.method, request.url.path,
              exc_info=(type(exc), exc, exc.__traceback__))
    if _is_api(request):
        return problem(500, "Internal Server Error")
    return json_response(500, {"error": "internal error"})


def new_app() -> FastAPI:
    """The app every route joins. FastAPI's own /docs and /openapi.json are off: the API
    publishes its document under /api/v1, with Swagger UI served from this machine."""
    app = FastAPI(title="HotGigs", docs_url=None, redoc_url=None, openapi_url=None)
    app.state.stopping = threading.Event()  # set by HttpServer.stop: open streams end
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StoreUnavailable, _store_down)
    app.add_exception_handler(Exception, _crash)
    return app


def base_url(settings: Settings, request: Request) -> str:
    """Where links sent by email point: HOTGIGS_PUBLIC_URL, else the address this server
    listens on. Never the Host header, which a client chooses: a link to their host would
    hand them the link's token."""
    if settings.public_url:
        return settings.public_url.rstrip("/")
    host, port = request.scope.get("server") or (settings.http_host, settings.http_port)
    host = f"[{host}]" if ":" in str(host) else host
    return f"{request.url.scheme}://{host}:{port}"


def add_health(app: FastAPI, services: Services) -> None:
    """`GET /healthz`: 200 when the database, Redis and the blob store answer, 503 otherwise,
    JSON either way (a load balancer stops sending uploads to a host that cannot keep them)."""

    def healthz() -> Response:
        errors = {"database": services.db.ping(), "redis": services.redis_ping(),
                  "blobs": _store_error(services)}
        ok = all(error is None for error in errors.values())
        return json_response(200 if ok else 503, {
            "status": "ok" if ok else "degraded",
            **{part: {"ok": error is None, "error": error} for part, error in errors.items()},
        })

    app.add_api_route("/healthz", healthz, methods=["GET"], include_in_schema=False)


def _store_error(services: Services) -> str | None:
    try:
        services.blobs.check()
    except StoreUnavailable as exc:
        return str(exc)
    return None


class HttpServer:
    """uvicorn on a thread: `start()` binds and serves, `stop()` shuts down cleanly.

    The socket is bound here, before the thread starts, so `port` is known at once (port 0
    picks a free one) and a port already in use raises in the caller."""

    GRACE_SECONDS = 5  # open streams (progress events) get this long to end at shutdown

    def __init__(self, host: str, port: int, app: FastAPI) -> None:
        family = socket.AF_INET6 if ":" in host else socket.AF_INET
        self._socket = socket.socket(family, socket.SOCK_STREAM)
        self._socket.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._socket.bind((host, port))
        self._socket.listen(1024)
        config = uvicorn.Config(app, log_config=None, access_log=False, lifespan="on",
                                timeout_graceful_shutdown=self.GRACE_SECONDS,
                                proxy_headers=True, server_header=False)
        self._server = uvicorn.Server(config)
        self._stopping = getattr(app.state, "stopping", None)
        self._thread = threading.Thread(target=self._server.run,
                                        kwargs={"sockets": [self._socket]},
                                        name="http", daemon=True)

    @property
    def port(self) -> int:
        return int(self._socket.getsockname()[1])

    def start(self, timeout: float = 30) -> None:
        self._thread.start()
        deadline = time.monotonic() + timeout
        while not self._server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("the HTTP server did not start (see the log above)")
            time.sleep(0.01)

    def stop(self) -> None:
        if isinstance(self._stopping, threading.Event):
            self._stopping.set()  # event streams end, so shutdown need not wait them out
        self._server.should_exit = True
        self._thread.join(timeout=self.GRACE_SECONDS + 10)
        self._socket.close()
