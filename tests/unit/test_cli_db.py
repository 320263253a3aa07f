"""`hotgigs db upgrade` names the database it migrated without its password."""

from __future__ import annotations

from hotgigs.cli.db import _safe_url


def test_the_password_of_a_database_url_is_hidden() -> None:
    shown = _safe_url("postgresql+psycopg://ann:s3cret%40x@db.internal:5432/hotgigs")
    assert "s3cret" not in shown
    assert shown == "postgresql+psycopg://ann:***@db.internal:5432/hotgigs"
    assert _safe_url("sqlite:////srv/var/hotgigs.sqlite3") == "sqlite:////srv/var/hotgigs.sqlite3"
