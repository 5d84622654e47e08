"""inbound ledger leases: a `running` claim holds until `lease_until`, then another may take it

Revision ID: 0009_inbound_lease
Revises: 0006_console_sessions
Create Date: 2026-12-06 12:00:00

A message whose claimant crashed stayed `running` for ever and was never answered. Rows claimed
before this revision keep a NULL lease; the ledger treats theirs as ending one lease after the
message was received (bot.store.inbound). The index serves the scheduler's look for running
claims whose lease is over.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009_inbound_lease"
down_revision = "0006_console_sessions"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column(
        "inbound_messages", sa.Column("lease_until", sa.DateTime(timezone=True), nullable=True)
    )
    op.create_index("ix_inbound_messages_state_lease", "inbound_messages", ["state", "lease_until"])


def downgrade() -> None:
    op.drop_index("ix_inbound_messages_state_lease", table_name="inbound_messages")
    with op.batch_alter_table("inbound_messages") as batch:
        batch.drop_column("lease_until")
