"""At most N requests at once to one host, across every crawler on the archive.

A fetch takes one of the host's ``per_host`` rows in ``host_slot`` (an upsert that only
wins a free or expired slot), and gives it back when the response is in. A crawler
that dies holding a slot loses it when ``until`` passes, or at once when it is known
dead (``release_owners``, for a killed crawl on this machine). On PostgreSQL the upsert is
atomic between workers; on SQLite the single writer's lock makes it so.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

from storage import schema


def acquire(
    conn: sa.Connection, host: str, owner: str, per_host: int, now: datetime, hold: timedelta
) -> int | None:
    """Take a free slot of ``host`` for ``owner``; its number, or None when all are held."""
    t = schema.host_slot
    dialect = postgresql if conn.dialect.name == "postgresql" else sqlite
    for slot in range(per_host):
        stmt = dialect.insert(t).values(host=host, slot=slot, owner=owner, until=now + hold)
        stmt = stmt.on_conflict_do_update(
            index_elements=[t.c.host, t.c.slot],
            set_={"owner": owner, "until": now + hold},
            where=t.c.until < now,
        ).returning(t.c.slot)
        if conn.execute(stmt).first() is not None:
            return slot
    return None


def release(conn: sa.Connection, host: str, slot: int, owner: str, now: datetime) -> None:
    t = schema.host_slot
    conn.execute(
        t.update()
        .where(t.c.host == host, t.c.slot == slot, t.c.owner == owner)
        .values(until=now)
    )


def holders(conn: sa.Connection, now: datetime) -> list[str]:
    """The owners holding a slot of any host now."""
    t = schema.host_slot
    return list(conn.execute(sa.select(t.c.owner).where(t.c.until >= now).distinct()).scalars())


def release_owners(conn: sa.Connection, owners: list[str], now: datetime) -> int:
    """Free every slot held by ``owners`` (known dead); how many were held."""
    t = schema.host_slot
    result = conn.execute(
        t.update().where(t.c.owner.in_(owners), t.c.until >= now).values(until=now)
    )
    return int(result.rowcount or 0)
