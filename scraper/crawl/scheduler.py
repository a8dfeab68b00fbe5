"""``scraper schedule run``: a foreground scheduler for hosts without cron.

1. Each source with a ``schedule`` (a cron expression) gets its next fire time from
   cronsim, as an absolute time: waiting never accumulates drift.
2. When a source is due, ``scraper crawl --config FILE --source NAME --until-idle``
   runs as a child process (a fresh process per run: nothing leaks from run to run).
   Runs happen one at a time; ticks missed while another run went on are skipped,
   not piled up.
3. SIGTERM or SIGINT stops the wait at once, or asks the running crawl to stop (it
   records its run as interrupted; the frontier keeps the work), then exits 0.
"""

from __future__ import annotations

import subprocess
import sys
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from cronsim import CronSim

from scraper.crawl.config import load_sources
from scraper.errors import InputError

CHILD_STOP_S = 60.0  # a crawl asked to stop gets this long before it is killed
POLL_S = 0.5


@dataclass
class Job:
    source: str
    cron: str
    next_at: datetime


def next_fire(cron: str, after: datetime) -> datetime:
    fire: datetime = next(iter(CronSim(cron, after)))
    return fire


class Scheduler:
    """Runs each scheduled source's crawl at its times until stopped."""

    def __init__(
        self,
        config: Path,
        db: str,
        *,
        run_now: bool = False,
        log: Callable[..., None] | None = None,
    ) -> None:
        self.config = config
        self.db = db
        self.log: Callable[..., None] = log or (lambda event, **fields: print(event, fields))
        self.stop = threading.Event()
        now = datetime.now(UTC)
        self.jobs = [
            Job(s.name, s.schedule, now if run_now else next_fire(s.schedule, now))
            for s in load_sources(config)
            if s.schedule
        ]
        if not self.jobs:
            raise InputError(f'{config}: no source has a schedule (schedule = "*/10 * * * *")')

    def run(self, max_runs: int | None = None) -> int:
        runs = 0
        while not self.stop.is_set() and (max_runs is None or runs < max_runs):
            job = min(self.jobs, key=lambda j: j.next_at)
            wait = (job.next_at - datetime.now(UTC)).total_seconds()
            if wait > 0:
                self.stop.wait(min(wait, 60.0))
                continue
            self._crawl(job.source)
            runs += 1
            job.next_at = next_fire(job.cron, max(datetime.now(UTC), job.next_at))
        return runs

    def _crawl(self, source: str) -> None:
        args = [
            sys.executable,
            "-m",
            "scraper",
            "crawl",
            "--config",
            str(self.config),
            "--source",
            source,
            "--until-idle",
            "--db",
            self.db,
            "--json",
        ]
        self.log("crawl.start", source=source)
        child = subprocess.Popen(args, stdout=subprocess.PIPE, text=True)
        while child.poll() is None:
            if self.stop.wait(POLL_S):
                child.terminate()
                try:
                    child.wait(timeout=CHILD_STOP_S)
                except subprocess.TimeoutExpired:
                    child.kill()
                    child.wait()
        summary = (child.stdout.read() if child.stdout else "").strip()
        self.log("crawl.end", source=source, exit=child.returncode, summary=summary)
