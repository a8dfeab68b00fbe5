"""The crawl loop: claim due URLs, fetch politely, parse in processes, store atomically.

1. Start points go into the frontier (a home page, a sitemap or a feed); ``--refresh``
   makes every known URL due now; URLs leased by a crawl on this machine that died
   are released.
2. The loop keeps at most ``WINDOW x concurrency`` URLs in hand (memory stays flat
   however large the frontier is), claiming due URLs in batches of at least half a
   concurrency, and runs one task per URL.
3. A task checks robots.txt, waits for a slot of the host (``HostGate``) and one of
   the ``concurrency`` request slots, and fetches with conditional GET (a revisit in
   a fetch worker process, ``scraper.crawl.fetchers``, when the CLI runs them).
4. Sitemaps and feeds are read in a worker process; their URLs are queued.
5. HTML goes through the pipeline: a 304 or an unchanged body is recorded without a
   parse; otherwise a worker process (``scraper.crawl.parsing``) parses it, gates it
   and prepares its content for the archive, and this process queues its in-scope
   links with their depth and priority. Workers hold no database connection: this
   process is the archive's one writer.
6. Every store carries its frontier update (next visit, links, failure count) in the
   transaction of its capture; pages (and 304s) that arrive while a transaction runs
   go together in the next one (``scraper.crawl.batch``). A kill at any point loses
   nothing committed and never repeats a stored page.
7. The next visit follows ``scraper.crawl.schedule``: soon while an article is fresh
   or changing, backing off while it stays the same, never after ``stop_after``.
   A 429/503 pauses the host for its Retry-After and retries the URL then.
"""

from __future__ import annotations

import asyncio
import itertools
import os
import random
import secrets
import socket
import time
from collections import Counter
from collections.abc import AsyncIterator, Callable
from concurrent.futures import ThreadPoolExecutor
from contextlib import asynccontextmanager, suppress
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
from functools import partial
from typing import Any, TypeVar
from urllib.parse import urlsplit

from scraper.crawl.batch import GroupWriter
from scraper.crawl.config import Source
from scraper.crawl.hosts import HostGate
from scraper.crawl.parsing import Listing, is_listing, work
from scraper.crawl.robots import Robots
from scraper.crawl.visit import RECENT_URLS, RecentURLs, Visit, crawl_links, process_page
from scraper.crawl.workers import DEFAULT_PARSE_WORKERS, ParsePool, WorkerDied
from scraper.errors import FetchError
from scraper.fetch import Conditional, PageFetcher
from scraper.models import FetchedPage
from scraper.pipeline import (
    NOT_MODIFIED,
    FetchReport,
    Gated,
    gate,
    store_before_parse,
    store_failure,
    store_not_modified,
    store_parsed_many,
)
from storage import Archive, Claim, CrawlUpdate, FrontierURL, RunCounts, normalize_url

T = TypeVar("T")
NotModified = tuple[FetchedPage, datetime, CrawlUpdate | None]
ParsedItem = tuple[FetchedPage, datetime, Gated, CrawlUpdate | None]
OWNER_HOST = socket.gethostname()
IDLE_POLL_S = 5.0  # without --until-idle: how often to look for newly due URLs
TICK_S = 1.0  # progress refresh
# URLs in hand per request slot: the others wait for their host or for their write.
# At 2 a recrawl of 304s left request slots idle while pages waited for the archive
# (650 pages/s; 740-880 at 4, bench/crawl_bench.py).
WINDOW = 4
# Counting the frontier for the progress line takes at most this share of the time:
# a count takes ~0.22 s at a million queued URLs on SQLite (measured on the 2-core CI
# machine), which at every tick was 22% of the archive thread; now every ~11 s.
COUNT_SHARE = 0.02
DEFAULT_RETRY_AFTER_S = 60.0  # a 429/503 without Retry-After
SLOT_POLL_S = 0.02  # --worker: wait between tries for a host slot held by other workers
DEAD_CHECK_EVERY = 25  # --worker: after this many failed tries (~0.5 s), free dead holders
HEARTBEAT_S = 10.0  # a run's heartbeat in crawl_run (storage.runs.STALE_AFTER is 3 min)
WORKER_POLL_S = 0.5  # --worker, idle: look again this often while others hold leases
RETRY_WAIT_S = 30.0  # --until-idle waits for retries due this soon, not longer


