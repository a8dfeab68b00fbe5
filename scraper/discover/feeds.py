"""RSS 2.0, Atom 1.0 and RSS 1.0 (RDF) feeds: the stories they list, newest news first.

One entry per item, in feed order, each URL once (the first occurrence wins):

- **RSS 2.0** (``<rss><channel><item>``): ``feedburner:origLink`` (the publisher's URL
  behind a FeedBurner redirect), else ``<link>``, else a ``<guid>`` that is a permalink
  (``isPermaLink`` absent or ``true``) and an http(s) URL. ``pubDate`` (RFC 822) or
  ``dc:date`` give ``published``, in ISO 8601 with the feed's offset.
- **Atom** (``<feed><entry>``): the ``<link>`` with ``rel=alternate`` (or no ``rel``),
  preferring ``type=text/html``, resolved against ``xml:base`` (entry, then feed) and
  the feed URL. ``published`` (else ``updated``) gives ``published``; ``updated`` gives
  ``lastmod``. An HTML title (``type=html``) loses its tags.
- **RSS 1.0** (``<rdf:RDF><item rdf:about>``): ``<link>``, else ``rdf:about``;
  ``dc:date``.

Elements are matched by local name in any namespace, so feeds that misspell or omit a
namespace still parse. Items are stories: their kind is ``article`` unless the URL is
clearly an index page (``classify_url``).

**Recovery**: a feed that is not well-formed XML (the usual fault: an HTML entity such
as ``&nbsp;`` in a description, which XML does not define) is cut into ``<item>`` /
``<entry>`` chunks by a linear split, and each chunk's link, date and title are read by
regular expressions. A document declaring a DTD is never recovered: it is refused.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime
from xml.etree.ElementTree import Element

from scraper.discover.classify import (
    Discovered,
    Kind,
    classify_url,
    discovered,
    normalize_date,
)
from scraper.discover.links import web_url
from scraper.discover.xmlsafe import (
    DiscoveryError,
    RecoveredTag,
    attributes_of,
    child,
    child_text,
    chunks,
    decode_text,
    element_text,
    first_text,
    has_dtd,
    inflate,
    local_name,
    parse_xml,
    recover_tags,
    squash_space,
    uncdata,
)

#: Items read from one feed; the sitemaps protocol's per-file URL cap serves as a bound.
MAX_FEED_ITEMS = 50_000
FEED_ROOTS = frozenset({"rss", "feed", "rdf"})
_XML_BASE = "{http://www.w3.org/XML/1998/namespace}base"
_RDF_ABOUT = "{http://www.w3.org/1999/02/22-rdf-syntax-ns#}about"
_TAG = re.compile(r"<[^<>]*>")
_LEADING_ATTRIBUTES = re.compile(r"[^<>]*>")
_CHUNK_START = re.compile(r"<(?:\w+:)?(?:item|entry)\b", re.I)
_CHUNK_END = re.compile(r"</(?:\w+:)?(?:item|entry)\s*>", re.I)


def _clean_title(text: str | None, is_html: bool) -> str | None:
    if text is None:
        return None
    if is_html:
        text = html.unescape(_TAG.sub("", text))
    return squash_space(text)


def _rss_link(item: Element, base: str) -> str | None:
    for element in item:
        name = local_name(element.tag)
        if name.lower() == "origlink":
            found = web_url(element_text(element), base)
            if found:
                return found
    for element in item:
        if local_name(element.tag) == "link" and element.get("rel", "alternate") == "alternate":
            found = web_url(element_text(element) or element.get("href"), base)
            if found:
                return found
    guid = child(item, "guid")
    if guid is not None and guid.get("isPermaLink", "true").strip().lower() == "true":
        found = web_url(element_text(guid), base)
        if found:
            return found
    return web_url(item.get(_RDF_ABOUT), base)


def _rss_items(root: Element, base: str, now: datetime) -> Iterator[Discovered]:
    for item in root.iter():
        if local_name(item.tag) != "item":
            continue
        url = _rss_link(item, base)
        if url is None:
            continue
        published = normalize_date(child_text(item, "pubDate") or child_text(item, "date"))
        title = _clean_title(child_text(item, "title"), False)
        yield _entry(url, now, published, None, title)


def _atom_link(entry: Element, base: str) -> str | None:
    candidates = [
        link
        for link in entry
        if local_name(link.tag) == "link"
        and link.get("rel", "alternate").strip().lower() == "alternate"
    ]
    candidates.sort(key=lambda link: link.get("type", "text/html") != "text/html")
    for link in candidates:
        found = web_url(link.get("href"), base)
        if found:
            return found
    return None


def _atom_entries(root: Element, base: str, now: datetime) -> Iterator[Discovered]:
    base = web_url(root.get(_XML_BASE), base) or base
    for entry in root:
        if local_name(entry.tag) != "entry":
            continue
        url = _atom_link(entry, web_url(entry.get(_XML_BASE), base) or base)
        if url is None:
            continue
        updated = normalize_date(child_text(entry, "updated"))
        published = normalize_date(child_text(entry, "published")) or updated
        title_node = child(entry, "title")
        is_html = title_node is not None and title_node.get("type", "") in ("html", "xhtml")
        yield _entry(url, now, published, updated, _clean_title(element_text(title_node), is_html))


def _entry(
    url: str, now: datetime, published: str | None, lastmod: str | None, title: str | None
) -> Discovered:
    kind: Kind = "index" if classify_url(url) == "index" else "article"
    return discovered(url, now=now, kind=kind, published=published, lastmod=lastmod, title=title)


def _unique(entries: Iterable[Discovered]) -> list[Discovered]:
    seen: dict[str, Discovered] = {}
    for entry in entries:
        seen.setdefault(entry.url, entry)
        if len(seen) >= MAX_FEED_ITEMS:
            break
    return list(seen.values())


def feed_entries(root: Element, url: str, now: datetime) -> list[Discovered] | None:
    """The entries of a parsed feed, or None when ``root`` is not a feed's root."""
    name = local_name(root.tag).lower()
    if name == "feed":
        return _unique(_atom_entries(root, url, now))
    if name in ("rss", "rdf"):
        return _unique(_rss_items(root, url, now))
    return None


