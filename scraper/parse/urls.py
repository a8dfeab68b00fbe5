"""URL helpers: resolve against the page (and ``<base href>``), keep web URLs only."""

from __future__ import annotations

import re
from functools import lru_cache
from urllib.parse import urldefrag, urljoin, urlsplit

from selectolax.lexbor import LexborHTMLParser

from scraper.parse.text import attr

_WEB_SCHEMES = frozenset({"http", "https"})
#: Hrefs that ``urljoin`` leaves as they are (an http(s) URL), or only prefixes with the
#: base's scheme and host (a root-relative path without dot or empty segments): ASCII
#: without the characters ``urlsplit`` removes or treats specially (IPv6 brackets, path
#: parameters) and without an empty query or fragment (``urlunsplit`` drops those).
_CHAR = r"[^\x00-\x1f\x7f-\U0010ffff\[\];\\"
_TAIL = rf"(?:\?{_CHAR}#]+)?(?:#{_CHAR}]+)?"
_PLAIN_ABSOLUTE = re.compile(rf"https?://{_CHAR}/?#]+(?:/{_CHAR}?#]*)?{_TAIL}")
_PLAIN_ROOTED = re.compile(
    rf"(?:(?:/(?!\.\.?(?:[/?#]|$)){_CHAR}/?#]+)+/?|/){_TAIL}")
#: A scheme other than http(s) (``mailto:``, ``javascript:``): never a web URL, whatever
#: the base (``urljoin`` keeps an href's own scheme).
_OTHER_SCHEME = re.compile(r"(?![hH][tT][tT][pP][sS]?:)[a-zA-Z][a-zA-Z0-9+.-]*:")
_SPLIT_REMOVED = frozenset("\t\r\n")
#: Base URLs seen; a page has one or two.
BASE_CACHE_SIZE = 64


@lru_cache(maxsize=BASE_CACHE_SIZE)
def _web_origin(base: str) -> str | None:
    """``scheme://netloc`` of a valid http(s) base URL, else None (no fast path)."""
    try:
        parts = urlsplit(base)
    except ValueError:
        return None
    if parts.scheme not in _WEB_SCHEMES or not parts.netloc:
        return None
    return f"{parts.scheme}://{parts.netloc}"


def _fast_absolute(base: str | None, href: str) -> str | None:
    """``absolute`` for the common shapes (``_PLAIN_ABSOLUTE`` against no base or a valid
    one, ``_PLAIN_ROOTED`` against an http(s) base; ``""`` for another scheme), or None
    to take ``urljoin``."""
    if _OTHER_SCHEME.match(href) and not _SPLIT_REMOVED.intersection(href):
        return ""
    if href.startswith("http"):
        if _PLAIN_ABSOLUTE.fullmatch(href) and (not base or _web_origin(base)):
            return href
        return None
    if base and href.startswith("/") and _PLAIN_ROOTED.fullmatch(href):
        origin = _web_origin(base)
        return origin + href if origin else None
    return None


def absolute(base: str | None, href: str | None) -> str | None:
    """``href`` made absolute against ``base``; None when that gives no http(s) URL."""
    if href is None:
        return None
    href = href.strip()
    fast = _fast_absolute(base, href)
    if fast is not None:
        return fast or None
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
            hash_at = url.find("#")
            seen.setdefault(url if hash_at < 0 else urldefrag(url).url, None)
    return tuple(seen)
