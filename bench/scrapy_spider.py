"""The crawl benchmark's peer: a Scrapy spider doing the work ``scraper crawl`` does.

Run by ``bench/crawl_bench.py`` as
``scrapy runspider bench/scrapy_spider.py -a start=URL -a db=FILE -a stats=FILE
-s CONCURRENT_REQUESTS=C -s CONCURRENT_REQUESTS_PER_DOMAIN=C -s DEPTH_LIMIT=3``.

- Scope: links of the start URL's host only (``allowed_domains``, the offsite
  middleware), at most ``DEPTH_LIMIT`` hops from the start (the depth middleware);
  robots.txt obeyed; no delay, no AutoThrottle; log level WARNING.
- Parsing: every page with selectolax (Scrapy's own selectors are slower, so this is
  the peer's best case): the links of every page, and for article pages (paths like
  ``/YYYY/MM/DD/slug.html``) the headline, byline and paragraphs.
- Storage: ``SQLitePipeline`` inserts one row per article and commits every
  ``COMMIT_EVERY`` items and at the end, as a typical Scrapy SQLite pipeline does.
- At close the spider writes Scrapy's stats (responses, status counts, items) as JSON
  to the ``stats`` file for the benchmark to read.
"""

from __future__ import annotations

import json
import re
import sqlite3
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

import scrapy
from scrapy.http import Response
from selectolax.lexbor import LexborHTMLParser

COMMIT_EVERY = 100  # items per transaction; common in Scrapy pipeline examples
ARTICLE_PATH = re.compile(r"^/\d{4}/\d{2}/\d{2}/[^/]+\.html$")


class SQLitePipeline:
    """One row per article in ``spider.db``; a commit every ``COMMIT_EVERY`` items."""

    def __init__(self) -> None:
        self.conn: sqlite3.Connection | None = None
        self.pending = 0

    def open_spider(self, spider: scrapy.Spider) -> None:
        assert isinstance(spider, NewsSpider)
        self.conn = sqlite3.connect(spider.db)
        self.conn.execute(
            "CREATE TABLE IF NOT EXISTS article (url TEXT PRIMARY KEY, title TEXT,"
            " byline TEXT, published TEXT, body TEXT, fetched_at REAL)"
        )

    def process_item(self, item: dict[str, Any], spider: scrapy.Spider) -> dict[str, Any]:
        assert self.conn is not None
        self.conn.execute(
            "INSERT OR REPLACE INTO article VALUES (?, ?, ?, ?, ?, julianday('now'))",
            (item["url"], item["title"], item["byline"], item["published"], item["body"]),
        )
        self.pending += 1
        if self.pending >= COMMIT_EVERY:
            self.conn.commit()
            self.pending = 0
        return item

    def close_spider(self, spider: scrapy.Spider) -> None:
        if self.conn is not None:
            self.conn.commit()
            self.conn.close()


class NewsSpider(scrapy.Spider):
    name = "news"
    custom_settings = {  # noqa: RUF012 - Scrapy reads this class attribute
        "ROBOTSTXT_OBEY": True,
        "LOG_LEVEL": "WARNING",
        "AUTOTHROTTLE_ENABLED": False,
        "DOWNLOAD_DELAY": 0,
        "TELNETCONSOLE_ENABLED": False,
        "ITEM_PIPELINES": {f"{__name__}.SQLitePipeline": 300},
    }

    def __init__(self, start: str, db: str, stats: str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.start_urls = [start]
        self.allowed_domains = [urlsplit(start).hostname or ""]
        self.db = db
        self.stats_path = stats

    def parse(self, response: Response, **kwargs: Any) -> Iterator[Any]:
        if not isinstance(response, scrapy.http.TextResponse):
            return
        tree = LexborHTMLParser(response.body)
        if ARTICLE_PATH.match(urlsplit(response.url).path):
            yield self.article(response.url, tree)
        for node in tree.css("a[href]"):
            href = node.attributes.get("href")
            if href and not href.startswith(("#", "mailto:", "javascript:")):
                yield response.follow(href, callback=self.parse)

    @staticmethod
    def article(url: str, tree: LexborHTMLParser) -> dict[str, Any]:
        def text(css: str) -> str:
            node = tree.css_first(css)
            return node.text(strip=True) if node is not None else ""

        stamp = tree.css_first("article time")
        body = "\n\n".join(p.text() for p in tree.css("article .story-body p"))
        return {
            "url": url,
            "title": text("h1"),
            "byline": text("article .author"),
            "published": (stamp.attributes.get("datetime") or "") if stamp else "",
            "body": body,
        }

    def closed(self, reason: str) -> None:
        assert self.crawler.stats is not None
        stats = {
            k: str(v) if not isinstance(v, int | float) else v
            for k, v in self.crawler.stats.get_stats().items()
        }
        stats["finish_reason"] = reason
        with open(self.stats_path, "w", encoding="utf-8") as f:
            json.dump(stats, f, indent=1)
