"""What changed between two versions of an article: paragraph blocks with word-level marks.

Mechanism, field by field (title, bylines, lead, subheadings, paragraphs, captions, in
that order, each field's blocks contiguous):

1. A single-valued field (title, lead) gives at most one block: ``equal``, ``added``
   (absent before), ``removed`` (absent after) or ``changed``. Two absent values give none.
2. A list field is aligned with :class:`difflib.SequenceMatcher` over whole strings. An
   ``equal`` run gives ``equal`` blocks, a pure insert/delete run ``added``/``removed``
   ones. A ``replace`` run is re-paired: a monotone alignment (dynamic programming) keeps
   the pairs whose word similarity is at least ``CHANGED_MIN_SIMILARITY`` and maximises
   their summed similarity; a kept pair is one ``changed`` block, every other paragraph of
   the run is ``removed`` or ``added`` (removals of a gap first, then additions).
3. A ``changed`` block carries word-level segments. Texts are cut into tokens (words,
   single punctuation marks, whitespace runs; together they cover the text exactly),
   aligned with SequenceMatcher; a whitespace-only equal run sandwiched between edits is
   folded into both sides so that ``[-a b-]`` reads as one phrase instead of two marks.
   Concatenating the ``equal`` + ``removed`` segments gives the old text back exactly, and
   ``equal`` + ``added`` the new one.

:func:`render_diff` turns blocks into terminal lines: wdiff marks (``[-…-]``, ``{+…+}``)
without colour, ANSI red strike-through / green underline with colour, ``-``/``+`` for
whole paragraphs, ``~`` for edited ones, and unchanged paragraphs elided except
``context`` of them around each change.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher
from itertools import groupby
from typing import Literal

FieldName = Literal["title", "byline", "lead", "subheading", "paragraph", "caption"]
Kind = Literal["equal", "added", "removed", "changed"]
Op = Literal["equal", "removed", "added"]

# Two paragraphs of one replaced run are the "same paragraph, edited" when at least this
# share of the shorter one's words (case-folded) is kept, in order, in the other
# (containment: matched words / words of the shorter). Calibrated on the hand-written
# paragraphs (5+ words) of the 34 articles in fixtures/site/**/*.expected.json and
# bench/heldout/*.json, comparing every pair within an article and synthetic edits of
# each paragraph with its successor: 4 of 1,098 pairs of distinct paragraphs of
# one article reach 0.5 (99th percentile 0.38), while 234/234 paragraphs grown by a
# following paragraph or prefixed by a sentence, and 215/234 whose second half was
# rewritten, do. The plain 2*M/T ratio separated worse (appends fell to 0.36).
CHANGED_MIN_SIMILARITY = 0.5

# A replaced run of n old x m new paragraphs costs n*m similarity checks. Above this many
# cells (a wholesale rewrite; real edits touch a handful of paragraphs) the run is paired
# position by position instead, still subject to CHANGED_MIN_SIMILARITY. 200 x 200 cells
# of unrelated fixture paragraphs take 170 ms on the dev machine (multiset pre-filter),
# 200 lightly edited paragraphs 205 ms.
MAX_PAIRING_CELLS = 40_000

# Words keep inner apostrophes, hyphens and digit separators: "l’homme", "well-known",
# "2,000", "U.S" are one token each; any other non-space character is a token of its own.
_TOKEN = re.compile(r"\s+|\w+(?:['’\-.,:/]\w+)*|[^\w\s]")

_RED, _GREEN, _DIM, _RESET = "\x1b[31m", "\x1b[32m", "\x1b[2m", "\x1b[0m"
_STRIKE_RED, _UNDERLINE_GREEN = "\x1b[9;31m", "\x1b[4;32m"


@dataclass(frozen=True, slots=True)
class VersionText:
    """The editorial text of one stored version, as the diff needs it."""

    version: int
    title: str | None
    bylines: tuple[str, ...]
    lead: str | None
    paragraphs: tuple[str, ...]
    subheadings: tuple[str, ...]
    captions: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Segment:
    """A run of tokens of a changed text: kept (``equal``), ``removed`` or ``added``."""

    op: Op
    text: str


@dataclass(frozen=True, slots=True)
class DiffBlock:
    """One paragraph (or title, byline, …) of the diff.

    ``old_index``/``new_index`` are 0-based positions in the field's list (0 for title and
    lead) on each side, None on the side where the text does not exist. ``segments`` is
    set for ``changed`` blocks only.
    """

    field: FieldName
    kind: Kind
    old_index: int | None
    new_index: int | None
    old_text: str | None
    new_text: str | None
    segments: tuple[Segment, ...] = ()


def diff_versions(old: VersionText, new: VersionText) -> list[DiffBlock]:
    """Blocks for every field, in reading order; unchanged text gives ``equal`` blocks."""
    blocks: list[DiffBlock] = []
    blocks += _diff_single("title", old.title, new.title)
    blocks += _diff_list("byline", old.bylines, new.bylines)
    blocks += _diff_single("lead", old.lead, new.lead)
    blocks += _diff_list("subheading", old.subheadings, new.subheadings)
    blocks += _diff_list("paragraph", old.paragraphs, new.paragraphs)
    blocks += _diff_list("caption", old.captions, new.captions)
    return blocks


def word_segments(old: str, new: str) -> tuple[Segment, ...]:
    """Word-level segments turning ``old`` into ``new`` (see the module docstring, step 3)."""
    a, b = _tokens(old), _tokens(new)
    raw: list[tuple[Op, str]] = []
    for tag, i1, i2, j1, j2 in SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if tag == "equal":
            raw.append(("equal", "".join(a[i1:i2])))
            continue
        if i2 > i1:
            raw.append(("removed", "".join(a[i1:i2])))
        if j2 > j1:
            raw.append(("added", "".join(b[j1:j2])))
    return _coalesce(raw)


def similarity(old: str, new: str) -> float:
    """Share of the shorter text's words kept, in order, in the other (0..1, case-folded).

    Two texts without words are similar (1.0) when equal, else not (0.0).
    """
    return _containment(_folded_words(old), _folded_words(new), same=old == new)


def render_diff(
    blocks: Sequence[DiffBlock],
    *,
    color: bool,
    context: int = 1,
    old_version: int | None = None,
    new_version: int | None = None,
) -> list[str]:
    """Terminal lines for ``blocks``; nothing is wrapped. Versions label the header."""
    old_label = f"v{old_version}" if old_version is not None else "old"
    new_label = f"v{new_version}" if new_version is not None else "new"
    if all(block.kind == "equal" for block in blocks):
        return [f"no editorial difference between {old_label} and {new_label}"]
    lines = [f"--- {old_label}", f"+++ {new_label}"]
    for _, group in groupby(blocks, key=lambda block: block.field):
        field_blocks = list(group)
        if any(block.kind != "equal" for block in field_blocks):
            lines += _render_field(field_blocks, color=color, context=max(context, 0))
    return lines


# --- alignment ---------------------------------------------------------------------------


def _diff_single(field: FieldName, old: str | None, new: str | None) -> list[DiffBlock]:
    if old is None and new is None:
        return []
    if old is None:
        return [DiffBlock(field, "added", None, 0, None, new)]
    if new is None:
        return [DiffBlock(field, "removed", 0, None, old, None)]
    if old == new:
        return [DiffBlock(field, "equal", 0, 0, old, new)]
    return [DiffBlock(field, "changed", 0, 0, old, new, word_segments(old, new))]


def _diff_list(field: FieldName, old: Sequence[str], new: Sequence[str]) -> list[DiffBlock]:
    blocks: list[DiffBlock] = []
    matcher = SequenceMatcher(None, list(old), list(new), autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            blocks += [
                DiffBlock(field, "equal", i, j, old[i], new[j])
                for i, j in zip(range(i1, i2), range(j1, j2), strict=True)
            ]
        else:
            pairs = _pair_run(old[i1:i2], new[j1:j2])
            blocks += _run_blocks(field, old, new, (i1, i2, j1, j2), pairs)
    return blocks


def _run_blocks(
    field: FieldName,
    old: Sequence[str],
    new: Sequence[str],
    span: tuple[int, int, int, int],
    pairs: list[tuple[int, int]],
) -> list[DiffBlock]:
    """Blocks of one replaced run: removals and additions between the kept pairs."""
    i1, i2, j1, j2 = span
    blocks: list[DiffBlock] = []
    i, j = i1, j1
    for pi, pj in [*[(i1 + a, j1 + b) for a, b in pairs], (i2, j2)]:
        blocks += [DiffBlock(field, "removed", k, None, old[k], None) for k in range(i, pi)]
        blocks += [DiffBlock(field, "added", None, k, None, new[k]) for k in range(j, pj)]
        if pi < i2:
            segments = word_segments(old[pi], new[pj])
            blocks.append(DiffBlock(field, "changed", pi, pj, old[pi], new[pj], segments))
        i, j = pi + 1, pj + 1
    return blocks


def _pair_run(old: Sequence[str], new: Sequence[str]) -> list[tuple[int, int]]:
    """Monotone pairs (i, j) of similar paragraphs maximising the summed similarity."""
    n, m = len(old), len(new)
    if n == 0 or m == 0:
        return []
    if n * m > MAX_PAIRING_CELLS:
        return [(k, k) for k in range(min(n, m)) if _pair_score(old[k], new[k]) > 0]
    old_words = [_Words(text) for text in old]
    new_words = [_Words(text) for text in new]
    sims = [[_pair_score(a, b) for b in new_words] for a in old_words]
    # best[i][j]: the best total over old[i:] x new[j:], filled backwards so that the
    # walk below can go forwards.
    best = [[0.0] * (m + 1) for _ in range(n + 1)]
    for i in range(n - 1, -1, -1):
        for j in range(m - 1, -1, -1):
            take = sims[i][j] + best[i + 1][j + 1] if sims[i][j] > 0 else -1.0
            best[i][j] = max(best[i + 1][j], best[i][j + 1], take)
    pairs: list[tuple[int, int]] = []
    i = j = 0
    while i < n and j < m:
        if sims[i][j] > 0 and best[i][j] == sims[i][j] + best[i + 1][j + 1]:
            pairs.append((i, j))
            i, j = i + 1, j + 1
        elif best[i][j] == best[i + 1][j]:
            i += 1
        else:
            j += 1
    return pairs


class _Words:
    """A paragraph's case-folded words and their multiset, computed once per run."""

    __slots__ = ("bag", "text", "words")

    def __init__(self, text: str) -> None:
        self.text = text
        self.words = _folded_words(text)
        self.bag = Counter(self.words)


