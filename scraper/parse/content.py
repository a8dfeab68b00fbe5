"""Lead, paragraphs and subheadings of the article (captions: ``scraper.parse.images``)."""

from __future__ import annotations

from dataclasses import dataclass

from selectolax.lexbor import LexborNode

from scraper.parse.blocks import Segment, WalkMemo, walk_segments
from scraper.parse.bylines import byline_from_text, is_role_line, looks_like_person
from scraper.parse.lead import find_lead, lead_text
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
