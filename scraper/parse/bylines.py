"""Bylines: author names from JSON-LD, ``<meta>``, byline markup, or a "By ..." line.

Names are cleaned the same way whatever the source: no "Par"/"By"/"Von"/"Por" prefix,
no role after a comma (", Local Democracy Reporter"), and "X et Y", "X and Y",
"X, Y and Z" split into one name each.
"""

from __future__ import annotations

import re

from selectolax.lexbor import LexborNode

from scraper.parse.dom import common_ancestor
from scraper.parse.jsonld import JsonObject, id_index, names
from scraper.parse.metadata import MetaMap
from scraper.parse.text import (
    ancestors,
    attr,
    in_other_story,
    node_text,
    normalize_space,
    tokens_of,
)
from scraper.parse.vocab import (
    AGENCY_NAMES,
    BYLINE_CONJUNCTIONS,
    BYLINE_PREFIXES,
    BYLINE_ROLE_WORDS,
    BYLINE_TOKENS,
    NAME_PARTICLES,
)

AUTHOR_META = ("author", "article:author", "parsely-author", "sailthru.author", "dc.creator",
               "dcterms.creator", "byl")
#: A byline is a short line; longer text is a paragraph that happens to start with "By".
MAX_BYLINE_CHARS = 150
#: Names longer than this many words are sentences, not names.
MAX_NAME_WORDS = 6
#: A name picked out of a mixed byline box has a first and a last name ("Share" has not).
MIN_LEAF_NAME_WORDS = 2
#: A role line ("Senior political correspondent") is a few words.
MAX_ROLE_WORDS = 5
#: Separators between the parts of a dateline ("Mis en ligne le ... | Par X").
_PARTS = re.compile(r"\s+[|•·]\s+")

_PREFIX = re.compile(
    r"^(?:" + "|".join(re.escape(p) for p in sorted(BYLINE_PREFIXES, key=len, reverse=True))
    + r")\b\s*:?\s*", re.I)
_CONJUNCTION = re.compile(
    r"\s+(?:" + "|".join(re.escape(c) for c in BYLINE_CONJUNCTIONS if c != "&") + r")\s+|\s*&\s*",
    re.I)
_TAIL = re.compile(r"\s+(?:[|•·/–—-]|with|avec|mit|con|photos?:?)\s+.*$|\(.*?\)|\bhttps?://\S+",
                   re.I)
#: An agency glued to a name by a slash or a dash ("Jane Doe/Reuters", "Jean Dupont-AFP").
_AGENCY_TAIL = re.compile(
    r"\s*[/–—-]\s*(?:" + "|".join(re.escape(a) for a in sorted(AGENCY_NAMES, key=len,
                                                              reverse=True)) + r")\s*$", re.I)


def clean_name(raw: str) -> str:
    return normalize_space(raw.strip(" ,;:.-–—|"))


def is_agency(name: str) -> bool:
    return name.casefold().strip(" .()") in AGENCY_NAMES


def display_case(name: str) -> str:
    """A name written ALL CAPS ("JOHN DOE") in title case ("John Doe"); others as is."""
    letters = [ch for ch in name if ch.isalpha()]
    if len(letters) > 1 and all(ch.isupper() for ch in letters) and not is_agency(name):
        return name.title()
    return name


def _persons(candidates: list[str]) -> list[str]:
    """Cleaned names, agencies dropped when a person is named too."""
    names_ = [display_case(_AGENCY_TAIL.sub("", n)) for n in (clean_name(p) for p in candidates)]
    names_ = [n for n in names_ if looks_like_name(n)]
    people = [n for n in names_ if not is_agency(n)]
    return people or names_


def is_role_line(text: str) -> bool:
    """A short line naming a journalist's role ("Transport correspondent"), no sentence."""
    words = text.split()
    return (0 < len(words) <= MAX_ROLE_WORDS and not text.endswith((".", "!", "?"))
            and _has_role(text))


def _has_role(part: str) -> bool:
    words = {w.strip(".,;:()").lower() for w in part.split()}
    return not words.isdisjoint(BYLINE_ROLE_WORDS)


def split_byline(text: str) -> list[str]:
    """Names in a byline string, prefix and roles removed."""
    text = _TAIL.sub("", normalize_space(text))
    text = _PREFIX.sub("", text, count=1)
    parts = _CONJUNCTION.split(text)
    found: list[str] = []
    if len(parts) > 1:
        *heads, last = parts
        for head in heads:
            found.extend(head.split(","))
        found.append(last.split(",")[0])
    else:
        first, *rest = text.split(",")
        found.append(first)
        found.extend(p for p in rest if looks_like_person(display_case(clean_name(p))))
    return _persons(found)


def looks_like_name(name: str) -> bool:
    """Lenient check used on author metadata: a few words, no URL, no digits, no role."""
    words = name.split()
    if not words or len(words) > MAX_NAME_WORDS or len(name) > 80:
        return False
    if any(ch.isdigit() for ch in name) or "@" in name or "://" in name:
        return False
    return not _has_role(name)


def looks_like_person(name: str) -> bool:
    """Strict check for names found in running text: capitalised words or particles."""
    words = name.split()
    if not looks_like_name(name) or not words[0][:1].isupper():
        return False
    if any(len(w) > 1 and w.isupper() for w in words):
        return False
    return all(w[:1].isupper() or w.lower() in NAME_PARTICLES for w in words)


