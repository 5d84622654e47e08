"""室温抽测 visits: ticket kind CY, and the visit ticket of each consented household

Revision ID: 0016_sampling_visits
Revises: 0015_conversation_events
Create Date: 2026-12-06 06:30:00

Written out in full, like 0001: the migration must not move with the models. The tickets' kind
CHECK gains `CY` (how, on each database: `bot.store.migrations.ticket_kinds`);
`room_temp_samples.ticket_no` names the CY ticket a household's consent opened.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from bot.store.migrations.ticket_kinds import refuse_if_tickets_of, set_ticket_kinds

revision = "0016_sampling_visits"
down_revision = "0015_conversation_events"
branch_labels = None
depends_on = None

_OLD_KINDS = "kind IN ('BX', 'TS', 'CW', 'BT', 'RG', 'CB')"
_NEW_KINDS = "kind IN ('BX', 'TS', 'CW', 'BT', 'RG', 'CB', 'CY')"


def upgrade() -> None:
    set_ticket_kinds(_OLD_KINDS, _NEW_KINDS)
    with op.batch_alter_table("room_temp_samples") as table:
        table.add_column(sa.Column("ticket_no", sa.String(length=14), nullable=True))


def downgrade() -> None:
    refuse_if_tickets_of("CY", "室温抽测")
    with op.batch_alter_table("room_temp_samples") as table:
        table.drop_column("ticket_no")
    set_ticket_kinds(_NEW_KINDS, _OLD_KINDS)
