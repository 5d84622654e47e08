"""verification sources: the widget address of a try, and the budget alert it raised

Revision ID: 0018_verification_sources
Revises: 0017_photos
Create Date: 2026-12-06 19:00:00

Written out in full, like 0001: the migration must not move with the models. Failures are now
also limited across accounts, company-wide and per widget address (docs/security.md), which
counts them by time alone and by source, and remembers which failure raised a window's alert.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0018_verification_sources"
down_revision = "0017_photos"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("verification_attempts", sa.Column("source", sa.String(length=64), nullable=True))
    op.add_column("verification_attempts", sa.Column("alert", sa.String(length=16), nullable=True))
    op.create_index("ix_verification_attempts_at", "verification_attempts", ["at"])
    op.create_index("ix_verification_attempts_source_at", "verification_attempts", ["source", "at"])


def downgrade() -> None:
    op.drop_index("ix_verification_attempts_source_at", table_name="verification_attempts")
    op.drop_index("ix_verification_attempts_at", table_name="verification_attempts")
    with op.batch_alter_table("verification_attempts") as batch:
        batch.drop_column("alert")
        batch.drop_column("source")
