"""room-temperature sampling (室温抽测): the sampled households of each campaign and their results

Revision ID: 0013_room_temp_samples
Revises: 0012_meters
Create Date: 2026-12-06 03:25:00

Written out in full, like 0001: the migration must not move with the models.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0013_room_temp_samples"
down_revision = "0012_meters"
branch_labels = None
depends_on = None


def _timestamp(name: str, nullable: bool = True) -> sa.Column:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    op.create_table(
        "room_temp_samples",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("campaign", sa.String(length=64), nullable=False),
        sa.Column("account_no", sa.String(length=12), nullable=False),
        _timestamp("visit_start", nullable=False),
        _timestamp("visit_end", nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("channel", sa.String(length=32), nullable=True),
        sa.Column("recipient", sa.String(length=128), nullable=True),
        _timestamp("invited_at"),
        _timestamp("answered_at"),
        _timestamp("measured_at"),
        sa.Column("temperature_c", sa.Float(), nullable=True),
        sa.Column("standard_c", sa.Float(), nullable=True),
        sa.Column("meets_standard", sa.Boolean(), nullable=True),
        sa.Column("source", sa.String(length=16), nullable=True),
        sa.Column("photo_media_id", sa.String(length=128), nullable=True),
        _timestamp("created_at", nullable=False),
        sa.CheckConstraint(
            "status IN ('selected', 'invited', 'consented', 'declined', 'measured')",
            name=op.f("ck_room_temp_samples_status"),
        ),
        sa.CheckConstraint(
            "source IS NULL OR source IN ('visit', 'resident')",
            name=op.f("ck_room_temp_samples_source"),
        ),
        sa.ForeignKeyConstraint(
            ["account_no"],
            ["accounts.account_no"],
            name=op.f("fk_room_temp_samples_account_no_accounts"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_room_temp_samples")),
        sa.UniqueConstraint(
            "campaign", "account_no", name=op.f("uq_room_temp_samples_campaign_account_no")
        ),
    )
    op.create_index(
        "ix_room_temp_samples_channel_recipient", "room_temp_samples", ["channel", "recipient"]
    )


def downgrade() -> None:
    op.drop_index("ix_room_temp_samples_channel_recipient", table_name="room_temp_samples")
    op.drop_table("room_temp_samples")
