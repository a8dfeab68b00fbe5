"""Choosing the element(s) that hold the article body, and the article's scope.

Order: microdata (``itemprop=articleBody``), then Readability-style content scoring
(paragraph text length and commas, class/id hints, link density), then semantic
fallbacks (``<article>``, ``<main>``, ``<body>``).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

from selectolax.lexbor import LexborHTMLParser, LexborNode

from scraper.parse.dom import (
    LinkDensities,
    TextIndex,
    br_chunks,
    chain_hits,
    common_ancestor,
    text_with_breaks,
)
from scraper.parse.text import (
    HINT_CACHE_SIZE,
    ancestors,
    attr,
    hidden_attrs,
    hint_tokens,
    hints_match,
    node_text,
    tokens_of,
)
from scraper.parse.vocab import (
    AMBIGUOUS_SUBSTRINGS,
    AMBIGUOUS_TOKENS,
    BLOCK_TAGS,
    BOILERPLATE_ROLES,
    BOILERPLATE_SUBSTRINGS,
    BOILERPLATE_TOKENS,
    CAPTION_TOKENS,
    LEAD_TOKENS,
    NEGATIVE_TOKENS,
    POSITIVE_TOKENS,
)

#: Shorter text blocks are captions, buttons or labels, not paragraphs (Readability: 25).
MIN_PARAGRAPH_CHARS = 25
#: A paragraph's score is spread to this many ancestors, with these weights (Readability).
ANCESTOR_WEIGHTS = (1.0, 0.5, 1 / 6)
#: Class/id hint weight (Readability's value: one hint outweighs ~8 short paragraphs).
CLASS_WEIGHT = 25.0
#: Below this score the best candidate is noise (one or two short paragraphs).
MIN_TOP_SCORE = 8.0
#: A sibling of the best candidate joins the body when it scores this share of the best
#: (Readability's 0.2), and at least ``SIBLING_MIN_SCORE``.
SIBLING_SCORE_RATIO = 0.2
SIBLING_MIN_SCORE = 10.0
#: A ``<p>`` after the body container joins it when this long and this free of links
#: (Readability's sibling paragraph rule: 80 characters, link density under 0.25).
MIN_SIBLING_PARAGRAPH_CHARS = 80
MAX_SIBLING_PARAGRAPH_LINK_DENSITY = 0.25
#: Readability's "alternative candidates": when at least ``MIN_CLOSE_CANDIDATES`` other
#: containers score within ``CLOSE_SCORE_RATIO`` of the best one, the body is split into
#: repeated blocks (one ``<div>`` per paragraph in Arc XP, one ``<article>`` per live-blog
#: entry) and the element holding them all is the body (Readability: 0.75 and 3).
CLOSE_SCORE_RATIO = 0.75
MIN_CLOSE_CANDIDATES = 3
#: Elements that never hold paragraphs worth scoring (whole subtree ignored). A caption
#: is no body either: its ``<p>`` once outvoted a body split into one wrapper per
#: paragraph (each wrapper scoring alone), helped by a utility class (``text-s``).
UNLIKELY_TAGS = frozenset({"nav", "aside", "footer", "form", "header", "script", "style",
                           "noscript", "template", "svg", "select", "button", "dialog",
                           "figcaption"})
#: Structural tags exempt from class-based "unlikely" pruning (their classes list tags
#: and categories, e.g. WordPress's ``tag-social-media`` on ``<article>``).
EXEMPT_TAGS = frozenset({"html", "body", "article", "main"})
_TAG_BASE = {"div": 5.0, "pre": 3.0, "td": 3.0, "blockquote": 3.0, "section": 3.0,
             "article": 5.0, "form": -3.0, "ol": -3.0, "ul": -3.0, "li": -3.0, "dl": -3.0,
             "th": -5.0, "h1": -5.0, "h2": -5.0, "h3": -5.0}


#: How the link density of an element is known (``link_density``, ``LinkDensities.of``).
Density = Callable[[LexborNode], float]


def _unlikely(tag: str, attrs: dict[str, str | None]) -> bool:
    """Page furniture whose paragraphs must not vote for a body container."""
    if tag in UNLIKELY_TAGS or (attrs.get("role") or "").lower() in BOILERPLATE_ROLES:
        return True
    if not attrs or tag in EXEMPT_TAGS:
        return False
    if "articlebody" in (attrs.get("itemprop") or "").lower():
        return False
    if hidden_attrs(attrs):
        return True
    class_, id_ = attrs.get("class") or "", attrs.get("id") or ""
    tokens = tokens_of(class_, id_)
    if not POSITIVE_TOKENS.isdisjoint(tokens) and NEGATIVE_TOKENS.isdisjoint(tokens):
        return False
    return hints_match(class_, id_, BOILERPLATE_TOKENS, BOILERPLATE_SUBSTRINGS)


def ambiguous_furniture(node: LexborNode, class_: str, id_: str,
                        density: Density | None = None) -> bool:
    """Marked only by a hint that names furniture or story text (``AMBIGUOUS_TOKENS``),
    and holding no prose: a "Read more" link box, not the expander of the story
    (``density``: how to get the link density, ``link_density`` by default)."""
    return (hints_match(class_, id_, AMBIGUOUS_TOKENS, AMBIGUOUS_SUBSTRINGS)
            and not is_prose(node, density or link_density))


#: Prose, whatever its class says: this many paragraphs of at least
#: ``MIN_SIBLING_PARAGRAPH_CHARS`` with the element's link density under
#: ``MAX_SIBLING_PARAGRAPH_LINK_DENSITY`` (a link box has none; a one-paragraph pitch
#: or teaser has one).
MIN_PROSE_PARAGRAPHS = 2


def is_prose(node: LexborNode, density: Density | None = None) -> bool:
    long_ = 0
    for paragraph in node.css("p"):
        if len(node_text(paragraph)) >= MIN_SIBLING_PARAGRAPH_CHARS:
            long_ += 1
            if long_ >= MIN_PROSE_PARAGRAPHS:
                return (density or link_density)(node) < MAX_SIBLING_PARAGRAPH_LINK_DENSITY
    return False


#: Verdicts of ``_hint_verdict``: furniture or not, or furniture unless it holds prose.
_KEEP, _FURNITURE, _UNLESS_PROSE = 0, 1, 2


@lru_cache(maxsize=HINT_CACHE_SIZE)
def _hint_verdict(tag: str, attrs: tuple[bool, str, str, bool, str, str]) -> int:
    """What ``_unlikely_node`` decides from the tag and attributes (cached: pages repeat
    them): ``attrs`` is (any attribute, role, itemprop, hidden, class, id)."""
    any_, role, itemprop, hidden, class_, id_ = attrs
    as_dict: dict[str, str | None] = {"role": role, "itemprop": itemprop,
                                       "class": class_, "id": id_}
    if hidden:
        as_dict["hidden"] = None
    if _unlikely(tag, as_dict if any_ else {}):
        return _FURNITURE
    if not any_ or tag in EXEMPT_TAGS:
        return _KEEP
    tokens = tokens_of(class_, id_)
    if not POSITIVE_TOKENS.isdisjoint(tokens) and NEGATIVE_TOKENS.isdisjoint(tokens):
        return _KEEP  # "paywall-article": the story's own container
    if hints_match(class_, id_, AMBIGUOUS_TOKENS, AMBIGUOUS_SUBSTRINGS):
        return _UNLESS_PROSE
    return _KEEP


def _unlikely_node(node: LexborNode, tag: str, density: Density | None) -> bool:
    attrs = node.attributes
    key = (bool(attrs), attrs.get("role") or "", attrs.get("itemprop") or "",
           bool(attrs) and hidden_attrs(attrs), attrs.get("class") or "", attrs.get("id") or "")
    verdict = _hint_verdict(tag, key)
    if verdict == _UNLESS_PROSE:
        return not is_prose(node, density or link_density)
    return verdict == _FURNITURE


def class_weight(node: LexborNode) -> float:
    """+``CLASS_WEIGHT`` for a content hint, -``CLASS_WEIGHT`` for a furniture hint or a
    standfirst/caption hint (``content__standfirst`` is next to the body, not the body)."""
    tokens = hint_tokens(node)
    weight = 0.0 if POSITIVE_TOKENS.isdisjoint(tokens) else CLASS_WEIGHT
    not_body = NEGATIVE_TOKENS | LEAD_TOKENS | CAPTION_TOKENS
    return weight - (0.0 if not_body.isdisjoint(tokens) else CLASS_WEIGHT)


def link_density(node: LexborNode, index: TextIndex | None = None) -> float:
    """Share of the node's text that sits inside links (``index``: texts already known)."""
    if index is not None:
        return index.link_density(node)
    text = len(node_text(node))
    if text == 0:
        return 0.0
    linked = sum(len(node_text(a)) for a in node.css("a"))
    return min(linked / text, 1.0)


