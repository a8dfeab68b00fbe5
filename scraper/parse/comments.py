"""Reader comments: ``{author, published, text}`` in document order, replies included.

A comment item is an element classed ``comment`` (WordPress ``li.comment``, custom
``div.comment``), marked ``itemprop=comment`` or typed schema.org ``Comment`` in
microdata. Inside it, nested items (replies) are left to themselves: the author is the
first author-marked element (``.comment-author .fn``, ``itemprop=author``, ``cite``), the
date the first ``<time datetime>`` (else a date-marked element read as text), the text
the comment-content element (else the item's paragraphs). Without any such markup,
schema.org ``Comment`` objects of the JSON-LD article are used. The body walk already
skips comment boxes (``comment``/``comments`` hints), so comments never reach
``paragraphs``.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from functools import lru_cache
from typing import Any, NamedTuple

from selectolax.lexbor import LexborHTMLParser, LexborNode

from scraper.models import Comment
from scraper.parse.dates import parse_text_date
from scraper.parse.jsonld import JsonObject, id_index, names, text_value, types_of
from scraper.parse.metadata import normalize_date
from scraper.parse.text import (
    HINT_CACHE_SIZE,
    ancestors,
    attr,
    node_text,
    normalize_space,
    tokens_of,
)
from scraper.parse.vocab import (
    COMMENT_AUTHOR_TOKENS,
    COMMENT_BODY_TOKENS,
    COMMENT_DATE_TOKENS,
    COMMENT_ITEM_CLASSES,
    COMMENT_SAYS_WORDS,
    COMMENT_TEXT_TOKENS,
)

#: Guards the walk on hostile pages; real threads rarely pass a few hundred comments.
MAX_COMMENTS = 1000
#: An author is a name or handle, not a sentence.
MAX_AUTHOR_CHARS = 80
#: Every element ``is_comment_item`` can accept (a superset, filtered in Python): a class
#: holding ``omment`` or ``omentario`` (each of ``COMMENT_ITEM_CLASSES`` does), a comment
#: ``itemprop`` or a ``Comment`` ``itemtype``.
ITEM_SELECTOR = ('[class*="omment" i], [class*="omentario" i], [itemprop~="comment" i], '
                 '[itemtype$="/Comment"], [class][itemprop*="comment" i], '
                 '[class][itemtype*="/Comment"]')
#: ``ITEM_SELECTOR`` in four selectors instead of six (each one is a walk of the DOM): an
#: element it finds is in ``ITEM_SELECTOR`` when it has a class, else when it matches
#: ``_CLASSLESS_SELECTOR``.
_WIDE_SELECTOR = ('[class*="omment" i], [class*="omentario" i], [itemprop*="comment" i], '
                  '[itemtype*="/Comment"]')
_CLASSLESS_SELECTOR = '[itemprop~="comment" i], [itemtype$="/Comment"]'


@lru_cache(maxsize=HINT_CACHE_SIZE)
def _item_values(itemprop: str, itemtype: str, class_: str) -> bool:
    """``is_comment_item`` on the attribute values (cached: a thread repeats them)."""
    if "comment" in itemprop.lower().split():
        return True
    if itemtype.rstrip("/").endswith("/Comment"):
        return True
    return not COMMENT_ITEM_CLASSES.isdisjoint(class_.lower().split())


def _is_item_attrs(attrs: dict[str, str | None]) -> bool:
    return _item_values(attrs.get("itemprop") or "", attrs.get("itemtype") or "",
                        attrs.get("class") or "")


def is_comment_item(node: LexborNode) -> bool:
    return _is_item_attrs(node.attributes)


Attrs = dict[str, str | None]
#: Tokens of an author/date element, or of any ``meta`` wrapper (``name`` alone marks
#: the author's name inside the line, not the line).
_META_TOKENS = (COMMENT_AUTHOR_TOKENS | COMMENT_DATE_TOKENS | {"meta"}) - {"name"}
_META_TAGS = frozenset({"time", "footer", "header"})
#: An element none of the field finders can pick or skip has none of these attributes
#: (``itemtype`` marks a nested item) and none of these tags: it is left out of ``Own``.
_TELLING_ATTRS = frozenset({"class", "id", "itemprop", "itemtype"})
_TELLING_TAGS = _META_TAGS | {"cite", "p"}
_NO_TOKENS: frozenset[str] = frozenset()  # ``tokens_of("", "")``


class Element(NamedTuple):
    """An element of a comment item, with what the field finders ask of it (read once)."""

    node: LexborNode
    key: int  # ``mem_id``
    tag: str
    attrs: Attrs
    tokens: frozenset[str]  # ``hint_tokens``
    props: tuple[str, ...]  # ``itemprop`` words, lower-cased


#: The elements of a comment item outside nested comment items, in document order,
#: those without any telling attribute or tag left out.
Own = list[Element]


def _telling(nodes: Iterable[LexborNode]) -> list[Element]:
    """The ``Element`` of every element with a telling attribute or tag, in order (HTML
    comment nodes have neither)."""
    found: list[Element] = []
    new = tuple.__new__  # ``Element(...)`` parses its arguments in Python: 3x slower
    for node in nodes:
        attrs, tag = node.attributes, node.tag or ""
        if tag in _TELLING_TAGS or not _TELLING_ATTRS.isdisjoint(attrs):
            class_, id_, prop = attrs.get("class"), attrs.get("id"), attrs.get("itemprop")
            tokens = tokens_of(class_ or "", id_ or "") if class_ or id_ else _NO_TOKENS
            found.append(new(Element, (node, node.mem_id, tag, attrs, tokens,
                                       tuple(prop.lower().split()) if prop else ())))
    return found


def _clean_author(text: str) -> str | None:
    words = text.split()
    while words and words[-1].lower().rstrip(":") in COMMENT_SAYS_WORDS:
        words.pop()
    name = normalize_space(" ".join(words)).rstrip(" :")
    return name if 0 < len(name) <= MAX_AUTHOR_CHARS else None


def _in_author(node: LexborNode) -> bool:
    return any("author" in attr(x, "itemprop").lower() for x in ancestors(node))


def marked(own: Own) -> Own:
    """The elements with ``itemprop`` words or class/id tokens: the only ones the author
    and text kinds but ``<cite>`` and paragraphs can hold (``fn`` is a class token)."""
    return [e for e in own if e.props or e.tokens]


def _author_groups(own: Own, marks: Own) -> Iterator[list[LexborNode]]:
    """Author candidates, best kind first (each list computed only when reached;
    ``marks``: ``marked(own)``)."""
    if marks:
        yield [e.node for e in marks if "name" in e.props and _in_author(e.node)]
        yield [e.node for e in marks if "fn" in (e.attrs.get("class") or "").split()]
        yield [e.node for e in marks if "author" in e.props]
        yield [e.node for e in marks if not COMMENT_AUTHOR_TOKENS.isdisjoint(e.tokens)]
    yield [e.node for e in own if e.tag == "cite"]


def comment_author(own: Own, marks: Own) -> str | None:
    for group in _author_groups(own, marks):
        for node in group:
            name = _clean_author(node_text(node))
            if name:
                return name
    return None


def comment_date(own: Own) -> str | None:
    for e in own:
        if e.tag == "time" or e.attrs.get("itemprop") in ("dateCreated", "datePublished"):
            found = normalize_date(e.attrs.get("datetime") or e.attrs.get("content") or None)
            if found:
                return found
    for e in own:
        if e.tag == "time" or not COMMENT_DATE_TOKENS.isdisjoint(e.tokens):
            found = parse_text_date(node_text(e.node))
            if found:
                return found
    return None


def _paragraphs(node: LexborNode) -> str:
    paragraphs = [t for p in node.css("p") if (t := node_text(p))]
    return "\n\n".join(paragraphs) if paragraphs else node_text(node)


def _text_groups(marks: Own, walk: Walk) -> Iterator[list[LexborNode]]:
    """Text candidates, best kind first; the second and third kinds never hold an
    author/date element (``walk.holders()`` is asked only when one is found)."""
    if not marks:
        return
    yield [e.node for e in marks if "text" in e.props]
    for tokens in (COMMENT_TEXT_TOKENS, COMMENT_BODY_TOKENS):
        found = [e for e in marks if not tokens.isdisjoint(e.tokens)]
        yield [e.node for e in found if e.key not in walk.holders()] if found else []


def comment_text(own: Own, marks: Own, walk: Walk) -> str:
    """``itemprop=text``, else a content/text/message element, else a body element, else
    the item's own paragraphs (``marks``: ``marked(own)``)."""
    for group in _text_groups(marks, walk):
        for node in group:
            text = _paragraphs(node)
            if text:
                return text
    return "\n\n".join(t for e in own if e.tag == "p" and (t := node_text(e.node)))


