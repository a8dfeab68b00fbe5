"""The archive: the one transactional write path, and read-only queries.

``Archive.store`` records one capture and, when the editorial content changed, a
new version, all in one transaction: either every row of a capture is written or
none is.

Write path (one transaction):
1. store the raw body once, keyed by its sha256 and compressed with zstd;
2. without content (fetch error, skipped page) record the capture and stop;
3. find the article through its URL aliases (canonical, final, requested) or create it;
4. compare the content hash with the current version: unchanged, new version,
   or "reverted to vN" when it equals an older version;
5. record the capture, then the version, then move the article's pointer.
"""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
import zstandard
from sqlalchemy import exc
from sqlalchemy.engine import Engine

from storage import schema
from storage.engine import create_engine, first_line, safe_url
from storage.errors import ArchiveWriteError
from storage.identity import content_hash, normalize_url, site_of
from storage.query import run_read_only
from storage.records import CaptureRecord, ContentRecord, QueryResult, StoreResult

ZSTD_LEVEL = 10  # HTML compresses ~6-8x at this level; higher levels cost far more CPU


def open_archive(url: str) -> Archive:
    """Open (and on first use create) the archive at SQLAlchemy URL ``url``."""
    return Archive(create_engine(url))


class Archive:
    """A relational archive of captures, articles and their versions."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    @property
    def url(self) -> str:
        """The archive's URL with any password masked."""
        return safe_url(self._engine.url)

    def close(self) -> None:
        self._engine.dispose()

    def __enter__(self) -> Archive:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def query(self, sql: str) -> QueryResult:
        """Run one read-only statement; writes are refused and leave no trace."""
        return run_read_only(self._engine, sql)

    def store(self, capture: CaptureRecord, content: ContentRecord | None = None) -> StoreResult:
        """Record ``capture`` (and ``content`` when given) in one transaction."""
        try:
            with self._engine.begin() as conn:
                return _Writer(conn, capture).write(content)
        except exc.SQLAlchemyError as err:
            raise ArchiveWriteError(
                f"could not store {capture.requested_url}: {first_line(err)}"
            ) from err