@dataclass(frozen=True)
class CrawlSettings:
    sources: tuple[Source, ...]
    concurrency: int = 16
    per_host: int = 4
    delay_s: float = 0.0
    until_idle: bool = True
    refresh: bool = False
    max_pages: int | None = None
    lease: timedelta = timedelta(minutes=2)
    parse_workers: int = DEFAULT_PARSE_WORKERS  # 0: parse in the crawler's archive thread
    fetch_workers: int = 0  # the CLI's fetcher runs in this many processes (0: in-process)
    worker: bool = False  # one of several crawlers sharing the archive (slots in the DB)
    user_agent: str = ""


@dataclass
class CrawlStats:
    """Live counters; ``as_dict`` is the ``--json`` summary."""

    started: float = field(default_factory=time.monotonic)
    fetched: int = 0
    errors: int = 0
    queued: int = 0
    outcomes: Counter[str] = field(default_factory=Counter)
    locked_out: list[str] = field(default_factory=list)  # sources another run holds

    def elapsed(self) -> float:
        return time.monotonic() - self.started

    def as_dict(self) -> dict[str, Any]:
        elapsed = self.elapsed()
        return {
            "pages": self.fetched,
            "errors": self.errors,
            "queue": self.queued,
            "elapsed_s": round(elapsed, 3),
            "pages_per_s": round(self.fetched / elapsed, 2) if elapsed > 0 else 0.0,
            "outcomes": dict(sorted(self.outcomes.items())),
            "sources_already_running": self.locked_out,
        }


def new_owner() -> str:
    return f"{OWNER_HOST}:{os.getpid()}:{secrets.token_hex(3)}"


def owner_is_dead(owner: str) -> bool:
    """True for a lease owner of this machine whose process no longer exists."""
    host, _, rest = owner.partition(":")
    pid = rest.partition(":")[0]
    if host != OWNER_HOST or not pid.isdigit():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return False


