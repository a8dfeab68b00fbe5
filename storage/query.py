"""Read-only user queries (``scraper sql``).

Three locks keep a user's query from changing the archive:
1. the statement runs in a transaction that is always rolled back;
2. that transaction is read-only (``SET TRANSACTION READ ONLY`` on PostgreSQL,
   ``PRAGMA query_only`` on SQLite);
3. on SQLite an authorizer denies every action but reading, so even a PRAGMA
   or ATTACH that ``query_only`` would let through is refused.
Only one statement is accepted.
"""

from __future__ import annotations

import sqlite3
from typing import Any

import sqlalchemy as sa
from sqlalchemy import exc
from sqlalchemy.engine import Engine

from storage.engine import READ_ONLY, first_line
from storage.errors import QueryError, WriteRefusedError
from storage.records import QueryResult

# SQLite authorizer action codes a read needs; anything else is denied.
_SQLITE_READ_ACTIONS = frozenset(
    {sqlite3.SQLITE_SELECT, sqlite3.SQLITE_READ, sqlite3.SQLITE_FUNCTION, sqlite3.SQLITE_RECURSIVE}
)
_SCHEMA_TABLES = frozenset({"sqlite_master", "sqlite_schema"})
# PostgreSQL SQLSTATE for "read-only SQL transaction"; SQLite's messages for the same.
_PG_READ_ONLY_STATE = "25006"
_SQLITE_WRITE_MARKERS = ("not authorized", "readonly database", "query_only")


def run_read_only(engine: Engine, sql: str) -> QueryResult:
    """Run ``sql`` as one read-only statement and return all of its rows."""
    statement = _single_statement(sql)
    sqlite = engine.dialect.name == "sqlite"
    with engine.connect().execution_options(**{READ_ONLY: True}) as conn:
        raw = conn.connection.driver_connection
        try:
            conn.begin()
            if sqlite:
                conn.exec_driver_sql("PRAGMA query_only = ON")
                raw.set_authorizer(_sqlite_authorizer)  # type: ignore[union-attr]
            else:
                conn.exec_driver_sql("SET TRANSACTION READ ONLY")
                conn.exec_driver_sql("SET LOCAL TIME ZONE 'UTC'")
            # psycopg reads % as a placeholder even without parameters (LIKE '%x%')
            result = conn.exec_driver_sql(statement if sqlite else statement.replace("%", "%%"))
            if not result.returns_rows:
                raise WriteRefusedError("the statement returns no rows; only queries are allowed")
            columns = tuple(result.keys())
            rows = tuple(tuple(row) for row in result)
        except exc.DBAPIError as err:
            raise _translate(err) from err
        finally:
            _reset(conn, raw, sqlite)
    return QueryResult(columns, rows)


def _single_statement(sql: str) -> str:
    statement = sql.strip().rstrip(";").strip()
    if not statement:
        raise QueryError("empty query")
    if _has_two_statements(statement):
        raise QueryError("only one statement is allowed")
    return statement


def _has_two_statements(statement: str) -> bool:
    """True when a ``;`` outside quotes ends a statement before the end of ``statement``."""
    for i, char in enumerate(statement):
        if char == ";" and sqlite3.complete_statement(statement[: i + 1]):
            return bool(statement[i + 1 :].strip())
    return False


def _sqlite_authorizer(action: int, table: str | None = None, *_args: Any) -> int:
    if action in _SQLITE_READ_ACTIONS:
        return sqlite3.SQLITE_OK
    # Connecting an eponymous virtual table (json_each, json_tree) reports an UPDATE of
    # the schema table; SQLite itself forbids users to write it, and query_only holds.
    if action == sqlite3.SQLITE_UPDATE and table in _SCHEMA_TABLES:
        return sqlite3.SQLITE_OK
    return sqlite3.SQLITE_DENY


def _reset(conn: sa.Connection, raw: Any, sqlite: bool) -> None:
    if sqlite:
        raw.set_authorizer(None)  # first: the authorizer would deny the ROLLBACK itself
    if conn.in_transaction():
        conn.rollback()
    if sqlite:
        raw.execute("PRAGMA query_only = OFF")


def _translate(err: exc.DBAPIError) -> QueryError:
    message = first_line(err)
    state = getattr(err.orig, "sqlstate", None)
    lowered = message.lower()
    if state == _PG_READ_ONLY_STATE or any(m in lowered for m in _SQLITE_WRITE_MARKERS):
        return WriteRefusedError(f"refused: the archive is read-only here ({message})")
    return QueryError(message)
