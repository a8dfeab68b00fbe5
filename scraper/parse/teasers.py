"""Teaser cards: short boxes headed by a link to another story (home-page tiles, "more
stories" rails), dropped from the body text and their pictures from the images."""

from __future__ import annotations

from selectolax.lexbor import LexborNode

from scraper.parse.text import ancestors, attr, node_text, surely_longer
from scraper.parse.vocab import SUBHEADING_TAGS

#: A box whose heading is a link to another page and whose text is at most this long is a
#: teaser card (home pages, "more stories" rails): a headline plus a one- or two-line
#: summary runs to ~300 characters; a story section under a linked heading is longer.
MAX_TEASER_CHARS = 300
#: Share of a heading's text inside links for it to be a linked headline.
MIN_TEASER_HEADING_LINK_SHARE = 0.9
TEASER_CARD_TAGS = frozenset({"div", "article", "li", "section"})
HEADING_SELECTOR = ", ".join(sorted(SUBHEADING_TAGS))


def _links_elsewhere(node: LexborNode) -> bool:
    if node.tag != "a":
        return False
    href = attr(node, "href").strip()
    return bool(href) and not href.startswith("#")


def is_teaser_card(node: LexborNode, holders: set[int] | None = None) -> bool:
    """A short box headed by a link to another story (in-page ``#`` anchors excepted).

    ``holders``: ``mem_id`` of every element known to hold a subheading (a cheap
    early-out; ``heading_holders``). The linked heading is asked before the box's text
    (rarely linked in a story, it spares most text walks)."""
    if node.tag not in TEASER_CARD_TAGS:
        return False
    if holders is not None and node.mem_id not in holders:
        return False
    heading = node.css_first(HEADING_SELECTOR)
    if heading is None or not _linked_heading(heading, node):
        return False
    if surely_longer(node, MAX_TEASER_CHARS):  # skips the text walk
        return False
    return len(node_text(node)) <= MAX_TEASER_CHARS


def _linked_heading(heading: LexborNode, card: LexborNode) -> bool:
    """The heading is a link, or sits in one (a whole-card link) inside ``card``."""
    return heading_in_link(heading, card) or heading_mostly_linked(heading)


def heading_in_link(heading: LexborNode, card: LexborNode) -> bool:
    """The heading sits in a link to another page inside the card (or is one)."""
    for ancestor in ancestors(heading):
        if ancestor.mem_id == card.mem_id:
            break
        if _links_elsewhere(ancestor):
            return True
    return False


def heading_mostly_linked(heading: LexborNode) -> bool:
    """Most of the heading's text is in links to other pages."""
    links = [a for a in heading.css("a") if _links_elsewhere(a)]
    if not links:  # no linked text: the heading's own text need not be measured
        return False
    text = len(node_text(heading))
    linked = sum(len(node_text(a)) for a in links)
    return text > 0 and linked >= MIN_TEASER_HEADING_LINK_SHARE * text


def heading_holders(container: LexborNode) -> set[int]:
    """``mem_id`` of the container and every element below it holding a subheading (each
    heading climbs until an element already marked: linear in the container's size)."""
    holders = {container.mem_id}
    for heading in container.css(HEADING_SELECTOR):
        current = heading.parent
        while current is not None and current.mem_id not in holders:
            holders.add(current.mem_id)
            current = current.parent
    return holders
