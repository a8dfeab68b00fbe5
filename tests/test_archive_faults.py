"""The archive under faults: concurrent writer processes, crashes mid-write, dead servers.

Races use long-lived "spawn" processes that each open their own ``Archive`` from the
URL and are released together by one ``Barrier``, round after round. Where a free race
overlaps only sometimes, the test holds a table lock so that the writers stop inside
their transactions, and lets them go together. Crashes are real: a SQLite trigger
fails the version insert; a PostgreSQL writer is SIGKILLed while it waits on a lock.
"""

from __future__ import annotations

import contextlib
import dataclasses
import multiprocessing as mp
import os
import queue
import signal
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from datetime import UTC, datetime
from multiprocessing.process import BaseProcess
from multiprocessing.queues import Queue
from multiprocessing.synchronize import Barrier
from typing import Any
from urllib.parse import quote

import pytest
import sqlalchemy as sa
from hypothesis import given, settings
from hypothesis import strategies as st

import storage
from storage import CaptureRecord, ContentRecord, open_archive

URL = "https://news.example/2024/05/01/story/"
WRITERS = 5  # concurrent processes per race: more than the 2 CPUs, so they really interleave
ROUNDS = 3  # races per test, run by the same processes
# Generous bounds, so a slow machine is not a failure but a hang still ends the test:
# a spawned child imports storage in ~0.5 s; a whole race takes well under 2 s here.
BARRIER_TIMEOUT_S = 60.0
RESULT_TIMEOUT_S = 60.0
JOIN_TIMEOUT_S = 10.0
# The PostgreSQL crash test polls pg_stat_activity; the child reaches its lock in ~1 s.
LOCK_WAIT_TIMEOUT_S = 10.0
POLL_INTERVAL_S = 0.05

Job = tuple[CaptureRecord, ContentRecord]
Result = tuple[int, int, str, int | None]  # (worker, round, outcome or "error", version)


def capture(url: str = URL, body: bytes = b"<html>page</html>") -> CaptureRecord:
    return CaptureRecord(url, url, 200, datetime.now(UTC), 15, {"Content-Type": "text/html"}, body)


def content(url: str = URL, **kw: Any) -> ContentRecord:
    base = ContentRecord(
        canonical_url=url,
        title="A title",
        bylines=("Ann Author",),
        published="2024-05-01T08:00:00+02:00",
        modified=None,
        language="en",
        lead="The lead.",
        paragraphs=("One.", "Two."),
        subheadings=(),
        captions=(),
        text="The lead.\n\nOne.\n\nTwo.",
        comment_form=None,
        parser_version="test",
    )
    return dataclasses.replace(base, **kw)


def rows(url: str, sql: str) -> list[tuple[Any, ...]]:
    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            return [tuple(r) for r in conn.exec_driver_sql(sql)]
    finally:
        engine.dispose()


def count(url: str, sql: str) -> int:
    [(n,)] = rows(url, sql)
    return int(n)


# --- concurrent writers ---------------------------------------------------------------


Task = tuple[str, list[Job | None], bool]  # (archive URL, one job per round, open together)


def _serve(inbox: Queue[Task | None], outbox: Queue[Result], barrier: Barrier, worker: int) -> None:
    """Child process: run races until told to stop. Every worker passes the barrier in
    every round, with or without a job, so the barrier never goes out of step."""
    while (task := inbox.get()) is not None:
        url, jobs, open_together = task
        if open_together:
            barrier.wait(BARRIER_TIMEOUT_S)
        try:
            archive: storage.Archive | None = open_archive(url)
            opened = "idle"
        except Exception as err:  # reported to the parent, which fails the test
            archive, opened = None, f"error: {type(err).__name__}: {err}"
        for round_, job in enumerate(jobs):
            barrier.wait(BARRIER_TIMEOUT_S)
            outbox.put((worker, round_, *_store(archive, job, opened)))
        if archive is not None:
            archive.close()


def _store(archive: storage.Archive | None, job: Job | None, opened: str) -> tuple[str, int | None]:
    if archive is None or job is None:
        return opened, None
    try:
        done = archive.store(*job)
    except Exception as err:
        return f"error: {type(err).__name__}: {err}", None
    return done.outcome, done.version


