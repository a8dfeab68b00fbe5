"""``scraper schedule run``: crawls on schedule, stops cleanly on SIGTERM."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

from scraper.crawl.scheduler import next_fire
from storage import open_archive
from tests.faultserver import serve_faults
from tests.test_cli import ROOT


def runs(db: str) -> list[tuple[object, ...]]:
    with open_archive(db) as archive:
        return [tuple(r) for r in archive.query("SELECT source, status FROM crawl_runs").rows]


def wait_for(check: object, seconds: float = 60) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():  # type: ignore[operator]
            return True
        time.sleep(0.1)
    return False


def test_next_fire_is_absolute_so_waiting_never_drifts() -> None:
    at = datetime(2026, 12, 3, 9, 42, 17, tzinfo=UTC)
    assert next_fire("*/10 * * * *", at) == datetime(2026, 12, 3, 9, 50, tzinfo=UTC)
    assert next_fire("*/10 * * * *", datetime(2026, 12, 3, 9, 50, tzinfo=UTC)) == datetime(
        2026, 12, 3, 10, 0, tzinfo=UTC
    )


def test_schedule_run_crawls_then_stops_on_sigterm(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'archive.db'}"
    with serve_faults(articles=30, crawl_delay=0.3) as server:
        config = tmp_path / "sources.toml"
        config.write_text(
            f'[[source]]\nname = "local"\nstart = ["{server.url("/")}"]\nschedule = "0 0 1 1 *"\n',
            encoding="utf-8",
        )
        proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "scraper",
                "schedule",
                "run",
                str(config),
                "--db",
                db,
                "--run-now",
            ],
            cwd=ROOT,
            env={**os.environ, "PYTHONPATH": str(ROOT)},
            text=True,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            start_new_session=True,
        )
        try:
            assert wait_for(lambda: Path(tmp_path / "archive.db").exists() and runs(db))
            time.sleep(1.0)  # the crawl is under way (0.3 s between requests)
            proc.send_signal(signal.SIGTERM)
            out, err = proc.communicate(timeout=90)
        finally:
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(timeout=10)
    assert proc.returncode == 0, err
    assert "crawl.start source=local" in out and "crawl.end source=local exit=130" in out
    assert runs(db) == [("local", "interrupted")]