class Crawler:
    """One crawl run over ``archive``."""

    def __init__(
        self,
        archive: Archive,
        fetcher: PageFetcher,
        settings: CrawlSettings,
        progress: Callable[[CrawlStats], None] | None = None,
    ) -> None:
        self.archive = archive
        self.fetcher = fetcher
        self.settings = settings
        self.stats = CrawlStats()
        self.owner = new_owner()
        self._progress = progress
        self._sources = {s.name: s for s in settings.sources}
        self._gate = HostGate(settings.per_host, settings.delay_s)
        self._requests = asyncio.Semaphore(settings.concurrency)  # all hosts together
        self._robots = Robots(fetcher, settings.user_agent or fetcher.options.user_agent)
        self._robots_seen: set[str] = set()
        self._db = ThreadPoolExecutor(1, thread_name_prefix="archive")
        self._pool = ParsePool(settings.parse_workers)
        self._next_count = 0.0  # when the progress line may count the frontier again
        self._rng = random.Random()
        self._runs: dict[str, int] = {}
        self._by_source: dict[str, Counter[str]] = {}
        self._source_of: dict[str, str] = {}
        self._claim_batch = max(1, settings.concurrency // 2)
        self._recent = RecentURLs(RECENT_URLS)
        self._pages: GroupWriter[ParsedItem, FetchReport] = GroupWriter(self._store_parsed)
        self._not_modified: GroupWriter[NotModified, FetchReport] = GroupWriter(
            self._store_not_modified
        )

    async def run(self) -> CrawlStats:
        status = "failed"
        try:
            await self._prepare()
            if self._runs or self.settings.worker:
                await self._loop()
            self.stats.queued = (await self._in_db(self.archive.frontier_stats)).get("due", 0)
            status = "done"
        except asyncio.CancelledError:
            status = "interrupted"
            raise
        finally:
            await self._close_runs(status)
            await self._pool.aclose()
            self._db.shutdown(wait=True)
        return self.stats

    async def _open_runs(self) -> None:
        """Lock each source for this run (not with ``--worker``: workers run together)."""
        if self.settings.worker:
            return
        for source in self.settings.sources:
            run_id = await self._in_db(
                self.archive.start_run, source.name, self.owner, owner_is_dead
            )
            if run_id is None:
                self.stats.locked_out.append(source.name)
            else:
                self._runs[source.name] = run_id

    async def _beat_runs(self, *, final: str | None = None) -> None:
        for name, run_id in self._runs.items():
            counts = self._by_source.get(name, Counter())
            record = RunCounts(
                sum(counts.values()), counts["new"], counts["new_version"], counts["error"]
            )
            if final is None:
                await self._in_db(self.archive.heartbeat_run, run_id, record)
            else:
                await self._in_db(self.archive.finish_run, run_id, final, record)

    async def _close_runs(self, status: str) -> None:
        with suppress(Exception):
            await asyncio.shield(self._beat_runs(final=status))

    async def _prepare(self) -> None:
        await self._open_runs()
        starts = [
            FrontierURL(normalize_url(u), _host(u), _start_kind(u), 0, 100, s.name)
            for s in self.settings.sources
            for u in s.starts
        ]
        await self._in_db(self.archive.enqueue, starts)
        if self.settings.refresh:
            await self._in_db(self.archive.refresh_frontier)
        await self._in_db(self.archive.release_dead_leases, owner_is_dead)

    async def _loop(self) -> None:
        """The window of visits; when it stops (done, Ctrl-C, a bug), the visits still
        running are cancelled and awaited, before the archive's thread shuts down."""
        pending: set[asyncio.Task[None]] = set()
        try:
            await self._window(pending)
        finally:
            for task in pending:
                task.cancel()
            await asyncio.gather(*pending, return_exceptions=True)

    async def _window(self, pending: set[asyncio.Task[None]]) -> None:
        budget = self.settings.max_pages
        claimed = 0
        last_tick = last_beat = time.monotonic()
        while True:
            room = self.settings.concurrency * WINDOW - len(pending)
            if budget is not None:
                room = min(room, budget - claimed)
            # Claim in batches (a claim is a write transaction), but never let the
            # window run dry: at least half of it is claimed at once.
            if room > 0 and (room >= self._claim_batch or len(pending) < self._claim_batch):
                claims = await self._in_db(
                    self.archive.claim, self.owner, room, self.settings.lease, self._sources_claimed
                )
                claimed += len(claims)
                pending |= {asyncio.create_task(self._visit(c)) for c in claims}
            if not pending:
                if budget is not None and claimed >= budget:
                    return
                wait = await self._idle_wait()
                if wait is None:
                    return
                await asyncio.sleep(wait)
                continue
            done, _ = await asyncio.wait(
                pending, timeout=TICK_S, return_when=asyncio.FIRST_COMPLETED
            )
            pending -= done  # in place: _loop cancels what is left
            for task in done:
                task.result()  # a bug or a failed archive write stops the crawl
            if self._progress and time.monotonic() - last_tick >= TICK_S:
                last_tick = time.monotonic()
                await self._count_queue()
                self._progress(self.stats)
            if time.monotonic() - last_beat >= HEARTBEAT_S:
                last_beat = time.monotonic()
                await self._beat_runs()

    async def _count_queue(self) -> None:
        """Refresh the progress line's queue size, no more often than its cost allows."""
        if time.monotonic() < self._next_count:
            return
        started = time.monotonic()
        self.stats.queued = (await self._in_db(self.archive.frontier_stats)).get("due", 0)
        self._next_count = time.monotonic() + count_interval(time.monotonic() - started)

    @asynccontextmanager
    async def _shared_slot(self, host: str, per_host: int) -> AsyncIterator[None]:
        """With ``--worker``: one of the host's slots in the archive, so that all
        workers together keep to ``--per-host``."""
        if not self.settings.worker:
            yield
            return
        hold = self.settings.lease
        for tries in itertools.count(1):
            slot = await self._in_db(
                self.archive.acquire_host_slot, host, self.owner, per_host, hold
            )
            if slot is not None:
                break
            if tries % DEAD_CHECK_EVERY == 0:  # a killed worker may hold the host's slots
                await self._in_db(self.archive.release_dead_leases, owner_is_dead)
            await asyncio.sleep(SLOT_POLL_S)
        try:
            yield
        finally:
            await self._in_db(self.archive.release_host_slot, host, slot, self.owner)

    async def _idle_wait(self) -> float | None:
        """How long to sleep before looking again; None when the run is over.

        With ``--until-idle`` the run waits only for retries due within
        ``RETRY_WAIT_S`` (a Retry-After, a backoff); revisits due later are left to the
        next run. A ``--worker`` also waits while other workers hold leases: if one of
        them dies, its URLs come back (at once for a dead process on this machine, at
        lease expiry otherwise) and the survivors finish them.
        """
        if not self.settings.until_idle:
            return IDLE_POLL_S
        if self.settings.worker:
            await self._in_db(self.archive.release_dead_leases, owner_is_dead)
            if (await self._in_db(self.archive.frontier_stats)).get("leased", 0):
                return WORKER_POLL_S
        retry = await self._in_db(self.archive.next_retry)
        if retry is None:
            return None
        wait = (retry - datetime.now(UTC)).total_seconds()
        return max(0.05, wait) if wait <= RETRY_WAIT_S else None

    async def _in_db(self, fn: Callable[..., T], *args: Any) -> T:
        return await asyncio.get_running_loop().run_in_executor(self._db, partial(fn, *args))

    async def _visit(self, claim: Claim) -> None:
        source = self._sources.get(claim.source or "") or self.settings.sources[0]
        visit = Visit(
            claim, source, self.owner, datetime.now(UTC), self._rng, self._recent.fresh
        )
        self._source_of[claim.url] = source.name
        rules = await self._robots.rules(claim.url)
        await self._queue_robots_sitemaps(claim, rules.sitemaps, source)
        self._gate.configure(claim.host, source.per_host, source.delay)
        self._gate.set_crawl_delay(claim.host, rules.crawl_delay)
        agent = self.fetcher.options.user_agent
        if not rules.allowed(claim.url, agent):
            note = rules.note or "disallowed by robots.txt"
            skip = partial(store_failure, skipped=True)
            await self._record(
                self._in_db(skip, claim.url, note, visit.at, self.archive, visit.update(done=True))
            )
            return
        per_host = source.per_host or self.settings.per_host
        async with (
            self._gate.slot(claim.host),
            self._shared_slot(claim.host, per_host),
            self._requests,
        ):
            visit.at = datetime.now(UTC)
            try:
                page = await self.fetcher.fetch(
                    claim.url, Conditional(claim.etag, claim.last_modified)
                )
            except FetchError as err:
                update = visit.update(failed=True)
                await self._record(
                    self._in_db(
                        store_failure, claim.url, err.reason, visit.at, self.archive, update
                    )
                )
                return
        await self._handle(visit, page)

    async def _handle(self, visit: Visit, page: FetchedPage) -> None:
        if page.status in (429, 503):
            wait = _retry_after(page) or DEFAULT_RETRY_AFTER_S
            self._gate.pause(visit.claim.host, wait)
            update = visit.update(failed=True, retry_at=visit.at + timedelta(seconds=wait))
            await self._record(
                self._in_db(store_before_parse, page, visit.at, self.archive, update)
            )
            return
        if page.status >= 500:
            update = visit.update(failed=True)
            await self._record(
                self._in_db(store_before_parse, page, visit.at, self.archive, update)
            )
            return
        if page.status == NOT_MODIFIED:  # nothing to parse: no trip to a worker
            update = visit.update(page=page)
            self._count(await self._not_modified.write((page, visit.at, update)))
            return
        if self.settings.parse_workers == 0:
            report = await self._in_db(process_page, self.archive, visit, page)
        else:
            report = await self._parse_and_store(visit, page)
        self._count(report)

    async def _parse_and_store(self, visit: Visit, page: FetchedPage) -> FetchReport:
        """Steps 4-6 with workers: they read a listing, or parse, gate and prepare a page;
        this process turns links into frontier entries and writes, the pages that
        arrive together in one transaction."""
        if not is_listing(page):
            update = visit.update(page=page)
            early = await self._in_db(store_before_parse, page, visit.at, self.archive, update)
            if early is not None:
                return early
        try:
            done = await self._pool.run(work, page, visit.source.profile)
        except WorkerDied as err:
            update = visit.update(failed=True)
            failed = partial(store_failure, page.requested_url, str(err), visit.at)
            return await self._in_db(failed, self.archive, update)
        if isinstance(done, Listing):
            return await self._in_db(visit.store_listing, page, done, self.archive)
        parsed = crawl_links(done, visit.scope, visit.at)
        update = visit.update(page=page, parsed=parsed)
        gated = done.gated or gate(page, parsed.article)
        return await self._pages.write((page, visit.at, gated, update))

    async def _store_parsed(self, items: list[ParsedItem]) -> list[FetchReport]:
        return await self._in_db(store_parsed_many, items, self.archive)

    async def _store_not_modified(self, items: list[NotModified]) -> list[FetchReport]:
        return await self._in_db(store_not_modified, items, self.archive)

    async def _queue_robots_sitemaps(
        self, claim: Claim, sitemaps: tuple[str, ...], source: Source
    ) -> None:
        origin = claim.url.split("/", 3)[:3]
        key = "/".join(origin)
        if key in self._robots_seen:
            return
        self._robots_seen.add(key)
        urls = [
            FrontierURL(normalize_url(u), _host(u), "sitemap", 0, 90, source.name)
            for u in sitemaps
            if _host(u) in source.hosts or _host(u) == claim.host
        ]
        if urls:
            await self._in_db(self.archive.enqueue, urls)

    async def _record(self, stored: Any) -> None:
        self._count(await stored)

    @property
    def _sources_claimed(self) -> list[str] | None:
        """Claims take URLs of the sources this run holds (all, for a worker)."""
        return None if self.settings.worker else list(self._runs)

    def _count(self, report: FetchReport) -> None:
        source = self._source_of.pop(report.url, None)
        if source is not None:
            self._by_source.setdefault(source, Counter())[report.outcome] += 1
        self.stats.fetched += 1
        self.stats.outcomes[report.outcome] += 1
        if report.outcome == "error":
            self.stats.errors += 1


def count_interval(cost_s: float) -> float:
    """Seconds until the frontier may be counted again, after a count took ``cost_s``."""
    return max(TICK_S, cost_s / COUNT_SHARE)


def _host(url: str) -> str:
    return (urlsplit(url).hostname or "").lower()


def _start_kind(url: str) -> str:
    path = urlsplit(url).path.lower()
    if "sitemap" in path or path.endswith((".xml", ".xml.gz")):
        return "sitemap" if "sitemap" in path else "feed"
    if any(w in path for w in ("/feed", "/rss", "/atom")):
        return "feed"
    return "index"


def _retry_after(page: FetchedPage) -> float | None:
    """Seconds from a Retry-After header (delta-seconds or an HTTP-date)."""
    raw = page.headers.get("retry-after", "").strip()
    if not raw:
        return None
    if raw.isdigit():
        return float(raw)
    try:
        when = parsedate_to_datetime(raw)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - datetime.now(UTC)).total_seconds())
