"""``INSERT ... ON CONFLICT DO NOTHING`` on SQLite and PostgreSQL alike.

Concurrent writers may insert the same blob, alias, dictionary or duplicate row at the
same moment; the loser's insert becomes a no-op instead of an error. On PostgreSQL
the loser waits for the winner's transaction and then sees its row.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite


def insert_ignore(conn: sa.Connection, table: sa.Table, **values: Any) -> bool:
    """Insert one row unless its key exists; True when this call inserted it."""
    if conn.dialect.name == "postgresql":
        stmt: Any = postgresql.insert(table).values(**values).on_conflict_do_nothing()
    elif conn.dialect.name == "sqlite":
        stmt = sqlite.insert(table).values(**values).on_conflict_do_nothing()
    else:  # pragma: no cover - the archive supports SQLite and PostgreSQL only
        raise NotImplementedError(conn.dialect.name)
    return bool(conn.execute(stmt).rowcount)
