"""A connection pool that matches queued requests to connections in one pass.

httpcore's pool runs its assignment step twice per request (when the request is
queued and when its response is closed). For every idle connection that step counts
all the connections again, and for every queued request it builds two lists of them:
with 16 kept-alive connections it was a quarter of the crawler's event-loop time on a
recrawl of 304s (``bench/crawl_bench.py``, cProfile). ``OnePassPool`` keeps the same
policy and does the same work in linear time:

1. Closed connections are dropped; expired ones are closed; an idle connection is
   closed while the pool holds more than ``max_keepalive_connections``.
2. Each queued request takes the first connection to its origin that is available;
   else a new connection when the pool is below ``max_connections``; else it replaces
   the first idle connection; else it keeps waiting.

httpx builds its pool itself and has no parameter for the class, so ``install``
changes the class of the pool httpx built; when a future httpx or httpcore moves it or
changes what it holds, ``install`` returns False and the default pool stays (a test
pins that it is installed on the versions we use).
"""

from __future__ import annotations

from typing import Any

import httpcore
import httpx

from scraper.fetch.sockets import CachedSocketBackend

# What OnePassPool reads of httpcore's pool; without one of them it is not installed.
_POOL_STATE = (
    "_connections",
    "_requests",
    "_max_connections",
    "_max_keepalive_connections",
    "_network_backend",
)


class OnePassPool(httpcore.AsyncConnectionPool):
    """httpcore's pool with a linear-time assignment step."""

    def _assign_requests_to_connections(self) -> list[Any]:
        backend = self._network_backend
        if isinstance(backend, CachedSocketBackend):
            with backend.one_poll():  # one poll answers every idle connection's check
                closing = self._prune()
        else:
            closing = self._prune()
        for request in self._requests:
            if request.is_queued():
                self._assign(request, closing)
        return closing

    def _prune(self) -> list[Any]:
        """Step 1: drop closed connections, close expired and surplus idle ones."""
        kept: list[Any] = []
        closing: list[Any] = []
        count = len(self._connections)
        for conn in self._connections:
            if conn.is_closed():
                count -= 1
            elif conn.has_expired() or (
                conn.is_idle() and count > self._max_keepalive_connections
            ):
                closing.append(conn)
                count -= 1
            else:
                kept.append(conn)
        self._connections = kept
        return closing

    def _assign(self, request: Any, closing: list[Any]) -> None:
        """Step 2 for one queued request."""
        origin = request.request.url.origin
        for conn in self._connections:
            if conn.can_handle_request(origin) and conn.is_available():
                request.assign_to_connection(conn)
                return
        if len(self._connections) >= self._max_connections:
            idle = next((c for c in self._connections if c.is_idle()), None)
            if idle is None:
                return
            self._connections.remove(idle)
            closing.append(idle)
        conn = self.create_connection(origin)
        self._connections.append(conn)
        request.assign_to_connection(conn)


def install(transport: httpx.AsyncHTTPTransport) -> bool:
    """Make ``transport``'s pool a ``OnePassPool``; False if it cannot."""
    pool = getattr(transport, "_pool", None)
    if isinstance(pool, OnePassPool):
        return True
    if type(pool) is not httpcore.AsyncConnectionPool:
        return False
    if not all(hasattr(pool, name) for name in _POOL_STATE):
        return False
    pool.__class__ = OnePassPool
    return True