def byline_from_text(text: str) -> list[str]:
    """Names when ``text`` is a "By X and Y" line (or has one as a part after a ``|``:
    "Published 3 May | By X"), else ``[]``."""
    for part in _PARTS.split(normalize_space(text)):
        found = _byline_line(part)
        if found:
            return found
    return []


def _byline_line(text: str) -> list[str]:
    if len(text) > MAX_BYLINE_CHARS or not _PREFIX.match(text):
        return []
    rest = _PREFIX.sub("", text, count=1)
    found = split_byline(text)
    if not found or not all(looks_like_person(n) for n in found):
        return []
    single_word = len(found) == 1 and len(found[0].split()) == 1
    return [] if single_word and clean_name(rest) != found[0] else found


def _dedup(values: list[str]) -> tuple[str, ...]:
    seen: dict[str, str] = {}
    for value in values:
        seen.setdefault(value.casefold(), value)
    return tuple(seen.values())


def jsonld_bylines(article: JsonObject | None, objects: list[JsonObject]) -> tuple[str, ...]:
    if article is None:
        return ()
    raw = names(article.get("author"), id_index(objects)) or names(
        article.get("creator"), id_index(objects))
    return _dedup([n for r in raw for n in split_byline(r)])


def meta_bylines(meta: MetaMap) -> tuple[str, ...]:
    for key in AUTHOR_META:
        found = [n for v in meta.get(key, []) for n in split_byline(v)]
        if found:
            return _dedup(found)
    return ()


def _article_microdata(node: LexborNode) -> bool:
    """``itemprop=author`` of the page's own ``Article`` microdata item."""
    for ancestor in ancestors(node):
        if "itemscope" in ancestor.attributes:
            return attr(ancestor, "itemtype").endswith(("Article", "BlogPosting", "Posting"))
    return False


#: Splits a ``data-testid``/``data-component`` value into its words.
_DATA_WORDS = re.compile(r"[^a-z]+")


def _marked_values(class_: str, id_: str, testid: str, component: str) -> bool:
    """Byline class/id hints, or a ``data-testid``/``data-component`` naming a byline."""
    if not BYLINE_TOKENS.isdisjoint(tokens_of(class_, id_)):
        return True
    return not BYLINE_TOKENS.isdisjoint(_DATA_WORDS.split(f"{testid} {component}".lower()))


def _marked_nodes(scope: LexborNode) -> list[LexborNode]:
    """The elements of ``scope`` with byline hints (``_marked_values``), in document
    order; the verdict is worked out once per distinct set of attribute values."""
    verdicts: dict[tuple[str, str, str, str], bool] = {}
    found: list[LexborNode] = []
    for node in scope.css("[class], [id], [data-testid], [data-component]"):
        attrs = node.attributes
        key = (attrs.get("class") or "", attrs.get("id") or "",
               attrs.get("data-testid") or "", attrs.get("data-component") or "")
        marked = verdicts.get(key)
        if marked is None:
            marked = verdicts[key] = _marked_values(*key)
        if marked:
            found.append(node)
    return found


def _leaf_names(node: LexborNode) -> list[str]:
    """Names in the innermost elements of a byline box that mixes them with a date, a
    role or buttons ("Harriet Cole" / "Transport correspondent" / "Share")."""
    found: list[str] = []
    for leaf in node.css("*"):
        if next(iter(leaf.iter()), None) is None:  # no child element
            found.extend(n for n in split_byline(node_text(leaf))
                         if len(n.split()) >= MIN_LEAF_NAME_WORDS and looks_like_person(n))
    return found


def _group_names(nodes: list[LexborNode], scope: LexborNode) -> list[str]:
    texts = [(n, node_text(n)) for n in nodes
             if not in_other_story(n, scope) or _article_microdata(n)]
    found = [name for _, t in texts if 0 < len(t) <= MAX_BYLINE_CHARS
             for name in split_byline(t)]
    return found or [name for n, _ in texts for name in _leaf_names(n)]


def markup_bylines(scope: LexborNode) -> tuple[str, ...]:
    """Byline markup in the article: itemprop=author, rel=author, then byline/author hints."""
    groups = (
        [n.css_first('[itemprop="name"]') or n for n in scope.css('[itemprop~="author"]')],
        scope.css('[rel~="author"]'),
        _marked_nodes(scope),
    )
    for nodes in groups:
        found = _group_names(nodes, scope)
        if found:
            return _dedup(found)
    return ()


def bylines_before_scope(headline: LexborNode, scope: LexborNode,
                         order: dict[int, int]) -> tuple[str, ...]:
    """Byline markup between the headline and the article scope, when the scope (the
    element around the body) leaves both out: the Washington Post's sig line sits
    between its ``<h1>`` and its ``<article>``. ``order``: document positions."""
    start, end = order.get(headline.mem_id), order.get(scope.mem_id)
    if start is None or end is None or start >= end:
        return ()
    area = common_ancestor([headline, scope])
    groups = (area.css('[itemprop~="author"], [rel~="author"]'), _marked_nodes(area))
    for nodes in groups:
        between = [n for n in nodes if start < order.get(n.mem_id, -1) < end]
        found = _group_names(between, area)
        if found:
            return _dedup(found)
    return ()


def extract_bylines(article: JsonObject | None, objects: list[JsonObject], meta: MetaMap,
                    scope: LexborNode, text_names: tuple[str, ...]) -> tuple[str, ...]:
    """JSON-LD authors, else ``<meta>`` author, else byline markup, else a "By" line."""
    return (jsonld_bylines(article, objects) or meta_bylines(meta) or markup_bylines(scope)
            or _dedup(list(text_names)))

