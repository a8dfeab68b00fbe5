"""The crawler's worker processes: plain subprocesses joined to it by a socket pair.

Parse workers (``scraper.crawl.workers``) and fetch workers (``scraper.crawl.fetchers``)
are started the same way: ``python -m scraper.crawl.procs ROLE FD``. Not through
``multiprocessing``: its spawn start method runs one more interpreter next to the
workers (the resource tracker, 13 MB of RSS for the whole crawl), and re-runs the
parent's ``__main__`` in each child. Here a child imports only what its role needs.

1. ``spawn`` makes a socket pair, starts the child with its end, and sends the role's
   spec (pickled) as the first frame.
2. The child builds what it needs and answers with a ready frame; ``spawn`` returns
   only then (``START_WAIT_S`` at most), so nothing is queued behind a child that is
   still importing.
3. Requests and answers are frames: a 4-byte length and a pickle of ``(job, payload)``.
   ``Worker.call`` sends one and waits for the answer with the same job number.
4. A child that dies (or is killed) closes its end: every call in flight on it gets
   ``("died", None)``, and the pool that owns it starts another.
"""

from __future__ import annotations

import asyncio
import itertools
import os
import pickle
import signal
import socket
import struct
import subprocess
import sys
import time
from collections.abc import Callable
from contextlib import suppress
from typing import Any

FRAME = struct.Struct("!I")
START_WAIT_S = 60.0  # a child imports the parser or the HTTP client (~0.3 s; slow disks, more)
STOP_WAIT_S = 3.0  # a child told to stop gets this long before it is killed
POLL_S = 0.02
ROLES = ("parse", "fetch")


class WorkerDidNotStart(Exception):
    """A worker process died or hung before it was ready (a broken install?)."""


def frame(obj: Any) -> bytes:
    data = pickle.dumps(obj, pickle.HIGHEST_PROTOCOL)
    return FRAME.pack(len(data)) + data


async def read_frame(reader: asyncio.StreamReader) -> Any:
    size = FRAME.unpack(await reader.readexactly(FRAME.size))[0]
    return pickle.loads(await reader.readexactly(size))


class Worker:
    """One worker process, seen from the crawler: its socket and calls in flight."""

    def __init__(self, process: subprocess.Popen[bytes], sock: socket.socket) -> None:
        self.process = process
        self.pending: dict[int, asyncio.Future[Any]] = {}
        self.alive = True
        self._jobs = itertools.count()
        self._sock = sock
        self._writer: asyncio.StreamWriter | None = None
        self._reading: asyncio.Task[None] | None = None

    async def connect(self, spec: Any) -> None:
        """Send the spec and wait for the ready frame (steps 1-2)."""
        reader, self._writer = await asyncio.open_connection(sock=self._sock)
        self._writer.write(frame(spec))
        try:
            async with asyncio.timeout(START_WAIT_S):
                await self._writer.drain()
                await read_frame(reader)
        except (TimeoutError, asyncio.IncompleteReadError, ConnectionError) as err:
            self.alive = False
            raise WorkerDidNotStart(f"a worker process did not start ({err!r})") from err
        self._reading = asyncio.create_task(self._read(reader))

    @property
    def running(self) -> bool:
        """Alive as far as we know: the socket is open and the process has not exited
        (checked with ``waitpid``, so a kill shows at once, before its EOF is read)."""
        if self.alive and self.process.poll() is not None:
            self.alive = False
        return self.alive

    async def call(self, payload: Any) -> Any:
        """Send ``payload``; its answer, or ``("died", None)`` if the process ends first."""
        if not self.running or self._writer is None or self._writer.is_closing():
            return ("died", None)  # its end closed before our reader saw it
        job = next(self._jobs)
        future: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        self.pending[job] = future
        try:
            self._writer.write(frame((job, payload)))
            await self._writer.drain()
            return await future
        except (ConnectionError, OSError):
            return ("died", None)
        finally:
            self.pending.pop(job, None)

    async def _read(self, reader: asyncio.StreamReader) -> None:
        try:
            while True:
                job, answer = await read_frame(reader)
                future = self.pending.get(job)
                if future is not None and not future.done():
                    future.set_result(answer)
        except (asyncio.IncompleteReadError, ConnectionError, OSError):
            pass
        finally:
            self.alive = False
            for future in self.pending.values():
                if not future.done():
                    future.set_result(("died", None))

    def kill(self) -> None:
        """Kill the process; the reader sees its end and fails what is in flight."""
        self.alive = False
        if self.process.poll() is None:
            self.process.kill()

    async def stop(self) -> None:
        """Close our end at once (the child exits on it), then reap the child.

        Aborted, not closed: a close waits to flush what we still had to send, and a
        child blocked sending us an answer we no longer read would never take it.
        """
        if self._reading is not None:
            self._reading.cancel()
        if self._writer is not None:
            self._writer.transport.abort()
            with suppress(ConnectionError, OSError):
                await self._writer.wait_closed()
        else:
            self._sock.close()
        self.alive = False
        deadline = time.monotonic() + STOP_WAIT_S
        while self.process.poll() is None and time.monotonic() < deadline:
            await asyncio.sleep(POLL_S)
        reap(self.process)


