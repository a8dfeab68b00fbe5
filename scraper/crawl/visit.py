"""One claimed URL's visit: what its fetch teaches the frontier.

``Visit.update`` turns a fetch (and its parse) into the ``CrawlUpdate`` stored with
the capture: the links to queue (in scope, within depth, with kind and priority),
the validators for the next conditional GET, and the next visit as a function of the
archive's outcome. ``parse_for_crawl`` and ``read_xml`` run in worker processes.
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from urllib.parse import urlsplit

from scraper.crawl.config import Source
from scraper.crawl.parsing import Listing, ParsedPage, parse, read_xml
from scraper.crawl.schedule import feed_interval, next_visit
from scraper.discover import classify_url, in_scope, priority_of
from scraper.models import Article, FetchedPage
from scraper.parse.profiles import Profile
from scraper.pipeline import FetchReport, store_before_parse, store_parsed
from storage import (
    Archive,
    CaptureRecord,
    Claim,
    CrawlUpdate,
    FrontierURL,
    normalize_url,
)

CHANGED = ("new", "new_version")
LISTING_KINDS = ("index", "sitemap", "feed")
FEED_PRIORITY = 80


@dataclass(frozen=True)
class Scope:
    """What a source allows: hosts and include/exclude patterns (picklable)."""

    hosts: frozenset[str]
    include: tuple[re.Pattern[str], ...] = ()
    exclude: tuple[re.Pattern[str], ...] = ()
    profile: Profile | None = None

    def allows(self, url: str, *, listing: bool = False) -> bool:
        if listing:  # sitemaps and feeds: the host rule only
            return in_scope(url, hosts=self.hosts, include=(), exclude=())
        return in_scope(url, hosts=self.hosts, include=self.include, exclude=self.exclude)


@dataclass(frozen=True)
class Link:
    """A link ready for the frontier: normalised URL, host, kind, priority."""

    url: str
    host: str
    kind: str
    priority: int


@dataclass(frozen=True)
class ParsedForCrawl:
    """A page's parse and its in-scope links (picklable: it crosses processes)."""

    article: Article | str
    links: tuple[Link, ...] = ()


def parse_for_crawl(page: FetchedPage, scope: Scope, now: datetime) -> ParsedForCrawl:
    """Parse a page and turn its links into frontier entries (both steps in one
    process: the inline crawl and the Scrapy peer of the benchmark)."""
    return crawl_links(parse(page, scope.profile), scope, now)


def crawl_links(parsed: ParsedPage, scope: Scope, now: datetime) -> ParsedForCrawl:
    """The in-scope links of a parsed page (the parser's own link list, which it
    found in one pass, and the feeds the head announces) as frontier entries."""
    article = parsed.article
    if isinstance(article, str):
        return ParsedForCrawl(article)
    links: dict[str, Link] = {}
    for url in article.links:
        link = _link_of(url, scope, now)
        if link is not None:
            links.setdefault(link.url, link)
    for href in parsed.feeds:
        if scope.allows(href, listing=True):
            links.setdefault(href, Link(normalize_url(href), _host(href), "feed", FEED_PRIORITY))
    return ParsedForCrawl(replace(article, links=()), tuple(links.values()))


# Links a process has turned into frontier entries lately: a site's navigation and
# teasers repeat on every page, so most links are answered from here. Bounded: about
# 300 bytes an entry.
_Patterns = tuple[re.Pattern[str], ...]
_LINKS: dict[tuple[str, frozenset[str], _Patterns, _Patterns], Link | None] = {}
MAX_CACHED_LINKS = 8192


def _link_of(url: str, scope: Scope, now: datetime) -> Link | None:
    """``url`` as a frontier entry, or None when it is out of scope or unusable."""
    key = (url, scope.hosts, scope.include, scope.exclude)
    if key in _LINKS:
        return _LINKS[key]
    link = None
    if scope.allows(url):
        kind = classify_url(url)
        try:
            link = Link(normalize_url(url), _host(url), kind, priority_of(kind, None, now))
        except ValueError:
            link = None
    if len(_LINKS) >= MAX_CACHED_LINKS:
        _LINKS.pop(next(iter(_LINKS)))
    _LINKS[key] = link
    return link


def _host(url: str) -> str:
    return (urlsplit(url).hostname or "").lower()


def aware(moment: datetime | None) -> datetime | None:
    if moment is not None and moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment


