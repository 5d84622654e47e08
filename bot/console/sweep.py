"""The console's periodic checks, every two seconds, and giving a conversation back to the bot.

- agents without a heartbeat go offline and their conversations back to the queue;
- urgent (alerted) tickets appear at the top of the queue;
- conversations nobody picked up in time become call-back tickets, and the user is told so;
- an ended conversation whose resume did not reach Rasa is given back again;
- the call centre's webhook events are posted, with retries.

One console process runs the sweep; every step is safe to repeat, so a failed step is simply
tried again on the next round.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

import aiohttp

from bot.console.rasa import RasaClient, RasaError
from bot.handoff import agents, messages, moves, queue, rules, timeouts, webhook
from bot.handoff.config import HandoffSettings
from bot.handoff.transcript import bot_message, transcript_of
from bot.handoff.views import HandoffView
from bot.handoff.webhook import outbound_headers
from bot.policy import Policy
from bot.privacy import mask_text
from bot.services import clock
from bot.store.db import in_session

logger = logging.getLogger(__name__)

SWEEP_SECONDS = 2.0
#: A close in flight in a request handler is not retried by the sweep before this much time.
RESUME_GRACE = timedelta(seconds=15)
POST_TIMEOUT = aiohttp.ClientTimeout(total=10)

#: Resuming ends with `action_listen`: the action that paused the bot was the last one Rasa ran,
#: and without a listen the policies would read the next message as coming straight after it.
RESUME = [{"event": "resume"}, {"event": "action", "name": "action_listen"}]


async def give_back(rasa: RasaClient, handoff: HandoffView, text: str) -> str | None:
    """Tell the user `text` and resume the bot; `None`, or why the text could not be delivered.

    The resume matters more than the text: when the channel refuses the message (WeChat's window
    is closed), the bot is resumed without it, so the user is never left talking to nobody.
    """
    if not handoff.paused:
        return None
    undelivered = None
    try:
        await rasa.append(handoff.sender_id, [bot_message(text), *RESUME], handoff.channel)
    except RasaError as exc:
        undelivered = str(exc)
        await rasa.append(handoff.sender_id, RESUME, handoff.channel)
    await in_session(moves.mark_paused, handoff.id, False)
    return undelivered


async def tell_requeued(rasa: RasaClient, handoff: HandoffView, pickup_minutes: int) -> str | None:
    """Tell the user their agent left and they wait again; `None`, or why it was not delivered.

    Without it the widget would go on naming an agent who is no longer there. Channels that count
    or charge each message (rules.announces_handover) are not told, as for 接入 and 转接.
    """
    if not rules.announces_handover(handoff.channel):
        return None
    try:
        await rasa.append(
            handoff.sender_id, [bot_message(messages.requeued(pickup_minutes))], handoff.channel
        )
    except RasaError as exc:
        return str(exc)
    return None


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
class Sweeper:
    """The periodic checks of one console process."""

    rasa: RasaClient
    http: aiohttp.ClientSession
    handoff: HandoffSettings
    policy: Policy
    now: Callable[[], datetime] = clock.now

    async def run_forever(self, interval: float = SWEEP_SECONDS) -> None:
        """Sweep until cancelled; a failing round is logged and the next one tries again."""
        while True:
            try:
                await self.run_once()
            except Exception as exc:  # the loop must outlive any one bad round
                logger.error("hand-off sweep failed: %s", mask_text(repr(exc)))
            await asyncio.sleep(interval)

    async def run_once(self) -> None:
        """One round of every check."""
        now = self.now()
        pickup = self.policy.handoff.pickup_minutes
        timeout = self.handoff.agent_timeout_seconds
        for returned in await in_session(agents.requeue_offline, now, timeout, pickup):
            logger.info("hand-off %s back in the queue: its agent went offline", returned.id)
            undelivered = await tell_requeued(self.rasa, returned, pickup)
            if undelivered:
                logger.warning(
                    "hand-off %s: user not told of the requeue: %s", returned.id, undelivered
                )
        for opened in await in_session(queue.queue_alerts, self.policy, self.handoff.targets, now):
            logger.info("urgent ticket %s queued as hand-off %s", opened.ticket_no, opened.id)
        for overdue in await in_session(timeouts.overdue, now):
            await self._time_out(overdue, now)
        for ended in await in_session(timeouts.still_paused, now - RESUME_GRACE):
            await self._give_back(ended)
        if "webhook" in self.handoff.targets:
            await self._deliver(now)

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

    async def _deliver(self, now: datetime) -> None:
        url, secret = self.handoff.webhook_url, self.handoff.webhook_secret
        if url is None or secret is None:
            return
        for outgoing in await in_session(webhook.due_deliveries, now):
            error = await post_event(self.http, url, secret, outgoing)
            await in_session(webhook.record_delivery, outgoing.id, error, self.now())
            if error:
                logger.warning("webhook %s (%s) failed: %s", outgoing.id, outgoing.event, error)
