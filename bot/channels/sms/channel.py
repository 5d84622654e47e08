"""The Rasa input channel `sms`: `POST /webhooks/sms/webhook` takes the providers' callbacks.

A thin adapter: it reads the request's body, token and signature, hands them to `SmsInbox`, and
writes the status and JSON it gets back. Register it in credentials.yml as
`bot.channels.sms.SmsInput:` (no keys: it is configured from `SMS_*` environment variables).

No exception leaves the handler: Sanic would log it with the request's URL, and the URL may carry
the callback secret (`?token=`).
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from rasa.core.channels.channel import InputChannel, OutputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.channels.limits import limit_request_bodies
from bot.channels.sms.auth import SIGNATURE_HEADER, TOKEN_PARAM
from bot.channels.sms.config import SmsSettings, load_sms_settings
from bot.channels.sms.inbox import SmsInbox
from bot.channels.sms.output import SmsOutput
from bot.channels.sms.sender import SmsSender, sender_for
from bot.channels.sms.templates import CHANNEL, Catalogue
from bot.privacy import install_log_masking

logger = logging.getLogger(__name__)


class SmsInput(InputChannel):
    """Upstream SMS of Aliyun and Tencent Cloud, answered with templated SMS."""

    @classmethod
    def name(cls) -> str:
        """The channel's name: its URL prefix and the `channel:` of its response variants."""
        return CHANNEL

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> InputChannel:
        """Read the `SMS_*` settings (a bad one stops the server, naming the variable).

        The Rasa server logs sender ids, which for SMS are phone numbers, so its log output is
        masked from here on.
        """
        install_log_masking()
        settings = load_sms_settings()
        if settings.secret is None:
            logger.warning(
                "SMS channel disabled: SMS_CALLBACK_SECRET is not set, "
                "/webhooks/sms/webhook answers 503"
            )
        return cls(settings)

    def __init__(
        self,
        settings: SmsSettings,
        sender: SmsSender | None = None,
        database_url: str | None = None,
    ) -> None:
        self._settings = settings
        self._sender = (sender or sender_for(settings)) if settings.secret else None
        self._database_url = database_url
        self._inbox = (
            SmsInbox(settings, self._sender, database_url) if self._sender is not None else None
        )
        self._catalogue: tuple[Any, Catalogue] | None = None

    def _catalogue_for(self, domain: Any) -> Catalogue:
        """The catalogue of the loaded model's domain, rebuilt when a new model is loaded."""
        if self._catalogue is None or self._catalogue[0] is not domain:
            catalogue = Catalogue(
                domain.responses, self._settings.templates, self._settings.signature
            )
            self._catalogue = (domain, catalogue)
        return self._catalogue[1]

    def get_output_channel(self) -> OutputChannel | None:
        """Where Rasa sends messages outside a callback (an agent's reply): the user's phone."""
        if self._sender is None:
            return None
        return SmsOutput(self._settings, self._sender, self._database_url)

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        """`GET /` (health) and `POST /webhook` (callbacks)."""
        hook = Blueprint("sms_webhook", __name__)
        limit_request_bodies(hook, self._settings.max_body_bytes)
        inbox = self._inbox

        @hook.route("/", methods=["GET"])
        async def health(request: Request) -> HTTPResponse:
            return response.json({"status": "ok" if inbox else "disabled"})

        @hook.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            if inbox is None:
                return response.json({"error": "sms_disabled"}, status=503)
            agent = getattr(request.app.ctx, "agent", None)
            domain = getattr(agent, "domain", None)
            if domain is None:
                # No model loaded yet: the provider retries later.
                return response.json({"error": "not_ready"}, status=503)
            try:
                status, body = await inbox.handle(
                    request.body,
                    request.args.get(TOKEN_PARAM),
                    request.headers.get(SIGNATURE_HEADER),
                    on_new_message,
                    self._catalogue_for(domain),
                )
            except Exception as exc:
                # Logged here, without the URL; the provider retries a 500 later.
                logger.exception("SMS callback failed: %s", type(exc).__name__)
                return response.json({"error": "internal_error"}, status=500)
            return response.json(body, status=status, ensure_ascii=False)

        if inbox is not None:

            @hook.listener("before_server_stop")
            async def drain(app: Any, loop: Any) -> None:
                await inbox.drain()

        return hook
