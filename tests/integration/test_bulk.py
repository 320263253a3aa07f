"""storage.bulk: the array and COPY forms on PostgreSQL store and find what the plain
statements do on SQLite (each test runs on both)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

import pytest
from sqlalchemy import select

from storage.bulk import add_counts, among, insert_rows
from storage.db import Database
from storage.models import AuditEvent, TermStat, table_of, utcnow


@pytest.fixture
def db(database_url: str) -> Iterator[Database]:
    database = Database(database_url)
    yield database
    database.engine.dispose()


def test_insert_rows_converts_values_and_fills_defaults(db: Database) -> None:
    at = utcnow()
    with db.session() as session:
        insert_rows(session, table_of(AuditEvent), [
            {"actor": "a@x.test", "action": "imported", "candidate_id": 1, "source": "cli",
             "detail": {"batch_id": 7, "quote": "it's \"fine\"\t\\n"}, "at": at},
            {"actor": "b@x.test", "action": "viewed", "candidate_id": None, "source": "web",
             "detail": {}, "at": at}])
        # left out: `at` (utcnow) and `detail` (an empty dict) come from the model's defaults
        insert_rows(session, table_of(AuditEvent), [
            {"actor": "c@x.test", "action": "erased", "candidate_id": 3, "source": "cli"}])
    with db.session() as session:
        rows = session.scalars(select(AuditEvent).order_by(AuditEvent.id)).all()
    assert [(r.actor, r.candidate_id, r.detail) for r in rows] == [
        ("a@x.test", 1, {"batch_id": 7, "quote": "it's \"fine\"\t\\n"}),
        ("b@x.test", None, {}),
        ("c@x.test", 3, {})]
    assert rows[0].at == at
    assert isinstance(rows[2].at, datetime) and rows[2].at >= at


def test_add_counts_adds_to_stored_counts_and_among_finds_them(db: Database) -> None:
    table = table_of(TermStat)
    with db.session() as session:
        add_counts(session, table, ["term"], "df", [{"term": "java", "df": 2},
                                                    {"term": "python", "df": 1}])
    with db.session() as session:
        add_counts(session, table, ["term"], "df", [{"term": "python", "df": 3},
                                                    {"term": "sql", "df": -1}])
        add_counts(session, table, ["term"], "df", [])
    with db.session() as session:
        found = dict(session.execute(select(TermStat.term, TermStat.df).where(
            among(session, TermStat.term, ["python", "sql", "rust"]))).all())
        everything = dict(session.execute(select(TermStat.term, TermStat.df)).all())
    assert found == {"python": 4, "sql": -1}
    with db.session() as session:  # a longer value is not cut to the column's 100 characters
        add_counts(session, table, ["term"], "df", [{"term": "t" * 100, "df": 1}])
        assert session.scalar(select(TermStat.df).where(
            among(session, TermStat.term, ["t" * 100]))) == 1
        assert session.scalar(select(TermStat.df).where(
            among(session, TermStat.term, ["t" * 101]))) is None
    assert everything == {"java": 2, "python": 4, "sql": -1}
