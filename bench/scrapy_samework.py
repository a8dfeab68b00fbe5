"""The crawl benchmark's same-work peer: Scrapy as the engine, our parser and archive.

Run by ``bench/crawl_bench.py`` as
``scrapy runspider bench/scrapy_samework.py -a start=URL -a db=FILE -a stats=FILE
-s CONCURRENT_REQUESTS=C -s CONCURRENT_REQUESTS_PER_DOMAIN=C -s DEPTH_LIMIT=3``.

This is what a user who plugs this library into Scrapy writes (as news-please does
with its own extractor): Scrapy fetches and schedules, and every response goes
through the per-page step of ``scraper crawl`` (``scraper.crawl.visit.process_page``)
without the frontier, since Scrapy has its own scheduler (``crawl=None``):

- the response becomes a ``FetchedPage`` (requested URL, final URL, status, headers
  as a lower-cased dict of str, body, latency in ms, redirect chain);
- a sitemap or feed (``read_xml``) is recorded as a skipped capture with its entry
  count, as the crawler's ``Visit.store_listing`` does, and its entries followed;
- anything else goes through ``store_before_parse`` (HTTP errors, non-HTML, 304s and
  byte-identical revisits stop there), ``parse_for_crawl`` (``parse_page``: the full
  generic extraction, then the in-scope links and announced feeds) and
  ``store_parsed`` (raw snapshot compressed, aliases, versions, duplicates), all
  synchronously in the callback, into the archive at ``sqlite:///db``.

Scope, depth and politeness match ``bench/scrapy_spider.py`` and ``scraper crawl``:
the start URL's host only, ``DEPTH_LIMIT`` hops, robots.txt obeyed (its ``Sitemap:``
lines are queued, as the crawler does, from Scrapy's ``robots_parsed`` signal), no
delay, no AutoThrottle, log level WARNING. Error statuses reach the callback
(``HTTPERROR_ALLOW_ALL``) so they are recorded like the crawler records them. At close
the spider writes Scrapy's stats, with one ``samework/outcome/...`` count per archive
outcome, as JSON to the ``stats`` file.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Iterable, Iterator
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

import scrapy
from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.http import Response

from scraper.crawl.visit import Listing, Scope, parse_for_crawl, read_xml
from scraper.models import FetchedPage
from scraper.pipeline import FetchReport, store_before_parse, store_parsed
from storage import Archive, CaptureRecord, normalize_url, open_archive

MS_PER_S = 1000
LAST_SUCCESS = 299  # sitemaps and feeds are read from 2xx responses only, as the crawler does


def fetched_page(response: Response) -> FetchedPage:
    """The ``FetchedPage`` our fetcher would have built for this response."""
    chain = tuple(response.meta.get("redirect_urls", ()))
    headers = response.headers.to_unicode_dict()
    return FetchedPage(
        requested_url=chain[0] if chain else response.url,
        url=response.url,
        status=response.status,
        headers={str(k).lower(): str(v) for k, v in headers.items()},
        content=response.body,
        elapsed_ms=round(response.meta.get("download_latency", 0.0) * MS_PER_S),
        redirects=chain,
    )


def store_listing(
    page: FetchedPage, listing: Listing, at: datetime, archive: Archive
) -> FetchReport:
    """``Visit.store_listing`` without the frontier: a skipped capture with its count."""
    reason = listing.error or f"{listing.kind}: {len(listing.urls) + len(listing.sitemaps)}"
    if listing.error is None:
        reason += " URLs" if listing.kind == "sitemap" else " entries"
    capture = CaptureRecord(
        page.requested_url,
        page.url,
        page.status,
        at,
        page.elapsed_ms,
        page.headers,
        page.content,
        page.redirects,
        error=reason,
        skipped=True,
    )
    result = archive.store(capture)
    return FetchReport(page.requested_url, page.status, result.outcome, error=reason)


class SameWorkSpider(scrapy.Spider):
    name = "samework"
    custom_settings = {  # noqa: RUF012 - Scrapy reads this class attribute
        "ROBOTSTXT_OBEY": True,
        "LOG_LEVEL": "WARNING",
        "AUTOTHROTTLE_ENABLED": False,
        "DOWNLOAD_DELAY": 0,
        "TELNETCONSOLE_ENABLED": False,
        "HTTPERROR_ALLOW_ALL": True,
    }

    def __init__(self, start: str, db: str, stats: str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.start_urls = [start]
        self.allowed_domains = [urlsplit(start).hostname or ""]
        self.scope = Scope(frozenset(self.allowed_domains))
        self.archive = open_archive(f"sqlite:///{db}")
        self.stats_path = stats

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> SameWorkSpider:
        spider = super().from_crawler(crawler, *args, **kwargs)
        crawler.signals.connect(spider.robots_parsed, signal=signals.robots_parsed)
        assert isinstance(spider, SameWorkSpider)
        return spider

    async def start(self) -> AsyncIterator[scrapy.Request]:
        """The start URL through the duplicate filter (Scrapy's default bypasses it), so
        the home page's links back to itself do not fetch it a second time."""
        for url in self.start_urls:
            yield scrapy.Request(normalize_url(url), callback=self.parse)

    def robots_parsed(self, robotparser: Any, request: scrapy.Request) -> None:
        """Queue robots.txt's ``Sitemap:`` lines (Protego's parser lists them)."""
        protego = getattr(robotparser, "rp", None)
        assert self.crawler.engine is not None
        for url in getattr(protego, "sitemaps", ()):
            if self.scope.allows(url, listing=True):
                self.crawler.engine.crawl(scrapy.Request(normalize_url(url), self.parse))

    def parse(self, response: Response, **kwargs: Any) -> Iterator[scrapy.Request]:
        page, at = fetched_page(response), datetime.now(UTC)
        listing = read_xml(page) if page.status <= LAST_SUCCESS else None
        if listing is not None:
            self.count(store_listing(page, listing, at, self.archive))
            yield from self.follow(self.listing_links(listing))
            return
        early = store_before_parse(page, at, self.archive)
        if early is not None:
            self.count(early)
            return
        parsed = parse_for_crawl(page, self.scope, at)
        self.count(store_parsed(page, at, parsed.article, self.archive))
        yield from self.follow(link.url for link in parsed.links)

    def listing_links(self, listing: Listing) -> list[str]:
        urls = [normalize_url(d.url) for d in listing.urls if self.scope.allows(d.url)]
        return urls + [
            normalize_url(u) for u in listing.sitemaps if self.scope.allows(u, listing=True)
        ]

    def follow(self, urls: Iterable[str]) -> Iterator[scrapy.Request]:
        for url in urls:
            yield scrapy.Request(url, callback=self.parse)

    def count(self, report: FetchReport) -> None:
        assert self.crawler.stats is not None
        self.crawler.stats.inc_value(f"samework/outcome/{report.outcome}")

    def closed(self, reason: str) -> None:
        self.archive.close()
        assert self.crawler.stats is not None
        stats = {
            k: str(v) if not isinstance(v, int | float) else v
            for k, v in self.crawler.stats.get_stats().items()
        }
        stats["finish_reason"] = reason
        with open(self.stats_path, "w", encoding="utf-8") as f:
            json.dump(stats, f, indent=1)
