"""Robustness at scale: huge, link-heavy and deeply nested pages parse whole, and parsing
raises nothing but ``NotHTMLError`` on binary data or tag soup.

No wall-clock assertions here. How the time grows with the input (size N against 4N in
one run) is measured by ``bench/scaling_bench.py``; these tests only carry a hang guard
far above what a linear parser needs, which a quadratic step at these sizes exceeds.
"""

from __future__ import annotations

import contextlib
import random
from collections.abc import Callable

import pytest

from scraper.models import Article
from scraper.parse import parse_html
from scraper.parse.decode import NotHTMLError
from tests.scaling_pages import links, nested_everywhere, nested_once, paragraphs

URL = "https://scale.example/story"
#: Hang guard per test: each parses in well under 5 s on the 2-core CI machine.
HANG_GUARD_S = 180


@pytest.mark.timeout(HANG_GUARD_S)
def test_ten_megabyte_page_parses_whole() -> None:
    page = paragraphs(2000)
    assert len(page) > 9_000_000
    article = parse_html(page, URL)
    assert len(article.paragraphs) == 2000


@pytest.mark.timeout(HANG_GUARD_S)
def test_hundred_thousand_links_are_all_kept() -> None:
    article = parse_html(links(100_000), URL)
    assert len(article.links) == 100_000
    assert article.links[0] == "https://scale.example/p/0"


@pytest.mark.timeout(HANG_GUARD_S)
@pytest.mark.parametrize("build", [nested_once, nested_everywhere],
                         ids=["one-paragraph", "paragraph-per-level"])
def test_five_thousand_levels_of_nesting(build: Callable[[int], bytes]) -> None:
    article = parse_html(build(5000), URL)  # no RecursionError anywhere
    assert article.paragraphs


def _binary_pages() -> list[bytes]:
    rng = random.Random(20240618)
    noise = bytes(rng.randrange(256) for _ in range(50_000))
    return [
        noise,
        b"\x89PNG\r\n\x1a\n" + noise,
        b"%PDF-1.7\n" + noise,
        b"\x1f\x8b\x08\x00" + noise,
        b"PK\x03\x04" + noise,
        b"<html><body>" + noise + b"</body></html>",
        b"<html>" + b"\x00" * 10_000,
        "<html><body><p>UTF-16 posing</p></body></html>".encode("utf-16-le"),
        b"\xff\xfe" + noise,
        bytes(range(256)) * 200,
    ]


@pytest.mark.parametrize("page", _binary_pages(), ids=lambda p: repr(p[:12]))
def test_binary_data_posing_as_html_never_raises_anything_else(page: bytes) -> None:
    try:
        article = parse_html(page, URL)
    except NotHTMLError:
        return
    assert isinstance(article, Article)


def test_tag_soup_never_raises() -> None:
    rng = random.Random(7)
    pieces = ["<div>", "</div>", "<p>", "</p>", "<a href='/x'>", "</a>", "<table><tr><td>",
              "<br>", "<h2>", "</h2>", "<form>", "<textarea name=c>", "<!--", "-->",
              "<script>", "</script>", "<svg><a>", "text, with commas ", "<<>>", "&amp;",
              "<article class='post'>", "<aside>", "<li>", "\x00", "\u00a0", "<time>"]
    for _ in range(200):
        page = "".join(rng.choice(pieces) for _ in range(rng.randrange(1, 300)))
        with contextlib.suppress(NotHTMLError):
            parse_html(f"<html><body>{page}</body></html>".encode(), URL)
