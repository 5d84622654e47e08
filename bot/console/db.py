"""Store calls from the console's event loop: each runs in a worker thread, in one transaction."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any, TypeVar

from bot.store.db import session_scope

T = TypeVar("T")


async def in_db(fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """Run `fn(session, *args, **kwargs)` off the event loop and commit (SQLAlchemy blocks)."""

    def work() -> T:
        with session_scope() as session:
            return fn(session, *args, **kwargs)

    return await asyncio.to_thread(work)
