"""SQLite writers take turns in the kernel, not in SQLite's busy loop.

SQLite lets one writer at a time into a database. A writer that finds the lock taken
sleeps and retries (1, 2, 5, 10, 15, 20, 25 ... ms: ``sqlite3_busy_timeout``), so
with the crawler's parse workers each writing every few milliseconds, a waiter often
sleeps on well after the lock was freed. ``WriterLock`` makes the archive's writers
queue on an ``flock`` of a lock file next to the database (``<file>-writer.lock``):
a waiter wakes as soon as the holder is done, and SQLite's own lock is then free.

- Every write transaction of ``storage.archive.Archive`` holds it, in all processes.
- Threads of one process share an ``Archive``; a thread lock orders them first.
- Writers that do not take it (another tool) still meet SQLite's lock and its busy
  timeout: correctness never depends on this lock, only waiting does.
- Without ``fcntl`` (not POSIX) or a writable folder, it is a no-op.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager

try:
    import fcntl
except ImportError:  # pragma: no cover - not POSIX
    fcntl = None  # type: ignore[assignment]

LOCK_SUFFIX = "-writer.lock"


class WriterLock:
    """One archive's write lock across threads and processes (SQLite files only)."""

    def __init__(self, sqlite_path: str | None) -> None:
        self._path = sqlite_path + LOCK_SUFFIX if sqlite_path and fcntl else None
        self._threads = threading.Lock()
        self._fd: int | None = None
        self._pid = os.getpid()

    @property
    def path(self) -> str | None:
        return self._path

    @contextmanager
    def hold(self) -> Iterator[None]:
        """Wait for the archive's write turn, and keep it for the ``with`` block."""
        if self._path is None:
            yield
            return
        if self._pid != os.getpid():  # a forked child: its own descriptor and thread lock
            self._pid, self._fd, self._threads = os.getpid(), None, threading.Lock()
        with self._threads:
            fd = self._open()
            if fd is None:
                yield
                return
            fcntl.flock(fd, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(fd, fcntl.LOCK_UN)

    def _open(self) -> int | None:
        if self._fd is None and self._path is not None:
            try:
                self._fd = os.open(self._path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
            except OSError:
                self._path = None  # a read-only folder: SQLite's own lock suffices
        return self._fd

    def close(self) -> None:
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None
