"""WeChat's XML: incoming messages parsed safely into typed values, and passive replies rendered.

Bodies come from the internet, so parsing refuses anything but a small, flat `<xml>` document:
no DTD, no entities (a "billion laughs" body must not cost memory), at most `MAX_BODY` bytes, and
the fields each type needs present and well-typed. What fails here is answered 400 and never
reaches the conversation.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from xml.etree.ElementTree import ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring

from bot.channels.ids import conversation_id
from bot.channels.wechat.protocol import (
    BadSignature,
    ProtocolError,
    check_msg_signature,
    check_signature,
    decrypt,
    encrypt,
    signature,
)

MAX_BODY = 64 * 1024  # WeChat's messages are a few hundred bytes; 64 KiB leaves ample room
#: A media id as WeChat writes it (64 URL-safe characters today); the store keeps up to 128.
_MEDIA_ID = re.compile(r"[A-Za-z0-9_\-]{1,128}")


class MalformedMessage(ProtocolError):
    """The body is not a WeChat message we can read (answer 400)."""


class TooLarge(MalformedMessage):
    """The body exceeds `MAX_BODY` (answer 413)."""


@dataclass(frozen=True)
class Message:
    """Fields every message and event has; link, video and unknown types are just this."""

    to_user: str  # the Official Account (gh_…)
    from_user: str  # the user's OpenID
    create_time: int
    msg_type: str
    msg_id: str | None  # None for events

    @property
    def dedup_key(self) -> str:
        """What makes a retry recognisable: the sender with MsgId, or for events with CreateTime.

        The sender is part of it even for MsgId (unique per message at WeChat): two users'
        messages must never be taken for one another's retry, whatever a forger claims.
        """
        if self.msg_id:
            return f"msg:{self.from_user}:{self.msg_id}"
        return f"event:{self.from_user}:{self.create_time}"

    @property
    def conversation(self) -> str:
        """The sender's conversation id (`wechat:<OpenID>`): what Rasa and the store know it by."""
        return conversation_id("wechat", self.from_user)


@dataclass(frozen=True)
class TextMessage(Message):
    """A typed message."""

    content: str


@dataclass(frozen=True)
class VoiceMessage(Message):
    """A voice message; `recognition` is WeChat's transcript, `None` if it gave none."""

    media_id: str
    recognition: str | None


@dataclass(frozen=True)
class ImageMessage(Message):
    """A photo: `media_id` fetches it from WeChat's media API (for 3 days), `pic_url` shows it."""

    media_id: str
    pic_url: str


@dataclass(frozen=True)
class LocationMessage(Message):
    """A shared location (`Location_X` is the latitude, `Location_Y` the longitude)."""

    latitude: float
    longitude: float
    label: str


@dataclass(frozen=True)
class EventMessage(Message):
    """An event: `event` in lower case (subscribe, unsubscribe, click, view, scan, location)."""

    event: str
    event_key: str


