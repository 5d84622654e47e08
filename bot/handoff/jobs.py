"""The hand-off's timed jobs, which the scheduler runs every `HANDOFF_SECONDS` (bot.scheduler).

- agents without a heartbeat go offline and their conversations back to the queue;
- urgent (alerted) tickets appear at the top of the queue;
- conversations nobody picked up in time become call-back tickets, and the user is told so;
- an ended conversation whose resume did not reach Rasa is given back again;
- the call centre's webhook events are posted, with retries.

They run in the scheduler, not in the console, so that they run once however many consoles serve
the agents: the scheduler's leader lock (bot.store.leader) picks the one process that runs them.
Every job is safe to repeat, so a job that fails is simply tried again on the next round; they
wait on a person, which is why they run every two seconds while the notices wait 30.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta

import aiohttp

from bot.base import clock
from bot.handoff import agents, messages, queue, timeouts, webhook
from bot.handoff.config import HandoffSettings
from bot.handoff.rasa import RasaApi, RasaClient, RasaError
from bot.handoff.resume import give_back, tell_requeued
from bot.handoff.transcript import transcript_of
from bot.handoff.views import HandoffView
from bot.handoff.webhook import outbound_headers
from bot.policy import Policy
from bot.store.db import in_session

logger = logging.getLogger(__name__)

HANDOFF_SECONDS = 2.0
#: A close in flight in a console request is not retried by the jobs before this much time.
RESUME_GRACE = timedelta(seconds=15)
POST_TIMEOUT = aiohttp.ClientTimeout(total=10)

Job = Callable[[datetime], Awaitable[None]]


async def post_event(
    http: aiohttp.ClientSession, url: str, secret: bytes, outgoing: webhook.Outgoing
) -> str | None:
    """Post one signed webhook event; `None` on a 2xx answer, else what went wrong."""
    headers = outbound_headers(outgoing.event, outgoing.id, outgoing.body, secret)
    try:
        async with http.post(url, data=outgoing.body, headers=headers, timeout=POST_TIMEOUT) as r:
            return None if 200 <= r.status < 300 else f"HTTP {r.status}"
    except (aiohttp.ClientError, asyncio.TimeoutError) as exc:
        return f"{type(exc).__name__}: {exc}"


@dataclass
class HandoffJobs:
    """The hand-off's jobs against one Rasa server and one call centre, for the scheduler."""

    rasa: RasaClient
    http: aiohttp.ClientSession
    handoff: HandoffSettings
    policy: Policy
    now: Callable[[], datetime] = clock.now

    def named(self) -> list[tuple[str, Job]]:
        """Every job with its name (for the scheduler's logs and metrics), in the order to run."""
        jobs: list[tuple[str, Job]] = [
            ("offline agents", self.requeue_offline),
            ("urgent tickets", self.queue_alerts),
            ("pick-up deadlines", self.time_out_overdue),
            ("resumes", self.resume_ended),
        ]
        if "webhook" in self.handoff.targets:
            jobs.append(("webhook events", self.deliver_events))
        return jobs

    async def requeue_offline(self, now: datetime) -> None:
        """Conversations of agents gone silent back to the queue, their users told."""
        pickup = self.policy.handoff.pickup_minutes
        timeout = self.handoff.agent_timeout_seconds
        for returned in await in_session(agents.requeue_offline, now, timeout, pickup):
            logger.info("hand-off %s back in the queue: its agent went offline", returned.id)
            undelivered = await tell_requeued(self.rasa, returned, pickup)
            if undelivered:
                logger.warning(
                    "hand-off %s: user not told of the requeue: %s", returned.id, undelivered
                )

    async def queue_alerts(self, now: datetime) -> None:
        """Alerted tickets (a leak) as urgent hand-offs at the top of the queue."""
        for opened in await in_session(
            queue.queue_alerts, self.policy, self.handoff.targets, now
        ):
            logger.info("urgent ticket %s queued as hand-off %s", opened.ticket_no, opened.id)

    async def time_out_overdue(self, now: datetime) -> None:
        """Conversations nobody picked up in time become call-back tickets."""
        for overdue in await in_session(timeouts.overdue, now):
            await self._time_out(overdue, now)

    async def resume_ended(self, now: datetime) -> None:
        """Ended conversations whose resume did not reach Rasa, given back again."""
        for ended in await in_session(timeouts.still_paused, now - RESUME_GRACE):
            await self._give_back(ended)

    async def deliver_events(self, now: datetime) -> None:
        """The call centre's due webhook events, posted; a failure is retried later."""
        url, secret = self.handoff.webhook_url, self.handoff.webhook_secret
        if url is None or secret is None:
            return
        for outgoing in await in_session(webhook.due_deliveries, now):
            error = await post_event(self.http, url, secret, outgoing)
            await in_session(webhook.record_delivery, outgoing.id, error, self.now())
            if error:
                logger.warning("webhook %s (%s) failed: %s", outgoing.id, outgoing.event, error)

    async def _time_out(self, handoff: HandoffView, now: datetime) -> None:
        try:
            lines = transcript_of(await self.rasa.tracker(handoff.sender_id))
        except RasaError as exc:
            logger.warning(
                "hand-off %s: no transcript for its call-back ticket: %s", handoff.id, exc
            )
            lines = []
        result = await in_session(timeouts.time_out, self.policy, handoff.id, lines, now)
        if result is not None:
            logger.info(
                "hand-off %s not picked up in time: call-back ticket %s",
                handoff.id,
                result.session.callback_ticket_no,
            )
            await self._give_back(result.session)

    async def _give_back(self, handoff: HandoffView) -> None:
        if handoff.status == "timed_out":
            ticket = await in_session(timeouts.callback_ticket, handoff.callback_ticket_no)
            text = messages.timed_out(
                handoff.callback_ticket_no or "", ticket.first_reply_due if ticket else None
            )
        else:
            text = messages.closed()
        try:
            undelivered = await give_back(self.rasa, handoff, text)
        except RasaError as exc:
            logger.warning("hand-off %s: bot not resumed yet, retrying: %s", handoff.id, exc)
            return
        if undelivered:
            logger.warning(
                "hand-off %s: bot resumed, notice not delivered: %s", handoff.id, undelivered
            )


@asynccontextmanager
async def open_handoff_jobs(
    api: RasaApi,
    handoff: HandoffSettings,
    policy: Policy,
    now: Callable[[], datetime] = clock.now,
) -> AsyncIterator[HandoffJobs]:
    """The jobs with an HTTP client of their own (inside the running loop), closed on leaving."""
    async with aiohttp.ClientSession() as http:
        yield HandoffJobs(RasaClient(http, api.url, api.token), http, handoff, policy, now)
