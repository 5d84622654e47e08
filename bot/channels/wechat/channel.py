"""The WeChat Official Account channel: the push URL, the 5-second rule, and later pushes.

`WeChatWebhook` does the work and knows nothing of Sanic: a request becomes a checked, typed
message (messages.py), the message a conversation turn or a fixed answer, and the answer one
passive XML reply. WeChat waits 5 s and then retries the same message (three tries), so every
message first `claim`s its key in the inbound ledger: only the first request runs the turn, any
request for it (the first or a retry) waits up to the reply budget, and whoever delivers the
answer, a waiting request passively or the finished turn by the customer-service API, must win the
ledger's `take_delivery`. A finished turn hands its answer to a request of this process still
waiting for it rather than pushing, so a slow answer costs a push only when nobody can take it.
`WeChatInput` and `WeChatOutput` adapt this to Rasa.
"""

from __future__ import annotations

import asyncio
import logging
import secrets
import time
import traceback
from collections.abc import Awaitable, Callable, Iterator, Mapping
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from rasa.core.channels.channel import InputChannel, OutputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse
from sqlalchemy.orm import Session

from bot.base import clock
from bot.base.render import choose, flatten
from bot.channels.collect import collector_for
from bot.channels.limits import bounded_text
from bot.channels.wechat.api import CHANNEL, WeChatApi, WeChatApiError
from bot.channels.wechat.config import WeChatConfig, load_config
from bot.channels.wechat.menu import payload_for_click
from bot.channels.wechat.messages import (
    EventMessage,
    ImageMessage,
    Inbound,
    LocationMessage,
    Message,
    TextMessage,
    TooLarge,
    VoiceMessage,
    read_request,
    render_text_reply,
    render_transfer_reply,
    seal_reply,
)
from bot.channels.wechat.protocol import BadSignature, ProtocolError, WrongAppId, check_signature
from bot.channels.wechat.replay import ReplayGuard, nonce_store
from bot.privacy import mask_id, mask_text
from bot.store import inbound
from bot.store.choices import pending_choices, remember_choices
from bot.store.communities import nearest_community
from bot.store.db import ensure_schema, in_read_session, in_session
from bot.store.subscriptions import unsubscribe_all

logger = logging.getLogger(__name__)

LOCATION_RADIUS_KM = 3.0  # a shared location farther than this from every community matches none
LOCATION_PAYLOAD = "/query_service_hall"  # what a shared location asks (nearest hall and stops)
#: A photo is a turn of its own; the actions decide what it is for (actions/photos.py) and read
#: its media id under this metadata key (actions.meters.PHOTO_KEY).
PHOTO_PAYLOAD = "/send_photo"
PHOTO_METADATA = "meter_photo"
POLL_SECONDS = 0.5  # how often a waiting request looks at the ledger (another process may answer)
SHUTDOWN_GRACE_SECONDS = 10.0  # how long a stopping server lets running turns finish
#: The custom bot message (`{"handoff": "wechat_kf", "kf_account": …}`) that hands the user to
#: WeChat's own customer service (bot/handoff, target `wechat_kf`).
TRANSFER_HANDOFF = "wechat_kf"
NO_REPLY = "success"  # WeChat's "nothing to say"; it then neither retries nor shows an error

VOICE_UNRECOGNISED = (
    "抱歉，没能识别您的语音。请直接打字告诉我，例如：暖气不热、查暖气费、小区停暖了吗。"
)
UNSUPPORTED = (
    "抱歉，链接、视频和文件我暂时看不了。"
    "请用文字描述您的问题，例如：暖气不热、查暖气费、小区停暖了吗。"
)
UNKNOWN_MENU = "这个菜单暂时不可用。请直接告诉我您要办理的事，例如：报修、查暖气费。"
SORRY = "抱歉，系统暂时出了点问题，请稍后再试；如有漏水等紧急情况，请直接拨打供热服务热线。"

OnNewMessage = Callable[[UserMessage], Awaitable[Any]]


@dataclass(frozen=True)
class Answer:
    """An HTTP answer for WeChat, independent of the web framework."""

    status: int
    body: str
    content_type: str = "text/plain; charset=utf-8"


