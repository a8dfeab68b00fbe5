"""The standfirst (lead): the short text between the headline and the body's first paragraph.

A lead is found in document order between the headline and the first body paragraph:

1. an element *marked* as a lead: a ``LEAD_ROOTS`` word in its class/id tokens (adjacent
   tokens joined, so ``entry-sub-title`` is a subtitle), its ``itemprop`` or a ``data-*``
   name (``data-gu-name=standfirst``);
2. else, by *structure*, whatever its class names: a short single text block whose words
   are the page's description (``og:description``, ``<meta name=description>``, JSON-LD),
   or an ``<h2>``/``<p>`` sentence set right after the headline.

A lead is text: figures, captions, credits and picture boxes inside a candidate are not
part of it, so a photo box marked ``lead`` (a "lead image") is never the standfirst.
"""

from __future__ import annotations

import re
from itertools import pairwise

from selectolax.lexbor import LexborNode

from scraper.parse.blocks import Segment
from scraper.parse.bylines import byline_from_text
from scraper.parse.dom import common_ancestor
from scraper.parse.metadata import page_descriptions
from scraper.parse.text import (
    MEDIA_SELECTOR,
    hint_tokens,
    in_other_story,
    node_text,
    normalize_space,
    tokens_of,
)
from scraper.parse.vocab import (
    BLOCK_TAGS,
    BYLINE_TOKENS,
    CAPTION_TOKENS,
    LEAD_ROOTS,
    OTHER_STORY_TOKENS,
    PHOTO_CREDIT_TOKENS,
    SKIP_TAGS,
    TEXT_PUBLISHED_LABELS,
    TEXT_UPDATED_LABELS,
)

#: A standfirst is at least a short sentence and at most a long paragraph.
MIN_LEAD_CHARS = 20
MAX_LEAD_CHARS = 1200
#: A lead found by structure alone is short: a dek runs one to three sentences (the
#: fixtures' unmarked deks: 1-3 sentences, 110-215 characters); a longer block before the
#: body is an unmarked first paragraph.
MAX_STRUCTURAL_LEAD_CHARS = 400
MAX_STRUCTURAL_LEAD_SENTENCES = 3
#: Share of a block's words found in the page description for the block to be the dek the
#: description repeats. Calibrated on the fixtures: deks score 0.67-1.0 (a description
#: shortened or reworded from the dek), first body paragraphs that contain the whole
#: description score at most 0.56 (the description is their opening sentence).
MIN_DESCRIPTION_OVERLAP = 0.65
#: ... and at least this many shared words (a 3-word kicker inside the description is not
#: a dek).
MIN_DESCRIPTION_SHARED_WORDS = 6
#: An ``<h2>``/``<p>`` set right after the headline is a dek when it is a sentence of at
#: least this many words (a byline, a date or a kicker is shorter).
MIN_ADJACENT_LEAD_WORDS = 8
#: Share of a lead's text allowed inside links (a dek may link a name or two).
MAX_LEAD_LINK_DENSITY = 0.3
#: A heading spells the title when it holds the title (a kicker may precede it) or is this
#: share of it (the title may carry a site suffix the heading lacks).
MIN_HEADLINE_SHARE = 0.6
#: Elements examined between the headline and the body (bounds the search on pages whose
#: headline sits far from the body).
MAX_WINDOW_ELEMENTS = 400
#: Tags never taken as a standfirst (structure, metadata, the headline).
LEAD_EXCLUDED_TAGS = frozenset({"html", "body", "main", "article", "meta", "link", "script",
                                "img", "a", "time", "h1", "form", "input", "nav", "aside",
                                "header", "footer", "ul", "ol", "li", "table", "tr", "td"})
#: Subtrees skipped while looking for a lead: media, captions, navigation, forms.
PRUNED_TAGS = SKIP_TAGS | {"figure", "figcaption", "nav", "aside", "form", "footer", "button",
                           "select", "time", "address", "amp-img", "amp-carousel"}