#: Elements ``scorable_paragraphs`` may return (lexbor finds them, in document order).
SCORABLE_SELECTOR = "p, pre, td, div, section"


def _scorable(node: LexborNode, tag: str) -> bool:
    """A paragraph: ``<p>``, ``<pre>``, or a ``<td>``/``<div>``/``<section>`` with no block
    child (a text block); the walk does not descend into it."""
    if tag in ("p", "pre"):
        return True
    return tag in ("td", "div", "section") and BLOCK_TAGS.isdisjoint(
        [child.tag for child in node.iter()])  # a list: no generator frame per child


def _open_path(parent: LexborNode, root_id: int, open_: dict[int, bool],
               density: Density | None) -> bool:
    """The walk from the root (``mem_id`` ``root_id``) reaches the children of ``parent``,
    an element it does not know yet: no ancestor below the root, ``parent`` included, is
    unlikely or a paragraph (``open_``: elements the walk descends through, memoised)."""
    path: list[tuple[int, LexborNode]] = []
    current: LexborNode | None = parent
    state = True
    while current is not None:
        key = current.mem_id
        if key == root_id:
            break
        known = open_.get(key)
        if known is not None:
            state = known
            break
        path.append((key, current))
        current = current.parent
    for key, ancestor in reversed(path):  # elements no selector matched: only unlikely closes
        state = state and not _unlikely_node(ancestor, ancestor.tag or "", density)
        open_[key] = state
    return state


