"""Lead, paragraphs and subheadings of the article (captions: ``scraper.parse.images``).

The lead search walks the window between the headline and the body's first paragraph;
what makes an element a lead is ``scraper.parse.lead``'s.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from selectolax.lexbor import LexborNode

from scraper.parse.blocks import Segment, WalkMemo, walk_segments
from scraper.parse.bylines import byline_from_text, is_role_line, looks_like_person
from scraper.parse.lead import (
    ASCII_SPACES,
    MAX_WINDOW_ELEMENTS,
    MIN_LEAD_CHARS,
    PRUNED_TAGS,
    Description,
    acceptable_lead,
    lead_area,
    lead_text,
    marked_lead,
    structural_lead,
    text_box_attrs,
)
from scraper.parse.vocab import BLOCK_TAGS, BOILERPLATE_HEADINGS, RELATED_PREFIXES

#: Paragraphs whose text is mostly links are navigation (0.75: a sentence with a link or
#: two stays well under, "Read more: <link>" boxes sit near 1.0).
MAX_PARAGRAPH_LINK_DENSITY = 0.75
#: A "Lire aussi : ..." paragraph is dropped when this share of it is a link.
RELATED_MIN_LINK_RATIO = 0.3
#: A short line that is mostly ``<time>`` text is a dateline ("Published 14/02 - Updated
#: 15/02"), not a paragraph: at most this long, at least this share of ``<time>`` text.
MAX_DATELINE_CHARS = 120
MIN_DATELINE_TIME_RATIO = 0.3
#: Bylines written as text ("Par X et Y") sit among the first segments of the body.
BYLINE_WINDOW = 3
#: A byline block's name line is a first and a last name at least ("Share" is not).
MIN_BYLINE_NAME_WORDS = 2
_BULLETS = " »›►▶→>•*-–—|"
_BOX_TITLES = frozenset(BOILERPLATE_HEADINGS)


@dataclass(frozen=True)
class BodyContent:
    lead: str | None
    paragraphs: tuple[str, ...]
    subheadings: tuple[str, ...]
    text: str
    text_bylines: tuple[str, ...]


def _subtree_ids(node: LexborNode) -> set[int]:
    return {n.mem_id for n in node.traverse()}


def _without(segments: list[Segment], lead: LexborNode, body: list[LexborNode],
             memo: WalkMemo) -> list[Segment]:
    """The body's segments without the lead: those of the walk that skips the lead's
    subtree. A block lead ends the line before and after it whether walked or skipped,
    so that walk's segments are the first walk's less those inside the lead, unless a
    heading inside it heads a related box (its skipped siblings may lie outside)."""
    inside = _subtree_ids(lead)
    if lead.tag in BLOCK_TAGS and inside.isdisjoint(memo.related_heads()):
        return [s for s in segments if s.node.mem_id not in inside]
    return walk_segments(body, inside, memo)


def _path_to(area: LexborNode, node: LexborNode) -> list[LexborNode] | None:
    """``node`` and its ancestors strictly below ``area``; None when ``node`` is not
    strictly below ``area``."""
    path: list[LexborNode] = []
    current: LexborNode | None = node
    while current is not None and current.mem_id != area.mem_id:
        path.append(current)
        current = current.parent
    return path if current is not None and path else None


def _comes_first(area: LexborNode, headline: list[LexborNode],
                 limit: LexborNode | None) -> bool:
    """``limit`` comes before the headline (``headline``: its path below ``area``) in
    document order: it holds the headline or sits in an earlier branch."""
    limit_path = _path_to(area, limit) if limit is not None else None
    if limit_path is None:
        return False
    rank = {node.mem_id: index for index, node in enumerate(headline)}
    index, meet = len(limit_path), len(headline)  # the branches meet at ``area``, or
    for position, node in enumerate(limit_path):  # at the limit's lowest shared ancestor
        if node.mem_id in rank:
            index, meet = position, rank[node.mem_id]
            break
    if index == 0:
        return meet > 0  # the limit holds the headline (or is it)
    if meet == 0:
        return False  # the limit sits inside the headline: never reached
    mine, theirs = limit_path[index - 1], headline[meet - 1].mem_id
    sibling = mine.next
    while sibling is not None and sibling.mem_id != theirs:
        sibling = sibling.next
    return sibling is not None


def _after(area: LexborNode, headline: list[LexborNode] | None) -> Iterator[LexborNode]:
    """The elements whose subtrees follow the headline in document order below ``area``:
    its next siblings, then its parent's, and so on (every child when no headline)."""
    if headline is None:
        yield from area.iter()
        return
    for node in headline:
        sibling = node.next
        while sibling is not None:
            yield sibling
            sibling = sibling.next


