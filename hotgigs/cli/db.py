"""`hotgigs db upgrade`: the database schema."""

from __future__ import annotations

import typer

from hotgigs.cli.support import err, settings_or_exit

db_app = typer.Typer(help="Database schema.", no_args_is_help=True)


@db_app.command("upgrade")
def db_upgrade() -> None:
    """Apply the database migrations (SQLite or PostgreSQL)."""
    from storage.db import upgrade

    settings = settings_or_exit()
    upgrade(settings.effective_database_url)
    err.print(f"database is at the latest schema ({_safe_url(settings.effective_database_url)})")


def _safe_url(url: str) -> str:
    """A database URL without its password, for messages (SQLAlchemy's own masking)."""
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)
