"""WeChat's customer-service API (客服消息), asynchronous, for answers that come after the reply.

A push is allowed for 48 hours after the user's last message and at most five times in that
window; the channel counts both from the store before asking WeChat (and treats WeChat's own 45015
as the same refusal). The access token is shared by every process through the store: each
fetching its own would waste WeChat's daily quota. Every push, failure and refusal is logged in
the outbound log, and a push that did not happen always raises.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

import aiohttp
from sqlalchemy.orm import Session

from bot.base import clock
from bot.channels.ids import ForeignConversation, identity_of
from bot.channels.wechat.config import WeChatConfig
from bot.privacy import mask_id
from bot.store.db import in_session
from bot.store.inbound import last_received_at
from bot.store.outbound import log_outbound, sent_since
from bot.store.tokens import forget_token, save_token, valid_token

logger = logging.getLogger(__name__)

CHANNEL = "wechat"
TOKEN_REJECTED = frozenset({40001, 40014, 42001})  # invalid, malformed, expired access token
OUTSIDE_WINDOW = 45015
WINDOW = timedelta(hours=48)
WINDOW_MESSAGES = 5


class WeChatApiError(RuntimeError):
    """A call to WeChat failed; `errcode` is WeChat's code, `None` if no answer came."""

    def __init__(self, message: str, errcode: int | None = None) -> None:
        super().__init__(message)
        self.errcode = errcode


class WindowClosed(WeChatApiError):
    """The user cannot be messaged now: no message in 48 h, or five pushes already sent."""


def window_refusal(last_received: datetime | None, sent: int, now: datetime) -> str | None:
    """Why a push to a user is not allowed now, or `None` if it is."""
    if last_received is None:
        return "the user never wrote to us"
    if now - last_received > WINDOW:
        return "more than 48 h since the user's last message"
    if sent >= WINDOW_MESSAGES:
        return f"{sent} messages already pushed since the user's last message"
    return None


def _window_state(session: Session, recipient: str) -> tuple[datetime | None, int]:
    last = last_received_at(session, CHANNEL, recipient)
    return last, (0 if last is None else sent_since(session, CHANNEL, recipient, last))


class WeChatApi:
    """The customer-service API of one Official Account."""

    def __init__(
        self,
        config: WeChatConfig,
        clock: Callable[[], datetime] = clock.now,
        timeout: float = 10.0,
    ) -> None:
        self._config = config
        self._clock = clock
        self._timeout = aiohttp.ClientTimeout(total=timeout)
        self._token_lock = asyncio.Lock()
        self.token_name = f"wechat:{config.app_id}"

    @property
    def config(self) -> WeChatConfig:
        """The account's settings (its API base, the media size cap) for the media client."""
        return self._config

    async def _post(
        self, path: str, body: dict[str, Any], token: str | None = None
    ) -> dict[str, Any]:
        """POST JSON, return WeChat's JSON answer; `WeChatApiError` if none came."""
        url = f"{self._config.api_base}{path}"
        params = {"access_token": token} if token else None
        try:
            async with (
                aiohttp.ClientSession(timeout=self._timeout) as http,
                http.post(url, params=params, json=body) as response,
            ):
                if response.status != 200:
                    raise WeChatApiError(f"{path} answered HTTP {response.status}")
                answer = await response.json(content_type=None)
        except (aiohttp.ClientError, asyncio.TimeoutError, ValueError) as exc:
            # Not the exception's text: it can carry the URL, and the URL the access token.
            raise WeChatApiError(f"{path} failed: {type(exc).__name__}") from None
        if not isinstance(answer, dict):
            raise WeChatApiError(f"{path} answered something that is not a JSON object")
        return answer

    async def _fetch_token(self, force: bool) -> str:
        answer = await self._post(
            "/cgi-bin/stable_token",
            {
                "grant_type": "client_credential",
                "appid": self._config.app_id,
                "secret": self._config.app_secret,
                "force_refresh": force,
            },
        )
        token, expires_in = answer.get("access_token"), answer.get("expires_in")
        if not token or not isinstance(expires_in, int):
            code = answer.get("errcode")
            raise WeChatApiError(
                f"stable_token refused: {code} {answer.get('errmsg', '')}".strip(),
                code if isinstance(code, int) else None,
            )
        expires_at = self._clock() + timedelta(seconds=expires_in)
        await in_session(save_token, self.token_name, str(token), expires_at)
        return str(token)

    async def access_token(self, rejected: str | None = None) -> str:
        """A valid access token: the shared cached one, or a newly fetched one.

        With `rejected` (a token WeChat just refused), that one is dropped and a fresh one is
        forced, unless another caller has already replaced it meanwhile.
        """
        async with self._token_lock:
            cached = await in_session(valid_token, self.token_name, self._clock())
            if cached and cached != rejected:
                return cached
            if rejected:
                await in_session(forget_token, self.token_name, rejected)
            return await self._fetch_token(force=rejected is not None)

    async def _send(self, body: dict[str, Any]) -> dict[str, Any]:
        token = await self.access_token()
        answer = await self._post("/cgi-bin/message/custom/send", body, token)
        if answer.get("errcode") in TOKEN_REJECTED:
            logger.info("wechat access token rejected (%s); refreshing once", answer["errcode"])
            token = await self.access_token(rejected=token)
            answer = await self._post("/cgi-bin/message/custom/send", body, token)
        return answer

    async def _log(
        self, recipient: str, purpose: str, status: str, text: str, error: str | None
    ) -> None:
        await in_session(
            lambda s: log_outbound(
                s,
                CHANNEL,
                recipient,
                purpose,
                status,
                self._clock(),
                body={"text": text},
                error=error,
            )
        )

    async def push(self, recipient: str, text: str) -> None:
        """Push `text` to the conversation `recipient` (`wechat:<OpenID>`) without logging it;
        raises `WindowClosed` or `WeChatApiError` if not sent.

        For callers that keep their own log (the notifier writes one row per notice); everyone
        else uses `send_text`.
        """
        last, sent = await in_session(_window_state, recipient)
        refusal = window_refusal(last, sent, self._clock())
        if refusal is not None:
            raise WindowClosed(refusal)
        try:
            touser = identity_of(CHANNEL, recipient)
        except ForeignConversation as exc:
            raise WeChatApiError(str(exc)) from exc
        answer = await self._send({"touser": touser, "msgtype": "text", "text": {"content": text}})
        code = answer.get("errcode", 0)
        if code == 0:
            return
        error = f"{code} {answer.get('errmsg', '')}".strip()
        if code == OUTSIDE_WINDOW:
            raise WindowClosed(f"WeChat says outside the window: {error}", code)
        raise WeChatApiError(
            f"custom/send failed: {error}", code if isinstance(code, int) else None
        )

    async def send_text(self, recipient: str, text: str, purpose: str) -> None:
        """Push `text` to the user and log it; raises `WindowClosed` or `WeChatApiError`.

        `purpose` says why (`late_reply`, `push` …) in the outbound log.
        """
        who = mask_id(recipient)
        try:
            await self.push(recipient, text)
        except WindowClosed as exc:
            await self._log(recipient, purpose, "refused", text, str(exc))
            logger.warning("wechat %s to %s refused: %s", purpose, who, exc)
            raise
        except WeChatApiError as exc:
            await self._log(recipient, purpose, "failed", text, str(exc))
            logger.error("wechat %s to %s failed: %s", purpose, who, exc)
            raise
        await self._log(recipient, purpose, "sent", text, None)
        logger.info("wechat %s to %s sent", purpose, who)