@dataclass(frozen=True)
class Turn:
    """What a message asks for: a conversation turn on `text`, or the fixed `answer` ("": none)."""

    text: str | None = None
    answer: str = ""
    metadata: dict[str, Any] | None = None


def _typed(text: str, choices: list[dict[str, Any]]) -> Turn:
    """A typed (or transcribed) text: an option's number picks it, else it goes as written.

    A leading slash is dropped: typed text must never reach Rasa as an intent trigger with
    entities of the user's choosing; only the channel's own payloads do. At most
    `MAX_STORED_CHARS` of it go on (bot.channels.limits).
    """
    picked = choose(text, choices)
    return Turn(text=picked if picked is not None else bounded_text(text.lstrip(" /／")))


def _claim(session: Session, message: Message, now: datetime) -> tuple[inbound.Claim, list[Any]]:
    """Claim `message` in the ledger and, when this request is the one to run typed text, read
    the options the sender was shown last.

    One transaction for both, and one for `_record`: each database call is a worker-thread hop
    and ~1 ms of the interpreter under load (docs/performance.md, third round).
    """
    claim = inbound.claim(session, CHANNEL, message.dedup_key, message.conversation, now)
    typed = isinstance(message, TextMessage) or (
        isinstance(message, VoiceMessage) and message.recognition is not None
    )
    choices = (
        pending_choices(session, CHANNEL, message.conversation) if claim.first and typed else []
    )
    return claim, choices


def _record(
    session: Session,
    sender: str,
    key: str,
    answer: dict[str, Any],
    options: list[dict[str, Any]] | None,
    now: datetime,
) -> None:
    """Store the answer of a claimed message and the options it shows (None: left unchanged)."""
    if options is not None:
        remember_choices(session, CHANNEL, sender, options, now)
    inbound.record_answer(session, CHANNEL, key, answer, now)


def _label(message: Message) -> str:
    """A message named for logs without its sender (event keys contain the OpenID)."""
    return f"{message.msg_type} {message.msg_id or message.create_time}"


@dataclass
class _Waiting:
    """The requests of this process waiting for one message's answer, and how to wake them."""

    event: asyncio.Event = field(default_factory=asyncio.Event)
    count: int = 0


