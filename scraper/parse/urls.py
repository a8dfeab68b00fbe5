"""URL helpers: resolve against the page (and ``<base href>``), keep web URLs only."""

from __future__ import annotations

import re
from collections.abc import Callable
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


#: Bytes ``_CHAR`` refuses in ASCII (C0 controls, DEL, IPv6 brackets, path parameters,
#: backslash), the newline that ``_all_plain`` joins hrefs with among them.
_UNSAFE_BYTES = bytes([*range(0x20), 0x7F]) + b"[];\\"
#: What may still break ``_PLAIN_ROOTED`` in newline-joined safe root-relative paths:
#: empty and dot segments (``//``, ``/.``); in absolute URLs: an empty host.
_ROOTED_FLAW = re.compile(r"/[/.]")
_ABSOLUTE_FLAW = re.compile(r"://[/?#\n]")
#: Ends of a line or of the hrefs that make an empty query or fragment, or host.
_EMPTY_ENDS = ("?", "#", "://")


def _all_plain(hrefs: list[str], flaw: re.Pattern[str]) -> bool:
    """True when every href surely matches its ``_PLAIN_*`` pattern (each starting with
    ``/`` for ``_ROOTED_FLAW``, ``http://`` or ``https://`` for ``_ABSOLUTE_FLAW``): a few
    scans in C of the hrefs joined by newlines instead of a regex run per href. A
    sufficient test, not a necessary one (``/.well-known`` fails it)."""
    joined = "\n".join(hrefs)
    if not joined.isascii():
        return False
    raw = joined.encode("ascii")
    if len(raw) - len(raw.translate(None, _UNSAFE_BYTES)) != len(hrefs) - 1:
        return False  # an unsafe character, or a newline inside an href
    if joined.endswith(_EMPTY_ENDS) or flaw.search(joined) is not None:
        return False
    if "?" in joined and ("?#" in joined or "?\n" in joined):
        return False  # an empty query
    return "#\n" not in joined  # else an empty fragment


def _resolver(base: str | None, hrefs: list[str]) -> Callable[[str], str | None]:
    """``absolute`` against ``base`` for the stripped ``hrefs`` of a page: the base is
    checked once, and plain root-relative and absolute hrefs (the shapes
    ``_fast_absolute`` takes) are recognised in bulk or, failing that, one by one.
    Fragment-only hrefs (``#x``) all give the same link: the base's, resolved once."""
    origin = _web_origin(base) if base else None
    plain_ok = not base or origin is not None
    all_rooted = origin is not None and _all_plain(
        [h for h in hrefs if h[:1] == "/"], _ROOTED_FLAW)
    all_absolute = plain_ok and _all_plain(
        [h for h in hrefs if h.startswith(("http://", "https://"))], _ABSOLUTE_FLAW)
    rooted, plain = _PLAIN_ROOTED.fullmatch, _PLAIN_ABSOLUTE.fullmatch
    same_page: list[str | None] = []

    def resolve(href: str) -> str | None:
        first = href[:1]
        if first == "/" and origin is not None and (all_rooted or rooted(href)):
            return origin + href
        if first == "h" and plain_ok and (
                (all_absolute and href.startswith(("http://", "https://"))) or plain(href)):
            return href
        if first == "#" and len(href) > 1:
            if not same_page:
                same_page.append(absolute(base, href))
            return same_page[0]
        return absolute(base, href)

    return resolve


def page_links(tree: LexborHTMLParser, base: str | None) -> tuple[str, ...]:
    """Absolute http(s) hrefs of ``<a>``/``<area>``, fragment removed, deduplicated."""
    hrefs = list(dict.fromkeys([(node.attrs["href"] or "").strip() for node in
                                tree.css("a[href], area[href]")]))  # each resolved once
    seen: dict[str, None] = {}
    for url in map(_resolver(base, hrefs), hrefs):
        if url is not None:
            seen[url if "#" not in url else urldefrag(url).url] = None
    return tuple(seen)
