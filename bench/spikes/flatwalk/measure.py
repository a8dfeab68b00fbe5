"""Time the Cython flat walk against the same walk in Python: python measure.py DIR"""

from __future__ import annotations

import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

import flatwalk  # type: ignore[import-not-found]  # built in place by build.py
from selectolax.lexbor import LexborHTMLParser


def median_ms(func: Callable[[], object], repeat: int = 15) -> float:
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        func()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples) * 1000


def main(folder: Path) -> None:
    rows: dict[str, list[float]] = {"lexbor parse": [], "python walk": [], "cython walk": []}
    for page in sorted(folder.glob("*.html")):
        html = page.read_text(encoding="utf-8", errors="replace")
        tree = LexborHTMLParser(html)
        root = tree.root
        assert root is not None
        count = sum(1 for _ in root.traverse(include_text=True))
        assert len(flatwalk.flat(root)[0]) == count  # the same nodes, in the same order
        rows["lexbor parse"].append(median_ms(lambda h=html: LexborHTMLParser(h)))
        rows["python walk"].append(median_ms(
            lambda r=root: [(n.tag, n.attributes) for n in r.traverse(include_text=True)]))
        rows["cython walk"].append(median_ms(lambda r=root: flatwalk.flat(r)))
    for name, values in rows.items():
        print(f"{name:14s} {statistics.median(values):.3f} ms")


if __name__ == "__main__":
    main(Path(sys.argv[1]))
