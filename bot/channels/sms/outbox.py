"""Every SMS answer leaves through here: the send, and a line in the outbound log.

Three purposes:
- `reply`: answers to a message the user just sent. Sent even to a number that opted out: 退订
  stops notices, but a user who later writes 报修 is asking for an answer.
- `opt_out`: the one confirmation of an opt-out (the caller sends it only the first time).
- `agent`: a person's words in a hand-off conversation the user started (`SmsOutput`).

Replies and opt-out confirmations go out without a person deciding to send them, so anyone who
can make the channel receive messages could make it send SMS at the company's cost. They are held
to the policy's `sms` limits (`bot.policy.sms_limit_reached`): over one, nothing is sent, each SMS
is logged `refused` with the limit's name, and an alert goes to the `bot.alerts.sms` logger. An
agent's words are never held back: a person chose to send them.

The counts are read before sending, so replicas answering at the same moment can each pass the
last free place: a limit can be overshot by one answer per callback running at that moment.

Notices (outages, bills, reminders, surveys) are `bot.notify`'s: it checks the suppression list,
logs and retries them, keeps its own rate limit (`NOTIFY_RATE_LIMITS`), and sends through
`bot.channels.sms.notify`.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from datetime import timedelta

from bot.base import clock
from bot.channels.sms.sender import SendError, SmsSender
from bot.channels.sms.templates import CHANNEL, SmsMessage
from bot.policy import Policy, load_policy, sms_limit_reached
from bot.privacy import mask_text
from bot.store.db import session_scope
from bot.store.outbound import log_outbound, sent_on_channel_since, sent_since

logger = logging.getLogger(__name__)
#: Operator alerts of the SMS channel (a callback over the item cap, an answer over a limit).
alerts = logging.getLogger("bot.alerts.sms")

REPLY = "reply"
OPT_OUT = "opt_out"
AGENT = "agent"
#: What the channel sends on its own: the purposes the `sms` limits count and hold back.
AUTOMATIC = (REPLY, OPT_OUT)
HOUR = timedelta(hours=1)
DAY = timedelta(hours=24)


def _log(
    recipient: str,
    purpose: str,
    status: str,
    message: SmsMessage,
    error: str | None,
    url: str | None,
) -> None:
    with session_scope(url) as session:
        log_outbound(
            session,
            CHANNEL,
            recipient,
            purpose,
            status,
            clock.now(),
            body=message.as_json(),
            template_id=message.template_id,
            error=error,
        )


def _limit_reached(recipient: str, sending: int, policy: Policy, url: str | None) -> str | None:
    """The `sms` limit `sending` more automatic SMS to `recipient` would break, if any."""
    now = clock.now()
    with session_scope(url) as session:
        hour = sent_since(session, CHANNEL, recipient, now - HOUR, purposes=AUTOMATIC)
        day = sent_since(session, CHANNEL, recipient, now - DAY, purposes=AUTOMATIC)
        everyone = sent_on_channel_since(session, CHANNEL, now - DAY, purposes=AUTOMATIC)
    return sms_limit_reached(
        policy, sending, to_number_last_hour=hour, to_number_last_day=day, to_all_last_day=everyone
    )


async def deliver(
    sender: SmsSender,
    recipient: str,
    messages: Sequence[SmsMessage],
    purpose: str,
    database_url: str | None = None,
    policy: Policy | None = None,
) -> list[str]:
    """Send `messages` to the conversation `recipient` (`sms:<phone>`) in order; the status of
    each (`sent`, `failed`, or `refused` when a reply or confirmation is over the `sms` limits of
    `policy`, default the configured one).

    A failed send is logged, not retried: SMS are delivered at most once, since a second copy
    costs money and confuses more than a missing one, which the operator finds in the log.
    """
    if purpose not in (REPLY, OPT_OUT, AGENT):
        raise ValueError(f"unknown SMS purpose {purpose!r}")
    if purpose in AUTOMATIC and messages:
        policy = policy or load_policy()
        reached = await asyncio.to_thread(
            _limit_reached, recipient, len(messages), policy, database_url
        )
        if reached is not None:
            alerts.warning(
                "SMS %s to %s held back, nothing sent: over the policy's sms.%s",
                purpose,
                mask_text(recipient),
                reached,
            )
            why = f"over sms.{reached}"
            for message in messages:
                await asyncio.to_thread(
                    _log, recipient, purpose, "refused", message, why, database_url
                )
            return ["refused"] * len(messages)
    statuses: list[str] = []
    for message in messages:
        error: str | None = None
        try:
            await sender.send(recipient, message)
            status = "sent"
        except SendError as exc:
            status, error = "failed", exc.reason
            logger.warning("SMS %s to %s failed: %s", purpose, mask_text(recipient), exc.reason)
        await asyncio.to_thread(_log, recipient, purpose, status, message, error, database_url)
        statuses.append(status)
    return statuses
