"""initial schema

Revision ID: 0001
Revises:
Create Date: 2026-11-27 12:21:50

Written out in full rather than imported from the models: a migration must keep creating the same
schema after the models move on. `timestamptz` columns are stored as UTC (see UtcDateTime) and JSON
columns are TEXT (see JsonText).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def _timestamp(name: str, nullable: bool = True) -> sa.Column:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    op.create_table(
        "accounts",
        sa.Column("account_no", sa.String(length=12), nullable=False),
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("phone", sa.String(length=11), nullable=False),
        sa.Column("community", sa.String(length=64), nullable=False),
        sa.Column("building", sa.String(length=16), nullable=True),
        sa.Column("unit", sa.String(length=16), nullable=True),
        sa.Column("room", sa.String(length=16), nullable=True),
        sa.Column("address", sa.String(length=255), nullable=False),
        sa.Column("area_m2", sa.Numeric(precision=10, scale=2), nullable=False),
        sa.Column("billing_kind", sa.String(length=8), nullable=False),
        _timestamp("created_at", nullable=False),
        sa.CheckConstraint(
            "billing_kind IN ('area', 'metered')", name=op.f("ck_accounts_billing_kind")
        ),
        sa.PrimaryKeyConstraint("account_no", name=op.f("pk_accounts")),
    )
    op.create_index("ix_accounts_community", "accounts", ["community"])
    op.create_index("ix_accounts_phone", "accounts", ["phone"])

    op.create_table(
        "bills",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("account_no", sa.String(length=12), nullable=False),
        sa.Column("season", sa.String(length=9), nullable=False),
        sa.Column("amount_due", sa.Numeric(precision=10, scale=2), nullable=False),
        sa.Column("amount_paid", sa.Numeric(precision=10, scale=2), nullable=False),
        sa.Column("late_fee", sa.Numeric(precision=10, scale=2), nullable=False),
        sa.Column("due_date", sa.Date(), nullable=False),
        _timestamp("paid_at"),
        sa.ForeignKeyConstraint(
            ["account_no"], ["accounts.account_no"], name=op.f("fk_bills_account_no_accounts")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_bills")),
        sa.UniqueConstraint("account_no", "season", name=op.f("uq_bills_account_no_season")),
    )

    op.create_table(
        "payments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("account_no", sa.String(length=12), nullable=False),
        sa.Column("season", sa.String(length=9), nullable=False),
        sa.Column("amount", sa.Numeric(precision=10, scale=2), nullable=False),
        _timestamp("paid_at", nullable=False),
        sa.Column("channel", sa.String(length=16), nullable=False),
        sa.ForeignKeyConstraint(
            ["account_no"], ["accounts.account_no"], name=op.f("fk_payments_account_no_accounts")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_payments")),
    )
    op.create_index("ix_payments_account_no_paid_at", "payments", ["account_no", "paid_at"])

    op.create_table(
        "outages",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        _timestamp("starts_at", nullable=False),
        _timestamp("expected_end_at", nullable=False),
        _timestamp("ended_at"),
        _timestamp("created_at", nullable=False),
        sa.CheckConstraint("kind IN ('planned', 'emergency')", name=op.f("ck_outages_kind")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outages")),
    )

    op.create_table(
        "outage_areas",
        sa.Column("outage_id", sa.Integer(), nullable=False),
        sa.Column("community", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["outage_id"],
            ["outages.id"],
            name=op.f("fk_outage_areas_outage_id_outages"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("outage_id", "community", name=op.f("pk_outage_areas")),
    )
    op.create_index("ix_outage_areas_community", "outage_areas", ["community"])

    op.create_table(
        "tickets",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("ticket_no", sa.String(length=14), nullable=False),
        sa.Column("kind", sa.String(length=2), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("channel", sa.String(length=32), nullable=False),
        sa.Column("sender_id", sa.String(length=128), nullable=False),
        sa.Column("account_no", sa.String(length=12), nullable=True),
        sa.Column("phone", sa.String(length=11), nullable=True),
        sa.Column("address", sa.String(length=255), nullable=True),
        sa.Column("community", sa.String(length=64), nullable=True),
        sa.Column("building", sa.String(length=16), nullable=True),
        sa.Column("unit", sa.String(length=16), nullable=True),
        sa.Column("room", sa.String(length=16), nullable=True),
        sa.Column("fault_type", sa.String(length=16), nullable=True),
        sa.Column("urgent", sa.Boolean(), nullable=False),
        _timestamp("visit_start"),
        _timestamp("visit_end"),
        sa.Column("temperature", sa.Float(), nullable=True),
        sa.Column("category", sa.String(length=32), nullable=True),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("transcript", sa.Text(), nullable=True),
        _timestamp("first_reply_due"),
        _timestamp("on_site_due"),
        _timestamp("resolve_due"),
        sa.Column("dedup_key", sa.String(length=128), nullable=True),
        _timestamp("created_at", nullable=False),
        _timestamp("updated_at", nullable=False),
        sa.CheckConstraint("kind IN ('BX', 'TS', 'CW', 'BT', 'RG')", name=op.f("ck_tickets_kind")),
        sa.CheckConstraint(
            "status IN ('new', 'assigned', 'in_progress', 'done', 'cancelled')",
            name=op.f("ck_tickets_status"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tickets")),
        sa.UniqueConstraint("dedup_key", name=op.f("uq_tickets_dedup_key")),
        sa.UniqueConstraint("ticket_no", name=op.f("uq_tickets_ticket_no")),
    )
    op.create_index("ix_tickets_account_no", "tickets", ["account_no"])
    op.create_index("ix_tickets_channel_sender_id", "tickets", ["channel", "sender_id"])
    op.create_index("ix_tickets_status", "tickets", ["status"])

    op.create_table(
        "ticket_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("ticket_id", sa.Integer(), nullable=False),
        _timestamp("at", nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("actor", sa.String(length=128), nullable=False),
        sa.Column("detail", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["ticket_id"], ["tickets.id"], name=op.f("fk_ticket_events_ticket_id_tickets")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ticket_events")),
    )
    op.create_index("ix_ticket_events_ticket_id", "ticket_events", ["ticket_id"])

    op.create_table(
        "ticket_sequences",
        sa.Column("kind", sa.String(length=2), nullable=False),
        sa.Column("day", sa.String(length=8), nullable=False),
        sa.Column("last", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("kind", "day", name=op.f("pk_ticket_sequences")),
    )

    op.create_table(
        "subscriptions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("channel", sa.String(length=32), nullable=False),
        sa.Column("sender_id", sa.String(length=128), nullable=False),
        sa.Column("account_no", sa.String(length=12), nullable=True),
        sa.Column("community", sa.String(length=64), nullable=True),
        sa.Column("topic", sa.String(length=8), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        _timestamp("created_at", nullable=False),
        _timestamp("ended_at"),
        sa.CheckConstraint(
            "topic IN ('outage', 'bill', 'all')", name=op.f("ck_subscriptions_topic")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_subscriptions")),
        sa.UniqueConstraint(
            "channel",
            "sender_id",
            "topic",
            name=op.f("uq_subscriptions_channel_sender_id_topic"),
        ),
    )
    op.create_index("ix_subscriptions_topic_active", "subscriptions", ["topic", "active"])

    op.create_table(
        "verification_attempts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("channel", sa.String(length=32), nullable=False),
        sa.Column("sender_id", sa.String(length=128), nullable=False),
        sa.Column("account_no", sa.String(length=12), nullable=False),
        sa.Column("success", sa.Boolean(), nullable=False),
        _timestamp("at", nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_verification_attempts")),
    )
    op.create_index(
        "ix_verification_attempts_account_at", "verification_attempts", ["account_no", "at"]
    )
    op.create_index(
        "ix_verification_attempts_sender_at",
        "verification_attempts",
        ["channel", "sender_id", "at"],
    )

    op.create_table(
        "bindings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("channel", sa.String(length=32), nullable=False),
        sa.Column("sender_id", sa.String(length=128), nullable=False),
        sa.Column("account_no", sa.String(length=12), nullable=False),
        _timestamp("created_at", nullable=False),
        sa.ForeignKeyConstraint(
            ["account_no"], ["accounts.account_no"], name=op.f("fk_bindings_account_no_accounts")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_bindings")),
        sa.UniqueConstraint(
            "channel",
            "sender_id",
            "account_no",
            name=op.f("uq_bindings_channel_sender_id_account_no"),
        ),
    )


def downgrade() -> None:
    # Dependants first; dropping a table drops its indexes.
    for table in (
        "bindings",
        "verification_attempts",
        "subscriptions",
        "ticket_sequences",
        "ticket_events",
        "tickets",
        "outage_areas",
        "outages",
        "payments",
        "bills",
        "accounts",
    ):
        op.drop_table(table)
