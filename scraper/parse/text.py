"""Text helpers: whitespace normalisation, rendered text of a node, class/id tokens."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from functools import lru_cache

from selectolax.lexbor import LexborNode

from scraper.parse.vocab import (
    BLOCK_TAGS,
    MEDIA_TAGS,
    OTHER_STORY_SUBSTRINGS,
    OTHER_STORY_TOKENS,
    SKIP_TAGS,
)

_ASCII_CONTROL_SPACES = ("\n", "\t", "\r", "\f", "\v")
_TOKEN_SPLIT = re.compile(r"[^a-z0-9]+")
_HIDDEN_STYLE = re.compile(r"(display\s*:\s*none|visibility\s*:\s*hidden)", re.I)
_WORD = re.compile(r"\w")


def normalize_space(value: str) -> str:
    """Collapse runs of HTML (ASCII) whitespace to one space and strip the ends.

    Only ASCII whitespace collapses, as in CSS ``white-space: normal``: no-break and
    narrow no-break spaces are typography and are kept (``str.split()`` would eat them).
    Plain ``str`` methods, not a regex: this runs on every text and is 5x faster so.
    Once the controls are spaces, a printable string holds no whitespace but ``" "``
    (no-break spaces are not printable), so ``str.split()`` is then exact and faster.
    """
    for char in _ASCII_CONTROL_SPACES:
        if char in value:
            value = value.replace(char, " ")
    if "  " in value:
        if value.isprintable():
            return " ".join(value.split())
        value = " ".join(filter(None, value.split(" ")))
    return value.strip()


def has_words(value: str) -> bool:
    """True when ``value`` holds at least one letter or digit."""
    return _WORD.search(value) is not None


def attr(node: LexborNode, name: str) -> str:
    """The attribute value, ``""`` when absent or valueless."""
    value = node.attributes.get(name)
    return value if value is not None else ""


def has_attr(node: LexborNode, name: str) -> bool:
    return name in node.attributes


#: Distinct class/id values seen across pages; a few thousand cover any one site.
HINT_CACHE_SIZE = 8192


@lru_cache(maxsize=HINT_CACHE_SIZE)
def tokens_of(class_: str, id_: str) -> frozenset[str]:
    """``hint_tokens`` of a ``class`` and ``id`` value pair (cached: pages repeat them)."""
    tokens: set[str] = set()
    for raw in (class_, id_):
        for word in raw.lower().split():
            tokens.update(t for t in _TOKEN_SPLIT.split(word) if t)
            tokens.add(word)
            tokens.add(_TOKEN_SPLIT.sub("", word))
    return frozenset(tokens)


def hint_tokens(node: LexborNode) -> frozenset[str]:
    """Lower-cased tokens of ``class`` and ``id``, split on non-alphanumerics, plus each
    whole class/id value with separators removed (``article-body`` -> ``articlebody``)."""
    attrs = node.attributes
    return tokens_of(attrs.get("class") or "", attrs.get("id") or "")


def hint_string(node: LexborNode) -> str:
    """``class`` and ``id`` lower-cased in one string, for substring hints."""
    attrs = node.attributes
    return f"{attrs.get('class') or ''} {attrs.get('id') or ''}".lower()


@lru_cache(maxsize=HINT_CACHE_SIZE)
def hints_match(class_: str, id_: str, tokens: frozenset[str],
                substrings: tuple[str, ...]) -> bool:
    """``matches_hints`` on a ``class`` and ``id`` value pair (cached)."""
    if not tokens.isdisjoint(tokens_of(class_, id_)):
        return True
    hints = f"{class_} {id_}".lower()
    return any(s in hints for s in substrings)


def matches_hints(node: LexborNode, tokens: frozenset[str], substrings: Iterable[str]) -> bool:
    attrs = node.attributes
    return hints_match(attrs.get("class") or "", attrs.get("id") or "", tokens,
                       tuple(substrings))


def hidden_attrs(attrs: dict[str, str | None]) -> bool:
    """``is_hidden`` on an attribute dict (one ``attributes`` read per node)."""
    if "hidden" in attrs or (attrs.get("aria-hidden") or "").lower() == "true":
        return True
    style = attrs.get("style")
    return style is not None and _HIDDEN_STYLE.search(style) is not None


def is_hidden(node: LexborNode) -> bool:
    """Hidden from readers: ``hidden``, ``aria-hidden=true`` or an inline ``display:none``."""
    return hidden_attrs(node.attributes)


def iter_text_parts(node: LexborNode, skip: frozenset[str] = SKIP_TAGS) -> Iterator[str]:
    """Text nodes under ``node`` in order, with ``" "`` at block boundaries and ``<br>``.

    Iterative (sibling/parent pointers, a stack of open elements) so that deeply nested
    documents cannot hit the Python recursion limit.
    """
    current = node
    open_: list[tuple[LexborNode, bool]] = []
    while True:
        tag = current.tag
        if tag == "-text":
            yield current.text_content or ""
        elif tag == "br":
            yield " "
        elif not (tag is None or tag in skip or tag.startswith("-")):
            block = tag in BLOCK_TAGS
            if block:
                yield " "
            child = current.first_child
            if child is not None:
                open_.append((current, block))
                current = child
                continue
            if block:
                yield " "
        while True:  # climb to the next sibling, closing finished elements
            if not open_:
                return
            sibling = current.next
            if sibling is not None:
                current = sibling
                break
            current, block = open_.pop()
            if block:
                yield " "


def node_text(node: LexborNode, skip: frozenset[str] = SKIP_TAGS) -> str:
    """The text a reader sees in ``node``, whitespace-normalised."""
    child = node.first_child
    if child is not None and child.next is None and child.tag == "-text":
        # One text node (most paragraphs): its text, without a walk. The spaces a block
        # element adds around its parts are stripped by ``normalize_space`` anyway.
        tag = node.tag
        if not (tag is None or tag in skip or tag.startswith("-")):
            return normalize_space(child.text_content or "")
    return normalize_space("".join(iter_text_parts(node, skip)))


SKIP_SELECTOR = ", ".join(sorted(SKIP_TAGS))


def surely_longer(node: LexborNode, limit: int) -> bool:
    """True when ``node_text(node)`` is certainly longer than ``limit`` characters, told
    from a lower bound found in C (no walk in Python): the characters of every text
    node other than whitespace, less all those under skipped elements. False: unknown."""
    tag = node.tag
    if tag is None or tag in SKIP_TAGS or tag.startswith("-"):
        return False
    raw = node.text(deep=True)
    if len(raw) <= limit:
        return False
    bound = len("".join(raw.split())) - sum(len(s.text(deep=True))
                                            for s in node.css(SKIP_SELECTOR))
    return bound > limit


def ancestors(node: LexborNode) -> Iterator[LexborNode]:
    """Parents of ``node``, nearest first (stops before the document node)."""
    current = node.parent
    while current is not None and current.tag not in (None, "-document"):
        yield current
        current = current.parent


def document_order(root: LexborNode) -> dict[int, int]:
    """Map ``mem_id`` of every element under ``root`` to its position in document order."""
    return {n.mem_id: i for i, n in enumerate(root.traverse())}


#: Answers of ``in_other_story`` for the last ``scope`` object asked about (callers ask
#: for every text node of a page: without it each asks climbs to the scope, quadratic on
#: deep trees). Keyed by the scope wrapper itself, which the slot keeps alive.
_STORY_MEMO: list[tuple[LexborNode, dict[int, bool]]] = []


def _story_answers(scope: LexborNode) -> dict[int, bool]:
    slot = _STORY_MEMO[0] if _STORY_MEMO else None
    if slot is None or slot[0] is not scope:
        slot = (scope, {})
        _STORY_MEMO[:] = [slot]
    return slot[1]


def in_other_story(node: LexborNode, scope: LexborNode) -> bool:
    """Inside a related-stories, comments or sidebar box below ``scope`` (inclusive of
    ``node``, exclusive of ``scope``)."""
    known = _story_answers(scope)
    path: list[int] = []
    current: LexborNode | None = node
    answer = False
    while current is not None and current.mem_id != scope.mem_id:
        key = current.mem_id
        if key in known:
            answer = known[key]
            break
        path.append(key)
        if current.tag == "aside" or matches_hints(
                current, OTHER_STORY_TOKENS, OTHER_STORY_SUBSTRINGS):
            answer = True
            break
        current = current.parent
    known.update(dict.fromkeys(path, answer))
    return answer


MEDIA_SELECTOR = ", ".join(MEDIA_TAGS)


def has_media(node: LexborNode) -> bool:
    """Holds an image, video or other embedded media (a photo figure, not a pull quote)."""
    return node.css_first(MEDIA_SELECTOR) is not None
