"""The frontier at scale: claim latency and the crawler process's memory with 1M URLs.

Usage:
    .venv/bin/python bench/frontier_bench.py [--urls 1000000] [--db URL]

Enqueues ``--urls`` URLs (in batches, like discovery does), then claims batches of 32
the way the crawler does and reports the median claim time and the process's peak
RSS before and after. The crawler holds only its claimed batch in memory, so RSS must
not grow with the frontier.
"""

from __future__ import annotations

import argparse
import resource
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from storage import FrontierURL, open_archive

BATCH = 5_000
CLAIM = 32


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--urls", type=int, default=1_000_000)
    parser.add_argument("--db", default=None)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        db = args.db or f"sqlite:///{tmp}/frontier.db"
        with open_archive(db) as archive:
            rss_start = rss_mb()
            started = time.perf_counter()
            for start in range(0, args.urls, BATCH):
                archive.enqueue(
                    FrontierURL(f"https://news{i % 50}.example/a/{i}", f"news{i % 50}.example",
                                "article", 1, i % 1000)
                    for i in range(start, min(args.urls, start + BATCH))
                )
            enqueue_s = time.perf_counter() - started
            rss_queued = rss_mb()
            times = []
            for _ in range(200):
                t0 = time.perf_counter()
                archive.claim("bench", CLAIM, timedelta(minutes=5))
                times.append((time.perf_counter() - t0) * 1000)
            print(f"{args.urls:,} URLs enqueued in {enqueue_s:.1f} s")
            print(f"claim of {CLAIM}: median {statistics.median(times):.2f} ms, "
                  f"p95 {sorted(times)[int(len(times) * 0.95)]:.2f} ms")
            print(f"peak RSS: {rss_start:.0f} MB at start, {rss_queued:.0f} MB after enqueue, "
                  f"{rss_mb():.0f} MB after 200 claims")


if __name__ == "__main__":
    main()
