"""robots.txt per origin, read once per crawl with Protego (RFC 9309).

1. 2xx: the rules apply, with ``Crawl-delay`` and the ``Sitemap`` lines.
2. 4xx (no robots.txt): everything is allowed.
3. 5xx or no response: the site is treated as fully disallowed for this crawl
   (RFC 9309, 2.3.1.4: an unreachable robots.txt means "do not crawl").
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from protego import Protego

from scraper.errors import FetchError
from scraper.fetch import PageFetcher

ROBOTS_MAX_BYTES = 512 * 1024  # RFC 9309 asks parsers to read at least 500 KiB


@dataclass(frozen=True)
class Rules:
    """What one origin's robots.txt says to our user agent."""

    parser: Protego | None
    allow_all: bool
    crawl_delay: float | None = None
    sitemaps: tuple[str, ...] = field(default=())
    note: str = ""

    def allowed(self, url: str, user_agent: str) -> bool:
        if self.parser is None:
            return self.allow_all
        return bool(self.parser.can_fetch(url, user_agent))


class Robots:
    """Fetches and caches robots.txt rules per origin (scheme, host, port)."""

    def __init__(self, fetcher: PageFetcher, user_agent: str) -> None:
        self._fetcher = fetcher
        self._agent = user_agent
        self._rules: dict[str, Rules] = {}
        self._locks: dict[str, asyncio.Lock] = {}

    async def rules(self, url: str) -> Rules:
        origin = _origin(url)
        lock = self._locks.setdefault(origin, asyncio.Lock())
        async with lock:
            if origin not in self._rules:
                self._rules[origin] = await self._load(origin)
        return self._rules[origin]

    async def _load(self, origin: str) -> Rules:
        try:
            page = await self._fetcher.fetch(f"{origin}/robots.txt")
        except FetchError as err:
            return Rules(None, allow_all=False, note=f"robots.txt unreachable: {err.reason}")
        if 400 <= page.status < 500:
            return Rules(None, allow_all=True, note=f"no robots.txt (HTTP {page.status})")
        if page.status >= 500:
            return Rules(None, allow_all=False, note=f"robots.txt HTTP {page.status}")
        text = page.content[:ROBOTS_MAX_BYTES].decode("utf-8", "replace")
        parser = Protego.parse(text)
        delay = parser.crawl_delay(self._agent)
        return Rules(
            parser,
            allow_all=True,
            crawl_delay=float(delay) if delay else None,
            sitemaps=tuple(parser.sitemaps),
        )


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"
