"""What a URL probably is (article, index page, unknown), and how soon to fetch it.

``classify_url`` reads only the URL, in this order (first rule that fires wins):

1. **index markers** - the home page (``/``, ``/index.html``), a segment naming a listing
   (``INDEX_SEGMENTS``: ``tag``, ``author``, ``page``, ``search``, ``sujet``...), a
   listing query (``?page=2``, ``?s=...``);
2. **article signals** - a date followed by a slug (``/2024/05/12/slug``,
   ``/2024/jul/05/slug``, ``/2025-03/slug``), a date inside the leaf
   (``...-2025-04-03``, ``20240512``), a leaf slug of ``MIN_SLUG_WORDS`` words or more, a
   numeric id of ``MIN_ID_DIGITS`` digits, an opaque id (``c5y8k2m1xq3o``, a hex hash), or
   an ``.html`` leaf that is not a one-word section page (``/sport.html``);
3. **index shapes** - a date archive (``/2024/05/``), a section root (at most
   ``SECTION_MAX_DEPTH`` one-word segments: ``/business/``, ``/news/world/``);
4. otherwise ``unknown``.

Calibration (``tests/test_discover.py::test_classifier_on_the_fixture_site`` reruns it):
the 34 article URLs of ``fixtures/urls.txt`` and the 6 index pages of ``fixtures/site``
(``"is_article": false``) give 34/34 articles and 6/6 indexes, none unknown. The slug
threshold is the tight one: the fixtures' topic page ``/sujet/reforme-des-retraites/``
has 3 words and its shortest article slugs have 4 (``hospital-waiting-lists-fall``);
3-word article slugs (``heizoel-strom-preise.html``) are caught by another signal.

``priority_of`` ranks what to fetch first: feeds and sitemaps (each yields many articles
per request), then articles, then unknown pages, then index pages. Articles and unknown
pages get a freshness bonus that halves every ``FRESH_HALF_LIFE_HOURS``; the bands never
overlap, so an old article still comes before any index page.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Literal
from urllib.parse import parse_qsl, unquote, urlsplit

Kind = Literal["article", "index", "sitemap", "feed", "unknown"]
UrlKind = Literal["article", "index", "unknown"]


@dataclass(frozen=True, slots=True)
class Discovered:
    """A URL found by discovery. ``published``/``lastmod`` are ISO 8601 when the source
    gave them; ``priority``: higher is fetched sooner (``priority_of``)."""

    url: str
    kind: Kind
    published: str | None = None
    lastmod: str | None = None
    title: str | None = None
    priority: int = 0


#: Path segments that name a listing page, in the fixture sites' languages (en, fr, es,
#: de). Matched as whole segments, so ``/author-interview-...`` is not caught.
INDEX_SEGMENTS = frozenset(
    {
        "tag",
        "tags",
        "topic",
        "topics",
        "category",
        "categories",
        "section",
        "sections",
        "author",
        "authors",
        "page",
        "search",
        "archive",
        "archives",
        "auteur",
        "auteurs",
        "sujet",
        "sujets",
        "theme",
        "themes",
        "rubrique",
        "recherche",
        "categorie",
        "etiqueta",
        "etiquetas",
        "tema",
        "temas",
        "autor",
        "autores",
        "buscar",
        "categoria",
        "pagina",
        "seite",
        "thema",
        "themen",
        "schlagwort",
        "stichwort",
        "suche",
    }
)
#: Leaf names of a directory's default document.
INDEX_STEMS = frozenset({"index", "default", "home", "start", "main", "accueil", "portada"})
#: Query keys of search and pagination (``?page=2``, ``?s=floods``).
INDEX_QUERY_KEYS = frozenset({"page", "paged", "s", "q", "query", "search", "tag", "cat"})
#: A leaf slug with at least this many words is a story (see the calibration above).
MIN_SLUG_WORDS = 4
#: A run of at least this many digits in the leaf is a story id (``noticia-18234``); four
#: digits would take years. A 5-digit postal code in the leaf is misread (a known risk).
MIN_ID_DIGITS = 5
#: An alphanumeric token this long with letters and at least two digits is an opaque id.
MIN_OPAQUE_ID_CHARS = 8
#: A section root has at most this many segments (``/news/world/``).
SECTION_MAX_DEPTH = 2
ARTICLE_EXTENSIONS = (".html", ".htm", ".shtml")
MONTH_NAMES = frozenset(
    {"jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"}
)

_YEAR = re.compile(r"(?:19|20)\d\d")
_MONTH = re.compile(r"0?[1-9]|1[0-2]")
_DAY = re.compile(r"0?[1-9]|[12]\d|3[01]")
_ISO_SEGMENT = re.compile(r"(?:19|20)\d\d-(?:0[1-9]|1[0-2])(?:-(?:0[1-9]|[12]\d|3[01]))?")
_DATE_IN_LEAF = re.compile(
    r"(?<!\d)(?:19|20)\d\d(-?)(?:0[1-9]|1[0-2])\1(?:0[1-9]|[12]\d|3[01])(?!\d)"
)
_DIGIT_RUN = re.compile(rf"\d{{{MIN_ID_DIGITS},}}")
_WORD_SPLIT = re.compile(r"[-_.+,~\s]+")
_LETTER = re.compile(r"[^\W\d_]")

#: Priority bands: sources first, then articles, unknown pages, index pages.
KIND_BASE: dict[str, int] = {
    "sitemap": 1000,
    "feed": 1000,
    "article": 500,
    "unknown": 300,
    "index": 100,
}
#: Largest freshness bonus; article 500-900 and unknown 300-450 stay disjoint.
FRESH_BONUS: dict[str, int] = {"article": 400, "unknown": 150}
#: News is read within a day or two: the bonus halves every 48 h (one week: 1/11 left).
FRESH_HALF_LIFE_HOURS = 48.0
_DATE_ONLY = re.compile(r"\d{4}(?:-\d{2}(?:-\d{2})?)?")


def _segments(path: str) -> list[str]:
    return [s for s in unquote(path).lower().split("/") if s]


def _is_date_part(segment: str) -> bool:
    return bool(
        _YEAR.fullmatch(segment)
        or _MONTH.fullmatch(segment)
        or segment in MONTH_NAMES
        or _ISO_SEGMENT.fullmatch(segment)
    )


def _date_prefix_end(segments: list[str]) -> int:
    """Index just past a date run (``2024/05/12``, ``2024/jul``, ``2025-03``), else -1."""
    for i, segment in enumerate(segments):
        if _ISO_SEGMENT.fullmatch(segment):
            return i + 1
        if _YEAR.fullmatch(segment) and i + 1 < len(segments):
            month = segments[i + 1]
            if _MONTH.fullmatch(month) or month in MONTH_NAMES:
                has_day = i + 2 < len(segments) and _DAY.fullmatch(segments[i + 2])
                return i + 3 if has_day else i + 2
    return -1


def _words(stem: str) -> list[str]:
    return [w for w in _WORD_SPLIT.split(stem) if _LETTER.search(w)]


def _is_opaque_id(token: str) -> bool:
    digits = sum(c.isdigit() for c in token)
    return (
        len(token) >= MIN_OPAQUE_ID_CHARS
        and token.isascii()
        and token.isalnum()
        and digits >= 2
        and digits < len(token)
    )


def _stem(segment: str) -> str:
    """The segment without an ``.html``-like extension."""
    return segment.rsplit(".", 1)[0] if segment.endswith(ARTICLE_EXTENSIONS) else segment


def _leaf_is_article(leaf: str) -> bool:
    stem = _stem(leaf)
    extension = stem != leaf
    if stem in INDEX_STEMS:
        return False
    words = _words(stem)
    if len(words) >= MIN_SLUG_WORDS or _DIGIT_RUN.search(stem) or _DATE_IN_LEAF.search(stem):
        return True
    if any(_is_opaque_id(token) for token in _WORD_SPLIT.split(stem)):
        return True
    # ``/politik.html`` is a section page; ``/heizoel-strom-preise.html`` is a story.
    return extension and (len(words) >= 2 or any(c.isdigit() for c in stem))


def _is_index_marked(segments: list[str], query: str) -> bool:
    if not segments or (len(segments) == 1 and segments[0].split(".")[0] in INDEX_STEMS):
        return True
    if any(segment in INDEX_SEGMENTS for segment in segments):
        return True
    return any(key.lower() in INDEX_QUERY_KEYS for key, _ in parse_qsl(query))


def classify_url(url: str) -> UrlKind:
    """``article``, ``index`` or ``unknown`` from the URL's shape alone (rules above)."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return "unknown"
    segments = _segments(parts.path)
    if _is_index_marked(segments, parts.query):
        return "index"
    date_end = _date_prefix_end(segments)
    if 0 <= date_end < len(segments) and not _is_date_part(segments[-1]):
        return "article"
    if _leaf_is_article(segments[-1]) or _DIGIT_RUN.search(parts.query):
        return "article"
    if date_end == len(segments) or all(_is_date_part(s) for s in segments):
        return "index"
    stems = [_stem(s) for s in segments]
    if len(segments) <= SECTION_MAX_DEPTH and all(s.isalpha() for s in stems):
        return "index"
    return "unknown"


