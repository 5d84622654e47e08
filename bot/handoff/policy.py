"""`FrustrationPolicy`: a resident who sends the same request a third time goes to a person.

Run only inside the fallback action, the frustration rules (`bot.handoff.triggers`) would miss a
repeated message the classifier did understand (an angry one read as a repair, or as the hotline
FAQ): it would get the same answer every time, on WeChat and SMS as anywhere, and never reach a
person.
This policy applies `hand_over_now` to every message, whatever its intent and whatever form is
active: it predicts `action_request_human` (which records the reason `frustration`), then
`action_listen`. Like `bot.nlu.safety_net.EmergencyPolicy` its predictions are "no user"
predictions with a priority above RulePolicy's, so a form's own prediction does not outrank it;
a message the safety net marked as an emergency is left to that net.
"""

from __future__ import annotations

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.shared.core.constants import ACTION_LISTEN_NAME
from rasa.shared.core.events import ActionExecuted, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from bot.handoff.triggers import UserTurn, hand_over_now
from bot.nlu.emergency import EMERGENCY, emergency_from
from bot.nlu.safety_net import OverridingPolicy

#: The hand-off action (actions/conversation.py, listed in domain.yml).
HANDOFF_ACTION = "action_request_human"


def user_turns(tracker: DialogueStateTracker) -> list[UserTurn]:
    """The user's messages newest first, reverted ones included (a misunderstood message the
    fallback took back was still sent)."""
    return [
        UserTurn(event.intent_name, str(event.text or ""))
        for event in reversed(tracker.events)
        if isinstance(event, UserUttered)
    ]


def frustration_turn(tracker: DialogueStateTracker) -> str | None:
    """`action_request_human` for a latest message that `hand_over_now` picks and nothing has
    answered yet, `action_listen` right after that hand-off, else None (the others decide)."""
    for event in reversed(tracker.events):
        if isinstance(event, ActionExecuted):
            if event.action_name == HANDOFF_ACTION:
                return ACTION_LISTEN_NAME if hand_over_now(user_turns(tracker)) else None
            if event.action_name != ACTION_LISTEN_NAME:
                return None
        elif isinstance(event, UserUttered):
            if emergency_from(event.parse_data.get(EMERGENCY)):
                return None
            return HANDOFF_ACTION if hand_over_now(user_turns(tracker)) else None
    return None


@DefaultV1Recipe.register(
    DefaultV1Recipe.ComponentType.POLICY_WITHOUT_END_TO_END_SUPPORT, is_trainable=True
)
class FrustrationPolicy(OverridingPolicy):
    """Hands a repeated request to a person, above every rule and form (module docstring)."""

    def next_action(self, tracker: DialogueStateTracker) -> str | None:
        """`frustration_turn`: the hand-off, or the listen after it."""
        return frustration_turn(tracker)
