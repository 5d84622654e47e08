"""Every SMS answer leaves through here: the send, and a line in the outbound log.

Three purposes:
- `reply`: answers to a message the user just sent. Sent even to a number that opted out: 退订
  stops notices, but a user who later writes 报修 is asking for an answer.
- `opt_out`: the one confirmation of an opt-out (the caller sends it only the first time).
- `agent`: a person's words in a hand-off conversation the user started (`SmsOutput`).

Notices (outages, bills, reminders, surveys) are `bot.notify`'s: it checks the suppression list,
logs and retries them, and sends through `bot.channels.sms.notify`.
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

logger = logging.getLogger(__name__)

REPLY = "reply"
OPT_OUT = "opt_out"
AGENT = "agent"


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
    """Send `messages` to `phone` in order; the status of each (`sent` or `failed`).

    A failed send is logged, not retried: SMS are delivered at most once, since a second copy
    costs money and confuses more than a missing one, which the operator finds in the log.
    """
    if purpose not in (REPLY, OPT_OUT, AGENT):
        raise ValueError(f"unknown SMS purpose {purpose!r}")
    statuses: list[str] = []
    for message in messages:
        error: str | None = None
        try:
            await sender.send(phone, message)
            status = "sent"
        except SendError as exc:
            status, error = "failed", exc.reason
            logger.warning("SMS %s to %s failed: %s", purpose, mask_phone(phone), exc.reason)
        await asyncio.to_thread(_log, phone, purpose, status, message, error, database_url)
        statuses.append(status)
    return statuses