def scorable_paragraphs(root: LexborNode, density: Density | None = None) -> list[LexborNode]:
    """Paragraph-like elements outside furniture: those a pre-order walk from ``root``
    meets without entering unlikely elements or paragraphs (candidates found in C;
    ``density``: link densities, as in ``ambiguous_furniture``)."""
    tag = root.tag or ""
    if _unlikely(tag, root.attributes):
        return []
    if _scorable(root, tag):
        return [root]
    found: list[LexborNode] = []
    root_id = root.mem_id
    open_: dict[int, bool] = {root_id: True}
    for node in root.css(SCORABLE_SELECTOR):
        key = node.mem_id
        if key == root_id:
            continue
        parent = node.parent
        if parent is None:
            reached = True
        else:
            known = open_.get(parent.mem_id)
            reached = _open_path(parent, root_id, open_, density) if known is None else known
        if not reached:
            open_[key] = False
            continue
        tag = node.tag or ""
        if _unlikely_node(node, tag, density):
            reached = False
        elif _scorable(node, tag):
            found.append(node)
            reached = False
        open_[key] = reached
    return found


def paragraph_score(text: str) -> float:
    """Readability: 1 point, plus one per comma, plus one per 100 characters (max 3)."""
    commas = sum(text.count(c) for c in ",，、")
    return 1.0 + commas + min(len(text) / 100, 3.0)


@dataclass
class Candidate:
    """A container voted for by paragraphs: ``base`` (tag + class hints) and ``content``
    (the paragraphs' points); both are scaled by ``1 - link density`` (``link_factor``,
    computed on first use from ``densities``; 1 without it)."""

    node: LexborNode
    base: float
    content: float = 0.0
    direct: float = 0.0  # points of the paragraphs it holds as children
    densities: LinkDensities | None = None
    _link_factor: float | None = None

    @property
    def link_factor(self) -> float:
        if self._link_factor is None:
            density = 0.0 if self.densities is None else self.densities.of(self.node)
            self._link_factor = 1 - density
        return self._link_factor

    @property
    def score(self) -> float:
        return (self.base + self.content) * self.link_factor

    @property
    def bound(self) -> float:
        """An upper bound of ``score`` known without the link density (a factor in [0, 1];
        a product by it never rounds above the other factor)."""
        return max(0.0, self.base + self.content)


