"""``scraper crawl`` against a real fault-injecting server on 127.0.0.1, on both engines."""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Iterator
from itertools import pairwise

import pytest

from scraper.crawl.config import from_starts
from scraper.crawl.runner import Crawler, CrawlSettings, CrawlStats
from scraper.fetch import AsyncFetcher, FetchOptions
from storage import open_archive
from tests.faultserver import FaultServer, serve_faults


@pytest.fixture
def site() -> Iterator[FaultServer]:
    with serve_faults(articles=30, crawl_delay=0.01) as server:
        yield server


def crawl(db_url: str, *starts: str, max_depth: int = 3, **kw: object) -> CrawlStats:
    settings = CrawlSettings(
        sources=(from_starts(tuple(starts), max_depth=max_depth),),
        concurrency=8, per_host=3, parse_workers=0, until_idle=True, **kw,  # type: ignore[arg-type]
    )
    options = FetchOptions(timeout_s=1.0, attempts=1, backoff_s=0.05)

    async def run() -> CrawlStats:
        fetcher = AsyncFetcher(options, total_timeout_s=2.0)
        try:
            with open_archive(db_url) as archive:
                return await Crawler(archive, fetcher, settings).run()
        finally:
            await fetcher.aclose()

    return asyncio.run(run())


def captures(db_url: str, where: str = "1=1") -> list[tuple[object, ...]]:
    with open_archive(db_url) as archive:
        sql = f"SELECT requested_url, status, outcome, error FROM captures WHERE {where}"
        sql += " ORDER BY id"
        return [tuple(r) for r in archive.query(sql).rows]


def test_a_crawl_stores_every_article_once_politely(site: FaultServer, db_url: str) -> None:
    stats = crawl(db_url, site.url("/"))
    stored = captures(db_url, "outcome = 'new'")
    assert sorted(str(r[0]) for r in stored) == sorted(site.article_urls())
    assert site.wait_idle()
    paths = Counter(r.path for r in site.requests)
    assert paths["/robots.txt"] == 1 and "/private/secret.html" not in paths
    assert {"/sitemap_index.xml", "/sitemap.xml", "/sitemap-news.xml.gz", "/feed.xml"} <= set(
        paths
    )
    assert all(n == 1 for p, n in paths.items() if p.startswith("/news/"))
    assert max(site.max_in_flight_by_host().values()) <= 3
    assert stats.errors == 0 and stats.outcomes["new"] == 30
    assert {r.headers.get("user-agent", "") for r in site.requests} == {
        FetchOptions().user_agent
    }


def test_crawl_delay_spaces_the_requests_to_a_host(db_url: str) -> None:
    with serve_faults(articles=4, crawl_delay=0.2) as server:
        crawl(db_url, server.url("/"), max_depth=1)
        assert server.wait_idle()
        starts = sorted(r.time for r in server.requests if r.path != "/robots.txt")
    gaps = [b - a for a, b in pairwise(starts)]
    assert len(starts) >= 5 and min(gaps) >= 0.15  # 0.2 s asked; loopback jitter under load


def test_refresh_revisits_with_conditional_get(site: FaultServer, db_url: str) -> None:
    crawl(db_url, site.url("/"))
    site.edit(3)
    site.reset()
    stats = crawl(db_url, site.url("/"), refresh=True)
    assert site.wait_idle()
    articles = [r for r in site.requests if r.path.startswith("/news/")]
    assert articles and all("if-none-match" in r.headers for r in articles)
    assert stats.outcomes["new_version"] == 1
    assert stats.outcomes["not_modified"] >= 29
    [(url, *_)] = captures(db_url, "outcome = 'new_version'")
    assert url == site.article_urls()[2]
