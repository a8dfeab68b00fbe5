"""Fetching: the HTTP client and the replay/record transport (httpx lives only here)."""

from scraper.fetch.async_client import AsyncFetcher, Conditional, PageFetcher, async_fetcher
from scraper.fetch.client import DEFAULT_USER_AGENT, Fetcher, FetchOptions
from scraper.fetch.replay import path_for, replay_transport, write_recording

__all__ = [
    "DEFAULT_USER_AGENT",
    "AsyncFetcher",
    "Conditional",
    "FetchOptions",
    "Fetcher",
    "PageFetcher",
    "async_fetcher",
    "path_for",
    "replay_transport",
    "write_recording",
]
