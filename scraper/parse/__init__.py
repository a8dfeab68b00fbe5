"""HTML article parser: bytes (and the page URL) in, ``Article`` out. Pure: no I/O.

The cascade, one function per stage (``parse_html`` runs them in this order):

1. ``check_html_bytes``  - empty input or binary data (magic numbers, NUL bytes, control
   characters) raise ``NotHTMLError``.
2. ``decode_html``       - charset: HTTP header, BOM, ``<meta>`` prescan, detection.
3. ``check_html_text``   - decoded text without any markup raises ``NotHTMLError``.
4. ``LexborHTMLParser``  - the DOM, built as a browser would (scripting off).
5. ``jsonld_objects`` / ``collect_meta`` - structured data first: schema.org JSON-LD
   (the ``*Article`` object), then ``<meta>`` (Open Graph, Dublin Core, microdata).
6. ``canonical_url``     - ``<link rel=canonical>``, ``og:url``, the given URL.
7. ``find_body``         - body container: ``itemprop=articleBody``, else content scoring
   (paragraph length and commas, class/id hints, link density; ``<br><br>`` runs split
   a text block into paragraphs; a body split into repeated blocks is gathered into the
   element holding them), else ``<article>``, ``<main>``, ``<body>``; ``article_scope``
   is the element holding the whole story.
8. ``extract_title``     - JSON-LD headline, og:title, ``<h1>``, ``<title>``; a site-name
   suffix/prefix (og:site_name, publisher), a suffix the ``<h1>`` disowns, or a short
   suffix after a pipe (or spelling the host name) is removed.
9. ``extract_content``   - lead (a lead-marked element before the body paragraphs), then
   the body walked into paragraphs/subheadings with furniture and teaser cards skipped
   (a section's ``<header>`` gives only its heading), related-link and link-dense
   paragraphs dropped, "By X" lines turned into bylines; captions (not link cards).
10. ``extract_bylines``  - JSON-LD author, ``<meta name=author>``, byline markup, the
    "By X" line found in step 9.
11. ``extract_dates``    - JSON-LD, ``<meta>``, microdata, ``<time>`` (marked, then first).
12. ``extract_language`` - ``<html lang>``, JSON-LD inLanguage, og:locale, content-language;
    minimised with CLDR likely subtags.
13. ``extract_comment_form`` - the best-scoring comment form (never search, newsletter or
    login), its fields and captcha.
14. ``page_links``       - absolute http(s) links, for discovery.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from selectolax.lexbor import LexborHTMLParser, LexborNode

from scraper.models import Article
from scraper.parse.body import article_scope, find_body
from scraper.parse.bylines import extract_bylines
from scraper.parse.content import extract_content
from scraper.parse.dates import extract_dates
from scraper.parse.decode import check_html_bytes, check_html_text, decode_html
from scraper.parse.forms import extract_comment_form
from scraper.parse.jsonld import article_object, jsonld_objects
from scraper.parse.metadata import (
    canonical_url,
    collect_meta,
    extract_language,
    extract_title,
    site_names,
)
from scraper.parse.text import document_order
from scraper.parse.urls import absolute, document_base, page_links

__all__ = ["PARSER_VERSION", "decode_html", "parse_html"]

#: Bumped whenever a change can alter the output for the same bytes; stored with
#: every archived version so that re-parses can be told apart.
PARSER_VERSION = "0.2.0"


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


def parse_html(content: bytes, url: str | None = None, *,
               http_charset: str | None = None) -> Article:
    """Parse one HTML page into an ``Article`` (see the module docstring for the cascade).

    Raises ``NotHTMLError`` when ``content`` is empty, binary, or has no markup.
    """
    check_html_bytes(content, http_charset)
    html = decode_html(content, http_charset)
    check_html_text(html)
    tree = LexborHTMLParser(html)
    objects = jsonld_objects(tree)
    article = article_object(objects)
    ordered = [article, *objects] if article is not None else objects
    meta = collect_meta(tree)
    base = document_base(tree, absolute(None, url))
    body = find_body(tree)
    scope = article_scope(tree, body) or _document_node(tree)
    title = extract_title(tree, meta, article, site_names(meta, objects),
                          _headline_node(tree, scope), _host(base or url))
    content_ = extract_content(scope, body, document_order(scope), title)
    published, modified = extract_dates(tree, meta, ordered, scope)
    return Article(
        url=canonical_url(tree, meta, base, url),
        title=title,
        bylines=extract_bylines(article, objects, meta, scope, content_.text_bylines),
        published=published,
        modified=modified,
        language=extract_language(tree, meta, ordered),
        lead=content_.lead,
        paragraphs=content_.paragraphs,
        subheadings=content_.subheadings,
        captions=content_.captions,
        text=content_.text,
        comment_form=extract_comment_form(tree, base, url),
        links=page_links(tree, base),
    )
