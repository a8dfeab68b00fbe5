"""The crawler's HTTP client: asynchronous, pooled, conditional, capped, retried.

Like ``Fetcher`` it follows and records redirects (a loop stops at ``MAX_REDIRECTS``),
streams the body under a size cap that holds after decompression, and retries only
transient transport failures with tenacity (exponential backoff with jitter). It adds:

1. keep-alive pools shared by all tasks, HTTP/2 where the server offers it;
2. a total deadline per attempt on top of httpx's connect/read timeouts, so a server
   that trickles bytes cannot hold a task forever;
3. conditional GET: ``If-None-Match`` / ``If-Modified-Since`` from the last visit.

httpx errors become ``FetchError`` here, once, with the reason and the attempt count.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import httpx
from tenacity import (
    AsyncRetrying,
    RetryError,
    retry_if_exception_type,
    stop_after_attempt,
    wait_exponential_jitter,
)

from scraper.errors import FetchError
from scraper.fetch import pool, sockets
from scraper.fetch.client import MAX_REDIRECTS, TRANSIENT, BodyTooLarge, FetchOptions, describe
from scraper.fetch.replay import replay_transport
from scraper.models import FetchedPage

MAX_BACKOFF_S = 8.0  # longest wait between two attempts


class TotalTimeout(Exception):
    """An attempt passed its total deadline (a server trickling bytes)."""


TRANSIENT_ASYNC = (*TRANSIENT, TotalTimeout)


@dataclass(frozen=True, slots=True)
class Conditional:
    """Validators from the last visit, sent so an unchanged page answers 304."""

    etag: str | None = None
    last_modified: str | None = None

    def headers(self) -> dict[str, str]:
        out = {}
        if self.etag:
            out["if-none-match"] = self.etag
        if self.last_modified:
            out["if-modified-since"] = self.last_modified
        return out


class PageFetcher(Protocol):
    """What the crawler fetches with: ``AsyncFetcher``, or the crawler's process pool
    of them (``scraper.crawl.fetchers.ProcessFetcher``)."""

    options: FetchOptions

    async def fetch(self, url: str, conditional: Conditional | None = None) -> FetchedPage:
        """The page, or ``FetchError`` when no usable response came back."""
        ...

    async def aclose(self) -> None:
        """Close connections (and processes)."""
        ...


class SetCookieJar(httpx.Cookies):
    """The client's cookie jar, which reads only responses that set a cookie.

    httpx hands every response to ``http.cookiejar`` through two adapter objects,
    about 5% of the crawler's event-loop time on a recrawl (cProfile), though a
    response without ``Set-Cookie`` (or ``Set-Cookie2``) can add nothing to the jar.
    """

    def extract_cookies(self, response: httpx.Response) -> None:
        headers = response.headers
        if "set-cookie" in headers or "set-cookie2" in headers:
            super().extract_cookies(response)


class AsyncFetcher:
    """Fetches pages concurrently over one pooled client."""

    def __init__(
        self,
        options: FetchOptions | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
        *,
        max_connections: int = 100,
        total_timeout_s: float | None = None,
    ) -> None:
        self.options = options or FetchOptions()
        self.total_timeout_s = total_timeout_s or self.options.timeout_s * 3
        if transport is None:
            limits = httpx.Limits(max_connections=max_connections, max_keepalive_connections=50)
            network = httpx.AsyncHTTPTransport(http2=True, limits=limits)
            sockets.install(network)
            pool.install(network)
            transport = network
        self._client = httpx.AsyncClient(
            transport=transport,
            follow_redirects=True,
            max_redirects=MAX_REDIRECTS,
            timeout=httpx.Timeout(self.options.timeout_s),
            headers={"user-agent": self.options.user_agent},
        )
        # httpx's property setter would copy the jar into a plain Cookies
        self._client._cookies = SetCookieJar()

    async def aclose(self) -> None:
        await self._client.aclose()

    async def fetch(self, url: str, conditional: Conditional | None = None) -> FetchedPage:
        """Fetch ``url``; raises ``FetchError`` when no usable response came back."""
        headers = conditional.headers() if conditional else {}
        try:
            return await self._fetch_retrying(url, headers)
        except RetryError as err:
            last = err.last_attempt.exception()
            reason = _reason(last) if last else "failed"
            raise FetchError(url, f"{reason} (after {self.options.attempts} attempts)") from last
        except httpx.TooManyRedirects as err:
            raise FetchError(url, f"more than {MAX_REDIRECTS} redirects (loop?)") from err
        except BodyTooLarge as err:
            raise FetchError(url, f"body larger than {self.options.max_bytes} bytes") from err
        except httpx.HTTPError as err:
            raise FetchError(url, describe(err)) from err

    async def _fetch_retrying(self, url: str, headers: dict[str, str]) -> FetchedPage:
        """The first attempt runs bare: nearly all succeed, and tenacity's machinery was
        about 5% of a recrawl's event loop (cProfile). A transient failure hands over to
        tenacity as its first attempt, so the backoff, the stop and the attempt count
        stay tenacity's own."""
        try:
            return await self._fetch_once(url, headers)
        except TRANSIENT_ASYNC as err:
            failed: BaseException | None = err

        async def attempt() -> FetchedPage:
            nonlocal failed
            if failed is not None:
                first, failed = failed, None
                raise first
            return await self._fetch_once(url, headers)

        return await self._retrying()(attempt)

    def _retrying(self) -> AsyncRetrying:
        return AsyncRetrying(
            retry=retry_if_exception_type(TRANSIENT_ASYNC),
            stop=stop_after_attempt(self.options.attempts),
            wait=wait_exponential_jitter(
                multiplier=self.options.backoff_s, max=MAX_BACKOFF_S, jitter=self.options.backoff_s
            ),
            reraise=False,
        )

    async def _fetch_once(self, url: str, headers: dict[str, str]) -> FetchedPage:
        started = time.perf_counter()
        try:
            async with asyncio.timeout(self.total_timeout_s):
                async with self._client.stream("GET", url, headers=headers) as response:
                    body = await self._read_capped(response)
        except TimeoutError as err:
            raise TotalTimeout(f"no complete response within {self.total_timeout_s:.0f} s") from err
        return FetchedPage(
            requested_url=url,
            url=str(response.url),
            status=response.status_code,
            headers={k.lower(): v for k, v in response.headers.items()},
            content=body,
            elapsed_ms=round((time.perf_counter() - started) * 1000),
            redirects=tuple(str(r.url) for r in response.history),
        )

    async def _read_capped(self, response: httpx.Response) -> bytes:
        chunks: list[bytes] = []
        size = 0
        async for chunk in response.aiter_bytes():
            size += len(chunk)
            if size > self.options.max_bytes:
                raise BodyTooLarge
            chunks.append(chunk)
        return b"".join(chunks)


def _reason(err: BaseException) -> str:
    if isinstance(err, TotalTimeout):
        return f"total timeout: {err}"
    return describe(err)


def async_fetcher(
    options: FetchOptions, replay: Path | None = None, *, max_connections: int = 100
) -> AsyncFetcher:
    """An ``AsyncFetcher`` on the network, or replaying saved pages from ``replay``."""
    transport = replay_transport(replay) if replay is not None else None
    return AsyncFetcher(options, transport, max_connections=max_connections)
