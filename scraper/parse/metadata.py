"""Page metadata: ``<meta>`` map, canonical URL, title, dates, language.

Each field follows the same order: JSON-LD first, then ``<meta>`` (Open Graph, Dublin
Core, microdata), then visible markup.
"""

from __future__ import annotations

import json
import re
from datetime import datetime
from email.utils import parsedate_to_datetime
from typing import Any

from selectolax.lexbor import LexborHTMLParser, LexborNode

from scraper.parse.jsonld import (
    JsonObject,
    first_value,
    id_index,
    names,
    types_of,
)
from scraper.parse.language import minimize_language
from scraper.parse.text import attr, node_text, normalize_space
from scraper.parse.urls import absolute

MetaMap = dict[str, list[str]]

PUBLISHED_META = (
    "article:published_time", "og:article:published_time", "og:published_time",
    "datepublished", "publishdate", "publish-date", "pubdate", "dc.date.issued",
    "dcterms.issued", "dcterms.created", "dc.date", "date", "sailthru.date",
    "parsely-pub-date", "article.published", "cxenseparse:recs:publishtime",
)
MODIFIED_META = (
    "article:modified_time", "og:article:modified_time", "og:updated_time", "datemodified",
    "dcterms.modified", "dc.date.modified", "last-modified", "article.updated",
)
LANGUAGE_META = ("content-language", "language", "dc.language", "dcterms.language")
SITE_NAME_META = ("og:site_name", "application-name", "apple-mobile-web-app-title")
TITLE_META = ("og:title", "twitter:title", "dc.title", "headline")
#: Bounds the descriptions read from one JSON-LD block (pages list a few objects).
MAX_JSON_DESCRIPTIONS = 20
DESCRIPTION_META = ("description", "og:description", "twitter:description", "dc.description")
#: Separators between a headline and the site name in ``<title>`` / og:title.
_TITLE_SEPARATOR = re.compile(r"\s+[-|–—·•:»/]\s+|\s*\|\s*")
#: Separators that never occur inside a headline, only between it and the site name.
_SITE_PIPE = re.compile(r"\s+[|·•»]\s+|\s*\|\s*")
#: With no known site name, a tail after a pipe is taken as one when it is this short and
#: the head is a headline (a "Headline | Site Name" ``<title>``: site names are 1-4 words,
#: headlines rarely under 3).
MAX_SITE_NAME_WORDS = 4
MIN_HEADLINE_WORDS = 3
_DATE_ONLY = re.compile(r"^\d{4}-\d{2}-\d{2}$")


#: Attributes naming a ``<meta>`` element's key, in the order ``collect_meta`` reads them.
_META_KEY_ATTRS = ("property", "name", "itemprop", "http-equiv")
#: The descriptions ``collect_meta`` last read, with the parser they came from (held, so
#: its identity cannot be reused): ``page_descriptions`` asks again on the same tree.
_DESCRIPTION_MEMO: list[tuple[LexborHTMLParser, list[str]]] = []


def collect_meta(tree: LexborHTMLParser | LexborNode) -> MetaMap:
    """``<meta>`` contents keyed by lower-cased property/name/itemprop/http-equiv."""
    meta: MetaMap = {}
    for node in tree.css("meta[content]"):
        attrs = node.attributes  # one dict per node, not one per attribute read
        content = normalize_space(attrs.get("content") or "")
        if not content:
            continue
        for key_attr in _META_KEY_ATTRS:
            raw = attrs.get(key_attr)
            if raw:
                key = raw.strip().lower()
                if key:
                    meta.setdefault(key, []).append(content)
    if isinstance(tree, LexborHTMLParser):
        _DESCRIPTION_MEMO[:] = [(tree, _meta_descriptions(meta))]
    return meta


def _meta_descriptions(meta: MetaMap) -> list[str]:
    return [v for key in DESCRIPTION_META for v in meta.get(key, [])]


def _known_descriptions(root: LexborNode) -> list[str] | None:
    """The ``<meta>`` descriptions ``collect_meta`` read from ``root``'s whole tree (the
    parser's own root, which its queries start from); None when it did not."""
    if not _DESCRIPTION_MEMO:
        return None
    parser, found = _DESCRIPTION_MEMO[0]
    own_root = parser.root if root.parser is parser else None
    return list(found) if own_root is not None and own_root.mem_id == root.mem_id else None


def page_descriptions(root: LexborNode) -> list[str]:
    """The page's own descriptions: ``<meta>`` (name, Open Graph, Twitter, Dublin Core),
    then the ``description`` of every JSON-LD object, each once."""
    found = _known_descriptions(root)
    if found is None:
        found = _meta_descriptions(collect_meta(root))
    for script in root.css('script[type="application/ld+json" i]'):
        found.extend(_json_descriptions(script.text(deep=True)))
    return list(dict.fromkeys(found))


def _json_descriptions(raw: str) -> list[str]:
    """``description`` strings anywhere in one JSON-LD block (lenient: ``[]`` on bad JSON)."""
    try:
        stack: list[Any] = [json.loads(raw, strict=False)]
    except (ValueError, RecursionError):
        return []
    found: list[str] = []
    while stack and len(found) < MAX_JSON_DESCRIPTIONS:
        item = stack.pop()
        if isinstance(item, dict):
            value = item.get("description")
            if isinstance(value, str) and value.strip():
                found.append(normalize_space(value))
            stack.extend(v for v in item.values() if isinstance(v, dict | list))
        elif isinstance(item, list):
            stack.extend(item)
    return found


