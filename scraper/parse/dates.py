"""Publication and modification dates: JSON-LD, ``<meta>``, microdata, ``<time>``, then
visible text ("Publié le 3 mars 2025 à 14h07", "Updated March 3, 2025 2:07 p.m. ET",
"3. März 2025, 14:07 Uhr", "3 de marzo de 2025 - 14:07", a standalone date line).

Textual dates never come from relative phrases and never get an invented offset.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Callable
from datetime import date, datetime
from itertools import accumulate, count
from operator import add

from selectolax.lexbor import LexborHTMLParser, LexborNode

from scraper.parse.jsonld import JsonObject, text_value, types_of
from scraper.parse.metadata import MODIFIED_META, PUBLISHED_META, MetaMap, normalize_date
from scraper.parse.text import attr, hint_tokens, in_other_story, node_text, normalize_space
from scraper.parse.vocab import (
    MONTH_FIRST_LANGUAGES,
    MONTHS,
    RELATIVE_DATE_WORDS,
    TEXT_PUBLISHED_LABELS,
    TEXT_UPDATED_LABELS,
)

PUBLISHED_TOKENS = frozenset({"published", "pubdate", "date-published", "datepublished",
                              "publish", "posted", "created", "publication"})
#: Labels written before a ``<time>`` (lower-cased), and how far back they are looked for.
UPDATED_WORDS = ("mis à jour", "màj", "updated", "modifié", "actualisé", "aktualisiert",
                 "actualizado", "last modified", "aggiornato")
PUBLISHED_WORDS = ("publié", "published", "posted", "veröffentlicht", "publicado",
                   "pubblicato", "erschienen")
LABEL_CHARS = 40
MODIFIED_TOKENS = frozenset({"updated", "modified", "date-modified", "datemodified",
                             "update", "lastmod", "last-modified"})


def _ld_dates(objects: list[JsonObject], key: str) -> list[str | None]:
    return [text_value(o.get(key)) for o in objects]


class _DateNodes:
    """The date elements of a page, each found once per ``extract_dates`` call: the
    scope's ``<time datetime>`` and the label text before each of them."""

    def __init__(self, scope: LexborNode) -> None:
        self.scope = scope
        self._times: list[LexborNode] | None = None
        self._before: dict[int, str] = {}

    def times(self) -> list[LexborNode]:
        if self._times is None:
            self._times = self.scope.css("time[datetime]")
        return self._times

    def before(self, node: LexborNode) -> str:
        key = node.mem_id
        if key not in self._before:
            self._before[key] = _text_before(node)
        return self._before[key]


def _itemprop_dates(tree: LexborHTMLParser, prop: str) -> list[str | None]:
    nodes = tree.css(f'[itemprop="{prop}"]')
    return [attr(n, "datetime") or attr(n, "content") for n in nodes]


def _time_dates(found: _DateNodes, tokens: frozenset[str]) -> list[str | None]:
    """``<time datetime>`` carrying a published/updated class (or ``pubdate``)."""
    dates: list[str | None] = []
    for node in found.times():
        marked = not tokens.isdisjoint(hint_tokens(node))
        if marked or ("pubdate" in node.attributes and "published" in tokens):
            dates.append(attr(node, "datetime"))
    return dates


def _text_before(node: LexborNode) -> str:
    """Up to ``LABEL_CHARS`` of text just before ``node`` among its siblings, lower-cased."""
    parts: list[str] = []
    sibling = node.prev
    while sibling is not None and sum(map(len, parts)) < LABEL_CHARS:
        text = sibling.text_content if sibling.tag == "-text" else node_text(sibling)
        parts.insert(0, text or "")
        sibling = sibling.prev
    return normalize_space("".join(parts))[-LABEL_CHARS:].lower()


def _labelled_times(found: _DateNodes, words: tuple[str, ...]) -> list[str | None]:
    """``<time datetime>`` introduced by a label ("Mis à jour le", "Updated")."""
    return [attr(n, "datetime") for n in found.times()
            if any(w in found.before(n) for w in words)
            and not in_other_story(n, found.scope)]


def _first_time(found: _DateNodes) -> list[str | None]:
    """The first ``<time datetime>`` of the article that is not in a related/comment box
    and not labelled as an update."""
    for node in found.times():
        if in_other_story(node, found.scope) or any(
                w in found.before(node) for w in UPDATED_WORDS):
            continue
        return [attr(node, "datetime")]
    return []


