"""`/admin/duplicates`: possible duplicates, merges and "not the same" decisions of every
recruiter, with the buttons that call `pipeline.identity` (as `admin` in the audit log).

The operator behind the admin token sees every recruiter's links; the use cases still never
merge two recruiters' candidates.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from fastapi import APIRouter, Depends, FastAPI
from starlette.responses import Response

if TYPE_CHECKING:
    from hotgigs.web.admin import AdminApp

STATUSES = ("possible", "merged", "distinct", "all")


def add_duplicate_routes(web: FastAPI, app: AdminApp) -> None:
    """`GET /admin/duplicates[?status=…]` and `POST /admin/duplicates` (merge, not-same, split)."""
    from matching import matches_hook
    from pipeline import identity

    db = app.services.db

    pages = APIRouter(prefix="/admin/duplicates", include_in_schema=False)

    @pages.get("", dependencies=[Depends(app.signed_in)])
    def page(status: str = "possible") -> Response:
        if status not in STATUSES:
            status = "possible"
        found = identity.list_links(db, None, status=None if status == "all" else status)
        return app.render(200, "duplicates.html", links=found, shown=status,
                          statuses=STATUSES)

    @pages.post("")
    def act(fields: dict[str, str] = Depends(app.form_posted)) -> Response:
        raw, action = fields.get("link", ""), fields.get("action", "")
        if not raw.isdigit() or action not in ("merge", "not-same", "split"):
            return app.render(400, "message.html", title="Nothing done",
                              message="Choose a link and an action.")
        link = int(raw)
        try:
            if action == "merge":
                done = identity.merge_link(db, link, owner=None, actor=app.actor, source="admin",
                                           reindex=matches_hook(db))
            elif action == "not-same":
                done = identity.not_same(db, link, owner=None, actor=app.actor, source="admin")
            else:
                done = identity.split(db, link, owner=None, actor=app.actor, source="admin",
                                      reindex=matches_hook(db))
        except identity.IdentityError as exc:
            return app.render(409, "message.html", title="Nothing done", message=str(exc))
        return app.render(200, "message.html", title="Done", message=done.message)

    web.include_router(pages)
