"""hand-off: agents, hand-off sessions and their history, webhook deliveries

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-28 09:00:00

Written out in full for the same reason as 0001: the migration must not move with the models.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def _timestamp(name: str, nullable: bool = True) -> sa.Column:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    op.create_table(
        "agents",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("username", sa.String(length=64), nullable=False),
        sa.Column("display_name", sa.String(length=64), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("password_hash", sa.String(length=255), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("online", sa.Boolean(), nullable=False),
        _timestamp("last_seen_at"),
        _timestamp("created_at", nullable=False),
        sa.CheckConstraint("role IN ('agent', 'supervisor')", name=op.f("ck_agents_role")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_agents")),
        sa.UniqueConstraint("username", name=op.f("uq_agents_username")),
    )

    op.create_table(
        "handoff_sessions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("channel", sa.String(length=32), nullable=False),
        sa.Column("sender_id", sa.String(length=128), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("urgency", sa.Integer(), nullable=False),
        sa.Column("reason", sa.String(length=32), nullable=False),
        sa.Column("targets", sa.String(length=64), nullable=False),
        sa.Column("paused", sa.Boolean(), nullable=False),
        sa.Column("summary", sa.Text(), nullable=True),
        sa.Column("ticket_no", sa.String(length=14), nullable=True),
        sa.Column("agent_id", sa.Integer(), nullable=True),
        sa.Column("external_agent", sa.String(length=64), nullable=True),
        sa.Column("callback_ticket_no", sa.String(length=14), nullable=True),
        _timestamp("created_at", nullable=False),
        _timestamp("pickup_due", nullable=False),
        _timestamp("picked_at"),
        _timestamp("closed_at"),
        _timestamp("updated_at", nullable=False),
        sa.CheckConstraint(
            "status IN ('queued', 'active', 'closed', 'timed_out')",
            name=op.f("ck_handoff_sessions_status"),
        ),
        sa.CheckConstraint("urgency BETWEEN 0 AND 2", name=op.f("ck_handoff_sessions_urgency")),
        sa.ForeignKeyConstraint(
            ["agent_id"], ["agents.id"], name=op.f("fk_handoff_sessions_agent_id_agents")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_handoff_sessions")),
        sa.UniqueConstraint("ticket_no", name=op.f("uq_handoff_sessions_ticket_no")),
    )
    op.create_index(
        "ix_handoff_sessions_status_urgency_created",
        "handoff_sessions",
        ["status", "urgency", "created_at"],
    )
    op.create_index(
        "ix_handoff_sessions_channel_sender_id", "handoff_sessions", ["channel", "sender_id"]
    )
    op.create_index("ix_handoff_sessions_agent_id", "handoff_sessions", ["agent_id"])

    op.create_table(
        "handoff_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("session_id", sa.Integer(), nullable=False),
        _timestamp("at", nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("actor", sa.String(length=128), nullable=False),
        sa.Column("detail", sa.Text(), nullable=True),
        sa.Column("external_id", sa.String(length=64), nullable=True),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["handoff_sessions.id"],
            name=op.f("fk_handoff_events_session_id_handoff_sessions"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_handoff_events")),
        sa.UniqueConstraint("external_id", name=op.f("uq_handoff_events_external_id")),
    )
    op.create_index("ix_handoff_events_session_id", "handoff_events", ["session_id"])

    op.create_table(
        "webhook_deliveries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("session_id", sa.Integer(), nullable=False),
        sa.Column("event", sa.String(length=32), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        _timestamp("next_attempt_at", nullable=False),
        _timestamp("delivered_at"),
        sa.Column("last_error", sa.String(length=255), nullable=True),
        _timestamp("created_at", nullable=False),
        sa.CheckConstraint(
            "status IN ('pending', 'delivered', 'failed')",
            name=op.f("ck_webhook_deliveries_status"),
        ),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["handoff_sessions.id"],
            name=op.f("fk_webhook_deliveries_session_id_handoff_sessions"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_webhook_deliveries")),
    )
    op.create_index(
        "ix_webhook_deliveries_status_next_attempt_at",
        "webhook_deliveries",
        ["status", "next_attempt_at"],
    )


def downgrade() -> None:
    for table in ("webhook_deliveries", "handoff_events", "handoff_sessions", "agents"):
        op.drop_table(table)
