"""contact numbers: a ticket's phone may be a landline with area code and extension

Revision ID: 0010_contact_numbers
Revises: 0009_inbound_lease
Create Date: 2026-12-06 02:00:00

`tickets.phone` held 11 characters, a mobile number; residents without one (elderly households,
shops) give a landline such as 010-62345678-8021. Only PostgreSQL's column is widened: SQLite
keeps any length in a VARCHAR, and altering a column there means copying the table, which its
foreign keys (ticket_events) refuse while rows exist.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010_contact_numbers"
down_revision = "0009_inbound_lease"
branch_labels = None
depends_on = None


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.alter_column("tickets", "phone", type_=sa.String(32), existing_type=sa.String(11))


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.alter_column("tickets", "phone", type_=sa.String(11), existing_type=sa.String(32))
