"""Fetch -> parse -> store: the one scraper module that imports ``storage``.

For each URL:
1. the fetcher downloads it (live, or from a replay directory) into a ``FetchedPage``;
   (a string that is not an http(s) URL is reported and not recorded: nothing was fetched);
2. an HTTP error status, or a body that is not HTML, is recorded as a capture
   with its reason and goes no further;
3. a 304, or a body byte-identical to the article's last one, is recorded as
   ``not_modified`` / ``revisit`` without parsing;
4. when the article's current version came from another parser version, its raw
   snapshots are re-extracted first, so that a parser upgrade is never taken for an
   editorial change;
5. the parser turns bytes + final URL into an ``Article``; a redirect to a home or
   section page, an index page, a paywall teaser or a consent wall is recorded as
   ``skipped`` with its reason;
6. the article is mapped to the archive's ``ContentRecord`` and stored with its
   capture in one transaction; the archive decides new / new_version / unchanged.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from scraper.errors import FetchError, InputError, NotHTMLError
from scraper.models import Article, FetchedPage
from scraper.parse import PARSER_VERSION, parse_html
from scraper.parse.profiles import Profile
from scraper.walls import wall_reason
from storage import CaptureRecord, ContentRecord, redirected_home
from storage.prepare import PreparedContent

if TYPE_CHECKING:  # workers parse without the HTTP client and the archive's engine
    from scraper.fetch import Fetcher
    from storage import Archive, CrawlUpdate, Snapshot, StoreResult


HTML_TYPES = ("text/html", "application/xhtml+xml")
FIRST_ERROR_STATUS = 400
NOT_MODIFIED = 304
NOT_AN_ARTICLE = "not an article (an index page)"


@dataclass(frozen=True, slots=True)
class FetchReport:
    """What happened to one URL, for the one-line-per-URL output."""

    url: str
    status: int | None
    outcome: str
    article_id: int | None = None
    version: int | None = None
    reverted_to: int | None = None
    error: str | None = None
    invalid: bool = False

    @property
    def failed(self) -> bool:
        return self.outcome == "error"

    def line(self) -> str:
        status = str(self.status) if self.status is not None else "---"
        text = f"{status:>3}  {self.outcome:<11}  {self.url}"
        if self.article_id is not None:
            text += f"  (article {self.article_id}, v{self.version}"
            text += f", reverted to v{self.reverted_to})" if self.reverted_to else ")"
        if self.error:
            text += f"  {self.error}"
        return text


def fetch_and_store(url: str, fetcher: Fetcher, archive: Archive) -> FetchReport:
    """Run the whole pipeline for one URL and report what it did."""
    fetched_at = datetime.now(UTC)
    try:
        page = fetcher.fetch(url)
    except InputError as err:  # not a URL at all: nothing was fetched, nothing to record
        return FetchReport(url, None, "error", error=str(err), invalid=True)
    except FetchError as err:
        return store_failure(url, err.reason, fetched_at, archive)
    early = store_before_parse(page, fetched_at, archive)
    if early is not None:
        return early
    return store_parsed(page, fetched_at, parse_page(page), archive)


def store_failure(
    url: str,
    reason: str,
    fetched_at: datetime,
    archive: Archive,
    crawl: CrawlUpdate | None = None,
    *,
    skipped: bool = False,
) -> FetchReport:
    """Record a fetch that got no usable response (step 1's failures), or that was
    not attempted on purpose (``skipped``: robots.txt says no)."""
    capture = CaptureRecord(url, None, None, fetched_at, error=reason, skipped=skipped)
    return _report(url, None, archive.store(capture, crawl=crawl), reason)


def store_before_parse(
    page: FetchedPage, fetched_at: datetime, archive: Archive, crawl: CrawlUpdate | None = None
) -> FetchReport | None:
    """Steps 2-4: record a response that needs no parse; None when it must be parsed."""
    url = page.requested_url
    problem = _refusal(page)
    if problem is not None:
        skipped = page.status < FIRST_ERROR_STATUS
        capture = _capture(page, fetched_at, error=problem, skipped=skipped)
        return _report(url, page.status, archive.store(capture, crawl=crawl), problem)
    if page.status == NOT_MODIFIED or _is_revisit(page, archive):
        result = archive.store(_capture(page, fetched_at), crawl=crawl)
        return _report(url, page.status, result, None)
    return None


def store_not_modified(
    items: Sequence[tuple[FetchedPage, datetime, CrawlUpdate | None]], archive: Archive
) -> list[FetchReport]:
    """Step 3 for a batch of 304 answers: recorded together, in one transaction."""
    results = archive.store_many([(_capture(page, at), None, crawl) for page, at, crawl in items])
    return [
        _report(page.requested_url, page.status, result, None)
        for (page, _, _), result in zip(items, results, strict=True)
    ]


def parse_page(page: FetchedPage, profile: Profile | None = None) -> Article | str:
    """Step 5's parse: the article, or why the bytes are not an HTML document.

    Pure and picklable both ways, so the crawler runs it in worker processes.
    """
    try:
        return parse_html(page.content, page.url, http_charset=page.charset, profile=profile)
    except NotHTMLError as err:
        return str(err)


def store_parsed(
    page: FetchedPage,
    fetched_at: datetime,
    parsed: Article | str,
    archive: Archive,
    crawl: CrawlUpdate | None = None,
) -> FetchReport:
    """Steps 5-6: gate the parsed page, then store it with its capture."""
    return store_parsed_many([(page, fetched_at, gate(page, parsed), crawl)], archive)[0]


@dataclass(frozen=True, slots=True)
class Gated:
    """Step 5's verdict on a parsed page: the content to store, or why there is none.

    Picklable: the crawler's workers gate (and prepare) what they parse."""

    reason: str | None
    content: ContentRecord | PreparedContent | None = None


def gate(page: FetchedPage, parsed: Article | str) -> Gated:
    """Skip the page (a home redirect, an index page, a wall, not HTML) or keep it."""
    reason = parsed if isinstance(parsed, str) else skip_reason(page, parsed)
    if reason is not None or isinstance(parsed, str):
        return Gated(reason)
    return Gated(None, to_content(parsed))


def store_parsed_many(
    items: Sequence[tuple[FetchedPage, datetime, Gated, CrawlUpdate | None]], archive: Archive
) -> list[FetchReport]:
    """Step 6 for gated pages that arrived together: one transaction for all."""
    stores = [
        (_capture(page, at, error=g.reason, skipped=g.reason is not None), g.content, crawl)
        for page, at, g, crawl in items
    ]
    results = archive.store_many(stores)
    return [
        _report(page.requested_url, page.status, result, g.reason)
        for (page, _, g, _), result in zip(items, results, strict=True)
    ]


def skip_reason(page: FetchedPage, article: Article) -> str | None:
    """Why a parsed page never becomes a version: home redirect, index page, a wall."""
    reason = redirected_home(page.requested_url, page.url)
    if reason is None and not article.is_article:
        reason = NOT_AN_ARTICLE
    return reason if reason is not None else wall_reason(article, page.content)


def _is_revisit(page: FetchedPage, archive: Archive) -> bool:
    """True when the body is the article's last one; re-extracts stale versions on the way."""
    state = archive.state(page.requested_url, page.url)
    if state is None:
        return False
    if state.body_sha256 == hashlib.sha256(page.content).hexdigest():
        return True
    if state.parser_version is not None and state.parser_version != PARSER_VERSION:
        archive.reparse(extract_snapshot, article_id=state.article_id, stale_for=PARSER_VERSION)
    return False


def extract_snapshot(snapshot: Snapshot) -> ContentRecord | None:
    """Re-extract a stored raw snapshot with this parser (``scraper reparse``)."""
    page = FetchedPage(
        snapshot.final_url, snapshot.final_url, 200, snapshot.headers, snapshot.body, 0
    )
    try:
        return to_content(parse_html(page.content, page.url, http_charset=page.charset))
    except NotHTMLError:
        return None


def _refusal(page: FetchedPage) -> str | None:
    """Why this response is not parsed, or None when it should be."""
    if page.status >= FIRST_ERROR_STATUS:
        return f"HTTP {page.status}"
    if page.status == NOT_MODIFIED:
        return None
    kind = page.content_type.split(";")[0].strip().lower()
    if kind and kind not in HTML_TYPES:
        return f"not HTML (content-type {kind})"
    return None


def _capture(
    page: FetchedPage, fetched_at: datetime, *, error: str | None = None, skipped: bool = False
) -> CaptureRecord:
    return CaptureRecord(
        requested_url=page.requested_url,
        final_url=page.url,
        status=page.status,
        fetched_at=fetched_at,
        elapsed_ms=page.elapsed_ms,
        headers=page.headers,
        body=page.content,
        redirects=page.redirects,
        error=error,
        skipped=skipped,
    )


def to_content(article: Article) -> ContentRecord:
    """Map the parser's ``Article`` to the archive's input record."""
    return ContentRecord(
        canonical_url=article.url,
        title=article.title,
        bylines=article.bylines,
        published=article.published,
        modified=article.modified,
        language=article.language,
        lead=article.lead,
        paragraphs=article.paragraphs,
        subheadings=article.subheadings,
        captions=article.captions,
        text=article.text,
        comment_form=article.comment_form.to_dict() if article.comment_form else None,
        parser_version=PARSER_VERSION,
    )


def _report(url: str, status: int | None, result: StoreResult, error: str | None) -> FetchReport:
    return FetchReport(
        url=url,
        status=status,
        outcome=result.outcome,
        article_id=result.article_id,
        version=result.version,
        reverted_to=result.reverted_to,
        error=error if error is not None else result.reason,
    )
