"""The archive: the one transactional write path, and the reads behind the CLI.

``Archive.store`` records one capture and, when the editorial content changed, a
new version, all in one transaction (``storage.writer``): either every row of a
capture is written or none is. A transaction that loses a deadlock or a lock wait
to a concurrent writer is retried from the start, up to ``WRITE_ATTEMPTS`` times.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from sqlalchemy import exc
from sqlalchemy.engine import Engine

from storage import frontier, hostslots, notmodified, reading, runs, stats
from storage.engine import READ_ONLY, create_engine, first_line, safe_url
from storage.errors import ArchiveWriteError
from storage.export import ExportCapture, ExportVersion
from storage.locking import WriterLock
from storage.prepare import PreparedContent
from storage.query import run_read_only
from storage.records import (
    ArticleState,
    CaptureRecord,
    Claim,
    ContentRecord,
    CrawlUpdate,
    FrontierURL,
    QueryResult,
    ReparseResult,
    Snapshot,
    StoreResult,
    VersionRow,
)
from storage.writer import Writer, refresh

WRITE_ATTEMPTS = 4
# PostgreSQL SQLSTATEs that mean "run the transaction again": deadlock, serialization.
_RETRY_STATES = frozenset({"40P01", "40001"})

Content = ContentRecord | PreparedContent  # prepared: derived values computed already
Extractor = Callable[[Snapshot], ContentRecord | None]


def open_archive(url: str, *, read_only: bool = False) -> Archive:
    """Open the archive at SQLAlchemy URL ``url``, creating it on first use.

    ``read_only`` opens an existing archive only (SQLite in read-only mode) and never
    creates or changes the schema.
    """
    return Archive(create_engine(url, read_only=read_only))


class Archive:
    """A relational archive of captures, articles and their versions."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        self._writer = WriterLock(self.sqlite_path)

    @property
    def url(self) -> str:
        """The archive's URL with any password masked."""
        return safe_url(self._engine.url)

    @property
    def engine(self) -> Engine:
        return self._engine

    @property
    def sqlite_path(self) -> str | None:
        """The archive's file when it is a SQLite file, else None."""
        url = self._engine.url
        if url.get_backend_name() != "sqlite" or url.database in (None, "", ":memory:"):
            return None
        return str(url.database).removeprefix("file:")

    def close(self) -> None:
        self._engine.dispose()
        self._writer.close()

    def _read(self) -> sa.Connection:
        """A connection for reading: on SQLite a deferred transaction, which in WAL
        mode takes no lock (``BEGIN IMMEDIATE`` is for writers)."""
        return self._engine.connect().execution_options(**{READ_ONLY: True})

    @contextmanager
    def _begin(self) -> Iterator[sa.Connection]:
        """A write transaction, entered in turn with the archive's other writers."""
        with self._writer.hold(), self._engine.begin() as conn:
            yield conn

    def __enter__(self) -> Archive:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def query(self, sql: str) -> QueryResult:
        """Run one read-only statement; writes are refused and leave no trace."""
        return run_read_only(self._engine, sql)

    def store(
        self,
        capture: CaptureRecord,
        content: Content | None = None,
        *,
        crawl: CrawlUpdate | None = None,
    ) -> StoreResult:
        """Record ``capture`` (and ``content`` when given) in one transaction.

        ``crawl`` completes the capture's frontier URL in the same transaction.
        """
        for attempt in range(1, WRITE_ATTEMPTS + 1):
            try:
                with self._begin() as conn:
                    return Writer(conn, capture).write(content, crawl)
            except exc.DBAPIError as err:
                if attempt < WRITE_ATTEMPTS and _retryable(err):
                    continue
                raise _write_error(capture, err) from err
            except exc.SQLAlchemyError as err:
                raise _write_error(capture, err) from err
        raise AssertionError("unreachable")  # pragma: no cover

    def store_many(
        self, items: Sequence[tuple[CaptureRecord, Content | None, CrawlUpdate | None]]
    ) -> list[StoreResult]:
        """Record several captures in one transaction (``store``'s write path for each):
        a crawl's pages go together. When the batch fails, each item is stored alone,
        so one bad item cannot sink the others; the first item's error is raised after
        the rest are stored."""
        try:
            with self._begin() as conn:
                return _write_batch(conn, items)
        except exc.SQLAlchemyError:
            pass
        results: list[StoreResult] = []
        failure: ArchiveWriteError | None = None
        for c, content, crawl in items:
            try:
                results.append(self.store(c, content, crawl=crawl))
            except ArchiveWriteError as err:
                failure = failure or err
        if failure is not None:
            raise failure  # the others are stored; the caller learns of the first failure
        return results

    def state(self, *urls: str) -> ArticleState | None:
        """What the archive holds for the article behind ``urls``, if anything."""
        with self._read() as conn:
            return reading.state(conn, *urls)

    def find(self, url: str) -> int | None:
        """The id of the article ``url`` (any alias of it) belongs to."""
        with self._read() as conn:
            return reading.find_article(conn, url)

    def versions(self, article_id: int) -> list[VersionRow]:
        with self._read() as conn:
            return reading.versions(conn, article_id)

    def enqueue(self, urls: Iterable[FrontierURL]) -> None:
        """Add URLs to the crawl frontier (known URLs keep their state)."""
        with self._begin() as conn:
            frontier.enqueue(conn, list(urls), datetime.now(UTC))

    def claim(
        self, owner: str, limit: int, lease: timedelta, sources: list[str] | None = None
    ) -> list[Claim]:
        """Lease up to ``limit`` due frontier URLs (of ``sources``, if given) to ``owner``."""
        with self._begin() as conn:
            return frontier.claim(conn, owner, limit, datetime.now(UTC), lease, sources)

    def refresh_frontier(self) -> int:
        """Make every known URL due now."""
        with self._begin() as conn:
            return frontier.refresh(conn, datetime.now(UTC))

    def release_dead_leases(self, is_dead: Callable[[str], bool]) -> int:
        """Requeue the URLs leased to owners ``is_dead`` says are gone (a killed crawl),
        and free the host slots they held; how many URLs came back."""
        now = datetime.now(UTC)
        with self._begin() as conn:
            owners = set(frontier.lease_owners(conn)) | set(hostslots.holders(conn, now))
            dead = sorted(o for o in owners if is_dead(o))
            if not dead:
                return 0
            hostslots.release_owners(conn, dead, now)
            return frontier.release(conn, dead)

    def acquire_host_slot(
        self, host: str, owner: str, per_host: int, hold: timedelta
    ) -> int | None:
        """One of ``host``'s ``per_host`` request slots, shared by all crawlers."""
        with self._begin() as conn:
            return hostslots.acquire(conn, host, owner, per_host, datetime.now(UTC), hold)

    def release_host_slot(self, host: str, slot: int, owner: str) -> None:
        with self._begin() as conn:
            hostslots.release(conn, host, slot, owner, datetime.now(UTC))

    def start_run(
        self, source: str, owner: str, is_dead: Callable[[str], bool] = lambda _o: False
    ) -> int | None:
        """Record a crawl run of ``source``; None when a live run of it holds the lock."""
        with self._begin() as conn:
            return runs.start(conn, source, owner, datetime.now(UTC), is_dead)

    def heartbeat_run(self, run_id: int, counts: runs.RunCounts) -> None:
        with self._begin() as conn:
            runs.heartbeat(conn, run_id, counts, datetime.now(UTC))

    def finish_run(self, run_id: int, status: str, counts: runs.RunCounts) -> None:
        with self._begin() as conn:
            runs.finish(conn, run_id, status, counts, datetime.now(UTC))

    def stats(
        self, since: datetime | None = None, limit: int = 10
    ) -> dict[str, QueryResult]:
        """Recent runs, outcomes per host, and the commonest errors (``scraper stats``)."""
        with self._read() as conn:
            return {
                "runs": stats.runs(conn, limit),
                "hosts": stats.by_host(conn, since),
                "errors": stats.errors(conn, since, limit),
            }

    def next_retry(self) -> datetime | None:
        """When the earliest queued retry is due (None when there is none)."""
        with self._read() as conn:
            return frontier.next_retry(conn)

    def frontier_stats(self) -> dict[str, int]:
        with self._read() as conn:
            return frontier.stats(conn, datetime.now(UTC))

    def export_versions(self) -> Iterator[ExportVersion]:
        """Every stored version, for ``scraper export --format jsonl|csv``."""
        with self._read() as conn:
            yield from reading.export_versions(conn)

    def export_captures(self) -> Iterator[ExportCapture]:
        """Every capture with its raw body, for ``scraper export --format warc``."""
        with self._read() as conn:
            yield from reading.export_captures(conn)

    def reparse(
        self, extract: Extractor, *, article_id: int | None = None, stale_for: str | None = None
    ) -> ReparseResult:
        """Re-extract stored versions from their raw snapshots with ``extract``.

        ``stale_for`` limits the work to versions made by another parser version.
        Each batch of versions is one transaction.
        """
        with self._read() as conn:
            keys = reading.version_keys(conn, article_id, stale_for)
        totals = ReparseResult()
        for start in range(0, len(keys), reading.REPARSE_BATCH):
            batch = keys[start : start + reading.REPARSE_BATCH]
            try:
                with self._begin() as conn:
                    totals = _reparse_batch(conn, batch, extract, totals)
            except exc.SQLAlchemyError as err:
                raise ArchiveWriteError(f"reparse failed: {first_line(err)}") from err
        return totals


