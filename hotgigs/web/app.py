"""The one HTTP app: every route `hotgigs serve` answers but Slack's (added by `web.slack`)."""

from __future__ import annotations

from fastapi import FastAPI

from hotgigs.bootstrap import Services
from hotgigs.web.admin import add_operations_routes
from hotgigs.web.admin_duplicates import add_duplicate_routes
from hotgigs.web.api import install_api
from hotgigs.web.apply import add_apply_routes
from hotgigs.web.drive_connect import add_drive_connect_routes
from hotgigs.web.http import add_health, new_app
from hotgigs.web.pages import install_pages
from hotgigs.web.recruiter import install_recruiter_pages
from hotgigs.web.session import install_sessions
from hotgigs.web.upload import add_upload_pages


def build_app(services: Services) -> FastAPI:
    app = new_app()
    install_sessions(app, services.settings)
    install_pages(app)
    add_health(app, services)
    add_drive_connect_routes(app, services)
    add_apply_routes(app, services)  # the public candidate apply page
    install_recruiter_pages(app, services)  # /, /signin, /candidates, /jobs
    install_api(app, services)  # /api/v1
    add_upload_pages(app)  # /upload, on the API's code
    admin = add_operations_routes(app, services)  # /metrics, and /admin with a token
    if admin is not None:
        add_duplicate_routes(app, admin)
    return app