def parse_xml(body: bytes) -> dict[str, str]:
    """The direct children of a WeChat `<xml>` document as tag → text (nested ones are skipped)."""
    if len(body) > MAX_BODY:
        raise TooLarge(f"body of {len(body)} bytes exceeds {MAX_BODY}")
    try:
        root = fromstring(body, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except (ParseError, DefusedXmlException) as exc:
        raise MalformedMessage(f"not acceptable XML: {type(exc).__name__}") from None
    if root.tag != "xml":
        raise MalformedMessage(f"root element is <{root.tag}>, not <xml>")
    return {child.tag: child.text or "" for child in root if len(child) == 0}


def _required(fields: Mapping[str, str], name: str) -> str:
    value = fields.get(name)
    if value is None or not value.strip():
        raise MalformedMessage(f"missing {name}")
    return value.strip()


def _number(fields: Mapping[str, str], name: str, low: float, high: float) -> float:
    raw = _required(fields, name)
    try:
        value = float(raw)
    except ValueError:
        raise MalformedMessage(f"{name} is not a number") from None
    if not math.isfinite(value) or not low <= value <= high:
        raise MalformedMessage(f"{name} out of range")
    return value


def parse_message(fields: Mapping[str, str]) -> Message:
    """A typed message from the fields of a (decrypted) body; `MalformedMessage` if incomplete."""
    raw_time = _required(fields, "CreateTime")
    if not raw_time.isdigit():
        raise MalformedMessage("CreateTime is not a number")
    to_user, from_user = _required(fields, "ToUserName"), _required(fields, "FromUserName")
    create_time, msg_type = int(raw_time), _required(fields, "MsgType").lower()
    if msg_type == "event":
        return EventMessage(
            to_user,
            from_user,
            create_time,
            msg_type,
            msg_id=None,
            event=_required(fields, "Event").lower(),
            event_key=(fields.get("EventKey") or "").strip(),
        )
    msg_id = _required(fields, "MsgId")
    if msg_type == "text":
        if "Content" not in fields:
            raise MalformedMessage("missing Content")
        return TextMessage(
            to_user, from_user, create_time, msg_type, msg_id, content=fields["Content"]
        )
    if msg_type == "voice":
        recognition = (fields.get("Recognition") or "").strip()
        return VoiceMessage(
            to_user,
            from_user,
            create_time,
            msg_type,
            msg_id,
            media_id=(fields.get("MediaId") or "").strip(),
            recognition=recognition or None,
        )
    if msg_type == "image":
        media_id = _required(fields, "MediaId")
        if not _MEDIA_ID.fullmatch(media_id):
            raise MalformedMessage("MediaId is not a media id")
        return ImageMessage(
            to_user,
            from_user,
            create_time,
            msg_type,
            msg_id,
            media_id=media_id,
            pic_url=(fields.get("PicUrl") or "").strip(),
        )
    if msg_type == "location":
        return LocationMessage(
            to_user,
            from_user,
            create_time,
            msg_type,
            msg_id,
            latitude=_number(fields, "Location_X", -90, 90),
            longitude=_number(fields, "Location_Y", -180, 180),
            label=(fields.get("Label") or "").strip(),
        )
    return Message(to_user, from_user, create_time, msg_type, msg_id)


@dataclass(frozen=True)
class Inbound:
    """A request's message, and whether it came encrypted (the reply must then be, too)."""

    message: Message
    encrypted: bool


def read_request(
    query: Mapping[str, str], body: bytes, token: str, app_id: str, aes_key: bytes | None
) -> Inbound:
    """Check a push request's signature and read its message, decrypting it in safe mode.

    Plain mode signs the query (`signature`); safe and compatible modes add `encrypt_type=aes`
    and `msg_signature`, which also covers the `Encrypt` element. Compatible mode also carries
    the plaintext fields, which are used only when no AES key is configured (then the plain
    signature is what vouches for them). With an AES key configured a plain-mode request is
    refused: its signature does not cover the body, so it would let anyone holding one signed
    URL post as anyone (red team F3); the account is then in safe or compatible mode and WeChat
    sends `msg_signature` over `Encrypt` with every push. Raises `BadSignature`, `WrongAppId`,
    `BadCiphertext` or `MalformedMessage`. Freshness and replays: `bot.channels.wechat.replay`.
    """
    timestamp, nonce = query.get("timestamp", ""), query.get("nonce", "")
    encrypted = query.get("encrypt_type", "raw").lower() == "aes"
    if not (timestamp and nonce):
        raise BadSignature("timestamp or nonce missing")
    if aes_key is not None and not encrypted:
        raise BadSignature("plain-mode request while an EncodingAESKey is configured")
    if len(body) > MAX_BODY:  # before spending anything on it
        raise TooLarge(f"body of {len(body)} bytes exceeds {MAX_BODY}")
    if not encrypted or aes_key is None:
        check_signature(token, query.get("signature"), timestamp, nonce)
        fields = parse_xml(body)
        if encrypted and "MsgType" not in fields:
            raise MalformedMessage("encrypted message but no WECHAT_ENCODING_AES_KEY configured")
        return Inbound(parse_message(fields), encrypted=False)
    envelope = parse_xml(body)
    sealed = envelope.get("Encrypt", "").strip()
    check_msg_signature(token, query.get("msg_signature"), timestamp, nonce, sealed)
    if not sealed:
        raise MalformedMessage("missing Encrypt")
    inner = decrypt(aes_key, app_id, sealed)
    return Inbound(parse_message(parse_xml(inner)), encrypted=True)


def _cdata(value: str) -> str:
    """`value` as CDATA; a `]]>` inside is split across two sections so it cannot end one early."""
    return "<![CDATA[" + value.replace("]]>", "]]]]><![CDATA[>") + "]]>"


def render_text_reply(message: Message, content: str, create_time: int) -> str:
    """The passive text reply to `message`: the accounts swapped, one text."""
    return (
        "<xml>"
        f"<ToUserName>{_cdata(message.from_user)}</ToUserName>"
        f"<FromUserName>{_cdata(message.to_user)}</FromUserName>"
        f"<CreateTime>{create_time}</CreateTime>"
        "<MsgType><![CDATA[text]]></MsgType>"
        f"<Content>{_cdata(content)}</Content>"
        "</xml>"
    )


def render_transfer_reply(message: Message, kf_account: str | None, create_time: int) -> str:
    """The passive reply handing the user to WeChat's own customer service (a named agent or any).

    While an agent holds the session WeChat sends the user's messages to the agent, not to us;
    they come back to our URL when the agent closes it or after 30 minutes.
    """
    trans_info = (
        f"<TransInfo><KfAccount>{_cdata(kf_account)}</KfAccount></TransInfo>" if kf_account else ""
    )
    return (
        "<xml>"
        f"<ToUserName>{_cdata(message.from_user)}</ToUserName>"
        f"<FromUserName>{_cdata(message.to_user)}</FromUserName>"
        f"<CreateTime>{create_time}</CreateTime>"
        "<MsgType><![CDATA[transfer_customer_service]]></MsgType>"
        f"{trans_info}"
        "</xml>"
    )


def render_encrypted_reply(encrypted: str, msg_signature: str, timestamp: str, nonce: str) -> str:
    """The safe-mode envelope around an encrypted reply."""
    return (
        "<xml>"
        f"<Encrypt>{_cdata(encrypted)}</Encrypt>"
        f"<MsgSignature>{_cdata(msg_signature)}</MsgSignature>"
        f"<TimeStamp>{timestamp}</TimeStamp>"
        f"<Nonce>{_cdata(nonce)}</Nonce>"
        "</xml>"
    )


def seal_reply(
    reply_xml: str, token: str, app_id: str, aes_key: bytes, timestamp: str, nonce: str
) -> str:
    """A passive reply encrypted and signed for safe mode."""
    sealed = encrypt(aes_key, app_id, reply_xml.encode("utf-8"))
    return render_encrypted_reply(
        sealed, signature(token, timestamp, nonce, sealed), timestamp, nonce
    )
