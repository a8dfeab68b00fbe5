"""Discovery: which URLs to crawl, from sitemaps, feeds and pages. Pure: bytes and a URL
in, typed results out; no HTTP, no database.

- ``parse_sitemap`` - urlset, sitemap index, Google News, gzip, plain text, a feed.
- ``parse_feed``    - RSS 2.0, Atom, RSS 1.0 (RDF).
- ``sniff``         - what a body is (sitemap, feed, HTML, other).
- ``page_links``    - an HTML page's links and announced feeds.
- ``in_scope``      - the crawl's host and include/exclude rule.
- ``classify_url`` / ``priority_of`` - article or index page, and fetch order.

Every XML body goes through ``xmlsafe`` (defusedxml, a gzip-bomb cap); bad input of any
kind raises ``DiscoveryError`` (a ``ValueError``) and nothing else.
"""

from __future__ import annotations

from scraper.discover.classify import (
    Discovered,
    Kind,
    classify_url,
    normalize_date,
    priority_of,
)
from scraper.discover.feeds import parse_feed
from scraper.discover.links import PageLinks, in_scope, page_links
from scraper.discover.sitemaps import MAX_SITEMAP_URLS, SitemapResult, parse_sitemap, sniff
from scraper.discover.xmlsafe import (
    MAX_XML_BYTES,
    DiscoveryError,
    TooLargeError,
    UnsafeXMLError,
)

__all__ = [
    "MAX_SITEMAP_URLS",
    "MAX_XML_BYTES",
    "Discovered",
    "DiscoveryError",
    "Kind",
    "PageLinks",
    "SitemapResult",
    "TooLargeError",
    "UnsafeXMLError",
    "classify_url",
    "in_scope",
    "normalize_date",
    "page_links",
    "parse_feed",
    "parse_sitemap",
    "priority_of",
    "sniff",
]
