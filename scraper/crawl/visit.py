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
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from urllib.parse import urljoin, urlsplit

from scraper.crawl.config import Source
from scraper.crawl.schedule import feed_interval, next_visit
from scraper.discover import (
    Discovered,
    DiscoveryError,
    classify_url,
    in_scope,
    parse_feed,
    parse_sitemap,
    priority_of,
    sniff,
)
from scraper.models import Article, FetchedPage
from scraper.parse.profiles import Profile
from scraper.pipeline import FetchReport, parse_page, store_before_parse, store_parsed
from storage import (
    Archive,
    CaptureRecord,
    Claim,
    CrawlUpdate,
    FrontierURL,
    normalize_url,
    open_archive,
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


@dataclass(frozen=True)
class Listing:
    """A sitemap's or feed's entries, or why it could not be read."""

    kind: str
    urls: list[Discovered] = field(default_factory=list)
    sitemaps: list[str] = field(default_factory=list)
    error: str | None = None


_FEED_LINK = re.compile(
    rb"<link\b[^>]*\btype\s*=\s*[\"']?application/(?:rss|atom)\+xml[^>]*>", re.I
)
_HREF = re.compile(rb"\bhref\s*=\s*[\"']?([^\"'\s>]+)", re.I)


def parse_for_crawl(page: FetchedPage, scope: Scope, now: datetime) -> ParsedForCrawl:
    """Parse a page and turn its links into frontier entries, in a worker process.

    The parser's own link list is used (the page is parsed once); announced feeds are
    found by a scan of the ``<link>`` tags.
    """
    article = parse_page(page, scope.profile)
    if isinstance(article, str):
        return ParsedForCrawl(article)
    links: dict[str, Link] = {}
    for url in article.links:
        link = _link_of(url, scope, now)
        if link is not None:
            links.setdefault(link.url, link)
    for href in _feeds(page):
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


def _feeds(page: FetchedPage) -> list[str]:
    head = page.content[:200_000]
    out = []
    for tag in _FEED_LINK.findall(head):
        match = _HREF.search(tag)
        if match:
            out.append(urljoin(page.url, match[1].decode("utf-8", "replace")))
    return out


def _host(url: str) -> str:
    return (urlsplit(url).hostname or "").lower()


def read_xml(page: FetchedPage) -> Listing | None:
    """The entries of a sitemap or feed; None when the body is neither."""
    kind = sniff(page.content, page.content_type)
    if kind not in ("sitemap", "feed"):
        return None
    try:
        if kind == "feed":
            return Listing(kind, parse_feed(page.content, page.url))
        result = parse_sitemap(page.content, page.url)
        return Listing(kind, result.urls, result.sitemaps)
    except DiscoveryError as err:
        return Listing(kind, error=f"unreadable {kind}: {err}")


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


_WORKER_ARCHIVES: dict[str, Archive] = {}
_WORKER_RECENT: dict[str, RecentURLs] = {}
_WORKER_RNG = random.Random()


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


RECENT_URLS = 100_000  # links remembered as queued, per process: ~10 MB


def process_page(
    target: Archive | str,
    page: FetchedPage,
    claim: Claim,
    source: Source,
    owner: str,
    at: datetime,
) -> FetchReport:
    """Steps 4-6 for one fetched page: read a listing, or skip/parse/store the page.

    ``target`` is the archive itself (inline), or its URL in a worker process, which
    opens the archive once and then parses and stores pages in parallel with the
    other workers: the archive's write path is safe for concurrent writers.
    """
    archive = target if isinstance(target, Archive) else _worker_archive(target)
    recent = _WORKER_RECENT.setdefault("", RecentURLs(RECENT_URLS))
    visit = Visit(claim, source, owner, at, _WORKER_RNG, recent.fresh)
    found = read_xml(page) if page.status < 300 else None
    if found is not None:
        return visit.store_listing(page, found, archive)
    early = store_before_parse(page, at, archive, visit.update(page=page))
    if early is not None:
        return early
    parsed = parse_for_crawl(page, visit.scope, at)
    update = visit.update(page=page, parsed=parsed)
    return store_parsed(page, at, parsed.article, archive, update)


def _worker_archive(url: str) -> Archive:
    if url not in _WORKER_ARCHIVES:
        _WORKER_ARCHIVES[url] = open_archive(url)
    return _WORKER_ARCHIVES[url]
