"""How fast could a Python parser on lexbor be? The floor, next to ours and trafilatura.

Usage: python bench/floor.py DIR   (a folder of NAME.html pages, e.g. the real pages)

For each page, the median of ``--repeat`` runs of: lexbor building the DOM; the DOM
plus one Python walk over every node reading its tag and attributes (the least any
Python stage that looks at the whole page costs); our ``parse_html``; trafilatura's
``extract``. Prints the median over pages of each, in milliseconds.
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable
from pathlib import Path

from selectolax.lexbor import LexborHTMLParser

from scraper.parse import parse_html

URL = "https://example.com/news/story"


def median_ms(func: Callable[[], object], repeat: int) -> float:
    func()  # warm-up
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        func()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples) * 1000


def one_walk(html: str) -> None:
    tree = LexborHTMLParser(html)
    if tree.root is not None:
        for node in tree.root.traverse(include_text=True):
            _ = node.tag, node.attributes


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("--repeat", type=int, default=9)
    args = parser.parse_args()
    import trafilatura  # the bench extra

    rows: dict[str, list[float]] = {"lexbor parse": [], "parse + one walk": [],
                                    "ours (every field)": [], "trafilatura": []}
    for page in sorted(args.folder.glob("*.html")):
        data = page.read_bytes()
        html = data.decode("utf-8", "replace")
        runs: list[Callable[[], object]] = [
            lambda html=html: LexborHTMLParser(html), lambda html=html: one_walk(html),
            lambda data=data: parse_html(data, URL),
            lambda html=html: trafilatura.extract(html, url=URL, include_comments=False)]
        for name, func in zip(rows, runs, strict=True):
            rows[name].append(median_ms(func, args.repeat))
    if not rows["lexbor parse"]:
        raise SystemExit(f"Error: no .html pages in {args.folder}")
    for name, values in rows.items():
        print(f"{name:20s} {statistics.median(values):7.2f} ms")


if __name__ == "__main__":
    main()
