"""A crawl killed with SIGKILL at any point and started again loses no URL and fetches
nothing twice that it had already stored (SQLite and PostgreSQL, real processes)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from contextlib import suppress
from pathlib import Path

import pytest

from scraper.crawl.runner import WINDOW
from storage import open_archive
from tests.faultserver import serve_faults
from tests.test_cli import ROOT
from tests.test_crawl import captures
from tests.test_crawl_faults import FAULTS, RETRIED

ARTICLES = 150
CONCURRENCY = 4


def crawl_process(
    db_url: str, *starts: str, timeout: float = 5, extra: tuple[str, ...] = ()
) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "scraper",
            "crawl",
            *starts,
            "--db",
            db_url,
            "--until-idle",
            "--concurrency",
            str(CONCURRENCY),
            "--per-host",
            "2",
            "--timeout",
            str(timeout),
            "--json",
            *extra,
        ],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        text=True,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )


def stored(db_url: str) -> int:
    with open_archive(db_url) as archive:
        return int(archive.query("SELECT count(*) FROM captures WHERE outcome = 'new'").rows[0][0])  # type: ignore[arg-type]


def test_kill_and_resume_loses_nothing_and_repeats_nothing(db_url: str) -> None:
    with serve_faults(articles=ARTICLES, crawl_delay=0.0) as server:
        first = crawl_process(db_url, server.url("/"))
        try:
            deadline = time.monotonic() + 60
            while stored(db_url) < 40 and time.monotonic() < deadline and first.poll() is None:
                time.sleep(0.02)
            assert first.poll() is None, first.communicate()
        finally:
            os.killpg(first.pid, signal.SIGKILL)  # the crawler and its parse workers
            first.wait(timeout=10)
        killed_at_stored = stored(db_url)
        assert 40 <= killed_at_stored < ARTICLES
        second = crawl_process(db_url, server.url("/"))
        try:
            _out, err = second.communicate(timeout=120)
        finally:
            if second.poll() is None:
                os.killpg(second.pid, signal.SIGKILL)
        assert second.returncode == 0, err
        assert server.wait_idle()
        requests = Counter(r.path for r in server.requests if r.path.startswith("/news/"))
    with open_archive(db_url) as archive:
        rows = archive.query(
            "SELECT requested_url, count(*) FROM captures WHERE requested_url LIKE '%/news/%'"
            " GROUP BY requested_url"
        ).rows
    assert len(rows) == ARTICLES and all(n == 1 for _, n in rows)  # all stored, once each
    assert sorted(str(u) for u, _ in rows) == sorted(server.article_urls())
    twice = [p for p, n in requests.items() if n > 1]
    assert all(n <= 2 for n in requests.values())
    # only pages in hand at the kill (claimed, fetched, not yet stored): WINDOW x concurrency
    assert len(twice) <= WINDOW * CONCURRENCY


# The fault routes whose outcome does not depend on timing (no slow responses).
STEADY_FAULTS = {p: v for p, v in FAULTS.items() if "/slow-" not in p}


def test_kill_and_resume_on_the_fault_site(db_url: str) -> None:
    """Killed while fault pages are in flight, the crawl resumes: every good page once,
    every fault recorded once with its reason, the retried ones end stored."""
    with serve_faults(articles=ARTICLES, crawl_delay=0.0) as server:
        starts = [server.url(p) for p in (*STEADY_FAULTS, *RETRIED)] + [server.url("/")]
        first = crawl_process(db_url, *starts, timeout=1)
        try:
            deadline = time.monotonic() + 60
            while stored(db_url) < 40 and time.monotonic() < deadline and first.poll() is None:
                time.sleep(0.02)
            assert first.poll() is None, first.communicate()
        finally:
            os.killpg(first.pid, signal.SIGKILL)
            first.wait(timeout=10)
        second = crawl_process(db_url, *starts, timeout=1)
        try:
            _out, err = second.communicate(timeout=120)
        finally:
            if second.poll() is None:
                os.killpg(second.pid, signal.SIGKILL)
        assert second.returncode == 0, err
    rows = captures(db_url)
    new = [str(u) for u, _, outcome, _ in rows if outcome == "new"]
    retried = {server.url(p) for p in RETRIED}
    assert sorted(set(new) - retried) == sorted(server.article_urls())
    assert len(new) == len(set(new))  # nothing stored twice
    for path, (outcome, word) in STEADY_FAULTS.items():
        history = [(o, str(e or "")) for u, _, o, e in rows if u == server.url(path)]
        assert len(history) == 1, (path, history)  # recorded once, across the kill
        assert history[0][0] == outcome and word in history[0][1], (path, history)
    for path in RETRIED:
        history = [o for u, _, o, _ in rows if u == server.url(path)]
        assert history[-1] == "new" and history.count("new") == 1, (path, history)


def parse_workers_of(pid: int) -> list[int]:
    """The parse workers among ``pid``'s children (``python -m scraper.crawl.procs parse``)."""
    children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    workers = []
    for child in map(int, children):
        with suppress(OSError):
            cmdline = Path(f"/proc/{child}/cmdline").read_bytes()
            if b"scraper.crawl.procs\x00parse" in cmdline:
                workers.append(child)
    return workers


