"""What the content hash sees: editorial words, not typography or markup noise."""

from __future__ import annotations

import unicodedata

from hypothesis import given
from hypothesis import strategies as st

from storage import content_hash

words = st.text(alphabet=st.characters(whitelist_categories=("L", "N")), min_size=1, max_size=12)
paragraphs = st.lists(st.lists(words, min_size=1, max_size=12).map(" ".join), max_size=6)


def digest(title: str, paras: list[str]) -> str:
    return content_hash(
        title=title,
        bylines=["A. Writer"],
        lead=None,
        paragraphs=paras,
        subheadings=[],
        captions=[],
    )


def typeset(text: str) -> str:
    """What a CMS may do to a text without changing a word."""
    text = text.replace("'", "\u2019").replace(" ", "  \u00a0", 1)
    return unicodedata.normalize("NFD", text).replace("a", "a\u00ad", 1) + " \u200b"


@given(st.text(max_size=40), paragraphs)
def test_typography_never_changes_the_hash(title: str, paras: list[str]) -> None:
    assert digest(title, paras) == digest(typeset(title), [typeset(p) for p in paras])


@given(words, paragraphs, words)
def test_a_new_word_always_changes_the_hash(title: str, paras: list[str], extra: str) -> None:
    if not paras:
        paras = [extra]
    changed = [*paras[:-1], paras[-1] + " " + extra + "x"]
    assert digest(title, paras) != digest(title, changed)


@given(paragraphs)
def test_splitting_a_paragraph_is_an_editorial_change(paras: list[str]) -> None:
    joined = " ".join(paras)
    if len(paras) > 1:
        assert digest("t", paras) != digest("t", [joined])