class WeChatWebhook:
    """Handles WeChat's GET (URL check) and POST (messages) for one Official Account."""

    def __init__(self, config: WeChatConfig, on_new_message: OnNewMessage, api: WeChatApi) -> None:
        self.config = config
        self._on_new_message = on_new_message
        self._api = api
        self._replay = ReplayGuard(config.replay_window, nonce_store(config.replay_store))
        self._waiting: dict[str, _Waiting] = {}
        self._running: set[str] = set()  # keys whose turn runs in this process
        self._tasks: set[asyncio.Task[None]] = set()

    # ---- the URL check -----------------------------------------------------------------------

    def verify_url(self, query: Mapping[str, str]) -> Answer:
        """Echo `echostr` when the query is signed with our token (WeChat's URL check)."""
        timestamp, nonce = query.get("timestamp", ""), query.get("nonce", "")
        try:
            if not (timestamp and nonce):
                raise BadSignature("timestamp or nonce missing")
            check_signature(self.config.token, query.get("signature"), timestamp, nonce)
        except BadSignature:
            logger.warning("wechat URL check with a bad signature refused")
            return Answer(403, "forbidden")
        echostr = query.get("echostr")
        return Answer(200, echostr) if echostr else Answer(400, "echostr missing")

    # ---- messages ----------------------------------------------------------------------------

    async def receive(self, query: Mapping[str, str], body: bytes) -> Answer:
        """Answer one pushed message within the reply budget (WeChat gives up after 5 s)."""
        deadline = asyncio.get_running_loop().time() + self.config.reply_budget
        try:
            request = read_request(
                query, body, self.config.token, self.config.app_id, self.config.aes_key
            )
            await self._replay.admit(query, body)
        except TooLarge:
            return Answer(413, "too large")
        except (BadSignature, WrongAppId) as exc:
            logger.warning("wechat message refused: %s", exc)
            return Answer(403, "forbidden")
        except ProtocolError as exc:
            logger.warning("wechat message malformed: %s", exc)
            return Answer(400, "bad request")
        message = request.message
        key = message.dedup_key
        claim, choices = await in_session(_claim, message, clock.now())
        with self._waiter(key) as waiting:
            if claim.first:
                self._running.add(key)
                self._spawn(self._run(message, key, choices))
            else:
                logger.info("wechat retry of %s (%s)", _label(message), claim.state)
            await self._wait(key, waiting.event, deadline, polls=key not in self._running)
        reply = await in_session(inbound.take_delivery, CHANNEL, key, "passive", clock.now())
        if reply is not None and "transfer" in reply:
            return self._seal(
                request,
                query,
                render_transfer_reply(request.message, reply["transfer"] or None, int(time.time())),
            )
        if reply is not None:
            return self._reply(request, query, str(reply.get("text") or ""))
        if await in_read_session(inbound.state_of, CHANNEL, key) == "failed":
            return self._reply(request, query, SORRY)
        return Answer(200, NO_REPLY)

    @contextmanager
    def _waiter(self, key: str) -> Iterator[_Waiting]:
        """Register a waiting request; deregistered before it tries to take the answer.

        Registration and deregistration run without an `await`, like the check in `_hand_over`,
        so a finished turn either finds the waiter (which then takes the answer after leaving
        here) or finds nobody and pushes: the answer is never left with neither.
        """
        waiting = self._waiting.setdefault(key, _Waiting())
        waiting.count += 1
        try:
            yield waiting
        finally:
            waiting.count -= 1
            if waiting.count == 0:
                del self._waiting[key]

    async def _wait(self, key: str, event: asyncio.Event, deadline: float, polls: bool) -> None:
        """Until the answer is ready, or the deadline.

        A turn running in this process wakes its waiters itself (`_hand_over`); only a retry of a
        turn another process runs (or ran) needs to `poll` the ledger.
        """
        loop = asyncio.get_running_loop()
        if not polls:
            with suppress(asyncio.TimeoutError):
                await asyncio.wait_for(event.wait(), max(deadline - loop.time(), 0))
            return
        while not event.is_set():
            if await in_read_session(inbound.state_of, CHANNEL, key) != "running":
                return
            remaining = deadline - loop.time()
            if remaining <= 0:
                return
            try:
                await asyncio.wait_for(event.wait(), min(POLL_SECONDS, remaining))
            except asyncio.TimeoutError:
                continue

    def _hand_over(self, key: str) -> bool:
        """Wake this process's requests waiting for `key`; false if none waits."""
        waiting = self._waiting.get(key)
        if waiting is None:
            return False
        waiting.event.set()
        return True

    async def idle(self) -> None:
        """Until every turn this process started has finished and its answer was handled."""
        while self._tasks:
            await asyncio.wait(set(self._tasks))

    def _spawn(self, coroutine: Awaitable[None]) -> None:
        task: asyncio.Task[None] = asyncio.ensure_future(coroutine)
        self._tasks.add(task)  # the loop keeps only weak references to tasks
        task.add_done_callback(self._tasks.discard)

    async def _run(self, message: Message, key: str, choices: list[dict[str, Any]]) -> None:
        """Run the turn once, store its answer, and see it delivered exactly once.

        `choices` are the options shown to the sender last (read with the claim)."""
        who = f"{_label(message)} from {mask_id(message.from_user)}"
        try:
            answer, options = await self._answer(message, key, choices)
            await in_session(_record, message.conversation, key, answer, options, clock.now())
        except Exception:
            logger.error("wechat turn for %s failed:\n%s", who, mask_text(traceback.format_exc()))
            await in_session(inbound.record_failure, CHANNEL, key, clock.now())
            self._running.discard(key)
            self._hand_over(key)
            return
        self._running.discard(key)
        if self._hand_over(key):
            return
        late = await in_session(inbound.take_delivery, CHANNEL, key, "push", clock.now())
        if late is None or not late.get("text"):
            return
        logger.info("wechat answer to %s missed the reply; pushing it", who)
        if "transfer" in late:
            # Only a passive reply can hand over to WeChat's agents; the text at least tells
            # the user a person was asked for (the hand-off itself is recorded on our side).
            logger.warning("wechat transfer to customer service for %s missed the reply", who)
        # A refusal or failure is logged, with its outbound-log row, by the API client.
        with suppress(WeChatApiError):
            await self._api.send_text(message.conversation, str(late["text"]), "late_reply")

    async def _answer(
        self, message: Message, key: str, choices: list[dict[str, Any]]
    ) -> tuple[dict[str, Any], list[dict[str, Any]] | None]:
        """What to send back for `message`, and the options it shows (None: leave them as they
        are). The answer is `{"text": …}` ("" for none), plus `transfer` (the WeChat agent
        account, "" for any) when the bot handed the user to WeChat's own agents."""
        turn = await self._turn(message, choices)
        if turn.text is None:
            return {"text": turn.answer}, None
        collector = collector_for(CHANNEL)()
        await self._on_new_message(
            UserMessage(
                turn.text,
                collector,
                message.conversation,
                input_channel=CHANNEL,
                message_id=f"{CHANNEL}:{key}",
                metadata=turn.metadata,
            )
        )
        plain = flatten(collector.messages)
        answer: dict[str, Any] = {"text": plain.text}
        for sent in collector.messages:
            custom = sent.get("custom")
            if isinstance(custom, dict) and custom.get("handoff") == TRANSFER_HANDOFF:
                answer["transfer"] = str(custom.get("kf_account") or "")
        return answer, plain.options

    async def _turn(self, message: Message, choices: list[dict[str, Any]]) -> Turn:
        """What the message asks for (see `Turn`)."""
        if isinstance(message, TextMessage):
            return _typed(message.content, choices)
        if isinstance(message, VoiceMessage):
            if message.recognition is None:
                return Turn(answer=VOICE_UNRECOGNISED)
            return _typed(message.recognition, choices)
        if isinstance(message, ImageMessage):
            return Turn(text=PHOTO_PAYLOAD, metadata={PHOTO_METADATA: message.media_id})
        if isinstance(message, LocationMessage):
            return await self._located(message)
        if isinstance(message, EventMessage):
            return await self._event(message)
        return Turn(answer=UNSUPPORTED)

    async def _located(self, message: LocationMessage) -> Turn:
        """A shared location asks what is near: the stops in the nearest community and the
        nearest service hall (actions/service_halls.py answers both).

        Metadata, not entities: an `address` entity would fill the address slot with a bare
        community name that a later repair form would take for the full address.
        """
        near = await in_session(
            nearest_community, message.latitude, message.longitude, LOCATION_RADIUS_KM
        )
        metadata: dict[str, Any] = {"latitude": message.latitude, "longitude": message.longitude}
        if near is not None:
            metadata["community"] = near.community
        return Turn(text=LOCATION_PAYLOAD, metadata=metadata)

    async def _event(self, event: EventMessage) -> Turn:
        if event.event == "subscribe":
            # The welcome asks which community's outage notices the new follower wants.
            return Turn(text="/subscribe", metadata={"followed": True})
        if event.event == "unsubscribe":
            ended = await in_session(unsubscribe_all, CHANNEL, event.conversation, clock.now())
            logger.info(
                "wechat %s unfollowed; %d subscriptions ended", mask_id(event.from_user), ended
            )
            return Turn()
        if event.event == "click":
            payload = payload_for_click(event.event_key)
            return Turn(text=payload) if payload else Turn(answer=UNKNOWN_MENU)
        return Turn()  # VIEW, SCAN, LOCATION reports: nothing to say

    def _reply(self, request: Inbound, query: Mapping[str, str], text: str) -> Answer:
        """One passive text reply, sealed in safe mode; `success` when there is nothing to say."""
        if not text:
            return Answer(200, NO_REPLY)
        return self._seal(
            request, query, render_text_reply(request.message, text, int(time.time()))
        )

    def _seal(self, request: Inbound, query: Mapping[str, str], xml: str) -> Answer:
        """A passive reply as the request came: encrypted and signed in safe mode, else plain."""
        now = str(int(time.time()))
        if request.encrypted and self.config.aes_key is not None:
            nonce = query.get("nonce") or str(secrets.randbelow(10**10))
            xml = seal_reply(
                xml, self.config.token, self.config.app_id, self.config.aes_key, now, nonce
            )
        return Answer(200, xml, "application/xml; charset=utf-8")