def score_candidates(root: LexborNode) -> dict[int, Candidate]:
    scores: dict[int, Candidate] = {}
    densities = LinkDensities(root)
    chains: dict[int, list[Candidate]] = {}  # first container voted for: its chain
    for paragraph in scorable_paragraphs(root, densities.of):
        for text, ancestor in _voting_texts(paragraph):
            if len(text) >= MIN_PARAGRAPH_CHARS and ancestor is not None:
                chain = chains.get(ancestor.mem_id)
                if chain is None:
                    chain = chains[ancestor.mem_id] = _chain(scores, ancestor, densities)
                _vote(chain, paragraph_score(text))
    return scores


def best_candidate(scores: dict[int, Candidate]) -> Candidate:
    """``max(scores.values(), key=score)`` (the first of equal ones), computing the link
    density only of candidates whose bound reaches the best score found so far."""
    best: tuple[int, Candidate] | None = None
    ranked = sorted(enumerate(scores.values()), key=lambda item: -item[1].bound)
    for position, candidate in ranked:
        if best is not None and candidate.bound < best[1].score:
            break
        if best is None or candidate.score > best[1].score or (
                candidate.score == best[1].score and position < best[0]):
            best = (position, candidate)
    if best is None:
        raise ValueError("no candidates")
    return best[1]


def _voting_texts(paragraph: LexborNode) -> list[tuple[str, LexborNode | None]]:
    """(text, first container voted for): a ``<br><br>``-separated block votes for itself."""
    text, maybe_br = text_with_breaks(paragraph)
    if maybe_br and paragraph.tag != "p" and paragraph.css_first("br") is not None:
        chunks = br_chunks(paragraph)
        if chunks:
            return [(chunk, paragraph) for chunk in chunks]
    return [(text, paragraph.parent)]


def _chain(scores: dict[int, Candidate], ancestor: LexborNode | None,
           densities: LinkDensities) -> list[Candidate]:
    """The candidates a paragraph voting first for ``ancestor`` votes for (up to one per
    ``ANCESTOR_WEIGHTS``), created in ``scores`` on first use."""
    chain: list[Candidate] = []
    for _ in ANCESTOR_WEIGHTS:
        if ancestor is None or ancestor.tag in (None, "-document", "html"):
            break
        candidate = scores.get(ancestor.mem_id)
        if candidate is None:
            base = _TAG_BASE.get(ancestor.tag or "", 0.0) + class_weight(ancestor)
            candidate = scores[ancestor.mem_id] = Candidate(ancestor, base, densities=densities)
        chain.append(candidate)
        ancestor = ancestor.parent
    return chain


def _vote(chain: list[Candidate], points: float) -> None:
    for weight, candidate in zip(ANCESTOR_WEIGHTS, chain, strict=False):
        candidate.content += points * weight
    if chain:
        chain[0].direct += points


def with_siblings(top: Candidate, scores: dict[int, Candidate]) -> list[LexborNode]:
    """The best candidate plus siblings whose own paragraphs weigh close to its own, or
    that share its class (bodies split into several blocks). Class hints are left out of
    the comparison: a headline block classed ``article-header`` is not body text."""
    parent = top.node.parent
    if parent is None:
        return [top.node]
    threshold = max(SIBLING_MIN_SCORE, top.content * top.link_factor * SIBLING_SCORE_RATIO)
    top_class = attr(top.node, "class")
    chosen: list[LexborNode] = []
    for sibling in parent.iter():
        other = scores.get(sibling.mem_id)
        same_class = bool(top_class) and attr(sibling, "class") == top_class
        content = _weighted_content(other, threshold, same_class)
        same_class = same_class and content > 0
        own = sibling.mem_id == top.node.mem_id or same_class or content >= threshold
        if own or (chosen and is_trailing_paragraph(sibling)):
            chosen.append(sibling)
    return chosen


def _weighted_content(candidate: Candidate | None, threshold: float, positive: bool) -> float:
    """``content * link_factor``, or 0 when that cannot reach ``threshold`` (nor be above
    0 when ``positive`` asks): the link density is then not needed."""
    if candidate is None or candidate.content <= 0:
        return 0.0
    if candidate.content < threshold and not positive:
        return 0.0
    return candidate.content * candidate.link_factor


def is_trailing_paragraph(node: LexborNode) -> bool:
    """A plain ``<p>`` after the body container (a wire story's "Reporting by ...; Editing
    by ..." line): Readability's sibling paragraph rule, for siblings after the body."""
    if node.tag != "p" or _unlikely("p", node.attributes):
        return False
    return (len(node_text(node)) >= MIN_SIBLING_PARAGRAPH_CHARS
            and link_density(node) < MAX_SIBLING_PARAGRAPH_LINK_DENSITY)


