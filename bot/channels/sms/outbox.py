"""Every SMS leaves through here: suppression check, the send, and a line in the outbound log.

Three purposes:
- `reply`: answers to a message the user just sent. Sent even to a number that opted out: 退订
  stops notices, but a user who later writes 报修 is asking for an answer.
- `opt_out`: the one confirmation of an opt-out (the caller sends it only the first time).
- `notice`: anything we start (outage and bill notices, reminders, surveys). Refused, and logged as
  `refused`, for a number on the suppression list. `send_notice` is the path `bot/notify` uses.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence

from bot.channels.sms.sender import SendError, SmsSender
from bot.channels.sms.templates import CHANNEL, SmsMessage
from bot.privacy import mask_phone
from bot.services import clock
from bot.store.db import session_scope
from bot.store.outbound import log_outbound
from bot.store.suppressions import is_suppressed

logger = logging.getLogger(__name__)

REPLY = "reply"
OPT_OUT = "opt_out"
NOTICE = "notice"
#: A notification template must not carry the promotional opt-out line.
PROMOTIONAL_OPT_OUT = "拒收请回复R"


def _suppressed(phone: str, database_url: str | None) -> bool:
    with session_scope(database_url) as session:
        return is_suppressed(session, CHANNEL, phone)


def _log(
    phone: str, purpose: str, status: str, message: SmsMessage, error: str | None, url: str | None
) -> None:
    with session_scope(url) as session:
        log_outbound(
            session,
            CHANNEL,
            phone,
            purpose,
            status,
            clock.now(),
            body=message.as_json(),
            template_id=message.template_id,
            error=error,
        )


async def deliver(
    sender: SmsSender,
    phone: str,
    messages: Sequence[SmsMessage],
    purpose: str,
    database_url: str | None = None,
) -> list[str]:
    """Send `messages` to `phone` in order; the status of each (`sent`, `failed`, `refused`).

    A failed send is logged, not retried: SMS are delivered at most once, since a second copy
    costs money and confuses more than a missing one, which the operator finds in the log.
    """
    if purpose not in (REPLY, OPT_OUT, NOTICE):
        raise ValueError(f"unknown SMS purpose {purpose!r}")
    refused = purpose == NOTICE and await asyncio.to_thread(_suppressed, phone, database_url)
    statuses: list[str] = []
    for message in messages:
        error: str | None = None
        if refused:
            status = "refused"
            logger.info("SMS notice to %s refused: the number opted out", mask_phone(phone))
        else:
            try:
                await sender.send(phone, message)
                status = "sent"
            except SendError as exc:
                status, error = "failed", exc.reason
                logger.warning("SMS %s to %s failed: %s", purpose, mask_phone(phone), exc.reason)
        await asyncio.to_thread(_log, phone, purpose, status, message, error, database_url)
        statuses.append(status)
    return statuses


async def send_notice(
    sender: SmsSender, phone: str, message: SmsMessage, database_url: str | None = None
) -> str:
    """Send a notice we start ourselves; `refused` if the number opted out."""
    if PROMOTIONAL_OPT_OUT in message.text:
        raise ValueError(f"notification SMS must not carry {PROMOTIONAL_OPT_OUT!r}")
    return (await deliver(sender, phone, [message], NOTICE, database_url))[0]
