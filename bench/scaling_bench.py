"""Scaling benchmark: how parse time grows with the input, against trafilatura.

Usage: python bench/scaling_bench.py [--repeat 3] [--skip-peer]

For each input family in ``tests/scaling_pages.py`` (a ~10 MB page of paragraphs,
100,000 links, 5,000 levels of nesting two ways, a hostile unclosed feed and sitemap),
it times size N and size 4N in the same run, best of ``--repeat``, and prints the
growth ratio t(4N) / t(N): ~4 is linear, ~16 quadratic. The HTML families are also run
through ``trafilatura.extract`` at size 4N, and the table gives ours / trafilatura.

The unit tests check these inputs' output, with a hang guard only: nothing here is
asserted, the figures go to bench/README.md.
"""

from __future__ import annotations

import argparse
import contextlib
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from scraper.discover import DiscoveryError, parse_feed, parse_sitemap  # noqa: E402
from scraper.parse import parse_html  # noqa: E402
from tests import scaling_pages as pages  # noqa: E402

GROWTH = 4
URL = "https://scale.example/story"


@dataclass(frozen=True)
class Family:
    name: str
    build: Callable[[int], bytes]
    size: int  # N; the large input is GROWTH * N
    html: bool  # also run through trafilatura


FAMILIES = [
    Family("paragraphs (2,000 at 4N, ~10 MB)", pages.paragraphs, 500, True),
    Family("links (100,000 at 4N)", pages.links, 25_000, True),
    Family("nested, one paragraph (5,000 levels)", pages.nested_once, 1250, True),
    Family("nested, paragraph per level (5,000)", pages.nested_everywhere, 1250, True),
    Family("hostile feed (~3 MB at 4N)", pages.hostile_feed, 12_500, False),
    Family("hostile sitemap (~3 MB at 4N)",
           lambda n: pages.hostile_feed(n).replace(b"<rss>", b"<urlset>"), 12_500, False),
]


def ours(family: Family, page: bytes) -> None:
    if family.html:
        parse_html(page, URL)
        return
    with contextlib.suppress(DiscoveryError):  # refusing it is the expected outcome
        (parse_feed if b"<rss>" in page[:10] else parse_sitemap)(page, URL)


def trafilatura_extract(page: bytes) -> None:
    import trafilatura

    trafilatura.extract(page.decode("utf-8"), url=URL, include_comments=False)


def best_of(run: Callable[[], None], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        run()
        times.append(time.perf_counter() - started)
    return min(times)


def measure(family: Family, repeat: int, peer: bool) -> str:
    small, large = family.build(family.size), family.build(family.size * GROWTH)
    ours(family, family.build(max(family.size // 10, 1)))  # warm-up: imports, caches
    t_small = best_of(lambda: ours(family, small), repeat)
    t_large = best_of(lambda: ours(family, large), repeat)
    row = (f"| {family.name} | {t_small * 1000:.0f} | {t_large * 1000:.0f} "
           f"| {t_large / t_small:.1f} |")
    if peer and family.html:
        t_peer = best_of(lambda: trafilatura_extract(large), 1)
        row += f" {t_peer * 1000:.0f} | {t_large / t_peer:.2f} |"
    else:
        row += " – | – |"
    return row


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="runs per size (best taken)")
    parser.add_argument("--skip-peer", action="store_true", help="leave trafilatura out")
    args = parser.parse_args()
    print("| input | ours N ms | ours 4N ms | growth (4 = linear) | trafilatura 4N ms "
          "| ours / trafilatura |\n|---|---|---|---|---|---|")
    for family in FAMILIES:
        print(measure(family, max(args.repeat, 1), not args.skip_peer), flush=True)


if __name__ == "__main__":
    main()
