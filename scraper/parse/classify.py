"""Article or index page? A documented score over independent signals.

Each signal adds or removes points; a page is an article when the total reaches
``MIN_ARTICLE_SCORE``. Without any signal (a bare fragment) the score is 0: a page is an
article unless the evidence says otherwise.

| signal | points |
|---|---|
| JSON-LD ``*Article``/``BlogPosting``/``LiveBlogPosting`` | ``+STRUCTURED_WEIGHT`` |
| JSON-LD ``CollectionPage``/``ItemList``/... and no article | ``-STRUCTURED_WEIGHT`` |
| ``og:type`` article / website (or profile) | ``+OG_ARTICLE_WEIGHT`` / ``-OG_INDEX_WEIGHT`` |
| URL: home, ``/tag/x``, ``/author/x``, ``/page/2``, ``?s=`` | ``-INDEX_URL_WEIGHT`` |
| URL: one word (``/sport/``), a section front | ``-SECTION_URL_WEIGHT`` |
| URL: a date, a long id, a hyphenated slug or ``.html`` | ``+ARTICLE_URL_WEIGHT`` |
| many linked headings to other article-like pages, short body | ``-TEASER_WEIGHT`` |
| long body / almost no body text | ``+LONG_BODY_WEIGHT`` / ``-SHORT_BODY_WEIGHT`` |
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import parse_qs, urlsplit

from selectolax.lexbor import LexborHTMLParser

from scraper.parse.jsonld import JsonObject, is_article, types_of
from scraper.parse.metadata import MetaMap
from scraper.parse.text import ancestors, attr
from scraper.parse.urls import absolute
from scraper.parse.vocab import INDEX_LD_TYPES, INDEX_PATH_SEGMENTS, SEARCH_QUERY_KEYS

#: Structured data is the publisher's own statement: it outweighs any two weak signals.
STRUCTURED_WEIGHT = 4
#: og:type is set by most CMSs; "website" is also (wrongly) left on some article pages.
OG_ARTICLE_WEIGHT = 2
OG_INDEX_WEIGHT = 1
INDEX_URL_WEIGHT = 3
#: A one-word path (``/sport/``) is weak evidence: some sites put stories there too.
SECTION_URL_WEIGHT = 1
ARTICLE_URL_WEIGHT = 1
TEASER_WEIGHT = 3
LONG_BODY_WEIGHT = 2
SHORT_BODY_WEIGHT = 1
#: An index page lists at least this many stories under linked headings (a related-stories
#: rail under an article holds 3-6, usually next to a long body).
MIN_INDEX_TEASERS = 8
#: Body text (paragraph characters): a story runs to 1,500+ characters (about 250 words);
#: under 300 there is no story text, only teaser summaries or none.
LONG_BODY_CHARS = 1500
SHORT_BODY_CHARS = 300
#: The score at or above which the page is a single story.
MIN_ARTICLE_SCORE = -2
#: An article-like URL: a date path, a long numeric id, a slug of 3+ words, a file page.
_ARTICLE_PATH = re.compile(r"/\d{4}/\d{1,2}/|/\d{4}-\d{2}(?:-\d{2})?/|\d{5,}|[^/]+-[^/]+-[^/]+|"
                           r"\.(?:s?html?|php|aspx?)$", re.I)
_PAGE_NUMBER = re.compile(r"/page/\d+/?$|[?&](?:page|paged|p)=\d+", re.I)
_HEADINGS = "h1 a[href], h2 a[href], h3 a[href], h4 a[href], h5 a[href], h6 a[href]"


@dataclass
class Classification:
    score: int = 0
    signals: dict[str, int] = field(default_factory=dict)

    def add(self, name: str, points: int) -> None:
        self.signals[name] = points
        self.score += points

    @property
    def is_article(self) -> bool:
        return self.score >= MIN_ARTICLE_SCORE


def structured_signal(objects: list[JsonObject], result: Classification) -> None:
    if any(is_article(o) for o in objects):
        result.add("jsonld-article", STRUCTURED_WEIGHT)
    elif any(types_of(o) & INDEX_LD_TYPES for o in objects):
        result.add("jsonld-index", -STRUCTURED_WEIGHT)


def og_signal(meta: MetaMap, result: Classification) -> None:
    og_type = (meta.get("og:type") or [""])[0].lower()
    if og_type.startswith("article") or og_type in ("news", "blog", "liveblog"):
        result.add("og-article", OG_ARTICLE_WEIGHT)
    elif og_type in ("website", "profile", "blog:index"):
        result.add("og-index", -OG_INDEX_WEIGHT)


def _path(url: str | None) -> str:
    try:
        return urlsplit(url or "").path
    except ValueError:  # a malformed URL (bad IPv6 literal): no path to read
        return ""


def url_signal(url: str | None, result: Classification) -> None:
    try:
        parts = urlsplit(url or "")
    except ValueError:
        return
    if not parts.netloc:
        return
    segments = [s for s in parts.path.lower().split("/") if s]
    query = parse_qs(parts.query, keep_blank_values=True)
    if (not segments or _PAGE_NUMBER.search(parts.path + "?" + parts.query)
            or any(k in query for k in SEARCH_QUERY_KEYS)
            or (segments[0] in INDEX_PATH_SEGMENTS and len(segments) <= 2)):
        result.add("url-index", -INDEX_URL_WEIGHT)
    elif _ARTICLE_PATH.search(parts.path):
        result.add("url-article", ARTICLE_URL_WEIGHT)
    elif len(segments) == 1:
        result.add("url-section", -SECTION_URL_WEIGHT)


def teaser_links(tree: LexborHTMLParser, base: str | None) -> int:
    """Distinct article-like pages linked from headings, other than the page itself."""
    own = _path(base)
    targets: set[str] = set()
    for link in tree.css(_HEADINGS):
        target = absolute(base, attr(link, "href")) if base else attr(link, "href")
        path = _path(target)
        in_nav = any(a.tag == "nav" for a in ancestors(link))
        if path and path != own and _ARTICLE_PATH.search(path) and not in_nav:
            targets.add(path)
    return len(targets)


def classify(tree: LexborHTMLParser, meta: MetaMap, objects: list[JsonObject],
             url: str | None, body_chars: int) -> Classification:
    result = Classification()
    structured_signal(objects, result)
    og_signal(meta, result)
    url_signal(url, result)
    if body_chars < LONG_BODY_CHARS and teaser_links(tree, url) >= MIN_INDEX_TEASERS:
        result.add("teasers", -TEASER_WEIGHT)
    if body_chars >= LONG_BODY_CHARS:
        result.add("long-body", LONG_BODY_WEIGHT)
    elif body_chars < SHORT_BODY_CHARS:
        result.add("short-body", -SHORT_BODY_WEIGHT)
    return result