def _is_meta(element: Element) -> bool:
    return element.tag in _META_TAGS or not _META_TOKENS.isdisjoint(element.tokens)


class Walk:
    """One ``traverse()`` of each outermost comment item (its elements read once): the
    ``Own`` elements of every item under it, and (on demand) the author/date holders."""

    def __init__(self, items: list[LexborNode], ids: set[int]) -> None:
        self.own: dict[int, Own] = {}
        self._ids = ids
        self._walked: list[list[Element]] = []
        self._holders: set[int] | None = None
        seen: set[int] = set()
        for item in items:
            if item.mem_id not in seen:  # else nested in an item already walked
                elements = _telling(item.traverse())  # the item first: it is telling
                seen.update([e.key for e in elements])
                self._walked.append(elements)
                self._split(elements)

    def holders(self) -> set[int]:
        """``mem_id`` of every element that is, or holds, an author/date element (a
        wrapper around the comment's author/date line, not its text): each such element
        climbs until an element already marked, so the whole set costs one pass."""
        if self._holders is None:
            self._holders = set()
            for elements in self._walked:
                self._mark_holders(elements, self._holders)
        return self._holders

    @staticmethod
    def _mark_holders(elements: list[Element], holders: set[int]) -> None:
        for element in elements:
            if not _is_meta(element):
                continue
            current: LexborNode | None = element.node
            while current is not None and current.mem_id not in holders:
                holders.add(current.mem_id)
                current = current.parent

    def _split(self, elements: list[Element]) -> None:
        """Elements (the item first, then its subtree in document order) to the own
        lists of their nearest comment item; nested items belong to none of them."""
        ids, rest = self._ids, elements[1:]
        if ids.isdisjoint([e.key for e in rest]):  # no nested item: one own list
            self.own[elements[0].key] = rest
            return
        self.own[elements[0].key] = []
        owner: dict[int, int] = {}
        for element in rest:
            if element.key in ids:
                self.own[element.key] = []
            else:
                self.own[self._owner(element.node, owner)].append(element)

    def _owner(self, node: LexborNode, owner: dict[int, int]) -> int:
        """``mem_id`` of the nearest comment item above ``node`` (climbs memoised)."""
        path: list[int] = []
        current = node.parent
        while current is not None and current.mem_id not in self._ids:
            if current.mem_id in owner:
                found = owner[current.mem_id]
                break
            path.append(current.mem_id)
            current = current.parent
        else:
            found = current.mem_id if current is not None else -1
        owner.update(dict.fromkeys(path, found))
        return found


