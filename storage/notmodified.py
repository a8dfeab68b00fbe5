"""304 answers in bulk: ``Archive.store_many``'s path for a recrawl's commonest page.

A 304 needs no parse, no blob and no version. Its capture is credited to the article
the URL already belongs to, that article's ``last_seen`` moves, and its frontier URL is
rescheduled. ``Writer`` does that with five statements per page; here a batch takes
one statement of each kind (an executemany), whatever its size. The rows are the ones
``Writer`` writes for the same items, which ``tests/test_crawl_parts.py`` checks.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

import sqlalchemy as sa

from storage import aliases, frontier, schema
from storage.prepare import PreparedContent
from storage.records import CaptureRecord, ContentRecord, CrawlUpdate, StoreResult
from storage.writer import capture_row

OUTCOME = "not_modified"
_A, _C = schema.article, schema.capture
_TOUCH = _A.update().where(_A.c.id == sa.bindparam("b_id")).values(last_seen=sa.bindparam("b_now"))
_CURRENT = sa.select(_A.c.id, _A.c.current_version).where(
    _A.c.id.in_(sa.bindparam("b_ids", expanding=True))
)
_INSERT = _C.insert().returning(_C.c.id, sort_by_parameter_order=True)

Item = tuple[CaptureRecord, ContentRecord | PreparedContent | None, CrawlUpdate | None]


def is_plain(item: Item) -> bool:
    """A 304 without content or error whose frontier update queues no links."""
    capture, content, crawl = item
    if content is not None or capture.status != 304 or capture.error or capture.skipped:
        return False
    return crawl is None or not (crawl.failed or crawl.links)


def write_many(conn: sa.Connection, items: Sequence[Item], now: datetime) -> list[StoreResult]:
    """Store plain 304s (``is_plain``) in the caller's transaction; one result each."""
    captures = [capture for capture, _, _ in items]
    article_ids = aliases.known_articles(conn, captures)
    known = sorted({a for a in article_ids if a is not None})
    versions: dict[int, int | None] = {}
    if known:
        conn.execute(_TOUCH, [{"b_id": a, "b_now": now} for a in known])
        versions = {int(r.id): r.current_version for r in conn.execute(_CURRENT, {"b_ids": known})}
    rows = [
        capture_row(c, a, None, OUTCOME, None) for c, a in zip(captures, article_ids, strict=True)
    ]
    ids = [int(r[0]) for r in conn.execute(_INSERT, rows)]
    updates = [(crawl, OUTCOME) for _, _, crawl in items if crawl is not None]
    if updates:
        frontier.complete_plain(conn, updates, now)
    return [
        StoreResult(i, OUTCOME, a, versions.get(a) if a is not None else None)
        for i, a in zip(ids, article_ids, strict=True)
    ]
