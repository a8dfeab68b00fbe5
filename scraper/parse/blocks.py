"""Walking the body container(s) into text segments: paragraphs and subheadings.

A segment is a run of text between two block boundaries (or two ``<br>``), labelled by
its innermost block element: ``h2``-``h6`` give subheadings, everything else a paragraph
(``<p>``, ``<li>``, ``<blockquote>`` text, a ``<td>`` or ``<div>`` holding text).
Furniture (figures, forms, share bars, ads, related links, ...) is skipped whole.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from selectolax.lexbor import LexborNode

from scraper.parse.body import (
    MAX_SIBLING_PARAGRAPH_LINK_DENSITY,
    ambiguous_furniture,
    link_density,
)
from scraper.parse.teasers import HEADING_SELECTOR, heading_holders, is_teaser_card
from scraper.parse.text import (
    ancestors,
    attr,
    has_media,
    has_words,
    hidden_attrs,
    hints_match,
    node_text,
    normalize_space,
    tokens_of,
)
from scraper.parse.vocab import (
    AMBIGUOUS_SUBSTRINGS,
    AMBIGUOUS_TOKENS,
    BLOCK_TAGS,
    BOILERPLATE_HEADINGS,
    BOILERPLATE_ROLES,
    BOILERPLATE_SUBSTRINGS,
    BOILERPLATE_TOKENS,
    CAPTION_TOKENS,
    FURNITURE_LABEL_WORDS,
    FURNITURE_TAGS,
    PHOTO_CREDIT_TOKENS,
    SIGNUP_BUTTON_LABELS,
    SKIP_TAGS,
    SUBHEADING_TAGS,
)

#: A heading longer than this is content even when it starts like "Related ...".
MAX_BOILERPLATE_HEADING_CHARS = 60
#: Boxes following a "Related" heading are dropped while this link-dense; a heading whose
#: next block is this link-dense (a list of story links) is a related box's, in any
#: language ("Más información", "Dans la même rubrique").
RELATED_BOX_LINK_DENSITY = 0.5
#: A photo credit element ("Photo J.-P. M.", "Foto: dpa") is a name or two, never a
#: sentence; a longer credit-marked element is kept.
MAX_PHOTO_CREDIT_CHARS = 80
#: ``aria-label`` values naming furniture are a few words ("after newsletter promotion");
#: a longer label is a title (an ``<article>`` labelled with its headline).
MAX_FURNITURE_LABEL_WORDS = 4
#: A sign-up box is the largest element around an email field or a "Sign up" button whose
#: text stays this short (heading, pitch, privacy note: the fixtures' run ~400 characters;
#: a story paragraph or two more would pass 700).
MAX_SIGNUP_BOX_CHARS = 700
#: ... found at most this many levels above the field (bounds the climb in deep markup).
MAX_SIGNUP_BOX_LEVELS = 8
#: ``data-*`` values read as hints: identifiers (``newsletter-signup``), not free text.
_DATA_VALUE = re.compile(r"^[A-Za-z][\w:-]{0,40}$")
_WORDS = re.compile(r"[a-z0-9]+")
#: How ``_collapse`` encodes a text: UTF-8 (its bytes under 0x80 are the ASCII characters
#: alone), a lone surrogate passed through.
_UTF8, _RAW = "utf-8", "surrogatepass"
LABELLED_TAGS = BLOCK_TAGS | {"span"}
#: Answers of ``_marked_by_attrs``: not furniture, furniture, or it depends on the element.
_KEEP, _FURNITURE, _DEPENDS = 0, 1, 2


@dataclass
class Segment:
    kind: str  # "p" or "h"
    text: str
    link_chars: int
    node: LexborNode
    time_chars: int = 0

    @property
    def link_ratio(self) -> float:
        return self.link_chars / len(self.text) if self.text else 0.0

    @property
    def time_ratio(self) -> float:
        return self.time_chars / len(self.text) if self.text else 0.0


@dataclass
class WalkMemo:
    """Answers that depend on the element alone, kept between walks of the same body
    (``extract_content`` walks it again without the lead): whether an element is dropped
    (furniture, teaser card) or heads a related box, and each container's sign-up boxes
    and heading holders."""

    dropped: dict[int, bool] = field(default_factory=dict)
    related: dict[int, bool] = field(default_factory=dict)
    containers: dict[int, tuple[set[int], set[int]]] = field(default_factory=dict)
    #: ``_marked_by_attrs`` by (tag, attribute items): pages repeat them.
    by_attrs: dict[tuple[str, tuple[tuple[str, str | None], ...]], int] = field(
        default_factory=dict)

    def related_heads(self) -> set[int]:
        """``mem_id`` of the headings found heading a related box (their boxes skipped)."""
        return {key for key, heads in self.related.items() if heads}


@dataclass(slots=True)
class _Walk:
    segments: list[Segment] = field(default_factory=list)
    parts: list[str] = field(default_factory=list)
    link_chars: int = 0
    links_open: int = 0
    time_chars: int = 0
    times_open: int = 0
    #: The open blocks, innermost last, each with its segment kind ("h" or "p").
    blocks: list[tuple[LexborNode, str]] = field(default_factory=list)
    pending_br: bool = False
    skip: set[int] = field(default_factory=set)
    holders: set[int] = field(default_factory=set)
    memo: WalkMemo = field(default_factory=WalkMemo)

    def flush(self) -> None:
        parts = self.parts
        if parts:  # empty parts: no text, so no link or time characters either
            text = "".join(parts)
            if self.blocks and has_words(text):  # no words: no need to collapse spaces
                text = _collapse(text)
                block, kind = self.blocks[-1]
                self.segments.append(Segment(kind, text, min(self.link_chars, len(text)),
                                             block, min(self.time_chars, len(text))))
            parts.clear()
            self.link_chars = 0
            self.time_chars = 0
        self.pending_br = False

    def add_text(self, text: str) -> None:
        self.parts.append(text)
        if self.links_open:
            self.link_chars += len(normalize_space(text))
        if self.times_open:
            self.time_chars += len(normalize_space(text))
        if self.pending_br and text.strip():
            self.pending_br = False

    def open_block(self, node: LexborNode, tag: str) -> None:
        self.flush()
        self.blocks.append((node, "h" if tag in SUBHEADING_TAGS else "p"))

    def leave(self, tag: str) -> None:
        """The end of an element entered with an exit marker (a block, a link, a time)."""
        if tag == "a":
            self.links_open -= 1
        elif tag == "time":
            self.times_open -= 1
        else:
            self.flush()
            self.blocks.pop()


def _collapse(text: str) -> str:
    """``normalize_space(text)``, faster on the long whitespace runs of indented markup:
    ``bytes.split()`` splits on exactly the ASCII whitespace that collapses (``str.split``
    also on no-break spaces, kept inside a text); an ASCII text without the separators
    ``\\x1c``-``\\x1f`` (``str.split`` whitespace) needs no encoding. A text with no
    run to collapse (one ``in`` scan each) is only stripped: ``normalize_space``."""
    if "  " in text or "\n" in text or "\t" in text or "\r" in text or "\f" in text \
            or "\v" in text:
        if text.isascii() and not ("\x1c" in text or "\x1d" in text or "\x1e" in text
                                   or "\x1f" in text):
            return " ".join(text.split())
        return b" ".join(text.encode(_UTF8, _RAW).split()).decode(_UTF8, _RAW).strip()
    return normalize_space(text)


def is_furniture(node: LexborNode) -> bool:
    """Elements inside the body container that are not article text."""
    return _furniture(node, node.tag or "")


def _furniture(node: LexborNode, tag: str) -> bool:
    if tag == "figure":
        return has_media(node)  # a figure holding a pull quote or a table is story text
    if tag in SKIP_TAGS or tag in FURNITURE_TAGS:
        return True
    return marked_furniture(node)


def marked_furniture(node: LexborNode, memo: WalkMemo | None = None) -> bool:
    """Furniture by role, visibility, class/id hints, ``data-*``/``aria-label`` words or a
    photo credit's class, whatever the tag (``memo``: the page's answers by attributes)."""
    attrs = node.attributes
    if not attrs:
        return False
    tag = node.tag or ""
    key = (tag, tuple(attrs.items()))
    known = memo.by_attrs if memo is not None else {}
    found = known.get(key)
    if found is None:
        found = known[key] = _marked_by_attrs(tag, attrs)
    return found == _FURNITURE if found != _DEPENDS else _marked_by_node(node, tag, attrs)


def _marked_by_attrs(tag: str, attrs: dict[str, str | None]) -> int:
    """``marked_furniture`` told from the tag and attributes, or ``_DEPENDS`` on the
    element (an ambiguous hint, a photo credit's class)."""
    if (attrs.get("role") or "").lower() in BOILERPLATE_ROLES or hidden_attrs(attrs):
        return _FURNITURE
    class_, id_ = attrs.get("class") or "", attrs.get("id") or ""
    if class_ or id_:  # no class or id: no hint to match
        tokens = tokens_of(class_, id_)
        if not CAPTION_TOKENS.isdisjoint(tokens):
            return _FURNITURE
        if hints_match(class_, id_, BOILERPLATE_TOKENS, BOILERPLATE_SUBSTRINGS):
            return _FURNITURE
        if hints_match(class_, id_, AMBIGUOUS_TOKENS, AMBIGUOUS_SUBSTRINGS):
            return _DEPENDS
        if not PHOTO_CREDIT_TOKENS.isdisjoint(tokens) and tag != "p":
            return _DEPENDS
    return _FURNITURE if tag in LABELLED_TAGS and labelled_furniture(attrs) else _KEEP


def _marked_by_node(node: LexborNode, tag: str, attrs: dict[str, str | None]) -> bool:
    """The rest of ``marked_furniture`` once role, visibility, caption and boilerplate
    hints are ruled out: an ambiguous hint on no prose, a short photo credit, a label."""
    class_, id_ = attrs.get("class") or "", attrs.get("id") or ""
    if ambiguous_furniture(node, class_, id_, _density_bound):
        return True
    if not PHOTO_CREDIT_TOKENS.isdisjoint(tokens_of(class_, id_)) and tag != "p":
        return len(node_text(node)) <= MAX_PHOTO_CREDIT_CHARS
    return tag in LABELLED_TAGS and labelled_furniture(attrs)


def _density_bound(node: LexborNode) -> float:
    """``link_density(node)``, or an upper bound of it when that bound is under
    ``MAX_SIBLING_PARAGRAPH_LINK_DENSITY`` (all ``is_prose`` asks): the links' text over
    a lower bound of the node's text found in C, which spares the walk of a long box."""
    linked = sum(len(node_text(a)) for a in node.css("a"))
    floor = _text_floor(node)
    if floor > 0 and linked / floor < MAX_SIBLING_PARAGRAPH_LINK_DENSITY:
        return linked / floor
    text = len(node_text(node))  # as ``link_density``
    return min(linked / text, 1.0) if text else 0.0


def _text_floor(node: LexborNode) -> int:
    """At most ``len(node_text(node))``: the characters of its text nodes other than
    whitespace, less all those under skipped elements (a Python pass over the elements
    beats a CSS query naming every skipped tag)."""
    skipped = sum(len(n.text(deep=True)) for n in node.traverse() if n.tag in SKIP_TAGS)
    return len("".join(node.text(deep=True).split())) - skipped


def labelled_furniture(attrs: dict[str, str | None]) -> bool:
    """A ``data-*`` identifier (``data-component=byline-block``, ``data-testid=
    newsletter-signup``) or a short ``aria-label`` naming furniture."""
    for key, value in attrs.items():
        if (key.startswith("data-") and value and _DATA_VALUE.match(value)
                and not FURNITURE_LABEL_WORDS.isdisjoint(_WORDS.findall(value.lower()))):
            return True
    label = (attrs.get("aria-label") or "").lower().split()
    return 0 < len(label) <= MAX_FURNITURE_LABEL_WORDS and not FURNITURE_LABEL_WORDS.isdisjoint(
        _WORDS.findall(" ".join(label)))


def _signup_triggers(container: LexborNode) -> list[LexborNode]:
    """Email fields and "Sign up"/"Subscribe" buttons inside the container."""
    found = container.css('input[type="email" i]')
    for button in container.css('button, input[type="submit" i]'):
        label = (node_text(button) or attr(button, "value")).lower().strip()
        if label.startswith(SIGNUP_BUTTON_LABELS):
            found.append(button)
    return found


def signup_boxes(container: LexborNode) -> set[int]:
    """``mem_id`` of each sign-up box: the largest ancestor of an email field or a sign-up
    button (below the container) whose text is at most ``MAX_SIGNUP_BOX_CHARS``."""
    boxes: set[int] = set()
    for trigger in _signup_triggers(container):
        box = None
        for level, ancestor in enumerate(ancestors(trigger)):
            if ancestor.mem_id == container.mem_id or level >= MAX_SIGNUP_BOX_LEVELS:
                break
            if len(node_text(ancestor)) > MAX_SIGNUP_BOX_CHARS:
                break
            box = ancestor
        if box is not None:
            boxes.add(box.mem_id)
    return boxes


def is_boilerplate_heading(node: LexborNode) -> bool:
    text = node_text(node).lower().rstrip(" :")
    return len(text) <= MAX_BOILERPLATE_HEADING_CHARS and text.startswith(BOILERPLATE_HEADINGS)


def _next_element(node: LexborNode) -> LexborNode | None:
    sibling = node.next
    while sibling is not None and (sibling.tag or "").startswith("-"):
        sibling = sibling.next
    return sibling


def _box_start(heading: LexborNode) -> LexborNode:
    """The heading, or the ``<header>`` (or other wrapper) holding only the heading."""
    parent = heading.parent
    if (_next_element(heading) is None and parent is not None
            and node_text(parent) == node_text(heading)):
        return parent
    return heading


def heads_link_list(heading: LexborNode) -> bool:
    """The block after the heading is a list of links (a related-stories box)."""
    following = _next_element(_box_start(heading))
    if following is None or (following.tag or "") in SUBHEADING_TAGS:
        return False
    if following.css_first("a") is None and following.tag != "a":
        return False
    return link_density(following) >= RELATED_BOX_LINK_DENSITY


def _skip_related_box(heading: LexborNode, walk: _Walk) -> None:
    """Skip the heading and the link lists that follow it."""
    walk.skip.add(heading.mem_id)
    sibling = _box_start(heading).next
    while sibling is not None:
        tag = sibling.tag or ""
        if tag == "-text" and not (sibling.text_content or "").strip():
            sibling = sibling.next
            continue
        if tag in SUBHEADING_TAGS or tag.startswith("-"):
            break
        if tag not in ("ul", "ol") and link_density(sibling) < RELATED_BOX_LINK_DENSITY:
            break
        walk.skip.add(sibling.mem_id)
        sibling = sibling.next


def section_headings(node: LexborNode) -> list[LexborNode]:
    """Headings of a ``<header>`` inside the body: a section's or live-blog entry's header
    holds its heading next to metadata (time, author, share buttons); only the heading is
    text. The article's own header (it holds the ``<h1>``, its kicker and dek), a header
    marked as furniture, or one holding no subheading gives nothing."""
    if node.tag != "header" or marked_furniture(node) or node.css_first("h1") is not None:
        return []
    found = node.css(HEADING_SELECTOR)
    ids = {h.mem_id for h in found}
    return [h for h in found if not any(a.mem_id in ids for a in ancestors(h))]


def _dropped(node: LexborNode, key: int, tag: str, walk: _Walk) -> bool:
    """Furniture or a teaser card (``key``: the ``mem_id``), the cheap tests first: the
    tag, the attributes (``marked_furniture``), then only for an element known to hold a
    heading the teaser card's."""
    if tag == "figure":
        return has_media(node)  # a figure holding a pull quote or a table is story text
    if tag in SKIP_TAGS or tag in FURNITURE_TAGS or marked_furniture(node, walk.memo):
        return True
    return key in walk.holders and is_teaser_card(node, walk.holders)


def _heads_related_box(node: LexborNode, key: int, walk: _Walk) -> bool:
    """A boilerplate heading or one heading a link list (memoised in ``walk.memo``)."""
    found = walk.memo.related.get(key)
    if found is None:
        found = is_boilerplate_heading(node) or heads_link_list(node)
        walk.memo.related[key] = found
    return found


#: Stack items of the walk: an element or text node to enter, or the tag of an element
#: to leave (blocks, links and times: the elements whose end changes the walk's state).
_Item = LexborNode | str


def _enter(node: LexborNode, tag: str, walk: _Walk, stack: list[_Item]) -> None:
    key = node.mem_id
    if key in walk.skip or (tag == "header" and _section_header(node, stack)):
        dropped = True
    else:  # furniture or a teaser card (memoised in ``walk.memo``)
        dropped = walk.memo.dropped.get(key)  # type: ignore[assignment]
        if dropped is None:
            dropped = walk.memo.dropped[key] = _dropped(node, key, tag, walk)
    if dropped:
        if tag in BLOCK_TAGS:
            walk.flush()  # a skipped block still ends the line before it
        return
    if tag == "br":
        if walk.pending_br:
            walk.flush()
        else:
            walk.parts.append(" ")
            walk.pending_br = True
        return
    if tag in BLOCK_TAGS:
        if tag in SUBHEADING_TAGS and _heads_related_box(node, key, walk):
            _skip_related_box(node, walk)
            return
        walk.open_block(node, tag)
        stack.append(tag)
    elif tag == "a":
        walk.links_open += 1
        stack.append(tag)
    elif tag == "time":
        walk.times_open += 1
        stack.append(tag)
    children: list[_Item] = list(node.iter(include_text=True))
    children.reverse()
    stack.extend(children)


def _section_header(node: LexborNode, stack: list[_Item]) -> bool:
    """A ``<header>`` giving only its section headings: they go on the stack in its
    place (a block: the line before ends)."""
    headings = section_headings(node)
    stack.extend(reversed(headings))
    return bool(headings)


def _walk_container(container: LexborNode, walk: _Walk) -> None:
    """Enter every node below the container in document order (iterative walk)."""
    stack: list[_Item] = list(container.iter(include_text=True))
    stack.reverse()
    pop, parts = stack.pop, walk.parts
    while stack:
        item = pop()
        if item.__class__ is str:
            walk.leave(item)  # an exit marker
            continue
        tag = item.tag or ""  # type: ignore[union-attr]
        if tag == "-text":
            text = item.text_content or ""  # type: ignore[union-attr]
            if walk.links_open or walk.times_open or walk.pending_br:
                walk.add_text(text)
            elif parts or not text.isspace():  # leading blanks: stripped at the flush
                parts.append(text)
        elif not tag.startswith("-"):
            _enter(item, tag, walk, stack)  # type: ignore[arg-type]


def _prepare(container: LexborNode, walk: _Walk) -> None:
    """Skip the container's sign-up boxes; know its heading holders (memoised)."""
    known = walk.memo.containers.get(container.mem_id)
    if known is None:
        known = (signup_boxes(container), heading_holders(container))
        walk.memo.containers[container.mem_id] = known
    walk.skip.update(known[0])
    walk.blocks = [(container, "h" if container.tag in SUBHEADING_TAGS else "p")]
    walk.holders = known[1]


def walk_segments(containers: list[LexborNode], skip: set[int],
                  memo: WalkMemo | None = None) -> list[Segment]:
    """Text segments of the containers, in document order; ``memo`` shares the
    per-element answers between walks of the same containers."""
    walk = _Walk(skip=set(skip), memo=memo if memo is not None else WalkMemo())
    for container in containers:
        _prepare(container, walk)
        _walk_container(container, walk)
        walk.flush()
    return walk.segments