class WriterPool:
    """``WRITERS`` long-lived processes (a spawn costs ~0.5 s) that store jobs in step."""

    def __init__(self) -> None:
        ctx = mp.get_context("spawn")
        # Kept on self: the children unpickle it after start(), and it must outlive that.
        self.barrier = ctx.Barrier(WRITERS)
        self.outbox: Queue[Result] = ctx.Queue()
        self.inboxes: list[Queue[Task | None]] = [ctx.Queue() for _ in range(WRITERS)]
        self.procs = [
            ctx.Process(target=_serve, args=(inbox, self.outbox, self.barrier, w), daemon=True)
            for w, inbox in enumerate(self.inboxes)
        ]
        for proc in self.procs:
            proc.start()

    def race(
        self,
        url: str,
        jobs: list[list[Job]],
        *,
        create_first: bool = True,
        meanwhile: Callable[[], None] | None = None,
    ) -> dict[int, list[Result]]:
        """Worker ``w`` runs ``jobs[w]``, one job per round; the results of each round.

        Without ``create_first`` the workers' first opens of the database race too;
        ``meanwhile`` runs here while the workers work."""
        if create_first:
            with open_archive(url):
                pass
        rounds = max(len(j) for j in jobs)
        for w, inbox in enumerate(self.inboxes):
            mine: list[Job] = jobs[w] if w < len(jobs) else []
            inbox.put((url, [*mine, *[None] * (rounds - len(mine))], not create_first))
        if meanwhile is not None:
            meanwhile()
        out = self._collect(WRITERS * rounds)
        assert [r for r in out if r[2].startswith("error")] == []
        by_round: dict[int, list[Result]] = {}
        for result in out:
            if result[2] != "idle":
                by_round.setdefault(result[1], []).append(result)
        return by_round

    def _collect(self, n: int) -> list[Result]:
        """``n`` results; fail at once if a worker died, or after ``RESULT_TIMEOUT_S``."""
        deadline = time.monotonic() + RESULT_TIMEOUT_S
        out: list[Result] = []
        while len(out) < n:
            dead = [p.exitcode for p in self.procs if not p.is_alive()]
            assert dead == [], f"writer processes died with exit codes {dead}"
            assert time.monotonic() < deadline, f"{len(out)} of {n} results in {RESULT_TIMEOUT_S} s"
            with contextlib.suppress(queue.Empty):
                out.append(self.outbox.get(timeout=POLL_INTERVAL_S * 10))
        return out

    def close(self) -> None:
        for inbox in self.inboxes:
            inbox.put(None)
        _reap(self.procs)
        assert [p.exitcode for p in self.procs] == [0] * WRITERS


def _reap(procs: Sequence[BaseProcess]) -> None:
    """Join the started children; kill any still alive after ``JOIN_TIMEOUT_S``."""
    for proc in (p for p in procs if p.pid is not None):
        proc.join(JOIN_TIMEOUT_S)
        if proc.is_alive():
            proc.kill()
            proc.join(JOIN_TIMEOUT_S)


@pytest.fixture(scope="module")
def writers() -> Iterator[WriterPool]:
    pool = WriterPool()
    yield pool
    pool.close()


def test_concurrent_writers_of_one_article_make_one_version_per_content(
    writers: WriterPool, db_url: str
) -> None:
    edits = [content(paragraphs=("One.", f"Two, edit {r}.")) for r in range(ROUNDS)]
    jobs = [
        [(capture(body=f"<html>w{w} r{r}</html>".encode()), edits[r]) for r in range(ROUNDS)]
        for w in range(WRITERS)
    ]
    by_round = writers.race(db_url, jobs)
    for r in range(ROUNDS):
        outcomes = Counter(outcome for _, _, outcome, _ in by_round[r])
        first = "new" if r == 0 else "new_version"
        assert outcomes == {first: 1, "unchanged": WRITERS - 1}, r
        assert {version for *_, version in by_round[r]} == {r + 1}, r
    assert count(db_url, "SELECT count(*) FROM articles") == 1
    assert count(db_url, "SELECT count(*) FROM article_versions") == ROUNDS
    assert count(db_url, "SELECT count(*) FROM captures") == WRITERS * ROUNDS
    assert count(db_url, "SELECT count(*) FROM blob") == WRITERS * ROUNDS


def test_concurrent_edits_of_one_article_are_numbered_without_gaps(
    writers: WriterPool, db_url: str
) -> None:
    jobs = [
        [
            (capture(body=f"<html>w{w} r{r}</html>".encode()), content(paragraphs=(f"{w}/{r}",)))
            for r in range(ROUNDS)
        ]
        for w in range(WRITERS)
    ]
    by_round = writers.race(db_url, jobs)
    versions = sorted(v for results in by_round.values() for *_, v in results if v is not None)
    assert versions == list(range(1, WRITERS * ROUNDS + 1))
    assert rows(db_url, "SELECT version FROM article_versions ORDER BY version") == [
        (v,) for v in versions
    ]
    assert rows(
        db_url, "SELECT count(*), max(current_version), max(version_count) FROM articles"
    ) == [(1, len(versions), len(versions))]
    outcomes = Counter(outcome for results in by_round.values() for _, _, outcome, _ in results)
    assert outcomes == {"new": 1, "new_version": WRITERS * ROUNDS - 1}