def reap(process: subprocess.Popen[bytes]) -> None:
    try:
        process.wait(STOP_WAIT_S)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(STOP_WAIT_S)


async def spawn(role: str, spec: Any) -> Worker:
    """Start a ``role`` worker with ``spec`` and wait until it is ready."""
    ours, theirs = socket.socketpair()
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(p for p in sys.path if p))
    fd = theirs.fileno()
    argv = [sys.executable, "-m", "scraper.crawl.procs", role, str(fd)]
    process = subprocess.Popen(argv, pass_fds=(fd,), stdin=subprocess.DEVNULL, env=env)
    theirs.close()
    worker = Worker(process, ours)
    try:
        await worker.connect(spec)
    except WorkerDidNotStart:
        await worker.stop()
        raise
    return worker


# --- the child's side ----------------------------------------------------------------


def serve_calls(sock: socket.socket) -> None:
    """A parse worker: run each ``(fn, args)`` it is sent, in order, until EOF."""
    stream = sock.makefile("rb")
    sock.sendall(frame("ready"))
    while True:
        header = stream.read(FRAME.size)
        if len(header) < FRAME.size:
            return
        job, (fn, args) = pickle.loads(stream.read(FRAME.unpack(header)[0]))
        sock.sendall(frame((job, _run(fn, args))))


def _run(fn: Callable[..., Any], args: tuple[Any, ...]) -> tuple[str, Any]:
    try:
        return ("ok", fn(*args))
    except Exception as err:  # the caller raises it, as it would in-process
        try:
            pickle.dumps(err)
        except Exception:
            return ("raise", RuntimeError(f"{type(err).__name__}: {err}"))
        return ("raise", err)


def _recv_exact(sock: socket.socket, size: int) -> bytes:
    chunks, left = [], size
    while left:
        chunk = sock.recv(left)
        if not chunk:
            raise EOFError("the crawler closed the socket")
        chunks.append(chunk)
        left -= len(chunk)
    return b"".join(chunks)


def main(argv: list[str]) -> None:
    """A worker's life: it ends when the crawler closes its socket (or dies). Ctrl-C
    reaches the whole process group; the crawler handles it and closes the sockets, so
    a worker ignores it (no traceback of its own on the terminal)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    role, fd = argv
    sock = socket.socket(fileno=int(fd))
    try:
        spec = pickle.loads(_recv_exact(sock, FRAME.unpack(_recv_exact(sock, FRAME.size))[0]))
        if role == "fetch":
            from scraper.crawl.fetchers import serve

            serve(sock, spec)
        else:
            serve_calls(sock)
    except (EOFError, ConnectionError):
        return  # the crawler went away first


if __name__ == "__main__":
    main(sys.argv[1:])
