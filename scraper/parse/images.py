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
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from selectolax.lexbor import LexborHTMLParser, LexborNode

from scraper.models import Image
from scraper.parse.body import link_density
from scraper.parse.bylines import clean_name, is_agency, looks_like_person
from scraper.parse.imagefilter import FurnitureMemo, is_content_visual
from scraper.parse.jsonld import JsonObject, id_index, names, text_value, types_of
from scraper.parse.metadata import MetaMap
from scraper.parse.text import (
    ancestors,
    attr,
    has_media,
    hint_tokens,
    is_hidden,
    matches_hints,
    normalize_space,
)
from scraper.parse.urls import absolute
from scraper.parse.vocab import (
    BLOCK_TAGS,
    CAPTION_TOKENS,
    CREDIT_ITEMPROPS,
    CREDIT_LABELS,
    CREDIT_TOKENS,
    LAZY_SRC_ATTRS,
    LAZY_SRCSET_ATTRS,
    SCREEN_READER_SUBSTRINGS,
    SKIP_TAGS,
)

#: A caption sits in the image's figure, or in a wrapper at most this many levels up
#: (``div.bild > img + p.bildunterschrift``; Drupal nests the image three levels deep).
MAX_CAPTION_LEVELS = 3
#: A "caption" mostly made of links is a link card (Ghost bookmark, "read also" preview).
MAX_CAPTION_LINK_DENSITY = 0.5
#: og:image / twitter:image name the lead image (JSON-LD ``image`` comes first).
LEAD_IMAGE_META = ("og:image", "og:image:url", "og:image:secure_url", "twitter:image")
VISUAL_SELECTOR = "img, amp-img"
_CREDIT_LABEL = re.compile(
    r"^\(?\s*(?:" + "|".join(re.escape(w) for w in CREDIT_LABELS) + r")\s*[:,]|^\(?\s*©", re.I)
#: A credit beside (not inside) the caption is a short line; a credit told apart only by
#: being the caption's last element and a list of names is shorter still (two or three
#: names with an agency).
MAX_CREDIT_CHARS = 150
MAX_NAMES_CREDIT_CHARS = 80
#: WordPress ``-1024x683`` and Ghost ``/size/w600`` variants of one picture.
_TRAILING_LABEL = re.compile(
    r"(?:" + "|".join(re.escape(w) for w in CREDIT_LABELS) + r")\s*[:.,…]*\s*$", re.I)
_LEADING_LABEL = re.compile(
    r"^\(?\s*(?:" + "|".join(re.escape(w) for w in CREDIT_LABELS) + r")\s*[:.,…]+\s*", re.I)
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


def image_source(node: LexborNode) -> str | None:
    """The real (not placeholder) source of an ``<img>``/``<amp-img>``, unresolved."""
    attrs = node.attributes  # one dict per node, not one per attribute read
    for name in LAZY_SRC_ATTRS:
        found = _real(attrs.get(name) or "")
        if found:
            return found
    lazy_set = next((attrs.get(n) or "" for n in LAZY_SRCSET_ATTRS if attrs.get(n)), "")
    candidates = [srcset_largest(lazy_set) if lazy_set else None, _real(attrs.get("src") or ""),
                  srcset_largest(attrs.get("srcset") or "")]
    parent = node.parent
    picture = parent if parent is not None and parent.tag == "picture" else None
    if picture is not None:
        candidates.extend(srcset_largest(attr(s, "srcset") or attr(s, "data-srcset"))
                          for s in picture.css("source"))
    for candidate in candidates:
        found = _real(candidate or "")
        if found:
            return found
    return None


def _is_caption_node(node: LexborNode) -> bool:
    if node.tag in ("img", "meta", "a", "amp-img", "picture", "source"):
        return False
    return (node.tag == "figcaption" or "caption" in attr(node, "itemprop").lower()
            or not CAPTION_TOKENS.isdisjoint(hint_tokens(node)))


def _contains(outer: LexborNode, inner: LexborNode) -> bool:
    return outer.mem_id == inner.mem_id or any(a.mem_id == outer.mem_id for a in ancestors(inner))


def caption_node(container: LexborNode, visual: LexborNode) -> LexborNode | None:
    """``<figcaption>`` first, then ``itemprop=caption``, then a caption class."""
    found = [n for n in container.css("figcaption, [itemprop], [class], [id]")
             if n.mem_id != container.mem_id and _is_caption_node(n)
             and not _contains(n, visual)]
    figcaptions = [n for n in found if n.tag == "figcaption"]
    itemprops = [n for n in found if "caption" in attr(n, "itemprop").lower()]
    chosen = figcaptions or itemprops or found
    return chosen[0] if chosen else None


