"""Times on every page: `<time datetime=ISO>` with a readable UTC text, made local by the browser.

Templates write `{{ value|when }}`. The server cannot know the viewer's timezone, so the text it
sends is UTC in a short, readable form (`5 Dec 2026, 04:57 UTC`); `static/hotgigs.js` rewrites
it in the viewer's own timezone and locale. Without JavaScript the UTC text stays, still readable.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

from jinja2 import Environment
from markupsafe import Markup, escape


def _parse(value: object) -> datetime | None:
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    if isinstance(value, str) and value:
        try:
            found = datetime.fromisoformat(value)
        except ValueError:
            return None
        return found if found.tzinfo else found.replace(tzinfo=UTC)
    return None


def readable(moment: datetime) -> str:
    """`5 Dec 2026, 04:57 UTC`: the fallback text, the same on every server locale."""
    at = moment.astimezone(UTC)
    return f"{at.day} {at:%b %Y, %H:%M} UTC"


def when(value: object, empty: str = "") -> Markup:
    """A `<time>` element for a datetime (or ISO text); `empty` for None."""
    moment = _parse(value)
    if moment is None:
        if isinstance(value, date):
            return Markup('<time datetime="{0}">{0}</time>').format(value.isoformat())
        return Markup(escape(value if value not in (None, "") else empty))
    iso = moment.astimezone(UTC).isoformat(timespec="seconds")
    return Markup('<time datetime="{}">{}</time>').format(iso, readable(moment))


def install_filters(env: Environment) -> Environment:
    env.filters["when"] = when
    return env
