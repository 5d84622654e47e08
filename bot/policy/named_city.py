"""The city a resident's question names, and the policy that answers it (pure but for reading the
shipped policies).

One deployment runs one city's policy (`HEATING_POLICY`), but a resident may ask about another
city the company also serves: 天津的暖气几号开始 asked of the Beijing assistant got Beijing's
season. A general question that names a shipped policy's city (`Policy.city`: 北京, 天津) is
answered from that city's policy and knowledge file, for that answer only; the conversation
keeps its own policy.

Not a city asked about, and so ignored:

* a place named after a city, in another city: 北京路, 天津大街, 北京胡同, 天津花园小区 (a street
  or a community is an address, answered by the configured city);
* 北京时间 (the time of day, said everywhere in China);
* a message naming two cities (从北京搬到天津 …): which one is asked is not clear, so the
  configured city answers as before.
"""

from __future__ import annotations

import re
from functools import lru_cache

from bot.policy.loader import available_policies, load_policy
from bot.policy.model import Policy

__all__ = ["city_policy_named", "policy_for_text"]

#: What may follow a city's name when it names a street, a building or a community, not the city.
_PLACE_AFTER = (
    r"路|街|大街|大道|胡同|巷|小区|花园|家园|公寓|大厦|广场|商城|新村|时间"
)


@lru_cache(maxsize=1)
def _cities() -> tuple[tuple[str, re.Pattern[str]], ...]:
    """(policy name, pattern of its city's name used as a city) for every shipped policy."""
    cities = []
    for name in available_policies():
        city = load_policy(name).city.removesuffix("市")
        pattern = re.compile(rf"{re.escape(city)}(?:市)?(?!{_PLACE_AFTER})")
        cities.append((name, pattern))
    return tuple(cities)


def city_policy_named(text: str) -> str | None:
    """The name of the shipped policy (`tianjin`) whose city `text` names as the city it asks
    about; None when it names none, or more than one."""
    named = {name for name, pattern in _cities() if pattern.search(text or "")}
    return named.pop() if len(named) == 1 else None


def policy_for_text(text: str, default: Policy | None = None) -> Policy:
    """The policy that answers a question: the named city's (`city_policy_named`), else
    `default` (the configured policy when None). A question naming the configured policy's own
    city keeps it (a company's own policy file may set the same city as a shipped one)."""
    current = default or load_policy()
    named = city_policy_named(text)
    if named is None:
        return current
    other = load_policy(named)
    return current if other.city == current.city else other