def _pair_score(old: _Words | str, new: _Words | str) -> float:
    """``similarity`` when it reaches the threshold, else 0; a multiset bound skips most."""
    a = old if isinstance(old, _Words) else _Words(old)
    b = new if isinstance(new, _Words) else _Words(new)
    if a.words and b.words:
        bound = sum((a.bag & b.bag).values()) / min(len(a.words), len(b.words))
        if bound < CHANGED_MIN_SIMILARITY:
            return 0.0
    score = _containment(a.words, b.words, same=a.text == b.text)
    return score if score >= CHANGED_MIN_SIMILARITY else 0.0


def _tokens(text: str) -> list[str]:
    return _TOKEN.findall(text)


def _folded_words(text: str) -> list[str]:
    return [token.casefold() for token in _TOKEN.findall(text) if not token.isspace()]


def _containment(a: list[str], b: list[str], *, same: bool) -> float:
    if not a or not b:
        return 1.0 if same else 0.0
    matcher = SequenceMatcher(None, a, b, autojunk=False)
    matched = sum(block.size for block in matcher.get_matching_blocks())
    return matched / min(len(a), len(b))


def _coalesce(raw: Iterable[tuple[Op, str]]) -> tuple[Segment, ...]:
    """Merge edit runs; a whitespace-only equal run between two edits joins both sides."""
    items = list(raw)
    out: list[Segment] = []
    removed: list[str] = []
    added: list[str] = []

    def flush() -> None:
        if removed:
            out.append(Segment("removed", "".join(removed)))
        if added:
            out.append(Segment("added", "".join(added)))
        removed.clear()
        added.clear()

    for k, (op, text) in enumerate(items):
        if op == "removed":
            removed.append(text)
        elif op == "added":
            added.append(text)
        elif (removed or added) and k + 1 < len(items) and text.isspace():
            removed.append(text)
            added.append(text)
        else:
            flush()
            out.append(Segment("equal", text))
    flush()
    return tuple(out)


