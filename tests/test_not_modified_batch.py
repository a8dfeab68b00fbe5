"""A recrawl's 304s stored in bulk (``storage.notmodified``) leave exactly the rows that
storing them one at a time leaves, on SQLite and PostgreSQL."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from storage import CaptureRecord, ContentRecord, CrawlUpdate, FrontierURL, open_archive

HOST = "bulk.example"
WHEN = datetime(2026, 12, 3, 12, 0, tzinfo=UTC)
NEXT = WHEN + timedelta(hours=1)
FIXED_TIMES = (WHEN, NEXT)  # the test's own times; any other is "when the test ran"


def url(i: int) -> str:
    return f"https://{HOST}/news/{i}"


def content(i: int) -> ContentRecord:
    paragraph = f"Story {i} has its own words, and a comma."
    return ContentRecord(
        url(i), f"Story {i}", ("A. Writer",), None, None, "en", None, (paragraph,), (), (),
        paragraph, None, "t",
    )  # fmt: skip


def page(i: int, status: int, body: bytes | None) -> CaptureRecord:
    headers = {"ETag": f'"e{i}"'} if status == 200 else {"etag": f'"e{i}"', "X-Test": "1"}
    return CaptureRecord(url(i), url(i), status, WHEN, 12, headers, body)


def update(i: int, owner: str = "w") -> CrawlUpdate:
    return CrawlUpdate(url(i), owner, lambda _outcome: NEXT, etag=f'"e{i}"')


def seeded(db: str) -> None:
    """Four stored articles and the frontier that found them, all claimed again."""
    with open_archive(db) as archive:
        archive.enqueue([FrontierURL(url(i), HOST) for i in range(6)])
        archive.claim("w", 10, timedelta(minutes=5))
        for i in range(4):
            body = f"<p>{i}</p>".encode()
            archive.store(page(i, 200, body), content(i), crawl=update(i))
        archive.refresh_frontier()
        archive.claim("w", 10, timedelta(minutes=5))


def snapshot(db: str) -> dict[str, list[tuple[object, ...]]]:
    tables = {"capture": "id", "frontier": "url", "article": "id"}
    out = {}
    with open_archive(db) as archive:
        for table, order in tables.items():
            result = archive.query(f"SELECT * FROM {table} ORDER BY {order}")
            out[table] = [tuple(map(_steady, row)) for row in result.rows]
    return out


def _moment(value: object) -> datetime:
    if isinstance(value, str):
        value = datetime.fromisoformat(value.rstrip("Z"))
    assert isinstance(value, datetime)
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def _steady(value: object) -> object:
    """``value``, with the times the test did not choose replaced by a marker."""
    if isinstance(value, datetime) or (
        isinstance(value, str) and re.fullmatch(r"\d{4}-\d\d-\d\dT[\d:.]+Z?", value)
    ):
        moment = _moment(value)
        return moment if moment in FIXED_TIMES else "<when the test ran>"
    return value


def test_bulk_304s_write_the_rows_one_by_one_writes(db_url: str, sqlite_url: str) -> None:
    other = sqlite_url.replace(".db", "-one-by-one.db") if db_url == sqlite_url else sqlite_url
    seeded(db_url)
    seeded(other)
    # 304s for known articles, one for a URL no article has yet, one outside any crawl
    items = [(page(i, 304, b""), None, update(i)) for i in (3, 0, 5, 1)]
    items.append((page(2, 304, b""), None, None))
    before = datetime.now(UTC)
    with open_archive(db_url) as bulk:
        together = bulk.store_many(items)
        seen = bulk.query("SELECT url, last_seen FROM article ORDER BY url").rows
    assert len(seen) == 4 and all(_moment(when) >= before for _, when in seen)  # touched
    with open_archive(other) as single:
        alone = [single.store(c, content, crawl=crawl) for c, content, crawl in items]
    assert [(r.outcome, r.article_id, r.version) for r in together] == [
        (r.outcome, r.article_id, r.version) for r in alone
    ]
    assert {r.outcome for r in together} == {"not_modified"}
    assert together[2].article_id is None and together[0].version == 1
    assert snapshot(db_url) == snapshot(other)


def test_a_304_keeps_no_body_so_the_last_body_stays_the_last_200s(db_url: str) -> None:
    body = b"<p>the same bytes</p>"
    with open_archive(db_url) as archive:
        archive.store(page(7, 200, body), content(7))
        assert archive.store(page(7, 304, b"")).outcome == "not_modified"
        assert archive.store(page(7, 200, body)).outcome == "revisit"
        shas = archive.query("SELECT status, blob_sha256 FROM capture ORDER BY id").rows
    assert [s for s, sha in shas if sha is None] == [304]
