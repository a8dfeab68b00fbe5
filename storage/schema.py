"""Tables (singular names, private) and the public views (plural names, stable).

Users query the views; the tables may change between versions, the views' columns
may only grow. JSON-valued columns hold JSON text on every engine so that a query
returns the same thing on SQLite and PostgreSQL (cast with ``::jsonb`` on PostgreSQL,
use ``json_each`` on SQLite). Timestamps are UTC.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.dialects import sqlite

# The Alembic revision this code needs (storage/migrations/versions). Opening an archive
# at another revision stops with a SchemaError that says what to run.
SCHEMA_REVISION = "r0004"

metadata = sa.MetaData()

# SQLite keeps timestamps as ISO 8601 text that sorts and reads well; PostgreSQL as timestamptz.
Timestamp = sa.DateTime(timezone=True).with_variant(
    sqlite.DATETIME(  # type: ignore[no-untyped-call]
        storage_format=(
            "%(year)04d-%(month)02d-%(day)02dT%(hour)02d:%(minute)02d:%(second)02d"
            ".%(microsecond)06dZ"
        ),
        regexp=r"(\d+)-(\d+)-(\d+)T(\d+):(\d+):(\d+)\.(\d+)Z",
    ),
    "sqlite",
)

meta = sa.Table(
    "archive_meta",
    metadata,
    sa.Column("key", sa.String(64), primary_key=True),
    sa.Column("value", sa.Text, nullable=False),
)

blob = sa.Table(
    "blob",
    metadata,
    sa.Column("sha256", sa.String(64), primary_key=True),
    sa.Column("size", sa.Integer, nullable=False),
    sa.Column("codec", sa.String(16), nullable=False),
    sa.Column("data", sa.LargeBinary, nullable=False),
    sa.Column("dict_id", sa.Integer),  # zstd_dict.id; no FK: SQLite cannot add one
    sa.Column("site", sa.Text, index=True),  # whose dictionary may compress it
)

# A zstd dictionary trained on one site's pages: its template compresses to almost nothing.
zstd_dict = sa.Table(
    "zstd_dict",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("site", sa.Text, nullable=False, unique=True),
    sa.Column("data", sa.LargeBinary, nullable=False),
    sa.Column("samples", sa.Integer, nullable=False),
    sa.Column("trained_at", Timestamp, nullable=False),
)

article = sa.Table(
    "article",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("url", sa.Text, nullable=False, unique=True),
    sa.Column("site", sa.Text, nullable=False),
    sa.Column("first_seen", Timestamp, nullable=False),
    sa.Column("last_seen", Timestamp, nullable=False),
    sa.Column("current_version", sa.Integer),
)

article_url = sa.Table(
    "article_url",
    metadata,
    sa.Column("url", sa.Text, primary_key=True),
    sa.Column("article_id", sa.ForeignKey("article.id"), nullable=False, index=True),
    sa.Column("kind", sa.String(16), nullable=False),
    sa.Column("first_seen", Timestamp, nullable=False),
)

capture = sa.Table(
    "capture",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("article_id", sa.ForeignKey("article.id"), index=True),
    sa.Column("requested_url", sa.Text, nullable=False, index=True),
    sa.Column("final_url", sa.Text),
    sa.Column("redirects", sa.Text, nullable=False, server_default="[]"),
    sa.Column("status", sa.Integer),
    sa.Column("fetched_at", Timestamp, nullable=False),
    sa.Column("elapsed_ms", sa.Integer),
    sa.Column("bytes", sa.Integer),
    sa.Column("headers", sa.Text, nullable=False, server_default="{}"),
    sa.Column("etag", sa.Text),
    sa.Column("last_modified", sa.Text),
    sa.Column("blob_sha256", sa.ForeignKey("blob.sha256")),
    sa.Column("outcome", sa.String(16), nullable=False),
    sa.Column("error", sa.Text),
)

article_version = sa.Table(
    "article_version",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("article_id", sa.ForeignKey("article.id"), nullable=False),
    sa.Column("version", sa.Integer, nullable=False),
    sa.Column("capture_id", sa.ForeignKey("capture.id"), nullable=False),
    sa.Column("fetched_at", Timestamp, nullable=False),
    sa.Column("content_hash", sa.String(64), nullable=False, index=True),
    sa.Column("parser_version", sa.String(32), nullable=False),
    sa.Column("title", sa.Text),
    sa.Column("bylines", sa.Text, nullable=False),
    sa.Column("published", sa.Text),
    sa.Column("modified", sa.Text),
    sa.Column("language", sa.String(35)),
    sa.Column("lead", sa.Text),
    sa.Column("text", sa.Text, nullable=False),
    sa.Column("paragraphs", sa.Text, nullable=False),
    sa.Column("subheadings", sa.Text, nullable=False),
    sa.Column("captions", sa.Text, nullable=False),
    sa.Column("comment_form", sa.Text),
    sa.Column("reverted_to", sa.Integer),
    sa.Column("words", sa.Integer),
    sa.UniqueConstraint("article_id", "version"),
)

# Fingerprints of each version's sentences: near-duplicate candidates share one.
version_fingerprint = sa.Table(
    "version_fingerprint",
    metadata,
    sa.Column("fingerprint", sa.BigInteger, primary_key=True),
    sa.Column("article_id", sa.ForeignKey("article.id"), primary_key=True),
    sa.Column("version", sa.Integer, primary_key=True),
)

# The same content under two articles. Articles are never merged: the later one points
# to the one seen first.
duplicate = sa.Table(
    "duplicate",
    metadata,
    sa.Column("article_id", sa.ForeignKey("article.id"), primary_key=True),
    sa.Column("duplicate_of", sa.ForeignKey("article.id"), primary_key=True, index=True),
    sa.Column("kind", sa.String(8), nullable=False),
    sa.Column("similarity", sa.Float, nullable=False),
    sa.Column("found_at", Timestamp, nullable=False),
)

# A canonical URL on another site: a syndicated copy, recorded but never merged.
syndication = sa.Table(
    "syndication",
    metadata,
    sa.Column("article_id", sa.ForeignKey("article.id"), primary_key=True),
    sa.Column("url", sa.Text, primary_key=True),
    sa.Column("first_seen", Timestamp, nullable=False),
)

# The crawl frontier: every URL a crawl knows, its state, when it is due, its lease.
# state: queued (waiting until due_at), leased (a worker holds it until lease_until),
# done (nothing more to do), failed (gave up after its attempts).
frontier = sa.Table(
    "frontier",
    metadata,
    sa.Column("url", sa.Text, primary_key=True),
    sa.Column("host", sa.Text, nullable=False, index=True),
    sa.Column("source", sa.Text),
    sa.Column("kind", sa.String(12), nullable=False),
    sa.Column("state", sa.String(8), nullable=False),
    sa.Column("depth", sa.Integer, nullable=False),
    sa.Column("priority", sa.Integer, nullable=False),
    sa.Column("due_at", Timestamp),
    sa.Column("attempts", sa.Integer, nullable=False, server_default="0"),
    sa.Column("last_error", sa.Text),
    sa.Column("lease_owner", sa.Text),
    sa.Column("lease_until", Timestamp),
    sa.Column("etag", sa.Text),
    sa.Column("last_modified", sa.Text),
    sa.Column("published", sa.Text),
    sa.Column("first_seen", Timestamp, nullable=False),
    sa.Column("last_fetched", Timestamp),
    sa.Column("last_change", Timestamp),
    sa.Index("ix_frontier_claim", "state", "priority", "due_at"),
    sa.Index("ix_frontier_lease", "state", "lease_until"),
)

# Request slots per host, shared by every crawler process on this archive: a fetch
# holds one of the host's N slots until it ends (or ``until`` passes: a dead holder).
host_slot = sa.Table(
    "host_slot",
    metadata,
    sa.Column("host", sa.Text, primary_key=True),
    sa.Column("slot", sa.Integer, primary_key=True),
    sa.Column("owner", sa.Text, nullable=False),
    sa.Column("until", Timestamp, nullable=False),
)

# One row per crawl run. A running run holds its source's lock (a unique partial index)
# and beats its heartbeat; a run whose heartbeat stopped died and is taken over.
crawl_run = sa.Table(
    "crawl_run",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("source", sa.Text, nullable=False),
    sa.Column("owner", sa.Text, nullable=False),
    sa.Column("started_at", Timestamp, nullable=False),
    sa.Column("heartbeat_at", Timestamp, nullable=False),
    sa.Column("finished_at", Timestamp),
    sa.Column("status", sa.String(12), nullable=False),
    sa.Column("pages_fetched", sa.Integer, nullable=False, server_default="0"),
    sa.Column("new_articles", sa.Integer, nullable=False, server_default="0"),
    sa.Column("new_versions", sa.Integer, nullable=False, server_default="0"),
    sa.Column("errors", sa.Integer, nullable=False, server_default="0"),
    sa.Index(
        "ux_crawl_run_running",
        "source",
        unique=True,
        sqlite_where=sa.text("status = 'running'"),
        postgresql_where=sa.text("status = 'running'"),
    ),
)

# The public views. Their names and columns are a contract: extend, never rename.
VIEWS: dict[str, str] = {
    "articles": """
        SELECT a.id, a.url, a.site, v.title, v.bylines, v.published,
               a.first_seen, a.last_seen,
               (SELECT count(*) FROM article_version n WHERE n.article_id = a.id)
                   AS version_count,
               a.current_version
        FROM article a
        LEFT JOIN article_version v
               ON v.article_id = a.id AND v.version = a.current_version
    """,
    "article_versions": """
        SELECT v.article_id, v.version, v.fetched_at, v.content_hash, v.parser_version,
               v.title, v.bylines, v.published, v.modified, v.language, v.lead, v.text,
               v.paragraphs, v.subheadings, v.captions, v.comment_form, v.reverted_to
        FROM article_version v
    """,
    "captures": """
        SELECT c.id, c.article_id, c.requested_url, c.final_url, c.status, c.fetched_at,
               c.elapsed_ms, c.bytes, c.outcome, c.error
        FROM capture c
    """,
    "duplicates": """
        SELECT d.article_id, d.duplicate_of, d.kind, d.similarity, d.found_at
        FROM duplicate d
    """,
    "crawl_runs": """
        SELECT r.id, r.source, r.started_at, r.finished_at, r.status, r.pages_fetched,
               r.new_articles, r.new_versions, r.errors
        FROM crawl_run r
    """,
}

# What each view holds, for Datasette's metadata (``scraper browse``) and the README.
VIEW_DOCS: dict[str, str] = {
    "articles": "One row per article (its editorial identity), with its current version's "
    "title and bylines.",
    "article_versions": "Append-only: one row per distinct state of an article's editorial "
    "content. bylines, paragraphs and captions are JSON arrays.",
    "captures": "One row per fetch, failures included. outcome: new, new_version, unchanged, "
    "revisit, not_modified, error, skipped.",
    "duplicates": "The same content under two articles, never merged: kind exact or near; "
    "duplicate_of is the article seen first.",
    "crawl_runs": "One row per crawl run of a source: status running, done, failed, "
    "interrupted or died; pages fetched, new articles, new versions, errors.",
}
