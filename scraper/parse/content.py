"""Lead, paragraphs and subheadings of the article (captions: ``scraper.parse.images``)."""

from __future__ import annotations

from dataclasses import dataclass

from selectolax.lexbor import LexborNode

from scraper.parse.blocks import Segment, walk_segments
from scraper.parse.bylines import byline_from_text
from scraper.parse.text import attr, hint_tokens, in_other_story, node_text
from scraper.parse.vocab import LEAD_TOKENS, RELATED_PREFIXES

#: A standfirst is at least a short sentence and at most a long paragraph.
MIN_LEAD_CHARS = 20
MAX_LEAD_CHARS = 1200
#: A standfirst holds one or two paragraphs and no subheading; an element marked like a
#: lead that holds more is a body wrapper (Drupal's ``field--type-text-with-summary``).
MAX_LEAD_PARAGRAPHS = 2
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
#: Tags never taken as a standfirst (structure, metadata, the headline).
LEAD_EXCLUDED_TAGS = frozenset({"html", "body", "main", "article", "meta", "link", "script",
                                "img", "a", "time", "h1", "form", "input", "nav", "aside"})
_BULLETS = " »›►▶→>•*-–—|"


@dataclass(frozen=True)
class BodyContent:
    lead: str | None
    paragraphs: tuple[str, ...]
    subheadings: tuple[str, ...]
    text: str
    text_bylines: tuple[str, ...]


def _subtree_ids(node: LexborNode) -> set[int]:
    return {n.mem_id for n in node.traverse()}


def _lead_candidate(node: LexborNode) -> bool:
    if (node.tag or "") in LEAD_EXCLUDED_TAGS:
        return False
    if "description" in attr(node, "itemprop").lower().split():
        return True
    return not LEAD_TOKENS.isdisjoint(hint_tokens(node))


def _wraps_body(node: LexborNode, body_ids: set[int], segments: list[Segment]) -> bool:
    """A wrapper around the body container, or around several of its paragraphs."""
    inside = _subtree_ids(node)
    if not body_ids.isdisjoint(inside):
        return True
    held = [s for s in segments if s.node.mem_id in inside]
    return (len(held) > MAX_LEAD_PARAGRAPHS) or any(s.kind == "h" for s in held)


def find_lead(scope: LexborNode, body: list[LexborNode], segments: list[Segment],
              order: dict[int, int], title: str | None) -> LexborNode | None:
    """The first lead-marked element of the article before the first body paragraph."""
    first_paragraph = next((s.node for s in segments if s.kind == "p"), None)
    limit = order.get(first_paragraph.mem_id, -1) if first_paragraph is not None else -1
    body_ids = {b.mem_id for b in body}
    for node in scope.css("[class], [itemprop]"):
        if limit >= 0 and order.get(node.mem_id, 0) > limit:
            break
        if not _lead_candidate(node) or in_other_story(node, scope):
            continue
        if _wraps_body(node, body_ids, segments):
            continue  # a wrapper around the body or its paragraphs, not a standfirst
        text = node_text(node)
        if MIN_LEAD_CHARS <= len(text) <= MAX_LEAD_CHARS and text != title:
            return node
    return None


def is_related_link(segment: Segment) -> bool:
    """ "À lire aussi : <link>", "Read more: <link>", "Tags: a, b" paragraphs."""
    text = segment.text.lstrip(_BULLETS).lower()
    for prefix in RELATED_PREFIXES:
        if text.startswith(prefix):
            return segment.link_ratio >= RELATED_MIN_LINK_RATIO or len(text) <= len(prefix) + 3
    return False


def keep_segment(segment: Segment, lead: str | None, title: str | None) -> bool:
    if segment.text in (lead, title):
        return False
    if is_related_link(segment):
        return False
    if len(segment.text) <= MAX_DATELINE_CHARS and segment.time_ratio >= MIN_DATELINE_TIME_RATIO:
        return False
    return segment.link_ratio <= MAX_PARAGRAPH_LINK_DENSITY


def split_bylines(segments: list[Segment]) -> tuple[list[Segment], tuple[str, ...]]:
    """Remove "Par X et Y" lines among the first segments; return them as names."""
    names: list[str] = []
    kept: list[Segment] = []
    for index, segment in enumerate(segments):
        found = byline_from_text(segment.text) if index < BYLINE_WINDOW else []
        if found and segment.kind == "p":
            names.extend(found)
        else:
            kept.append(segment)
    return kept, tuple(names)


def extract_content(scope: LexborNode, body: list[LexborNode], order: dict[int, int],
                    title: str | None) -> BodyContent:
    segments = walk_segments(body, set())
    lead_node = find_lead(scope, body, segments, order, title)
    lead = node_text(lead_node) if lead_node is not None else None
    if lead_node is not None:
        segments = walk_segments(body, _subtree_ids(lead_node))
    segments, text_bylines = split_bylines(segments)
    kept = [s for s in segments if keep_segment(s, lead, title)]
    paragraphs = tuple(s.text for s in kept if s.kind == "p")
    subheadings = tuple(s.text for s in kept if s.kind == "h")
    text = "\n\n".join(([lead] if lead else []) + [s.text for s in kept])
    return BodyContent(lead, paragraphs, subheadings, text, text_bylines)
