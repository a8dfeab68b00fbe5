"""Revisits fetched in worker processes, so the crawler's event loop does not carry HTTP alone.

On a recrawl, where nearly every answer is a 304, HTTP is most of the crawler's own
work: httpx, httpcore and h11 take about 0.9 ms of CPU a request, in the process whose
GIL the archive thread shares, while the other core sits idle (``bench/crawl_bench.py``).
``ProcessFetcher`` has ``AsyncFetcher``'s interface (``fetch``, ``options``, ``aclose``)
and hands conditional requests to its workers: processes running an event loop with
their own ``AsyncFetcher`` and connection pool, each joined to this process by a
socket pair.

0. A request without validators (a first visit) is fetched here, in-process: its
   body, 60-120 KB on a news site, goes to a parse worker next, and shipping it
   through a fetch worker first made a first crawl 15% slower. Workers start with the
   first conditional request, so a first crawl runs none.
1. ``fetch`` sends (id, URL, validators) to the worker with the fewest requests in
   flight and waits for the answer.
2. The worker fetches as ``AsyncFetcher`` does (retries, timeouts, size cap, redirects)
   and sends back the ``FetchedPage``, or the reason of its ``FetchError``.
3. A worker that dies fails its requests in flight with a ``FetchError`` (the crawl
   records them and fetches them again later), and a new one is started. Until a
   worker is ready (at the start, after a death) revisits are fetched in-process.
   A worker that stops answering past ``answer_deadline`` fails the request and is
   killed, and so replaced.

Politeness stays with the crawler: it takes the host's slot before calling ``fetch``
and gives it back after, so ``--per-host``, ``--delay`` and Crawl-delay hold across the
workers. Workers are subprocesses (``scraper.crawl.procs``) that import only the HTTP
client.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import socket
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from scraper.crawl.procs import Worker, WorkerDidNotStart, frame, read_frame, spawn
from scraper.crawl.workers import run_loop
from scraper.errors import FetchError
from scraper.fetch import AsyncFetcher, Conditional, FetchOptions, async_fetcher
from scraper.fetch.async_client import MAX_BACKOFF_S
from scraper.models import FetchedPage

# Like parse workers, one per core beyond the crawler's own. On the 2-core bench machine
# a recrawl of 304s ran at 650 pages/s with one worker and 730-830 with two, against
# 480 in-process (bench/crawl_bench.py); but each worker holds ~45 MB, and the second
# took the recrawl's peak memory past Scrapy's. Past a few workers the crawler's own
# process (claims, the archive) is the limit, hence the cap.
DEFAULT_FETCH_WORKERS = min(3, max(1, (os.cpu_count() or 2) - 1))
MAX_START_FAILURES = 3  # then revisits are fetched in-process for the rest of the run
# Beyond a fetch's own limits (attempts x total timeout, plus backoff): a worker that
# has not answered by then is taken for hung.
ANSWER_SLACK_S = 30.0


@dataclass(frozen=True)
class WorkerSpec:
    """What a fetch worker needs to build its ``AsyncFetcher`` (picklable)."""

    options: FetchOptions
    replay: Path | None
    max_connections: int


@dataclass
class ProcessFetcher:
    """``AsyncFetcher``'s interface over ``workers`` fetch processes."""

    options: FetchOptions
    replay: Path | None = None
    workers: int = 1
    max_connections: int = 100
    restarts: int = 0
    start_failures: int = 0
    answer_slack_s: float = ANSWER_SLACK_S
    _pool: list[Worker | None] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._local = async_fetcher(
            self.options, self.replay, max_connections=self.max_connections
        )
        self._pool = [None] * max(1, self.workers)
        self._spec = WorkerSpec(self.options, self.replay, self.max_connections)
        self._starting: dict[int, asyncio.Task[None]] = {}

    @property
    def answer_deadline(self) -> float:
        """What a fetch may take at most in a worker (every attempt to its total
        deadline, with the longest backoffs), plus ``answer_slack_s``."""
        attempts = self.options.attempts
        worst = attempts * self.options.timeout_s * 3 + (attempts - 1) * MAX_BACKOFF_S
        return worst + self.answer_slack_s

    async def fetch(self, url: str, conditional: Conditional | None = None) -> FetchedPage:
        """Fetch ``url`` (in a worker when revalidating); raises ``FetchError`` as
        ``AsyncFetcher`` does."""
        worker = None
        if conditional is not None and (conditional.etag or conditional.last_modified):
            worker = self._ready_worker()
        if worker is None:
            return await self._local.fetch(url, conditional)
        try:
            async with asyncio.timeout(self.answer_deadline):
                kind, value = await worker.call((url, conditional))
        except TimeoutError as err:
            worker.kill()  # hung: its other requests fail now, and it is replaced
            raise FetchError(url, "the fetch worker gave no answer (it is started again)") from err
        if kind == "page":
            page: FetchedPage = value
            return page
        if kind == "error":
            raise FetchError(url, str(value))
        if kind == "died":
            raise FetchError(url, "the fetch worker died (it is started again)")
        raise RuntimeError(f"fetch worker failed on {url}: {value}")

    def _ready_worker(self) -> Worker | None:
        """The ready worker with the fewest requests in flight, or None while none is.

        A worker that is missing or dead is started in the background meanwhile. The
        request does not wait for it: it is fetched here, now, when the crawler's host
        gate let it go; requests held back until a worker is ready would reach the
        host together, not spaced by its delay.
        """
        ready = []
        for slot, worker in enumerate(self._pool):
            if worker is not None and worker.running:
                ready.append(worker)
            elif slot not in self._starting and self.start_failures < MAX_START_FAILURES:
                task = asyncio.create_task(self._start(slot, worker))
                self._starting[slot] = task
        return min(ready, key=lambda w: len(w.pending)) if ready else None

    async def _start(self, slot: int, replacing: Worker | None) -> None:
        try:
            if replacing is not None:
                self.restarts += 1
                self._pool[slot] = None
                await replacing.stop()
            self._pool[slot] = await spawn("fetch", self._spec)
        except WorkerDidNotStart:
            self.start_failures += 1  # after MAX_START_FAILURES, all is fetched here
        finally:
            self._starting.pop(slot, None)

    async def aclose(self) -> None:
        for task in list(self._starting.values()):
            task.cancel()
        await asyncio.gather(*self._starting.values(), return_exceptions=True)
        workers = [w for w in self._pool if w is not None]
        self._pool = [None] * len(self._pool)
        await asyncio.gather(self._local.aclose(), *(w.stop() for w in workers))


