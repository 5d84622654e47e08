"""Alembic environment: runs our migrations on a connection handed over by `ensure_schema`.

Called without one (a developer running `alembic -c bot/store/alembic.ini revision --autogenerate`),
it connects to `DATABASE_URL` itself. Logging is left to the host process, so no `fileConfig`.
"""

from __future__ import annotations

from alembic import context
from sqlalchemy.engine import Connection

from bot.store.db import get_engine
from bot.store.models import Base


def _run(connection: Connection) -> None:
    # Batch mode lets later migrations alter SQLite tables, which lack most of ALTER TABLE.
    context.configure(connection=connection, target_metadata=Base.metadata, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    raise RuntimeError("offline (--sql) migrations are not supported: run against a database")

_connection = context.config.attributes.get("connection")
if _connection is None:
    with get_engine().begin() as _connection:
        _run(_connection)
else:
    _run(_connection)