#: Words of a ``data-*`` value: identifiers only (``standfirst``, ``article-dek``).
_DATA_VALUE = re.compile(r"^[A-Za-z][\w:-]{0,40}$")
_MAX_DATA_CHARS = 41  # the longest ``_DATA_VALUE``
_SENTENCE_END = re.compile(r"[.!?…](?:\s|$)")
_DATE_LABELS = TEXT_PUBLISHED_LABELS + TEXT_UPDATED_LABELS
_NOT_LEAD_TEXT = BYLINE_TOKENS | CAPTION_TOKENS | PHOTO_CREDIT_TOKENS
_WORD = re.compile(r"\w+")
#: The whitespace ``normalize_space`` collapses.
ASCII_SPACES = " \n\t\r\f\v"
#: Tokens of another story's box that do not also name a lead ("teaser" does both).
_OTHER_STORY_ONLY = OTHER_STORY_TOKENS - LEAD_ROOTS
#: A standfirst holds one or two paragraphs and no subheading; an element marked like a
#: lead that holds more is a body wrapper (Drupal's ``field--type-text-with-summary``).
MAX_LEAD_PARAGRAPHS = 2


def word_set(text: str) -> set[str]:
    """Lower-cased words of ``text`` (letters and digits)."""
    return {w.casefold() for w in _WORD.findall(text)}


_WORD_SPLIT = re.compile(r"[^a-z0-9ô]+")


def _split_words(value: str) -> list[str]:
    return [t for t in _WORD_SPLIT.split(value.lower()) if t]


def _joins_root(raw: str) -> bool:
    """Two adjacent parts of a class/id value join into a ``LEAD_ROOTS`` word."""
    if raw.isascii() and raw.isalnum():
        return False  # a single part
    parts = _split_words(raw)
    return any(a + b in LEAD_ROOTS for a, b in pairwise(parts))


#: Separators allowed between the letters of a root in the pre-filter: the characters
#: ``tokens_of`` and ``_split_words`` drop, never a space (class words are read one by one).
_GAP = r"[^a-z0-9\s]*"
#: Any ``LEAD_ROOTS`` word as it can show in a lower-cased class word, id, ``itemprop`` or
#: ``data-*`` value: a token, a whole word, a word without separators, two joined parts.
_GAPPED_ROOTS = re.compile("|".join(_GAP.join(map(re.escape, root)) for root in sorted(LEAD_ROOTS)))
#: Attributes whose values ``marked_attrs`` reads (besides ``data-*``).
_MARK_KEYS = frozenset({"class", "id", "itemprop"})


def _may_be_marked(attrs: dict[str, str | None]) -> bool:
    """Pre-filter of ``marked_attrs``: False only when no lead mark can be there (no root
    in the hint values, separators inside a word ignored)."""
    hints = " ".join([value for key, value in attrs.items() if value and (
        key in _MARK_KEYS or (key.startswith("data-") and len(value) <= _MAX_DATA_CHARS))])
    return _GAPPED_ROOTS.search(hints.lower()) is not None


def marked_attrs(attrs: dict[str, str | None]) -> bool:
    """A ``LEAD_ROOTS`` word among the class/id tokens (adjacent parts of a value joined:
    ``entry-sub-title``), ``itemprop`` words or ``data-*`` identifier words."""
    if not attrs or not _may_be_marked(attrs):
        return False
    class_, id_ = attrs.get("class") or "", attrs.get("id") or ""
    if class_ or id_:
        if not LEAD_ROOTS.isdisjoint(tokens_of(class_, id_)):
            return True
        if any(_joins_root(raw) for raw in class_.split() + id_.split()):
            return True
    if not LEAD_ROOTS.isdisjoint((attrs.get("itemprop") or "").lower().split()):
        return True
    return any(key.startswith("data-") and value and _DATA_VALUE.match(value)
               and not LEAD_ROOTS.isdisjoint(_split_words(value))
               for key, value in attrs.items())


def _not_text_box(node: LexborNode) -> bool:
    """Caption, credit or byline elements (never part of a lead's text)."""
    return not _NOT_LEAD_TEXT.isdisjoint(hint_tokens(node))


def text_box_attrs(attrs: dict[str, str | None]) -> bool:
    """``_not_text_box`` on an attribute dict."""
    return bool(attrs) and not _NOT_LEAD_TEXT.isdisjoint(
        tokens_of(attrs.get("class") or "", attrs.get("id") or ""))


