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

from collections.abc import Iterator
from typing import Any

from selectolax.lexbor import LexborHTMLParser, LexborNode

from scraper.models import Comment
from scraper.parse.dates import parse_text_date
from scraper.parse.jsonld import JsonObject, id_index, names, text_value, types_of
from scraper.parse.metadata import normalize_date
from scraper.parse.text import ancestors, attr, node_text, normalize_space, tokens_of
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


def is_comment_item(node: LexborNode) -> bool:
    attrs = node.attributes
    if "comment" in (attrs.get("itemprop") or "").lower().split():
        return True
    if (attrs.get("itemtype") or "").rstrip("/").endswith("/Comment"):
        return True
    return not COMMENT_ITEM_CLASSES.isdisjoint((attrs.get("class") or "").lower().split())


Attrs = dict[str, str | None]
#: An element of a comment item with its attribute dict (read once per element).
Own = list[tuple[LexborNode, Attrs]]
#: Tokens of an author/date element, or of any ``meta`` wrapper (``name`` alone marks
#: the author's name inside the line, not the line).
_META_TOKENS = (COMMENT_AUTHOR_TOKENS | COMMENT_DATE_TOKENS | {"meta"}) - {"name"}
_META_TAGS = frozenset({"time", "footer", "header"})


def _in_form(node: LexborNode) -> bool:
    return any(a.tag == "form" for a in ancestors(node))


def own_nodes(item: LexborNode, items: set[int]) -> list[LexborNode]:
    """Elements of ``item`` outside nested comment items, in document order."""
    found: list[LexborNode] = []
    stack = list(reversed(list(item.iter())))
    while stack:
        node = stack.pop()
        if node.mem_id in items:
            continue
        found.append(node)
        stack.extend(reversed(list(node.iter())))
    return found


def _clean_author(text: str) -> str | None:
    words = text.split()
    while words and words[-1].lower().rstrip(":") in COMMENT_SAYS_WORDS:
        words.pop()
    name = normalize_space(" ".join(words)).rstrip(" :")
    return name if 0 < len(name) <= MAX_AUTHOR_CHARS else None


def _tokens(attrs: Attrs) -> frozenset[str]:
    return tokens_of(attrs.get("class") or "", attrs.get("id") or "")


def _prop(attrs: Attrs) -> list[str]:
    return (attrs.get("itemprop") or "").lower().split()


def _author_groups(own: Own) -> Iterator[list[LexborNode]]:
    """Author candidates, best kind first (each list computed only when reached)."""
    yield [n for n, a in own if "name" in _prop(a)
           and any("author" in attr(x, "itemprop").lower() for x in ancestors(n))]
    yield [n for n, a in own if "fn" in (a.get("class") or "").split()]
    yield [n for n, a in own if "author" in _prop(a)]
    yield [n for n, a in own if not COMMENT_AUTHOR_TOKENS.isdisjoint(_tokens(a))]
    yield [n for n, _ in own if n.tag == "cite"]


def comment_author(own: Own) -> str | None:
    for group in _author_groups(own):
        for node in group:
            name = _clean_author(node_text(node))
            if name:
                return name
    return None


def comment_date(own: Own) -> str | None:
    for node, a in own:
        if node.tag == "time" or a.get("itemprop") in ("dateCreated", "datePublished"):
            found = normalize_date(a.get("datetime") or a.get("content") or None)
            if found:
                return found
    for node, a in own:
        if node.tag == "time" or not COMMENT_DATE_TOKENS.isdisjoint(_tokens(a)):
            found = parse_text_date(node_text(node))
            if found:
                return found
    return None


def _paragraphs(node: LexborNode) -> str:
    paragraphs = [t for p in node.css("p") if (t := node_text(p))]
    return "\n\n".join(paragraphs) if paragraphs else node_text(node)


def meta_holders(items: list[LexborNode], attrs: dict[int, Attrs]) -> set[int]:
    """``mem_id`` of every element in the items that is, or holds, an author/date element
    (a wrapper around the comment's author/date line, not its text): each such element
    climbs until an element already marked, so the whole set costs one pass. Every
    element's attribute dict is stored in ``attrs`` on the way."""
    holders: set[int] = set()
    for item in items:
        if item.mem_id in attrs:
            continue  # nested in an item already walked: its elements are all seen
        for node in item.css("*"):
            key = node.mem_id
            if key in attrs:
                continue
            found = attrs[key] = node.attributes
            meta = node.tag in _META_TAGS or not _META_TOKENS.isdisjoint(_tokens(found))
            current: LexborNode | None = node if meta else None
            while current is not None and current.mem_id not in holders:
                holders.add(current.mem_id)
                current = current.parent
    return holders


def _text_groups(own: Own, holders: set[int]) -> Iterator[list[LexborNode]]:
    yield [n for n, a in own if "text" in _prop(a)]
    bodies = [(n, a) for n, a in own if n.mem_id not in holders]
    yield [n for n, a in bodies if not COMMENT_TEXT_TOKENS.isdisjoint(_tokens(a))]
    yield [n for n, a in bodies if not COMMENT_BODY_TOKENS.isdisjoint(_tokens(a))]


def comment_text(own: Own, holders: set[int]) -> str:
    """``itemprop=text``, else a content/text/message element, else a body element, else
    the item's own paragraphs (``holders``: ``meta_holders``)."""
    for group in _text_groups(own, holders):
        for node in group:
            text = _paragraphs(node)
            if text:
                return text
    return "\n\n".join(t for n, _ in own if n.tag == "p" and (t := node_text(n)))


def _attrs_of(node: LexborNode, attrs: dict[int, Attrs]) -> Attrs:
    """The attribute dict ``meta_holders`` stored, else read now (a comment node)."""
    found = attrs.get(node.mem_id)
    return found if found is not None else node.attributes


def _candidates(tree: LexborHTMLParser) -> list[LexborNode]:
    """The elements ``ITEM_SELECTOR`` matches, in document order, each once."""
    wide = {n.mem_id: n for n in tree.css(_WIDE_SELECTOR)}  # a node may match twice
    classless = [key for key, n in wide.items() if "class" not in n.attributes]
    if classless:
        exact = {n.mem_id for n in tree.css(_CLASSLESS_SELECTOR)}
        for key in classless:
            if key not in exact:
                del wide[key]
    return list(wide.values())


def dom_comments(tree: LexborHTMLParser) -> list[Comment]:
    items = [n for n in _candidates(tree) if is_comment_item(n) and not _in_form(n)]
    if not items:
        return []
    ids = {n.mem_id for n in items}
    attrs: dict[int, Attrs] = {}
    holders = meta_holders(items[:MAX_COMMENTS], attrs)
    found: list[Comment] = []
    for item in items[:MAX_COMMENTS]:
        own = [(n, _attrs_of(n, attrs)) for n in own_nodes(item, ids)]
        text = comment_text(own, holders)
        if text:
            found.append(Comment(comment_author(own), comment_date(own), text))
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
