"""Which ``<img>``/``<amp-img>`` elements are pictures of the article.

Not: logos, avatars, icons, emoji, tracking pixels, ads, placeholders, share buttons,
link cards, related-story thumbnails, teaser cards and author-bio photos. Decided from
the element itself (hints, URL tokens, size) and its ancestors (furniture hints, links).
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from selectolax.lexbor import LexborNode

from scraper.parse.blocks import is_boilerplate_heading
from scraper.parse.teasers import heading_holders, is_teaser_card
from scraper.parse.text import (
    ancestors,
    attr,
    in_other_story,
    matches_hints,
    node_text,
)
from scraper.parse.urls import absolute
from scraper.parse.vocab import (
    AD_ALT_TEXTS,
    AD_HOST_TOKENS,
    BOILERPLATE_ROLES,
    NON_CONTENT_IMAGE_SUBSTRINGS,
    NON_CONTENT_IMAGE_TOKENS,
    NON_CONTENT_IMAGE_URL_TOKENS,
    SUBHEADING_TAGS,
)

#: Both sides at most this many CSS pixels: a tracking pixel (1x1, 0x0).
MAX_PIXEL_PX = 1
#: Both sides at most this: an icon, emoji or avatar (Gravatar sizes are 32-96; content
#: pictures, even inline thumbnails, are at least 150 wide).
MAX_ICON_PX = 100
#: A link to one of these is a lightbox to the full-size picture, not a card.
IMAGE_EXTENSIONS = (".jpg", ".jpeg", ".png", ".gif", ".webp", ".avif", ".svg")
#: Ancestors that never hold the article's pictures.
FURNITURE_ANCESTOR_TAGS = frozenset({"nav", "footer", "aside", "amp-iframe", "iframe",
                                     "amp-ad", "amp-sticky-ad", "amp-embed", "button", "form"})
_URL_TOKEN = re.compile(r"[^a-z0-9]+")
_DIGITS = re.compile(r"^\s*(\d+)")


def _dimension(node: LexborNode, name: str) -> int | None:
    match = _DIGITS.match(attr(node, name))
    return int(match.group(1)) if match else None


def _too_small(node: LexborNode) -> bool:
    width, height = _dimension(node, "width"), _dimension(node, "height")
    if width is not None and height is not None:
        return max(width, height) <= MAX_ICON_PX
    known = width if width is not None else height
    return known is not None and known <= MAX_PIXEL_PX


def _url_tokens(url: str) -> tuple[set[str], set[str]]:
    """(host labels, path tokens) of an image URL, lower-cased."""
    try:
        parts = urlsplit(url.lower())
    except ValueError:
        return set(), set()
    host = set((parts.hostname or "").split("."))
    return host, {t for t in _URL_TOKEN.split(parts.path) if t}


def _script_fallback(node: LexborNode) -> bool:
    """An ``<img>`` in the ``<noscript>`` fallback of a script (a tracking beacon), not of
    a lazy-loaded picture."""
    parent = node.parent
    if parent is None or parent.tag != "noscript":
        return False
    sibling = parent.prev
    while sibling is not None and sibling.tag == "-text" and not (
            sibling.text_content or "").strip():
        sibling = sibling.prev
    return sibling is not None and sibling.tag == "script"


def _own_signals(node: LexborNode) -> bool:
    """The element names itself a logo/icon/avatar/pixel, or comes from an ad server."""
    if "placeholder" in node.attributes or _too_small(node) or _script_fallback(node):
        return True
    if matches_hints(node, NON_CONTENT_IMAGE_TOKENS, NON_CONTENT_IMAGE_SUBSTRINGS):
        return True
    if attr(node, "alt").strip().lower() in AD_ALT_TEXTS:
        return True
    host, path = _url_tokens(attr(node, "src") or attr(node, "data-src"))
    return not host.isdisjoint(AD_HOST_TOKENS) or not path.isdisjoint(
        NON_CONTENT_IMAGE_URL_TOKENS)


def _link_is_furniture(link: LexborNode, base: str | None) -> bool:
    """A link to the home page (logo), or to another page with text beside the picture
    (a link card or teaser); a link to the picture file itself is a lightbox."""
    href = attr(link, "href").strip()
    if not href or href.startswith("#"):
        return False
    if "home" in attr(link, "rel").lower().split():
        return True
    target = absolute(base, href) or href
    try:
        path = urlsplit(target).path
    except ValueError:
        return False
    if path in ("", "/"):
        return True
    if path.lower().endswith(IMAGE_EXTENSIONS):
        return False
    return bool(node_text(link))


def _titled_box(node: LexborNode) -> bool:
    """A box whose own heading is a boilerplate one ("Related Stories", "Most read")."""
    return any(child.tag in SUBHEADING_TAGS and is_boilerplate_heading(child)
               for child in node.iter())


def _data_hints(node: LexborNode) -> bool:
    data = f"{attr(node, 'data-module')} {attr(node, 'data-component')}".lower()
    return not NON_CONTENT_IMAGE_TOKENS.isdisjoint(_URL_TOKEN.split(data))


def _ancestor_is_furniture(node: LexborNode, base: str | None,
                           holders: set[int] | None) -> bool:
    if node.tag in FURNITURE_ANCESTOR_TAGS or _data_hints(node) or _titled_box(node):
        return True
    if attr(node, "role").lower() in BOILERPLATE_ROLES:
        return True
    if node.tag == "a" and _link_is_furniture(node, base):
        return True
    if matches_hints(node, NON_CONTENT_IMAGE_TOKENS, NON_CONTENT_IMAGE_SUBSTRINGS):
        return True
    return is_teaser_card(node, holders)


class FurnitureMemo:
    """Per page: which ancestors are furniture (each judged once, however many pictures
    sit below it), and which elements hold a heading (``is_teaser_card``'s early-out)."""

    def __init__(self, root: LexborNode | None) -> None:
        self.holders = heading_holders(root) if root is not None else None
        self.known: dict[int, bool] = {}

    def is_furniture(self, node: LexborNode, base: str | None) -> bool:
        key = node.mem_id
        found = self.known.get(key)
        if found is None:
            found = self.known[key] = _ancestor_is_furniture(node, base, self.holders)
        return found


def is_content_visual(node: LexborNode, scope: LexborNode | None, base: str | None,
                      memo: FurnitureMemo | None = None) -> bool:
    """A picture of the article (``scope`` is None for a lead image outside the scope);
    ``memo`` shares the ancestors' verdicts between the pictures of one page."""
    if _own_signals(node):
        return False
    memo = memo if memo is not None else FurnitureMemo(None)
    for ancestor in ancestors(node):
        if scope is not None and ancestor.mem_id == scope.mem_id:
            break
        if ancestor.tag in ("body", "html"):
            break
        if memo.is_furniture(ancestor, base):
            return False
    return scope is None or not in_other_story(node, scope)