def normalize_date(value: str | None) -> str | None:
    """ISO 8601 from a W3C datetime or an RFC 822 date; the source's offset is kept, a
    date without time stays a date (``2024-05-12``); None when unparseable."""
    if not value:
        return None
    value = value.strip()
    if _DATE_ONLY.fullmatch(value):
        return value
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        try:
            parsed = parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError, OverflowError):
            return None
    return parsed.isoformat(timespec="seconds")


def _as_datetime(iso: str) -> datetime | None:
    if _DATE_ONLY.fullmatch(iso):
        parts = [int(p) for p in iso.split("-")] + [1, 1]
        try:
            return datetime(parts[0], parts[1], parts[2], tzinfo=UTC)
        except ValueError:
            return None
    try:
        parsed = datetime.fromisoformat(iso)
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def priority_of(kind: Kind, published: str | None, now: datetime) -> int:
    """Fetch order: ``KIND_BASE[kind]`` plus a freshness bonus for articles and unknown
    pages, halving every ``FRESH_HALF_LIFE_HOURS`` (a future date counts as now)."""
    base = KIND_BASE.get(kind, 0)
    bonus = FRESH_BONUS.get(kind, 0)
    when = _as_datetime(published) if published and bonus else None
    if when is None:
        return base
    if now.tzinfo is None:
        now = now.replace(tzinfo=UTC)
    try:
        age_hours = max(0.0, (now - when).total_seconds() / 3600)
    except OverflowError:
        return base
    decay: float = 0.5 ** (age_hours / FRESH_HALF_LIFE_HOURS)
    return base + round(bonus * decay)


def discovered(
    url: str,
    *,
    now: datetime,
    kind: Kind | None = None,
    published: str | None = None,
    lastmod: str | None = None,
    title: str | None = None,
) -> Discovered:
    """A ``Discovered`` with its kind (classified from the URL unless given) and its
    priority (from ``published``, else ``lastmod``)."""
    final: Kind = kind if kind is not None else classify_url(url)
    fresh = published or lastmod
    return Discovered(url, final, published, lastmod, title, priority_of(final, fresh, now))
