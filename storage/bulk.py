"""Statements over many values that cost the same whatever their number, on PostgreSQL.

A chunk of 64 resumes writes thousands of rows (matching's `profile_keys`, `term_stats`) and
looks up thousands of words. Written the plain way — `IN (:p1, …, :p3000)`, an executemany
INSERT that SQLAlchemy folds into multi-row VALUES — each call renders a new statement text of
thousands of parameters that SQLAlchemy expands, psycopg re-scans (its statement cache skips
long texts) and PostgreSQL parses and plans again: in benchmarks/bulk_import.py that was a
quarter of the matching time per resume. On PostgreSQL these helpers send the values as one
array parameter per column (`= ANY(:values)`, `unnest`) or as COPY data instead, so the
statement text is fixed and short. SQLite, which has no arrays and no network, gets the plain
statements.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from typing import Any

from sqlalchemy import (
    ColumnElement,
    String,
    Table,
    any_,
    bindparam,
    func,
    insert,
    select,
    text,
)
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import InstrumentedAttribute, Session


def _on_postgresql(session: Session) -> bool:
    return session.get_bind().dialect.name == "postgresql"


def _array_of(column: Any) -> ARRAY[Any]:
    """The array type of a column's values; strings without their length, since a cast to
    VARCHAR(n)[] cuts longer values silently where the plain statements compare or refuse
    them whole."""
    kind = column.type
    return ARRAY(String() if isinstance(kind, String) else kind)


def among(session: Session, column: InstrumentedAttribute[Any],
          values: Collection[Any]) -> ColumnElement[bool]:
    """`column IN values`: one array parameter on PostgreSQL (`= ANY(:values)`)."""
    if _on_postgresql(session):
        return column == any_(bindparam(None, list(values), type_=_array_of(column)))
    return column.in_(values)


def insert_rows(session: Session, table: Table, rows: Sequence[Mapping[str, Any]]) -> None:
    """INSERT many rows (all with the same keys): COPY on PostgreSQL.

    Values go through their column types as in an INSERT (JSON, UTC datetimes), and columns
    left out get their client-side default (a scalar, or a function of no arguments) as an
    INSERT would give them; a column without one gets the table's own default or NULL.
    """
    if not rows:
        return
    if not _on_postgresql(session):
        session.execute(insert(table), list(rows))
        return
    connection = session.connection()
    dialect = connection.dialect
    names = list(rows[0])
    defaults = {c.name: c.default for c in table.columns
                if c.name not in names and c.default is not None
                and (c.default.is_scalar or c.default.is_callable)}
    columns = [*names, *defaults]
    convert = [table.c[name].type.dialect_impl(dialect).bind_processor(dialect)
               for name in columns]
    quoted = ", ".join(f'"{name}"' for name in columns)
    cursor = connection.connection.cursor()
    try:
        with cursor.copy(f'COPY "{table.name}" ({quoted}) FROM STDIN') as copy:
            for row in rows:
                values = [row[name] for name in names]
                for default in defaults.values():
                    # a callable default takes the statement's context; ours ignore it
                    values.append(default.arg(None) if default.is_callable  # type: ignore[attr-defined]
                                  else default.arg)  # type: ignore[attr-defined]
                copy.write_row([value if fn is None or value is None else fn(value)
                                for fn, value in zip(convert, values, strict=True)])
    finally:
        cursor.close()


def reserve_ids(session: Session, table: Table, count: int) -> list[int] | None:
    """`count` new ids from the sequence of `table`'s `id`, ascending, for rows written with
    `insert_rows` (COPY gives no ids back); None on SQLite, where the caller inserts the plain
    way and reads the ids back."""
    if not _on_postgresql(session):
        return None
    if count <= 0:
        return []
    ids = session.execute(
        text("SELECT nextval(pg_get_serial_sequence(:table, 'id')) "
             "FROM generate_series(1, :count)"), {"table": table.name, "count": count}).scalars()
    return sorted(int(i) for i in ids)


def add_counts(session: Session, table: Table, keys: Sequence[str], count: str,
               rows: Sequence[Mapping[str, Any]]) -> None:
    """Upsert `rows` adding their `count` to the stored one (a new key starts at it).

    The rows are written in the order given (sort them: concurrent writers then never
    deadlock); a key must occur once among them (PostgreSQL refuses to touch a row twice).
    On PostgreSQL one `INSERT … SELECT unnest(…) ON CONFLICT` with an array per column.
    """
    if not rows:
        return
    names = [*keys, count]
    if _on_postgresql(session):
        arrays = [func.unnest(bindparam(f"values_{name}", [row[name] for row in rows],
                                        type_=_array_of(table.c[name]))) for name in names]
        stmt = pg_insert(table).from_select(names, select(*arrays))
        session.execute(stmt.on_conflict_do_update(
            index_elements=[table.c[k] for k in keys],
            set_={count: table.c[count] + stmt.excluded[count]}))
        return
    lite = sqlite_insert(table)
    session.execute(lite.on_conflict_do_update(
        index_elements=[table.c[k] for k in keys],
        set_={count: table.c[count] + lite.excluded[count]}), list(rows))
