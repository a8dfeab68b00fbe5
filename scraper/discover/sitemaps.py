"""Sitemaps (sitemaps.org 0.9 and Google News): the pages a site lists, and child sitemaps.

Accepted bodies, after any gzip layer is removed (``xmlsafe.inflate``: by magic bytes):

- ``<urlset>``: each ``<url>``'s direct ``<loc>`` (so ``<image:loc>`` and
  ``<video:content_loc>`` of the image/video extensions are never taken for the page),
  ``<lastmod>`` as ``lastmod``; a Google News ``<news:news>`` block makes the entry an
  ``article`` with ``<news:publication_date>`` as ``published`` and ``<news:title>`` as
  ``title``. Other entries are classified from their URL (``classify_url``).
- ``<sitemapindex>``: each ``<sitemap><loc>`` goes to ``SitemapResult.sitemaps``.
- an RSS/Atom feed, which the protocol allows in place of a sitemap (``feeds``).
- plain text: one absolute URL per line (blank lines skipped; a body whose lines are
  mostly not URLs is not a sitemap).

Elements are matched by local name, with the right namespace, a wrong one or none.
Relative ``<loc>`` values (invalid, but seen) are resolved against the sitemap URL;
each URL is kept once. At most ``MAX_SITEMAP_URLS`` entries are read (``truncated``).

**Recovery** (``recovered=True``): a sitemap that is not well-formed XML - typically
cut short by a dropped connection or a truncated ``.gz`` - is split into ``<url>`` /
``<sitemap>`` chunks, and each chunk's ``loc``/``lastmod``/news fields are read by the
linear regexes of ``xmlsafe.recover_tags``; a value whose end tag never came is
dropped. A body declaring a DTD is refused, never recovered.

HTML (a soft-404 page, a login wall) is a ``DiscoveryError``, as is anything else.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Literal
from xml.etree.ElementTree import Element

from scraper.discover.classify import Discovered, discovered, normalize_date
from scraper.discover.feeds import FEED_ROOTS, feed_entries, recover_entries
from scraper.discover.links import web_url
from scraper.discover.xmlsafe import (
    SNIFF_BYTES,
    DiscoveryError,
    RecoveredTag,
    child,
    child_text,
    chunks,
    decode_text,
    first_text,
    has_dtd,
    inflate,
    inflate_head,
    local_name,
    parse_xml,
    recover_tags,
    root_name,
    squash_space,
    uncdata,
)

#: The protocol's limit per sitemap file (sitemaps.org: "no more than 50,000 URLs").
MAX_SITEMAP_URLS = 50_000
#: Prefixes of the image/video/news/xhtml extensions, whose ``loc``-like children are not
#: the page's URL (used by the regex recovery, where namespaces are not resolved).
EXTENSION_PREFIXES = frozenset({"image", "video", "news", "xhtml", "mobile"})
_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
_CHUNK_START = re.compile(r"<(?:\w+:)?(?:url|sitemap)\b", re.I)
_CHUNK_END = re.compile(r"</(?:\w+:)?(?:url|sitemap)\s*>", re.I)


@dataclass(frozen=True, slots=True)
class SitemapResult:
    """``urls``: the pages listed; ``sitemaps``: child sitemaps of a sitemap index.
    ``truncated``: entries past ``MAX_SITEMAP_URLS`` were dropped; ``recovered``: the
    body was not well-formed and its complete entries were read by regex."""

    urls: list[Discovered] = field(default_factory=list)
    sitemaps: list[str] = field(default_factory=list)
    truncated: bool = False
    recovered: bool = False


def _capped(items: Iterable[str | Discovered]) -> tuple[list[str | Discovered], bool]:
    """Distinct items (by URL) up to ``MAX_SITEMAP_URLS``, and whether more came."""
    seen: dict[str, str | Discovered] = {}
    for item in items:
        key = item if isinstance(item, str) else item.url
        if key in seen:
            continue
        if len(seen) >= MAX_SITEMAP_URLS:
            return list(seen.values()), True
        seen[key] = item
    return list(seen.values()), False


def _result(
    urls: Iterable[Discovered] = (), sitemaps: Iterable[str] = (), recovered: bool = False
) -> SitemapResult:
    pages, pages_cut = _capped(urls)
    children, children_cut = _capped(sitemaps)
    return SitemapResult(
        urls=[p for p in pages if isinstance(p, Discovered)],
        sitemaps=[c for c in children if isinstance(c, str)],
        truncated=pages_cut or children_cut,
        recovered=recovered,
    )


def _entry(
    loc: str | None,
    base: str,
    now: datetime,
    lastmod: str | None,
    news: tuple[str | None, str | None] | None,
) -> Discovered | None:
    url = web_url(loc, base)
    if url is None:
        return None
    if news is None:
        return discovered(url, now=now, lastmod=normalize_date(lastmod))
    published, title = news
    return discovered(
        url,
        now=now,
        kind="article",
        published=normalize_date(published),
        lastmod=normalize_date(lastmod),
        title=squash_space(title),
    )


def _urlset(root: Element, base: str, now: datetime) -> Iterator[Discovered]:
    for element in root:
        if local_name(element.tag) != "url":
            continue
        news = child(element, "news")
        fields = (
            None
            if news is None
            else (child_text(news, "publication_date"), child_text(news, "title"))
        )
        entry = _entry(
            child_text(element, "loc"), base, now, child_text(element, "lastmod"), fields
        )
        if entry is not None:
            yield entry


def _children(root: Element, base: str) -> Iterator[str]:
    for element in root:
        if local_name(element.tag) == "sitemap":
            url = web_url(child_text(element, "loc"), base)
            if url is not None:
                yield url


def _from_root(root: Element, url: str, now: datetime) -> SitemapResult:
    name = local_name(root.tag).lower()
    if name == "urlset":
        return _result(urls=_urlset(root, url, now))
    if name == "sitemapindex":
        return _result(sitemaps=_children(root, url))
    entries = feed_entries(root, url, now)
    if entries is not None:
        return _result(urls=entries)
    raise DiscoveryError(f"not a sitemap: root element <{name}>")


def _own_loc(tags: list[RecoveredTag]) -> str | None:
    for tag in tags:
        if tag.name == "loc" and tag.prefix not in EXTENSION_PREFIXES and tag.text:
            return tag.text
    return None


def _recovered_entry(chunk: str, base: str, now: datetime) -> Discovered | None:
    tags = recover_tags(chunk)
    news = None
    if any(tag.name in ("news", "publication_date") for tag in tags):
        title = next(
            (
                tag.text
                for tag in tags
                if tag.name == "title" and tag.text and tag.prefix not in ("image", "video")
            ),
            None,
        )
        news = (first_text(tags, "publication_date"), title)
    return _entry(_own_loc(tags), base, now, first_text(tags, "lastmod"), news)


def _recover(text: str, url: str, now: datetime, error: DiscoveryError) -> SitemapResult:
    """Complete entries of a sitemap that is not well-formed (see the module docstring)."""
    name = root_name(text)
    if has_dtd(text) or name not in ("urlset", "sitemapindex", *FEED_ROOTS, "rdf:rdf"):
        raise error
    if name not in ("urlset", "sitemapindex"):
        result = _result(urls=recover_entries(text, url, now), recovered=True)
    else:
        pieces = list(chunks(uncdata(text), _CHUNK_START, _CHUNK_END, MAX_SITEMAP_URLS + 1))
        if name == "sitemapindex":
            locs = (web_url(_own_loc(recover_tags(chunk)), url) for chunk in pieces)
            result = _result(sitemaps=(loc for loc in locs if loc), recovered=True)
        else:
            entries = (_recovered_entry(chunk, url, now) for chunk in pieces)
            result = _result(urls=(e for e in entries if e), recovered=True)
    if not result.urls and not result.sitemaps:
        raise error
    return result


def _text_sitemap(text: str, cut_short: bool, now: datetime) -> SitemapResult:
    lines = text.splitlines()
    if cut_short and lines:
        lines.pop()  # the last line of a cut-short body may be half a URL
    urls: list[str] = []
    others = 0
    for line in filter(None, (line.strip() for line in lines)):
        url = None if any(c.isspace() for c in line) else web_url(line, None)
        if url is None:
            others += 1
        else:
            urls.append(url)
    if not urls or others > len(urls):
        raise DiscoveryError("not a sitemap: a text body that is not a list of URLs")
    return _result(urls=(discovered(u, now=now) for u in urls))


def parse_sitemap(body: bytes, url: str, *, now: datetime | None = None) -> SitemapResult:
    """The pages and child sitemaps listed by a sitemap body (XML, gzip, feed or text).

    ``url`` is the sitemap's own URL (base for relative values); ``now`` (default: the
    current time) only sets the freshness part of each ``priority``. Raises
    ``DiscoveryError`` (or its ``UnsafeXMLError``/``TooLargeError``) for bad input.
    """
    now = now or datetime.now(UTC)
    inflated = inflate(body)
    data = inflated.data
    if not data.strip():
        raise DiscoveryError("empty body")
    head = decode_text(data[:SNIFF_BYTES]).lstrip()
    if not head.startswith("<") and not data.startswith(_UTF16_BOMS):
        return _text_sitemap(decode_text(data), inflated.truncated, now)
    if root_name(head) == "html":
        raise DiscoveryError("an HTML page, not a sitemap")
    try:
        root = parse_xml(data)
    except DiscoveryError as exc:
        if type(exc) is not DiscoveryError:
            raise
        return _recover(decode_text(data), url, now, exc)
    return _from_root(root, url, now)


SITEMAP_ROOTS = frozenset({"urlset", "sitemapindex"})
FEED_ROOT_NAMES = frozenset({"rss", "feed", "rdf:rdf", "rdf"})
HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
#: Elements an HTML document without ``<html>`` or a doctype may start with.
HTML_ROOTS = frozenset(
    {
        "html",
        "head",
        "body",
        "meta",
        "title",
        "link",
        "script",
        "style",
        "div",
        "p",
        "a",
        "table",
        "header",
        "main",
        "nav",
        "section",
    }
)


def sniff(body: bytes, content_type: str) -> Literal["sitemap", "feed", "html", "other"]:
    """What a body is, from its first bytes (decompressed if gzip) and then the
    Content-Type. The body wins: a feed served as ``text/html`` is a feed, an HTML page
    served as ``application/xml`` is HTML. A text body whose first line is an absolute
    URL is a (plain-text) sitemap unless the server calls it HTML."""
    head = decode_text(inflate_head(body, SNIFF_BYTES)).lstrip()
    mime = content_type.split(";")[0].strip().lower()
    if not head:
        return "other"
    if not head.startswith("<"):
        if mime in HTML_TYPES:
            return "html"
        first = head.splitlines()[0].strip()
        url = None if any(c.isspace() for c in first) else web_url(first, None)
        return "sitemap" if url else "other"
    name = root_name(head)
    if name in SITEMAP_ROOTS:
        return "sitemap"
    if name in FEED_ROOT_NAMES:
        return "feed"
    if name in HTML_ROOTS or mime in HTML_TYPES:
        return "html"
    return "other"
