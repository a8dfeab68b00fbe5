"""Topic tags and the site section an article is filed under.

Tags: ``article:tag`` meta (a comma-separated value split), JSON-LD ``keywords``
(comma-separated string or list), then ``rel=tag`` links inside the article; each once
(case-insensitively, first spelling kept), in order of first appearance. Category links
(``rel="category tag"``) are sections, not tags; unmarked "Topics" link boxes and
``<meta name=keywords>`` (SEO lists) are not tags (fixtures/README.md).

Section: ``article:section``, JSON-LD ``articleSection`` (the first one), else the last
category of a breadcrumb (JSON-LD ``BreadcrumbList``, a marked breadcrumb element, or an
unmarked trail of links from the home page joined by ``>``/``›``/``»``, after an optional
"You are here:" label), without the home item and without the article's own title.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any
from urllib.parse import urlsplit

from selectolax.lexbor import LexborHTMLParser, LexborNode

from scraper.parse.jsonld import JsonObject, text_value, types_of
from scraper.parse.metadata import MetaMap
from scraper.parse.text import attr, node_text, normalize_space, tokens_of
from scraper.parse.vocab import BREADCRUMB_SEPARATORS, BREADCRUMB_TOKENS, HOME_WORDS

TAG_META = ("article:tag", "og:article:tag")
SECTION_META = ("article:section", "og:article:section")
#: A tag is a word or a short phrase; longer link text in a tag box is a sentence.
MAX_TAG_CHARS = 60
#: An unmarked breadcrumb trail holds at least a home link and one category link.
MIN_TRAIL_LINKS = 2


def dedup_casefold(values: list[str]) -> tuple[str, ...]:
    seen: dict[str, str] = {}
    for value in values:
        clean = normalize_space(value).strip(" ,;#")
        if clean:
            seen.setdefault(clean.casefold(), clean)
    return tuple(seen.values())


def _keywords(value: Any) -> list[str]:
    if isinstance(value, str):
        return value.split(",")
    if isinstance(value, list):
        return [v for item in value for v in _keywords(item)] if all(
            isinstance(i, str) for i in value) else [t for i in value if (t := text_value(i))]
    return []


def _is_tag_link(link: LexborNode) -> bool:
    rel = attr(link, "rel").lower().split()
    return "tag" in rel and "category" not in rel


def _tag_links(scope: LexborNode) -> list[str]:
    found: list[str] = []
    for link in scope.css("a[href][rel]"):
        if _is_tag_link(link):
            text = node_text(link)
            if 0 < len(text) <= MAX_TAG_CHARS:
                found.append(text)
    return found


def extract_tags(meta: MetaMap, article: JsonObject | None, scope: LexborNode) -> tuple[
        str, ...]:
    values = [t for key in TAG_META for v in meta.get(key, []) for t in v.split(",")]
    if article is not None:
        values += _keywords(article.get("keywords"))
    return dedup_casefold(values + _tag_links(scope))


def _href_url(href: str) -> str | None:
    """An href as a URL whose path can be read (``/news`` on a placeholder host)."""
    href = href.strip()
    if href.startswith("/") and not href.startswith("//"):
        return "http://host.invalid" + href
    return href if "://" in href else None


def _is_home(name: str, url: str | None) -> bool:
    if name.casefold() in HOME_WORDS:
        return True
    try:
        return url is not None and urlsplit(url).path in ("", "/") and not urlsplit(url).fragment
    except ValueError:
        return False


def _last_category(items: list[tuple[str, str | None]], title: str | None) -> str | None:
    """The last item that is neither home nor the page itself (the title, or a final item
    without a link: "Archives for Jane Doe")."""
    if len(items) > 1 and items[-1][1] is None:
        items = items[:-1]
    folded_title = (title or "").casefold()
    kept = [name for name, url in items
            if name and not _is_home(name, url) and name.casefold() != folded_title]
    return kept[-1] if kept else None


def _ld_item(element: JsonObject) -> tuple[str, str | None]:
    item = element.get("item")
    name = text_value(element.get("name")) or (
        text_value(item.get("name")) if isinstance(item, dict) else None)
    url = item if isinstance(item, str) else (
        text_value(item.get("@id") or item.get("url")) if isinstance(item, dict) else None)
    return name or "", url


def _position(element: JsonObject) -> int:
    value = element.get("position")
    return value if isinstance(value, int) else 0


def jsonld_breadcrumb(objects: list[JsonObject], title: str | None) -> str | None:
    for obj in objects:
        elements = obj.get("itemListElement")
        if "BreadcrumbList" not in types_of(obj) or not isinstance(elements, list):
            continue
        ordered = sorted((e for e in elements if isinstance(e, dict)), key=_position)
        found = _last_category([_ld_item(e) for e in ordered], title)
        if found:
            return found
    return None


def _link_items(node: LexborNode) -> list[tuple[str, str | None]]:
    items: list[tuple[str, str | None]] = []
    for link in node.css("a[href]"):
        items.append((node_text(link), _href_url(attr(link, "href"))))
    return items


def _is_trail(node: LexborNode) -> bool:
    """Links joined only by separators, the first to the home page; a label ending in a
    colon ("Sie sind hier :") may come first."""
    links = 0
    for child in node.iter(include_text=True):
        if child.tag == "-text":
            text = (child.text_content or "").strip(" \n\t\u00a0" + BREADCRUMB_SEPARATORS)
            if text and not (links == 0 and text.endswith(":")):
                return False
        elif child.tag == "a":
            if links == 0 and not _is_home(node_text(child), _href_url(attr(child, "href"))):
                return False
            links += 1
        elif child.tag not in ("br", "span"):
            return False
    return links >= MIN_TRAIL_LINKS


#: Elements that may be marked as a breadcrumb (``_marked_in_order`` reads them all).
_MARK_SELECTOR = "[class], [id], [aria-label], [itemtype]"
#: Elements that may be marked by something other than their class (few on a page).
_OTHER_MARK_SELECTOR = "[id], [aria-label], [itemtype]"
#: Elements of the body with at least two ``<a>`` children: the only ones that can hold
#: an unmarked trail (one C query instead of reading the children of every element).
_LINK_PARENT_SELECTOR = "body *:has(> a ~ a)"


def _crumb_value(value: str) -> bool:
    """A class or id value holding a breadcrumb token (``tokens_of`` unions the tokens
    of a class and an id value: an element is marked when either value is)."""
    return not BREADCRUMB_TOKENS.isdisjoint(tokens_of(value, ""))


def _other_mark(attrs: dict[str, str | None]) -> bool:
    """Marked by an id token, an aria-label or a microdata type (the class aside)."""
    return _crumb_value(attrs.get("id") or "") or (
        "breadcrumb" in (attrs.get("aria-label") or "").lower()) or (
        "BreadcrumbList" in (attrs.get("itemtype") or ""))


def _marked_in_order(tree: LexborHTMLParser) -> Iterator[LexborNode]:
    """Marked elements in document order, lazily, reading every attribute of each element
    that may be marked (an element may come twice in a row: a selector list repeats it)."""
    verdicts: dict[str, bool] = {}
    for node in tree.css(_MARK_SELECTOR):
        attrs = node.attributes
        value = attrs.get("class") or ""
        marked = verdicts.get(value)
        if marked is None:
            marked = verdicts[value] = _crumb_value(value)
        if marked or _other_mark(attrs):
            yield node


def _class_marked(tree: LexborHTMLParser) -> list[LexborNode]:
    """Elements whose class holds a breadcrumb token, in document order: the class alone
    is read per element (no attribute dict), one verdict per distinct value."""
    nodes = tree.css("[class]")
    values = [node.attrs.get("class") or "" for node in nodes]
    disjoint = BREADCRUMB_TOKENS.isdisjoint
    marked = {value for value in set(values) if not disjoint(tokens_of(value, ""))}
    if not marked:
        return []
    return [node for node, value in zip(nodes, values, strict=True) if value in marked]


def _marked_nodes(tree: LexborHTMLParser) -> Iterable[LexborNode]:
    """Elements marked as a breadcrumb (aria-label, microdata type, class or id token),
    in document order. Most pages mark none: the few elements with an id, aria-label or
    microdata type are read first; when none is marked, only classes can be, read alone.
    Else one lazy walk reads them all (the first marked element usually answers)."""
    if any(_other_mark(node.attributes) for node in tree.css(_OTHER_MARK_SELECTOR)):
        return _marked_in_order(tree)
    return _class_marked(tree)


def html_breadcrumb(tree: LexborHTMLParser, title: str | None) -> str | None:
    for node in _marked_nodes(tree):
        found = _last_category(_link_items(node), title)
        if found:
            return found
    for node in tree.css(_LINK_PARENT_SELECTOR):  # a trail counts its own <a> children
        if node.tag != "nav" and _is_trail(node):
            found = _last_category(_link_items(node), title)
            if found:
                return found
    return None


def extract_section(tree: LexborHTMLParser, meta: MetaMap, article: JsonObject | None,
                    objects: list[JsonObject], title: str | None) -> str | None:
    for key in SECTION_META:
        if meta.get(key):
            return meta[key][0]
    if article is not None:
        section = text_value(article.get("articleSection"))
        if section:
            return section
    return jsonld_breadcrumb(objects, title) or html_breadcrumb(tree, title)
