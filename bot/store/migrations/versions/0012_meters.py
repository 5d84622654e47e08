"""meters: heat meters, the company's readings, residents' own readings; ticket kind CB (查表)

Revision ID: 0012_meters
Revises: 0010_contact_numbers
Create Date: 2026-12-06 03:10:00

Written out in full, like 0001: the migration must not move with the models.

The tickets' kind CHECK gains `CB` (how, on each database: `bot.store.migrations.ticket_kinds`).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from bot.store.migrations.ticket_kinds import refuse_if_tickets_of, set_ticket_kinds

revision = "0012_meters"
down_revision = "0010_contact_numbers"
branch_labels = None
depends_on = None

_OLD_KINDS = "kind IN ('BX', 'TS', 'CW', 'BT', 'RG')"
_NEW_KINDS = "kind IN ('BX', 'TS', 'CW', 'BT', 'RG', 'CB')"


def _timestamp(name: str, nullable: bool = False) -> sa.Column:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    op.create_table(
        "meters",
        sa.Column("meter_no", sa.String(length=32), nullable=False),
        sa.Column("account_no", sa.String(length=12), nullable=False),
        sa.Column("unit", sa.String(length=4), nullable=False),
        _timestamp("created_at"),
        sa.CheckConstraint("unit IN ('kWh', 'GJ')", name=op.f("ck_meters_unit")),
        sa.ForeignKeyConstraint(
            ["account_no"], ["accounts.account_no"], name=op.f("fk_meters_account_no_accounts")
        ),
        sa.PrimaryKeyConstraint("meter_no", name=op.f("pk_meters")),
    )
    op.create_index("ix_meters_account_no", "meters", ["account_no"])

    op.create_table(
        "meter_readings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("meter_no", sa.String(length=32), nullable=False),
        _timestamp("read_at"),
        sa.Column("value", sa.Numeric(10, 2), nullable=False),
        sa.ForeignKeyConstraint(
            ["meter_no"], ["meters.meter_no"], name=op.f("fk_meter_readings_meter_no_meters")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_meter_readings")),
        sa.UniqueConstraint("meter_no", "read_at", name=op.f("uq_meter_readings_meter_no_read_at")),
    )

    op.create_table(
        "meter_reading_submissions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("meter_no", sa.String(length=32), nullable=False),
        sa.Column("account_no", sa.String(length=12), nullable=False),
        sa.Column("channel", sa.String(length=32), nullable=False),
        sa.Column("sender_id", sa.String(length=128), nullable=False),
        sa.Column("value", sa.Numeric(10, 2), nullable=False),
        sa.Column("written", sa.String(length=64), nullable=False),
        sa.Column("photo_media_id", sa.String(length=128), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("dedup_key", sa.String(length=160), nullable=True),
        _timestamp("submitted_at"),
        sa.CheckConstraint(
            "status IN ('pending', 'accepted', 'rejected')",
            name=op.f("ck_meter_reading_submissions_status"),
        ),
        sa.ForeignKeyConstraint(
            ["meter_no"],
            ["meters.meter_no"],
            name=op.f("fk_meter_reading_submissions_meter_no_meters"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_meter_reading_submissions")),
        sa.UniqueConstraint("dedup_key", name=op.f("uq_meter_reading_submissions_dedup_key")),
    )
    op.create_index(
        "ix_meter_reading_submissions_meter_no", "meter_reading_submissions", ["meter_no"]
    )
    op.create_index("ix_meter_reading_submissions_status", "meter_reading_submissions", ["status"])
    set_ticket_kinds(_OLD_KINDS, _NEW_KINDS)


def downgrade() -> None:
    refuse_if_tickets_of("CB", "查表")
    set_ticket_kinds(_NEW_KINDS, _OLD_KINDS)
    op.drop_table("meter_reading_submissions")
    op.drop_table("meter_readings")
    op.drop_index("ix_meters_account_no", table_name="meters")
    op.drop_table("meters")
