"""console sessions and failed logins: logout ends a session, logins are throttled per address

Revision ID: 0006_console_sessions
Revises: 0005_conversation_ids
Create Date: 2026-12-06 02:00:00

Written out in full for the same reason as 0001: the migration must not move with the models.
Logins from before this revision carried no session id; their cookies are refused and the agents
log in again.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006_console_sessions"
down_revision = "0005_conversation_ids"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "console_sessions",
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("agent_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["agent_id"], ["agents.id"], name=op.f("fk_console_sessions_agent_id_agents")
        ),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_console_sessions")),
    )
    op.create_index("ix_console_sessions_agent_id", "console_sessions", ["agent_id"])

    op.create_table(
        "console_login_failures",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("address_key", sa.String(length=64), nullable=False),
        sa.Column("username_key", sa.String(length=64), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_console_login_failures")),
    )
    op.create_index(
        "ix_console_login_failures_address_key_at",
        "console_login_failures",
        ["address_key", "at"],
    )
    op.create_index(
        "ix_console_login_failures_username_key_at",
        "console_login_failures",
        ["username_key", "at"],
    )
    op.create_index("ix_console_login_failures_at", "console_login_failures", ["at"])


def downgrade() -> None:
    op.drop_table("console_login_failures")
    op.drop_table("console_sessions")