def _first_date(values: list[str | None]) -> str | None:
    for value in values:
        normalized = normalize_date(value)
        if normalized:
            return normalized
    return None


def _first_source(sources: tuple[Callable[[], list[str | None]], ...]) -> str | None:
    """``_first_date`` of the sources' values in order, each source read only when the
    ones before it gave no date (the ``<time>`` lookups are skipped after JSON-LD)."""
    for source in sources:
        found = _first_date(source())
        if found:
            return found
    return None


def extract_dates(tree: LexborHTMLParser, meta: MetaMap, ordered: list[JsonObject],
                  scope: LexborNode, language: str | None = None) -> tuple[
                      str | None, str | None]:
    """(published, modified). ``ordered`` lists the JSON-LD article object first; visible
    text is read only when no machine-readable date exists (numeric dates are month-first
    for ``MONTH_FIRST_LANGUAGES``, day-first otherwise)."""
    found = _DateNodes(scope)
    published = _first_source((
        lambda: _ld_dates(ordered, "datePublished"),
        lambda: [v for key in PUBLISHED_META for v in meta.get(key, [])],
        lambda: _itemprop_dates(tree, "datePublished"),
        lambda: _time_dates(found, PUBLISHED_TOKENS),
        lambda: _labelled_times(found, PUBLISHED_WORDS),
        lambda: _first_time(found),
    ))
    modified = _first_source((
        lambda: _ld_dates(ordered, "dateModified"),
        lambda: [v for key in MODIFIED_META for v in meta.get(key, [])],
        lambda: _itemprop_dates(tree, "dateModified"),
        lambda: _time_dates(found, MODIFIED_TOKENS),
        lambda: _labelled_times(found, UPDATED_WORDS),
    ))
    if published is None:
        text_published, text_modified = text_dates(scope, language in MONTH_FIRST_LANGUAGES)
        published, modified = text_published, modified or text_modified
    return published, modified


#: A date written in the URL path: ``/2015/03/18/`` or ``/2015-03-18`` (WordPress,
#: Arc, Le Monde, the Washington Post). Compact ``20150318`` runs are left out: article
#: ids look the same.
_URL_DATE = re.compile(
    r"/((?:19|20)\d\d)[/-](0?[1-9]|1[0-2])[/-](0?[1-9]|[12]\d|3[01])(?=[/._-]|$)")


def url_date(url: str | None) -> str | None:
    """The date of publication the URL path spells (day precision), if any: the last
    resort when the page states no date with its year (``March 18 at 3:57 PM``)."""
    if not url:
        return None
    path = url.split("?", 1)[0].split("#", 1)[0]
    found = _URL_DATE.search(path)
    if found is None:
        return None
    year, month, day = (int(g) for g in found.groups())
    try:
        return date(year, month, day).isoformat()
    except ValueError:  # 2015/02/31
        return None


def page_dates(meta: MetaMap, objects: list[JsonObject]) -> tuple[str | None, str | None]:
    """Dates an index page states about itself (``<meta>``, JSON-LD ``WebPage`` objects),
    never those of the stories it lists."""
    pages = [o for o in objects if any(t.endswith(("Page", "WebSite")) for t in types_of(o))]
    published = _first_date(_ld_dates(pages, "datePublished")
                            + [v for key in PUBLISHED_META for v in meta.get(key, [])])
    modified = _first_date(_ld_dates(pages, "dateModified")
                           + [v for key in MODIFIED_META for v in meta.get(key, [])])
    return published, modified


# --- textual dates ----------------------------------------------------------------------

_MONTH = "|".join(re.escape(m) for m in sorted(MONTHS, key=len, reverse=True))
#: "3 mars 2025", "1er mars 2025", "3. März 2025", "3 de marzo de 2025", "3rd March 2025".
_DAY_MONTH_YEAR = re.compile(
    rf"(?<!\d)(\d{{1,2}})(?:er|ᵉʳ|st|nd|rd|th|º|\.)?\s*(?:de\s+)?({_MONTH})\.?,?\s+"
    rf"(?:de\s+|del\s+)?(\d{{4}})(?!\d)", re.I)
#: "March 3, 2025", "Mar. 3rd 2025".
_MONTH_DAY_YEAR = re.compile(
    rf"(?<![^\W\d_])({_MONTH})\.?\s+(\d{{1,2}})(?:st|nd|rd|th)?,?\s+(\d{{4}})(?!\d)", re.I)
