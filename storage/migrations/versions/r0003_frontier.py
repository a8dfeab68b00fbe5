"""Issue 5: the crawl frontier, kept in the archive so that a killed crawl loses nothing.

Revision ID: r0003
Revises: r0002
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from storage.schema import Timestamp

revision = "r0003"
down_revision = "r0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "frontier",
        sa.Column("url", sa.Text, primary_key=True),
        sa.Column("host", sa.Text, nullable=False),
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
    )
    # claims walk queued URLs best priority first and stop at the batch size; no
    # (state, due_at) index, which SQLite's planner would prefer and then sort on
    op.create_index("ix_frontier_claim", "frontier", ["state", "priority", "due_at"])
    op.create_index("ix_frontier_lease", "frontier", ["state", "lease_until"])
    op.create_index("ix_frontier_host", "frontier", ["host"])
    op.create_table(  # per-host request slots shared by every crawler on the archive
        "host_slot",
        sa.Column("host", sa.Text, primary_key=True),
        sa.Column("slot", sa.Integer, primary_key=True),
        sa.Column("owner", sa.Text, nullable=False),
        sa.Column("until", Timestamp, nullable=False),
    )
