"""An upstream SMS callback from request to delivered answer, exactly once per provider message.

Order of work, and why:
1. Refuse an oversized body, then authenticate and parse before anything is stored: a forged,
   garbled or huge request leaves no trace and reaches no conversation (413/401/403/400).
2. Claim the message keys in the inbound ledger, at most the policy's `sms.max_items_per_callback`
   of them: the rest of a bigger batch is dropped with an alert, and the callback acknowledged, so
   the provider stops retrying and no callback runs up more answers than the cap. Only the first
   claim of a key runs it, so a provider's retry never starts a second conversation turn.
3. Run the claimed messages in a background task, in the batch's order, and acknowledge as soon as
   it is done or `ACK_WITHIN_SECONDS` have passed, whichever comes first: providers time out slow
   callbacks and retry, and a retry must not wait on Rasa. The task keeps running; the server waits
   for such tasks before it stops (`drain`), so a graceful restart loses nothing.
4. Each answer is stored with the key before it is sent, and sending first wins `take_delivery`:
   a retry that finds an answer stored but not yet delivered (the first run died in between)
   delivers it, and never both. The outbox holds back answers over the policy's SMS limits; the
   conversation turn has run all the same, so what the user wrote is kept.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from rasa.core.channels.channel import UserMessage

from bot.base import clock
from bot.channels.collect import collector_for
from bot.channels.sms.auth import Verdict, authenticate
from bot.channels.sms.config import SmsSettings
from bot.channels.sms.keywords import Kind, route
from bot.channels.sms.outbox import OPT_OUT, REPLY, alerts, deliver
from bot.channels.sms.payloads import InboundSms, PayloadError, parse_callback
from bot.channels.sms.sender import SmsSender
from bot.channels.sms.templates import CHANNEL, Catalogue, SmsMessage
from bot.privacy import mask_phone
from bot.store.choices import pending_choices, remember_choices
from bot.store.db import session_scope
from bot.store.inbound import Claim, claim, record_answer, record_failure, take_delivery
from bot.store.subscriptions import unsubscribe_all
from bot.store.suppressions import suppress

logger = logging.getLogger(__name__)

ACK_WITHIN_SECONDS = 3.0
#: The response confirming an opt-out; sent once, the first time a number opts out.
OPT_OUT_CONFIRMATION = "utter_unsubscribed"

OnNewMessage = Callable[[UserMessage], Awaitable[Any]]


def rasa_message_id(key: str) -> str:
    """The message id Rasa records for an SMS: its ledger key, hashed.

    No phone number travels in it, and the ticket idempotency keys the actions build from it stay
    within their 128 characters whatever the provider's id.
    """
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:32]


def _confirmation(catalogue: Catalogue) -> list[SmsMessage]:
    """The opt-out confirmation; none if the domain lacks it (the opt-out is honoured anyway)."""
    try:
        return [catalogue.response(OPT_OUT_CONFIRMATION)]
    except KeyError:
        logger.error("no %s in the domain: opt-outs are recorded unconfirmed", OPT_OUT_CONFIRMATION)
        return []


class SmsInbox:
    """Handles callbacks for one configured channel (the secret is set)."""

    def __init__(
        self, settings: SmsSettings, sender: SmsSender, database_url: str | None = None
    ) -> None:
        if settings.secret is None:
            raise ValueError("the SMS channel is disabled: SMS_CALLBACK_SECRET is not set")
        self._secret = settings.secret
        self._policy = settings.policy
        self._max_body_bytes = settings.max_body_bytes
        self._sender = sender
        self._url = database_url
        self._tasks: set[asyncio.Task[None]] = set()

    async def handle(
        self,
        body: bytes,
        token: str | None,
        signature: str | None,
        on_new_message: OnNewMessage,
        catalogue: Catalogue,
    ) -> tuple[int, dict[str, Any]]:
        """The HTTP status and JSON body to answer a callback with."""
        if len(body) > self._max_body_bytes:
            logger.warning("SMS callback refused: a body of %d bytes", len(body))
            return 413, {
                "error": "too_large",
                "message": f"the body is over {self._max_body_bytes} bytes",
            }
        verdict = authenticate(self._secret, body, token, signature)
        if verdict is not Verdict.OK:
            logger.warning("SMS callback rejected: %s credentials", verdict.value)
            if verdict is Verdict.MISSING:
                return 401, {"error": "unauthenticated", "message": "token or signature required"}
            return 403, {"error": "forbidden", "message": "token or signature does not match"}
        try:
            callback = parse_callback(body)
        except PayloadError as exc:
            logger.warning("SMS callback refused: %s", exc)
            return 400, exc.as_json()
        cap = self._policy.sms.max_items_per_callback
        messages = callback.messages[:cap]
        if len(callback.messages) > cap:
            alerts.warning(
                "SMS callback of %d messages: only the first %d run (sms.max_items_per_callback), "
                "the rest are dropped",
                len(callback.messages),
                cap,
            )
        claims = await asyncio.to_thread(self._claim, messages)
        work = list(zip(messages, claims, strict=True))
        task = asyncio.create_task(self._run(work, on_new_message, catalogue))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        await asyncio.wait({task}, timeout=ACK_WITHIN_SECONDS)
        return 200, callback.ack

    async def drain(self) -> None:
        """Wait for the answers still running (before the server stops)."""
        if self._tasks:
            await asyncio.gather(*self._tasks, return_exceptions=True)

    def _claim(self, messages: tuple[InboundSms, ...]) -> list[Claim]:
        now = clock.now()
        with session_scope(self._url) as session:
            return [claim(session, CHANNEL, m.key, m.conversation, now) for m in messages]

    async def _run(
        self,
        work: list[tuple[InboundSms, Claim]],
        on_new_message: OnNewMessage,
        catalogue: Catalogue,
    ) -> None:
        for message, claimed in work:
            try:
                if claimed.first:
                    await self._answer(message, on_new_message, catalogue)
                elif claimed.state != "answered":
                    logger.info("SMS retry of a message %s: nothing to do", claimed.state)
                    continue
                await self._deliver(message)
            except Exception:
                logger.exception("SMS from %s could not be answered", mask_phone(message.phone))
                await asyncio.to_thread(self._fail, message.key)

    async def _answer(
        self, message: InboundSms, on_new_message: OnNewMessage, catalogue: Catalogue
    ) -> None:
        """Work out the answer and store it with the key (nothing is sent yet)."""
        options = await asyncio.to_thread(self._pending, message.conversation)
        decided = route(message.text, options)
        logger.info(
            "SMS from %s (%s) handled as %s",
            mask_phone(message.phone),
            message.provider,
            decided.kind.value,
        )
        if decided.kind is Kind.OPT_OUT:
            await asyncio.to_thread(
                self._opt_out, message, decided.payload, _confirmation(catalogue)
            )
            return
        collector = collector_for(CHANNEL)()
        await on_new_message(
            UserMessage(
                decided.payload,
                collector,
                message.conversation,
                input_channel=CHANNEL,
                message_id=rasa_message_id(message.key),
                metadata={"provider": message.provider},
            )
        )
        sms, new_options = catalogue.reply(collector.messages)
        await asyncio.to_thread(self._store_reply, message, sms, new_options)

    def _opt_out(self, message: InboundSms, word: str, confirmation: list[SmsMessage]) -> None:
        now = clock.now()
        with session_scope(self._url) as session:
            first = suppress(session, CHANNEL, message.conversation, word, now)
            unsubscribe_all(session, CHANNEL, message.conversation, now)
            sms = [m.as_json() for m in confirmation] if first else []
            record_answer(session, CHANNEL, message.key, {"purpose": OPT_OUT, "sms": sms}, now)

    def _store_reply(
        self, message: InboundSms, sms: list[SmsMessage], options: list[dict[str, str]]
    ) -> None:
        now = clock.now()
        answer = {"purpose": REPLY, "sms": [m.as_json() for m in sms]}
        with session_scope(self._url) as session:
            remember_choices(session, CHANNEL, message.conversation, list(options), now)
            record_answer(session, CHANNEL, message.key, answer, now)

    async def _deliver(self, message: InboundSms) -> None:
        """Send the stored answer if this caller wins the delivery (see the module docstring)."""
        answer = await asyncio.to_thread(self._take, message.key)
        if answer is None:
            return
        sms = [SmsMessage.from_json(m) for m in answer["sms"]]
        await deliver(
            self._sender, message.conversation, sms, answer["purpose"], self._url, self._policy
        )

    def _take(self, key: str) -> Any:
        with session_scope(self._url) as session:
            return take_delivery(session, CHANNEL, key, "callback", clock.now())

    def _pending(self, conversation: str) -> list[dict[str, Any]]:
        with session_scope(self._url) as session:
            return pending_choices(session, CHANNEL, conversation)

    def _fail(self, key: str) -> None:
        with session_scope(self._url) as session:
            record_failure(session, CHANNEL, key, clock.now())
