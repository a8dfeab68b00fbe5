"""One walk, many answers: the rendered text of every element under a root.

``node_text`` walks a subtree each time it is called; scoring asks for the text of a
paragraph, then of its parent, grandparent and their links, which walks the same nodes
again and again (quadratic on deep trees). ``TextIndex`` walks the root once, keeps the
text parts in one flat list and, for every element, the slice of that list it spans;
an element's text is then one join of its slice, computed on demand and cached.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from itertools import accumulate

from selectolax.lexbor import LexborNode

from scraper.parse.text import ancestors, node_text, normalize_space
from scraper.parse.vocab import BLOCK_TAGS, SKIP_TAGS

Spans = dict[int, tuple[int, int, int, int]]  # mem_id: parts from, to; ranks from, to
#: A span longer than this (characters) gets its text length from the collapsed text of
#: the whole root, built once (linear) on first need, instead of normalising the slice:
#: that is linear per span, so nested containers that each ask (5,000 nested ``<div>``
#: each holding a paragraph) would be quadratic. Below it normalising the slice is
#: cheaper than the build (one regex pass, ~40 ns a character).
LARGE_SPAN_CHARS = 20_000
#: A span at least this long (characters) gets its text length counted on bytes, in C
#: (``normalized_length``), rather than from its normalised text: quicker above it.
COUNTED_SPAN_CHARS = 400
#: Up to this many links under a node their lengths are summed one by one; above it a
#: prefix sum over every link of the root (built once) answers in constant time.
FEW_LINKS = 32
#: The ASCII whitespace runs ``normalize_space`` changes: longer than one character, or
#: one character other than a plain space (single spaces stay as they are).
_COLLAPSIBLE = re.compile(r"[ \t\n\r\f\v]{2,}|[\t\n\r\f\v]")
#: Text nodes of ASCII whitespace only (indentation; lexbor tells them in C) stand as one
#: space in walks: ``normalize_space`` of any join of parts is unchanged (a run collapses
#: to one space anyway), and indentation-heavy pages give far shorter strings to
#: normalise. Parsing never makes an empty text node (which this would turn into a space).
_BLANK = " "
#: Byte map for ``normalized_length``: ASCII whitespace to a space, any other byte (UTF-8
#: lead and continuation bytes too: never whitespace) to a letter.
_SPACE_MARKS = bytes(0x20 if chr(i) in " \t\n\r\f\v" else 0x61 for i in range(256))


def normalized_length(value: str) -> int:
    """``len(normalize_space(value))`` without building it: once the ends are stripped
    (any whitespace, as ``normalize_space`` strips them), each run of ASCII whitespace
    shrinks to one space; the runs are counted in C on a byte map of the text."""
    value = value.strip()
    marks = value.encode("utf-8", "surrogatepass").translate(_SPACE_MARKS)
    return len(value) - marks.count(b" ") + marks.count(b"a ")


def _collect(root: LexborNode, skip: frozenset[str]) -> tuple[list[str], Spans]:
    """The parts ``iter_text_parts(root)`` yields (blank ones as ``_BLANK``) and, for each
    element, its slice of them and its subtree's range of element ranks (pre-order
    numbers, first and last).

    A space part right after another (or first) is left out, and so are the empty parts
    of skipped elements: ``normalize_space`` of any slice is unchanged (the left-out
    space would join a run, or lead the slice, and be stripped), and the text to
    normalise is much shorter on pages of nested blocks and indentation.

    Elements inside a skipped subtree get nothing (``TextIndex`` falls back to
    ``node_text`` for them); the skipped element itself is a leaf.
    """
    parts: list[str] = []
    spans: Spans = {}
    current, rank, spaced = root, 0, True  # spaced: the last part is a space (or none)
    open_: list[tuple[int, int, int, bool]] = []  # (mem_id, first part, rank, is block)
    while True:
        tag = current.tag
        if tag == "-text":
            if not current.is_empty_text_node:
                parts.append(current.text_content or "")
                spaced = False
            elif not spaced:
                parts.append(_BLANK)
                spaced = True
        elif tag == "br" or tag in skip:
            start = len(parts)
            if tag == "br" and not spaced:
                parts.append(" ")
                spaced = True
            spans[current.mem_id] = (start, len(parts), rank, rank)
            rank += 1
        elif not (tag is None or tag.startswith("-")):
            start, block = len(parts), tag in BLOCK_TAGS
            if block and not spaced:
                parts.append(" ")
                spaced = True
            child = current.first_child
            if child is not None:
                open_.append((current.mem_id, start, rank, block))
                current, rank = child, rank + 1
                continue
            spans[current.mem_id] = (start, len(parts), rank, rank)
            rank += 1
        while True:  # climb to the next sibling, closing finished elements
            if not open_:
                return parts, spans
            sibling = current.next
            if sibling is not None:
                current = sibling
                break
            key, start, first, block = open_.pop()
            if block and not spaced:
                parts.append(" ")
                spaced = True
            spans[key] = (start, len(parts), first, rank - 1)
            current = current.parent  # type: ignore[assignment]  # open_ held it


class _Collapsed:
    """The root's raw text with ASCII whitespace runs collapsed to one space (not
    stripped), and the map from raw offsets to offsets in that text.

    ``len(normalize_space(raw[i:j]))`` is the length of ``text[at(i):at(j)]`` without its
    leading and trailing whitespace: a run cut by a slice boundary leaves at most one
    space at that end, which the strip removes either way.
    """

    def __init__(self, raw: str) -> None:
        runs = [m.span() for m in _COLLAPSIBLE.finditer(raw)]
        self.starts = [start for start, _ in runs]
        self.ends = [end for _, end in runs]
        self.removed = list(accumulate((end - start - 1 for start, end in runs), initial=0))
        self.text = _COLLAPSIBLE.sub(" ", raw)

    def at(self, offset: int) -> int:
        run = bisect_right(self.ends, offset)  # runs before it end at or before offset
        if run < len(self.starts) and self.starts[run] < offset:  # inside a run
            return self.starts[run] - self.removed[run] + 1
        return offset - self.removed[run]

    def stripped_length(self, start: int, end: int) -> int:
        start, end = self.at(start), self.at(end)
        while start < end and self.text[start].isspace():
            start += 1
        while end > start and self.text[end - 1].isspace():
            end -= 1
        return end - start


class TextIndex:
    """``node_text`` of any element under ``root`` after one walk (results cached)."""

    def __init__(self, root: LexborNode, skip: frozenset[str] = SKIP_TAGS) -> None:
        self._skip, self._root = skip, root
        parts, self._spans = _collect(root, skip)
        self._bounds = list(accumulate(map(len, parts), initial=0))
        self._raw = "".join(parts)
        self._texts: dict[int, str] = {}
        self._collapsed: _Collapsed | None = None
        self._links: list[LexborNode] | None = None
        self._link_at: list[int] = []  # element rank of each link, in document order
        self._link_sums: list[int] | None = None

    def covers(self, node: LexborNode) -> bool:
        """``node`` is in the walked part of the root (not in a skipped subtree)."""
        return node.mem_id in self._spans

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

    def length(self, node: LexborNode) -> int:
        """``len(self.text(node))``, without building the text of a large span."""
        span = self._spans.get(node.mem_id)
        if span is None or node.mem_id in self._texts:
            return len(self.text(node))
        start, end = self._bounds[span[0]], self._bounds[span[1]]
        if end - start < COUNTED_SPAN_CHARS:
            return len(self.text(node))
        if end - start < LARGE_SPAN_CHARS:
            return normalized_length(self._raw[start:end])
        if self._collapsed is None:
            self._collapsed = _Collapsed(self._raw)
        return self._collapsed.stripped_length(start, end)

    def link_density(self, node: LexborNode) -> float:
        """Share of the node's text that sits inside links (see ``body.link_density``)."""
        text = self.length(node)
        if text == 0:
            return 0.0
        return min(self.linked_length(node) / text, 1.0)

    def linked_length(self, node: LexborNode) -> int:
        """Sum of the text lengths of the ``<a>`` elements ``node.css("a")`` lists: the node
        itself when it is one, and the links under it (nested ones counted again)."""
        span = self._spans.get(node.mem_id)
        if span is None:
            return sum(len(self.text(a)) for a in node.css("a"))
        links = self._place_links()
        low = bisect_left(self._link_at, span[2])
        high = bisect_right(self._link_at, span[3])
        if high - low <= FEW_LINKS:
            return sum(self.length(a) for a in links[low:high])
        if self._link_sums is None:
            self._link_sums = list(accumulate((self.length(a) for a in links), initial=0))
        return self._link_sums[high] - self._link_sums[low]

    def _place_links(self) -> list[LexborNode]:
        """Every ``<a>`` under the root (one selector run) and its element rank; one inside
        a skipped subtree takes its skipped ancestor's rank."""
        if self._links is None:
            placed = sorted(((self._part_of(a), i, a) for i, a in enumerate(self._root.css("a"))),
                            key=lambda item: item[:2])
            self._link_at = [at for at, _, _ in placed]
            self._links = [a for _, _, a in placed]
        return self._links

    def _part_of(self, node: LexborNode) -> int:
        current: LexborNode | None = node
        while current is not None:
            span = self._spans.get(current.mem_id)
            if span is not None:
                return span[2]
            current = current.parent
        return -1  # outside the root: never inside a span


