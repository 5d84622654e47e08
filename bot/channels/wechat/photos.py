"""Keeping residents' WeChat photos beyond WeChat's 3 days: the scheduler's photo job.

A meter reading or a 室温抽测 result keeps only the `MediaId` of the photo sent with it, and
WeChat's temporary-media API serves it for 3 days; staff reviewing a reading a week later would
have nothing to look at. Every full round of the scheduler (under its leader lock, so once
however many schedulers run) this job fetches the photos readings name and the store does not
keep yet (bot.store.photos), a few per round and none started after `ROUND_BUDGET` seconds, so
neither a backlog nor a slow WeChat holds up the hand-off's rounds and the notices for long:

- an image within the size cap → `fetched` (bytes, type, SHA-256);
- no answer, a timeout, a WeChat error → `failed`, tried again after `retry_delay` (1 min,
  doubling, at most an hour);
- WeChat serves no image or one over the cap → `refused`, never tried again;
- WeChat's 3 days over (counted from the reading), or WeChat says the id is gone (40007) →
  `expired`, never tried again.

Without WeChat configured (the demo profile) there is nothing to fetch from: the job says so
once in the log and does nothing.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import time
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Protocol, TypeVar

from sqlalchemy.orm import Session

from bot.channels.wechat.api import WeChatApi, WeChatApiError
from bot.channels.wechat.config import load_config
from bot.channels.wechat.media import Media, MediaDownloader, MediaGone, MediaRefused
from bot.privacy import mask_id
from bot.store.photos import Outcome, WantedPhoto, photos_to_fetch, record_outcome

logger = logging.getLogger(__name__)

T = TypeVar("T")
SessionFactory = Callable[[], AbstractContextManager[Session]]

#: How long WeChat serves temporary media after the message.
MEDIA_LIFETIME = timedelta(days=3)
FIRST_RETRY = timedelta(minutes=1)
LONGEST_RETRY = timedelta(hours=1)
#: Photos tried in one round at most.
PER_ROUND = 10
#: No new download starts once a round has spent this long: the round runs inside the scheduler's
#: tick, and the hand-off's rounds (a person waiting) and the notices wait for it.
ROUND_BUDGET = 15.0


class Downloader(Protocol):
    """What the job needs of WeChat: `bot.channels.wechat.media.MediaDownloader`."""

    async def download(self, media_id: str) -> Media:
        """The image, or `MediaGone` / `MediaRefused` / `WeChatApiError`."""
        ...


def retry_delay(attempts: int) -> timedelta:
    """How long to wait after the `attempts`-th failed attempt: 1 min, 2, 4 … at most 1 h."""
    delay = FIRST_RETRY * 2 ** max(attempts - 1, 0)
    return min(delay, LONGEST_RETRY)


def has_expired(received_at: datetime, now: datetime) -> bool:
    """Whether WeChat's 3 days for a photo sent at `received_at` are over at `now`."""
    return now >= received_at + MEDIA_LIFETIME


@dataclass
class PhotoRound:
    """What one round did, by outcome."""

    counts: dict[str, int] = field(default_factory=dict)

    def add(self, status: str) -> None:
        """Count one photo with `status`."""
        self.counts[status] = self.counts.get(status, 0) + 1

    @property
    def busy(self) -> bool:
        """Whether anything was tried or given up."""
        return bool(self.counts)

    def summary(self) -> str:
        """`fetched 2, failed 1` for the scheduler's log line."""
        return ", ".join(f"{status} {n}" for status, n in sorted(self.counts.items()))


async def attempt(download: Downloader, wanted: WantedPhoto, now: datetime) -> Outcome:
    """What one photo comes to at `now`: given up after WeChat's 3 days, else one download."""
    if has_expired(wanted.received_at, now):
        return Outcome("expired", attempted=False, error="WeChat's 3 days are over")
    try:
        media = await download.download(wanted.media_id)
    except MediaGone as exc:
        return Outcome("expired", error=str(exc))
    except MediaRefused as exc:
        return Outcome("refused", error=str(exc))
    except WeChatApiError as exc:
        next_at = now + retry_delay(wanted.attempts + 1)
        if has_expired(wanted.received_at, next_at):
            return Outcome("expired", error=f"{exc}; WeChat's 3 days end before the next try")
        return Outcome("failed", error=str(exc), next_attempt_at=next_at)
    return Outcome(
        "fetched", content=media.content, content_type=media.content_type, sha256=media.sha256
    )


class PhotoFetcher:
    """The scheduler's photo job; `download` is `None` when WeChat is not configured."""

    def __init__(
        self,
        download: Downloader | None,
        per_round: int = PER_ROUND,
        budget: float = ROUND_BUDGET,
    ) -> None:
        self.download = download
        self.per_round = per_round
        self.budget = budget
        self._said_off = False

    async def run(self, sessions: SessionFactory, now: datetime) -> PhotoRound:
        """One round: the due photos tried, each outcome written in its own transaction."""
        done = PhotoRound()
        if self.download is None:
            if not self._said_off:
                logger.info(
                    "photo job off: WeChat is not configured (WECHAT_TOKEN), so residents' "
                    "photos are not fetched"
                )
                self._said_off = True
            return done
        due = await _in(sessions, lambda s: photos_to_fetch(s, now, self.per_round))
        started = time.monotonic()
        for wanted in due:
            outcome = await attempt(self.download, wanted, now)
            await _in(sessions, functools.partial(_record, wanted=wanted, outcome=outcome, now=now))
            done.add(outcome.status)
            if outcome.status != "fetched":
                logger.warning(
                    "photo %s %s: %s", mask_id(wanted.media_id), outcome.status, outcome.error
                )
            if time.monotonic() - started >= self.budget:
                break  # the rest next round (at least one photo a round: always progress)
        return done


def _record(session: Session, wanted: WantedPhoto, outcome: Outcome, now: datetime) -> None:
    record_outcome(session, wanted, outcome, now)


async def _in(sessions: SessionFactory, work: Callable[[Session], T]) -> T:
    def run() -> T:
        with sessions() as session:
            return work(session)

    return await asyncio.to_thread(run)


def photo_fetcher() -> PhotoFetcher:
    """The scheduler's job for this process's environment: fetching through the configured
    Official Account, or off (`WECHAT_TOKEN` unset). A malformed WeChat setting, such as
    `WECHAT_MEDIA_MAX_BYTES`, stops the start with a message naming it (`ConfigError`)."""
    config = load_config()
    return PhotoFetcher(None if config is None else MediaDownloader(WeChatApi(config)))