class WeChatOutput(OutputChannel):
    """Messages outside a request's reply (agent answers, notices), pushed by the customer-service
    API within WeChat's window; a push that does not happen raises (`WindowClosed` …)."""

    def __init__(self, api: WeChatApi) -> None:
        self._api = api

    @classmethod
    def name(cls) -> str:
        """`wechat`, so the domain's `channel: wechat` variants are chosen."""
        return CHANNEL

    async def send_response(self, recipient_id: str, message: dict[str, Any]) -> None:
        """Push one bot message as text, buttons as numbered options the user can answer."""
        plain = flatten([message])
        if not plain.text:
            return
        await self._api.send_text(recipient_id, plain.text, "push")
        if plain.options:
            await in_session(remember_choices, CHANNEL, recipient_id, plain.options, clock.now())

    async def send_text_message(self, recipient_id: str, text: str, **kwargs: Any) -> None:
        """Push a plain text."""
        await self._api.send_text(recipient_id, text, "push")


def _http(answer: Answer) -> HTTPResponse:
    return response.text(answer.body, status=answer.status, content_type=answer.content_type)


def _query(request: Request) -> dict[str, str]:
    return {key: str(request.args.get(key, "")) for key in request.args}


class WeChatInput(InputChannel):
    """Rasa's input channel `wechat`, at `/webhooks/wechat/webhook`; off without WECHAT_TOKEN."""

    def __init__(self, config: WeChatConfig | None) -> None:
        self.config = config
        self._api = WeChatApi(config) if config else None

    @classmethod
    def name(cls) -> str:
        """The channel's name: its URL prefix and the tracker's input channel."""
        return CHANNEL

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> WeChatInput:
        """Configure from the environment (credentials.yml keys override); see config.py."""
        config = load_config(credentials)
        if config is None:
            logger.warning("WeChat channel is off: WECHAT_TOKEN is not set (webhook answers 503)")
        else:
            mode = "plain, compatible and safe" if config.aes_key else "plain and compatible"
            logger.info("WeChat channel for %s: %s modes", config.app_id, mode)
        return cls(config)

    def blueprint(self, on_new_message: OnNewMessage) -> Blueprint:
        """The push URL (GET: URL check, POST: messages) and a health route."""
        bp = Blueprint("wechat_webhook", __name__)
        webhook = None
        if self.config is not None and self._api is not None:
            ensure_schema()  # the ledger lives in the store; a fresh database gets its schema
            webhook = WeChatWebhook(self.config, on_new_message, self._api)

        @bp.listener("before_server_stop")
        async def finish_turns(*_: Any) -> None:
            """Let running turns finish and push their answers before the server stops."""
            if webhook is not None:
                with suppress(asyncio.TimeoutError):
                    await asyncio.wait_for(webhook.idle(), SHUTDOWN_GRACE_SECONDS)

        @bp.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok" if webhook else "off"})

        @bp.route("/webhook", methods=["GET"])
        async def verify(request: Request) -> HTTPResponse:
            if webhook is None:
                return _http(Answer(503, "wechat channel is not configured"))
            return _http(webhook.verify_url(_query(request)))

        @bp.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            if webhook is None:
                return _http(Answer(503, "wechat channel is not configured"))
            return _http(await webhook.receive(_query(request), request.body or b""))

        return bp

    def get_output_channel(self) -> OutputChannel | None:
        """Pushes through the customer-service API (Rasa's `output_channel=wechat`)."""
        return WeChatOutput(self._api) if self._api else None
