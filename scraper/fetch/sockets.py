"""A network backend for httpcore that answers "is this idle connection readable?" cheaply.

Before every request, httpcore's pool asks each pooled connection whether it has
expired, and an idle HTTP/1.1 connection answers by asking its stream for
``is_readable``. Through the anyio backend that question rebuilds the socket's
attribute table on each call, ``getpeername`` system call included: with 16 kept-alive
connections that was about a fifth of the crawler's event-loop time on a recrawl
(``bench/crawl_bench.py``, py-spy). This backend wraps the default one and keeps each
stream's raw socket from connect time, so the question costs one ``poll``.

During one assignment pass of the pool (``scraper.fetch.pool``) the backend answers
for all its sockets from a single ``poll``: the pool asks every idle connection in
turn, and each ``poll`` lets the crawler's other threads take the GIL, which on a
recrawl cost the event loop about 15 us a call in waiting to get it back.

``install(transport)`` puts it under an ``httpx.AsyncHTTPTransport``. httpx offers no
parameter for a network backend, so this reaches its pool; when a future httpx moves
the pool, ``install`` returns False and the transport keeps the default backend (a
test pins that it is installed on the versions we use).
"""

from __future__ import annotations

import select
import socket
import ssl
from collections.abc import Iterable, Iterator
from contextlib import contextmanager, suppress
from typing import Any

import httpcore
import httpx

SocketOption = (
    tuple[int, int, int] | tuple[int, int, bytes | bytearray] | tuple[int, int, None, int]
)


class CachedSocketStream(httpcore.AsyncNetworkStream):
    """A stream that remembers its raw socket and answers ``is_readable`` from it."""

    def __init__(
        self, stream: httpcore.AsyncNetworkStream, backend: CachedSocketBackend | None = None
    ) -> None:
        self._stream = stream
        self._backend = backend
        self._socket: socket.socket | None = stream.get_extra_info("socket")
        self._poller: select.poll | None = None
        if self._socket is not None and self._socket.fileno() >= 0:
            self._poller = select.poll()
            self._poller.register(self._socket.fileno(), select.POLLIN)
            if backend is not None:
                backend.watch(self._socket.fileno())

    def readable(self) -> bool:
        """True when a read would not block: data, or the peer's close (an expired
        connection). A socket without a descriptor counts as readable (closed)."""
        if self._poller is None or self._socket is None or self._socket.fileno() < 0:
            return True
        ready = self._backend.ready() if self._backend is not None else None
        if ready is not None:
            return self._socket.fileno() in ready
        return bool(self._poller.poll(0))

    async def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return await self._stream.read(max_bytes, timeout)

    async def write(self, buffer: bytes, timeout: float | None = None) -> None:
        await self._stream.write(buffer, timeout)

    async def aclose(self) -> None:
        if self._backend is not None and self._socket is not None:
            fd = self._socket.fileno()
            if fd >= 0:
                self._backend.unwatch(fd)
        await self._stream.aclose()

    async def start_tls(
        self,
        ssl_context: ssl.SSLContext,
        server_hostname: str | None = None,
        timeout: float | None = None,
    ) -> httpcore.AsyncNetworkStream:
        tls = await self._stream.start_tls(ssl_context, server_hostname, timeout)
        return CachedSocketStream(tls, self._backend)

    def get_extra_info(self, info: str) -> Any:
        if info == "socket":
            return self._socket
        if info == "is_readable":
            return self.readable()
        return self._stream.get_extra_info(info)


class CachedSocketBackend(httpcore.AsyncNetworkBackend):
    """Delegates to ``inner`` and wraps each stream in ``CachedSocketStream``."""

    def __init__(self, inner: httpcore.AsyncNetworkBackend) -> None:
        self._inner = inner
        self._poller = select.poll()  # every open stream's socket
        self._in_pass = False
        self._ready: set[int] | None = None

    def watch(self, fd: int) -> None:
        self._poller.register(fd, select.POLLIN)

    def unwatch(self, fd: int) -> None:
        with suppress(KeyError):
            self._poller.unregister(fd)

    @contextmanager
    def one_poll(self) -> Iterator[None]:
        """Within this block, ``ready`` polls all sockets once, on first use."""
        self._in_pass, self._ready = True, None
        try:
            yield
        finally:
            self._in_pass, self._ready = False, None

    def ready(self) -> set[int] | None:
        """Within ``one_poll``: the descriptors a read would not block on; else None."""
        if not self._in_pass:
            return None
        if self._ready is None:
            self._ready = {fd for fd, _ in self._poller.poll(0)}
        return self._ready

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[SocketOption] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        stream = await self._inner.connect_tcp(host, port, timeout, local_address, socket_options)
        return CachedSocketStream(stream, self)

    async def connect_unix_socket(
        self,
        path: str,
        timeout: float | None = None,
        socket_options: Iterable[SocketOption] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        stream = await self._inner.connect_unix_socket(path, timeout, socket_options)
        return CachedSocketStream(stream, self)

    async def sleep(self, seconds: float) -> None:
        await self._inner.sleep(seconds)


def install(transport: httpx.AsyncHTTPTransport) -> bool:
    """Put ``CachedSocketBackend`` under ``transport``'s pool; False if it cannot."""
    pool = getattr(transport, "_pool", None)
    inner = getattr(pool, "_network_backend", None)
    if pool is None or not isinstance(inner, httpcore.AsyncNetworkBackend):
        return False
    if not isinstance(inner, CachedSocketBackend):
        pool._network_backend = CachedSocketBackend(inner)
    return True
