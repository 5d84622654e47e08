"""conversation events: user messages and bot actions from RabbitMQ, for the quality report

Revision ID: 0015_conversation_events
Revises: 0010_contact_numbers
Create Date: 2026-12-06 03:35:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0015_conversation_events"
down_revision = "0014_service_halls"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "conversation_events",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("dedup_key", sa.String(255), nullable=False),
        sa.Column("sender_id", sa.String(128), nullable=False),
        sa.Column("type_name", sa.String(32), nullable=False),
        sa.Column("timestamp", sa.Float(), nullable=False),
        sa.Column("intent_name", sa.String(255)),
        sa.Column("action_name", sa.String(255)),
        sa.UniqueConstraint("dedup_key", name=op.f("uq_conversation_events_dedup_key")),
    )
    op.create_index("ix_conversation_events_timestamp", "conversation_events", ["timestamp"])


def downgrade() -> None:
    op.drop_index("ix_conversation_events_timestamp", table_name="conversation_events")
    op.drop_table("conversation_events")
