"""Issue 6: one row per crawl run, and a lock that keeps runs of a source from overlapping.

Revision ID: r0004
Revises: r0003
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from storage.schema import Timestamp

revision = "r0004"
down_revision = "r0003"
branch_labels = None
depends_on = None

CRAWL_RUNS_VIEW = """
    SELECT r.id, r.source, r.started_at, r.finished_at, r.status, r.pages_fetched,
           r.new_articles, r.new_versions, r.errors
    FROM crawl_run r
"""


def upgrade() -> None:
    op.create_table(
        "crawl_run",
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
    )
    # at most one running run per source: the lock, on both engines
    op.create_index(
        "ux_crawl_run_running",
        "crawl_run",
        ["source"],
        unique=True,
        sqlite_where=sa.text("status = 'running'"),
        postgresql_where=sa.text("status = 'running'"),
    )
    op.execute(f"CREATE VIEW crawl_runs AS {CRAWL_RUNS_VIEW}")
