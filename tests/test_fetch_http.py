"""The fetcher against a real HTTP server on 127.0.0.1."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest

from scraper.errors import FetchError, InputError
from scraper.fetch import Fetcher, FetchOptions, replay_transport, write_recording
from tests.httpserver import Route, serve

PAGE = b"<html><head><title>T</title></head><body><p>Hello</p></body></html>"
FAST = FetchOptions(attempts=2, backoff_s=0.01, timeout_s=2.0)


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_fetches_a_page_with_headers_and_timing() -> None:
    with (
        serve(
            {
                "/a": Route(
                    body=PAGE, headers={"Content-Type": "text/html; charset=utf-8", "ETag": '"v1"'}
                )
            }
        ) as srv,
        Fetcher(FAST) as f,
    ):
        page = f.fetch(srv.url("/a"))
    assert (page.status, page.content, page.charset) == (200, PAGE, "utf-8")
    assert page.headers["etag"] == '"v1"'
    assert page.elapsed_ms >= 0 and page.redirects == ()


def test_redirect_chain_is_recorded() -> None:
    routes = {
        "/r1": Route(301, headers={"Location": "/r2"}),
        "/r2": Route(302, headers={"Location": "/a"}),
        "/a": Route(body=PAGE),
    }
    with serve(routes) as srv, Fetcher(FAST) as f:
        page = f.fetch(srv.url("/r1"))
    assert page.url == srv.url("/a")
    assert page.redirects == (srv.url("/r1"), srv.url("/r2"))


def test_redirect_loop_is_stopped() -> None:
    with serve({"/loop": Route(302, headers={"Location": "/loop"})}) as srv, Fetcher(FAST) as f:
        with pytest.raises(FetchError, match="redirects"):
            f.fetch(srv.url("/loop"))
        assert srv.hits["/loop"] <= 11


def test_error_status_is_a_page_not_an_exception() -> None:
    with serve({"/e": Route(503, body=b"down")}) as srv, Fetcher(FAST) as f:
        assert f.fetch(srv.url("/e")).status == 503


def test_unreachable_host_is_a_fetch_error_after_retries() -> None:
    with Fetcher(FAST) as f, pytest.raises(FetchError, match=r"cannot connect.*2 attempts"):
        f.fetch(f"http://127.0.0.1:{closed_port()}/")


def test_connection_reset_is_retried() -> None:
    with serve({"/flaky": Route(body=PAGE, reset_first=1)}) as srv, Fetcher(FAST) as f:
        page = f.fetch(srv.url("/flaky"))
    assert page.content == PAGE and srv.hits["/flaky"] == 2


def test_slow_response_times_out() -> None:
    slow = FetchOptions(attempts=1, timeout_s=0.3)
    route = Route(body=PAGE, delay_s=1.5)
    with (
        serve({"/slow": route}) as srv,
        Fetcher(slow) as f,
        pytest.raises(FetchError, match="timeout"),
    ):
        f.fetch(srv.url("/slow"))


def test_size_cap_holds_after_decompression() -> None:
    bomb = b"\0" * 2_000_000  # ~2 kB on the wire once gzipped
    capped = FetchOptions(attempts=1, max_bytes=100_000)
    with (
        serve({"/bomb": Route(body=bomb, gzip=True)}) as srv,
        Fetcher(capped) as f,
        pytest.raises(FetchError, match="larger than 100000"),
    ):
        f.fetch(srv.url("/bomb"))


def test_gzip_body_is_decoded() -> None:
    with serve({"/gz": Route(body=PAGE, gzip=True)}) as srv, Fetcher(FAST) as f:
        assert f.fetch(srv.url("/gz")).content == PAGE


@pytest.mark.parametrize("bad", ["not a url", "ftp://example.com/x", "http://"])
def test_unusable_urls_are_input_errors(bad: str) -> None:
    with Fetcher(FAST) as f, pytest.raises(InputError):
        f.fetch(bad)


def test_record_then_replay_gives_the_same_response(tmp_path: Path) -> None:
    routes = {
        "/news/": Route(
            body=PAGE,
            headers={
                "Content-Type": "text/html; charset=utf-8",
                "Last-Modified": "Tue, 18 Jun 2024 10:05:03 GMT",
            },
        )
    }
    with serve(routes) as srv, Fetcher(FAST) as live:
        page = live.fetch(srv.url("/news/?utm_source=x"))
        path = write_recording(tmp_path, page.url, page.status, page.headers, page.content)
    assert path == tmp_path / "127.0.0.1" / "news" / "index.html"
    with Fetcher(FAST, transport=replay_transport(tmp_path)) as replay:
        again = replay.fetch(srv.url("/news/"))
    assert (again.status, again.content) == (200, PAGE)
    assert again.headers["content-type"] == "text/html; charset=utf-8"
    assert again.headers["last-modified"] == "Tue, 18 Jun 2024 10:05:03 GMT"
