"""The version diff: which blocks come out, how they print, and that they lose nothing."""

from __future__ import annotations

import re
from dataclasses import replace

from hypothesis import given, settings
from hypothesis import strategies as st

from scraper.diffing import (
    CHANGED_MIN_SIMILARITY,
    DiffBlock,
    VersionText,
    diff_versions,
    render_diff,
    similarity,
    word_segments,
)

PARAGRAPHS = (
    "The city council voted on Tuesday to approve new cycle lanes on Market Street.",
    "The plan, first proposed in 2022, had been delayed by two legal challenges.",
    "Work is expected to start in June and to last about four months.",
    "Shop owners on the street said they feared losing parking spaces.",
    "The mayor said the lanes would make the centre safer for children.",
    "A public meeting will be held at the town hall next week.",
)
ANSI = re.compile(r"\x1b\[[0-9;]*m")


def version(number: int, **changes: object) -> VersionText:
    base = VersionText(
        version=number,
        title="Council approves cycle lanes",
        bylines=("Jane Doe",),
        lead="The vote ends a three-year dispute.",
        paragraphs=PARAGRAPHS,
        subheadings=(),
        captions=("Market Street on Monday.",),
    )
    return replace(base, **changes)  # type: ignore[arg-type]


def with_paragraph(index: int, text: str) -> tuple[str, ...]:
    return (*PARAGRAPHS[:index], text, *PARAGRAPHS[index + 1 :])


def changed(blocks: list[DiffBlock]) -> list[DiffBlock]:
    return [block for block in blocks if block.kind != "equal"]


def test_an_edited_paragraph_shows_alone_with_its_changed_words_marked() -> None:
    edited = PARAGRAPHS[2].replace("June", "September").replace("four", "six")
    blocks = diff_versions(version(1), version(2, paragraphs=with_paragraph(2, edited)))
    [block] = changed(blocks)
    assert (block.field, block.kind) == ("paragraph", "changed")
    assert (block.old_index, block.new_index) == (2, 2)

    lines = render_diff(blocks, color=False, context=0, old_version=1, new_version=2)
    assert lines == [
        "--- v1",
        "+++ v2",
        "  … 2 unchanged paragraphs …",
        "~ ¶3 Work is expected to start in [-June-]{+September+} and to last about "
        "[-four-]{+six+} months.",
        "  … 3 unchanged paragraphs …",
    ]


def test_context_shows_the_neighbouring_paragraphs_unmarked() -> None:
    edited = PARAGRAPHS[2].replace("June", "September")
    blocks = diff_versions(version(1), version(2, paragraphs=with_paragraph(2, edited)))
    lines = render_diff(blocks, color=False, context=1)
    assert f"  ¶2 {PARAGRAPHS[1]}" in lines and f"  ¶4 {PARAGRAPHS[3]}" in lines
    assert "  … 1 unchanged paragraph …" in lines and "  … 2 unchanged paragraphs …" in lines
    assert sum("[-" in line for line in lines) == 1


def test_added_and_removed_paragraphs() -> None:
    added = "Opponents said they would appeal the decision."
    paragraphs = (*PARAGRAPHS[:1], *PARAGRAPHS[2:4], added, *PARAGRAPHS[4:])
    blocks = changed(diff_versions(version(1), version(2, paragraphs=paragraphs)))
    assert [(b.kind, b.old_index, b.new_index) for b in blocks] == [
        ("removed", 1, None),
        ("added", None, 3),
    ]
    lines = render_diff(diff_versions(version(1), version(2, paragraphs=paragraphs)), color=False)
    assert f"- ¶2 {PARAGRAPHS[1]}" in lines and f"+ ¶4 {added}" in lines


def test_a_rewritten_paragraph_is_removed_and_added_not_changed() -> None:
    rewritten = "Cyclists' groups welcomed the decision but asked for protected junctions."
    blocks = changed(diff_versions(version(1), version(2, paragraphs=with_paragraph(3, rewritten))))
    assert similarity(PARAGRAPHS[3], rewritten) < CHANGED_MIN_SIMILARITY
    assert [(b.kind, b.old_text, b.new_text) for b in blocks] == [
        ("removed", PARAGRAPHS[3], None),
        ("added", None, rewritten),
    ]


def test_a_grown_paragraph_in_a_replaced_run_is_paired_with_its_old_self() -> None:
    grown = PARAGRAPHS[4] + " Parents' associations agreed."
    new = (*PARAGRAPHS[:3], "A new paragraph about something else entirely.", grown, PARAGRAPHS[5])
    blocks = changed(diff_versions(version(1), version(2, paragraphs=new)))
    kinds = [(b.kind, b.old_index, b.new_index) for b in blocks]
    assert ("changed", 4, 4) in kinds
    assert ("removed", 3, None) in kinds and ("added", None, 3) in kinds


