"""service halls: the company's halls, their special days, and what to bring per service

Revision ID: 0014_service_halls
Revises: 0010_contact_numbers
Create Date: 2026-12-06 03:00:00

Written out in full, like 0001: the migration must not move with the models.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0014_service_halls"
down_revision = "0013_room_temp_samples"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "service_halls",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("district", sa.String(length=32), nullable=True),
        sa.Column("address", sa.String(length=255), nullable=False),
        sa.Column("latitude", sa.Float(), nullable=False),
        sa.Column("longitude", sa.Float(), nullable=False),
        sa.Column("phone", sa.String(length=32), nullable=False),
        sa.Column("communities", sa.Text(), nullable=False),
        sa.Column("services", sa.Text(), nullable=False),
        sa.Column("hours", sa.Text(), nullable=False),
        sa.Column("documents", sa.Text(), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("latitude BETWEEN -90 AND 90", name=op.f("ck_service_halls_latitude")),
        sa.CheckConstraint(
            "longitude BETWEEN -180 AND 180", name=op.f("ck_service_halls_longitude")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_service_halls")),
        sa.UniqueConstraint("name", name=op.f("uq_service_halls_name")),
    )
    op.create_table(
        "service_hall_days",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("hall_id", sa.Integer(), nullable=True),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=False),
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("hours", sa.Text(), nullable=True),
        sa.CheckConstraint("ends_on >= starts_on", name=op.f("ck_service_hall_days_span")),
        sa.ForeignKeyConstraint(
            ["hall_id"],
            ["service_halls.id"],
            name=op.f("fk_service_hall_days_hall_id_service_halls"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_service_hall_days")),
    )
    op.create_index("ix_service_hall_days_hall_id", "service_hall_days", ["hall_id"])
    op.create_table(
        "hall_services",
        sa.Column("name", sa.String(length=16), nullable=False),
        sa.Column("aliases", sa.Text(), nullable=False),
        sa.Column("documents", sa.Text(), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_hall_services")),
    )


def downgrade() -> None:
    op.drop_table("hall_services")
    op.drop_index("ix_service_hall_days_hall_id", table_name="service_hall_days")
    op.drop_table("service_hall_days")
    op.drop_table("service_halls")
