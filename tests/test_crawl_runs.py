"""Crawl runs: recorded in the crawl_runs view, and never two of one source at once."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

from storage import RunCounts, open_archive
from tests.faultserver import serve_faults
from tests.test_cli import ROOT
from tests.test_crawl import crawl


def test_a_run_is_recorded_with_its_counts(db_url: str) -> None:
    with serve_faults(articles=12, crawl_delay=0.0) as server:
        stats = crawl(db_url, server.url("/"))
    with open_archive(db_url) as archive:
        [row] = archive.query(
            "SELECT source, status, pages_fetched, new_articles, new_versions, errors,"
            " finished_at IS NOT NULL FROM crawl_runs"
        ).rows
    assert row == ("command-line", "done", stats.fetched, 12, 0, 0, True)


def test_a_live_run_locks_its_source_and_a_dead_one_does_not(db_url: str) -> None:
    with open_archive(db_url) as archive:
        first = archive.start_run("news", "elsewhere:1:a")
        assert first is not None
        assert archive.start_run("news", "elsewhere:2:b") is None  # the slow run still holds it
        assert archive.start_run("other", "elsewhere:2:b") is not None  # other sources are free
        taken = archive.start_run("news", "here:3:c", lambda owner: owner == "elsewhere:1:a")
        assert taken is not None  # its owner is known dead: the lock is taken over
        archive.finish_run(taken, "done", RunCounts(5, 2, 1, 0))
        rows = archive.query("SELECT source, status FROM crawl_runs ORDER BY id").rows
    assert rows == (("news", "died"), ("other", "running"), ("news", "done"))


def test_cron_overlap_the_second_run_skips_the_source(db_url: str) -> None:
    with serve_faults(articles=40, crawl_delay=0.05) as server:
        args = [
            sys.executable,
            "-m",
            "scraper",
            "crawl",
            server.url("/"),
            "--db",
            db_url,
            "--until-idle",
            "--json",
            "--parse-workers",
            "0",
        ]
        env = {**os.environ, "PYTHONPATH": str(ROOT)}
        slow = subprocess.Popen(
            args,
            cwd=ROOT,
            env=env,
            text=True,
            start_new_session=True,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        try:
            deadline = time.monotonic() + 30
            while time.monotonic() < deadline:
                with open_archive(db_url) as archive:
                    if archive.query("SELECT count(*) FROM crawl_runs").rows[0][0]:
                        break
                time.sleep(0.05)
            second = subprocess.run(
                args, cwd=ROOT, env=env, text=True, capture_output=True, timeout=60
            )
            assert second.returncode == 0, second.stderr
            assert '"sources_already_running": ["command-line"]' in second.stdout
            assert '"pages": 0' in second.stdout
            _, err = slow.communicate(timeout=120)
            assert slow.returncode == 0, err
        finally:
            if slow.poll() is None:
                os.killpg(slow.pid, signal.SIGKILL)
                slow.wait(timeout=10)


def test_stats_summarise_runs_hosts_and_errors(db_url: str) -> None:
    import json

    from tests.test_archive_scenarios import scraper

    with serve_faults(articles=5, crawl_delay=0.0) as server:
        crawl(db_url, server.url("/"), server.url("/fault/500/x"))
        host = server.base.removeprefix("http://")
    done = scraper("stats", "--db", db_url, "--format", "json", "--since", "1h")
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    assert data["runs"][0]["status"] == "done"
    [row] = data["hosts"]
    assert row["host"] == host and row["new"] == 5 and row["error"] == 1
    assert data["errors"] == [{"host": host, "error": "HTTP 500", "count": 1}]


def test_json_logs_are_one_object_per_line(tmp_path: object) -> None:
    import json

    from tests.test_archive_scenarios import scraper

    with serve_faults(articles=30, crawl_delay=0.05) as server:
        done = scraper(
            "--log-format",
            "json",
            "crawl",
            server.url("/"),
            "--until-idle",
            "--parse-workers",
            "0",
            "--db",
            f"sqlite:///{tmp_path}/a.db",
        )
    assert done.returncode == 0, done.stderr
    records = [json.loads(line) for line in done.stderr.splitlines() if line.strip()]
    assert records[-1]["event"] == "crawl.summary" and records[-1]["pages"] > 30
    assert all(r["event"] in ("crawl.progress", "crawl.summary") for r in records)
    bad = scraper(
        "--log-format", "json", "sql", "SELECT 1", "--db", "postgresql://user:s3cret@127.0.0.1:1/x"
    )
    [error] = [json.loads(line) for line in bad.stderr.splitlines()]
    assert error["level"] == "error" and "s3cret" not in bad.stderr
