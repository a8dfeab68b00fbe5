"""Reads behind the CLI: find an article by any alias, list its versions, load snapshots."""

from __future__ import annotations

import json
from collections.abc import Iterator

import sqlalchemy as sa

from storage import blobs, schema
from storage.export import ExportCapture, ExportVersion
from storage.records import ArticleState, Snapshot, VersionRow
from storage.urls import identity_url, normalize_url

# Versions re-extracted per transaction by ``reparse``: small enough that a failure
# loses little work, large enough that commits do not dominate.
REPARSE_BATCH = 50


_ALIASES = sa.select(schema.article_url.c.url, schema.article_url.c.article_id).where(
    schema.article_url.c.url.in_(sa.bindparam("b_urls", expanding=True))
)


def url_forms(url: str) -> list[str]:
    """The alias forms under which ``url`` may be stored (as seen, and its identity)."""
    try:
        seen = normalize_url(url)
        return list(dict.fromkeys([seen, identity_url(seen)]))
    except ValueError:
        return [url]


def find_article(conn: sa.Connection, *urls: str) -> int | None:
    """The article any of ``urls`` (in any alias form) belongs to."""
    forms = [f for url in urls if url for f in url_forms(url)]
    if not forms:
        return None
    rows = conn.execute(_ALIASES, {"b_urls": forms}).all()
    found = {url: int(article_id) for url, article_id in rows}
    return next((found[f] for f in forms if f in found), None)


def state(conn: sa.Connection, *urls: str) -> ArticleState | None:
    """The article behind ``urls``: its current version, parser, and last raw body."""
    article_id = find_article(conn, *urls)
    if article_id is None:
        return None
    a, v, c = schema.article, schema.article_version, schema.capture
    current = conn.execute(
        sa.select(a.c.current_version, v.c.parser_version)
        .select_from(
            a.outerjoin(v, sa.and_(v.c.article_id == a.c.id, v.c.version == a.c.current_version))
        )
        .where(a.c.id == article_id)
    ).one()
    sha = conn.execute(
        sa.select(c.c.blob_sha256)
        .where(c.c.article_id == article_id, c.c.blob_sha256.is_not(None))
        .order_by(c.c.id.desc())
        .limit(1)
    ).scalar()
    return ArticleState(article_id, current.current_version, current.parser_version, sha)


def versions(conn: sa.Connection, article_id: int) -> list[VersionRow]:
    """Every version of the article, oldest first."""
    v = schema.article_version
    rows = conn.execute(
        sa.select(v).where(v.c.article_id == article_id).order_by(v.c.version)
    ).mappings()
    return [
        VersionRow(
            article_id=r["article_id"],
            version=r["version"],
            fetched_at=r["fetched_at"],
            content_hash=r["content_hash"],
            parser_version=r["parser_version"],
            title=r["title"],
            bylines=_tuple(r["bylines"]),
            lead=r["lead"],
            paragraphs=_tuple(r["paragraphs"]),
            subheadings=_tuple(r["subheadings"]),
            captions=_tuple(r["captions"]),
            words=r["words"],
            reverted_to=r["reverted_to"],
        )
        for r in rows
    ]


def version_keys(
    conn: sa.Connection, article_id: int | None, stale_for: str | None
) -> list[tuple[int, int]]:
    """(article, version) pairs to re-extract: all, one article's, or only stale ones."""
    v = schema.article_version
    query = sa.select(v.c.article_id, v.c.version).order_by(v.c.article_id, v.c.version)
    if article_id is not None:
        query = query.where(v.c.article_id == article_id)
    if stale_for is not None:
        query = query.where(v.c.parser_version != stale_for)
    return [(int(a), int(n)) for a, n in conn.execute(query)]


def snapshots(conn: sa.Connection, keys: list[tuple[int, int]]) -> Iterator[Snapshot]:
    """The raw captures behind the given versions (those whose body was kept)."""
    v, c = schema.article_version, schema.capture
    for article_id, version in keys:
        row = conn.execute(
            sa.select(
                v.c.parser_version, c.c.final_url, c.c.requested_url, c.c.headers, c.c.blob_sha256
            )
            .join(c, c.c.id == v.c.capture_id)
            .where(v.c.article_id == article_id, v.c.version == version)
        ).first()
        if row is None or row.blob_sha256 is None:
            continue
        yield Snapshot(
            article_id=article_id,
            version=version,
            parser_version=row.parser_version,
            final_url=row.final_url or row.requested_url,
            headers=json.loads(row.headers),
            body=blobs.read(conn, row.blob_sha256),
        )


def _tuple(raw: str | None) -> tuple[str, ...]:
    return tuple(json.loads(raw)) if raw else ()


def export_versions(conn: sa.Connection) -> Iterator[ExportVersion]:
    """Every version with its article's URL and site, in article and version order."""
    a, v = schema.article, schema.article_version
    rows = conn.execute(
        sa.select(v, a.c.url, a.c.site)
        .join(a, a.c.id == v.c.article_id)
        .order_by(v.c.article_id, v.c.version)
        .execution_options(yield_per=500)
    ).mappings()
    for r in rows:
        yield ExportVersion(
            article_id=r["article_id"],
            url=r["url"],
            site=r["site"],
            version=r["version"],
            fetched_at=r["fetched_at"],
            content_hash=r["content_hash"],
            parser_version=r["parser_version"],
            title=r["title"],
            bylines=list(_tuple(r["bylines"])),
            published=r["published"],
            modified=r["modified"],
            language=r["language"],
            lead=r["lead"],
            text=r["text"],
            paragraphs=list(_tuple(r["paragraphs"])),
            subheadings=list(_tuple(r["subheadings"])),
            captions=list(_tuple(r["captions"])),
            reverted_to=r["reverted_to"],
        )


def export_captures(conn: sa.Connection) -> Iterator[ExportCapture]:
    """Every capture that kept a raw body, in fetch order, body included."""
    c = schema.capture
    keys = (
        conn.execute(
            sa.select(c.c.id)
            .where(c.c.blob_sha256.is_not(None), c.c.status.is_not(None))
            .order_by(c.c.id)
        )
        .scalars()
        .all()
    )
    for capture_id in keys:
        r = conn.execute(sa.select(c).where(c.c.id == capture_id)).mappings().one()
        yield ExportCapture(
            capture_id=r["id"],
            requested_url=r["requested_url"],
            final_url=r["final_url"] or r["requested_url"],
            status=r["status"],
            fetched_at=r["fetched_at"],
            headers=json.loads(r["headers"]),
            body_sha256=r["blob_sha256"],
            body=blobs.read(conn, r["blob_sha256"]),
        )
