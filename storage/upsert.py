"""``INSERT ... ON CONFLICT DO NOTHING`` on SQLite and PostgreSQL alike.

Concurrent writers may insert the same blob, alias, dictionary or duplicate row at the
same moment; the loser's insert becomes a no-op instead of an error. On PostgreSQL
the loser waits for the winner's transaction and then sees its row.
"""

from __future__ import annotations

from functools import cache
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite


@cache  # one statement object per table and dialect: SQLAlchemy memoises its cache key
def _statement(dialect: str, table: sa.Table) -> Any:
    if dialect == "postgresql":
        return postgresql.insert(table).on_conflict_do_nothing()
    if dialect == "sqlite":
        return sqlite.insert(table).on_conflict_do_nothing()
    raise NotImplementedError(dialect)  # pragma: no cover - SQLite and PostgreSQL only


def insert_ignore(conn: sa.Connection, table: sa.Table, **values: Any) -> bool:
    """Insert one row unless its key exists; True when this call inserted it."""
    return bool(conn.execute(_statement(conn.dialect.name, table), values).rowcount)


def insert_many_ignore(conn: sa.Connection, table: sa.Table, rows: list[dict[str, Any]]) -> None:
    """Insert the rows whose keys do not exist yet, in one round of statements."""
    if rows:
        conn.execute(_statement(conn.dialect.name, table), rows)
