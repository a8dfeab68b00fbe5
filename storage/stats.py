"""``scraper stats``: recent runs, outcomes per host, and the commonest errors."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa

from storage import schema
from storage.records import QueryResult

OUTCOME_COLUMNS = ("new", "new_version", "unchanged", "revisit", "not_modified", "skipped", "error")


def _host(conn: sa.Connection) -> sa.ColumnElement[str]:
    url = schema.capture.c.requested_url
    if conn.dialect.name == "postgresql":
        return sa.func.substring(url, "://([^/?#]+)")
    rest = sa.func.substr(url, sa.func.instr(url, "://") + 3)
    return sa.func.substr(rest, 1, sa.func.instr(rest + "/", "/") - 1)


def runs(conn: sa.Connection, limit: int) -> QueryResult:
    r = schema.crawl_run
    cols = (
        r.c.id,
        r.c.source,
        r.c.started_at,
        r.c.finished_at,
        r.c.status,
        r.c.pages_fetched,
        r.c.new_articles,
        r.c.new_versions,
        r.c.errors,
    )
    rows = conn.execute(sa.select(*cols).order_by(r.c.id.desc()).limit(limit)).all()
    return QueryResult(tuple(c.name for c in cols), tuple(tuple(row) for row in rows))


def by_host(conn: sa.Connection, since: datetime | None) -> QueryResult:
    c = schema.capture
    host = _host(conn).label("host")
    counts = [
        sa.func.sum(sa.case((c.c.outcome == o, 1), else_=0)).label(o) for o in OUTCOME_COLUMNS
    ]
    query = sa.select(host, sa.func.count().label("captures"), *counts).group_by(host)
    if since is not None:
        query = query.where(c.c.fetched_at >= since)
    rows = conn.execute(query.order_by(sa.desc("captures"))).all()
    columns = ("host", "captures", *OUTCOME_COLUMNS)
    return QueryResult(
        columns, tuple(tuple(int(v) if i else v for i, v in enumerate(row)) for row in rows)
    )


def errors(conn: sa.Connection, since: datetime | None, limit: int) -> QueryResult:
    c = schema.capture
    host = _host(conn).label("host")
    query = (
        sa.select(host, c.c.error, sa.func.count().label("count"))
        .where(c.c.outcome == "error")
        .group_by(host, c.c.error)
        .order_by(sa.desc("count"))
        .limit(limit)
    )
    if since is not None:
        query = query.where(c.c.fetched_at >= since)
    rows = conn.execute(query).all()
    return QueryResult(("host", "error", "count"), tuple(tuple(row) for row in rows))