def _media_holders(node: LexborNode) -> set[int]:
    """``mem_id`` of every element of ``node`` (itself excluded) holding a picture or other
    media, climbing once from each medium (linear, even in deeply nested markup)."""
    holders: set[int] = set()
    for medium in node.css(MEDIA_SELECTOR):
        current: LexborNode | None = medium
        while current is not None and current.mem_id != node.mem_id:
            if current.mem_id in holders:
                break
            holders.add(current.mem_id)
            current = current.parent
    return holders


def lead_text(node: LexborNode) -> str:
    """The text of ``node`` without its pictures, captions, credits and picture boxes."""
    media = _media_holders(node)
    parts: list[str] = []
    stack: list[LexborNode] = [node]
    while stack:
        current = stack.pop()
        tag = current.tag or ""
        if tag == "-text":
            parts.append(current.text_content or "")
            continue
        if current is not node and (tag in PRUNED_TAGS or _not_text_box(current)
                                    or (tag not in ("a", "span") and current.mem_id in media)):
            continue
        if tag == "br" or tag in BLOCK_TAGS:
            parts.append(" ")
        stack.extend(reversed(list(current.iter(include_text=True))))
    return normalize_space("".join(parts))


def _spelling_title(root: LexborNode, selector: str, title: str) -> LexborNode | None:
    """The first ``selector`` heading of ``root`` (outside other stories) that holds the
    title (a kicker may precede it) or most of it (the title may carry a site suffix)."""
    wanted = title.casefold()
    for heading in root.css(selector):
        text = node_text(heading).casefold()
        spelled = wanted in text or (
            text in wanted and len(text) >= MIN_HEADLINE_SHARE * len(wanted))
        # an <h2> naming the title may head the comments ("4 thoughts on ...")
        if text and spelled and (selector == "h1" or not in_other_story(heading, root)):
            return heading
    return None


def find_headline(scope: LexborNode, title: str | None) -> LexborNode | None:
    """The ``<h1>`` spelling the title (in the scope, else the page), else such an ``<h2>``,
    else the scope's first ``<h1>``."""
    if title:
        root = _document_root(scope)
        page = root.css_first("body") or root
        for where, selector in ((scope, "h1"), (page, "h1"), (scope, "h2"), (page, "h2")):
            found = _spelling_title(where, selector, title)
            if found is not None:
                return found
    return scope.css_first("h1")


def _document_root(node: LexborNode) -> LexborNode:
    while node.parent is not None and node.parent.tag not in (None, "-document"):
        node = node.parent
    return node


def _holds(outer: LexborNode, inner: LexborNode) -> bool:
    current: LexborNode | None = inner
    while current is not None:
        if current.mem_id == outer.mem_id:
            return True
        current = current.parent
    return False


def lead_area(scope: LexborNode, body: list[LexborNode],
              title: str | None) -> tuple[LexborNode, LexborNode | None]:
    """The element holding headline and body, and the headline: the scope, widened to
    the headline when the scope found for the body leaves it out (a body ``<article>``)."""
    headline = find_headline(scope, title)
    if headline is None or _holds(scope, headline):
        return scope, headline
    if not body or _holds(headline, body[0]):
        return scope, None
    return common_ancestor([headline, body[0]]), headline


def _lead_text(node: LexborNode, texts: dict[int, str]) -> str:
    """``lead_text``, memoised in ``texts`` (a marked element is also tried by structure)."""
    key = node.mem_id
    text = texts.get(key)
    if text is None:
        text = texts[key] = lead_text(node)
    return text


def marked_lead(node: LexborNode, tag: str, attrs: dict[str, str | None], area: LexborNode,
                texts: dict[int, str]) -> str | None:
    """The text of a lead-marked element (its tag and attributes read), if it is a
    standfirst (``texts``: ``lead_text`` answers kept for the search)."""
    if tag in LEAD_EXCLUDED_TAGS or not marked_attrs(attrs):
        return None
    own = tokens_of(attrs.get("class") or "", attrs.get("id") or "")
    if not _OTHER_STORY_ONLY.isdisjoint(own):
        return None  # "teaser" names a lead; "related-teaser" another story
    parent = node.parent
    if parent is not None and in_other_story(parent, area):
        return None
    text = _lead_text(node, texts)
    return text if MIN_LEAD_CHARS <= len(text) <= MAX_LEAD_CHARS else None


