"""The crawler's processes: its event loop, and parse workers that import the parser only.

Parse workers are subprocesses (``scraper.crawl.procs``), one socket pair each; the
crawler sends them ``(fn, args)`` (``scraper.crawl.parsing.work`` and its page) and gets
back what ``fn`` returned, or the exception it raised. A worker runs its calls one at a
time, in order; the pool sends each call to the worker with the fewest in flight.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Callable, Coroutine
from typing import Any, TypeVar

from scraper.crawl.procs import Worker, WorkerDidNotStart, spawn

T = TypeVar("T")

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

    A worker killed by the OS (out of memory, a crash in C code) fails the calls it
    held. Each runs once more, on a worker started in its place; a call that fails
    there too raises ``WorkerDied``, and the crawl records that page as failed (it is
    retried later) instead of stopping.
    """

    def __init__(self, workers: int) -> None:
        self.workers = max(1, workers)
        self.restarts = 0
        self._pool: list[Worker | None] = [None] * self.workers
        self._starting: dict[int, asyncio.Task[Worker]] = {}

    async def run(self, fn: Callable[..., T], *args: Any) -> T:
        for attempt in (1, 2):
            worker = await self._worker()
            kind, value = await worker.call((fn, args))
            if kind == "ok":
                result: T = value
                return result
            if kind == "raise":
                raise value
            if attempt == 2:
                raise WorkerDied("parse worker died twice on this page")
        raise AssertionError("unreachable")  # pragma: no cover

    async def _worker(self) -> Worker:
        """The live worker with the fewest calls in flight; dead ones are replaced
        first (started on the first page to parse: a recrawl of 304s starts none)."""
        for slot, worker in enumerate(self._pool):
            if worker is None or not worker.running:
                self._pool[slot] = await self._start(slot, worker)
        live = [w for w in self._pool if w is not None]
        return min(live, key=lambda w: len(w.pending))

    async def _start(self, slot: int, dead: Worker | None) -> Worker:
        task = self._starting.get(slot)
        if task is None:  # one start per slot, however many calls wait for it
            task = asyncio.create_task(self._replace(dead))
            self._starting[slot] = task
            task.add_done_callback(lambda _: self._starting.pop(slot, None))
        try:
            return await asyncio.shield(task)
        except WorkerDidNotStart as err:
            raise WorkerDied(str(err)) from err

    async def _replace(self, dead: Worker | None) -> Worker:
        if dead is not None:
            self.restarts += 1
            await dead.stop()
        return await spawn("parse", None)

    async def aclose(self) -> None:
        for task in list(self._starting.values()):
            task.cancel()
        await asyncio.gather(*self._starting.values(), return_exceptions=True)
        workers = [w for w in self._pool if w is not None]
        self._pool = [None] * self.workers
        await asyncio.gather(*(w.stop() for w in workers))