@pytest.mark.skipif(not Path("/proc/self/task").exists(), reason="needs Linux /proc")
def test_parse_workers_killed_by_the_os_are_replaced(sqlite_url: str) -> None:
    """The OS kills the parse workers mid-crawl (as the OOM killer would): the pool is
    started again, the pages they held are parsed there, and the crawl ends normally."""
    with serve_faults(articles=ARTICLES, crawl_delay=0.0) as server:
        crawl = crawl_process(sqlite_url, server.url("/"), extra=("--parse-workers", "2"))
        try:
            deadline = time.monotonic() + 60
            while stored(sqlite_url) < 30 and time.monotonic() < deadline and crawl.poll() is None:
                time.sleep(0.02)
            victims = parse_workers_of(crawl.pid)
            assert victims and crawl.poll() is None
            for pid in victims:
                os.kill(pid, signal.SIGKILL)
            out, err = crawl.communicate(timeout=120)
        finally:
            if crawl.poll() is None:
                os.killpg(crawl.pid, signal.SIGKILL)
        assert crawl.returncode == 0, err
    assert json.loads(out)["outcomes"].get("error", 0) == 0
    rows = captures(sqlite_url, "requested_url LIKE '%/news/%'")
    assert sorted(str(r[0]) for r in rows) == sorted(server.article_urls())  # each once


@pytest.mark.skipif(not Path("/proc/self/task").exists(), reason="needs Linux /proc")
@pytest.mark.parametrize("refresh", [False, True], ids=["first-crawl", "recrawl"])
def test_ctrl_c_stops_the_crawl_and_its_workers_cleanly(sqlite_url: str, refresh: bool) -> None:
    """Ctrl-C reaches the whole process group: the crawl exits 130 with one line, its
    workers exit with it, and none prints a traceback (nor hangs on an unread answer)."""
    with serve_faults(articles=ARTICLES, crawl_delay=0.0) as server:
        if refresh:
            done = crawl_process(sqlite_url, server.url("/"))
            assert done.wait(timeout=120) == 0
            server.reset()
        # --delay keeps it running past the interrupt (a recrawl of 304s is quick)
        extra = ("--parse-workers", "1", "--fetch-workers", "1", "--delay", "0.03")
        extra += ("--refresh",) if refresh else ()
        crawl = crawl_process(sqlite_url, server.url("/"), extra=extra)
        try:
            deadline = time.monotonic() + 60
            while not server.requests and time.monotonic() < deadline:
                time.sleep(0.02)
            time.sleep(0.5)  # mid-crawl: pages in flight, workers busy
            workers = Path(f"/proc/{crawl.pid}/task/{crawl.pid}/children").read_text().split()
            os.killpg(crawl.pid, signal.SIGINT)
            _out, err = crawl.communicate(timeout=60)
        finally:
            if crawl.poll() is None:
                os.killpg(crawl.pid, signal.SIGKILL)
    assert crawl.returncode == 130, err
    assert "Aborted" in err and "Traceback" not in err
    assert not [pid for pid in workers if Path(f"/proc/{pid}").exists()]
