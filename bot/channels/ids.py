"""Conversation ids: one id space per channel, so no channel can reach another's conversations.

Rasa keys a conversation (and everything the store keeps about its sender: verification,
bindings, tickets, subscriptions) by one string. The channels' own identities overlap: an SMS
sender is a phone number, a REST caller names any sender it likes, a browser once chose its own
session id. Keyed by those bare identities, a REST call with sender = a household's phone number
continued that household's verified SMS conversation. So every channel turns its identity into
`<namespace>:<identity>` at its edge, as the request is read, and turns it back only where it
speaks the provider's protocol (the SMS gateway's `phone`, WeChat's `touser`). Everything between
(Rasa, actions, store, notices, hand-off) treats the conversation id as opaque.
"""

from __future__ import annotations

#: The namespace of each channel's conversations (the socketio channel is the website widget).
NAMESPACES: dict[str, str] = {"rest": "rest", "socketio": "web", "wechat": "wechat", "sms": "sms"}


class ForeignConversation(ValueError):
    """A conversation id that does not belong to the channel that was asked to deliver to it."""


def conversation_id(channel: str, identity: str) -> str:
    """The conversation id of `identity` on `channel` (always prefixed, even if it looks prefixed:
    a REST sender named `sms:138…` becomes `rest:sms:138…`, never the SMS conversation)."""
    return f"{NAMESPACES[channel]}:{identity}"


def identity_of(channel: str, conversation: str) -> str:
    """The channel's own identity behind `conversation` (the phone, the OpenID).

    Raises `ForeignConversation` for an id of another channel, so a notice or an agent's reply
    can never be sent to an identity that another channel's conversation named.
    """
    prefix = NAMESPACES[channel] + ":"
    if not conversation.startswith(prefix) or len(conversation) == len(prefix):
        raise ForeignConversation(f"not a {channel} conversation id")
    return conversation[len(prefix) :]