def gather_split_body(top: Candidate, scores: dict[int, Candidate]) -> Candidate:
    """When several containers score close to the best one, the nearest element (the best
    one or an ancestor) holding ``MIN_CLOSE_CANDIDATES`` of them, narrowed to the deepest
    element holding those inside it: the body split into repeated blocks."""
    close = [c.node for c in scores.values()
             if c.bound >= CLOSE_SCORE_RATIO * top.score and c.node.mem_id != top.node.mem_id
             and c.score >= CLOSE_SCORE_RATIO * top.score]
    if len(close) < MIN_CLOSE_CANDIDATES:
        return top
    group = [top.node, *close]
    chain = [top.node, *ancestors(top.node)]
    hits = chain_hits(group, chain, strict=True)  # chain[i] holds those with hit <= i
    per_level, held = Counter(hits), 0
    for i, node in enumerate(chain):
        if node.tag in ("body", "html"):
            break
        held += per_level[i]
        if held + 1 >= MIN_CLOSE_CANDIDATES:
            inside = [n for n, hit in zip(group, hits, strict=True) if hit <= i]
            chosen = common_ancestor(inside) if len(inside) > 1 else node
            return scores.get(chosen.mem_id) or Candidate(chosen, 0.0)
    return top


def microdata_body(tree: LexborHTMLParser) -> list[LexborNode]:
    """``itemprop=articleBody`` (the longest one when a page repeats it)."""
    nodes = tree.css('[itemprop~="articleBody" i]')
    if len(nodes) < 2:  # none, or one: no text to compare
        return nodes
    return [max(nodes, key=lambda n: len(node_text(n)))]


def scored_body(tree: LexborHTMLParser) -> list[LexborNode]:
    root = tree.body or tree.root
    if root is None:
        return []
    scores = score_candidates(root)
    if not scores:
        return []
    top = best_candidate(scores)
    if top.score < MIN_TOP_SCORE:
        return []
    return with_siblings(climb_to_holder(gather_split_body(top, scores), scores), scores)


#: The body climbs to its parent when the parent itself holds this many points of
#: paragraphs as children (about three full paragraphs; see ``paragraph_score``): the
#: story starts in the parent and goes on in a child (Herald Sun's first paragraphs,
#: then ``#read-more-content``), which outscored the parent alone.
MIN_HOLDER_DIRECT_SCORE = 10.0


def climb_to_holder(top: Candidate, scores: dict[int, Candidate]) -> Candidate:
    current = top
    while (holder := _holder_above(current.node, scores)) is not None:
        current = holder
    return current


#: ... looked for this many levels up (wrappers such as ``#read-more`` in between).
MAX_HOLDER_LEVELS = 3


def _holder_above(node: LexborNode, scores: dict[int, Candidate]) -> Candidate | None:
    for _, ancestor in zip(range(MAX_HOLDER_LEVELS), ancestors(node), strict=False):
        if ancestor.tag in ("body", "html"):
            return None
        holder = scores.get(ancestor.mem_id)
        if (holder is not None and holder.direct >= MIN_HOLDER_DIRECT_SCORE
                and holder.direct * holder.link_factor >= MIN_HOLDER_DIRECT_SCORE):
            return holder
    return None


def fallback_body(tree: LexborHTMLParser) -> list[LexborNode]:
    for selector in ("article", '[role="main"]', "main", "body", "html"):
        node = tree.css_first(selector)
        if node is not None:
            return [node]
    return []


def find_body(tree: LexborHTMLParser) -> list[LexborNode]:
    """The body container(s), in document order."""
    return microdata_body(tree) or scored_body(tree) or fallback_body(tree)


def article_scope(tree: LexborHTMLParser, body: list[LexborNode]) -> LexborNode | None:
    """The element holding the whole story (headline, byline, figures, body)."""
    if not body:
        return tree.body or tree.root
    for node in [body[0], *ancestors(body[0])]:
        itemtype = attr(node, "itemtype")
        if node.tag == "article" or itemtype.endswith(("Article", "BlogPosting")):
            return node
    for node in ancestors(body[0]):
        if node.tag == "main" or attr(node, "role").lower() == "main":
            return node
    return tree.body or body[0]