def test_title_change_and_title_appearing() -> None:
    blocks = diff_versions(version(1), version(2, title="Council approves six cycle lanes"))
    [block] = changed(blocks)
    assert (block.field, block.kind) == ("title", "changed")
    assert render_diff(blocks, color=False) == [
        "--- old",
        "+++ new",
        "~ title: Council approves {+six +}cycle lanes",
    ]
    [appeared] = changed(diff_versions(version(1, title=None), version(2)))
    assert (appeared.kind, appeared.old_index, appeared.new_index) == ("added", None, 0)


def test_equal_versions_say_so_in_one_line() -> None:
    lines = render_diff(
        diff_versions(version(3), version(5)), color=True, old_version=3, new_version=5
    )
    assert len(lines) == 1 and "no editorial difference" in lines[0] and "v3" in lines[0]


def test_colour_marks_words_with_ansi_and_never_with_wdiff_brackets() -> None:
    edited = PARAGRAPHS[0].replace("Tuesday", "Monday")
    blocks = diff_versions(version(1), version(2, paragraphs=with_paragraph(0, edited)))
    lines = render_diff(blocks, color=True)
    [line] = [line for line in lines if line.startswith("~")]
    assert "\x1b[9;31mTuesday\x1b[0m" in line and "\x1b[4;32mMonday\x1b[0m" in line
    assert "[-" not in line and "{+" not in line
    plain = render_diff(blocks, color=False)
    assert [ANSI.sub("", x) for x in lines if not x.startswith("~")] == [
        x for x in plain if not x.startswith("~")
    ]


def test_whitespace_between_two_edits_joins_them_into_one_phrase() -> None:
    segments = word_segments("He left on Tuesday morning.", "He left on Monday evening.")
    assert [(s.op, s.text) for s in segments] == [
        ("equal", "He left on "),
        ("removed", "Tuesday morning"),
        ("added", "Monday evening"),
        ("equal", "."),
    ]


# --- nothing is lost ---------------------------------------------------------------------

# A small vocabulary makes paragraphs that share words and whole paragraphs that repeat,
# so that equal runs, replaced runs and changed pairs all occur.
WORDS = st.sampled_from(["the", "council", "vote", "lanes", "June", "l’été", "2,000", ".", ","])
SMALL_TEXT = st.lists(WORDS, max_size=8).map(" ".join)
ANY_TEXT = st.text(max_size=40)
PARAGRAPH_LISTS = st.lists(st.one_of(SMALL_TEXT, ANY_TEXT), max_size=8)


def rebuild(blocks: list[DiffBlock], field: str, side: str) -> list[str]:
    """One side of one field from the blocks, word segments included, checking positions."""
    out: list[str] = []
    for block in blocks:
        if block.field != field:
            continue
        index = block.old_index if side == "old" else block.new_index
        keep = "removed" if side == "old" else "added"
        if block.kind == "changed":
            out.append("".join(s.text for s in block.segments if s.op in ("equal", keep)))
        elif block.kind in ("equal", keep):
            out.append(block.old_text if side == "old" else block.new_text)  # type: ignore[arg-type]
        else:
            assert index is None
            continue
        assert index == len(out) - 1
    return out


@settings(max_examples=300, deadline=None)
@given(old=PARAGRAPH_LISTS, new=PARAGRAPH_LISTS)
def test_blocks_give_back_both_paragraph_lists_exactly(old: list[str], new: list[str]) -> None:
    blocks = diff_versions(version(1, paragraphs=tuple(old)), version(2, paragraphs=tuple(new)))
    assert rebuild(blocks, "paragraph", "old") == old
    assert rebuild(blocks, "paragraph", "new") == new
    for block in blocks:
        if block.kind == "changed":
            assert similarity(block.old_text or "", block.new_text or "") >= CHANGED_MIN_SIMILARITY
    lines = render_diff(blocks, color=False)
    assert (len(lines) == 1) == (old == new)


@settings(max_examples=200, deadline=None)
@given(
    old_title=st.none() | ANY_TEXT,
    new_title=st.none() | ANY_TEXT,
    old_bylines=st.lists(SMALL_TEXT, max_size=3),
    new_bylines=st.lists(SMALL_TEXT, max_size=3),
)
def test_single_and_list_fields_round_trip_too(
    old_title: str | None, new_title: str | None, old_bylines: list[str], new_bylines: list[str]
) -> None:
    old = version(1, title=old_title, bylines=tuple(old_bylines))
    new = version(2, title=new_title, bylines=tuple(new_bylines))
    blocks = diff_versions(old, new)
    assert rebuild(blocks, "title", "old") == ([] if old_title is None else [old_title])
    assert rebuild(blocks, "title", "new") == ([] if new_title is None else [new_title])
    assert rebuild(blocks, "byline", "old") == old_bylines
    assert rebuild(blocks, "byline", "new") == new_bylines


@given(old=st.text(), new=st.text())
def test_word_segments_cover_both_texts(old: str, new: str) -> None:
    segments = word_segments(old, new)
    assert "".join(s.text for s in segments if s.op != "added") == old
    assert "".join(s.text for s in segments if s.op != "removed") == new
    assert all(s.text for s in segments)
