"""One walk, many answers: the rendered text of every element under a root.

``node_text`` walks a subtree each time it is called; scoring asks for the text of a
paragraph, then of its parent, grandparent and their links, which walks the same nodes
again and again (quadratic on deep trees). ``TextIndex`` walks the root once, keeps the
text parts in one flat list and, for every element, the slice of that list it spans;
an element's text is then one join of its slice, computed on demand and cached.
"""

from __future__ import annotations

from itertools import accumulate

from selectolax.lexbor import LexborNode

from scraper.parse.text import node_text, normalize_space
from scraper.parse.vocab import BLOCK_TAGS, SKIP_TAGS

Spans = dict[int, tuple[int, int]]


def _collect(root: LexborNode, skip: frozenset[str]) -> tuple[list[str], Spans]:
    """The parts ``iter_text_parts(root)`` yields, and each element's slice of them.

    Elements inside a skipped subtree get no slice (``TextIndex`` falls back to
    ``node_text`` for them).
    """
    parts: list[str] = []
    spans: Spans = {}
    current = root
    open_: list[tuple[int, int, bool]] = []  # (mem_id, first part, is block)
    while True:
        tag = current.tag
        if tag == "-text":
            parts.append(current.text_content or "")
        elif tag == "br":
            spans[current.mem_id] = (len(parts), len(parts) + 1)
            parts.append(" ")
        elif tag in skip:
            spans[current.mem_id] = (len(parts), len(parts))
        elif not (tag is None or tag.startswith("-")):
            start, block = len(parts), tag in BLOCK_TAGS
            if block:
                parts.append(" ")
            child = current.first_child
            if child is not None:
                open_.append((current.mem_id, start, block))
                current = child
                continue
            if block:
                parts.append(" ")
            spans[current.mem_id] = (start, len(parts))
        while True:  # climb to the next sibling, closing finished elements
            if not open_:
                return parts, spans
            sibling = current.next
            if sibling is not None:
                current = sibling
                break
            key, start, block = open_.pop()
            if block:
                parts.append(" ")
            spans[key] = (start, len(parts))
            current = current.parent  # type: ignore[assignment]  # open_ held it


class TextIndex:
    """``node_text`` of any element under ``root`` after one walk (results cached)."""

    def __init__(self, root: LexborNode, skip: frozenset[str] = SKIP_TAGS) -> None:
        self._skip = skip
        parts, self._spans = _collect(root, skip)
        self._bounds = list(accumulate(map(len, parts), initial=0))
        self._raw = "".join(parts)
        self._texts: dict[int, str] = {}

    def text(self, node: LexborNode) -> str:
        key = node.mem_id
        found = self._texts.get(key)
        if found is None:
            span = self._spans.get(key)
            if span is None:  # outside the root, or inside a skipped subtree
                found = node_text(node, self._skip)
            else:
                found = normalize_space(self._raw[self._bounds[span[0]]:self._bounds[span[1]]])
            self._texts[key] = found
        return found

    def link_density(self, node: LexborNode) -> float:
        """Share of the node's text that sits inside links (see ``body.link_density``)."""
        text = len(self.text(node))
        if text == 0:
            return 0.0
        linked = sum(len(self.text(a)) for a in node.css("a"))
        return min(linked / text, 1.0)
