"""The crawler against every fault of ``tests/faultserver.py``: the crawl finishes, good
pages are stored, every failure is recorded with its reason, nothing is duplicated."""

from __future__ import annotations

from collections import Counter

import pytest

from tests.faultserver import FaultServer, serve_faults
from tests.test_crawl import captures, crawl

# fault path -> (final outcome of its last capture, a word of its recorded reason)
FAULTS: dict[str, tuple[str, str]] = {
    "/fault/500/x": ("error", "HTTP 500"),
    "/fault/reset/x": ("error", "connection"),
    "/fault/reset-mid-body/x": ("error", ""),
    "/fault/truncated/x": ("error", ""),
    "/fault/slow-first-byte/3000/x": ("error", "timeout"),
    "/fault/slow-body/400/x": ("error", "timeout"),
    "/fault/bad-gzip/x": ("error", "decode"),
    "/fault/huge/x": ("error", "larger than"),
    "/fault/huge-chunked/x": ("error", "larger than"),
    "/fault/gzip-bomb/x": ("error", "larger than"),
    "/fault/loop/a/x": ("error", "redirects"),
    "/fault/chain/12/x": ("error", "redirects"),
    "/fault/to-home/x": ("skipped", "home"),
    "/fault/binary/x": ("skipped", "binary"),
    "/fault/pdf/x": ("skipped", "not HTML"),
    "/fault/xml/laughs-sitemap": ("skipped", "unreadable sitemap"),
    "/fault/xml/laughs-feed": ("skipped", "unreadable feed"),
    "/fault/xml/xxe-sitemap": ("skipped", "unreadable sitemap"),
    "/fault/xml/xxe-feed": ("skipped", "unreadable feed"),
    "/fault/xml/malformed-sitemap": ("skipped", "sitemap"),
    "/fault/xml/truncated-sitemap": ("skipped", "sitemap"),
    "/fault/xml/truncated-feed": ("skipped", "feed"),
    "/fault/xml/self-index": ("skipped", "sitemap: 2"),
}
RETRIED = {  # served once with a fault, then fine: retried within the same run
    "/fault/429/1/x": "HTTP 429",
    "/fault/503-date/1/x": "HTTP 503",
}


@pytest.fixture(scope="module")
def server() -> FaultServer:
    with serve_faults(articles=12, crawl_delay=0.0) as site:
        yield site  # type: ignore[misc]


def test_every_fault_is_recorded_and_the_crawl_finishes(server: FaultServer, db_url: str) -> None:
    server.reset()
    starts = [server.url(p) for p in (*FAULTS, *RETRIED)] + [server.url("/")]
    stats = crawl(db_url, *starts, max_depth=1)
    rows = captures(db_url)
    last = {str(url): (outcome, str(error or "")) for url, _, outcome, error in rows}
    for path, (outcome, word) in FAULTS.items():
        got = last[server.url(path)]
        assert got[0] == outcome and word in got[1], (path, got)
    for path, reason in RETRIED.items():
        history = [(o, e) for u, _, o, e in rows if u == server.url(path)]
        assert history[0] == ("error", reason) and history[-1][0] != "error", (path, history)
    stored = [str(u) for u, _, o, _ in rows if o == "new"]
    retried = {server.url(p) for p in RETRIED}
    assert sorted(set(stored) - retried) == sorted(server.article_urls())  # every good page
    assert len(stored) == len(set(stored))  # ... once
    assert "/fault/xxe-canary" not in {r.path for r in server.requests}
    assert stats.fetched == len(rows)


def test_retry_after_pauses_the_host(server: FaultServer, db_url: str) -> None:
    server.reset()
    url = server.url("/fault/429/2/pause")
    other = server.article_urls()[0]
    crawl(db_url, url, other, max_depth=0)
    assert server.wait_idle()
    hits = [r.time for r in server.requests if r.path == "/fault/429/2/pause"]
    assert len(hits) == 2 and hits[1] - hits[0] >= 1.8  # Retry-After: 2
    history = [o for u, _, o, _ in captures(db_url) if u == url]
    assert history == ["error", "new"]
    assert Counter(o for _, _, o, _ in captures(db_url))["error"] == 1
