"""The HTTP client: the one module that talks to httpx.

It fetches one URL at a time with redirects followed and recorded, a streamed
body with a size cap that holds after decompression, and tenacity retries for
transient transport failures only. httpx errors become ``FetchError`` (the page
could not be had) or ``InputError`` (the URL itself is unusable), here and once.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from urllib.parse import urlsplit

import httpx
from tenacity import (
    RetryError,
    Retrying,
    retry_if_exception_type,
    stop_after_attempt,
    wait_exponential_jitter,
)

from scraper.errors import FetchError, InputError
from scraper.models import FetchedPage

DEFAULT_USER_AGENT = "news-scraper-archive/0.1 (archival news crawler; +https://pypi.org/project/news-scraper-archive/)"
DEFAULT_TIMEOUT_S = 20.0
DEFAULT_MAX_BYTES = (
    20 * 1024 * 1024
)  # real article pages are < 2 MB; 20 MB leaves room, stops abuse
MAX_REDIRECTS = 10
FETCHABLE_SCHEMES = ("http", "https")
# Transient failures worth another try; anything else (bad URL, too many redirects) is final.
TRANSIENT = (httpx.TimeoutException, httpx.NetworkError, httpx.RemoteProtocolError)


@dataclass(frozen=True, slots=True)
class FetchOptions:
    """How politely and how patiently to fetch."""

    user_agent: str = DEFAULT_USER_AGENT
    timeout_s: float = DEFAULT_TIMEOUT_S
    max_bytes: int = DEFAULT_MAX_BYTES
    attempts: int = 3
    backoff_s: float = 0.5


class BodyTooLarge(Exception):
    """Raised inside the stream loop when the decoded body passes the cap."""


class Fetcher:
    """Fetches pages over ``transport`` (the real network, or a replay of saved pages)."""

    def __init__(
        self, options: FetchOptions | None = None, transport: httpx.BaseTransport | None = None
    ) -> None:
        self.options = options or FetchOptions()
        self._client = httpx.Client(
            transport=transport,
            follow_redirects=True,
            max_redirects=MAX_REDIRECTS,
            timeout=httpx.Timeout(self.options.timeout_s),
            headers={"user-agent": self.options.user_agent},
        )

    def close(self) -> None:
        self._client.close()

    def __enter__(self) -> Fetcher:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def fetch(self, url: str) -> FetchedPage:
        """Fetch ``url``; raises ``FetchError`` when no usable response came back.

        Raises ``InputError`` when ``url`` is not an absolute http(s) URL.
        """
        parts = urlsplit(url)
        if parts.scheme.lower() not in FETCHABLE_SCHEMES or not parts.netloc:
            raise InputError(f"not a fetchable URL: {url!r} (need an absolute http(s) URL)")
        retrying = Retrying(
            retry=retry_if_exception_type(TRANSIENT),
            stop=stop_after_attempt(self.options.attempts),
            wait=wait_exponential_jitter(
                multiplier=self.options.backoff_s, max=8.0, jitter=self.options.backoff_s
            ),
            reraise=False,
        )
        try:
            return retrying(self._fetch_once, url)
        except RetryError as err:
            last = err.last_attempt.exception()
            reason = describe(last) if last else "failed"
            raise FetchError(url, f"{reason} (after {self.options.attempts} attempts)") from last
        except (httpx.InvalidURL, httpx.UnsupportedProtocol) as err:
            raise InputError(f"not a fetchable URL: {url!r} ({err})") from err
        except httpx.TooManyRedirects as err:
            raise FetchError(url, f"more than {MAX_REDIRECTS} redirects (loop?)") from err
        except BodyTooLarge as err:
            raise FetchError(url, f"body larger than {self.options.max_bytes} bytes") from err
        except httpx.HTTPError as err:
            raise FetchError(url, describe(err)) from err

    def _fetch_once(self, url: str) -> FetchedPage:
        started = time.perf_counter()
        with self._client.stream("GET", url) as response:
            body = self._read_capped(response)
        return FetchedPage(
            requested_url=url,
            url=str(response.url),
            status=response.status_code,
            headers={k.lower(): v for k, v in response.headers.items()},
            content=body,
            elapsed_ms=round((time.perf_counter() - started) * 1000),
            redirects=tuple(str(r.url) for r in response.history),
        )

    def _read_capped(self, response: httpx.Response) -> bytes:
        chunks: list[bytes] = []
        size = 0
        for chunk in response.iter_bytes():
            size += len(chunk)
            if size > self.options.max_bytes:
                raise BodyTooLarge
            chunks.append(chunk)
        return b"".join(chunks)


def describe(err: BaseException) -> str:
    """A short human reason for a transport error."""
    kinds: dict[type[BaseException], str] = {
        httpx.ConnectTimeout: "connect timeout",
        httpx.ReadTimeout: "read timeout",
        httpx.ConnectError: "cannot connect",
        httpx.ReadError: "connection broken",
        httpx.RemoteProtocolError: "protocol error",
        httpx.DecodingError: "cannot decode body",
    }
    kind = kinds.get(type(err), type(err).__name__)
    detail = str(err).strip().splitlines()[0] if str(err).strip() else ""
    return f"{kind}: {detail}" if detail and detail != kind else kind