# --- rendering ---------------------------------------------------------------------------


def _render_field(blocks: list[DiffBlock], *, color: bool, context: int) -> list[str]:
    changed = [k for k, block in enumerate(blocks) if block.kind != "equal"]
    shown = {k for c in changed for k in range(c - context, c + context + 1)}
    lines: list[str] = []
    hidden = 0
    for k, block in enumerate(blocks):
        if k in shown:
            if hidden:
                lines.append(_elision(block.field, hidden, color=color))
                hidden = 0
            lines.append(_render_block(block, color=color))
        else:
            hidden += 1
    if hidden:
        lines.append(_elision(blocks[-1].field, hidden, color=color))
    return lines


def _elision(field: FieldName, count: int, *, color: bool) -> str:
    line = f"  … {count} unchanged {field}{'' if count == 1 else 's'} …"
    return f"{_DIM}{line}{_RESET}" if color else line


def _label(block: DiffBlock) -> str:
    if block.field in ("title", "lead"):
        return f"{block.field}:"
    index = block.new_index if block.new_index is not None else block.old_index
    number = (index or 0) + 1
    return f"¶{number}" if block.field == "paragraph" else f"{block.field} {number}:"


def _render_block(block: DiffBlock, *, color: bool) -> str:
    label = _label(block)
    if block.kind == "equal":
        return f"  {label} {block.new_text}"
    if block.kind == "removed":
        line = f"- {label} {block.old_text}"
        return f"{_RED}{line}{_RESET}" if color else line
    if block.kind == "added":
        line = f"+ {label} {block.new_text}"
        return f"{_GREEN}{line}{_RESET}" if color else line
    return f"~ {label} " + "".join(_mark(segment, color=color) for segment in block.segments)


def _mark(segment: Segment, *, color: bool) -> str:
    if segment.op == "equal":
        return segment.text
    if color:
        style = _STRIKE_RED if segment.op == "removed" else _UNDERLINE_GREEN
        return f"{style}{segment.text}{_RESET}"
    return f"[-{segment.text}-]" if segment.op == "removed" else f"{{+{segment.text}+}}"
