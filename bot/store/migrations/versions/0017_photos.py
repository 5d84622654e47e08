"""photos: residents' WeChat photos of a reading, kept beyond WeChat's 3 days

Revision ID: 0017_photos
Revises: 0016_sampling_visits
Create Date: 2026-12-07 09:00:00

Written out in full, like 0001: the migration must not move with the models. One row per media
id that a meter reading or a 室温抽测 result names, with the image once fetched (bytea on
PostgreSQL, BLOB on SQLite).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0017_photos"
down_revision = "0016_sampling_visits"
branch_labels = None
depends_on = None


def _timestamp(name: str, nullable: bool = True) -> sa.Column:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    op.create_table(
        "photos",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("media_id", sa.String(length=128), nullable=False),
        sa.Column("channel", sa.String(length=32), nullable=False),
        sa.Column("sender_id", sa.String(length=128), nullable=True),
        _timestamp("received_at", nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        _timestamp("next_attempt_at"),
        sa.Column("last_error", sa.String(length=255), nullable=True),
        sa.Column("content", sa.LargeBinary(), nullable=True),
        sa.Column("content_type", sa.String(length=32), nullable=True),
        sa.Column("size", sa.Integer(), nullable=True),
        sa.Column("sha256", sa.String(length=64), nullable=True),
        _timestamp("fetched_at"),
        _timestamp("created_at", nullable=False),
        sa.CheckConstraint(
            "status IN ('fetched', 'failed', 'refused', 'expired')",
            name=op.f("ck_photos_status"),
        ),
        sa.CheckConstraint(
            "status <> 'fetched' OR (content IS NOT NULL AND content_type IS NOT NULL "
            "AND sha256 IS NOT NULL AND fetched_at IS NOT NULL)",
            name=op.f("ck_photos_fetched_content"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_photos")),
        sa.UniqueConstraint("media_id", name=op.f("uq_photos_media_id")),
    )
    op.create_index("ix_photos_status_next_attempt_at", "photos", ["status", "next_attempt_at"])


def downgrade() -> None:
    op.drop_index("ix_photos_status_next_attempt_at", table_name="photos")
    op.drop_table("photos")
