"""The emergency safety net inside Rasa: an NLU component marks, a dialogue policy acts.

`EmergencyMarker` (NLU, placed last in the pipeline) runs `bot.nlu.emergency.detect_emergency` on
every message and, when it finds one, adds `emergency: {kind, evidence}` to the parse result. It
changes neither the intent nor the entities, so the classifier's figures, the forms' slot mappings
and the NLU evaluation are exactly what they were; a message starting with "/" (a button or an SMS
keyword code) is left alone.

`EmergencyPolicy` (dialogue) predicts `action_emergency` for a marked message, whatever its intent
and whatever form is active, and `action_listen` right after that action. Why a policy and not
rules: a rule needs an intent, and an emergency arrives under any of them (`out_of_scope`,
`inform`, `nlu_fallback` …); and while a form is active RulePolicy's form prediction is a "no user"
prediction that outranks every rule. So this policy's predictions are made the same kind (no user,
confidence 1) with a priority above RulePolicy's, and win in both situations. Without a marked
message it predicts nothing (all zeros), and every other turn goes on as before.

What `action_emergency` does (an urgent ticket, the numbers, the form it continues or leaves) is in
actions/emergency.py; docs/dialogue.md has the whole path.
"""

from __future__ import annotations

import re
from typing import Any

from rasa.core.constants import POLICY_PRIORITY, RULE_POLICY_PRIORITY
from rasa.core.policies.policy import Policy, PolicyPrediction
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.shared.core.constants import ACTION_LISTEN_NAME
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, UserUttered
from rasa.shared.core.generator import TrackerWithCachedStates
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message

from bot.nlu.emergency import (
    EMERGENCY,
    URGENT_TICKET_SLOT,
    detect_emergency,
    emergency_from,
    leak_going_on,
    leak_in_hand,
    names_only_a_main_burst,
)
from bot.nlu.emergency_context import EARLIER_MESSAGES, emergency_in_context
from bot.nlu.emergency_follow_ups import about_the_leak, emergency_follow_up
from bot.nlu.leak_can_wait import LEAK_TICKET_SLOT
from bot.nlu.stateless import StatelessComponent

#: The action that runs the urgent path (actions/emergency.py, listed in domain.yml).
EMERGENCY_ACTION = "action_emergency"
#: The action that answers a question about the emergency just answered (the numbers again).
FOLLOW_UP_ACTION = "action_emergency_follow_up"


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False)
class EmergencyMarker(StatelessComponent):
    """Adds `emergency: {kind, evidence}` to messages that report one (module docstring)."""

    def process(self, messages: list[Message]) -> list[Message]:
        """Mark each message that reports an emergency; others are not touched."""
        for message in messages:
            text = message.get(TEXT)
            found = detect_emergency(text) if isinstance(text, str) else None
            if found is not None:
                message.set(EMERGENCY, found.as_dict(), add_to_output=True)
        return messages


def emergency_turn(tracker: DialogueStateTracker) -> str | None:
    """The action the safety net takes now: `action_emergency` when the latest user message is
    marked and nothing has answered it yet, `action_listen` right after `action_emergency`, else
    None (the other policies decide).

    One marked message is left to the other policies: a main's burst named as an event inside
    the complaint form (`_grievance_of_a_burst`), the complaint's own words.

    Slot and other non-action events after the message (slot extraction) do not count as an answer;
    a follow-up action the emergency action asked for (the repair form) runs before this is asked
    again, and then it is no longer right after `action_emergency`.
    """
    for event in reversed(tracker.events):
        if isinstance(event, ActionExecuted):
            if event.action_name in (EMERGENCY_ACTION, FOLLOW_UP_ACTION):
                return ACTION_LISTEN_NAME
            if event.action_name != ACTION_LISTEN_NAME:
                return None
        elif isinstance(event, UserUttered):
            marked = emergency_from(event.parse_data.get(EMERGENCY))
            if marked and _grievance_of_a_burst(tracker, event.text):
                return None
            # a leak said to wait (bot.nlu.leak_can_wait), or booked as an ordinary repair, then
            # 止不住了 / 滴得越来越快: the leak going on too
            open_leak = leak_in_hand(
                tracker.get_slot(URGENT_TICKET_SLOT),
                tracker.get_slot(LEAK_TICKET_SLOT),
                tracker.active_loop_name,
                tracker.get_slot("fault_type"),
            )
            if marked or leak_going_on(open_leak, event.text):
                return EMERGENCY_ACTION
            if emergency_in_context(event.text, _earlier_words(tracker, event)):
                return EMERGENCY_ACTION  # 她冷得手脚发麻 after 老人80多了一个人在家
            if _asks_about_the_emergency(tracker, event.text):
                return FOLLOW_UP_ACTION
            return None
    return None