def _story(site: str) -> Job:
    url = f"https://{site}.example/2024/05/01/story/"
    paragraphs = ("The council met on Monday night.", "It voted to close the old bridge.")
    text = "\n\n".join(paragraphs)
    return capture(url, f"<html>{site}</html>".encode()), content(
        url, paragraphs=paragraphs, lead=None, text=text
    )


def test_concurrent_exact_duplicates_on_two_sites_are_linked_once(
    writers: WriterPool, db_url: str
) -> None:
    """Two writers store one story under two sites' URLs at once: one ``duplicates`` row.

    SQLite runs writers one at a time. On PostgreSQL the overlap is forced rather than
    hoped for (a free race overlaps in only some runs): the test holds
    ``version_fingerprint`` in SHARE mode, so each writer stops inside its transaction
    after inserting its version, and lets both go once both wait on a lock.
    """
    jobs = [[_story("site-a")], [_story("site-b")]]
    if db_url.startswith("sqlite"):
        [results] = writers.race(db_url, jobs).values()
    else:  # without a common lock each writer misses the other's uncommitted version
        [results] = _race_held(writers, db_url, jobs, "version_fingerprint").values()
    assert sorted(outcome for _, _, outcome, _ in results) == ["new", "new"]
    assert count(db_url, "SELECT count(*) FROM articles") == 2
    found = rows(
        db_url,
        "SELECT a.url, b.url, d.kind FROM duplicates d "
        "JOIN article a ON a.id = d.article_id JOIN article b ON b.id = d.duplicate_of",
    )
    assert [(*sorted(urls), kind) for *urls, kind in found] == [
        (*sorted(j[0].requested_url for [j] in jobs), "exact")
    ]


def _race_held(
    writers: WriterPool, pg_url: str, jobs: list[list[Job]], table: str
) -> dict[int, list[Result]]:
    """``writers.race`` while this process holds ``table`` in SHARE mode (reads pass,
    writes wait) until every writer with a job waits on a lock."""
    app = f"held-{uuid.uuid4().hex[:8]}"
    url = sa.make_url(pg_url).update_query_dict({"application_name": app})
    with open_archive(pg_url):
        pass
    engine = sa.create_engine(pg_url)
    try:
        with engine.connect() as holder, engine.connect() as watcher:
            holder.exec_driver_sql(f"LOCK TABLE {table} IN SHARE MODE")

            def release_when_all_wait() -> None:
                _wait_for(
                    f"{len(jobs)} writers to wait", lambda: _waiting(watcher, app) == len(jobs)
                )
                holder.rollback()

            return writers.race(
                url.render_as_string(hide_password=False), jobs, meanwhile=release_when_all_wait
            )
    finally:
        engine.dispose()


def _waiting(conn: sa.Connection, app: str) -> int:
    """How many backends named ``app`` wait on a lock (of any kind)."""
    sql = "SELECT count(*) FROM pg_stat_activity WHERE application_name = :app"
    n = conn.execute(sa.text(sql + " AND wait_event_type = 'Lock'"), {"app": app}).scalar_one()
    conn.rollback()  # pg_stat_activity is a snapshot per transaction: end it to see anew
    return int(n)


def test_concurrent_first_opens_of_an_empty_database_create_one_schema(
    writers: WriterPool, db_url: str
) -> None:
    """Cron starts several scrapers at once on a database that holds nothing yet."""
    jobs = [
        [(capture(f"{URL}{w}/", f"<html>{w}</html>".encode()), content(f"{URL}{w}/"))]
        for w in range(WRITERS)
    ]
    [results] = writers.race(db_url, jobs, create_first=False).values()
    assert sorted(outcome for _, _, outcome, _ in results) == ["new"] * WRITERS
    assert count(db_url, "SELECT count(*) FROM alembic_version") == 1
    assert count(db_url, "SELECT count(*) FROM articles") == WRITERS


# --- a crash in the middle of a write ----------------------------------------------------


def _assert_nothing_written(url: str) -> None:
    for table in ("capture", "blob", "article", "article_url", "article_version"):
        assert count(url, f"SELECT count(*) FROM {table}") == 0, table


def test_sqlite_failure_between_capture_and_version_rolls_back_everything(
    sqlite_url: str,
) -> None:
    with open_archive(sqlite_url):
        pass
    engine = sa.create_engine(sqlite_url)
    try:
        with engine.begin() as conn:
            conn.exec_driver_sql(
                "CREATE TRIGGER boom BEFORE INSERT ON article_version "
                "BEGIN SELECT RAISE(ABORT, 'boom'); END"
            )
        with open_archive(sqlite_url) as archive, pytest.raises(storage.ArchiveWriteError) as info:
            archive.store(capture(), content())
        assert "boom" in str(info.value) and "\n" not in str(info.value)
        _assert_nothing_written(sqlite_url)
        with engine.begin() as conn:
            conn.exec_driver_sql("DROP TRIGGER boom")
    finally:
        engine.dispose()
    with open_archive(sqlite_url) as archive:
        assert archive.store(capture(), content()).outcome == "new"
    assert count(sqlite_url, "SELECT count(*) FROM captures") == 1