def _recovered_link(tags: list[RecoveredTag], base: str) -> str | None:
    links = [
        tag
        for tag in tags
        if tag.name == "link"
        and tag.attributes.get("rel", "alternate").strip().lower() == "alternate"
    ]
    links.sort(key=lambda tag: tag.attributes.get("type", "text/html") != "text/html")
    candidates = [first_text(tags, "origlink")]
    candidates += [tag.text or tag.attributes.get("href") for tag in links]
    candidates += [
        tag.text
        for tag in tags
        if tag.name == "guid"
        and tag.attributes.get("isPermaLink", "true").strip().lower() == "true"
    ]
    for candidate in candidates:
        found = web_url(candidate, base)
        if found:
            return found
    return None


def _recover_chunk(chunk: str, base: str, now: datetime) -> Discovered | None:
    tags = recover_tags(chunk)
    own = _LEADING_ATTRIBUTES.match(chunk)  # the chunk starts inside <item ...> / <entry ...>
    if own is not None:
        base = web_url(attributes_of(own.group(0)).get("base"), base) or base
    url = _recovered_link(tags, base)
    if url is None:
        return None
    date = normalize_date(first_text(tags, "pubdate", "published", "date", "updated"))
    return _entry(url, now, date, None, _clean_title(first_text(tags, "title"), True))


def recover_entries(text: str, url: str, now: datetime) -> list[Discovered]:
    """Entries read by regex from a feed that is not well-formed (see the docstring)."""
    text = uncdata(text)
    first = _CHUNK_START.search(text)
    head = text[: first.start()] if first else text
    bases = [tag.attributes["base"] for tag in recover_tags(head + "<") if "base" in tag.attributes]
    if bases:
        url = web_url(bases[0], url) or url
    found = (
        _recover_chunk(chunk, url, now)
        for chunk in chunks(text, _CHUNK_START, _CHUNK_END, MAX_FEED_ITEMS)
    )
    return _unique(entry for entry in found if entry is not None)


def parse_feed(body: bytes, url: str, *, now: datetime | None = None) -> list[Discovered]:
    """The stories listed by an RSS/Atom/RDF feed (gzip or not), in feed order.

    ``now`` (default: the current time) only sets the freshness part of ``priority``.
    Raises ``DiscoveryError`` for an empty, unsafe, oversized or non-feed body.
    """
    now = now or datetime.now(UTC)
    data = inflate(body).data
    try:
        root = parse_xml(data)
    except DiscoveryError as exc:
        text = decode_text(data)
        if type(exc) is not DiscoveryError or has_dtd(text) or not data.strip():
            raise
        recovered = recover_entries(text, url, now) if _looks_like_feed(text) else []
        if not recovered:
            raise
        return recovered
    entries = feed_entries(root, url, now)
    if entries is None:
        raise DiscoveryError(f"not a feed: root element <{local_name(root.tag)}>")
    return entries


def _looks_like_feed(text: str) -> bool:
    head = text[:4096].lower()
    return "<rss" in head or "<feed" in head or "<rdf:rdf" in head
