"""URL helpers: resolve against the page (and ``<base href>``), keep web URLs only."""

from __future__ import annotations

from urllib.parse import urldefrag, urljoin, urlsplit

from selectolax.lexbor import LexborHTMLParser

from scraper.parse.text import attr

_WEB_SCHEMES = frozenset({"http", "https"})


def absolute(base: str | None, href: str | None) -> str | None:
    """``href`` made absolute against ``base``; None when that gives no http(s) URL."""
    if href is None:
        return None
    href = href.strip()
    try:
        joined = urljoin(base, href) if base else href
        parts = urlsplit(joined)
    except ValueError:
        return None
    if parts.scheme.lower() not in _WEB_SCHEMES or not parts.netloc:
        return None
    return joined


def document_base(tree: LexborHTMLParser, url: str | None) -> str | None:
    """The base URL for relative links: ``<base href>`` resolved against the page URL."""
    base = tree.css_first("base[href]")
    if base is not None:
        resolved = absolute(url, attr(base, "href"))
        if resolved is not None:
            return resolved
    return url


def page_links(tree: LexborHTMLParser, base: str | None) -> tuple[str, ...]:
    """Absolute http(s) hrefs of ``<a>``/``<area>``, fragment removed, deduplicated."""
    seen: dict[str, None] = {}
    hrefs = dict.fromkeys(node.attributes.get("href") or "" for node in
                          tree.css("a[href], area[href]"))  # each distinct href resolved once
    for href in hrefs:
        url = absolute(base, href)
        if url is not None:
            seen.setdefault(urldefrag(url).url, None)
    return tuple(seen)
