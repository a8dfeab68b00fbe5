"""What the crawler's worker processes run: bytes in, a parse or a listing out.

A worker imports the parser, the sitemap/feed readers and the archive's pure
preparation (``storage.prepare``), and neither the HTTP client nor the database
engine (about 30 MB a process instead of 80): the crawler's own process fetches,
converts links to frontier entries, and runs the SQL. ``work`` is the one function a
worker is sent; what it returns is picklable.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from urllib.parse import urljoin

from scraper.discover import Discovered, DiscoveryError, parse_feed, parse_sitemap, sniff
from scraper.errors import NotHTMLError
from scraper.models import Article, FetchedPage
from scraper.parse import parse_html
from scraper.parse.profiles import Profile
from scraper.pipeline import Gated, gate
from storage.prepare import prepare

LISTING_TYPES = ("sitemap", "feed")
_FEED_LINK = re.compile(
    rb"<link\b[^>]*\btype\s*=\s*[\"']?application/(?:rss|atom)\+xml[^>]*>", re.I
)
_HREF = re.compile(rb"\bhref\s*=\s*[\"']?([^\"'\s>]+)", re.I)
FEED_SCAN_BYTES = 200_000  # announced feeds are in the head


@dataclass(frozen=True)
class ParsedPage:
    """A page's parse (or why it is not HTML), the feeds its head announces, and (from
    ``work``) its gate with the content prepared for the archive."""

    article: Article | str
    feeds: tuple[str, ...] = ()
    gated: Gated | None = None


@dataclass(frozen=True)
class Listing:
    """A sitemap's or feed's entries, or why it could not be read."""

    kind: str
    urls: list[Discovered] = field(default_factory=list)
    sitemaps: list[str] = field(default_factory=list)
    error: str | None = None


def is_listing(page: FetchedPage) -> bool:
    """A successful response whose body is a sitemap or a feed (a cheap sniff)."""
    return page.status < 300 and sniff(page.content, page.content_type) in LISTING_TYPES


def work(page: FetchedPage, profile: Profile | None) -> ParsedPage | Listing:
    """A worker's task: read the listing, or parse, gate and prepare the page (all the
    CPU of a page but its SQL, which the crawler's process runs)."""
    listing = read_xml(page) if page.status < 300 else None
    if listing is not None:
        return listing
    parsed = parse(page, profile)
    gated = gate(page, parsed.article)
    if gated.content is not None:
        gated = Gated(None, prepare(gated.content))
    return replace(parsed, gated=gated)


def parse(page: FetchedPage, profile: Profile | None = None) -> ParsedPage:
    """The page parsed once: its article (with its links) and its announced feeds."""
    try:
        article: Article | str = parse_html(
            page.content, page.url, http_charset=page.charset, profile=profile
        )
    except NotHTMLError as err:
        return ParsedPage(str(err))
    return ParsedPage(article, tuple(announced_feeds(page)))


def announced_feeds(page: FetchedPage) -> list[str]:
    """Feed URLs of the ``<link type="application/rss+xml">`` tags (a byte scan)."""
    head = page.content[:FEED_SCAN_BYTES]
    out = []
    for tag in _FEED_LINK.findall(head):
        match = _HREF.search(tag)
        if match:
            out.append(urljoin(page.url, match[1].decode("utf-8", "replace")))
    return out


def read_xml(page: FetchedPage) -> Listing | None:
    """The entries of a sitemap or feed; None when the body is neither."""
    kind = sniff(page.content, page.content_type)
    if kind not in LISTING_TYPES:
        return None
    try:
        if kind == "feed":
            return Listing(kind, parse_feed(page.content, page.url))
        result = parse_sitemap(page.content, page.url)
        return Listing(kind, result.urls, result.sitemaps)
    except DiscoveryError as err:
        return Listing(kind, error=f"unreadable {kind}: {err}")
