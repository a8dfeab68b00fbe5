"""HTML article parser: bytes (and the page URL) in, ``Article`` out. Pure: no I/O.

The cascade, one function per stage (``parse_html`` runs them in this order):

1. ``check_html_bytes``  - empty input or binary data (magic numbers, NUL bytes, control
   characters) raise ``NotHTMLError``.
2. ``decode_html``       - charset: HTTP header, BOM, ``<meta>`` prescan, detection.
3. ``check_html_text``   - decoded text without any markup raises ``NotHTMLError``.
4. ``LexborHTMLParser``  - the DOM, built as a browser would (scripting off).
5. ``find_profile`` / ``remove_excluded`` - a site profile (passed in, or the packaged
   ``profiles.toml`` entry for the URL's host) removes its ``exclude`` elements; its
   other selectors override the generic result of the stage they name (body, title,
   lead, bylines, published) and nothing else.
6. ``jsonld_objects`` / ``collect_meta`` - structured data first: schema.org JSON-LD
   (the ``*Article`` object), then ``<meta>`` (Open Graph, Dublin Core, microdata).
7. ``canonical_url``     - ``<link rel=canonical>``, ``og:url``, the given URL.
8. ``find_body``         - body container: ``itemprop=articleBody``, else content scoring
   (paragraph length and commas, class/id hints, link density; ``<br><br>`` runs split
   a text block into paragraphs; a body split into repeated blocks is gathered into the
   element holding them), else ``<article>``, ``<main>``, ``<body>``; ``article_scope``
   is the element holding the whole story.
9. ``extract_title``     - JSON-LD headline, og:title, ``<h1>``, ``<title>``; a site-name
   suffix/prefix (og:site_name, publisher), a suffix the ``<h1>`` disowns, or a short
   suffix after a pipe (or spelling the host name) is removed.
10. ``extract_content``  - lead (``scraper.parse.lead``: a lead-marked element between the
    headline and the body, else a short text block there that matches the page's
    description or sits right after the headline; never media or a caption), then
    the body walked into paragraphs/subheadings with furniture and teaser cards skipped
    (a section's ``<header>`` gives only its heading), related-link and link-dense
    paragraphs dropped, "By X" lines turned into bylines.
11. ``extract_images``   - content images of the scope (and the JSON-LD/og:image lead
    image when the page shows it): real source of lazy images, furniture (logos,
    avatars, icons, pixels, ads, link cards, related thumbnails) dropped; caption and
    separated credit from the figure. ``captions`` come from the same analysis.
12. ``extract_bylines``  - JSON-LD author, ``<meta name=author>``, byline markup, the
    "By X" line found in step 10, else byline markup between the headline and the
    scope (``bylines_before_scope``); agency and role tails dropped, ALL CAPS
    title-cased.
13. ``extract_language`` - ``<html lang>``, JSON-LD inLanguage, og:locale, content-language;
    minimised with CLDR likely subtags; else ``guess_language`` from the body's function
    words (en, fr, de, es, it, pt, nl; none for short or mixed text).
14. ``extract_dates``    - JSON-LD, ``<meta>``, microdata, ``<time>`` (marked, then first),
    else visible text ("Publié le 3 mars 2025 à 14h07"; day-first unless en-US), else
    the date in the URL path (``/2015/03/18/``: ``url_date``).
15. ``extract_comments`` - reader comments (comment items in the DOM, else JSON-LD).
16. ``extract_tags`` / ``extract_section`` - ``article:tag``, JSON-LD keywords, ``rel=tag``;
    ``article:section``, JSON-LD articleSection, else the last breadcrumb category.
17. ``classify``         - article or index page (JSON-LD and og:type, URL shape, teaser
    links, body length; see ``scraper.parse.classify``). An index page keeps url,
    title, language, dates, tags and section; its body fields are empty.
18. ``extract_comment_form`` - the best-scoring comment form (never search, newsletter or
    login), its fields and captcha.
19. ``page_links``       - absolute http(s) links, for discovery.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from urllib.parse import urlsplit

from selectolax.lexbor import LexborHTMLParser, LexborNode

from scraper.models import Article
from scraper.parse.body import article_scope, find_body
from scraper.parse.bylines import bylines_before_scope, extract_bylines
from scraper.parse.classify import classify
from scraper.parse.comments import extract_comments
from scraper.parse.content import BodyContent, extract_content
from scraper.parse.dates import extract_dates, page_dates, url_date
from scraper.parse.decode import check_html_bytes, check_html_text, decode_html
from scraper.parse.forms import extract_comment_form
from scraper.parse.images import extract_images
from scraper.parse.jsonld import JsonObject, article_object, jsonld_objects
from scraper.parse.language import guess_language
from scraper.parse.metadata import (
    MetaMap,
    canonical_url,
    collect_meta,
    extract_language,
    extract_title,
    site_names,
)
from scraper.parse.profiles import (
    Profile,
    find_profile,
    profile_bylines,
    profile_published,
    profile_text,
    remove_excluded,
    select,
)
from scraper.parse.taxonomy import extract_section, extract_tags
from scraper.parse.text import document_order
from scraper.parse.urls import absolute, document_base, page_links
from scraper.parse.vocab import MONTH_FIRST_LANGUAGES

__all__ = ["PARSER_VERSION", "Profile", "decode_html", "parse_html"]

#: Bumped whenever a change can alter the output for the same bytes; stored with
#: every archived version so that re-parses can be told apart.
PARSER_VERSION = "0.4.0"


def _headline_node(tree: LexborHTMLParser, scope: LexborNode | None) -> LexborNode | None:
    found = scope.css_first("h1") if scope is not None else None
    return found if found is not None else tree.css_first("h1")


def _host(url: str | None) -> str | None:
    try:
        return urlsplit(url or "").hostname
    except ValueError:  # a malformed URL (bad IPv6 literal, port): no host to compare
        return None


def _document_node(tree: LexborHTMLParser) -> LexborNode:
    """The root element; lexbor always builds ``<html>``, even for a fragment."""
    root = tree.root
    return root if root is not None else tree.create_node("html")


@dataclass(frozen=True)
class _Page:
    """What every later stage reads: the DOM, structured data, body and scope."""

    tree: LexborHTMLParser
    objects: list[JsonObject]
    article: JsonObject | None
    meta: MetaMap
    base: str | None
    body: list[LexborNode]
    scope: LexborNode
    profile: Profile | None

    @property
    def ordered(self) -> list[JsonObject]:
        """The JSON-LD article object first, then every object."""
        return [self.article, *self.objects] if self.article is not None else self.objects


def _analyse(tree: LexborHTMLParser, url: str | None, profile: Profile | None) -> _Page:
    remove_excluded(tree, profile)
    objects = jsonld_objects(tree)
    body = (select(tree, profile.body) if profile is not None else []) or find_body(tree)
    scope = article_scope(tree, body) or _document_node(tree)
    return _Page(tree, objects, article_object(objects), collect_meta(tree),
                 document_base(tree, absolute(None, url)), body, scope, profile)


def _title(page: _Page, url: str | None) -> str | None:
    override = profile_text(page.tree, page.profile.title) if page.profile else None
    return override or extract_title(
        page.tree, page.meta, page.article, site_names(page.meta, page.objects),
        _headline_node(page.tree, page.scope), _host(page.base or url))


def _content(page: _Page, title: str | None) -> BodyContent:
    content = extract_content(page.scope, page.body, title)
    lead = profile_text(page.tree, page.profile.lead) if page.profile else None
    if not lead:
        return content
    kept = [b for b in content.text.split("\n\n") if b and b not in (content.lead, lead)]
    return replace(content, lead=lead, paragraphs=tuple(
        p for p in content.paragraphs if p != lead), text="\n\n".join([lead, *kept]))


def _bylines(page: _Page, content: BodyContent, order: dict[int, int]) -> tuple[str, ...]:
    override = profile_bylines(page.tree, page.profile) if page.profile else None
    found = override or extract_bylines(page.article, page.objects, page.meta, page.scope,
                                        content.text_bylines)
    headline = _headline_node(page.tree, page.scope)
    if found or headline is None:
        return found
    return bylines_before_scope(headline, page.scope, order)


def _dates(page: _Page, language: str | None) -> tuple[str | None, str | None]:
    published, modified = extract_dates(page.tree, page.meta, page.ordered, page.scope,
                                        language)
    if page.profile is not None and page.profile.published:
        month_first = language in MONTH_FIRST_LANGUAGES
        published = profile_published(page.tree, page.profile, month_first) or published
    return published, modified


def parse_html(content: bytes, url: str | None = None, *, http_charset: str | None = None,
               profile: Profile | None = None) -> Article:
    """Parse one HTML page into an ``Article`` (see the module docstring for the cascade).

    ``profile`` overrides the packaged site profile for the URL's host, if any.
    Raises ``NotHTMLError`` when ``content`` is empty, binary, or has no markup.
    """
    check_html_bytes(content, http_charset)
    html = decode_html(content, http_charset)
    check_html_text(html)
    tree = LexborHTMLParser(html)
    page = _analyse(tree, url, profile if profile is not None else find_profile(_host(url)))
    title = _title(page, url)
    body = _content(page, title)
    order = document_order(_document_node(tree))
    images, captions = extract_images(tree, page.scope, page.base, page.article,
                                      page.objects, page.meta, order)
    language = extract_language(tree, page.meta, page.ordered) or guess_language(body.text)
    canonical = canonical_url(tree, page.meta, page.base, url)
    published, modified = _dates(page, language)
    published = published or url_date(canonical or url)
    body_chars = sum(map(len, body.paragraphs)) + len(body.lead or "")
    verdict = classify(tree, page.meta, page.objects, canonical or url, body_chars)
    article = Article(
        url=canonical, title=title, published=published, modified=modified,
        language=language, tags=extract_tags(page.meta, page.article, page.scope),
        section=extract_section(tree, page.meta, page.article, page.objects, title),
        is_article=verdict.is_article,
        comment_form=extract_comment_form(tree, page.base, url),
        links=page_links(tree, page.base),
    )
    if not verdict.is_article:
        own_published, own_modified = page_dates(page.meta, page.objects)
        return replace(article, published=own_published, modified=own_modified)
    return replace(
        article, bylines=_bylines(page, body, order), lead=body.lead, paragraphs=body.paragraphs,
        subheadings=body.subheadings, captions=captions, text=body.text, images=images,
        comments=extract_comments(tree, page.article, page.objects))
