"""Issue 4: per-site zstd dictionaries, sentence fingerprints, duplicates, syndication; views.

Revision ID: r0002
Revises: r0001
Create Date: 2026-12-03

Columns are added (never rebuilt) so that the upgrade of a large archive is quick;
``article_version.words`` stays NULL on old rows until
``scraper reparse`` fills them.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from storage.schema import Timestamp

revision = "r0002"
down_revision = "r0001"
branch_labels = None
depends_on = None

DUPLICATES_VIEW = """
    SELECT d.article_id, d.duplicate_of, d.kind, d.similarity, d.found_at
    FROM duplicate d
"""


def upgrade() -> None:
    op.add_column("blob", sa.Column("dict_id", sa.Integer))
    op.add_column("blob", sa.Column("site", sa.Text))
    op.create_index("ix_blob_site", "blob", ["site"])
    op.add_column("article_version", sa.Column("words", sa.Integer))
    _new_tables()
    op.create_index("ix_capture_requested_url", "capture", ["requested_url"])
    op.execute(f"CREATE VIEW duplicates AS {DUPLICATES_VIEW}")


def _new_tables() -> None:
    op.create_table(
        "zstd_dict",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("site", sa.Text, nullable=False, unique=True),
        sa.Column("data", sa.LargeBinary, nullable=False),
        sa.Column("samples", sa.Integer, nullable=False),
        sa.Column("trained_at", Timestamp, nullable=False),
    )
    op.create_table(
        "version_fingerprint",
        sa.Column("fingerprint", sa.BigInteger, primary_key=True),
        sa.Column("article_id", sa.Integer, sa.ForeignKey("article.id"), primary_key=True),
        sa.Column("version", sa.Integer, primary_key=True),
    )
    op.create_table(
        "duplicate",
        sa.Column("article_id", sa.Integer, sa.ForeignKey("article.id"), primary_key=True),
        sa.Column(
            "duplicate_of", sa.Integer, sa.ForeignKey("article.id"), primary_key=True, index=True
        ),
        sa.Column("kind", sa.String(8), nullable=False),
        sa.Column("similarity", sa.Float, nullable=False),
        sa.Column("found_at", Timestamp, nullable=False),
    )
    op.create_table(
        "syndication",
        sa.Column("article_id", sa.Integer, sa.ForeignKey("article.id"), primary_key=True),
        sa.Column("url", sa.Text, primary_key=True),
        sa.Column("first_seen", Timestamp, nullable=False),
    )
