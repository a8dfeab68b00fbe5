"""The crawl frontier in the archive database: enqueue, claim with a lease, complete.

1. ``enqueue`` adds URLs the frontier does not know yet (their key is the normalised
   URL); a known URL keeps its state, so rediscovering it costs one ignored insert.
2. ``claim`` leases due URLs to one worker, best priority first (an index walk that
   stops at the batch size, however large the frontier): on PostgreSQL with
   ``FOR UPDATE SKIP LOCKED`` so that workers never wait for or take each other's rows;
   on SQLite inside the single writer's ``BEGIN IMMEDIATE``. A lease that expires (its
   worker died) makes the URL claimable again.
3. ``complete`` runs in the same transaction as the capture it reports on
   (``Archive.store(..., crawl=...)``): the page, its outcome, its newly found links and
   its next visit are written together or not at all. A crawl killed at any point
   therefore loses no URL and never re-fetches a page it already stored.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa

from storage import schema
from storage.records import Claim, CrawlUpdate, FrontierURL
from storage.upsert import insert_many_ignore

# A failed fetch is retried after RETRY_BASE * 4**(attempts-1): 1 min, 4 min, 16 min.
RETRY_BASE = timedelta(minutes=1)
CHANGED = frozenset({"new", "new_version"})
_F = schema.frontier
_URL: sa.BindParameter[str] = sa.bindparam("b_url")
_ATTEMPTS = sa.select(_F.c.attempts).where(_F.c.url == _URL)
_SET = _F.update().where(_F.c.url == _URL)  # the columns come with the parameters


def enqueue(conn: sa.Connection, urls: Iterable[FrontierURL], now: datetime) -> None:
    rows = [
        {
            "url": u.url,
            "host": u.host,
            "source": u.source,
            "kind": u.kind,
            "state": "queued",
            "depth": u.depth,
            "priority": u.priority,
            "due_at": u.due_at or now,
            "attempts": 0,
            "published": u.published,
            "first_seen": now,
        }
        for u in urls
    ]
    insert_many_ignore(conn, schema.frontier, rows)


def claim(
    conn: sa.Connection,
    owner: str,
    limit: int,
    now: datetime,
    lease: timedelta,
    sources: list[str] | None = None,
) -> list[Claim]:
    """Lease up to ``limit`` due URLs to ``owner``."""
    f = schema.frontier
    conn.execute(  # leases of dead workers come back first, keeping their due time
        f.update()
        .where(f.c.state == "leased", f.c.lease_until < now)
        .values(state="queued", lease_owner=None, lease_until=None)
    )
    pick = (
        sa.select(f.c.url)
        .where(f.c.state == "queued", f.c.due_at <= now)
        .where(f.c.source.in_(sources) if sources is not None else sa.true())
        .order_by(f.c.priority.desc(), f.c.due_at.desc())  # one backward index walk
        .limit(limit)
    )
    if conn.dialect.name == "postgresql":
        pick = pick.with_for_update(skip_locked=True)
    rows = conn.execute(
        f.update()
        .where(f.c.url.in_(pick.scalar_subquery()))
        .values(state="leased", lease_owner=owner, lease_until=now + lease)
        .returning(
            f.c.url,
            f.c.host,
            f.c.kind,
            f.c.depth,
            f.c.source,
            f.c.attempts,
            f.c.etag,
            f.c.last_modified,
            f.c.first_seen,
            f.c.last_change,
            f.c.published,
            f.c.priority,
        )
    ).all()
    ordered = sorted(rows, key=lambda r: -int(r.priority))
    return [Claim(*r[:11]) for r in ordered]


def complete(conn: sa.Connection, update: CrawlUpdate, outcome: str, now: datetime) -> None:
    """Record what fetching ``update.url`` led to, and queue the links it found."""
    if update.failed:
        row = conn.execute(_ATTEMPTS, {"b_url": update.url}).first()
        values = _failure(update, row.attempts, now) if row is not None else None
    else:
        values = _success(update, outcome, now)
    if values is None:
        return  # not a frontier URL (a fetch outside any crawl)
    params = {"b_url": update.url, "lease_owner": None, "lease_until": None, **values}
    if not conn.execute(_SET, params).rowcount:
        return
    enqueue(conn, update.links, now)


def complete_plain(
    conn: sa.Connection, done: Sequence[tuple[CrawlUpdate, str]], now: datetime
) -> None:
    """``complete`` for successes that found no links (a recrawl's 304s): one UPDATE per
    set of columns, for all of them at once."""
    groups: dict[tuple[str, ...], list[dict[str, object]]] = {}
    for update, outcome in done:
        if update.failed or update.links:
            raise ValueError(f"{update.url}: only plain successes are completed in bulk")
        values = _success(update, outcome, now)
        params = {"b_url": update.url, "lease_owner": None, "lease_until": None, **values}
        groups.setdefault(tuple(params), []).append(params)
    for rows in groups.values():
        conn.execute(_SET, rows)


def _failure(update: CrawlUpdate, attempts: int, now: datetime) -> dict[str, object]:
    attempts += 1
    if attempts >= update.max_attempts:
        return {"state": "failed", "due_at": None, "attempts": attempts}
    retry = update.retry_at or now + RETRY_BASE * 4 ** (attempts - 1)
    return {"state": "queued", "due_at": retry, "attempts": attempts}


def _success(update: CrawlUpdate, outcome: str, now: datetime) -> dict[str, object]:
    due = update.retry_at or update.next_due(outcome)
    values: dict[str, object] = {
        "state": "queued" if due is not None else "done",
        "due_at": due,
        "attempts": 0,
        "last_fetched": now,
        "last_error": None,
    }
    if outcome in CHANGED:
        values["last_change"] = now
    for key in ("etag", "last_modified", "published", "kind"):
        if getattr(update, key) is not None:
            values[key] = getattr(update, key)
    return values


def fail_reason(conn: sa.Connection, url: str, reason: str) -> None:
    f = schema.frontier
    conn.execute(f.update().where(f.c.url == url).values(last_error=reason))


def refresh(conn: sa.Connection, now: datetime) -> int:
    """``--refresh``: every known URL is due now (revisited with conditional GET)."""
    f = schema.frontier
    result = conn.execute(
        f.update().where(f.c.state.in_(("queued", "done"))).values(state="queued", due_at=now)
    )
    return int(result.rowcount or 0)


def stats(conn: sa.Connection, now: datetime) -> dict[str, int]:
    """URLs per state, and how many are due now."""
    f = schema.frontier
    counts = {
        s: int(n)
        for s, n in conn.execute(sa.select(f.c.state, sa.func.count()).group_by(f.c.state))
    }
    counts["due"] = int(
        conn.execute(
            sa.select(sa.func.count()).where(
                sa.or_(
                    sa.and_(f.c.state == "queued", f.c.due_at <= now),
                    sa.and_(f.c.state == "leased", f.c.lease_until < now),
                )
            )
        ).scalar_one()
    )
    return counts


def lease_owners(conn: sa.Connection) -> list[str]:
    f = schema.frontier
    rows = conn.execute(
        sa.select(f.c.lease_owner).where(f.c.state == "leased").distinct()
    ).scalars()
    return [str(r) for r in rows if r]


def release(conn: sa.Connection, owners: list[str]) -> int:
    """Return the URLs leased to ``owners`` (known dead) to the queue, due now."""
    f = schema.frontier
    result = conn.execute(
        f.update()
        .where(f.c.state == "leased", f.c.lease_owner.in_(owners))
        .values(state="queued", lease_owner=None, lease_until=None)
    )
    return int(result.rowcount or 0)


def next_retry(conn: sa.Connection) -> datetime | None:
    """When the earliest queued retry (a URL that failed at least once) is due."""
    f = schema.frontier
    value = conn.execute(
        sa.select(sa.func.min(f.c.due_at)).where(f.c.state == "queued", f.c.attempts > 0)
    ).scalar()
    if not isinstance(value, datetime):
        return None
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)
