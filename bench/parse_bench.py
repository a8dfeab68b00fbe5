"""Parse speed: our parser against trafilatura, in one run, over the same pages.

Usage: python bench/parse_bench.py [--repeat N] [DIR ...]

Pages are every fixture page with an expected JSON under fixtures/site/, plus the
*.html files of any DIR given. Each page is parsed ``--repeat`` times by each tool
after one warm-up; the report gives the median milliseconds per page for both, and
their ratio (trafilatura / ours: above 1 means we are faster).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from scraper.parse import parse_html  # noqa: E402


def pages(dirs: list[Path]) -> list[tuple[Path, str]]:
    """(file, url) for the fixture corpus and the extra directories."""
    site = ROOT / "fixtures" / "site"
    found = []
    for expected in sorted(site.rglob("*.expected.json")):
        page = expected.with_name(expected.name.removesuffix(".expected.json"))
        rel = page.relative_to(site).as_posix()
        found.append((page, "https://" + rel.removesuffix("index.html")))
    for d in dirs:
        found += [(p, f"https://bench.example/{p.name}") for p in sorted(d.glob("*.html"))]
    return found


def timed(func: Callable[[], object], repeat: int) -> float:
    func()  # warm-up
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        func()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("dirs", nargs="*", type=Path)
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    try:
        import trafilatura
    except ImportError:
        sys.exit("trafilatura is not installed: pip install -e '.[bench]'")
    ours, theirs = [], []
    print(f"{'page':<60} {'ours ms':>8} {'trafilatura ms':>15} {'ratio':>6}")
    for path, url in pages(args.dirs):
        data = path.read_bytes()
        a = timed(lambda d=data, u=url: parse_html(d, u), args.repeat)
        b = timed(
            lambda d=data, u=url: trafilatura.extract(d, url=u, with_metadata=True), args.repeat
        )
        ours.append(a)
        theirs.append(b)
        print(f"{path.relative_to(ROOT).as_posix()[-60:]:<60} {a:8.2f} {b:15.2f} {b / a:6.1f}")
    total_a, total_b = sum(ours), sum(theirs)
    print(f"{'TOTAL (' + str(len(ours)) + ' pages)':<60} {total_a:8.2f} {total_b:15.2f} "
          f"{total_b / total_a:6.1f}")


if __name__ == "__main__":
    main()
