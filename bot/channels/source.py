"""The widget address a message comes from, as the verification budget per address counts it.

A widget session costs nothing, so a guesser opens a new one for every account it tries; the
budget per address (`bot.services.accounts.verify`) counts the failures of every session from
one client address (an IPv4 address, an IPv6 /64). The channel knows that address, the actions
do not, so the widget puts a key for it into the message's metadata under `SOURCE_METADATA`,
replacing whatever the browser wrote there; the REST channel drops the key (its callers are this
machine or a trusted integration, and a sender naming its own source could pick a new one per
try). The key is a keyed hash (HMAC under `WEBCHAT_SECRET`, the same on every replica), so the
tracker store, the verification table and the alerts hold no client address.

The address is the socket peer's. `X-Forwarded-For` is believed only from the reverse proxies
listed in `WEBCHAT_TRUSTED_PROXIES` (the production profile sets it for its nginx); from any
other peer a client could pick the address it is counted as.
"""

from __future__ import annotations

import hashlib
import hmac
import os
from collections.abc import Mapping, Sequence
from typing import Any

from bot.base.addresses import Network, address_group, client_address, trusted_networks

#: The metadata key of a user message that names its widget address (a key, not the address).
SOURCE_METADATA = "client_source"
PROXIES_VARIABLE = "WEBCHAT_TRUSTED_PROXIES"


def trusted_proxies(environ: Mapping[str, str] | None = None) -> tuple[Network, ...]:
    """The reverse proxies in front of the widget (`WEBCHAT_TRUSTED_PROXIES`), validated."""
    env = os.environ if environ is None else environ
    return trusted_networks(env.get(PROXIES_VARIABLE, ""), PROXIES_VARIABLE, "the chat widget")


def source_key(
    secret: bytes, peer: str, forwarded_for: str, trusted: Sequence[Network]
) -> str | None:
    """The key of the client address behind `peer` (None when there is no address)."""
    address = client_address(peer, forwarded_for, trusted)
    if not address:
        return None
    digest = hmac.new(secret, f"source:{address_group(address)}".encode(), hashlib.sha256)
    return "web-" + digest.hexdigest()[:24]


def with_source(metadata: Mapping[str, Any], source: str | None) -> dict[str, Any]:
    """`metadata` with the channel's `source` under `SOURCE_METADATA` (none: the key removed),
    whatever the client wrote there."""
    kept = {key: value for key, value in metadata.items() if key != SOURCE_METADATA}
    if source:
        kept[SOURCE_METADATA] = source
    return kept


def source_of(metadata: Mapping[str, Any]) -> str | None:
    """The widget address key a channel put into a message's metadata, if any."""
    value = metadata.get(SOURCE_METADATA)
    return value if isinstance(value, str) and value else None
