"""Which ``<img>``/``<amp-img>`` elements are pictures of the article.

Not: logos, avatars, icons, emoji, tracking pixels, ads, placeholders, share buttons,
link cards, related-story thumbnails, teaser cards and author-bio photos. Decided from
the element itself (hints, URL tokens, size) and its ancestors (furniture hints, links).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from urllib.parse import urlsplit

from selectolax.lexbor import LexborNode

from scraper.parse.blocks import is_boilerplate_heading
from scraper.parse.teasers import (
    HEADING_SELECTOR,
    MAX_TEASER_CHARS,
    TEASER_CARD_TAGS,
    heading_holders,
    heading_in_link,
    heading_mostly_linked,
)
from scraper.parse.text import (
    ancestors,
    attr,
    hints_match,
    in_other_story,
    iter_text_parts,
    node_text,
    normalize_space,
)
from scraper.parse.urls import absolute
from scraper.parse.vocab import (
    AD_ALT_TEXTS,
    AD_HOST_TOKENS,
    BOILERPLATE_ROLES,
    NON_CONTENT_IMAGE_SUBSTRINGS,
    NON_CONTENT_IMAGE_TOKENS,
    NON_CONTENT_IMAGE_URL_TOKENS,
    SKIP_TAGS,
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
#: A URL ``urlsplit`` reads plainly: an optional http(s) scheme, an optional authority
#: that is a bare host name (no user, port or IPv6 literal), a path, then anything after
#: ``?`` or ``#``; no leading space, and no tab or newline (``urlsplit`` removes them)
#: before the query. Groups: netloc, path.
_PLAIN_URL = re.compile(
    r"(?:https?:)?(?://([A-Za-z0-9.-]*)|(?!//))(/[^?#\t\r\n]*)?(?:[?#].*)?", re.S)
#: One of ``NON_CONTENT_IMAGE_URL_TOKENS`` as a whole token of a lower-cased URL path
#: (what splitting the path on ``_URL_TOKEN`` would give), found in one search.
_NON_CONTENT_PATH_TOKEN = re.compile(r"(?<![a-z0-9])(?:" + "|".join(
    sorted(t for t in NON_CONTENT_IMAGE_URL_TOKENS if re.fullmatch(r"[a-z0-9]+", t)))
    + r")(?![a-z0-9])")

#: Paragraphs read at most to prove a box longer than a teaser card (then the exact test).
MAX_PROOF_PARAGRAPHS = 8

#: An element's attributes, read once (``LexborNode.attributes`` builds a new dict).
Attrs = dict[str, str | None]


def _dimension(attrs: Attrs, name: str) -> int | None:
    match = _DIGITS.match(attrs.get(name) or "")
    return int(match.group(1)) if match else None


def _too_small(attrs: Attrs) -> bool:
    width, height = _dimension(attrs, "width"), _dimension(attrs, "height")
    if width is not None and height is not None:
        return max(width, height) <= MAX_ICON_PX
    known = width if width is not None else height
    return known is not None and known <= MAX_PIXEL_PX


def netloc_path(url: str) -> tuple[str, str]:
    """``urlsplit(url)``'s (netloc, path), read with one regex for the usual shapes
    (``http(s)://host/path``, ``//host/path``, ``/path``: a plain host, no tab or newline
    before the query); raises ``ValueError`` as ``urlsplit`` does."""
    plain = _PLAIN_URL.fullmatch(url)
    if plain is not None:
        return plain.group(1) or "", plain.group(2) or ""
    parts = urlsplit(url)
    return parts.netloc, parts.path


def _ad_url(url: str) -> bool:
    """A host label of an ad server, or a path token naming a non-content picture (a
    token: a whole run of lower-case letters and digits)."""
    lowered = url.lower()
    plain = _PLAIN_URL.fullmatch(lowered)
    if plain is not None:  # a plain host is its hostname
        host, path = plain.group(1) or "", plain.group(2) or ""
    else:
        try:
            parts = urlsplit(lowered)
        except ValueError:
            return False
        host, path = parts.hostname or "", parts.path
    if not AD_HOST_TOKENS.isdisjoint(host.split(".")):
        return True
    return _NON_CONTENT_PATH_TOKEN.search(path) is not None


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


def _non_content_hints(attrs: Attrs) -> bool:
    """``class``/``id`` name a logo, icon, avatar, ad, related box... (cached per value)."""
    return hints_match(attrs.get("class") or "", attrs.get("id") or "",
                       NON_CONTENT_IMAGE_TOKENS, NON_CONTENT_IMAGE_SUBSTRINGS)


def _own_signals(node: LexborNode) -> bool:
    """The element names itself a logo/icon/avatar/pixel, or comes from an ad server."""
    attrs = node.attributes
    if "placeholder" in attrs or _too_small(attrs) or _script_fallback(node):
        return True
    if _non_content_hints(attrs):
        return True
    if (attrs.get("alt") or "").strip().lower() in AD_ALT_TEXTS:
        return True
    return _ad_url(attrs.get("src") or attrs.get("data-src") or "")


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
        path = netloc_path(target)[1]
    except ValueError:
        return False
    if path in ("", "/"):
        return True
    if path.lower().endswith(IMAGE_EXTENSIONS):
        return False
    if not link.text(deep=True).strip():  # no text at all (a picture link), told in C
        return False
    return any(part.strip() for part in iter_text_parts(link))  # node_text(link) != ""


def _titled_box(node: LexborNode) -> bool:
    """A box whose own heading is a boilerplate one ("Related Stories", "Most read")."""
    return any(child.tag in SUBHEADING_TAGS and is_boilerplate_heading(child)
               for child in node.iter())


def _data_hints(attrs: Attrs) -> bool:
    module, component = attrs.get("data-module"), attrs.get("data-component")
    if not module and not component:
        return False
    data = f"{module or ''} {component or ''}".lower()
    return not NON_CONTENT_IMAGE_TOKENS.isdisjoint(_URL_TOKEN.split(data))


def _paragraphs_longer(node: LexborNode, limit: int) -> bool:
    """The text of the paragraphs below ``node`` (those shown: not in a skipped element,
    nor in another paragraph) is longer than ``limit``: then so is ``node_text(node)``,
    which holds each of them whole. A cheap proof for a large box; False: unknown."""
    total = 0
    for count, paragraph in enumerate(node.css("p")):
        if count == MAX_PROOF_PARAGRAPHS:
            return False
        if paragraph.mem_id != node.mem_id and not _shown_part(paragraph, node):
            continue
        total += len(node_text(paragraph))
        if total > limit:
            return True
    return False


def _shown_part(paragraph: LexborNode, node: LexborNode) -> bool:
    """No element from the paragraph's parent up to ``node`` is skipped or a paragraph."""
    for ancestor in ancestors(paragraph):
        if ancestor.tag in SKIP_TAGS or ancestor.tag == "p":
            return False
        if ancestor.mem_id == node.mem_id:
            return True
    return False


