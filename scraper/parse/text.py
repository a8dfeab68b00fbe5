"""Text helpers: whitespace normalisation, rendered text of a node, class/id tokens."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

from selectolax.lexbor import LexborNode

from scraper.parse.vocab import (
    BLOCK_TAGS,
    MEDIA_TAGS,
    OTHER_STORY_SUBSTRINGS,
    OTHER_STORY_TOKENS,
    SKIP_TAGS,
)

_ASCII_SPACE = re.compile(r"[ \t\n\r\f\v]+")
_TOKEN_SPLIT = re.compile(r"[^a-z0-9]+")
_HIDDEN_STYLE = re.compile(r"(display\s*:\s*none|visibility\s*:\s*hidden)", re.I)
_WORD = re.compile(r"\w")


def normalize_space(value: str) -> str:
    """Collapse runs of HTML (ASCII) whitespace to one space and strip the ends.

    Only ASCII whitespace collapses, as in CSS ``white-space: normal``: no-break and
    narrow no-break spaces are typography and are kept.
    """
    return _ASCII_SPACE.sub(" ", value).strip()


def has_words(value: str) -> bool:
    """True when ``value`` holds at least one letter or digit."""
    return _WORD.search(value) is not None


def attr(node: LexborNode, name: str) -> str:
    """The attribute value, ``""`` when absent or valueless."""
    value = node.attributes.get(name)
    return value if value is not None else ""


def has_attr(node: LexborNode, name: str) -> bool:
    return name in node.attributes


def hint_tokens(node: LexborNode) -> frozenset[str]:
    """Lower-cased tokens of ``class`` and ``id``, split on non-alphanumerics, plus each
    whole class/id value with separators removed (``article-body`` -> ``articlebody``)."""
    tokens: set[str] = set()
    for raw in (attr(node, "class"), attr(node, "id")):
        for word in raw.lower().split():
            tokens.update(t for t in _TOKEN_SPLIT.split(word) if t)
            tokens.add(word)
            tokens.add(_TOKEN_SPLIT.sub("", word))
    return frozenset(tokens)


def hint_string(node: LexborNode) -> str:
    """``class`` and ``id`` lower-cased in one string, for substring hints."""
    return f"{attr(node, 'class')} {attr(node, 'id')}".lower()


def matches_hints(node: LexborNode, tokens: frozenset[str], substrings: Iterable[str]) -> bool:
    if not tokens.isdisjoint(hint_tokens(node)):
        return True
    hints = hint_string(node)
    return any(s in hints for s in substrings)


def is_hidden(node: LexborNode) -> bool:
    """Hidden from readers: ``hidden``, ``aria-hidden=true`` or an inline ``display:none``."""
    if has_attr(node, "hidden") or attr(node, "aria-hidden").lower() == "true":
        return True
    return _HIDDEN_STYLE.search(attr(node, "style")) is not None


def iter_text_parts(node: LexborNode, skip: frozenset[str] = SKIP_TAGS) -> Iterator[str]:
    """Text nodes under ``node`` in order, with ``" "`` at block boundaries and ``<br>``.

    Iterative (explicit stack) so that deeply nested documents cannot hit the Python
    recursion limit.
    """
    stack: list[LexborNode | None] = [node]
    while stack:
        current = stack.pop()
        if current is None:  # end of a block element
            yield " "
            continue
        tag = current.tag
        if tag == "-text":
            yield current.text_content or ""
            continue
        if tag in skip or tag is None or tag.startswith("-"):
            continue
        if tag == "br":
            yield " "
            continue
        block = tag in BLOCK_TAGS
        if block:
            yield " "
            stack.append(None)
        stack.extend(reversed(list(current.iter(include_text=True))))


def node_text(node: LexborNode, skip: frozenset[str] = SKIP_TAGS) -> str:
    """The text a reader sees in ``node``, whitespace-normalised."""
    return normalize_space("".join(iter_text_parts(node, skip)))


def ancestors(node: LexborNode) -> Iterator[LexborNode]:
    """Parents of ``node``, nearest first (stops before the document node)."""
    current = node.parent
    while current is not None and current.tag not in (None, "-document"):
        yield current
        current = current.parent


def document_order(root: LexborNode) -> dict[int, int]:
    """Map ``mem_id`` of every element under ``root`` to its position in document order."""
    return {n.mem_id: i for i, n in enumerate(root.traverse())}


def in_other_story(node: LexborNode, scope: LexborNode) -> bool:
    """Inside a related-stories, comments or sidebar box below ``scope`` (inclusive of
    ``node``, exclusive of ``scope``)."""
    current: LexborNode | None = node
    while current is not None and current.mem_id != scope.mem_id:
        if current.tag == "aside" or matches_hints(
                current, OTHER_STORY_TOKENS, OTHER_STORY_SUBSTRINGS):
            return True
        current = current.parent
    return False


MEDIA_SELECTOR = ", ".join(MEDIA_TAGS)


def has_media(node: LexborNode) -> bool:
    """Holds an image, video or other embedded media (a photo figure, not a pull quote)."""
    return node.css_first(MEDIA_SELECTOR) is not None
