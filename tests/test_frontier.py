"""The crawl frontier in the archive: enqueue, leases, completion with the capture."""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime, timedelta

from storage import CaptureRecord, CrawlUpdate, FrontierURL, open_archive

HOST = "news.example"
LEASE = timedelta(seconds=60)


def urls(n: int, **kw: object) -> list[FrontierURL]:
    return [FrontierURL(f"https://{HOST}/a/{i}", HOST, priority=i, **kw) for i in range(n)]  # type: ignore[arg-type]


def done_after(outcome: str) -> datetime | None:
    return None


def test_claims_are_leased_best_first_and_never_twice(db_url: str) -> None:
    with open_archive(db_url) as archive:
        archive.enqueue(urls(5))
        archive.enqueue(urls(5))  # rediscovery changes nothing
        first = archive.claim("w1", 2, LEASE)
        second = archive.claim("w2", 10, LEASE)
        assert [c.url for c in first] == [f"https://{HOST}/a/4", f"https://{HOST}/a/3"]
        assert len(second) == 3 and not {c.url for c in first} & {c.url for c in second}
        assert archive.claim("w3", 10, LEASE) == []
        assert archive.frontier_stats()["leased"] == 5


def test_an_expired_lease_is_claimable_again(db_url: str) -> None:
    with open_archive(db_url) as archive:
        archive.enqueue(urls(1))
        assert len(archive.claim("dead", 1, timedelta(seconds=-1))) == 1
        [again] = archive.claim("alive", 1, LEASE)
        assert again.url == f"https://{HOST}/a/0"


def test_completion_is_stored_with_the_capture_and_queues_links(db_url: str) -> None:
    url = f"https://{HOST}/a/0"
    with open_archive(db_url) as archive:
        archive.enqueue(urls(1))
        [claim] = archive.claim("w", 1, LEASE)
        capture = CaptureRecord(
            url, url, 200, datetime.now(UTC), 3, {}, b"x", skipped=True, error="not an article"
        )
        update = CrawlUpdate(url, "w", done_after, links=tuple(urls(3, depth=1)[1:]), etag='"abc"')
        archive.store(capture, crawl=update)
        rows = archive.query("SELECT url, state, etag, depth FROM frontier ORDER BY url").rows
    assert rows == (
        (url, "done", '"abc"', 0),
        (f"https://{HOST}/a/1", "queued", None, 1),
        (f"https://{HOST}/a/2", "queued", None, 1),
    )
    assert claim.attempts == 0


def test_failures_back_off_then_give_up(db_url: str) -> None:
    url = f"https://{HOST}/a/0"
    with open_archive(db_url) as archive:
        archive.enqueue(urls(1))
        for attempt in (1, 2):
            archive.claim("w", 1, LEASE)
            capture = CaptureRecord(url, None, None, datetime.now(UTC), error="connection reset")
            archive.store(
                capture, crawl=CrawlUpdate(url, "w", done_after, failed=True, max_attempts=2)
            )
            state = archive.query("SELECT state, attempts, last_error FROM frontier").rows
            expected = "queued" if attempt == 1 else "failed"
            assert state == ((expected, attempt, "connection reset"),)
        assert archive.claim("w", 1, LEASE) == []


def test_concurrent_claimers_never_share_a_url(db_url: str) -> None:
    with open_archive(db_url) as archive:
        archive.enqueue(urls(200))
    got: list[list[str]] = []
    barrier = threading.Barrier(4)

    def worker(name: str) -> None:
        mine: list[str] = []
        with open_archive(db_url) as archive:
            barrier.wait(timeout=10)
            deadline = time.monotonic() + 20
            while time.monotonic() < deadline:
                batch = archive.claim(name, 7, LEASE)
                if not batch:
                    break
                mine.extend(c.url for c in batch)
        got.append(mine)

    threads = [threading.Thread(target=worker, args=(f"w{i}",)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    claimed = [u for mine in got for u in mine]
    assert len(claimed) == 200 and len(set(claimed)) == 200


def test_host_slots_cap_requests_across_owners(db_url: str) -> None:
    with open_archive(db_url) as archive:
        got = [archive.acquire_host_slot(HOST, f"w{i}", 2, LEASE) for i in range(3)]
        assert sorted(s for s in got if s is not None) == [0, 1] and got[2] is None
        assert archive.acquire_host_slot("other.example", "w2", 2, LEASE) == 0  # per host
        archive.release_host_slot(HOST, 1, "w0")  # not w0's slot: nothing happens
        assert archive.acquire_host_slot(HOST, "w2", 2, LEASE) is None
        archive.release_host_slot(HOST, got[1], "w1")  # type: ignore[arg-type]
        assert archive.acquire_host_slot(HOST, "w2", 2, LEASE) == got[1]


def test_an_expired_host_slot_is_taken_over(db_url: str) -> None:
    with open_archive(db_url) as archive:
        assert archive.acquire_host_slot(HOST, "gone", 1, timedelta(seconds=-1)) == 0
        assert archive.acquire_host_slot(HOST, "alive", 1, LEASE) == 0


def test_dead_owners_lose_their_leases_and_host_slots_at_once(db_url: str) -> None:
    dead, alive = "box:1:dead", "box:2:alive"
    with open_archive(db_url) as archive:
        archive.enqueue(urls(4))
        assert len(archive.claim(dead, 2, LEASE)) == 2
        assert len(archive.claim(alive, 1, LEASE)) == 1
        assert archive.acquire_host_slot(HOST, dead, 2, LEASE) == 0
        assert archive.acquire_host_slot("slots-only.example", dead, 1, LEASE) == 0
        assert archive.acquire_host_slot(HOST, alive, 2, LEASE) == 1
        assert archive.acquire_host_slot(HOST, "box:3:new", 2, LEASE) is None
        assert archive.release_dead_leases(lambda owner: owner == dead) == 2
        assert archive.frontier_stats()["leased"] == 1  # the live owner keeps its lease
        assert archive.acquire_host_slot(HOST, "box:3:new", 2, LEASE) == 0
        assert archive.acquire_host_slot("slots-only.example", "box:3:new", 1, LEASE) == 0
        assert archive.acquire_host_slot(HOST, "box:4:late", 2, LEASE) is None  # alive's
        assert archive.release_dead_leases(lambda owner: False) == 0
