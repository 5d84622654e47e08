"""Leadership among processes of one kind (the schedulers): a PostgreSQL advisory lock.

Several schedulers may run (one per machine, or a spare), but timers must fire once: a deadline
warning, a survey, a reminder sent by two schedulers at the same moment reaches the user twice
when both read the row before either marks it. The leader holds a session-level advisory lock
on a connection of its own for as long as it lives; the others try it each round and stand by.
When the leader's process dies, PostgreSQL ends its connection and with it the lock, and the next
standby to try takes over within one round.

SQLite has no such lock and no second machine: there every process leads (`make run` starts one
scheduler).
"""

from __future__ import annotations

import contextlib
import logging
from typing import Any

from sqlalchemy import text
from sqlalchemy.engine import Connection, make_url
from sqlalchemy.exc import DBAPIError

from bot.store.db import get_engine

logger = logging.getLogger(__name__)

#: The advisory lock key of the scheduler ("sche" in ASCII); the migrations use another.
SCHEDULER_LOCK_ID = 0x73636865


class LeaderLock:
    """`held()` tells whether this process leads now, taking the lock when it is free."""

    def __init__(self, url: str, key: int = SCHEDULER_LOCK_ID) -> None:
        self.url = url
        self.key = key
        self._connection: Connection | None = None
        self._postgres = make_url(url).get_backend_name() == "postgresql"

    def held(self) -> bool:
        """Whether this process holds the lock (trying to take it if not; never waits)."""
        if not self._postgres:
            return True
        if self._connection is not None:
            if self._alive(self._connection):
                return True
            logger.warning("leader lock connection lost; trying to lead again")
            self._drop()
        # autocommit: no transaction stays open on the connection the lock lives on
        connection = get_engine(self.url).connect().execution_options(isolation_level="AUTOCOMMIT")
        try:
            taken = bool(
                connection.execute(
                    text("SELECT pg_try_advisory_lock(:key)"), {"key": self.key}
                ).scalar()
            )
        except DBAPIError:
            connection.close()
            raise
        if not taken:
            connection.close()
            return False
        self._connection = connection
        return True

    @staticmethod
    def _alive(connection: Connection) -> bool:
        try:
            connection.execute(text("SELECT 1"))
        except DBAPIError:
            return False
        return True

    def _drop(self) -> None:
        connection, self._connection = self._connection, None
        if connection is not None:
            # the pool would reuse the connection with the lock still held: discard it
            with contextlib.suppress(DBAPIError):
                connection.invalidate()
                connection.close()

    def release(self) -> None:
        """Give up leadership (the process stops): a standby takes over on its next try."""
        self._drop()

    def __enter__(self) -> LeaderLock:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.release()
