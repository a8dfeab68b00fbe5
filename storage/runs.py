"""Crawl runs: the record of each run, and the lock that keeps runs of a source apart.

1. ``start`` inserts a ``running`` row for the source; a unique partial index allows one
   running row per source, so a second run (a slow run and the next cron tick) is
   refused, atomically on both engines.
2. A run beats ``heartbeat`` while it works. A running row whose heartbeat is older
   than ``STALE_AFTER``, or whose owner is a process known to be gone, belongs to a run
   that died (kill -9, a lost machine): ``start`` marks it ``died`` and takes the lock.
3. ``finish`` records the counts and the final status, and releases the lock.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from sqlalchemy import exc

from storage import schema

STALE_AFTER = timedelta(minutes=3)  # heartbeats come every few seconds while a run works


@dataclass(frozen=True, slots=True)
class RunCounts:
    pages_fetched: int = 0
    new_articles: int = 0
    new_versions: int = 0
    errors: int = 0


def start(
    conn: sa.Connection,
    source: str,
    owner: str,
    now: datetime,
    is_dead: Callable[[str], bool] = lambda _owner: False,
) -> int | None:
    """The new run's id, or None when another live run of ``source`` holds the lock.

    ``is_dead`` recognises owners known to be gone (a killed process on this machine)
    without waiting for their heartbeat to go stale.
    """
    r = schema.crawl_run
    running = conn.execute(
        sa.select(r.c.id, r.c.owner, r.c.heartbeat_at).where(
            r.c.source == source, r.c.status == "running"
        )
    ).all()
    for run_id, run_owner, beat in running:
        stale = _aware(beat) < now - STALE_AFTER
        if stale or is_dead(run_owner):
            conn.execute(r.update().where(r.c.id == run_id).values(status="died", finished_at=now))
    try:
        with conn.begin_nested():
            result = conn.execute(
                r.insert().values(
                    source=source, owner=owner, started_at=now, heartbeat_at=now, status="running"
                )
            )
    except exc.IntegrityError:
        return None
    key = result.inserted_primary_key
    return int(key[0]) if key else None


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def heartbeat(conn: sa.Connection, run_id: int, counts: RunCounts, now: datetime) -> None:
    r = schema.crawl_run
    conn.execute(r.update().where(r.c.id == run_id).values(heartbeat_at=now, **vars_of(counts)))


def finish(conn: sa.Connection, run_id: int, status: str, counts: RunCounts, now: datetime) -> None:
    r = schema.crawl_run
    conn.execute(
        r.update()
        .where(r.c.id == run_id)
        .values(status=status, finished_at=now, heartbeat_at=now, **vars_of(counts))
    )


def vars_of(counts: RunCounts) -> dict[str, int]:
    return {
        "pages_fetched": counts.pages_fetched,
        "new_articles": counts.new_articles,
        "new_versions": counts.new_versions,
        "errors": counts.errors,
    }