#: Text indexes built on subtrees (one per candidate asked about and not yet covered)
#: before one index of the whole root replaces them: at most this many extra walks.
MAX_PARTIAL_INDEXES = 3


class LinkDensities:
    """Link density of candidates, asked for lazily: only a few candidates can win, so
    the text index covers their subtrees rather than the whole page (menus, footers).

    An index over a subtree answers as one over the root would: an element's text and
    links depend only on its own subtree. After ``MAX_PARTIAL_INDEXES`` subtrees, one
    index of the root answers everything (the walks stay linear in the page size).
    """

    def __init__(self, root: LexborNode) -> None:
        self._root = root
        self._partial: list[TextIndex] = []
        self._full: TextIndex | None = None

    def of(self, node: LexborNode) -> float:
        return self._index_for(node).link_density(node)

    def _index_for(self, node: LexborNode) -> TextIndex:
        if self._full is not None:
            return self._full
        for index in self._partial:
            if index.covers(node):
                return index
        if len(self._partial) < MAX_PARTIAL_INDEXES:
            self._partial.append(TextIndex(node))
            return self._partial[-1]
        self._full = TextIndex(self._root)
        return self._full


def chain_hits(nodes: list[LexborNode], chain: list[LexborNode],
                strict: bool) -> list[int]:
    """For each node, the index in ``chain`` (an ancestor line, nearest first) of the first
    chain element met climbing from the node (``strict``: from its parent); past the end
    when none is met. Climbs are memoised, so the whole call is linear in the tree."""
    reached = {n.mem_id: i for i, n in enumerate(chain)}
    hits = []
    for node in nodes:
        current, path = (node.parent if strict else node), []
        while current is not None and current.mem_id not in reached:
            path.append(current.mem_id)
            current = current.parent
        index = reached[current.mem_id] if current is not None else len(chain)
        reached.update((key, index) for key in path)
        hits.append(index)
    return hits