def _visual_count(node: LexborNode) -> int:
    return len({attr(n, "src") or n.mem_id for n in node.css(VISUAL_SELECTOR)
                if n.parent is None or n.parent.tag != "noscript"})


def caption_container(visual: LexborNode, tree: LexborHTMLParser) -> tuple[
        LexborNode | None, LexborNode | None]:
    """(the element holding the visual and its caption, the caption element)."""
    for node in (visual, *list(ancestors(visual))[:MAX_CAPTION_LEVELS + 1]):
        target = attr(node, "aria-describedby").split()
        if target:
            described = tree.css_first(f'[id="{target[0]}"]')
            if described is not None:
                return node, described
    for level, node in enumerate(ancestors(visual)):
        if node.tag in ("body", "html", "main") or level > MAX_CAPTION_LEVELS:
            break
        if node.tag == "figure":
            return node, caption_node(node, visual)
        found = caption_node(node, visual)
        if found is not None and _visual_count(node) == 1:
            return node, found
    return None, None


def _is_credit(node: LexborNode, in_caption: bool) -> bool:
    """A credit-marked element, a ``<small>``/``<cite>`` in the caption, or a short element
    opening with a credit label ("Photo:", "Crédit :", "Image source,")."""
    if not CREDIT_TOKENS.isdisjoint(hint_tokens(node)):
        return True
    if attr(node, "itemprop") in CREDIT_ITEMPROPS:
        return True
    if in_caption and node.tag in ("small", "cite"):
        return True
    text = normalize_space("".join(t.text_content or "" for t in node.traverse(
        include_text=True) if t.tag == "-text"))
    if not in_caption and (len(text) > MAX_CREDIT_CHARS or node.css_first(VISUAL_SELECTOR)):
        return False
    return _CREDIT_LABEL.match(text) is not None


def _names_only(text: str) -> bool:
    """"Eduardo Parra (Europa Press)", "Jane Doe / AFP": names and agencies only."""
    bare = re.sub(r"\(([^)]*)\)", r"/\1", text)
    parts = [clean_name(p) for p in re.split(r"[/,;|]", bare)]
    return all(p and (looks_like_person(p) or is_agency(p)) for p in parts)


def _element_children(caption: LexborNode) -> list[LexborNode]:
    """The caption's children when it is made of elements only (no loose text)."""
    children = [c for c in caption.iter(include_text=True)
                if c.tag != "-text" or (c.text_content or "").strip()]
    if len(children) < 2 or any(c.tag == "-text" for c in children):
        return []
    return children


def structural_credit(caption: LexborNode) -> LexborNode | None:
    """A caption written as separate elements with no text between them, the last one a
    short line of names (El País's ``<span>caption</span><span>Name (Agency)</span>``)."""
    children = _element_children(caption)
    if not children or children[-1].tag == "a":
        return None
    text = unlabelled(text_without(children[-1]))
    if 0 < len(text) <= MAX_NAMES_CREDIT_CHARS and _names_only(text):
        return children[-1]
    return None


def trailing_link(caption: LexborNode) -> LexborNode | None:
    """A link set after a caption made of elements ("Purchase Licensing Rights"): a
    service link, not part of the caption."""
    children = _element_children(caption)
    return children[-1] if children and children[-1].tag == "a" else None


def credit_node(container: LexborNode, caption: LexborNode | None,
                visual: LexborNode) -> LexborNode | None:
    """The credit element: in the caption (not the caption itself), else in the figure."""
    for scope, in_caption in ((caption, True), (container, False)):
        if scope is None:
            continue
        for node in scope.css("*"):
            if node.mem_id == scope.mem_id or _contains(node, visual):
                continue
            if caption is not None and not in_caption and _contains(caption, node):
                continue
            if _is_credit(node, in_caption):
                return node
    return None


def unlabelled(text: str) -> str:
    """A credit without its leading label ("Credit... Jane Doe" -> "Jane Doe")."""
    return _LEADING_LABEL.sub("", text, count=1).strip()


def _unseen(node: LexborNode) -> bool:
    """Hidden, or only for screen readers ("Image caption, " labels)."""
    return is_hidden(node) or matches_hints(node, frozenset(), SCREEN_READER_SUBSTRINGS)


