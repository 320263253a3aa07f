"""The one HTTP app: every route `hotgigs serve` answers but Slack's (added by `web.slack`)."""

from __future__ import annotations

from hotgigs.bootstrap import Services
from hotgigs.web.admin import add_operations_routes
from hotgigs.web.admin_duplicates import add_duplicate_routes
from hotgigs.web.http import Router, health_handler


def build_router(services: Services) -> Router:
    router = Router()
    router.add("GET", "/healthz", health_handler(services))
    admin = add_operations_routes(router, services)  # /metrics, and /admin with a token
    if admin is not None:
        add_duplicate_routes(router, admin)
    return router