#: "03/03/2025", "3.3.2025", "03-03-2025".
_NUMERIC = re.compile(r"(?<![\d./-])(\d{1,2})([./-])(\d{1,2})\2(\d{4})(?![\d./-])")
#: "2025-03-03".
_ISO = re.compile(r"(?<!\d)(\d{4})-(\d{2})-(\d{2})(?!\d)")
#: A time right after the date: "à 14h07", ", 14:07 Uhr", "- 14:07", "2:07 p.m.".
_TIME = re.compile(
    r"^[\s,\-–—|/·]*(?:(?:à|a las|a la|at|um|kl\.?)\s+)?(\d{1,2})\s*"
    r"(?:(?:h|:|\.)\s*(\d{2})(?!\d)|(h)(?![^\W\d_]))?\s*(?:([ap])\.?\s?m\.?(?![^\W\d_]))?",
    re.I)
#: Years outside this range are page furniture ("© 1887"), not publication dates.
MIN_YEAR, MAX_YEAR = 1990, 2100
#: Every textual date holds a year, four digits in a row (``\d{4}`` scans slower): each
#: pattern above asks for one, so a text without such a run holds no date.
_YEAR = re.compile(r"\d\d\d\d")
#: A time is looked for this many characters after the date.
TIME_WINDOW = 30
#: A labelled date is looked for in an element of at most this many characters; a
#: standalone date line (no label) is at most ``MAX_DATELINE_CHARS`` long.
MAX_LABELLED_CHARS = 200
MAX_DATELINE_CHARS = 60
#: How far up from a label's text node the element holding the date is looked for.
LABEL_LEVELS = 2


def _find_date(text: str, month_first: bool) -> tuple[int, int, int, int] | None:
    """(year, month, day, end offset) of the first absolute date in ``text``."""
    if _YEAR.search(text) is None:  # one quick scan instead of four slow ones
        return None
    found: list[tuple[int, int, int, int, int]] = []  # (start, year, month, day, end)
    for m in _DAY_MONTH_YEAR.finditer(text):
        found.append((m.start(), int(m[3]), MONTHS[m[2].lower()], int(m[1]), m.end()))
    for m in _MONTH_DAY_YEAR.finditer(text):
        found.append((m.start(), int(m[3]), MONTHS[m[1].lower()], int(m[2]), m.end()))
    for m in _NUMERIC.finditer(text):
        first, second = int(m[1]), int(m[3])
        swap = first <= 12 and (month_first or second > 12)  # swap: read month-first
        day, month = (second, first) if swap else (first, second)
        found.append((m.start(), int(m[4]), month, day, m.end()))
    for m in _ISO.finditer(text):
        found.append((m.start(), int(m[1]), int(m[2]), int(m[3]), m.end()))
    for _, year, month, day, end in sorted(found):
        if MIN_YEAR <= year <= MAX_YEAR and 1 <= month <= 12 and 1 <= day <= 31:
            return year, month, day, end
    return None


def _find_time(text: str) -> tuple[int, int] | None:
    m = _TIME.match(text[:TIME_WINDOW])
    if m is None or not (m[2] or m[3] or m[4]):
        return None
    hour, minute = int(m[1]), int(m[2] or 0)
    if m[4]:
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if m[4].lower() == "p" else 0)
    return (hour, minute) if hour < 24 and minute < 60 else None


def parse_text_date(text: str, month_first: bool = False) -> str | None:
    """The first absolute date written in ``text`` as ISO 8601: a date alone
    (``2025-03-03``), or a local time without offset (``2025-03-03T14:07:00``); a zone
    abbreviation ("ET") gives no offset. Relative dates ("2 hours ago") give None."""
    found = _find_date(text, month_first)
    if found is None:
        return None
    year, month, day, end = found
    clock = _find_time(text[end:])
    try:
        when = datetime(year, month, day, *(clock or (0, 0)))
    except ValueError:
        return None
    return when.isoformat(timespec="seconds") if clock else when.date().isoformat()


def _label_pattern(labels: tuple[str, ...]) -> re.Pattern[str]:
    words = "|".join(re.escape(w) for w in sorted(labels, key=len, reverse=True))
    return re.compile(rf"(?<![^\W\d_])(?:{words})(?![^\W\d_])\s*:?", re.I)


_PUBLISHED_LABEL = _label_pattern(TEXT_PUBLISHED_LABELS)
_UPDATED_LABEL = _label_pattern(TEXT_UPDATED_LABELS)


