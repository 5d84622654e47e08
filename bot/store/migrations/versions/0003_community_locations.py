"""community locations: where each community lies, for answering a shared WeChat location

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-27 18:00:00

Written out in full for the same reason as 0001: the migration must not move with the models.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "community_locations",
        sa.Column("community", sa.String(length=64), nullable=False),
        sa.Column("latitude", sa.Float(), nullable=False),
        sa.Column("longitude", sa.Float(), nullable=False),
        sa.CheckConstraint(
            "latitude BETWEEN -90 AND 90", name=op.f("ck_community_locations_latitude")
        ),
        sa.CheckConstraint(
            "longitude BETWEEN -180 AND 180", name=op.f("ck_community_locations_longitude")
        ),
        sa.PrimaryKeyConstraint("community", name=op.f("pk_community_locations")),
    )


def downgrade() -> None:
    op.drop_table("community_locations")
