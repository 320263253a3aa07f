"""What the API's handlers share, built once per app: services, the intake, the event hub.

`ApiProblem` is the one exception handlers raise for a refusal: it becomes an RFC 9457
problem document with the status's standard title and a `detail` a person can act on.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from http import HTTPStatus

from fastapi import Request
from starlette.exceptions import HTTPException

from hotgigs.bootstrap import Services
from hotgigs.settings import Settings
from hotgigs.web.api.events import EventHub
from hotgigs.web.limits import FixedWindow
from pipeline import urls
from pipeline.intake import Intake


class ApiProblem(HTTPException):
    """A refusal with its reason: `status`, the standard title, `detail`, optional headers."""

    def __init__(self, status: int, detail: str, *, headers: dict[str, str] | None = None,
                 **extra: object) -> None:
        super().__init__(status, detail, headers=headers)
        self.title = HTTPStatus(status).phrase
        self.extra = extra


@dataclass
class ApiContext:
    services: Services
    intake: Intake
    hub: EventHub
    limits: FixedWindow
    # set when the HTTP server stops: open event streams end instead of holding it up
    stopping: threading.Event = field(default_factory=threading.Event)

    @property
    def settings(self) -> Settings:
        return self.services.settings


def api_of(request: Request) -> ApiContext:
    api = request.app.state.api
    assert isinstance(api, ApiContext)
    return api


def candidate_url(settings: Settings, candidate_id: int) -> str:
    """The candidate's page: `{HOTGIGS_PUBLIC_URL}/candidates/{id}` (relative when unset:
    the API's callers reach this server already)."""
    return urls.candidate_url(settings.public_url, candidate_id) or urls.candidate_path(
        candidate_id)
