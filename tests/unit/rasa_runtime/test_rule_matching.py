"""RulePolicy's matching, stopped where no rule reaches, gives Rasa's answers."""

from __future__ import annotations

from typing import Any

from bot.rasa_runtime import rule_matching


def test_rule_matching_stops_early_with_rasas_answers() -> None:
    """The patched `_get_possible_keys` gives Rasa's set for conversations longer and shorter
    than the rules, including rules that start a conversation and states that match none."""
    import itertools
    import json

    from rasa.core.policies.rule_policy import RulePolicy

    listen = {"prev_action": {"action_name": "action_listen"}}
    start: dict[str, Any] = {}
    greet = {"user": {"intent": "greet"}, **listen}
    repair = {"user": {"intent": "report_repair"}, **listen}
    form = {"prev_action": {"action_name": "repair_form"}, "active_loop": {"name": "repair_form"}}
    utter = {"prev_action": {"action_name": "utter_greet"}, "user": {"intent": "greet"}}
    rules = [[greet], [repair], [start, greet], [repair, form], [greet, utter, listen], [form]]
    lookup = {json.dumps(rule, sort_keys=True): f"action_{i}" for i, rule in enumerate(rules)}
    policy = RulePolicy.__new__(RulePolicy)  # the matching needs no trained state
    pool = [start, greet, repair, form, utter, listen]
    for _ in range(2):  # the second time from the remembered answers
        for length in range(0, 5):
            for states in itertools.product(pool, repeat=length):
                conversation = [dict(s) for s in states]
                expected = rule_matching.RASA_GET_POSSIBLE_KEYS(policy, lookup, conversation)
                assert rule_matching._get_possible_keys(policy, lookup, conversation) == expected
    # a rule removed from the table in place (as training does), or a longer one added, is not
    # answered from memory
    removed = next(iter(lookup))
    del lookup[removed]
    conversation = [greet]
    assert rule_matching._get_possible_keys(policy, lookup, conversation) == (
        rule_matching.RASA_GET_POSSIBLE_KEYS(policy, lookup, conversation)
    )
    conversation = [repair, utter, listen, greet]
    rule_matching._get_possible_keys(policy, lookup, conversation)
    lookup[json.dumps([form, utter, listen, greet], sort_keys=True)] = "action_long"
    assert rule_matching._get_possible_keys(policy, lookup, conversation) == (
        rule_matching.RASA_GET_POSSIBLE_KEYS(policy, lookup, conversation)
    )