def _longer_than_teaser(node: LexborNode, memo: FurnitureMemo) -> bool:
    """``node_text(node)`` is longer than a teaser card's: known when an element on the
    way up from a picture was (``memo.long``), else bounds first, told in C (the
    paragraphs of a large box; every text node and element of a small one), then the
    text walked only as far as needed (a long box's text is proven by its start)."""
    if node.mem_id in memo.long:
        return True
    raw = len(node.text(deep=True))  # every text node, shown or not
    if raw > MAX_TEASER_CHARS and _paragraphs_longer(node, MAX_TEASER_CHARS):
        return True
    if raw < MAX_TEASER_CHARS and raw + 2 * len(node.css("*")) <= MAX_TEASER_CHARS:
        return False  # node_text adds at most a space before and after each element
    return text_longer(node, MAX_TEASER_CHARS)


def text_longer(node: LexborNode, limit: int) -> bool:
    """``len(node_text(node)) > limit``, the text parts read only until their normalised
    text is longer (the normalised text of a prefix is part of the whole one's). The
    prefix is measured again only after it has doubled, or grown enough to pass
    ``limit`` (each part adds at most its length, and a space, to it): linear."""
    parts: list[str] = []
    raw = 0
    next_check = limit
    for part in iter_text_parts(node):
        parts.append(part)
        raw += len(part)
        if raw > next_check:
            shown = len(normalize_space("".join(parts)))
            if shown > limit:
                return True
            next_check = max(2 * raw, raw + limit - shown)
    return len(normalize_space("".join(parts))) > limit