def meta_first(meta: MetaMap, keys: tuple[str, ...]) -> str | None:
    for key in keys:
        if meta.get(key):
            return meta[key][0]
    return None


def canonical_url(tree: LexborHTMLParser, meta: MetaMap, base: str | None,
                  url: str | None) -> str | None:
    """``<link rel=canonical>``, else ``og:url``, else the given URL; made absolute."""
    for link in tree.css("link[rel][href]"):
        if "canonical" in attr(link, "rel").lower().split():
            found = absolute(base, attr(link, "href"))
            if found:
                return found
    og_url = absolute(base, meta_first(meta, ("og:url",)))
    return og_url or url


def site_names(meta: MetaMap, objects: list[JsonObject]) -> list[str]:
    """Names the site goes by: og:site_name, publisher and WebSite names."""
    found = [v for key in SITE_NAME_META for v in meta.get(key, [])]
    index = id_index(objects)
    for obj in objects:
        found.extend(names(obj.get("publisher"), index))
        if types_of(obj) & {"WebSite", "Organization", "NewsMediaOrganization"}:
            found.extend(names(obj, index))
    return [normalize_space(n) for n in found if n]


def strip_site_name(title: str, sites: list[str], h1: str | None,
                    host: str | None = None) -> str:
    """Drop a " - Site" suffix (or "Site | " prefix) naming the site, or a separator
    suffix (prefix) when the ``<h1>`` agrees with the part before (after) it, else a short
    suffix that looks like an unnamed site's name."""
    folded_sites = {s.casefold() for s in sites}
    cuts = list(_TITLE_SEPARATOR.finditer(title))
    for cut in reversed(cuts):
        head, tail = title[: cut.start()].strip(), title[cut.end():].strip()
        if tail.casefold() in folded_sites and head:
            return head
    for cut in cuts:
        head, tail = title[: cut.start()].strip(), title[cut.end():].strip()
        if head.casefold() in folded_sites and tail:
            return tail
    if h1:  # the <h1> disowns a suffix (site name) or a prefix (section: "Asia-pacific - ")
        for cut in cuts:
            head, tail = title[: cut.start()].strip(), title[cut.end():].strip()
            if head.casefold() == h1.casefold():
                return head
            if tail.casefold() == h1.casefold():
                return tail
    return _unnamed_site_suffix(title, host)


def _letters(value: str) -> str:
    return "".join(ch for ch in value.casefold() if ch.isalnum())


def _unnamed_site_suffix(title: str, host: str | None) -> str:
    """No site name known: drop a short tail after a pipe, or after any separator when it
    spells the host name ("Riverside Gazette" on riverside-gazette.example)."""
    label = _letters(host.removeprefix("www.").split(".")[0]) if host else ""
    for cut in reversed(list(_TITLE_SEPARATOR.finditer(title))):
        head, tail = title[: cut.start()].strip(), title[cut.end():].strip()
        if len(head.split()) < MIN_HEADLINE_WORDS or len(tail.split()) > MAX_SITE_NAME_WORDS:
            continue
        piped = _SITE_PIPE.fullmatch(title[cut.start(): cut.end()]) is not None
        folded = _letters(tail)
        if piped or (label and folded and (label in folded or folded in label)):
            return head
    return title


def extract_title(tree: LexborHTMLParser, meta: MetaMap, article: JsonObject | None,
                  sites: list[str], h1: LexborNode | None,
                  host: str | None = None) -> str | None:
    """JSON-LD headline, og:title, ``<h1>``, ``<title>``; site-name affix removed."""
    h1_text = node_text(h1) if h1 is not None else None
    title_node = tree.css_first("title")
    candidates = (
        first_value([article], "headline") if article else None,
        meta_first(meta, TITLE_META),
        h1_text,
        normalize_space(title_node.text()) if title_node is not None else None,
    )
    for candidate in candidates:
        if candidate:
            title = strip_site_name(normalize_space(candidate), sites, h1_text, host)
            return _h1_before_site(title, sites, h1_text) or None
    return None


def _h1_before_site(title: str, sites: list[str], h1: str | None) -> str:
    """"Jane Doe, Author at Lakeshore Ledger": the ``<h1>`` followed by words ending in the
    site name, with no separator the site-name cuts know; the ``<h1>`` is the title."""
    if not h1 or title == h1 or not title.startswith(h1):
        return title
    tail = title[len(h1):].casefold()
    return h1 if any(tail.rstrip().endswith(s.casefold()) for s in sites if s) else title


def normalize_date(value: str | None) -> str | None:
    """ISO 8601 keeping the page's offset (``Z`` -> ``+00:00``); None when unparseable."""
    if not value:
        return None
    value = value.strip()
    if _DATE_ONLY.match(value):
        return value
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        try:
            parsed = parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError):
            return None
    return parsed.isoformat(timespec="seconds")


def language_candidates(tree: LexborHTMLParser, meta: MetaMap,
                        objects: list[JsonObject]) -> list[str | None]:
    html = tree.css_first("html")
    return [
        attr(html, "lang") or attr(html, "xml:lang") if html is not None else None,
        first_value(objects, "inLanguage"),
        meta_first(meta, ("og:locale",)),
        meta_first(meta, LANGUAGE_META),
    ]


def extract_language(tree: LexborHTMLParser, meta: MetaMap,
                     objects: list[JsonObject]) -> str | None:
    """First usable language tag, minimised with CLDR likely subtags."""
    for raw in language_candidates(tree, meta, objects):
        value = raw.split(",")[0] if raw else None
        tag = minimize_language(value)
        if tag:
            return tag
    return None
