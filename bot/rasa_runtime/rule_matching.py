"""Patch `rule_matching`: RulePolicy stops matching rules where none reaches, and remembers.

`RulePolicy._get_possible_keys` checked every remaining rule against every state of the policies'
view (~20), though no rule here is longer than 3 turns (docs/performance.md, third round).
"""

from __future__ import annotations

from typing import Any

from rasa.core.policies.rule_policy import RulePolicy

from bot.rasa_runtime.patch import Patch

#: Rasa's own implementation, the reference (tests compare against it).
RASA_GET_POSSIBLE_KEYS = RulePolicy._get_possible_keys


def _get_possible_keys(self: RulePolicy, lookup: dict[str, str], states: list[Any]) -> set[str]:
    """Rasa's rule matching, looked at only as far back as the longest rule, and remembered.

    Rasa checks every rule against every state of the conversation, newest first; a rule is
    applicable at any turn further back than its own length, so only the last `longest` states
    (3 here, against ~20 in the policies' view) decide the answer. The answer is a function of
    those states alone, and the same few recur in every conversation, so it is kept per lookup
    table and states (bounded). Tests compare both with Rasa's answers.
    """
    longest = _longest_rule(self, lookup)
    recent = states[-longest:] if longest else []
    if id(lookup) not in _RULE_MATCHES and len(_RULE_MATCHES) >= _TABLE_LIMIT:
        _RULE_MATCHES.clear()  # tables of models replaced at run time
    cache = _RULE_MATCHES.setdefault(id(lookup), {})
    key = _frozen(recent)
    found = cache.get(key)
    if found is None or found[0] is not lookup or found[1] != len(lookup):
        possible = set(lookup)
        for turn, state in enumerate(reversed(recent)):
            if not possible:
                break
            possible = {rule for rule in possible if self._is_rule_applicable(rule, turn, state)}
        if len(cache) >= _RULE_MATCH_LIMIT:
            cache.clear()
        found = (lookup, len(lookup), frozenset(possible))
        cache[key] = found
    return set(found[2])


#: (id of a lookup table) → (frozen recent states) → (the table and its size when matched, the
#: rules that matched); training pops rules from a table, which its size tells
_RULE_MATCHES: dict[int, dict[Any, tuple[dict[str, str], int, frozenset[str]]]] = {}
_RULE_MATCH_LIMIT = 4096
_TABLE_LIMIT = 16  # a model has 3 tables RulePolicy matches against
#: (id of a lookup table) → (the table, its size, how many turns its longest rule spans)
_LONGEST: dict[int, tuple[dict[str, str], int, int]] = {}


def _longest_rule(policy: RulePolicy, lookup: dict[str, str]) -> int:
    """How many turns the longest rule of `lookup` spans (remembered per table)."""
    known = _LONGEST.get(id(lookup))
    if known is None or known[0] is not lookup or known[1] != len(lookup):
        length = max((len(policy._rule_key_to_state(key)) for key in lookup), default=0)
        if len(_LONGEST) >= _TABLE_LIMIT:
            _LONGEST.clear()
        known = (lookup, len(lookup), length)
        _LONGEST[id(lookup)] = known
    return known[2]


def _frozen(value: Any) -> Any:
    """A hashable copy of a state (dicts, lists and tuples of plain values), kinds kept apart."""
    if isinstance(value, dict):
        return ("d", tuple(sorted((k, _frozen(v)) for k, v in value.items())))
    if isinstance(value, (list, tuple)):
        return ("l" if isinstance(value, list) else "t", tuple(_frozen(v) for v in value))
    return value


PATCH = Patch("rule_matching", ((RulePolicy, "_get_possible_keys", _get_possible_keys),))