def _holds_text(node: LexborNode) -> bool:
    """Text directly in the element or in its inline children (a text block, not a
    wrapper of blocks)."""
    if node.text(deep=False).strip():  # the direct text nodes, joined in C
        return True
    for child in node.iter():
        tag = child.tag or "-"
        if not tag.startswith("-") and tag not in BLOCK_TAGS and tag not in PRUNED_TAGS:
            return True
    return False


def _several_text_blocks(node: LexborNode) -> bool:
    """More than one block element of ``node`` (itself included) holds text directly (or
    ``node`` is too large to tell: more than ``MAX_WINDOW_ELEMENTS`` elements)."""
    holders = 0
    for index, element in enumerate(node.traverse()):  # ``node`` comes first
        if index >= MAX_WINDOW_ELEMENTS:
            return True
        if element.tag in BLOCK_TAGS and _holds_text(element):
            holders += 1
            if holders > 1:
                return True
    return False


def _short_block(node: LexborNode, text: str) -> bool:
    if not MIN_LEAD_CHARS <= len(text) <= MAX_STRUCTURAL_LEAD_CHARS:
        return False
    if len(_SENTENCE_END.findall(text)) > MAX_STRUCTURAL_LEAD_SENTENCES:
        return False
    if text.lower().startswith(_DATE_LABELS) or node.css_first("time") is not None:
        return False  # the cheap tests first
    linked = sum(len(node_text(a)) for a in node.css("a"))
    return linked <= MAX_LEAD_LINK_DENSITY * len(text) and not byline_from_text(text)


def _next_element(node: LexborNode) -> LexborNode | None:
    sibling = node.next
    while sibling is not None and (sibling.tag or "").startswith("-"):
        sibling = sibling.next
    return sibling


class Description:
    """The page's description words, read once and only when a block needs them."""

    def __init__(self, area: LexborNode) -> None:
        self._area = area
        self._words: list[set[str]] | None = None

    def matches(self, text: str) -> bool:
        if self._words is None:
            self._words = [word_set(d) for d in page_descriptions(_document_root(self._area))]
        block = word_set(text)
        for words in self._words:
            shared = len(block & words)
            if shared >= MIN_DESCRIPTION_SHARED_WORDS and (
                    shared >= MIN_DESCRIPTION_OVERLAP * len(block)):
                return True
        return False


def structural_lead(node: LexborNode, tag: str, headline: LexborNode | None,
                     description: Description, texts: dict[int, str]) -> str | None:
    """A short single text block repeating the description, or a dek sentence in an
    ``<h2>``/``<p>`` right after the headline (``texts``: as for ``marked_lead``)."""
    if tag in LEAD_EXCLUDED_TAGS or tag not in BLOCK_TAGS or not _holds_text(node):
        return None
    if _several_text_blocks(node):  # before the text: a wrapper's is long to gather
        return None
    text = _lead_text(node, texts)
    if not _short_block(node, text):
        return None
    if description.matches(text):
        return text
    following = _next_element(headline) if headline is not None else None
    after_headline = following is not None and following.mem_id == node.mem_id
    if after_headline and tag in ("h2", "p") and len(text.split()) >= MIN_ADJACENT_LEAD_WORDS:
        return text
    return None


def acceptable_lead(node: LexborNode, body: list[LexborNode], segments: list[Segment]) -> bool:
    """Not the headline's box, nor a wrapper around a body container or several of its
    paragraphs (a lead holds at most ``MAX_LEAD_PARAGRAPHS`` and no subheading)."""
    if node.css_first("h1") is not None:
        return False
    inside = {n.mem_id for n in node.traverse()}
    if any(b.mem_id in inside for b in body):
        return False
    held = [s for s in segments if s.node.mem_id in inside]
    return len(held) <= MAX_LEAD_PARAGRAPHS and all(s.kind == "p" for s in held)