#: A place of the window: an element, its tag and attributes, and whether it is the limit.
_Place = tuple[LexborNode, str, dict[str, str | None], bool]


class _Search:
    """The lead search over the window after the headline: its elements are walked in
    document order and each is asked once its subtree is walked (a lead's text reads only
    text nodes the walk saw, so a subtree of fewer characters than ``MIN_LEAD_CHARS``
    holds none and is not asked). Marked elements are asked first (a marked one found,
    the first marked of it and its open ancestors wins); the elements asked by structure
    wait for the walk's end, then go in document order (see ``find_lead``)."""

    def __init__(self, area: LexborNode, headline: LexborNode | None,
                 body: list[LexborNode], segments: list[Segment], title: str | None) -> None:
        self.area, self.headline, self.title = area, headline, title
        self.body, self.segments = body, segments
        self.texts: dict[int, str] = {}
        self.places: list[_Place] = []
        self.chars: list[int] = []  # lead text bound of each place, summed when closed
        self.open: list[int] = []  # the places whose subtree is being walked
        self.unmarked: list[int] = []  # the closed places to ask by structure

    def marked(self, index: int) -> bool:
        node, tag, attrs, _ = self.places[index]
        text = marked_lead(node, tag, attrs, self.area, self.texts)
        return text is not None and text != self.title and acceptable_lead(
            node, self.body, self.segments)

    def close(self, index: int) -> LexborNode | None:
        """The subtree of ``index`` (closed, its bound large enough) is walked: the first
        marked among it and its open ancestors, if it is marked."""
        if self.marked(index):
            first = next((i for i in self.open if self.marked(i)), index)
            return self.places[first][0]
        self.unmarked.append(index)
        return None

    def finish(self, limit: _Place | None) -> LexborNode | None:
        """The walk stops: ask the open places (their subtrees not walked whole), then the
        limit; else the first place found by structure."""
        for index in self.open:
            if self.marked(index):
                return self.places[index][0]
        if limit is not None:
            self.places.append(limit)
            if self.marked(len(self.places) - 1):
                return limit[0]
        description = Description(self.area)
        for index in sorted(self.unmarked + self.open):
            node, tag, _, _ = self.places[index]
            found = structural_lead(node, tag, self.headline, description, self.texts)
            if found and found != self.title and acceptable_lead(
                    node, self.body, self.segments):
                return node
        return None

    def add(self, place: _Place, chars: int) -> int:
        """A new open place whose own text nodes bound its lead text by ``chars``."""
        self.places.append(place)
        self.chars.append(chars)
        self.open.append(len(self.places) - 1)
        return len(self.places) - 1


def _search(search: _Search, limit: LexborNode | None) -> LexborNode | None:
    """Walk the window (see ``find_lead``) with ``search``; its answer."""
    area, headline = search.area, search.headline
    path = _path_to(area, headline) if headline is not None else None
    if headline is not None and (path is None or _comes_first(area, path, limit)):
        inside = limit is not None and _path_to(area, limit) is not None
        return search.finish((limit, limit.tag or "", limit.attributes, True)
                             if limit is not None and inside else None)
    limit_id = limit.mem_id if limit is not None else None
    chars, open_ = search.chars, search.open
    for root in _after(area, path):
        stack: list[LexborNode | int] = [root]
        while stack:
            node = stack.pop()
            if isinstance(node, int):  # the end of a place's subtree: close it
                index = open_.pop()
                if open_:
                    chars[open_[-1]] += chars[index]
                found = search.close(index) if chars[index] >= MIN_LEAD_CHARS else None
                if found is not None:
                    return found
            elif len(chars) >= MAX_WINDOW_ELEMENTS:
                return search.finish(None)
            elif node.mem_id == limit_id:
                return search.finish((node, node.tag or "", node.attributes, True))
            else:
                _enter(search, node, stack)
    return search.finish(None)


def _enter(search: _Search, node: LexborNode, stack: list[LexborNode | int]) -> None:
    """Open a place for an element of the window (not pruned, not a caption or credit)
    and stack its children, then its end."""
    tag = node.tag or "-"
    if tag.startswith("-") or tag in PRUNED_TAGS:
        return
    attrs = node.attributes
    if text_box_attrs(attrs):
        return
    stack.append(search.add((node, tag, attrs, False), _own_chars(node)))
    children: list[LexborNode | int] = list(node.iter())
    children.reverse()
    stack.extend(children)


