"""Inputs that grow with one size parameter, shared by the tests (which check the output
at one size) and ``bench/scaling_bench.py`` (which times size N against size 4N)."""

from __future__ import annotations

SENTENCE = "The council approved the plan, after a long debate, and residents welcomed it. "


def paragraphs(count: int) -> bytes:
    """~5 KB paragraphs, each with a link: 2,000 of them make a ~10 MB page."""
    body = "".join(f"<p>{i} {SENTENCE * 60}<a href='/a/{i}'>more</a></p>"
                   for i in range(count))
    return f"<html><body><article><h1>Title</h1>{body}</article></body></html>".encode()


def links(count: int) -> bytes:
    items = "".join(f"<li><a href='/p/{i}#top'>link {i}</a></li>" for i in range(count))
    return f"<html><body><ul>{items}</ul></body></html>".encode()


def nested_once(depth: int) -> bytes:
    """``depth`` nested ``<div>`` with one paragraph at the bottom."""
    inner = f"<p>{SENTENCE}</p>"
    return f"<html><body>{'<div>' * depth}{inner}{'</div>' * depth}</body></html>".encode()


def nested_everywhere(depth: int) -> bytes:
    """``depth`` nested containers each holding a paragraph: every level is a candidate
    whose text and link density cover all the levels below it."""
    levels = "".join(f"<div class='c'><p>Level {i}: {SENTENCE}</p>" for i in range(depth))
    return f"<html><body>{levels}{'</div>' * depth}</body></html>".encode()


def hostile_feed(units: int) -> bytes:
    """Unclosed tags and CDATA openers, which a backtracking recovery regex would chew on:
    ``units`` = 50,000 gives the ~3 MB input of the discovery tests."""
    return (b"<rss>" + b"<item><link>" * (3 * units) + b"<title" * (2 * units)
            + b"<![CDATA[" * units)