def text_without(node: LexborNode, *removed: LexborNode | None) -> str:
    """Text a reader sees in ``node``, without the subtrees ``removed``."""
    parts: list[str] = []
    stack = [node]
    skipped = {r.mem_id for r in removed if r is not None}
    while stack:
        current = stack.pop()
        if current.mem_id in skipped:
            parts.append(" ")
            continue
        if current.tag == "-text":
            parts.append(current.text_content or "")
            continue
        if current.tag in SKIP_TAGS or current.tag is None or (
                current.mem_id != node.mem_id and _unseen(current)):
            continue
        if current.tag in BLOCK_TAGS or current.tag == "br":
            parts.append(" ")
        stack.extend(reversed(list(current.iter(include_text=True))))
    return normalize_space("".join(parts)).strip(" -–—|,;·•")


def split_known_credit(caption: str | None, credit: str | None,
                       credits: tuple[str, ...]) -> tuple[str | None, str | None]:
    """When structured data names a credit and the displayed caption ends with it, the
    caption stops before it (and before its label: "Credit...", "Photo:")."""
    shown = " ".join(t for t in (caption, credit) if t)
    known = next((c for c in credits if shown.endswith(c) and shown != c), None)
    if known is None:
        return caption, credit
    head = _TRAILING_LABEL.sub("", shown[: -len(known)]).strip(" -–—|,;·•")
    return head or None, known


def describe(visual: LexborNode, tree: LexborHTMLParser,
             credits: tuple[str, ...] = ()) -> tuple[str | None, str | None]:
    """(caption, credit) of a visual; ``credits`` are those structured data names."""
    container, caption = caption_container(visual, tree)
    if container is None:
        return None, None
    if caption is not None and link_density(caption) > MAX_CAPTION_LINK_DENSITY:
        caption = None
    credit = credit_node(container, caption, visual)
    credit_text = text_without(credit) if credit is not None else None
    if credit is None and caption is not None:
        credit = structural_credit(caption)  # recognised by its names: shown without label
        credit_text = unlabelled(text_without(credit)) if credit is not None else None
    caption_text = text_without(caption, credit, trailing_link(caption)) if (
        caption is not None) else None
    return split_known_credit(caption_text or None, credit_text or None, credits)


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
        parts = urlsplit(url)
    except ValueError:  # a malformed URL (bad IPv6 literal): compared as written
        return url
    name = _SIZE_VARIANT.sub("", parts.path.rsplit("/", 1)[-1])
    return f"{parts.netloc.lower()}/{name}"


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


def _visual_figure(node: LexborNode, tree: LexborHTMLParser, base: str | None,
                   position: int, credits: tuple[str, ...]) -> Figure:
    source = image_source(node)
    url = absolute(base, source) if source else None
    caption, credit = describe(node, tree, credits)
    return Figure(url, caption, credit, position)


def _outside_figure(node: LexborNode, tree: LexborHTMLParser, base: str | None,
                    lead_keys: set[str], order: dict[int, int], credits: tuple[str, ...],
                    memo: FurnitureMemo) -> Figure | None:
    """A visual outside the scope: the lead image when its source is one of
    ``lead_keys`` (checked first: cheap) and it is content."""
    source = image_source(node)
    url = absolute(base, source) if source else None
    if not url or _url_key(url) not in lead_keys or not is_content_visual(
            node, None, base, memo):
        return None
    return _visual_figure(node, tree, base, order.get(node.mem_id, 0), credits)


def collect_figures(tree: LexborHTMLParser, scope: LexborNode, base: str | None,
                    lead_keys: set[str], order: dict[int, int],
                    credits: tuple[str, ...]) -> list[Figure]:
    """Visuals of the scope (and the lead image shown outside it), in document order."""
    figures: list[Figure] = []
    inside_ids = {n.mem_id for n in scope.css(VISUAL_SELECTOR)}
    memo = FurnitureMemo(tree.root)
    for node in tree.css(VISUAL_SELECTOR):
        if node.mem_id not in inside_ids:
            outside = _outside_figure(node, tree, base, lead_keys, order, credits,
                                      memo) if lead_keys else None
            if outside is not None:
                figures.append(outside)
        elif is_content_visual(node, scope, base, memo):
            figures.append(_visual_figure(node, tree, base, order.get(node.mem_id, 0),
                                          credits))
    for node in scope.css("figure"):
        if node.css_first(VISUAL_SELECTOR) is None and has_media(node):
            caption = caption_node(node, node)
            text = text_without(caption, credit_node(node, caption, node)) if caption else None
            figures.append(Figure(None, text or None, None, order.get(node.mem_id, 0)))
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
