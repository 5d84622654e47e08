"""channel state: inbound ledger, outbound log, suppressions, pending choices, API tokens, surveys

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-27 15:30:00

Written out in full for the same reason as 0001: the migration must not move with the models.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def _timestamp(name: str, nullable: bool = True) -> sa.Column:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    op.create_table(
        "inbound_messages",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("channel", sa.String(length=32), nullable=False),
        sa.Column("message_key", sa.String(length=160), nullable=False),
        sa.Column("sender_id", sa.String(length=128), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        _timestamp("received_at", nullable=False),
        sa.Column("reply", sa.Text(), nullable=True),
        _timestamp("answered_at"),
        _timestamp("delivered_at"),
        sa.Column("delivered_via", sa.String(length=16), nullable=True),
        sa.CheckConstraint(
            "state IN ('running', 'answered', 'delivered', 'failed')",
            name=op.f("ck_inbound_messages_state"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_inbound_messages")),
        sa.UniqueConstraint(
            "channel", "message_key", name=op.f("uq_inbound_messages_channel_message_key")
        ),
    )
    op.create_index(
        "ix_inbound_messages_sender_received",
        "inbound_messages",
        ["channel", "sender_id", "received_at"],
    )

    op.create_table(
        "outbound_messages",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("channel", sa.String(length=32), nullable=False),
        sa.Column("recipient", sa.String(length=128), nullable=False),
        sa.Column("purpose", sa.String(length=16), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("template_id", sa.String(length=64), nullable=True),
        sa.Column("body", sa.Text(), nullable=True),
        sa.Column("error", sa.String(length=255), nullable=True),
        sa.Column("dedup_key", sa.String(length=160), nullable=True),
        _timestamp("sent_at", nullable=False),
        sa.CheckConstraint(
            "status IN ('sent', 'failed', 'refused', 'queued')",
            name=op.f("ck_outbound_messages_status"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outbound_messages")),
        sa.UniqueConstraint("dedup_key", name=op.f("uq_outbound_messages_dedup_key")),
    )
    op.create_index(
        "ix_outbound_messages_recipient_at",
        "outbound_messages",
        ["channel", "recipient", "sent_at"],
    )

    op.create_table(
        "suppressions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("channel", sa.String(length=32), nullable=False),
        sa.Column("address", sa.String(length=128), nullable=False),
        sa.Column("word", sa.String(length=16), nullable=False),
        _timestamp("created_at", nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_suppressions")),
        sa.UniqueConstraint("channel", "address", name=op.f("uq_suppressions_channel_address")),
    )

    op.create_table(
        "pending_choices",
        sa.Column("channel", sa.String(length=32), nullable=False),
        sa.Column("sender_id", sa.String(length=128), nullable=False),
        sa.Column("options", sa.Text(), nullable=False),
        _timestamp("created_at", nullable=False),
        sa.PrimaryKeyConstraint("channel", "sender_id", name=op.f("pk_pending_choices")),
    )

    op.create_table(
        "api_tokens",
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("value", sa.String(length=1024), nullable=False),
        _timestamp("expires_at", nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_api_tokens")),
    )

    op.create_table(
        "surveys",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("ticket_id", sa.Integer(), nullable=False),
        sa.Column("channel", sa.String(length=32), nullable=False),
        sa.Column("sender_id", sa.String(length=128), nullable=False),
        _timestamp("asked_at", nullable=False),
        _timestamp("answer_by", nullable=False),
        sa.Column("rating", sa.Integer(), nullable=True),
        sa.Column("comment", sa.Text(), nullable=True),
        _timestamp("answered_at"),
        sa.Column("follow_up_ticket_no", sa.String(length=14), nullable=True),
        sa.CheckConstraint(
            "rating IS NULL OR (rating >= 1 AND rating <= 5)", name=op.f("ck_surveys_rating")
        ),
        sa.ForeignKeyConstraint(
            ["ticket_id"], ["tickets.id"], name=op.f("fk_surveys_ticket_id_tickets")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_surveys")),
        sa.UniqueConstraint("ticket_id", name=op.f("uq_surveys_ticket_id")),
    )
    op.create_index("ix_surveys_sender", "surveys", ["channel", "sender_id"])


def downgrade() -> None:
    for table in (
        "surveys",
        "api_tokens",
        "pending_choices",
        "suppressions",
        "outbound_messages",
        "inbound_messages",
    ):
        op.drop_table(table)
