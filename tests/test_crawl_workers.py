"""Several crawler processes sharing one PostgreSQL archive: every page fetched exactly
once, per-host limits held across them, and a killed worker's URLs finished by others."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections import Counter

import pytest

from storage import open_archive
from tests.faultserver import serve_faults
from tests.test_cli import ROOT

ARTICLES = 90
PER_HOST = 2

pytestmark = pytest.mark.postgres


def worker(pg_url: str, start: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "scraper",
            "crawl",
            start,
            "--db",
            pg_url,
            "--worker",
            "--until-idle",
            "--concurrency",
            "4",
            "--per-host",
            str(PER_HOST),
            "--parse-workers",
            "0",
            "--timeout",
            "5",
            "--json",
        ],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        text=True,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )


def finish(procs: list[subprocess.Popen[str]], timeout: float = 120) -> list[int]:
    codes = []
    for proc in procs:
        try:
            proc.communicate(timeout=timeout)
        finally:
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(timeout=10)
        codes.append(proc.returncode)
    return codes


def article_captures(pg_url: str) -> dict[str, int]:
    with open_archive(pg_url) as archive:
        rows = archive.query(
            "SELECT requested_url, count(*) FROM captures"
            " WHERE requested_url LIKE '%/news/%' GROUP BY requested_url"
        ).rows
    return {str(u): int(n) for u, n in rows}  # type: ignore[call-overload]


def test_three_workers_fetch_every_page_once(pg_url: str) -> None:
    with open_archive(pg_url):
        pass  # create the schema once, before the workers race to open it
    with serve_faults(articles=ARTICLES, crawl_delay=0.0) as server:
        codes = finish([worker(pg_url, server.url("/")) for _ in range(3)])
        assert server.wait_idle()
        requests = Counter(r.path for r in server.requests)
        peak = max(server.max_in_flight_by_host().values())
    assert codes == [0, 0, 0]
    pages = {p: n for p, n in requests.items() if p.startswith("/news/")}
    assert len(pages) == ARTICLES and set(pages.values()) == {1}  # each exactly once
    assert peak <= PER_HOST
    assert sorted(article_captures(pg_url)) == sorted(server.article_urls())


def test_a_killed_workers_urls_are_finished_by_the_others(pg_url: str) -> None:
    with open_archive(pg_url):
        pass
    with serve_faults(articles=ARTICLES, crawl_delay=0.0) as server:
        victim = worker(pg_url, server.url("/"))
        deadline = time.monotonic() + 60
        while len(article_captures(pg_url)) < 15 and time.monotonic() < deadline:
            time.sleep(0.02)
        others = [worker(pg_url, server.url("/")) for _ in range(2)]
        time.sleep(0.3)
        os.killpg(victim.pid, signal.SIGKILL)
        victim.wait(timeout=10)
        assert finish(others) == [0, 0]
        assert server.wait_idle()
    stored = article_captures(pg_url)
    assert sorted(stored) == sorted(server.article_urls())  # nothing lost
    assert set(stored.values()) == {1}  # nothing stored twice
