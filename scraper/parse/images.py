"""Content images of the article and their captions and credits, in document order.

One analysis gives both ``images`` and ``captions``: every ``<img>``/``<amp-img>`` of
the article scope (plus the JSON-LD/og:image lead image when the page shows it outside
the scope) is a *visual*; its real source is resolved (lazy attributes, ``srcset``,
``<picture><source>``, ``<noscript>``), page furniture is dropped (logos, avatars,
icons, pixels, ads, link cards, related-story thumbnails, author photos), and the
caption is read from its figure: ``<figcaption>``, ``itemprop=caption``, a caption
class, or the ``aria-describedby`` target. A credit in its own element is separated.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from selectolax.lexbor import LexborHTMLParser, LexborNode

from scraper.models import Image
from scraper.parse.body import link_density
from scraper.parse.credits import (
    VISUAL_SELECTOR,
    credit_node,
    element_children,
    split_known_credit,
    structural_credit,
    text_without,
    trailing_link,
    unlabelled,
)
from scraper.parse.imagefilter import (
    Ancestry,
    FurnitureMemo,
    is_content_visual,
    netloc_path,
)
from scraper.parse.jsonld import JsonObject, id_index, names, text_value, types_of
from scraper.parse.metadata import MetaMap
from scraper.parse.text import (
    attr,
    has_media,
    tokens_of,
)
from scraper.parse.urls import absolute
from scraper.parse.vocab import (
    CAPTION_TOKENS,
    LAZY_SRC_ATTRS,
    LAZY_SRCSET_ATTRS,
)

#: A caption sits in the image's figure, or in a wrapper at most this many levels up
#: (``div.bild > img + p.bildunterschrift``; Drupal nests the image three levels deep).
MAX_CAPTION_LEVELS = 3
#: A "caption" mostly made of links is a link card (Ghost bookmark, "read also" preview).
MAX_CAPTION_LINK_DENSITY = 0.5
#: og:image / twitter:image name the lead image (JSON-LD ``image`` comes first).
LEAD_IMAGE_META = ("og:image", "og:image:url", "og:image:secure_url", "twitter:image")
#: Elements that may be a caption besides ``<figcaption>`` (looked for first, on its own:
#: one tag is a quicker query); ``_caption_kind`` tells which are, and how.
CAPTION_CANDIDATES = "[class], [id], [itemprop]"
#: Caption kinds, ``<figcaption>`` preferred, then ``itemprop=caption``, then a class.
NOT_CAPTION, FIGCAPTION, ITEMPROP_CAPTION, HINTED_CAPTION = range(4)
#: Never a caption, whatever their class says.
NOT_CAPTION_TAGS = frozenset({"img", "meta", "a", "amp-img", "picture", "source"})
#: WordPress ``-1024x683`` and Ghost ``/size/w600`` variants of one picture.
_SIZE_VARIANT = re.compile(r"-\d+x\d+(?=\.\w+$)")
_SRCSET_ITEM = re.compile(r"\s*(\S+?)(?:\s+(\d+(?:\.\d+)?)([wx]))?\s*(?:,|$)")


@dataclass(frozen=True)
class Figure:
    """One visual: its source (None when it has none), caption and credit."""

    url: str | None
    caption: str | None
    credit: str | None
    position: int


def srcset_largest(value: str) -> str | None:
    """The widest (or highest-density) candidate of a ``srcset``; the last when unsized."""
    best: tuple[float, str] | None = None
    for match in _SRCSET_ITEM.finditer(value):
        url, size = match.group(1), float(match.group(2) or 0)
        if url and (best is None or size >= best[0]):
            best = (size, url)
    return best[1] if best else None


def _real(value: str) -> str | None:
    value = value.strip()
    return value if value and not value.lower().startswith(("data:", "about:", "#")) else None


def _picture_sources(node: LexborNode) -> Iterator[str | None]:
    """The largest candidates of the ``<source>`` elements of the ``<picture>`` holding
    ``node`` (each read only when needed)."""
    parent = node.parent
    if parent is not None and parent.tag == "picture":
        for source in parent.css("source"):
            yield srcset_largest(attr(source, "srcset") or attr(source, "data-srcset"))


def image_source(node: LexborNode) -> str | None:
    """The real (not placeholder) source of an ``<img>``/``<amp-img>``, unresolved: a lazy
    source, a lazy ``srcset``, ``src``, ``srcset``, then the ``<source>`` elements of a
    ``<picture>`` (``_real`` keeps a real value as it is: checked once)."""
    attrs = node.attributes  # one dict per node, not one per attribute read
    for name in LAZY_SRC_ATTRS:
        value = attrs.get(name)
        found = _real(value) if value else None
        if found:
            return found
    lazy_set = next((attrs.get(n) or "" for n in LAZY_SRCSET_ATTRS if attrs.get(n)), "")
    found = _real(srcset_largest(lazy_set) or "") if lazy_set else None
    if found:
        return found
    found = _real(attrs.get("src") or "")
    if found:
        return found
    srcset = attrs.get("srcset")
    found = _real(srcset_largest(srcset) or "") if srcset else None
    if found:
        return found
    for candidate in _picture_sources(node):
        found = _real(candidate or "")
        if found:
            return found
    return None


def _caption_kind(node: LexborNode) -> int:
    """``FIGCAPTION``, ``ITEMPROP_CAPTION``, ``HINTED_CAPTION`` or ``NOT_CAPTION``."""
    tag = node.tag
    if tag in NOT_CAPTION_TAGS:
        return NOT_CAPTION
    if tag == "figcaption":
        return FIGCAPTION
    attrs = node.attributes
    if "caption" in (attrs.get("itemprop") or "").lower():
        return ITEMPROP_CAPTION
    tokens = tokens_of(attrs.get("class") or "", attrs.get("id") or "")
    return NOT_CAPTION if CAPTION_TOKENS.isdisjoint(tokens) else HINTED_CAPTION


#: A caption candidate: the element, its ``mem_id`` and its caption kind.
Candidate = tuple[LexborNode, int, int]


class _Scan:
    """One container's caption elements, judged lazily in document order: a caption
    search stops at its first hit, and the next (a neighbouring visual's) resumes."""

    def __init__(self, container: LexborNode) -> None:
        self.own = container.mem_id
        self.hits: list[Candidate] = []
        self.rest: Iterator[LexborNode] = iter(container.css(CAPTION_CANDIDATES))


class Captions:
    """Per page: the tree, each element's caption kind, and each container's caption
    elements and whether it holds one visual only (the containers tried for one visual
    nest, and neighbouring visuals share them: each element is judged once, each
    container searched once)."""

    def __init__(self, tree: LexborHTMLParser) -> None:
        self.tree = tree
        self.kinds: dict[int, int] = {}
        self.scans: dict[int, _Scan] = {}
        self.itemprops: dict[int, bool] = {}
        self.singles: dict[int, bool] = {}

    def candidates(self, container: LexborNode) -> Iterator[Candidate]:
        """The caption elements below ``container`` with a class, id or ``itemprop``, in
        document order (each judged when first reached)."""
        scan = self.scans.get(container.mem_id)
        if scan is None:
            scan = self.scans[container.mem_id] = _Scan(container)
        yield from scan.hits[:]  # the hits known, then more judged (each once)
        kinds, hits = self.kinds, scan.hits
        for node in scan.rest:
            key = node.mem_id
            kind = kinds.get(key)
            if kind is None:
                kind = kinds[key] = _caption_kind(node)
            if kind and key != scan.own:
                hits.append((node, key, kind))
                yield hits[-1]

    def has_itemprop(self, container: LexborNode) -> bool:
        """Some element below ``container`` has an ``itemprop`` (asked once, in C)."""
        own = container.mem_id
        found = self.itemprops.get(own)
        if found is None:
            found = self.itemprops[own] = container.css_first("[itemprop]") is not None
        return found

    def single_visual(self, container: LexborNode) -> bool:
        """``_single_visual`` of ``container``, told once."""
        own = container.mem_id
        found = self.singles.get(own)
        if found is None:
            found = self.singles[own] = _single_visual(container)
        return found


def line_of(visual: LexborNode, chain: list[LexborNode]) -> set[int]:
    """``mem_id`` of the visual and of ``chain``, ancestors of it (elements containing it)."""
    return {visual.mem_id, *(a.mem_id for a in chain)}


def caption_node(container: LexborNode, line: set[int],
                 captions: Captions) -> LexborNode | None:
    """``<figcaption>`` first, then ``itemprop=caption``, then a caption class: the
    first of the container's elements (not containing the visual: ``line``) of that kind
    (no figcaption is a candidate left: the first query saw them all)."""
    own = container.mem_id
    for node in container.css("figcaption"):
        if node.mem_id != own and node.mem_id not in line:
            return node
    first: LexborNode | None = None  # every figcaption left contains the visual
    for node, key, kind in captions.candidates(container):
        if key in line:
            continue
        if kind != HINTED_CAPTION:  # itemprop=caption: preferred to any class
            return node
        if first is None:
            first = node
            if not captions.has_itemprop(container):  # no itemprop=caption to prefer
                return first
    return first


def _single_visual(node: LexborNode) -> bool:
    """``node`` shows one picture (its ``<noscript>`` fallback, or the same source again,
    is the same picture): read until a second one."""
    first: str | int | None = None
    for visual in node.css(VISUAL_SELECTOR):
        parent = visual.parent
        if parent is not None and parent.tag == "noscript":
            continue
        key = attr(visual, "src") or visual.mem_id
        if first is None:
            first = key
        elif key != first:
            return False
    return first is not None


def _described_by(visual: LexborNode, near: list[LexborNode], tree: LexborHTMLParser) -> tuple[
        LexborNode | None, LexborNode | None]:
    """(the visual or a near ancestor with ``aria-describedby``, the element it names)."""
    for node in (visual, *near):
        target = attr(node, "aria-describedby").split()
        if target:
            described = tree.css_first(f'[id="{target[0]}"]')
            if described is not None:
                return node, described
    return None, None


def caption_container(near: list[LexborNode], line: set[int], captions: Captions) -> tuple[
        LexborNode | None, LexborNode | None]:
    """(the element holding the visual and its caption, the caption element): the
    nearest of its ancestors ``near`` holding a caption; ``line`` is their and the
    visual's ``mem_id``."""
    for node in near:
        if node.tag in ("body", "html", "main"):
            break
        if node.tag == "figure":
            return node, caption_node(node, line, captions)
        found = caption_node(node, line, captions)
        if found is not None and captions.single_visual(node):
            return node, found
    return None, None


def describe(visual: LexborNode, ancestry: Ancestry, captions: Captions,
             credits: tuple[str, ...] = ()) -> tuple[str | None, str | None]:
    """(caption, credit) of a visual; ``credits`` are those structured data names."""
    near = ancestry.first(MAX_CAPTION_LEVELS + 1)
    container, caption = _described_by(visual, near, captions.tree)
    if container is not None:  # the caption may lie anywhere: every ancestor is excluded
        line = line_of(visual, ancestry.all())
    else:  # all below the container: the ancestors up to it are all that contain the visual
        line = line_of(visual, near)
        container, caption = caption_container(near, line, captions)
    if container is None:
        return None, None
    if caption is not None and _link_card(caption):
        caption = None
    credit = credit_node(container, caption, line)
    credit_text = text_without(credit) if credit is not None else None
    if caption is None:
        return split_known_credit(None, credit_text or None, credits)
    children = element_children(caption)
    if credit is None:
        credit = structural_credit(children)  # recognised by its names: shown without label
        credit_text = unlabelled(text_without(credit)) if credit is not None else None
    caption_text = text_without(caption, credit, trailing_link(children))
    return split_known_credit(caption_text or None, credit_text or None, credits)


def _link_card(caption: LexborNode) -> bool:
    """A "caption" mostly made of links (none: no text to measure)."""
    return caption.css_first("a") is not None and link_density(
        caption) > MAX_CAPTION_LINK_DENSITY


def structured_credits(article: JsonObject | None, objects: list[JsonObject]) -> tuple[
        str, ...]:
    """Credits of JSON-LD ``ImageObject``s (``creditText``, ``copyrightHolder``), longest
    first (a page renders each picture at other sizes than the JSON-LD names)."""
    images = [o for o in objects if "ImageObject" in types_of(o)]
    if article is not None:
        value = article.get("image")
        images += [i for i in (value if isinstance(value, list) else [value])
                   if isinstance(i, dict)]
    index = id_index(objects)
    credits = {c for image in images if (c := text_value(image.get("creditText")) or next(
        iter(names(image.get("copyrightHolder"), index)), None))}
    return tuple(sorted(credits, key=len, reverse=True))


def _url_key(url: str) -> str:
    """Host and file name without a size suffix: the same picture at another size or
    crop (``photo-1200x800.jpg``, ``/664/0/75/0/photo.jpg``) has the same key."""
    try:
        netloc, path = netloc_path(url)
    except ValueError:  # a malformed URL (bad IPv6 literal): compared as written
        return url
    name = _SIZE_VARIANT.sub("", path.rsplit("/", 1)[-1])
    return f"{netloc.lower()}/{name}"


def _image_urls(value: Any) -> list[str]:
    items = value if isinstance(value, list) else [value]
    found: list[str] = []
    for item in items:
        if isinstance(item, str):
            found.append(item)
        elif isinstance(item, dict):
            found.extend(v for k in ("url", "contentUrl") if isinstance(v := item.get(k), str))
    return found


def lead_image_keys(article: JsonObject | None, meta: MetaMap, base: str | None) -> set[str]:
    raw = _image_urls(article.get("image")) if article else []
    raw += [v for key in LEAD_IMAGE_META for v in meta.get(key, [])]
    return {_url_key(u) for u in (absolute(base, r) for r in raw) if u}


def _visuals(tree: LexborHTMLParser) -> list[LexborNode]:
    """Every ``<img>``/``<amp-img>`` of the page, in document order. ``tags`` answers at
    once for a tag name the page never uses (a CSS query for a custom element's name
    costs a walk of the page): most pages have no ``<amp-img>``."""
    return tree.css(VISUAL_SELECTOR) if tree.tags("amp-img") else tree.css("img")


def _subtree_span(node: LexborNode, order: dict[int, int]) -> tuple[int, int] | None:
    """(position of ``node``, position of the first element after its subtree): its
    subtree is the positions in between. None when ``node`` has no position."""
    start = order.get(node.mem_id)
    if start is None:
        return None
    current: LexborNode | None = node
    while current is not None:
        sibling = current.next
        while sibling is not None:
            position = order.get(sibling.mem_id)  # None for a text node
            if position is not None:
                return start, position
            sibling = sibling.next
        current = current.parent
    return start, sys.maxsize


def _inside_ids(scope: LexborNode, visuals: list[LexborNode],
                order: dict[int, int]) -> set[int]:
    """``mem_id`` of the visuals in ``scope`` (or ``scope`` itself), told from document
    positions (no second query); a CSS query when a position is unknown."""
    span = _subtree_span(scope, order)
    inside: set[int] = set()
    for visual in visuals:
        key = visual.mem_id
        position = order.get(key)
        if span is None or position is None:
            return {n.mem_id for n in scope.css(VISUAL_SELECTOR)}
        if span[0] <= position < span[1]:
            inside.add(key)
    return inside


class _Collector:
    """Per page: what the figures of every visual are built from."""

    def __init__(self, tree: LexborHTMLParser, scope: LexborNode, base: str | None,
                 order: dict[int, int], credits: tuple[str, ...]) -> None:
        self.scope, self.base, self.order, self.credits = scope, base, order, credits
        self.captions = Captions(tree)
        self.inside_memo = FurnitureMemo(scope)  # only elements below the scope are asked
        self.outside_memo = FurnitureMemo(tree.root)

    def figure(self, node: LexborNode, ancestry: Ancestry) -> Figure:
        """The figure of a content visual."""
        source = image_source(node)
        url = absolute(self.base, source) if source else None
        caption, credit = describe(node, ancestry, self.captions, self.credits)
        return Figure(url, caption, credit, self.order.get(node.mem_id, 0))

    def inside(self, node: LexborNode) -> Figure | None:
        """A visual of the scope: its figure when it is content."""
        ancestry = Ancestry(node)  # climbed once, as far as needed: furniture, then caption
        if not is_content_visual(node, self.scope, self.base, self.inside_memo, ancestry):
            return None
        return self.figure(node, ancestry)

    def outside(self, node: LexborNode, lead_keys: set[str]) -> Figure | None:
        """A visual outside the scope: the lead image when its source is one of
        ``lead_keys`` (checked first: cheap) and it is content."""
        source = image_source(node)
        url = absolute(self.base, source) if source else None
        if not url or _url_key(url) not in lead_keys:
            return None
        ancestry = Ancestry(node)
        if not is_content_visual(node, None, self.base, self.outside_memo, ancestry):
            return None
        return self.figure(node, ancestry)


def _media_figures(scope: LexborNode, captions: Captions,
                   order: dict[int, int]) -> list[Figure]:
    """Figures of the scope holding media other than a picture (a video, an embed):
    their caption only."""
    figures: list[Figure] = []
    for node in scope.css("figure"):
        if node.css_first(VISUAL_SELECTOR) is None and has_media(node):
            line = {node.mem_id}
            caption = caption_node(node, line, captions)
            text = text_without(caption, credit_node(node, caption, line)) if caption else None
            figures.append(Figure(None, text or None, None, order.get(node.mem_id, 0)))
    return figures


def collect_figures(tree: LexborHTMLParser, scope: LexborNode, base: str | None,
                    lead_keys: set[str], order: dict[int, int],
                    credits: tuple[str, ...]) -> list[Figure]:
    """Visuals of the scope (and the lead image shown outside it), in document order."""
    collector = _Collector(tree, scope, base, order, credits)
    visuals = _visuals(tree)
    inside_ids = _inside_ids(scope, visuals, order)
    figures: list[Figure] = []
    for node in visuals:
        if node.mem_id in inside_ids:
            found = collector.inside(node)
        else:
            found = collector.outside(node, lead_keys) if lead_keys else None
        if found is not None:
            figures.append(found)
    figures += _media_figures(scope, collector.captions, order)
    return sorted(figures, key=lambda f: f.position)


def extract_images(tree: LexborHTMLParser, scope: LexborNode, base: str | None,
                   article: JsonObject | None, objects: list[JsonObject], meta: MetaMap,
                   order: dict[int, int]) -> tuple[tuple[Image, ...], tuple[str, ...]]:
    """(images, captions): each image URL once, each caption text once, in order."""
    figures = collect_figures(tree, scope, base, lead_image_keys(article, meta, base), order,
                              structured_credits(article, objects))
    images: dict[str, Image] = {}
    captions: dict[str, None] = {}
    for figure in figures:
        seen = images.get(figure.url) if figure.url else None
        if figure.url and (seen is None or (seen.caption is None and figure.caption)):
            images[figure.url] = Image(figure.url, figure.caption, figure.credit)
        if figure.caption:
            captions.setdefault(figure.caption, None)
    return tuple(images.values()), tuple(captions)
