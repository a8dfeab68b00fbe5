"""Opening an archive: URL checks, engine setup, and schema creation.

This is the one module that creates SQLAlchemy engines. It translates URL and
connection errors into ``ArchiveURLError`` once, and never shows a password.
"""

from __future__ import annotations

import re
import sqlite3
import time
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event, exc
from sqlalchemy.engine import URL, Engine

from storage import migrate
from storage.errors import ArchiveURLError, SchemaError

SQLITE_BUSY_TIMEOUT_MS = 10_000  # a writer waits this long for another writer's lock
READ_ONLY = "archive_read_only"  # execution option: open a read-only transaction


_PASSWORD = re.compile(r"(//[^/@:]*:)[^@]*@")  # user:password@ in a URL we cannot parse


def parse_url(raw: str) -> URL:
    """Parse a SQLAlchemy URL; ``postgresql://`` means the psycopg 3 driver."""
    try:
        url = sa.make_url(raw)
    except (exc.ArgumentError, ValueError) as err:
        shown = _PASSWORD.sub(r"\1***@", raw)
        raise ArchiveURLError(f"not a database URL: {shown!r} (try sqlite:///archive.db)") from err
    if url.drivername in ("postgresql", "postgres"):
        url = url.set(drivername="postgresql+psycopg")
    return url


def safe_url(url: URL | str) -> str:
    """The URL as text with any password masked."""
    if isinstance(url, str):
        try:
            url = sa.make_url(url)
        except (exc.ArgumentError, ValueError):
            return "<invalid URL>"
    return url.render_as_string(hide_password=True)


def create_engine(raw: str, *, read_only: bool = False) -> Engine:
    """An engine for ``raw``, checked by connecting once, with the schema in place.

    ``read_only`` never creates or changes anything: SQLite is opened in read-only
    mode, and a database without an archive is an error.
    """
    url = parse_url(raw)
    if read_only and url.get_backend_name() == "sqlite":
        url = _sqlite_read_only(url)
    engine = _open(url, read_only=read_only)
    try:
        if read_only:
            check_schema(engine)
        else:
            ensure_schema(engine)
    except exc.DBAPIError as err:
        engine.dispose()
        raise ArchiveURLError(f"cannot open archive {safe_url(url)}: {first_line(err)}") from err
    except BaseException:
        engine.dispose()
        raise
    return engine


def _sqlite_read_only(url: URL) -> URL:
    path = url.database or ""
    if path in ("", ":memory:") or path.startswith("file:"):
        return url
    if not Path(path).is_file():
        raise ArchiveURLError(f"no archive at {path}")
    return url.set(database=f"file:{path}").update_query_dict({"mode": "ro", "uri": "true"})


def _open(url: URL, *, read_only: bool = False) -> Engine:
    """An engine for ``url`` with the archive's connection settings, not yet checked."""
    try:
        engine = sa.create_engine(url, **_engine_options(url))
    except exc.NoSuchModuleError as err:
        raise ArchiveURLError(f"unknown database driver {url.drivername!r}") from err
    except ImportError as err:
        raise ArchiveURLError(
            f"the driver for {url.drivername!r} is not installed ({err.name});"
            " for PostgreSQL: pip install 'news-scraper-archive[postgres]'"
        ) from err
    if url.get_backend_name() == "sqlite":
        _configure_sqlite(engine, read_only=read_only)
    return engine


def _engine_options(url: URL) -> dict[str, Any]:
    if url.get_backend_name() == "postgresql":
        return {"pool_pre_ping": True, "connect_args": {"connect_timeout": 10}}
    return {}


def _configure_sqlite(engine: Engine, *, read_only: bool = False) -> None:
    """WAL (synchronous=NORMAL), busy timeout, foreign keys, real transactions."""

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: sqlite3.Connection, _record: object) -> None:
        dbapi_conn.isolation_level = None  # we emit BEGIN ourselves, below
        cur = dbapi_conn.cursor()
        cur.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}")
        cur.execute("PRAGMA foreign_keys = ON")
        if not read_only:
            _use_wal(cur)
            # In WAL mode NORMAL cannot corrupt the archive and a killed process loses
            # nothing committed; only an OS crash may undo the last commits. FULL costs
            # an fsync per page (7 ms each in bench/crawl_bench.py).
            cur.execute("PRAGMA synchronous = NORMAL")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: sa.Connection) -> None:
        reading = read_only or conn.get_execution_options().get(READ_ONLY, False)
        conn.exec_driver_sql("BEGIN" if reading else "BEGIN IMMEDIATE")


def _use_wal(cur: sqlite3.Cursor) -> None:
    """Switch to WAL unless the file is in WAL already (the mode persists in the file).

    Changing the mode needs the file to itself and, unlike other statements, fails at
    once instead of waiting for the busy timeout while another process (a second
    scraper creating the schema) holds the write lock: it is retried until the timeout.
    """
    deadline = time.monotonic() + SQLITE_BUSY_TIMEOUT_MS / 1000
    while True:
        try:
            if str(cur.execute("PRAGMA journal_mode").fetchone()[0]).lower() != "wal":
                cur.execute("PRAGMA journal_mode = WAL")
            return
        except sqlite3.OperationalError as err:
            if "locked" not in str(err) or time.monotonic() > deadline:
                raise
            time.sleep(0.02)


def ensure_schema(engine: Engine) -> None:
    """Create the schema in a new database; refuse an archive at another revision."""
    with engine.begin() as conn:
        migrate.lock(conn)
        if migrate.check(conn) is None:
            migrate.upgrade(conn)


def check_schema(engine: Engine) -> None:
    """Refuse a database without an archive, or with one at another revision."""
    with engine.connect() as conn:
        if migrate.check(conn) is None:
            raise SchemaError("this database holds no archive yet (run 'scraper fetch' first)")


def upgrade_schema(raw: str) -> migrate.Upgrade:
    """``scraper db upgrade``: bring the archive at ``raw`` to this code's revision."""
    url = parse_url(raw)
    engine = _open(url)
    try:
        with engine.begin() as conn:
            return migrate.upgrade(conn)
    except exc.DBAPIError as err:
        raise ArchiveURLError(f"cannot upgrade archive {safe_url(url)}: {first_line(err)}") from err
    finally:
        engine.dispose()


def first_line(err: BaseException) -> str:
    """The first line of a driver error, without SQLAlchemy's statement dump."""
    orig = getattr(err, "orig", None) or err
    text = str(orig).strip() or type(orig).__name__
    return text.splitlines()[0]