def common_ancestor(nodes: list[LexborNode]) -> LexborNode:
    """The deepest element holding every node of ``nodes`` (at least one node)."""
    chain = [nodes[0], *ancestors(nodes[0])]
    return chain[min(max(chain_hits(nodes, chain, strict=False)), len(chain) - 1)]


def text_with_breaks(node: LexborNode, skip: frozenset[str] = SKIP_TAGS) -> tuple[str, bool]:
    """``node_text(node)``, and whether a ``<br>`` may be inside it: one was met, or an
    element the walk skips has children (a ``<br>`` in ``<noscript>`` counts for
    ``node.css("br")``). One walk for both; spaces are left out as in ``_collect``."""
    parts: list[str] = []
    current, open_, brs, spaced = node, [], False, True
    while True:
        tag = current.tag
        if tag == "-text":
            if not current.is_empty_text_node:
                parts.append(current.text_content or "")
                spaced = False
            elif not spaced:
                parts.append(_BLANK)
                spaced = True
        elif tag == "br":
            brs = True
            if not spaced:
                parts.append(" ")
                spaced = True
        elif tag in skip:
            brs = brs or current.first_child is not None
        elif not (tag is None or tag.startswith("-")):
            if not spaced and tag in BLOCK_TAGS:
                parts.append(" ")
                spaced = True
            child = current.first_child
            if child is not None:
                open_.append(current)
                current = child
                continue
        while True:  # climb to the next sibling, closing finished elements
            if not open_:
                return normalize_space("".join(parts)), brs
            sibling = current.next
            if sibling is not None:
                current = sibling
                break
            current = open_.pop()
            if not spaced and current.tag in BLOCK_TAGS:
                parts.append(" ")
                spaced = True


def br_chunks(node: LexborNode) -> list[str]:
    """Text of ``node`` split at ``<br><br>`` runs (Readability's ``replaceBrs``): a
    ``<div>`` of text separated by blank lines holds paragraphs, it is not one."""
    chunks: list[str] = []
    parts: list[str] = []
    last_br = False
    for child in node.traverse(include_text=True):
        if child.tag == "-text":
            text = child.text_content or ""
            parts.append(text)
            last_br = last_br and not text.strip()
        elif child.tag == "br":
            if last_br:
                chunks.append(normalize_space("".join(parts)))
                parts.clear()
            parts.append(" ")
            last_br = True
    chunks.append(normalize_space("".join(parts)))
    return [c for c in chunks if c] if len(chunks) > 1 else []