def labelled_dates(text: str, month_first: bool) -> tuple[str | None, str | None]:
    """(published, modified) after "Publié le"/"Mis à jour le"-style labels in ``text``."""
    hits = sorted([(m.start(), m.end(), "p") for m in _PUBLISHED_LABEL.finditer(text)]
                  + [(m.start(), m.end(), "u") for m in _UPDATED_LABEL.finditer(text)])
    dates: dict[str, str] = {}
    for index, (_, end, kind) in enumerate(hits):
        stop = hits[index + 1][0] if index + 1 < len(hits) else len(text)
        segment = text[end:stop]
        if segment.strip().lower().startswith(RELATIVE_DATE_WORDS):
            continue
        value = parse_text_date(segment, month_first)
        if value:
            dates.setdefault(kind, value)
    return dates.get("p"), dates.get("u")


def _holder(text_node: LexborNode) -> LexborNode | None:
    """The element around a label holding the date: its parent, or up to
    ``LABEL_LEVELS`` further while the text stays short."""
    node = text_node.parent
    best = node
    for _ in range(LABEL_LEVELS):
        if node is None or node.parent is None or len(node_text(node.parent)) > \
                MAX_LABELLED_CHARS:
            break
        node = node.parent
        best = node
    return best


#: Joins the text nodes of a scope in one C call. HTML parsing drops U+0000 from text or
#: replaces it by U+FFFD, so the text split on it gives back exactly the text nodes.
_PIECE_SEP = "\x00"
#: Elements whose text is code: ``text_dates`` never reads a date in their text nodes.
_CODE_SELECTOR = "script:not(:empty), style:not(:empty)"
#: Characters that case-insensitive matching (``re.I``) equates with a letter other than
#: their ``str.lower``: "İ" (which lowers to two characters), "ı" and "ſ" (``re._casefix``).
_CASE_TWINS = str.maketrans({"\u0130": "i", "ı": "i", "ſ": "s"})


def _label_needles(labels: tuple[str, ...]) -> tuple[str, ...]:
    """The labels that hold no shorter label: a text holding a label holds one of them."""
    folded = {label.lower().translate(_CASE_TWINS) for label in labels}
    return tuple(sorted(w for w in folded if not any(o != w and o in w for o in folded)))


_LABEL_NEEDLES = _label_needles(TEXT_PUBLISHED_LABELS + TEXT_UPDATED_LABELS)


def _fold(text: str) -> str:
    """``text`` lower-cased as ``re.I`` compares it, one character for one."""
    if "\u0130" in text:
        text = text.replace("\u0130", "i")
    text = text.lower()
    if "ı" in text or "ſ" in text:
        text = text.translate(_CASE_TWINS)
    return text


def _label_starts(text: str) -> list[int]:
    """Where a label may start in ``text`` (plain substring search: fast, and wherever
    ``_PUBLISHED_LABEL`` or ``_UPDATED_LABEL`` matches, one of these does)."""
    folded = _fold(text)
    starts: list[int] = []
    for needle in _LABEL_NEEDLES:
        found = folded.find(needle)
        while found >= 0:
            starts.append(found)
            found = folded.find(needle, found + 1)
    return starts


def _code_pieces(scope: LexborNode, pieces: list[str]) -> set[str]:
    """Values of text nodes that sit directly in a ``<script>``/``<style>`` of ``scope``
    and nowhere else (every piece with such a value is code, which never holds a date)."""
    code: dict[str, int] = {}
    for element in scope.css(_CODE_SELECTOR):
        for value in element.text(deep=False, separator=_PIECE_SEP, skip_empty=True).split(
                _PIECE_SEP):
            if value:
                code[value] = code.get(value, 0) + 1
    if not code:
        return set()
    seen: dict[str, int] = {}
    for piece in pieces:
        if piece in code:
            seen[piece] = seen.get(piece, 0) + 1
    return {value for value, times in code.items() if seen.get(value) == times}


def _hit_pieces(pieces: list[str], find: Callable[[str], list[int]]) -> set[int]:
    """Indexes of the ``pieces`` where ``find`` (offsets of hits in a text) hits, found by
    searching all of them at once."""
    # Piece i ends before ends[i] - 1 (its length, the ones before it and a separator
    # each), so the number of ends at or before a start is the index of its piece.
    ends = list(map(add, accumulate(map(len, pieces)), count(1)))
    return {bisect_right(ends, start) for start in find(_PIECE_SEP.join(pieces))}


