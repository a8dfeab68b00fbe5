"""Group commit: writes that arrive while the archive is busy go in together.

A recrawl's typical page is a 304: a capture row and a frontier update, a few
hundred microseconds of SQL, but a whole transaction (and, on SQLite, the write lock)
each. ``GroupWriter`` hands the first write to the archive at once; the writes that
arrive while it runs wait and then go together, in one call of ``write_many``. Under
light load every write goes alone, without delay; under heavy load batches grow
to what arrived during one write, so no timer or batch size needs tuning.

Each item's capture and frontier update are still written in one transaction, so a
kill loses whole batches (their URLs stay leased and are fetched again) and never
half of one.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from typing import Generic, TypeVar

T = TypeVar("T")
R = TypeVar("R")


class GroupWriter(Generic[T, R]):
    """Feeds ``write_many`` the items that queued up while its last call ran."""

    def __init__(self, write_many: Callable[[list[T]], Awaitable[Sequence[R]]]) -> None:
        self._write_many = write_many
        self._queue: list[tuple[T, asyncio.Future[R]]] = []
        self._runner: asyncio.Task[None] | None = None
        self.batches = 0  # calls of write_many, for tests and the curious

    async def write(self, item: T) -> R:
        """Write ``item`` with whatever else is waiting; its result, or its error."""
        future: asyncio.Future[R] = asyncio.get_running_loop().create_future()
        self._queue.append((item, future))
        if self._runner is None or self._runner.done():
            self._runner = asyncio.create_task(self._drain())
        return await future

    async def _drain(self) -> None:
        while self._queue:
            batch, self._queue = self._queue, []
            self.batches += 1
            try:
                results = await self._write_many([item for item, _ in batch])
            except BaseException as err:  # every waiter gets the failure, then it goes on
                for _, future in batch:
                    if not future.done():
                        future.set_exception(err)
                if isinstance(err, asyncio.CancelledError):
                    raise
                continue
            for (_, future), result in zip(batch, results, strict=True):
                if not future.done():
                    future.set_result(result)