def _own_chars(node: LexborNode) -> int:
    """A bound of the share of ``node``'s own text nodes in a lead text: each non-blank
    one stripped of ASCII spaces, plus a space (their text joined by spaces, in C)."""
    own = node.text(deep=False, separator=" ").strip(ASCII_SPACES)
    return len(own) + 1 if own else 0


def find_lead(scope: LexborNode, body: list[LexborNode], segments: list[Segment],
              first_paragraph: LexborNode | None, title: str | None) -> LexborNode | None:
    """The lead element: the first marked one between the headline and the first body
    paragraph (``first_paragraph`` itself included), else the first found by structure
    (strictly before the first paragraph). The window: the elements in document order
    after the headline up to the first paragraph (at most ``MAX_WINDOW_ELEMENTS``), media,
    captions and navigation pruned; a first paragraph before the headline is all there
    is, so is it when the headline is not below the area (nothing follows it)."""
    area, headline = lead_area(scope, body, title)
    return _search(_Search(area, headline, body, segments, title), first_paragraph)


def first_body_paragraph(segments: list[Segment], title: str | None) -> LexborNode | None:
    """The block of the first segment that reads as a body paragraph: not a link list,
    a dateline, a "Related" line or a byline among the first segments."""
    for index, segment in enumerate(segments):
        if segment.kind != "p" or not keep_segment(segment, None, title):
            continue
        if index < BYLINE_WINDOW and byline_from_text(segment.text):
            continue
        return segment.node
    return None


def is_related_link(segment: Segment) -> bool:
    """ "À lire aussi : <link>", "Read more: <link>", "Tags: a, b" paragraphs."""
    text = segment.text.lstrip(_BULLETS).lower()
    if not text.startswith(RELATED_PREFIXES):  # one C call for the usual paragraph
        return False
    for prefix in RELATED_PREFIXES:
        if text.startswith(prefix):
            return segment.link_ratio >= RELATED_MIN_LINK_RATIO or len(text) <= len(prefix) + 3
    return False


def is_box_title(segment: Segment) -> bool:
    """A line that only names a furniture box ("Dans la même rubrique", "Share") written
    in a table cell or a bold paragraph instead of a heading."""
    return segment.text.lower().strip(_BULLETS + ":").strip() in _BOX_TITLES


def keep_segment(segment: Segment, lead: str | None, title: str | None) -> bool:
    if segment.text in (lead, title):
        return False
    if is_related_link(segment) or is_box_title(segment):
        return False
    if len(segment.text) <= MAX_DATELINE_CHARS and segment.time_ratio >= MIN_DATELINE_TIME_RATIO:
        return False
    return segment.link_ratio <= MAX_PARAGRAPH_LINK_DENSITY


def _name_then_role(kept: list[Segment], segment: Segment) -> bool:
    """``segment`` is a role line right after a line holding only a person's name: the two
    lines of a byline block ("Harriet Cole" / "Transport correspondent")."""
    if segment.kind != "p" or not kept or not is_role_line(segment.text):
        return False
    name = kept[-1].text
    return (kept[-1].kind == "p" and len(name.split()) >= MIN_BYLINE_NAME_WORDS
            and looks_like_person(name))


def split_bylines(segments: list[Segment]) -> tuple[list[Segment], tuple[str, ...]]:
    """Remove "Par X et Y" lines and name + role blocks among the first segments; return
    them as names."""
    names: list[str] = []
    kept: list[Segment] = []
    for index, segment in enumerate(segments):
        found = byline_from_text(segment.text) if index < BYLINE_WINDOW else []
        if found and segment.kind == "p":
            names.extend(found)
        elif index <= BYLINE_WINDOW and _name_then_role(kept, segment):
            names.append(kept.pop().text)
        else:
            kept.append(segment)
    return kept, tuple(names)


def extract_content(scope: LexborNode, body: list[LexborNode],
                    title: str | None) -> BodyContent:
    """Lead, paragraphs and subheadings (the lead search walks its own window of the
    scope: ``scraper.parse.lead``)."""
    memo = WalkMemo()
    segments = walk_segments(body, set(), memo)
    lead_node = find_lead(scope, body, segments, first_body_paragraph(segments, title), title)
    lead = lead_text(lead_node) if lead_node is not None else None
    if lead_node is not None:
        segments = _without(segments, lead_node, body, memo)
    segments, text_bylines = split_bylines(segments)
    kept = [s for s in segments if keep_segment(s, lead, title)]
    paragraphs = tuple(s.text for s in kept if s.kind == "p")
    subheadings = tuple(s.text for s in kept if s.kind == "h")
    text = "\n\n".join(([lead] if lead else []) + [s.text for s in kept])
    return BodyContent(lead, paragraphs, subheadings, text, text_bylines)