def _earlier_words(tracker: DialogueStateTracker, latest: UserUttered) -> list[str]:
    """The resident's messages before `latest`, the latest first (`emergency_in_context`)."""
    return [
        str(e.text)
        for e in reversed(tracker.events)
        if isinstance(e, UserUttered) and e is not latest and e.text
    ][:EARLIER_MESSAGES]


#: The form in which a main's burst named as an event is what the resident complains of.
COMPLAINT_FORM = "complaint_form"


def _grievance_of_a_burst(tracker: DialogueStateTracker, text: str | None) -> bool:
    """Whether `text`, said in the complaint form, names only a main's burst as an event (反复爆管,
    年年爆管 管线该换不换: `names_only_a_main_burst`): what the complaint is about, for the form to
    take. As an emergency it got the stop's notice again at each answer and the form's question
    was never answered (a trap). A burst at home or water seen is still the emergency."""
    return tracker.active_loop_name == COMPLAINT_FORM and names_only_a_main_burst(text)


#: Details a form is waiting for in the same message as the question (翠湖苑6号楼3单元901 电话155…):
#: the form takes the message, and its side-question answer (actions/side_questions.py) the
#: question, so no detail is lost.
_DETAILS = re.compile(r"\d{7,}|号楼|单元|栋|\d+门\d+")


def _asks_about_the_emergency(tracker: DialogueStateTracker, text: str | None) -> bool:
    """Whether `text` asks about the emergency answered in one of the resident's last three
    turns (燃气那个电话多少 再说一遍; 我进不去 是打110还是120; 阀门在哪 找不着), or about the leak
    the conversation reported (`about_the_leak`), and holds no details for the form waiting
    for them."""
    asked = emergency_follow_up(text)
    if asked is None or _DETAILS.search(str(text or "")):
        return False
    if about_the_leak(asked, _reported_kind(tracker)):
        return True
    users = 0
    for event in reversed(tracker.events):
        if isinstance(event, UserUttered):
            users += 1
            if users > 3:
                return False
        elif isinstance(event, ActionExecuted) and event.action_name == EMERGENCY_ACTION:
            return True
    return False


def _reported_kind(tracker: DialogueStateTracker) -> str | None:
    """The kind of the emergency the conversation's latest marked message reported."""
    for event in reversed(tracker.events):
        if isinstance(event, UserUttered):
            found = emergency_from(event.parse_data.get(EMERGENCY))
            if found is not None:
                return found.kind
    return None


class OverridingPolicy(Policy):
    """A policy whose decision is a plain rule over the tracker (`next_action`) and that outranks
    RulePolicy, so neither a rule nor a form's own prediction wins over it: the emergency net
    here, the frustration hand-off in bot/handoff/policy.py.

    Config: `priority` (default one above RulePolicy's, which it must outrank).
    """

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        """Defaults; see the class docstring."""
        return {POLICY_PRIORITY: RULE_POLICY_PRIORITY + 1}

    def next_action(self, tracker: DialogueStateTracker) -> str | None:
        """The action this policy insists on now, or None to leave the turn to the others."""
        raise NotImplementedError

    def train(
        self,
        training_trackers: list[TrackerWithCachedStates],
        domain: Domain,
        **kwargs: Any,
    ) -> Resource:
        """Nothing to learn: the decision is the rule's. Kept trainable so the default recipe
        places it beside the other policies."""
        return self._resource

    def predict_action_probabilities(
        self,
        tracker: DialogueStateTracker,
        domain: Domain,
        rule_only_data: dict[str, Any] | None = None,
        **kwargs: Any,
    ) -> PolicyPrediction:
        """Confidence 1 for `next_action` (a "no user" prediction, like a form's); all zeros
        when it has nothing to say."""
        probabilities = self._default_predictions(domain)
        action = self.next_action(tracker)
        if action is None or action not in domain.action_names_or_texts:
            return self._prediction(probabilities)
        probabilities[domain.index_for_action(action)] = 1.0
        return self._prediction(probabilities, is_no_user_prediction=True)


@DefaultV1Recipe.register(
    DefaultV1Recipe.ComponentType.POLICY_WITHOUT_END_TO_END_SUPPORT, is_trainable=True
)
class EmergencyPolicy(OverridingPolicy):
    """Runs the urgent path for a marked message, above every rule and form (module docstring)."""

    def next_action(self, tracker: DialogueStateTracker) -> str | None:
        """`emergency_turn`: the emergency action for a marked message, then a listen."""
        return emergency_turn(tracker)