def _blocked_store(url: str) -> None:
    """Child process: one store, which the parent's table lock holds up mid-transaction."""
    with open_archive(url) as archive:
        archive.store(capture(), content())


def _wait_for(what: str, probe: Callable[[], bool]) -> None:
    deadline = time.monotonic() + LOCK_WAIT_TIMEOUT_S
    while not probe():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {LOCK_WAIT_TIMEOUT_S} s waiting for {what}")
        time.sleep(POLL_INTERVAL_S)


def _locks(conn: sa.Connection, app: str) -> set[tuple[str, str, bool]]:
    """(relation, mode, granted) of the table locks that backends named ``app`` hold or want."""
    sql = (
        "SELECT l.relation::regclass::text, l.mode, l.granted FROM pg_locks l "
        "JOIN pg_stat_activity s ON s.pid = l.pid "
        "WHERE s.application_name = :app AND l.locktype = 'relation'"
    )
    found = {(str(r[0]), str(r[1]), bool(r[2])) for r in conn.execute(sa.text(sql), {"app": app})}
    conn.rollback()  # pg_stat_activity is a snapshot per transaction: end it to see anew
    return found


@pytest.mark.postgres
@pytest.mark.parametrize(
    ("mode", "written_before_block"),
    [
        # SHARE lets the writer read article_version but not insert into it: the child
        # stops after its blob, article, aliases and capture rows, at the version insert.
        ("SHARE", "capture"),
        # ACCESS EXCLUSIVE stops even reads: the child stops at its first look at the
        # versions, after its blob, article and alias rows.
        ("ACCESS EXCLUSIVE", "article_url"),
    ],
)
def test_postgres_writer_killed_mid_transaction_leaves_nothing(
    pg_url: str, mode: str, written_before_block: str
) -> None:
    with open_archive(pg_url):
        pass
    app = f"fault-{uuid.uuid4().hex[:8]}"
    child_url = sa.make_url(pg_url).update_query_dict({"application_name": app})
    ctx = mp.get_context("spawn")
    child = ctx.Process(
        target=_blocked_store, args=(child_url.render_as_string(hide_password=False),), daemon=True
    )
    engine = sa.create_engine(pg_url)
    try:
        with engine.connect() as holder, engine.connect() as watcher:
            holder.exec_driver_sql(f"LOCK TABLE article_version IN {mode} MODE")
            try:
                child.start()
                _wait_for(
                    "the child to wait on article_version",
                    lambda: any(
                        rel == "article_version" and not granted
                        for rel, _, granted in _locks(watcher, app)
                    ),
                )
                assert (written_before_block, "RowExclusiveLock", True) in _locks(watcher, app)
                assert child.pid is not None
                os.kill(child.pid, signal.SIGKILL)
                child.join(JOIN_TIMEOUT_S)
                assert child.exitcode == -signal.SIGKILL
            finally:
                _reap([child])
            holder.rollback()  # releases the lock: the orphaned backend runs on, then dies
            _wait_for("the killed child's backend to end", lambda: not _locks(watcher, app))
    finally:
        engine.dispose()
    _assert_nothing_written(pg_url)
    with open_archive(pg_url) as archive:
        assert archive.store(capture(), content()).outcome == "new"


# --- a server that is not there --------------------------------------------------------


@settings(max_examples=25, deadline=None)
@given(
    user=st.text(st.characters(codec="utf-8", exclude_categories=["Cs", "Cc"]), min_size=1),
    password=st.text(st.characters(codec="utf-8", exclude_categories=["Cs"]), min_size=1),
)
def test_unreachable_postgres_is_one_line_without_the_password(user: str, password: str) -> None:
    secret = f"Zq{password}"  # never a substring of the driver's message by chance
    url = f"postgresql+psycopg://{quote(user, safe='')}:{quote(secret, safe='')}@127.0.0.1:1/db"
    with pytest.raises(storage.ArchiveURLError) as info:
        open_archive(url)
    message = str(info.value)
    assert "\n" not in message
    assert secret not in message and quote(secret, safe="") not in message
    assert "127.0.0.1" in message


@pytest.mark.parametrize(
    "url",
    [
        "postgresql://user:s3cr3t@127.0.0.1:notaport/db",
        "postgresql://user:s3cr3t@[::1/db",
    ],
)
def test_malformed_url_error_does_not_show_the_password(url: str) -> None:
    with pytest.raises(storage.ArchiveURLError) as info:
        open_archive(url)
    assert "\n" not in str(info.value)
    assert "s3cr3t" not in str(info.value)
