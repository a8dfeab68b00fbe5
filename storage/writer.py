"""The one write path: a capture, and maybe a version, in the caller's transaction.

1. Keep the raw body once (``storage.blobs``).
2. No content: an error or a skipped response is recorded as such; a 304 is
   ``not_modified`` and a body equal to the article's last one is a ``revisit``,
   both credited to the article the URL already belongs to.
3. Resolve the article from the capture's URLs (``storage.aliases``), creating it
   on first sight, and lock its row so that concurrent writers take turns.
4. Gates: a redirect to a home or section page, or a body that collapsed far below
   the current version, never becomes a version (outcome ``skipped``).
5. Compare the content hash with the current version: ``unchanged``, a revert to an
   older version, or a ``new``/``new_version``; versions are append-only and the
   article's pointer moves to the newest.
6. Record exact and near duplicates under other articles (``storage.dedupe``).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa

from storage import aliases, blobs, dedupe, frontier, schema
from storage.errors import ArchiveWriteError
from storage.prepare import PreparedContent, prepare
from storage.records import CaptureRecord, ContentRecord, CrawlUpdate, StoreResult
from storage.urls import redirected_home, site_of

# A version whose body has fewer words than this share of the current version's is a
# collapse (a teaser, a consent or error page served with 200), not an edit. Chosen from
# the fixture corpus: paywall teasers keep 5-30% of the story; rewrites that survive
# editing keep well above half. Only bodies of COLLAPSE_MIN_WORDS or more are judged.
COLLAPSE_RATIO = 0.4
COLLAPSE_MIN_WORDS = 120

# The write path's statements, built once: SQLAlchemy memoises a statement's cache key,
# so a statement reused with new parameters skips construction and compilation.
_A, _V, _C = schema.article, schema.article_version, schema.capture
_ID: sa.BindParameter[int] = sa.bindparam("b_id")
_VERSION: sa.BindParameter[int] = sa.bindparam("b_version")
_NOW: sa.BindParameter[datetime] = sa.bindparam("b_now")
_LOCK_ARTICLE = sa.select(_A.c.id).where(_A.c.id == _ID).with_for_update(key_share=True)
_TOUCH = _A.update().where(_A.c.id == _ID).values(last_seen=_NOW)
_SET_CURRENT = _A.update().where(_A.c.id == _ID).values(current_version=_VERSION, last_seen=_NOW)
_CURRENT = (
    sa.select(_V.c.version, _V.c.content_hash, _V.c.words)
    .join(_A, sa.and_(_A.c.id == _V.c.article_id, _A.c.current_version == _V.c.version))
    .where(_A.c.id == _ID)
)
_TEXT = sa.select(_V.c.text).where(_V.c.article_id == _ID, _V.c.version == _VERSION)
_OLDER = sa.select(sa.func.min(_V.c.version)).where(
    _V.c.article_id == _ID, _V.c.content_hash == sa.bindparam("b_hash")
)
_LAST_VERSION = sa.select(sa.func.max(_V.c.version)).where(_V.c.article_id == _ID)
_LAST_SHA = (
    sa.select(_C.c.blob_sha256)
    .where(_C.c.article_id == _ID, _C.c.blob_sha256.is_not(None))
    .order_by(_C.c.id.desc())
    .limit(1)
)
_INSERT_CAPTURE = _C.insert()
_INSERT_VERSION = _V.insert()


@dataclass(frozen=True, slots=True)
class _Current:
    version: int
    content_hash: str
    words: int | None


class Writer:
    """The steps of one ``store`` call, sharing its connection and capture."""

    def __init__(self, conn: sa.Connection, capture: CaptureRecord) -> None:
        self.conn = conn
        self.capture = capture
        self.now = datetime.now(UTC)

    def write(
        self, content: ContentRecord | PreparedContent | None, crawl: CrawlUpdate | None = None
    ) -> StoreResult:
        result = self._write(prepare(content) if content is not None else None)
        if crawl is not None:
            error = crawl.failed and (self.capture.error or "failed")
            frontier.complete(self.conn, crawl, result.outcome, self.now)
            if error:
                frontier.fail_reason(self.conn, crawl.url, str(error))
        return result

    def _write(self, content: PreparedContent | None) -> StoreResult:
        c = self.capture
        kept = c.body is not None and c.status != 304  # a 304 has no body to keep
        site = site_of(c.final_url or c.requested_url) if kept else None
        sha = blobs.put(self.conn, c.body, site or None) if kept and c.body is not None else None
        if content is None:
            return self._without_content(sha)
        home = redirected_home(c.requested_url, c.final_url)
        if home:
            return self._skip(sha, aliases.known_article(self.conn, c), home)
        resolved = aliases.resolve(self.conn, c, content.content, self.now)
        self._lock(resolved)
        return self._with_content(resolved, sha, content)

    def _without_content(self, sha: str | None) -> StoreResult:
        c = self.capture
        article_id = aliases.known_article(self.conn, c)
        if c.error is not None or c.skipped:
            outcome = "skipped" if c.skipped else "error"
            return StoreResult(self._insert_capture(article_id, sha, outcome), outcome, article_id)
        if c.status == 304:
            outcome = "not_modified"
        elif sha is not None and article_id is not None and self._last_sha(article_id) == sha:
            outcome = "revisit"
        else:
            raise ArchiveWriteError(
                f"no content given for {c.requested_url}, and its body is not a revisit"
            )
        self._touch(article_id)
        current = self._current(article_id) if article_id is not None else None
        version = current.version if current is not None else None
        capture_id = self._insert_capture(article_id, sha, outcome)
        return StoreResult(capture_id, outcome, article_id, version)

    def _with_content(
        self, article_id: int, sha: str | None, content: PreparedContent
    ) -> StoreResult:
        digest = content.digest
        current = self._current(article_id)
        if current is not None and current.content_hash == digest:
            capture_id = self._insert_capture(article_id, sha, "unchanged")
            return StoreResult(capture_id, "unchanged", article_id, current.version)
        collapse = _collapse(current, content.body_words)
        if collapse:
            return self._skip(sha, article_id, collapse)
        reverted_to = None if current is None else self._older_version(article_id, digest)
        version = 1 if current is None else self._last_version(article_id) + 1
        outcome = "new" if version == 1 else "new_version"
        capture_id = self._insert_capture(article_id, sha, outcome)
        self._insert_version(article_id, version, capture_id, digest, content.columns, reverted_to)
        if reverted_to is None:
            dedupe.record(self.conn, article_id, version, content, self.now)
        return StoreResult(capture_id, outcome, article_id, version, reverted_to)

    def _skip(self, sha: str | None, article_id: int | None, reason: str) -> StoreResult:
        capture_id = self._insert_capture(article_id, sha, "skipped", error=reason)
        return StoreResult(capture_id, "skipped", article_id, reason=reason)

    def _lock(self, article_id: int) -> None:
        """Concurrent writers of one article take turns from here (a no-op on SQLite,
        whose writers already hold the database's one write lock)."""
        if self.conn.dialect.name != "sqlite":
            self.conn.execute(_LOCK_ARTICLE, {"b_id": article_id})

    def _touch(self, article_id: int | None) -> None:
        if article_id is not None:
            self.conn.execute(_TOUCH, {"b_id": article_id, "b_now": self.now})

    def _current(self, article_id: int) -> _Current | None:
        row = self.conn.execute(_CURRENT, {"b_id": article_id}).first()
        if row is None:
            return None
        words = row.words
        if words is None:  # a version stored before word counts were kept
            text = self.conn.execute(_TEXT, {"b_id": article_id, "b_version": row.version})
            words = len(str(text.scalar() or "").split())
        return _Current(row.version, row.content_hash, words)

    def _older_version(self, article_id: int, digest: str) -> int | None:
        return self.conn.execute(_OLDER, {"b_id": article_id, "b_hash": digest}).scalar()

    def _last_version(self, article_id: int) -> int:
        last = self.conn.execute(_LAST_VERSION, {"b_id": article_id}).scalar()
        return int(last or 0)

    def _last_sha(self, article_id: int) -> str | None:
        return self.conn.execute(_LAST_SHA, {"b_id": article_id}).scalar()

    def _insert_capture(
        self, article_id: int | None, sha: str | None, outcome: str, error: str | None = None
    ) -> int:
        row = capture_row(self.capture, article_id, sha, outcome, error)
        return new_id(self.conn.execute(_INSERT_CAPTURE, row))

    def _insert_version(
        self,
        article_id: int,
        version: int,
        capture_id: int,
        digest: str,
        columns: dict[str, Any],
        reverted_to: int | None,
    ) -> None:
        row = {
            "article_id": article_id,
            "version": version,
            "capture_id": capture_id,
            "fetched_at": self.capture.fetched_at,
            "content_hash": digest,
            "reverted_to": reverted_to,
            **columns,
        }
        self.conn.execute(_INSERT_VERSION, row)
        params = {"b_id": article_id, "b_version": version, "b_now": self.now}
        self.conn.execute(_SET_CURRENT, params)


def capture_row(
    c: CaptureRecord, article_id: int | None, sha: str | None, outcome: str, error: str | None
) -> dict[str, Any]:
    """The ``capture`` table's row for ``c`` (the one place it is built)."""
    headers = {k.lower(): v for k, v in c.headers.items()}
    return {
        "article_id": article_id,
        "requested_url": c.requested_url,
        "final_url": c.final_url,
        "redirects": json.dumps(list(c.redirects)),
        "status": c.status,
        "fetched_at": c.fetched_at,
        "elapsed_ms": c.elapsed_ms,
        "bytes": len(c.body) if c.body is not None else None,
        "headers": json.dumps(headers, ensure_ascii=False, sort_keys=True),
        "etag": headers.get("etag"),
        "last_modified": headers.get("last-modified"),
        "blob_sha256": sha,
        "outcome": outcome,
        "error": error if error is not None else c.error,
    }


def _collapse(current: _Current | None, words: int) -> str | None:
    """Why a body this short cannot be the next version of ``current``, or None."""
    if current is None or current.words is None or current.words < COLLAPSE_MIN_WORDS:
        return None
    if words >= COLLAPSE_RATIO * current.words:
        return None
    return f"body collapsed to {words} words from {current.words} in v{current.version}"


def new_id(result: sa.CursorResult[Any]) -> int:
    key = result.inserted_primary_key
    if key is None:
        raise ArchiveWriteError("the database returned no id for a new row")
    return int(key[0])


def refresh(conn: sa.Connection, article_id: int, version: int, content: ContentRecord) -> bool:
    """Re-derive a stored version from the current parser; True when its fields changed.

    The version keeps its number, capture and fetch time: the editorial history is
    the same captures read again, so a parser upgrade never shows up as an edit.
    """
    v, f = schema.article_version, schema.version_fingerprint
    where = sa.and_(v.c.article_id == article_id, v.c.version == version)
    before = conn.execute(sa.select(v.c.content_hash).where(where)).scalar_one()
    prepared = prepare(content)
    conn.execute(v.update().where(where).values(content_hash=prepared.digest, **prepared.columns))
    conn.execute(f.delete().where(f.c.article_id == article_id, f.c.version == version))
    dedupe.post(conn, article_id, version, list(prepared.prints))
    return bool(before != prepared.digest)
