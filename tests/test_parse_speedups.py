"""The parser's shortcuts give what the plain algorithms give.

``node_text`` skips the walk for an element holding one text node; ``_find_date`` skips
its four date patterns when no four-digit run is present; ``comments.Walk`` reads each
comment item once and keeps only the elements a field finder can pick. Each is checked
here against the plain algorithm it replaces.
"""

from __future__ import annotations

import random

import pytest
from selectolax.lexbor import LexborHTMLParser, LexborNode

from scraper.parse import comments
from scraper.parse.dates import _DAY_MONTH_YEAR, _ISO, _MONTH_DAY_YEAR, _NUMERIC, _find_date
from scraper.parse.text import iter_text_parts, node_text, normalize_space

#: Characters that exercise ``normalize_space``: ASCII and Unicode spaces, controls.
SPACES = (" ", " ", "\u00a0", "\n", "\t", "\r", "\f", "\v", "\u2009", "\u3000", "\x85")
TAGS = ("p", "span", "div", "li", "h2", "td", "cite", "time", "script", "pre", "noscript")


def _walked_text(node: LexborNode) -> str:
    return normalize_space("".join(iter_text_parts(node)))


def test_node_text_shortcut_matches_the_walk() -> None:
    rng = random.Random(5)
    for _ in range(2000):
        text = "".join(rng.choice((*SPACES, "a", "é", "1")) for _ in range(rng.randint(1, 9)))
        tag = rng.choice(TAGS)
        tree = LexborHTMLParser(f"<body><{tag}>{text}</{tag}><b>{text}</b></body>")
        for node in tree.body.traverse() if tree.body is not None else []:
            assert node_text(node) == _walked_text(node), (tag, text)


@pytest.mark.parametrize("text", [
    "59 min ago", "3 mars 202", "Posted 12/5", "03/04/25", "25-03-03", "٢٠٢-٠٣-٠٣",
    "March 3, 202 at 4:05 pm", "12.5.24, 14:07 Uhr", "", "3. März 2O25"])
def test_no_date_pattern_matches_without_a_year_run(text: str) -> None:
    """``_find_date`` returns early when no four-digit run is present: none of its
    patterns could match (each needs a four-digit year)."""
    assert not any(p.search(text) for p in (_DAY_MONTH_YEAR, _MONTH_DAY_YEAR, _NUMERIC, _ISO))
    assert _find_date(text, False) is None
    assert _find_date(text.replace("202", "2025"), False) is not None or "202" not in text


REPLIES = (
    '<ol><li class="comment"><!-- x --><div class="comment-author"><cite class="fn">Rita'
    '</cite></div><time datetime="2024-05-30T08:14:22-07:00">May 30</time>'
    '<div class="comment-content"><p>First.</p></div><ul class="children">'
    '<li class="comment"><svg><use href="#i"/></svg><b>Tom</b><p>A reply.</p>'
    '<div itemprop="comment" itemtype="https://schema.org/Comment"><span>Deep</span>'
    '<p>Deeper.</p></div></li></ul><footer><span class="date">3 March 2025</span></footer>'
    '</li><li class="comment"><form><div class="comment"><p>In a form.</p></div></form>'
    '<p>After the form.</p></li></ol>')


def _reference_own(item: LexborNode, ids: set[int]) -> list[LexborNode]:
    """Elements of ``item`` outside nested comment items (the plain walk)."""
    found: list[LexborNode] = []
    stack = list(reversed(list(item.iter())))
    while stack:
        node = stack.pop()
        if node.mem_id in ids:
            continue
        found.append(node)
        stack.extend(reversed(list(node.iter())))
    return found


def test_walk_gives_the_telling_elements_of_the_plain_walk() -> None:
    tree = LexborHTMLParser(f"<body><article><p>Story.</p></article>{REPLIES}</body>")
    items = comments._outside_forms(comments._items(tree))
    ids = {n.mem_id for n in items}
    walk = comments.Walk(items, ids)
    assert len(items) == 4  # the item inside the form is left out
    for item in items:
        expected = [n.mem_id for n in _reference_own(item, ids)
                    if comments._telling([n])]
        assert [e.key for e in walk.own[item.mem_id]] == expected
    got = comments.dom_comments(tree)
    assert [(c.author, c.published, c.text) for c in got] == [
        ("Rita", "2024-05-30T08:14:22-07:00", "First."),
        (None, None, "A reply."),
        (None, None, "Deeper."),
        (None, None, "In a form.\n\nAfter the form."),  # the form's item is text
    ]
