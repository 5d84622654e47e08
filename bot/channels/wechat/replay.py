"""Freshness and single use of WeChat push requests, so a captured URL is not a key for ever.

In plain mode WeChat's `signature` covers only the token, `timestamp` and `nonce`, not the body:
anyone who saw one signed push URL (an access log, a proxy, a forwarded link) could post any
XML under it, as any OpenID, and read the passive reply (red team F3). Two checks close that:

- *Fresh.* The `timestamp` must lie within `window` seconds of our clock, either way. WeChat
  sends a push at once and retries it within about 15 seconds, so a few minutes (300 s by
  default, `WECHAT_REPLAY_WINDOW`) leave room for clock drift and nothing for an old URL.
- *Once.* A `timestamp`+`nonce` is remembered, with a digest of the body, for as long as its
  timestamp is fresh. The same pair with another body is refused; the same body again (a retry
  that reuses the query) is let through, where the inbound ledger turns it into the first
  try's answer rather than a second turn.

Safe mode's `msg_signature` covers the `Encrypt` body as well; both checks apply there too.
The pairs live in this process's memory, or in Redis (`WECHAT_REPLAY_STORE=redis://…`) when
several processes or replicas answer the push URL, so a replay cannot pick another one.
"""

from __future__ import annotations

import hashlib
import time
from collections import deque
from collections.abc import Callable, Mapping
from typing import Protocol

from redis import asyncio as aioredis

from bot.channels.wechat.protocol import BadSignature

DEFAULT_WINDOW = 300.0  # seconds; WeChat's retries come within ~15 s
_REDIS_PREFIX = "wechat:push:"


class StaleRequest(BadSignature):
    """The request's timestamp is not within the window (answer 403)."""


class ReplayedRequest(BadSignature):
    """The timestamp and nonce were used before with another body (answer 403)."""


class NonceStore(Protocol):
    """Where seen timestamp+nonce pairs are kept while they are fresh."""

    async def remember(self, key: str, digest: str, ttl: float) -> str | None:
        """Keep `digest` under `key` for `ttl` seconds unless the key is there already; the
        digest it holds then, `None` when this call stored it."""


class MemoryNonces:
    """The pairs in this process (the default profile runs one Rasa server process).

    Each call drops expired entries from the front (the oldest); one that expires behind a
    younger neighbour waits for it, at most two windows, and is harmless meanwhile: its
    timestamp is stale, so no request reaches it. Memory stays bounded by two windows' pushes.
    """

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._seen: dict[str, str] = {}
        self._expiry: deque[tuple[float, str]] = deque()

    async def remember(self, key: str, digest: str, ttl: float) -> str | None:
        """See `NonceStore.remember`."""
        now = self._clock()
        while self._expiry and self._expiry[0][0] <= now:
            self._seen.pop(self._expiry.popleft()[1], None)
        if key in self._seen:
            return self._seen[key]
        self._seen[key] = digest
        self._expiry.append((now + ttl, key))
        return None


class RedisNonces:
    """The pairs in Redis, shared by every process and replica (`SET NX` with an expiry)."""

    def __init__(self, url: str) -> None:
        self._redis = aioredis.from_url(url)

    async def remember(self, key: str, digest: str, ttl: float) -> str | None:
        """See `NonceStore.remember`; one round trip unless the pair was seen."""
        name = _REDIS_PREFIX + key
        if await self._redis.set(name, digest, nx=True, ex=max(int(ttl), 1)):
            return None
        held = await self._redis.get(name)
        return held.decode() if held is not None else None


def nonce_store(url: str | None) -> NonceStore:
    """The store `WECHAT_REPLAY_STORE` names: `redis://…` (or `rediss://…`), else memory."""
    return RedisNonces(url) if url else MemoryNonces()


class ReplayGuard:
    """Admits a signed push request only while fresh and only once (see the module's text)."""

    def __init__(
        self,
        window: float,
        store: NonceStore,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.window = window
        self._store = store
        self._clock = clock

    async def admit(self, query: Mapping[str, str], body: bytes) -> None:
        """Raise `StaleRequest` or `ReplayedRequest` (both `BadSignature`) unless the request
        is fresh and its timestamp and nonce are new, or came before with this same body.

        Call it after the signature check, so unsigned requests cannot fill the store.
        """
        raw, nonce = query.get("timestamp", ""), query.get("nonce", "")
        if not raw.isdigit():
            raise StaleRequest("timestamp is not a number")
        age = self._clock() - int(raw)
        if abs(age) > self.window:
            raise StaleRequest(f"timestamp {age:+.0f} s off, outside ±{self.window:.0f} s")
        digest = hashlib.sha256(body).hexdigest()
        # Kept until the timestamp itself is stale (at most two windows from now).
        held = await self._store.remember(f"{raw}:{nonce}", digest, self.window - age + 1)
        if held is not None and held != digest:
            raise ReplayedRequest("timestamp and nonce already used with another body")
