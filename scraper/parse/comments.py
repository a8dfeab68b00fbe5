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

from typing import Any

from selectolax.lexbor import LexborHTMLParser, LexborNode

from scraper.models import Comment
from scraper.parse.dates import parse_text_date
from scraper.parse.jsonld import JsonObject, id_index, names, text_value, types_of
from scraper.parse.metadata import normalize_date
from scraper.parse.text import ancestors, attr, hint_tokens, node_text, normalize_space
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


def is_comment_item(node: LexborNode) -> bool:
    attrs = node.attributes
    if "comment" in (attrs.get("itemprop") or "").lower().split():
        return True
    if (attrs.get("itemtype") or "").rstrip("/").endswith("/Comment"):
        return True
    return not COMMENT_ITEM_CLASSES.isdisjoint((attrs.get("class") or "").lower().split())


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


def comment_author(nodes: list[LexborNode]) -> str | None:
    ranked = (
        [n for n in nodes if "name" in attr(n, "itemprop").lower().split()
         and any("author" in attr(a, "itemprop").lower() for a in ancestors(n))],
        [n for n in nodes if "fn" in attr(n, "class").split()],
        [n for n in nodes if "author" in attr(n, "itemprop").lower().split()],
        [n for n in nodes if not COMMENT_AUTHOR_TOKENS.isdisjoint(hint_tokens(n))],
        [n for n in nodes if n.tag == "cite"],
    )
    for group in ranked:
        for node in group:
            name = _clean_author(node_text(node))
            if name:
                return name
    return None


def comment_date(nodes: list[LexborNode]) -> str | None:
    for node in nodes:
        if node.tag == "time" or attr(node, "itemprop") in ("dateCreated", "datePublished"):
            found = normalize_date(attr(node, "datetime") or attr(node, "content") or None)
            if found:
                return found
    for node in nodes:
        if node.tag == "time" or not COMMENT_DATE_TOKENS.isdisjoint(hint_tokens(node)):
            found = parse_text_date(node_text(node))
            if found:
                return found
    return None


def _paragraphs(node: LexborNode) -> str:
    paragraphs = [t for p in node.css("p") if (t := node_text(p))]
    return "\n\n".join(paragraphs) if paragraphs else node_text(node)


def _is_meta(node: LexborNode) -> bool:
    tokens = hint_tokens(node)
    return node.tag in ("time", "footer", "header") or not (
        COMMENT_AUTHOR_TOKENS | COMMENT_DATE_TOKENS | {"meta"}).isdisjoint(tokens - {"name"})


def meta_holders(items: list[LexborNode]) -> set[int]:
    """``mem_id`` of every element in the items that is, or holds, an author/date element
    (a wrapper around the comment's author/date line, not its text): each such element
    climbs until an element already marked, so the whole set costs one pass."""
    holders: set[int] = set()
    seen: set[int] = set()
    for item in items:
        for node in item.css("*"):
            key = node.mem_id
            if key in seen:
                continue
            seen.add(key)
            current: LexborNode | None = node if _is_meta(node) else None
            while current is not None and current.mem_id not in holders:
                holders.add(current.mem_id)
                current = current.parent
    return holders


def comment_text(nodes: list[LexborNode], holders: set[int]) -> str:
    """``itemprop=text``, else a content/text/message element, else a body element, else
    the item's own paragraphs (``holders``: ``meta_holders``)."""
    bodies = [n for n in nodes if n.mem_id not in holders]
    groups = (
        [n for n in nodes if "text" in attr(n, "itemprop").lower().split()],
        [n for n in bodies if not COMMENT_TEXT_TOKENS.isdisjoint(hint_tokens(n))],
        [n for n in bodies if not COMMENT_BODY_TOKENS.isdisjoint(hint_tokens(n))],
    )
    for group in groups:
        for node in group:
            text = _paragraphs(node)
            if text:
                return text
    return "\n\n".join(t for n in nodes if n.tag == "p" and (t := node_text(n)))


def dom_comments(tree: LexborHTMLParser) -> list[Comment]:
    unique = {n.mem_id: n for n in tree.css(ITEM_SELECTOR)}  # a node may match twice
    items = [n for n in unique.values() if is_comment_item(n) and not _in_form(n)]
    ids = {n.mem_id for n in items}
    holders = meta_holders(items[:MAX_COMMENTS])
    found: list[Comment] = []
    for item in items[:MAX_COMMENTS]:
        nodes = own_nodes(item, ids)
        text = comment_text(nodes, holders)
        if text:
            found.append(Comment(comment_author(nodes), comment_date(nodes), text))
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