def _ancestor_is_furniture(node: LexborNode, base: str | None, memo: FurnitureMemo) -> bool:
    """Furniture by tag, ``data-*``/role/class hints, a card link, a boilerplate-titled
    box or a teaser card (the attribute checks first: they are the cheapest)."""
    tag = node.tag
    if tag in FURNITURE_ANCESTOR_TAGS:
        return True
    attrs = node.attributes
    if _data_hints(attrs) or (attrs.get("role") or "").lower() in BOILERPLATE_ROLES:
        return True
    if _non_content_hints(attrs):
        return True
    if tag == "a" and _link_is_furniture(node, base):
        return True
    holders = memo.holders
    if holders is not None and node.mem_id not in holders:
        return False  # no heading below: neither a titled box nor a teaser card
    return _titled_box(node) or _teaser(node, memo)


def _teaser(node: LexborNode, memo: FurnitureMemo) -> bool:
    """``is_teaser_card`` (of an element known to hold a heading): its cheap condition,
    a linked heading, checked before the text length, costly on large boxes."""
    if node.tag not in TEASER_CARD_TAGS:
        return False
    heading = node.css_first(HEADING_SELECTOR)
    if heading is None or not (heading_in_link(heading, node) or memo.mostly_linked(heading)):
        return False
    if _longer_than_teaser(node, memo):
        memo.long.add(node.mem_id)
        return False
    return True


class Ancestry:
    """The ancestors of one element, nearest first, climbed only as far as asked (a
    picture found to be furniture low down never climbs to the top)."""

    def __init__(self, node: LexborNode) -> None:
        self.known: list[LexborNode] = []
        self._rest = ancestors(node)

    def __iter__(self) -> Iterator[LexborNode]:
        """Every ancestor, nearest first, climbing further only when asked for it."""
        index = 0
        while True:
            if index == len(self.known) and not self._climb():
                return
            yield self.known[index]
            index += 1

    def _climb(self) -> bool:
        """One more ancestor known; False at the top."""
        parent = next(self._rest, None)
        if parent is None:
            return False
        self.known.append(parent)
        return True

    def first(self, count: int) -> list[LexborNode]:
        """The nearest ``count`` ancestors (fewer near the top)."""
        while len(self.known) < count and self._climb():
            pass
        return self.known[:count]

    def all(self) -> list[LexborNode]:
        """Every ancestor."""
        while self._climb():
            pass
        return self.known


class FurnitureMemo:
    """Per page: which ancestors are furniture (each judged once, however many pictures
    sit below it), which elements hold a heading (the early-out of the box and teaser
    checks; found on first use), which headings are mostly link text (nested boxes
    share their first heading) and which elements have a longer text than a teaser card
    (so has every element holding one: found climbing from a picture)."""

    def __init__(self, root: LexborNode | None) -> None:
        self.root = root
        self._holders: set[int] | None = None
        self.known: dict[int, bool] = {}
        self.linked: dict[int, bool] = {}
        self.long: set[int] = set()

    @property
    def holders(self) -> set[int] | None:
        """``mem_id`` of the elements holding a subheading (None without a root)."""
        if self._holders is None and self.root is not None:
            self._holders = heading_holders(self.root)
        return self._holders

    def is_furniture(self, node: LexborNode, base: str | None) -> bool:
        key = node.mem_id
        found = self.known.get(key)
        if found is None:
            found = self.known[key] = _ancestor_is_furniture(node, base, self)
        return found

    def mostly_linked(self, heading: LexborNode) -> bool:
        """``heading_mostly_linked``, once per heading."""
        key = heading.mem_id
        found = self.linked.get(key)
        if found is None:
            found = self.linked[key] = heading_mostly_linked(heading)
        return found


def is_content_visual(node: LexborNode, scope: LexborNode | None, base: str | None,
                      memo: FurnitureMemo | None = None,
                      chain: Iterable[LexborNode] | None = None) -> bool:
    """A picture of the article (``scope`` is None for a lead image outside the scope);
    ``memo`` shares the ancestors' verdicts between the pictures of one page, ``chain``
    gives the ancestors of ``node`` when the caller already has them."""
    if _own_signals(node):
        return False
    memo = memo if memo is not None else FurnitureMemo(None)
    scope_id = scope.mem_id if scope is not None else None
    below_long = False  # the previous ancestor (a child of this one) has long text
    for ancestor in chain if chain is not None else ancestors(node):
        key, tag = ancestor.mem_id, ancestor.tag
        if key == scope_id or tag in ("body", "html"):
            break
        if below_long and tag not in SKIP_TAGS:  # its text holds the child's whole
            memo.long.add(key)
        if memo.is_furniture(ancestor, base):
            return False
        below_long = key in memo.long
    return scope is None or not in_other_story(node, scope)
