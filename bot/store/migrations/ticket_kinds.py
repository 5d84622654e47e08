"""Widening or narrowing the tickets' kind CHECK, for the migrations that add a ticket kind.

PostgreSQL drops and re-adds the constraint. SQLite cannot alter a constraint, and copying the
table (Alembic's batch mode) is refused by the foreign keys of `ticket_events` once tickets exist;
so the stored CREATE TABLE text is edited in place, the procedure SQLite documents for loosening
a CHECK (lang_altertable.html, "other kinds of table schema changes"): no existing row can break
a constraint that allows more values. Each migration passes its own before and after texts, so
it does not move with the models.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op


def set_ticket_kinds(old: str, new: str) -> None:
    """Replace the CHECK `old` (e.g. "kind IN ('BX', …)") of `tickets` by `new`."""
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        op.drop_constraint(op.f("ck_tickets_kind"), "tickets", type_="check")
        op.create_check_constraint(op.f("ck_tickets_kind"), "tickets", new)
        return
    version = bind.exec_driver_sql("PRAGMA schema_version").scalar_one()
    bind.exec_driver_sql("PRAGMA writable_schema=ON")
    bind.execute(
        sa.text(
            "UPDATE sqlite_master SET sql = replace(sql, :old, :new) "
            "WHERE type = 'table' AND name = 'tickets'"
        ),
        {"old": old, "new": new},
    )
    bind.exec_driver_sql(f"PRAGMA schema_version={int(version) + 1}")
    bind.exec_driver_sql("PRAGMA writable_schema=OFF")


def refuse_if_tickets_of(kind: str, name: str) -> None:
    """Stop a downgrade while tickets of `kind` exist: they are records of promises made, never
    dropped by a schema change."""
    found = op.get_bind().execute(
        sa.text("SELECT 1 FROM tickets WHERE kind = :kind LIMIT 1"), {"kind": kind}
    )
    if found.first():
        raise RuntimeError(
            f"{kind} ({name}) tickets exist: close and archive them before downgrading"
        )
