"""Photo credits and caption text: the credit element of a figure (credit-marked,
labelled "Photo:", or a caption's last line of names) and the text a reader sees.

``images`` asks this module for a figure's credit and for the caption text without it.
"""

from __future__ import annotations

import re

from selectolax.lexbor import LexborNode

from scraper.parse.bylines import clean_name, is_agency, looks_like_person
from scraper.parse.text import hidden_attrs, hints_match, normalize_space, tokens_of
from scraper.parse.vocab import (
    BLOCK_TAGS,
    CREDIT_ITEMPROPS,
    CREDIT_LABELS,
    CREDIT_TOKENS,
    SCREEN_READER_SUBSTRINGS,
    SKIP_TAGS,
)

#: What a picture is (credits never contain one).
VISUAL_SELECTOR = "img, amp-img"
#: No class/id tokens: screen-reader-only text is told by substrings alone.
NO_TOKENS: frozenset[str] = frozenset()
_CREDIT_LABEL = re.compile(
    r"^\(?\s*(?:" + "|".join(re.escape(w) for w in CREDIT_LABELS) + r")\s*[:,]|^\(?\s*©", re.I)
#: A credit beside (not inside) the caption is a short line; a credit told apart only by
#: being the caption's last element and a list of names is shorter still (two or three
#: names with an agency).
MAX_CREDIT_CHARS = 150
MAX_NAMES_CREDIT_CHARS = 80
_TRAILING_LABEL = re.compile(
    r"(?:" + "|".join(re.escape(w) for w in CREDIT_LABELS) + r")\s*[:.,…]*\s*$", re.I)
_LEADING_LABEL = re.compile(
    r"^\(?\s*(?:" + "|".join(re.escape(w) for w in CREDIT_LABELS) + r")\s*[:.,…]+\s*", re.I)


def _is_credit(node: LexborNode, in_caption: bool) -> bool:
    """A credit-marked element, a ``<small>``/``<cite>`` in the caption, or a short element
    opening with a credit label ("Photo:", "Crédit :", "Image source,")."""
    attrs = node.attributes
    if not CREDIT_TOKENS.isdisjoint(tokens_of(attrs.get("class") or "", attrs.get("id") or "")):
        return True
    if (attrs.get("itemprop") or "") in CREDIT_ITEMPROPS:
        return True
    if in_caption and node.tag in ("small", "cite"):
        return True
    text = normalize_space(node.text(deep=True))  # every text node below, in C
    if _CREDIT_LABEL.match(text) is None:
        return False
    return in_caption or (len(text) <= MAX_CREDIT_CHARS
                          and node.css_first(VISUAL_SELECTOR) is None)


def _names_only(text: str) -> bool:
    """"Eduardo Parra (Europa Press)", "Jane Doe / AFP": names and agencies only."""
    bare = re.sub(r"\(([^)]*)\)", r"/\1", text)
    parts = [clean_name(p) for p in re.split(r"[/,;|]", bare)]
    return all(p and (looks_like_person(p) or is_agency(p)) for p in parts)


def element_children(caption: LexborNode) -> list[LexborNode]:
    """The caption's children when it is made of elements only (no loose text)."""
    children = [c for c in caption.iter(include_text=True)
                if c.tag != "-text" or (c.text_content or "").strip()]
    if len(children) < 2 or any(c.tag == "-text" for c in children):
        return []
    return children


def structural_credit(children: list[LexborNode]) -> LexborNode | None:
    """A caption written as separate elements with no text between them (``children``:
    ``element_children``), the last one a short line of names (El País's
    ``<span>caption</span><span>Name (Agency)</span>``)."""
    if not children or children[-1].tag == "a":
        return None
    text = unlabelled(text_without(children[-1]))
    if 0 < len(text) <= MAX_NAMES_CREDIT_CHARS and _names_only(text):
        return children[-1]
    return None


def trailing_link(children: list[LexborNode]) -> LexborNode | None:
    """A link set after a caption made of elements (``children``: ``element_children``),
    "Purchase Licensing Rights": a service link, not part of the caption."""
    return children[-1] if children and children[-1].tag == "a" else None


def _first_credit(scope: LexborNode, skipped: set[int], in_caption: bool,
                  caption: LexborNode | None) -> LexborNode | None:
    """The first credit element below ``scope``, none of ``skipped`` nor in ``caption``."""
    own = scope.mem_id
    within: set[int] | None = None
    for node in scope.css("*"):
        key = node.mem_id
        if key == own or key in skipped:
            continue
        if caption is not None:
            if within is None:  # the caption and its descendants, found once
                within = {caption.mem_id, *(n.mem_id for n in caption.css("*"))}
            if key in within:
                continue
        if _is_credit(node, in_caption):
            return node
    return None


def credit_node(container: LexborNode, caption: LexborNode | None,
                line: set[int]) -> LexborNode | None:
    """The credit element: in the caption (not the caption itself), else in the figure;
    never one containing the visual (``line``: the visual and its ancestors)."""
    found = _first_credit(caption, line, True, None) if caption is not None else None
    return found if found is not None else _first_credit(container, line, False, caption)


def unlabelled(text: str) -> str:
    """A credit without its leading label ("Credit... Jane Doe" -> "Jane Doe")."""
    return _LEADING_LABEL.sub("", text, count=1).strip()


def _unseen(node: LexborNode) -> bool:
    """Hidden, or only for screen readers ("Image caption, " labels)."""
    attrs = node.attributes
    return hidden_attrs(attrs) or hints_match(attrs.get("class") or "", attrs.get("id") or "",
                                              NO_TOKENS, SCREEN_READER_SUBSTRINGS)


def text_without(node: LexborNode, *removed: LexborNode | None) -> str:
    """Text a reader sees in ``node``, without the subtrees ``removed``."""
    parts: list[str] = []
    stack = [node]
    skipped = {r.mem_id for r in removed if r is not None}
    while stack:
        current = stack.pop()
        if current.mem_id in skipped:
            parts.append(" ")
            continue
        if current.tag == "-text":
            parts.append(current.text_content or "")
            continue
        if current.tag in SKIP_TAGS or current.tag is None or (
                current.mem_id != node.mem_id and _unseen(current)):
            continue
        if current.tag in BLOCK_TAGS or current.tag == "br":
            parts.append(" ")
        stack.extend(reversed(list(current.iter(include_text=True))))
    return normalize_space("".join(parts)).strip(" -–—|,;·•")


def split_known_credit(caption: str | None, credit: str | None,
                       credits: tuple[str, ...]) -> tuple[str | None, str | None]:
    """When structured data names a credit and the displayed caption ends with it, the
    caption stops before it (and before its label: "Credit...", "Photo:")."""
    shown = " ".join(t for t in (caption, credit) if t)
    known = next((c for c in credits if shown.endswith(c) and shown != c), None)
    if known is None:
        return caption, credit
    head = _TRAILING_LABEL.sub("", shown[: -len(known)]).strip(" -–—|,;·•")
    return head or None, known
