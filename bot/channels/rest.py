"""The REST channel (`POST /webhooks/rest/webhook`) for tests and trusted integrations.

Rasa's own `rest` channel takes the sender id, the input channel and the metadata from the body
as given: a caller named a household's phone number as sender and continued that household's
verified SMS conversation, or called itself `sms`. It also answered 500 to a body that is not a
JSON object and logged the whole text of a failed message. This channel keeps Rasa's URL and
answer format and:

- puts every sender in the `rest:` namespace (bot.channels.ids) and every message on the `rest`
  channel, whatever the body says;
- checks the body (a JSON object, `sender` and `message` strings, `metadata` an object) and
  answers 400 with an error code otherwise; 413 for a body over the server's limit;
- keeps at most `MAX_STORED_CHARS` of the text;
- takes an optional `message_id` (1-64 visible characters): a client that retries a message whose
  answer it did not get (a replica stopped mid-turn) sends the same id, and the ticket the first
  attempt may have created is found again instead of created twice (tickets are idempotent on it);
- in the production profile (`credentials.production.yml`: `auth: token`) accepts only callers
  with `Authorization: Bearer <REST_CHANNEL_TOKEN>` (compared in constant time), and
  `auth: off` turns the channel off (404). Setting `REST_CHANNEL_TOKEN` requires the token in
  every profile;
- without a token (the default profile, `auth: open`) answers only this machine (the socket
  peer on loopback, 403 otherwise): a REST sender costs nothing, so an open port reachable from
  elsewhere gave anyone free identities for guessing and spam (red team F19, F1, B16).
"""

from __future__ import annotations

import hmac
import ipaddress
import logging
import os
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from rasa.core.channels.channel import CollectingOutputChannel, InputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.channels.ids import conversation_id
from bot.channels.limits import bounded_text, limit_request_bodies, max_body_bytes
from bot.channels.source import with_source
from bot.config import ConfigError
from bot.privacy import mask_id

logger = logging.getLogger(__name__)

CHANNEL = "rest"
TOKEN_VARIABLE = "REST_CHANNEL_TOKEN"
AUTH_MODES = ("open", "token", "off")
#: What a caller may name as sender: printable, no whitespace, at most 64 characters.
SENDER = re.compile(r"[^\s\x00-\x1f\x7f]{1,64}")
MAX_METADATA_KEYS = 32


class BadRequest(ValueError):
    """A body the channel refuses; `code` is the error code the caller gets."""

    def __init__(self, code: str, detail: str) -> None:
        super().__init__(detail)
        self.code = code


@dataclass(frozen=True)
class RestMessage:
    """A checked REST request: who (already namespaced), what, and its metadata."""

    sender_id: str
    text: str
    metadata: dict[str, Any]
    message_id: str | None = None


def parse_body(body: object) -> RestMessage:
    """Check a decoded JSON body and turn it into a `RestMessage` (raises `BadRequest`)."""
    if not isinstance(body, dict):
        raise BadRequest("not_an_object", "the body must be a JSON object")
    sender, text, metadata = body.get("sender"), body.get("message"), body.get("metadata")
    if not isinstance(sender, str) or not SENDER.fullmatch(sender):
        raise BadRequest("bad_sender", "sender must be a string of 1-64 visible characters")
    if not isinstance(text, str):
        raise BadRequest("bad_message", "message must be a string")
    message_id = body.get("message_id")
    if message_id is not None and (
        not isinstance(message_id, str) or not SENDER.fullmatch(message_id)
    ):
        raise BadRequest("bad_message_id", "message_id must be a string of 1-64 visible characters")
    if metadata is None:
        metadata = {}
    if not isinstance(metadata, dict) or len(metadata) > MAX_METADATA_KEYS:
        raise BadRequest("bad_metadata", f"metadata: an object of at most {MAX_METADATA_KEYS} keys")
    # A REST caller does not name the widget address it is counted as (bot.channels.source).
    kept = with_source(metadata, None)
    return RestMessage(conversation_id(CHANNEL, sender), bounded_text(text), kept, message_id)


def authorised(header: str | None, token: str | None) -> bool:
    """Whether the `Authorization` header carries `token` (any header passes when none is set)."""
    if token is None:
        return True
    presented = (header or "").removeprefix("Bearer ").strip()
    return hmac.compare_digest(presented.encode(), token.encode())


def from_this_machine(peer: str | None) -> bool:
    """Whether the socket peer is a loopback address (127.0.0.0/8, ::1, or IPv4 mapped)."""
    try:
        address = ipaddress.ip_address(peer or "")
    except ValueError:
        return False
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return address.is_loopback


def _error(status: int, code: str, detail: str) -> HTTPResponse:
    return response.json({"error": code, "detail": detail}, status=status)


class RestInput(InputChannel):
    """Rasa's REST endpoint with namespaced senders, checked bodies and optional token auth."""

    @classmethod
    def name(cls) -> str:
        """`rest`: the URL prefix `/webhooks/rest` and the channel name actions see."""
        return CHANNEL

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> InputChannel:
        """`auth: open | token | off` from credentials.yml; the token from the environment."""
        mode = str((credentials or {}).get("auth", "open"))
        if mode not in AUTH_MODES:
            raise ConfigError(f"the rest channel's auth must be one of {AUTH_MODES}, got {mode!r}")
        token = os.environ.get(TOKEN_VARIABLE, "").strip() or None
        if mode == "token" and token is None:
            raise ConfigError(
                f"the rest channel requires a token here (auth: token): set {TOKEN_VARIABLE}"
            )
        return cls(enabled=mode != "off", token=token, body_limit=max_body_bytes())

    def __init__(
        self, enabled: bool = True, token: str | None = None, body_limit: int | None = None
    ) -> None:
        self.enabled = enabled
        self.token = token
        self.body_limit = body_limit or max_body_bytes()

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        """`GET /` (health) and `POST /webhook` (one message, the bot's answers as a list)."""
        hook = Blueprint("rest_webhook", __name__)
        limit_request_bodies(hook, self.body_limit)

        @hook.route("/", methods=["GET"])
        async def health(request: Request) -> HTTPResponse:
            return response.json({"status": "ok" if self.enabled else "disabled"})

        @hook.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            if not self.enabled:
                return _error(404, "rest_disabled", "this channel is off")
            if not authorised(request.headers.get("Authorization"), self.token):
                return _error(401, "unauthorised", "a valid bearer token is required")
            if self.token is None and not from_this_machine(request.ip):
                return _error(
                    403, "local_only", f"without {TOKEN_VARIABLE} only this machine may call"
                )
            try:
                message = parse_body(request.json)
            except BadRequest as exc:
                return _error(400, exc.code, str(exc))
            except Exception:  # Sanic raises on a body that is not JSON
                return _error(400, "not_json", "the body must be JSON")
            collector = CollectingOutputChannel()
            try:
                await on_new_message(
                    UserMessage(
                        message.text,
                        collector,
                        message.sender_id,
                        input_channel=CHANNEL,
                        message_id=message.message_id,
                        metadata=message.metadata,
                    )
                )
            except Exception:
                logger.exception("REST message from %s failed", mask_id(message.sender_id))
            return response.json(collector.messages)

        return hook
