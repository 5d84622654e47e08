"""Store calls from the channel's async code: each in a worker thread, in one committed session.

SQLAlchemy 1.4 sessions block; Rasa's Sanic event loop must not, or every conversation of the
server stalls while one request waits for the database.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any, TypeVar

from bot.store.db import session_scope

T = TypeVar("T")


async def in_db(fn: Callable[..., T], *args: Any) -> T:
    """`fn(session, *args)` in a worker thread, committed when it returns."""

    def work() -> T:
        with session_scope() as session:
            return fn(session, *args)

    return await asyncio.to_thread(work)


def mask_openid(openid: str) -> str:
    """An OpenID shortened for logs: enough to follow one user through a log, not to reach them."""
    return f"{openid[:2]}***{openid[-4:]}" if len(openid) > 8 else "***"
