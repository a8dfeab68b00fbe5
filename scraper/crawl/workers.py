"""The crawler's processes: its event loop, and parse workers that import the parser only.

``parse_pool`` starts them with the ``spawn`` method (a forked child would share the
parent's database connections and event loop). A spawned child first re-runs the
parent's ``__main__`` so that objects defined there can be unpickled, and for the
``scraper`` console script that is a wrapper whose one import is the whole CLI: the
HTTP client, the archive and SQLAlchemy, about 55 MB a worker that it never uses.
Marked as the package's ``scraper.__main__`` (what ``python -m scraper`` runs), the
wrapper is skipped by the children, which then import only what ``work`` needs.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import os
import sys
from collections.abc import Callable, Coroutine
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from functools import partial
from importlib.machinery import ModuleSpec
from pathlib import Path
from typing import Any, TypeVar

T = TypeVar("T")

CONSOLE_SCRIPTS = ("scraper", "scraper.exe", "scraper-script.py")
# The crawler's own process fetches, links and writes: about one core at full speed
# (bench/crawl_bench.py). The other cores parse; one at least.
DEFAULT_PARSE_WORKERS = max(1, (os.cpu_count() or 2) - 1)


def run_loop(main: Coroutine[Any, Any, T]) -> T:
    """``asyncio.run(main)`` on uvloop where it is installed (not on Windows): the
    crawl's process spends much of its time in the event loop (httpx, asyncio), and
    uvloop's loop made a recrawl of 304s 11% faster (bench/README.md)."""
    try:
        import uvloop
    except ImportError:  # pragma: no cover - Windows
        return asyncio.run(main)
    return uvloop.run(main)


class WorkerDied(Exception):
    """A parse worker died twice running the same call (the OS killed it: memory?)."""


class ParsePool:
    """Parse workers, started on first use and started again when one dies.

    A worker killed by the OS (out of memory, a crash in C code) breaks the whole
    ``ProcessPoolExecutor``: every call in flight fails with ``BrokenProcessPool``. The
    first caller to see it replaces the pool, and each failed call runs once more on
    the new one. A call that fails there too raises ``WorkerDied``, and the crawl
    records that page as failed (it is retried later) instead of stopping.
    """

    def __init__(self, workers: int) -> None:
        self.workers = workers
        self.restarts = 0
        self._pool: ProcessPoolExecutor | None = None

    async def run(self, fn: Callable[..., T], *args: Any) -> T:
        loop = asyncio.get_running_loop()
        for attempt in (1, 2):
            if self._pool is None:  # started on the first page to parse: a recrawl
                self._pool = parse_pool(self.workers)  # of 304s never starts one
            pool = self._pool
            try:
                return await loop.run_in_executor(pool, partial(fn, *args))
            except BrokenProcessPool as err:
                if self._pool is pool:
                    pool.shutdown(wait=False, cancel_futures=True)
                    self._pool = None
                    self.restarts += 1
                if attempt == 2:
                    raise WorkerDied("parse worker died twice on this page") from err
        raise AssertionError("unreachable")  # pragma: no cover

    def shutdown(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(cancel_futures=True)
            self._pool = None


def parse_pool(workers: int) -> ProcessPoolExecutor:
    """``workers`` spawned processes for ``scraper.crawl.parsing.work``."""
    lean_main()
    return ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn"))


def lean_main() -> bool:
    """Mark the console script's ``__main__`` so that spawned children skip re-running
    it; True when it was the console script (another program's main is left alone)."""
    main = sys.modules.get("__main__")
    path = getattr(main, "__file__", None)
    if main is None or getattr(main, "__spec__", None) is not None or not path:
        return False
    if Path(path).name not in CONSOLE_SCRIPTS:
        return False
    main.__spec__ = ModuleSpec("scraper.__main__", None)
    return True
