"""Per-host politeness inside one crawl: at most N requests at once, spaced by a delay.

1. ``slot(host)`` waits for one of the host's ``per_host`` slots;
2. then for the host's next start time, so request starts are at least ``delay``
   apart (the larger of ``--delay`` and the host's robots.txt ``Crawl-delay``);
3. a ``Retry-After`` (429/503) pauses the whole host until the time it names.

The crawler claims only a bounded batch of URLs at a time, so the waiting tasks
here are bounded too.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

# Longest a host may ask us to wait (Retry-After, Crawl-delay) before we move on: a
# longer wait is honoured by requeueing the URL for later instead of holding a task.
MAX_WAIT_S = 120.0


class HostGate:
    """Concurrency, spacing and pauses per host."""

    def __init__(self, per_host: int, delay_s: float) -> None:
        self.per_host = per_host
        self.delay_s = delay_s
        self._slots: dict[str, asyncio.Semaphore] = {}
        self._next_start: dict[str, float] = {}
        self._delay: dict[str, float] = {}
        self._base_delay: dict[str, float] = {}
        self._paused_until: dict[str, float] = {}

    def configure(self, host: str, per_host: int | None, delay_s: float | None) -> None:
        """A source's own rate limits for ``host`` (before its first request)."""
        if per_host is not None and host not in self._slots:
            self._slots[host] = asyncio.Semaphore(per_host)
        if delay_s is not None:
            self._base_delay[host] = delay_s

    def set_crawl_delay(self, host: str, seconds: float | None) -> None:
        base = self._base_delay.get(host, self.delay_s)
        wanted = max(base, seconds or 0.0)
        self._delay[host] = min(wanted, MAX_WAIT_S)

    def pause(self, host: str, seconds: float) -> None:
        """Honour a Retry-After: no request to ``host`` starts for ``seconds``."""
        until = time.monotonic() + min(max(seconds, 0.0), MAX_WAIT_S)
        self._paused_until[host] = max(self._paused_until.get(host, 0.0), until)

    def wait_for(self, host: str) -> float:
        """Seconds until ``host`` may be asked again (0 when it may now)."""
        now = time.monotonic()
        return max(0.0, self._paused_until.get(host, 0.0) - now)

    @asynccontextmanager
    async def slot(self, host: str) -> AsyncIterator[None]:
        semaphore = self._slots.setdefault(host, asyncio.Semaphore(self.per_host))
        async with semaphore:
            await self._await_turn(host)
            yield

    async def _await_turn(self, host: str) -> None:
        while True:
            now = time.monotonic()
            start = max(self._next_start.get(host, 0.0), self._paused_until.get(host, 0.0))
            if start <= now:
                self._next_start[host] = now + self._delay.get(host, self.delay_s)
                return
            await asyncio.sleep(start - now)