def _reparse_batch(
    conn: sa.Connection, batch: list[tuple[int, int]], extract: Extractor, totals: ReparseResult
) -> ReparseResult:
    seen, reparsed, changed, failed = totals.seen, totals.reparsed, totals.changed, totals.failed
    for snap in reading.snapshots(conn, batch):
        seen += 1
        content = extract(snap)
        if content is None:
            failed += 1
            continue
        reparsed += 1
        changed += refresh(conn, snap.article_id, snap.version, content)
    return ReparseResult(seen, reparsed, changed, failed)


def _retryable(err: exc.DBAPIError) -> bool:
    state = getattr(err.orig, "sqlstate", None)
    if state in _RETRY_STATES:
        return True
    return "database is locked" in str(err.orig)


def _write_error(capture: CaptureRecord, err: BaseException) -> ArchiveWriteError:
    return ArchiveWriteError(f"could not store {capture.requested_url}: {first_line(err)}")


def _write_batch(
    conn: sa.Connection, items: Sequence[tuple[CaptureRecord, Content | None, CrawlUpdate | None]]
) -> list[StoreResult]:
    """Each item's write path, with plain 304s (``notmodified``) written together."""
    plain = [i for i, item in enumerate(items) if notmodified.is_plain(item)]
    results: dict[int, StoreResult] = {}
    if len(plain) > 1:
        done = notmodified.write_many(conn, [items[i] for i in plain], datetime.now(UTC))
        results = dict(zip(plain, done, strict=True))
    for i, (capture, content, crawl) in enumerate(items):
        if i not in results:
            results[i] = Writer(conn, capture).write(content, crawl)
    return [results[i] for i in range(len(items))]
