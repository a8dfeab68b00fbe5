"""The cached-socket network backend under httpx, with real sockets on 127.0.0.1."""

from __future__ import annotations

import asyncio
import socket

import httpcore
import httpx

from scraper.fetch import AsyncFetcher, FetchOptions
from scraper.fetch.sockets import CachedSocketBackend, CachedSocketStream, install
from tests.httpserver import Route, serve

FAST = FetchOptions(attempts=2, backoff_s=0.01, timeout_s=2.0)


def test_installs_under_the_httpx_transport_we_use() -> None:
    transport = httpx.AsyncHTTPTransport()
    assert install(transport)
    assert install(transport)  # idempotent: not wrapped twice
    backend = transport._pool._network_backend  # the attribute install reaches
    assert isinstance(backend, CachedSocketBackend)
    assert not isinstance(backend._inner, CachedSocketBackend)


def test_a_transport_without_a_pool_is_left_alone() -> None:
    assert not install(httpx.AsyncHTTPTransport.__new__(httpx.AsyncHTTPTransport))


def test_readable_follows_the_socket() -> None:
    async def scenario() -> list[bool]:
        with socket.create_server(("127.0.0.1", 0)) as server:
            port = server.getsockname()[1]
            inner = await httpcore.AnyIOBackend().connect_tcp("127.0.0.1", port)
            stream = CachedSocketStream(inner)
            peer, _ = server.accept()
            seen = [stream.get_extra_info("is_readable")]
            peer.sendall(b"x")
            await asyncio.sleep(0.05)
            seen.append(stream.get_extra_info("is_readable"))
            assert await stream.read(1) == b"x"
            seen.append(stream.get_extra_info("is_readable"))
            peer.close()  # the server drops an idle connection: a read would return b""
            await asyncio.sleep(0.05)
            seen.append(stream.get_extra_info("is_readable"))
            assert stream.get_extra_info("socket") is not None
            await stream.aclose()
            seen.append(stream.get_extra_info("is_readable"))  # closed counts as readable
            return seen

    assert asyncio.run(scenario()) == [False, True, False, True, True]


def test_fetcher_reuses_connections_and_survives_closed_ones() -> None:
    routes = {
        "/a": Route(body=b"<p>a</p>"),
        "/bye": Route(
            body=b"<p>bye</p>", headers={"Content-Type": "text/html", "Connection": "close"}
        ),
    }

    async def crawl(base: str) -> list[int]:
        fetcher = AsyncFetcher(FAST)
        try:
            statuses = []
            for path in ["/a"] * 10 + ["/bye", "/a"] * 5:
                statuses.append((await fetcher.fetch(base + path)).status)
            return statuses
        finally:
            await fetcher.aclose()

    with serve(routes) as srv:
        statuses = asyncio.run(crawl(srv.base))
    assert statuses == [200] * 20
    assert srv.hits["/a"] == 15 and srv.hits["/bye"] == 5


def test_one_poll_answers_for_every_socket_of_the_backend() -> None:
    async def scenario() -> list[bool]:
        with socket.create_server(("127.0.0.1", 0)) as server:
            port = server.getsockname()[1]
            backend = CachedSocketBackend(httpcore.AnyIOBackend())
            a = await backend.connect_tcp("127.0.0.1", port)
            peer_a, _ = server.accept()
            b = await backend.connect_tcp("127.0.0.1", port)
            peer_b, _ = server.accept()
            peer_a.sendall(b"x")
            await asyncio.sleep(0.05)
            with backend.one_poll():
                seen = [a.get_extra_info("is_readable"), b.get_extra_info("is_readable")]
            assert backend.ready() is None  # outside a pass each stream polls alone
            peer_b.close()
            await asyncio.sleep(0.05)
            seen.append(b.get_extra_info("is_readable"))
            await a.aclose()  # unwatched: a closed stream still counts as readable
            with backend.one_poll():
                seen += [a.get_extra_info("is_readable"), b.get_extra_info("is_readable")]
            await b.aclose()
            peer_a.close()
            return seen

    assert asyncio.run(scenario()) == [True, False, True, True, True]
