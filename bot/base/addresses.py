"""Who a request comes from: the client address behind trusted proxies, and what a limit counts.

Shared by the agents' console (its login throttle) and the website widget (its verification
budget per address): both must count per client, and both must not believe an `X-Forwarded-For`
that the client wrote itself.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Sequence

from bot.config import ConfigError

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def trusted_networks(raw: str, variable: str, behind: str) -> tuple[Network, ...]:
    """The reverse proxies listed in `raw` (comma-separated addresses or networks) as read
    from `variable`; `behind` names what they stand in front of, for the refusal."""
    try:
        return tuple(
            ipaddress.ip_network(item.strip(), strict=False)
            for item in raw.split(",")
            if item.strip()
        )
    except ValueError as exc:
        raise ConfigError(
            f"{variable} must be comma-separated addresses or networks of the "
            f"reverse proxies in front of {behind} (e.g. 127.0.0.1,10.0.0.0/24): {exc}"
        ) from None


def client_address(peer: str, forwarded_for: str, trusted: Sequence[Network]) -> str:
    """The address a request comes from: the socket peer, unless the peer is a trusted proxy.

    Behind trusted proxies, `forwarded_for` (X-Forwarded-For, each proxy appending the address it
    was reached from) is read from the right, and the first address no trusted proxy owns is the
    client: what the client wrote itself stands to the left of it and is never believed.
    """

    def is_trusted(address: str) -> bool:
        try:
            ip = ipaddress.ip_address(address)
        except ValueError:
            return False
        return any(ip in network for network in trusted)

    if not is_trusted(peer):
        return peer
    hops = [hop.strip() for hop in forwarded_for.split(",") if hop.strip()]
    for hop in reversed(hops):
        if not is_trusted(hop):
            return hop
    return hops[0] if hops else peer


def address_group(address: str) -> str:
    """What a limit counts per: an IPv4 address, or an IPv6 /64 (one household or server
    holds a whole /64, and could otherwise change address at every try)."""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return address
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            return str(ip.ipv4_mapped)
        return str(ipaddress.ip_network(f"{ip}/64", strict=False))
    return str(ip)
