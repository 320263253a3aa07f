"""Server-rendered pages for recruiters and candidates: one template environment, one
stylesheet (`/static/hotgigs.css`, shared with `/admin`), the signed-in recruiter and the CSRF
token handed to every template."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request
from jinja2 import Environment, PackageLoader, select_autoescape
from starlette.responses import HTMLResponse
from starlette.staticfiles import StaticFiles

from hotgigs.web.session import who
from hotgigs.web.timefmt import install_filters


class Pages:
    """Renders `templates/pages/*.html`; on `app.state.pages`."""

    def __init__(self) -> None:
        self.templates = install_filters(Environment(
            loader=PackageLoader("hotgigs.web", "templates/pages"),
            autoescape=select_autoescape(["html"])))

    def render(self, request: Request, name: str, status: int = 200,
               **context: Any) -> HTMLResponse:
        me = who(request)
        page = self.templates.get_template(name).render(
            me=me, csrf=me.csrf if me else "", path=request.url.path, **context)
        return HTMLResponse(page, status_code=status, headers={"Cache-Control": "no-store"})


def install_pages(app: FastAPI) -> Pages:
    """The stylesheet and scripts under `/static`, and the page renderer on `app.state`."""
    app.mount("/static", StaticFiles(packages=[("hotgigs.web", "static")]), name="static")
    pages = Pages()
    app.state.pages = pages
    return pages


def pages_of(request: Request) -> Pages:
    pages = request.app.state.pages
    assert isinstance(pages, Pages)
    return pages
