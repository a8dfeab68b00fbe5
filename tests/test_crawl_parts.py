"""The crawler's speed parts: group commit, lean parse workers, the SQLite writer lock,
and batched stores that fall back to one by one."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import threading
from datetime import UTC, datetime
from pathlib import Path

import pytest

from scraper.crawl.batch import GroupWriter
from scraper.crawl.runner import COUNT_SHARE, TICK_S, count_interval
from scraper.crawl.workers import ParsePool, WorkerDied
from storage import ArchiveWriteError, CaptureRecord, open_archive

ROOT = Path(__file__).resolve().parent.parent
HEAVY = ("sqlalchemy", "httpx", "click")


def capture(url: str, *, error: str | None = "skipped for the test") -> CaptureRecord:
    return CaptureRecord(url, url, 200, datetime.now(UTC), error=error, skipped=True)


def test_group_writer_batches_what_arrives_during_a_write() -> None:
    async def scenario() -> tuple[list[list[int]], list[int]]:
        calls: list[list[int]] = []
        release = asyncio.Event()

        async def write_many(items: list[int]) -> list[int]:
            calls.append(items)
            if len(calls) == 1:
                await release.wait()  # the first write is slow; others queue meanwhile
            return [i * 10 for i in items]

        writer: GroupWriter[int, int] = GroupWriter(write_many)
        tasks = [asyncio.create_task(writer.write(0))]
        while not calls:  # the first write is under way
            await asyncio.sleep(0)
        tasks += [asyncio.create_task(writer.write(i)) for i in range(1, 5)]
        await asyncio.sleep(0)
        release.set()
        results = await asyncio.gather(*tasks)
        return calls, results

    calls, results = asyncio.run(scenario())
    assert calls == [[0], [1, 2, 3, 4]]
    assert results == [0, 10, 20, 30, 40]


def test_group_writer_fails_one_batch_and_goes_on() -> None:
    async def scenario() -> tuple[list[object], int]:
        async def write_many(items: list[int]) -> list[int]:
            if 13 in items:
                raise ValueError("bad batch")
            return items

        writer: GroupWriter[int, int] = GroupWriter(write_many)
        first = await asyncio.gather(writer.write(13), return_exceptions=True)
        later = await writer.write(7)
        return [*first], later

    first, later = asyncio.run(scenario())
    assert isinstance(first[0], ValueError) and later == 7


def test_store_many_falls_back_to_one_by_one(sqlite_url: str) -> None:
    archive = open_archive(sqlite_url)
    bad = CaptureRecord(None, None, 200, datetime.now(UTC), error="x", skipped=True)  # type: ignore[arg-type]
    items = [(capture("https://a.example/1"), None, None), (bad, None, None)]
    items.append((capture("https://a.example/2"), None, None))
    with pytest.raises(ArchiveWriteError):
        archive.store_many(items)
    rows = archive.query("SELECT requested_url FROM capture ORDER BY id").rows
    archive.close()
    assert [r[0] for r in rows] == ["https://a.example/1", "https://a.example/2"]


def test_sqlite_writers_take_turns_on_the_lock_file(sqlite_url: str) -> None:
    first, second = open_archive(sqlite_url), open_archive(sqlite_url)
    assert first.sqlite_path is not None
    order: list[str] = []
    with first._writer.hold():
        worker = threading.Thread(
            target=lambda: (second.store(capture("https://a.example/w")), order.append("second"))
        )
        worker.start()
        worker.join(timeout=0.5)
        assert worker.is_alive()  # waiting for the holder, not failing
        order.append("first")
    worker.join(timeout=10)
    assert order == ["first", "second"]
    assert Path(first.sqlite_path + "-writer.lock").exists()
    first.close()
    second.close()


@pytest.mark.parametrize("module", ["scraper.crawl.parsing", "storage.urls", "scraper.pipeline"])
def test_worker_side_modules_import_no_engine_and_no_http(module: str) -> None:
    code = f"import sys, {module}; print(sorted(m for m in {HEAVY!r} if m in sys.modules))"
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT
    )
    assert out.stdout.strip() == "[]"


def test_the_crawl_loop_is_uvloop_where_installed() -> None:
    from scraper.crawl.workers import run_loop

    async def loop_module() -> str:
        return type(asyncio.get_running_loop()).__module__

    expected = "asyncio" if sys.platform == "win32" else "uvloop"
    assert run_loop(loop_module()).split(".")[0] == expected


def die_in_worker(code: int) -> int:
    os._exit(code)  # what the OOM killer does to a worker, as seen by its pool


def test_parse_pool_restarts_and_gives_up_on_a_call_that_kills_twice() -> None:
    async def scenario() -> tuple[int, int]:
        pool = ParsePool(1)
        try:
            with pytest.raises(WorkerDied):
                await pool.run(die_in_worker, 3)
            after = await pool.run(abs, -5)  # a fresh pool serves the next call
            return pool.restarts, after
        finally:
            await pool.aclose()

    assert asyncio.run(scenario()) == (2, 5)


def test_the_progress_line_counts_a_large_frontier_less_often() -> None:
    assert count_interval(0.001) == TICK_S  # a small frontier: every tick
    assert count_interval(0.2) == pytest.approx(0.2 / COUNT_SHARE)  # a large one: rarely
    assert count_interval(0.2) > count_interval(0.05) > TICK_S