class _Writer:
    """The steps of one ``store`` call, sharing its connection and capture."""

    def __init__(self, conn: sa.Connection, capture: CaptureRecord) -> None:
        self.conn = conn
        self.capture = capture
        self.now = datetime.now(UTC)

    def write(self, content: ContentRecord | None) -> StoreResult:
        sha = self._put_blob(self.capture.body) if self.capture.body is not None else None
        if content is None:
            outcome = "skipped" if self.capture.skipped else "error"
            return StoreResult(self._insert_capture(None, sha, outcome), outcome)
        article_id = self._resolve_article(content)
        digest = _content_hash(content)
        current, reverted_to = self._compare(article_id, digest)
        if current is not None:
            return StoreResult(
                self._insert_capture(article_id, sha, "unchanged"), "unchanged", article_id, current
            )
        version, outcome = self._next_version(article_id)
        capture_id = self._insert_capture(article_id, sha, outcome)
        self._insert_version(article_id, version, capture_id, digest, content, reverted_to)
        return StoreResult(capture_id, outcome, article_id, version, reverted_to)

    def _put_blob(self, body: bytes) -> str:
        sha = hashlib.sha256(body).hexdigest()
        found = self.conn.execute(
            sa.select(schema.blob.c.sha256).where(schema.blob.c.sha256 == sha)
        ).first()
        if found is None:
            data = zstandard.ZstdCompressor(level=ZSTD_LEVEL).compress(body)
            self.conn.execute(
                schema.blob.insert().values(sha256=sha, size=len(body), codec="zstd", data=data)
            )
        return sha

    def _resolve_article(self, content: ContentRecord) -> int:
        aliases = _aliases(self.capture, content)
        table = schema.article_url
        rows = self.conn.execute(
            sa.select(table.c.url, table.c.article_id).where(
                table.c.url.in_([u for u, _ in aliases])
            )
        ).all()
        known = {url: article_id for url, article_id in rows}
        article_id = next((known[u] for u, _ in aliases if u in known), None)
        if article_id is None:
            article_id = self._create_article(aliases[0][0])
        else:
            self.conn.execute(
                schema.article.update()
                .where(schema.article.c.id == article_id)
                .values(last_seen=self.now)
            )
        for url, kind in aliases:
            if url not in known:
                self.conn.execute(
                    table.insert().values(
                        url=url, article_id=article_id, kind=kind, first_seen=self.now
                    )
                )
        return article_id

    def _create_article(self, url: str) -> int:
        result = self.conn.execute(
            schema.article.insert().values(
                url=url, site=site_of(url), first_seen=self.now, last_seen=self.now
            )
        )
        return _new_id(result)

    def _compare(self, article_id: int, digest: str) -> tuple[int | None, int | None]:
        """(current version if unchanged, older version number if this is a revert)."""
        v, a = schema.article_version, schema.article
        current = self.conn.execute(
            sa.select(v.c.version, v.c.content_hash)
            .join(a, sa.and_(a.c.id == v.c.article_id, a.c.current_version == v.c.version))
            .where(a.c.id == article_id)
        ).first()
        if current is not None and current.content_hash == digest:
            return current.version, None
        older = self.conn.execute(
            sa.select(sa.func.min(v.c.version)).where(
                v.c.article_id == article_id, v.c.content_hash == digest
            )
        ).scalar()
        return None, older

    def _next_version(self, article_id: int) -> tuple[int, str]:
        v = schema.article_version
        last = self.conn.execute(
            sa.select(sa.func.max(v.c.version)).where(v.c.article_id == article_id)
        ).scalar()
        return (1, "new") if last is None else (int(last) + 1, "new_version")

    def _insert_capture(self, article_id: int | None, sha: str | None, outcome: str) -> int:
        c = self.capture
        headers = {k.lower(): v for k, v in c.headers.items()}
        result = self.conn.execute(
            schema.capture.insert().values(
                article_id=article_id,
                requested_url=c.requested_url,
                final_url=c.final_url,
                redirects=json.dumps(list(c.redirects)),
                status=c.status,
                fetched_at=c.fetched_at,
                elapsed_ms=c.elapsed_ms,
                bytes=len(c.body) if c.body is not None else None,
                headers=json.dumps(headers, ensure_ascii=False, sort_keys=True),
                etag=headers.get("etag"),
                last_modified=headers.get("last-modified"),
                blob_sha256=sha,
                outcome=outcome,
                error=c.error,
            )
        )
        return _new_id(result)

    def _insert_version(
        self,
        article_id: int,
        version: int,
        capture_id: int,
        digest: str,
        content: ContentRecord,
        reverted_to: int | None,
    ) -> None:
        self.conn.execute(
            schema.article_version.insert().values(
                article_id=article_id,
                version=version,
                capture_id=capture_id,
                fetched_at=self.capture.fetched_at,
                content_hash=digest,
                reverted_to=reverted_to,
                **_version_columns(content),
            )
        )
        self.conn.execute(
            schema.article.update()
            .where(schema.article.c.id == article_id)
            .values(current_version=version, last_seen=self.now)
        )


def _new_id(result: sa.CursorResult[Any]) -> int:
    key = result.inserted_primary_key
    if key is None:
        raise ArchiveWriteError("the database returned no id for a new row")
    return int(key[0])


def _aliases(capture: CaptureRecord, content: ContentRecord) -> list[tuple[str, str]]:
    """Every URL this capture is known by, most authoritative first, each once."""
    candidates = [
        (content.canonical_url, "canonical"),
        (capture.final_url, "final"),
        (capture.requested_url, "requested"),
    ]
    seen: dict[str, str] = {}
    for url, kind in candidates:
        if url:
            seen.setdefault(normalize_url(url), kind)
    return list(seen.items())


def _content_hash(content: ContentRecord) -> str:
    return content_hash(
        title=content.title,
        bylines=content.bylines,
        lead=content.lead,
        paragraphs=content.paragraphs,
        subheadings=content.subheadings,
        captions=content.captions,
    )


def _version_columns(content: ContentRecord) -> dict[str, Any]:
    def dump(value: object) -> str:
        return json.dumps(value, ensure_ascii=False)

    return {
        "parser_version": content.parser_version,
        "title": content.title,
        "bylines": dump(list(content.bylines)),
        "published": content.published,
        "modified": content.modified,
        "language": content.language,
        "lead": content.lead,
        "text": content.text,
        "paragraphs": dump(list(content.paragraphs)),
        "subheadings": dump(list(content.subheadings)),
        "captions": dump(list(content.captions)),
        "comment_form": dump(content.comment_form) if content.comment_form is not None else None,
    }
