"""Robustness and scaling: parsing raises nothing but ``NotHTMLError``, and its time grows
at most linearly with the input.

No absolute wall-clock limits: each scaling test parses a page of size N and one of
size 4N in the same run and bounds the ratio of their times by ``4 * SLACK``. A
quadratic step gives ~16 and fails; noise on a shared machine stays well under 12.
"""

from __future__ import annotations

import contextlib
import random
import time
from collections.abc import Callable

import pytest

from scraper.models import Article
from scraper.parse import parse_html
from scraper.parse.decode import NotHTMLError

#: Allowed excess over linear growth for 4x the input (generous: shared CI machines).
SLACK = 3.0
GROWTH = 4
URL = "https://scale.example/story"
SENTENCE = "The council approved the plan, after a long debate, and residents welcomed it. "


def _timed(page: bytes) -> tuple[float, Article]:
    start = time.perf_counter()
    article = parse_html(page, URL)
    return time.perf_counter() - start, article


def _assert_linear(build: Callable[[int], bytes], size: int) -> Article:
    """Parse ``build(size)`` (best of three) and ``build(GROWTH * size)`` (best of two:
    one unlucky run on a loaded machine must not fail the build); return the larger
    page's article."""
    small = build(size)
    _timed(build(max(size // 10, 1)))  # warm-up (imports, caches)
    small_seconds = min(_timed(small)[0] for _ in range(3))
    large = build(size * GROWTH)
    large_seconds, article = _timed(large)
    large_seconds = min(large_seconds, _timed(large)[0])
    ratio = large_seconds / small_seconds
    assert ratio < GROWTH * SLACK, f"{GROWTH}x input took {ratio:.1f}x the time"
    return article


def _paragraphs(count: int) -> bytes:
    """~5 KB paragraphs, each with a link: 2,000 of them make a ~10 MB page."""
    body = "".join(f"<p>{i} {SENTENCE * 60}<a href='/a/{i}'>more</a></p>"
                   for i in range(count))
    return f"<html><body><article><h1>Title</h1>{body}</article></body></html>".encode()


def _links(count: int) -> bytes:
    items = "".join(f"<li><a href='/p/{i}#top'>link {i}</a></li>" for i in range(count))
    return f"<html><body><ul>{items}</ul></body></html>".encode()


def _nested_once(depth: int) -> bytes:
    """``depth`` nested ``<div>`` with one paragraph at the bottom."""
    inner = f"<p>{SENTENCE}</p>"
    return f"<html><body>{'<div>' * depth}{inner}{'</div>' * depth}</body></html>".encode()


def _nested_everywhere(depth: int) -> bytes:
    """``depth`` nested containers each holding a paragraph: every level is a candidate
    whose text and link density cover all the levels below it."""
    levels = "".join(f"<div class='c'><p>Level {i}: {SENTENCE}</p>" for i in range(depth))
    return f"<html><body>{levels}{'</div>' * depth}</body></html>".encode()


def test_ten_megabyte_page_parses_in_linear_time() -> None:
    assert len(_paragraphs(2000)) > 9_000_000
    article = _assert_linear(_paragraphs, 500)  # the larger page: 2,000 paragraphs
    assert len(article.paragraphs) == 2000


def test_hundred_thousand_links_are_all_kept_in_linear_time() -> None:
    article = _assert_linear(_links, 25_000)  # the larger page: 100,000 links
    assert len(article.links) == 100_000
    assert article.links[0] == "https://scale.example/p/0"


@pytest.mark.parametrize("build", [_nested_once, _nested_everywhere],
                         ids=["one-paragraph", "paragraph-per-level"])
def test_five_thousand_levels_of_nesting(build: Callable[[int], bytes]) -> None:
    article = _assert_linear(build, 1250)  # 5,000 levels: no RecursionError anywhere
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