def _year_starts(text: str) -> list[int]:
    return [m.start() for m in _YEAR.finditer(text)]


def _dateline_sized(piece: str) -> bool:
    """False when ``normalize_space(piece)`` is surely longer than a date line: it keeps
    every character but ASCII whitespace (counted in C, no new string)."""
    if len(piece) <= MAX_DATELINE_CHARS:
        return True
    blanks = (piece.count(" ") + piece.count("\n") + piece.count("\t") + piece.count("\r")
              + piece.count("\f") + piece.count("\v"))
    return len(piece) - blanks <= MAX_DATELINE_CHARS


def _text_pieces(scope: LexborNode) -> tuple[list[str], set[int], set[int]]:
    """The non-blank text nodes of ``scope`` as strings, in document order, and the
    indexes of those that may hold a date label, and of those short enough for a date
    line that hold a year (script and style code left out: it never holds a date)."""
    pieces = scope.text(deep=True, separator=_PIECE_SEP, skip_empty=True).split(_PIECE_SEP)
    code = _code_pieces(scope, pieces)
    kept = [i for i, piece in enumerate(pieces) if piece not in code]
    labels = {kept[i] for i in _hit_pieces([pieces[i] for i in kept], _label_starts)}
    short = [i for i in kept
             if len(pieces[i]) <= MAX_DATELINE_CHARS or _dateline_sized(pieces[i])]
    years = {short[i] for i in _hit_pieces([pieces[i] for i in short], _year_starts)}
    return pieces, labels, years


def _text_marks(pieces: list[str], labels: set[int], years: set[int],
                month_first: bool) -> dict[int, str | None]:
    """Text nodes that matter, by index: a label (None) or a short standalone date."""
    marks: dict[int, str | None] = {}
    for index in sorted(labels | years):
        raw = pieces[index]
        if index in labels and (_PUBLISHED_LABEL.search(raw) or _UPDATED_LABEL.search(raw)):
            marks[index] = None
        elif index in years and len(normalize_space(raw)) <= MAX_DATELINE_CHARS:
            value = parse_text_date(raw, month_first)
            if value:
                marks[index] = value
    return marks


def text_dates(scope: LexborNode, month_first: bool) -> tuple[str | None, str | None]:
    """Visible dates: labelled ones, else the first short standalone date line.

    Only the text nodes holding a label or a date are looked at in the tree, found in
    the text of the whole scope first; the tree walk stops after the last one."""
    pieces, labels, years = _text_pieces(scope)
    marks = _text_marks(pieces, labels, years, month_first)
    if not marks:
        return None, None
    last_label = max((i for i, value in marks.items() if value is None), default=-1)
    last = max(marks)
    published = modified = standalone = None
    index = -1
    for text_node in scope.traverse(include_text=True, skip_empty=True):
        if text_node.tag != "-text":
            continue
        index += 1
        if index not in marks:
            continue
        if text_node.text_content != pieces[index]:  # pieces out of step: walk it all
            return _walk_text_dates(scope, month_first)
        holder = text_node.parent
        value = marks[index]
        if holder is None or holder.tag in ("script", "style") or (
                value is not None and standalone is not None) or in_other_story(
                holder, scope):
            pass
        elif value is None:
            around = _holder(text_node)
            if around is not None:
                p, u = labelled_dates(node_text(around), month_first)
                published, modified = published or p, modified or u
        else:
            standalone = value
        if index >= last or (standalone is not None and index >= last_label) or (
                published and modified):
            break
    return published or standalone, modified


def _walk_text_dates(scope: LexborNode, month_first: bool) -> tuple[str | None, str | None]:
    """``text_dates`` reading every text node of the tree (the reference algorithm)."""
    published = modified = None
    standalone = None
    for text_node in scope.traverse(include_text=True):
        if text_node.tag != "-text" or not (text_node.text_content or "").strip():
            continue
        holder = text_node.parent
        if holder is None or holder.tag in ("script", "style") or in_other_story(
                holder, scope):
            continue
        raw = text_node.text_content or ""
        if _PUBLISHED_LABEL.search(raw) or _UPDATED_LABEL.search(raw):
            around = _holder(text_node)
            if around is not None:
                p, u = labelled_dates(node_text(around), month_first)
                published, modified = published or p, modified or u
        elif standalone is None and len(normalize_space(raw)) <= MAX_DATELINE_CHARS:
            standalone = parse_text_date(raw, month_first)
    return published or standalone, modified
