"""Input records: what a caller hands to ``Archive.store``, and what it gets back.

They are plain frozen dataclasses so that ``storage`` needs nothing from ``scraper``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

OUTCOMES = ("new", "new_version", "unchanged", "revisit", "not_modified", "error", "skipped")


@dataclass(frozen=True, slots=True)
class CaptureRecord:
    """One fetch event. ``body`` is the raw bytes (None when nothing was received).

    ``error`` is set when the fetch or the parse failed; ``skipped`` marks a response
    that was received but deliberately not archived (e.g. not HTML).
    """

    requested_url: str
    final_url: str | None
    status: int | None
    fetched_at: datetime
    elapsed_ms: int | None = None
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes | None = None
    redirects: tuple[str, ...] = ()
    error: str | None = None
    skipped: bool = False


@dataclass(frozen=True, slots=True)
class ContentRecord:
    """The editorial content extracted from one capture."""

    canonical_url: str | None
    title: str | None
    bylines: tuple[str, ...]
    published: str | None
    modified: str | None
    language: str | None
    lead: str | None
    paragraphs: tuple[str, ...]
    subheadings: tuple[str, ...]
    captions: tuple[str, ...]
    text: str
    comment_form: dict[str, Any] | None
    parser_version: str


@dataclass(frozen=True, slots=True)
class StoreResult:
    """What one ``store`` call did. ``outcome`` is one of ``OUTCOMES``."""

    capture_id: int
    outcome: str
    article_id: int | None = None
    version: int | None = None
    reverted_to: int | None = None
    reason: str | None = None  # why the archive skipped it (a collapse, a home redirect)


@dataclass(frozen=True, slots=True)
class QueryResult:
    """The columns and rows of a read-only query."""

    columns: tuple[str, ...]
    rows: tuple[tuple[Any, ...], ...]


@dataclass(frozen=True, slots=True)
class ArticleState:
    """What the archive holds for a URL: enough to skip a parse or notice a stale parser."""

    article_id: int
    version: int | None
    parser_version: str | None
    body_sha256: str | None


@dataclass(frozen=True, slots=True)
class VersionRow:
    """One stored version, as ``scraper history`` and ``scraper diff`` read it."""

    article_id: int
    version: int
    fetched_at: datetime
    content_hash: str
    parser_version: str
    title: str | None
    bylines: tuple[str, ...]
    lead: str | None
    paragraphs: tuple[str, ...]
    subheadings: tuple[str, ...]
    captions: tuple[str, ...]
    words: int | None
    reverted_to: int | None


@dataclass(frozen=True, slots=True)
class Snapshot:
    """A version's raw capture, for re-extraction with the current parser."""

    article_id: int
    version: int
    parser_version: str
    final_url: str
    headers: dict[str, str]
    body: bytes


@dataclass(frozen=True, slots=True)
class ReparseResult:
    """What ``Archive.reparse`` did: versions seen, re-extracted, and changed by it."""

    seen: int = 0
    reparsed: int = 0
    changed: int = 0
    failed: int = 0


@dataclass(frozen=True, slots=True)
class FrontierURL:
    """A URL to put in the crawl frontier (ignored when the frontier knows it already)."""

    url: str
    host: str
    kind: str = "unknown"  # article, index, sitemap, feed, unknown
    depth: int = 0
    priority: int = 0
    source: str | None = None
    published: str | None = None
    due_at: datetime | None = None  # None: due now


@dataclass(frozen=True, slots=True)
class Claim:
    """A frontier URL leased to one worker until ``lease_until``."""

    url: str
    host: str
    kind: str
    depth: int
    source: str | None
    attempts: int
    etag: str | None
    last_modified: str | None
    first_seen: datetime
    last_change: datetime | None
    published: str | None


@dataclass(frozen=True, slots=True)
class CrawlUpdate:
    """What a crawl learnt from fetching ``url``; stored with its capture, atomically.

    ``next_due`` maps the archive's outcome (``new_version`` means the article changed)
    to the next visit, or None when the URL is done. ``failed`` marks a failure that
    counts against ``max_attempts``; ``retry_at`` overrides the next try (Retry-After).
    """

    url: str
    owner: str
    next_due: Callable[[str], datetime | None]
    links: tuple[FrontierURL, ...] = ()
    failed: bool = False
    max_attempts: int = 3
    retry_at: datetime | None = None
    etag: str | None = None
    last_modified: str | None = None
    published: str | None = None
    kind: str | None = None
