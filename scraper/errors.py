"""The scraper's error tree. Every error a user can cause or meet derives from ``ScraperError``::

    ScraperError
    ├── InputError            bad input from the user (missing/empty file, bad URL, bad option)
    │   └── NotHTMLError      the bytes are not an HTML document (binary, empty, other type)
    └── FetchError            the page could not be fetched (DNS, connect, timeout, protocol)

Archive errors live in ``storage.StorageError`` (``storage`` never imports ``scraper``).
Lower-level errors (httpx, OSError) are translated once, where they are raised, with
``raise ... from exc``; the CLI turns any of these into a one-line message and exit code.
"""

from __future__ import annotations


class ScraperError(Exception):
    """Base of every error the scraper raises on purpose."""


class InputError(ScraperError):
    """The user gave input we cannot use."""


class NotHTMLError(InputError):
    """The bytes given to the parser are not an HTML document."""


class FetchError(ScraperError):
    """A URL could not be fetched; ``url`` names it."""

    def __init__(self, url: str, reason: str) -> None:
        super().__init__(f"{url}: {reason}")
        self.url = url
        self.reason = reason
