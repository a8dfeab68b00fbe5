"""Schema revisions: which one an archive is at, and the one-transaction upgrade.

1. An empty database gets every revision, in one transaction with Alembic's record.
2. An archive at ``schema.SCHEMA_REVISION`` opens as is.
3. An older archive is refused with a message that names ``scraper db upgrade``;
   that command applies the missing revisions, again in one transaction.
4. An archive from before Alembic (``archive_meta.schema_version = 1``) counts as
   ``r0001`` and is stamped as such inside the upgrade's transaction.
5. A revision this code does not know (a newer scraper wrote it) is refused.
6. On PostgreSQL the upgrade ends with ``ANALYZE``, so running ``scraper db upgrade``
   from cron before each crawl also keeps the planner's statistics fresh.

On PostgreSQL an advisory lock makes concurrent openers of a new archive wait for
the first one instead of racing it to ``CREATE TABLE``.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import sqlalchemy as sa

from storage import schema
from storage.errors import SchemaError

if TYPE_CHECKING:  # Alembic is imported when an upgrade runs, not by every opener
    from alembic.config import Config

LEGACY_REVISION = "r0001"  # what an archive with archive_meta.schema_version = 1 is
VERSION_TABLE = "alembic_version"  # Alembic's record of the applied revision
_PG_LOCK_KEY = 0x5C4A_2C41  # any constant; names the archive's schema lock


@dataclass(frozen=True, slots=True)
class Upgrade:
    """What ``upgrade`` did: the revision found and the revision left."""

    before: str | None
    after: str

    @property
    def changed(self) -> bool:
        return self.before != self.after


def _config(conn: sa.Connection | None) -> Config:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(Path(__file__).parent / "migrations"))
    if conn is not None:
        cfg.attributes["connection"] = conn
    return cfg


def known_revisions() -> list[str]:
    """Every revision this code can apply, oldest first."""
    from alembic.script import ScriptDirectory

    script = ScriptDirectory.from_config(_config(None))
    return [rev.revision for rev in reversed(list(script.walk_revisions()))]


def lock(conn: sa.Connection) -> None:
    """Serialise schema work between processes (PostgreSQL; SQLite's BEGIN IMMEDIATE does)."""
    if conn.dialect.name == "postgresql":
        conn.execute(sa.text("SELECT pg_advisory_xact_lock(:k)"), {"k": _PG_LOCK_KEY})


def current_revision(conn: sa.Connection) -> str | None:
    """The archive's revision; None for a database that holds no archive yet."""
    found = _recorded_revision(conn)
    if found is not None:
        return found
    inspector = sa.inspect(conn)
    if not inspector.has_table(schema.meta.name):
        return None
    value = conn.execute(
        sa.select(schema.meta.c.value).where(schema.meta.c.key == "schema_version")
    ).scalar()
    if value == "1":
        return LEGACY_REVISION
    raise SchemaError(f"this database holds an unknown archive (schema_version {value!r})")


def _recorded_revision(conn: sa.Connection) -> str | None:
    """The revision in Alembic's version table, read without importing Alembic (every
    process that opens the archive checks it; Alembic costs ~10 MB a process)."""
    if not sa.inspect(conn).has_table(VERSION_TABLE):
        return None
    rows = conn.execute(sa.text(f"SELECT version_num FROM {VERSION_TABLE}")).scalars().all()
    if len(rows) > 1:
        raise SchemaError(f"this archive records {len(rows)} schema revisions: {sorted(rows)}")
    return str(rows[0]) if rows else None


def check(conn: sa.Connection) -> str | None:
    """Raise SchemaError unless the archive is new or at the revision this code needs."""
    found = current_revision(conn)
    if found is None or found == schema.SCHEMA_REVISION:
        return found
    if found in known_revisions():
        raise SchemaError(
            f"this archive is at schema revision {found}, older than {schema.SCHEMA_REVISION};"
            " back it up, then run 'scraper db upgrade'"
        )
    raise SchemaError(
        f"this archive is at schema revision {found}, which this scraper does not know;"
        " a newer version of the scraper wrote it"
    )


def upgrade(conn: sa.Connection) -> Upgrade:
    """Apply every missing revision inside the caller's transaction."""
    lock(conn)
    before = current_revision(conn)
    if before not in (None, *known_revisions()):
        check(conn)  # raises: unknown revision
    from alembic import command

    cfg = _config(conn)
    if before is not None and _recorded_revision(conn) is None:
        command.stamp(cfg, before)
    if before != schema.SCHEMA_REVISION:
        command.upgrade(cfg, schema.SCHEMA_REVISION)
    if conn.dialect.name == "postgresql":
        # Fresh planner statistics: without them (autovacuum off, or a bulk import)
        # PostgreSQL scans version_fingerprint whole on every write (bench/README.md).
        tables = ", ".join(t.name for t in schema.metadata.sorted_tables)
        conn.exec_driver_sql(f"ANALYZE {tables}")
    return Upgrade(before, schema.SCHEMA_REVISION)