def parse_iso(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        return aware(datetime.fromisoformat(value.replace("Z", "+00:00")))
    except ValueError:
        return None


@dataclass
class Visit:
    claim: Claim
    source: Source
    owner: str
    at: datetime
    rng: random.Random
    fresh: Callable[[str], bool] | None = None  # False for a URL queued recently

    @property
    def scope(self) -> Scope:
        return Scope(
            self.source.hosts, self.source.include, self.source.exclude, self.source.profile
        )

    def update(
        self,
        *,
        page: FetchedPage | None = None,
        parsed: ParsedForCrawl | None = None,
        failed: bool = False,
        retry_at: datetime | None = None,
        done: bool = False,
    ) -> CrawlUpdate:
        article = parsed.article if parsed and not isinstance(parsed.article, str) else None
        kind = (
            self.claim.kind if article is None else ("article" if article.is_article else "index")
        )
        ok = page is not None and page.status == 200
        return CrawlUpdate(
            url=self.claim.url,
            owner=self.owner,
            next_due=(lambda _outcome: None) if done else self._next_due(kind),
            links=self._links(parsed) if parsed else (),
            failed=failed,
            retry_at=retry_at,
            etag=page.headers.get("etag") if ok and page else None,
            last_modified=page.headers.get("last-modified") if ok and page else None,
            published=article.published if article else None,
            kind=kind,
        )

    def _next_due(self, kind: str) -> Callable[[str], datetime | None]:
        claim, policy, at, rng = self.claim, self.source.policy, self.at, self.rng

        def due(outcome: str) -> datetime | None:
            if outcome == "error":
                return None  # a 4xx: the page is gone; it is not retried
            if kind in LISTING_KINDS:
                return at + feed_interval(policy)
            return next_visit(
                now=at,
                first_seen=aware(claim.first_seen) or at,
                published=parse_iso(claim.published),
                last_change=aware(claim.last_change),
                changed=outcome in CHANGED,
                policy=policy,
                rng=rng,
            )

        return due

    def _links(self, parsed: ParsedForCrawl) -> tuple[FrontierURL, ...]:
        depth = self.claim.depth + 1
        if depth > self.source.max_depth:
            return ()
        return tuple(
            FrontierURL(link.url, link.host, link.kind, depth, link.priority, self.source.name)
            for link in parsed.links
            if self.fresh is None or self.fresh(link.url)
        )

    def _frontier(
        self, url: str, kind: str, depth: int, priority: int, published: str | None = None
    ) -> FrontierURL:
        host = (url.split("/", 3)[2] if "//" in url else "").split(":")[0].lower()
        return FrontierURL(
            normalize_url(url), host, kind, depth, priority, self.source.name, published
        )

    def store_listing(self, page: FetchedPage, listing: Listing, archive: Archive) -> FetchReport:
        """Record a sitemap or feed fetch and queue its in-scope entries."""
        links = [
            self._frontier(d.url, d.kind, self.claim.depth, d.priority, d.published)
            for d in listing.urls
            if in_scope(
                d.url,
                hosts=self.source.hosts,
                include=self.source.include,
                exclude=self.source.exclude,
            )
        ]
        links += [
            self._frontier(u, "sitemap", self.claim.depth, FEED_PRIORITY)
            for u in listing.sitemaps
            if in_scope(u, hosts=self.source.hosts, include=(), exclude=())
        ]
        reason = listing.error or f"{listing.kind}: {len(listing.urls) + len(listing.sitemaps)}"
        if listing.error is None:
            reason += " URLs" if listing.kind == "sitemap" else " entries"
        update = CrawlUpdate(
            url=self.claim.url,
            owner=self.owner,
            links=tuple(links),
            kind=listing.kind,
            next_due=lambda _o: self.at + feed_interval(self.source.policy),
            etag=page.headers.get("etag") if page.status == 200 else None,
            last_modified=page.headers.get("last-modified") if page.status == 200 else None,
        )
        capture = CaptureRecord(
            page.requested_url,
            page.url,
            page.status,
            self.at,
            page.elapsed_ms,
            page.headers,
            page.content,
            page.redirects,
            error=reason,
            skipped=True,
        )
        result = archive.store(capture, crawl=update)
        return FetchReport(page.requested_url, page.status, result.outcome, error=reason)


class RecentURLs:
    """URLs queued lately, so a link found on every page is sent to the archive once,
    not with every page. Bounded: the oldest are forgotten first (the frontier ignores
    a URL it already knows anyway)."""

    def __init__(self, size: int) -> None:
        self._size = size
        self._seen: dict[str, None] = {}

    def fresh(self, url: str) -> bool:
        if url in self._seen:
            return False
        self._seen[url] = None
        if len(self._seen) > self._size:
            del self._seen[next(iter(self._seen))]
        return True


RECENT_URLS = 20_000  # links remembered as queued: ~2 MB


def process_page(archive: Archive, visit: Visit, page: FetchedPage) -> FetchReport:
    """Steps 4-6 for one fetched page in one thread (``--parse-workers 0``): read a
    listing, or skip/parse/store the page."""
    found = read_xml(page) if page.status < 300 else None
    if found is not None:
        return visit.store_listing(page, found, archive)
    early = store_before_parse(page, visit.at, archive, visit.update(page=page))
    if early is not None:
        return early
    parsed = parse_for_crawl(page, visit.scope, visit.at)
    update = visit.update(page=page, parsed=parsed)
    return store_parsed(page, visit.at, parsed.article, archive, update)
