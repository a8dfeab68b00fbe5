"""The first archive schema: blobs, articles and their URLs, captures, versions, 3 views.

Revision ID: r0001
Revises:
Create Date: 2026-11-29
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from storage.schema import Timestamp

revision = "r0001"
down_revision = None
branch_labels = None
depends_on = None

VIEWS = {
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
}


def upgrade() -> None:
    _meta_and_blob()
    _article_tables()
    _capture()
    _article_version()
    for name, body in VIEWS.items():
        op.execute(f"CREATE VIEW {name} AS {body}")


def _meta_and_blob() -> None:
    op.create_table(
        "archive_meta",
        sa.Column("key", sa.String(64), primary_key=True),
        sa.Column("value", sa.Text, nullable=False),
    )
    op.create_table(
        "blob",
        sa.Column("sha256", sa.String(64), primary_key=True),
        sa.Column("size", sa.Integer, nullable=False),
        sa.Column("codec", sa.String(16), nullable=False),
        sa.Column("data", sa.LargeBinary, nullable=False),
    )


def _article_tables() -> None:
    op.create_table(
        "article",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("url", sa.Text, nullable=False, unique=True),
        sa.Column("site", sa.Text, nullable=False),
        sa.Column("first_seen", Timestamp, nullable=False),
        sa.Column("last_seen", Timestamp, nullable=False),
        sa.Column("current_version", sa.Integer),
    )
    op.create_table(
        "article_url",
        sa.Column("url", sa.Text, primary_key=True),
        sa.Column(
            "article_id", sa.Integer, sa.ForeignKey("article.id"), nullable=False, index=True
        ),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("first_seen", Timestamp, nullable=False),
    )


def _capture() -> None:
    op.create_table(
        "capture",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("article_id", sa.Integer, sa.ForeignKey("article.id"), index=True),
        sa.Column("requested_url", sa.Text, nullable=False),
        sa.Column("final_url", sa.Text),
        sa.Column("redirects", sa.Text, nullable=False, server_default="[]"),
        sa.Column("status", sa.Integer),
        sa.Column("fetched_at", Timestamp, nullable=False),
        sa.Column("elapsed_ms", sa.Integer),
        sa.Column("bytes", sa.Integer),
        sa.Column("headers", sa.Text, nullable=False, server_default="{}"),
        sa.Column("etag", sa.Text),
        sa.Column("last_modified", sa.Text),
        sa.Column("blob_sha256", sa.String(64), sa.ForeignKey("blob.sha256")),
        sa.Column("outcome", sa.String(16), nullable=False),
        sa.Column("error", sa.Text),
    )


def _article_version() -> None:
    op.create_table(
        "article_version",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("article_id", sa.Integer, sa.ForeignKey("article.id"), nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("capture_id", sa.Integer, sa.ForeignKey("capture.id"), nullable=False),
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
        sa.UniqueConstraint("article_id", "version"),
    )