def _items(tree: LexborHTMLParser) -> list[LexborNode]:
    """The elements ``ITEM_SELECTOR`` matches that are comment items, in document order,
    each once (their attributes read once)."""
    wide = {n.mem_id: n for n in tree.css(_WIDE_SELECTOR)}  # a node may match twice
    found = [(key, node, node.attributes) for key, node in wide.items()]
    exact: set[int] = set()
    if any("class" not in attrs for _, _, attrs in found):
        exact = {n.mem_id for n in tree.css(_CLASSLESS_SELECTOR)}
    return [node for key, node, attrs in found
            if ("class" in attrs or key in exact) and _is_item_attrs(attrs)]


def _outside_forms(nodes: list[LexborNode]) -> list[LexborNode]:
    """The nodes with no ``<form>`` among their ancestors (climbs memoised)."""
    known: dict[int, bool] = {}
    kept: list[LexborNode] = []
    for node in nodes:
        path: list[int] = []
        current, answer = node.parent, False
        while current is not None:
            tag, key = current.tag, current.mem_id
            if tag in (None, "-document"):
                break
            if key in known:
                answer = known[key]
                break
            path.append(key)
            if tag == "form":
                answer = True
                break
            current = current.parent
        known.update(dict.fromkeys(path, answer))
        if not answer:
            kept.append(node)
    return kept


def dom_comments(tree: LexborHTMLParser) -> list[Comment]:
    items = _outside_forms(_items(tree))
    if not items:
        return []
    walk = Walk(items[:MAX_COMMENTS], {n.mem_id for n in items})
    found: list[Comment] = []
    for item in items[:MAX_COMMENTS]:
        own = walk.own[item.mem_id]
        marks = marked(own)
        text = comment_text(own, marks, walk)
        if text:
            found.append(Comment(comment_author(own, marks), comment_date(own), text))
    return found


def _ld_comment(obj: JsonObject, index: dict[str, JsonObject]) -> Comment | None:
    text = obj.get("text")
    if not isinstance(text, str) or not text.strip():
        return None
    authors = names(obj.get("author"), index)
    published = normalize_date(text_value(obj.get("dateCreated"))
                               or text_value(obj.get("datePublished")))
    paragraphs = [normalize_space(p) for p in text.split("\n\n") if p.strip()]
    return Comment(authors[0] if authors else None, published, "\n\n".join(paragraphs))


def jsonld_comments(article: JsonObject | None, objects: list[JsonObject]) -> list[Comment]:
    """``comment`` of the article (replies under ``comment`` too), else Comment objects."""
    index = id_index(objects)
    stack: list[Any] = [article.get("comment")] if article is not None else []
    if not stack or stack[0] is None:
        stack = [[o for o in objects if "Comment" in types_of(o)]]
    found: list[Comment] = []
    while stack and len(found) < MAX_COMMENTS:
        value = stack.pop()
        if isinstance(value, list):
            stack.extend(reversed(value))
        elif isinstance(value, dict):
            comment = _ld_comment(value, index)
            if comment is not None:
                found.append(comment)
            if value.get("comment") is not None:
                stack.append(value["comment"])
    return found


def extract_comments(tree: LexborHTMLParser, article: JsonObject | None,
                     objects: list[JsonObject]) -> tuple[Comment, ...]:
    return tuple(dom_comments(tree) or jsonld_comments(article, objects))
