"""The policy schema refuses what pydantic on its own would quietly accept or convert.

pydantic reads a quoted "8" and `true` as numbers, rounds 2.5 to 2, takes "" as an empty mapping
and a list of pairs as a mapping; in a hand-edited policy each of these is a typo that must stop
the bot with the key named, as test_policy_loading.py checks for the other mistakes.
"""

from __future__ import annotations

from typing import Any

import pytest

from bot.policy import PolicyError, parse_policy
from tests.unit.test_policy_loading import DELETE, _city_data, _set

QUIETLY_ACCEPTED = [
    ({"repair.fix_hours": "8"}, "repair.fix_hours must be a number, got '8'"),
    ({"refund.tiers[0].rate": True}, "refund.tiers[0].rate must be a number, got True"),
    ({"follow_up.working_days": 2.0}, "follow_up.working_days must be a whole number, got 2.0"),
    ({"handoff.pickup_minutes": "10"}, "handoff.pickup_minutes must be a whole number, got '10'"),
    ({"leak.urgent": "true"}, "leak.urgent must be true or false, got 'true'"),
    ({"leak.urgent": 1}, "leak.urgent must be true or false, got 1"),
    (
        {"notices.planned_stop_days_by_reason": ""},
        "notices.planned_stop_days_by_reason must be a mapping of keys, got ''",
    ),
    ({"visit": [["require_work_id", True]]}, "visit must be a mapping of keys, got a list"),
    (
        {"payment.channels": "营业厅"},
        "payment.channels must be a non-empty list of texts, got '营业厅'",
    ),
    ({"city": 42}, "city must be text, got 42"),
]


@pytest.mark.parametrize(
    ("changes", "message"), QUIETLY_ACCEPTED, ids=[m for _, m in QUIETLY_ACCEPTED]
)
def test_what_pydantic_would_convert_is_refused(changes: dict[str, Any], message: str) -> None:
    data = _city_data("beijing")
    for dotted, value in changes.items():
        _set(data, dotted, value)
    with pytest.raises(PolicyError) as caught:
        parse_policy(data, name="acme", source="acme.yml")
    assert str(caught.value) == f"acme.yml: {message}"


def test_keys_yaml_reads_as_numbers_are_named_as_written() -> None:
    data = _city_data("beijing")
    data["company"][2026] = "x"
    with pytest.raises(PolicyError, match=r"^acme\.yml: company\.2026 is not a known key$"):
        parse_policy(data, name="acme", source="acme.yml")


def test_an_unknown_key_in_a_list_item_gets_a_hint_from_its_own_keys() -> None:
    data = _city_data("tianjin")
    _set(data, "refund.tiers[1].rate", DELETE)
    _set(data, "refund.tiers[1].rat", 0.5)
    with pytest.raises(PolicyError) as caught:
        parse_policy(data, name="acme", source="acme.yml")
    assert str(caught.value) == "acme.yml: refund.tiers[1].rate is missing"
    _set(data, "refund.tiers[1].rate", 0.5)
    with pytest.raises(PolicyError) as caught:
        parse_policy(data, name="acme", source="acme.yml")
    assert (
        str(caught.value)
        == "acme.yml: refund.tiers[1].rat is not a known key (did you mean 'rate'?)"
    )


def test_the_validated_policy_is_the_same_whatever_numbers_yaml_gave() -> None:
    data = _city_data("beijing")
    _set(data, "repair.fix_hours", 8.0)
    _set(data, "escalation.extension_hours.resolve", 8)
    policy = parse_policy(data, name="acme", source="acme.yml")
    assert policy.repair.fix_hours == 8 and isinstance(policy.repair.fix_hours, float)
    assert policy.escalation.extension_hours["resolve"] == 8.0
    assert policy.notices.planned_stop_days == 2 and isinstance(
        policy.notices.planned_stop_days, int
    )
    assert policy.payment.channels[0] == "微信公众号" and isinstance(policy.payment.channels, tuple)
