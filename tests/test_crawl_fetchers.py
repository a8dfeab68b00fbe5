"""Revisits fetched in worker processes (``ProcessFetcher``), against a real
fault-injecting server on 127.0.0.1."""

from __future__ import annotations

import asyncio
import os
import signal
from collections import Counter
from itertools import pairwise

import pytest

from scraper.crawl.config import from_starts
from scraper.crawl.fetchers import ProcessFetcher
from scraper.crawl.runner import Crawler, CrawlSettings, CrawlStats
from scraper.errors import FetchError
from scraper.fetch import Conditional, FetchOptions
from storage import open_archive
from tests.faultserver import serve_faults

OPTIONS = FetchOptions(timeout_s=2.0, attempts=2, backoff_s=0.05)
VALIDATED = Conditional(etag='"nothing-matches"')


def crawl(db_url: str, start: str, fetcher: ProcessFetcher, **kw: object) -> CrawlStats:
    settings = CrawlSettings(
        sources=(from_starts((start,), max_depth=3),),
        parse_workers=0,
        until_idle=True,
        **kw,  # type: ignore[arg-type]
    )

    async def run() -> CrawlStats:
        try:
            with open_archive(db_url) as archive:
                return await Crawler(archive, fetcher, settings).run()
        finally:
            await fetcher.aclose()

    return asyncio.run(run())


def test_a_recrawl_goes_through_the_workers_politely(db_url: str) -> None:
    with serve_faults(articles=12, crawl_delay=0.2) as server:
        first = crawl(db_url, server.url("/"), ProcessFetcher(OPTIONS, workers=2))
        assert first.outcomes["new"] == 12
        server.reset()
        fetcher = ProcessFetcher(OPTIONS, workers=2)
        again = crawl(
            db_url, server.url("/"), fetcher, refresh=True, concurrency=8, per_host=2
        )
        assert server.wait_idle()
        articles = [r for r in server.requests if r.path.startswith("/news/")]
        starts = sorted(r.time for r in server.requests if r.path != "/robots.txt")
        peak = max(server.max_in_flight_by_host().values())
    assert again.outcomes["not_modified"] >= 12 and again.errors == 0  # articles, listings
    assert again.outcomes["new"] == 0
    assert all("if-none-match" in r.headers for r in articles)  # revalidated, in workers
    assert Counter(r.path for r in articles).most_common(1)[0][1] == 1
    assert peak <= 2  # --per-host holds across the workers
    assert min(b - a for a, b in pairwise(starts)) >= 0.15  # 0.2 s asked; loopback jitter


async def ready(fetcher: ProcessFetcher) -> None:
    """Start the workers and wait until every one is ready (bounded)."""
    for _ in range(1000):
        if fetcher._ready_worker() is not None and all(w and w.alive for w in fetcher._pool):
            return
        await asyncio.sleep(0.01)
    raise AssertionError("fetch workers did not start in 10 s")


def test_first_visits_stay_in_process() -> None:
    async def run(url: str) -> list[bool]:
        fetcher = ProcessFetcher(OPTIONS, workers=2)
        try:
            page = await fetcher.fetch(url)
            assert page.status == 200
            return [w is not None for w in fetcher._pool]
        finally:
            await fetcher.aclose()

    with serve_faults(articles=2) as server:
        assert asyncio.run(run(server.url("/"))) == [False, False]


def test_a_worker_reports_fetch_errors_with_their_reason() -> None:
    async def run(url: str) -> str:
        fetcher = ProcessFetcher(OPTIONS, workers=1)
        try:
            await ready(fetcher)
            with pytest.raises(FetchError) as failed:
                await fetcher.fetch(url, VALIDATED)
            return failed.value.reason
        finally:
            await fetcher.aclose()

    with serve_faults(articles=2) as server:
        reason = asyncio.run(run(server.url("/fault/reset/x")))
    assert "after 2 attempts" in reason


@pytest.mark.timeout(60)
def test_a_killed_worker_fails_its_requests_and_is_replaced() -> None:
    async def run(slow: str, fine: str) -> tuple[str, int, int]:
        fetcher = ProcessFetcher(OPTIONS, workers=1)
        try:
            await ready(fetcher)
            waiting = asyncio.create_task(fetcher.fetch(slow, VALIDATED))
            while not fetcher._pool[0] or not fetcher._pool[0].pending:
                await asyncio.sleep(0.01)
            victim = fetcher._pool[0].process
            assert victim.pid is not None
            await asyncio.sleep(0.3)  # the request is in the worker
            os.kill(victim.pid, signal.SIGKILL)
            with pytest.raises(FetchError) as failed:
                await waiting
            local = await fetcher.fetch(fine, VALIDATED)  # fetched here while it restarts
            await ready(fetcher)
            assert fetcher._pool[0] is not None and fetcher._pool[0].process is not victim
            page = await fetcher.fetch(fine, VALIDATED)
            assert local.status == page.status
            return failed.value.reason, page.status, fetcher.restarts
        finally:
            await fetcher.aclose()

    with serve_faults(articles=2) as server:
        slow = server.url("/fault/slow-first-byte/1500/x")
        reason, status, restarts = asyncio.run(run(slow, server.url("/")))
    assert "worker died" in reason
    assert status == 200 and restarts == 1


def test_concurrency_caps_requests_in_flight_across_hosts(db_url: str) -> None:
    with serve_faults(articles=20, crawl_delay=0.0) as server:
        stats = crawl(
            db_url, server.url("/"), ProcessFetcher(OPTIONS, workers=2), concurrency=2, per_host=8
        )
        assert server.wait_idle()
        peak = server.max_in_flight
    assert stats.outcomes["new"] == 20 and peak <= 2


@pytest.mark.timeout(60)
def test_a_hung_worker_fails_its_request_and_is_replaced() -> None:
    quick = FetchOptions(timeout_s=0.5, attempts=1)

    async def run(url: str) -> tuple[str, int, int]:
        fetcher = ProcessFetcher(quick, workers=1, answer_slack_s=0.5)
        try:
            await ready(fetcher)
            hung = fetcher._pool[0]
            assert hung is not None and hung.process.pid is not None
            os.kill(hung.process.pid, signal.SIGSTOP)  # alive, but never answers
            with pytest.raises(FetchError) as failed:
                await fetcher.fetch(url, VALIDATED)
            await ready(fetcher)
            page = await fetcher.fetch(url, VALIDATED)
            return failed.value.reason, page.status, fetcher.restarts
        finally:
            await fetcher.aclose()

    with serve_faults(articles=2) as server:
        reason, status, restarts = asyncio.run(run(server.url("/")))
    assert "gave no answer" in reason
    assert status == 200 and restarts == 1
