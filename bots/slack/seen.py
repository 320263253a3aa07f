"""Idempotency keys in `seen_events`: Slack retries a delivery, and it must count once.

A key is claimed by inserting it; the unique constraint makes two concurrent deliveries of the
same event race safely (one insert wins). Claims are released when the work they guard failed
before anything was promised to the user, so a later delivery can try again.
"""

from __future__ import annotations

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError

from storage.db import Database
from storage.models import SeenEvent


def claim(db: Database, key: str) -> bool:
    """True for the first caller with this key, False for every later one."""
    try:
        with db.session() as session:
            session.add(SeenEvent(key=key[:500]))
    except IntegrityError:
        return False
    return True


def seen(db: Database, key: str) -> bool:
    with db.session() as session:
        return session.scalar(select(SeenEvent.id).where(SeenEvent.key == key[:500])) is not None


def release(db: Database, keys: list[str]) -> None:
    if keys:
        with db.session() as session:
            session.execute(delete(SeenEvent).where(SeenEvent.key.in_([k[:500] for k in keys])))


def event_key(team: str, event_id: str) -> str:
    return f"slack:event:{team}/{event_id}"


def file_key(team: str, file_id: str) -> str:
    return f"slack:file:{team}/{file_id}"


def reply_key(batch_id: int, part: str) -> str:
    return f"slack:reply:{batch_id}/{part}"