# --- the worker's side -------------------------------------------------------------


def serve(sock: socket.socket, spec: WorkerSpec) -> None:
    """A fetch worker's main: answer requests on ``sock`` until it closes."""
    run_loop(_serve(sock, spec))


async def _serve(sock: socket.socket, spec: WorkerSpec) -> None:
    fetcher = async_fetcher(spec.options, spec.replay, max_connections=spec.max_connections)
    reader, writer = await asyncio.open_connection(sock=sock)
    writer.write(frame("ready"))
    tasks: set[asyncio.Task[None]] = set()
    try:
        while True:
            try:
                job, (url, conditional) = await read_frame(reader)
            except (asyncio.IncompleteReadError, ConnectionError):
                return  # the crawler closed its end (or died): stop
            task = asyncio.create_task(_answer(fetcher, writer, job, url, conditional))
            tasks.add(task)
            task.add_done_callback(tasks.discard)
    finally:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        await fetcher.aclose()
        writer.close()


async def _answer(
    fetcher: AsyncFetcher,
    writer: asyncio.StreamWriter,
    job: int,
    url: str,
    conditional: Conditional | None,
) -> None:
    answer: tuple[str, Any]
    try:
        answer = ("page", await fetcher.fetch(url, conditional))
    except FetchError as err:
        answer = ("error", err.reason)
    except Exception as err:  # a bug: the crawler raises it, as it would in-process
        answer = ("bug", f"{type(err).__name__}: {err}")
    writer.write(frame((job, answer)))
    with contextlib.suppress(ConnectionError):
        await writer.drain()
