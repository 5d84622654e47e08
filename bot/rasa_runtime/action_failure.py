"""Patch `action_failure`: a failed call to the action server ends the turn politely.

The one patch that changes what a turn answers, and only when an action fails: Rasa 3.6 logs a
failed call to the action server (refused, timed out, 5xx, a body that is not the expected JSON),
drops the action's events and predicts on, so the user got nothing and a form half-took the
message. Here the turn ends with `utter_service_unavailable` (the policy's hotline for urgent
matters) and the user's message is taken back, so the conversation is where it was before it
(`_run_action`). The call to the action server (`RemoteAction.run`) notes the failure for it;
the two are replaced together.
"""

from __future__ import annotations

from contextvars import ContextVar

from rasa.core.actions.action import (
    Action,
    ActionExecutionRejection,
    RemoteAction,
    create_bot_utterance,
)
from rasa.core.channels.channel import OutputChannel
from rasa.core.nlg import NaturalLanguageGenerator
from rasa.core.policies.policy import PolicyPrediction
from rasa.core.processor import MessageProcessor
from rasa.shared.constants import UTTER_PREFIX
from rasa.shared.core.constants import ACTION_LISTEN_NAME
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import (
    ActionExecuted,
    Event,
    Restarted,
    SessionStarted,
    UserUtteranceReverted,
    UserUttered,
)
from rasa.shared.core.trackers import DialogueStateTracker

from bot.policy import load_policy
from bot.rasa_runtime.patch import Patch

#: Rasa's own implementations, the references.
RASA_RUN_ACTION = MessageProcessor._run_action
RASA_REMOTE_RUN = RemoteAction.run

#: What the bot says when an action fails (domain.yml; `{hotline}` is the policy's hotline).
APOLOGY = "utter_service_unavailable"
#: The `policy` the apology's `ActionExecuted` names, so a reader of the tracker sees why it ran.
FAILURE_POLICY = "action_failure"
#: Names of the action server calls that failed while the processor runs one action; `None`
#: outside `_run_action`.
_failed_calls: ContextVar[list[str] | None] = ContextVar("failed_calls", default=None)


async def _run_remote_action(
    self: RemoteAction,
    output_channel: OutputChannel,
    nlg: NaturalLanguageGenerator,
    tracker: DialogueStateTracker,
    domain: Domain,
) -> list[Event]:
    """Rasa's call to the action server; a failure is noted for `_run_action`, then raised as
    before. A rejection (a form that could not use the message) is an answer, not a failure.

    A form calls its validation action from inside its own run, so the failure is noted where
    the call is made rather than where the processor sees the form fail."""
    try:
        return await RASA_REMOTE_RUN(self, output_channel, nlg, tracker, domain)
    except ActionExecutionRejection:
        raise
    except Exception:
        failed = _failed_calls.get()
        if failed is not None:
            failed.append(self.name())
        raise


async def _run_action(
    self: MessageProcessor,
    action: Action,
    tracker: DialogueStateTracker,
    output_channel: OutputChannel,
    nlg: NaturalLanguageGenerator,
    prediction: PolicyPrediction,
) -> bool:
    """Rasa's `_run_action`; when a call to the action server failed, the turn ends politely.

    Rasa logs the failure, keeps the failed action with no events and predicts on: the user
    got no answer, and a form whose validation failed kept the message's slot values unchecked.
    Instead the user is told (`APOLOGY`), the message is taken back when nothing of this turn ran
    on the action server before (`_undoable`), and the bot listens: the next message finds the
    conversation, a form at its question included, as it was before the failed one.

    The entry Rasa logged for the failed action (it did nothing) is dropped first, before
    anything is saved: a form's entry would otherwise be folded into the form's first run when
    Rasa replays the conversation (`applied_events`), and taking the message back would then
    take the whole form back with it. The apology's entry names the action that failed.
    """
    failed: list[str] = []
    logged = len(tracker.events)
    token = _failed_calls.set(failed)
    try:
        go_on = await RASA_RUN_ACTION(self, action, tracker, output_channel, nlg, prediction)
    finally:
        _failed_calls.reset(token)
    if not failed:
        return go_on
    while len(tracker.events) > logged:
        tracker.events.pop()
    apology = ActionExecuted(
        APOLOGY, policy=FAILURE_POLICY, confidence=1.0, metadata={"failed_action": action.name()}
    )
    events: list[Event] = [apology]
    message = await nlg.generate(
        APOLOGY, tracker, output_channel.name(), hotline=load_policy().company.hotline
    )
    if message:
        message["utter_action"] = APOLOGY
        events.append(create_bot_utterance(message))
    if _undoable(tracker, self.domain):
        events.append(UserUtteranceReverted())
    events.append(ActionExecuted(ACTION_LISTEN_NAME, policy=FAILURE_POLICY, confidence=1.0))
    tracker.update_with_events(events, self.domain)
    await self.execute_side_effects(events, tracker, output_channel)
    return False


def _undoable(tracker: DialogueStateTracker, domain: Domain) -> bool:
    """Whether the user's message of this turn can be taken back after an action failed.

    Only while nothing of the turn ran on the action server before: what an earlier action did
    there (a ticket opened, a hand-off queued) is real, and taking the message back would have it
    done again when the user sends it again. A turn without a user message (an action run through
    the HTTP API) or whose message is already taken back has nothing to undo.
    """
    # what runs on the action server: custom actions and forms (their validation), not the
    # responses the domain lists among its actions (Rasa's `action_for_name_or_text`)
    remote = {a for a in domain.user_actions_and_forms if not a.startswith(UTTER_PREFIX)}
    for event in reversed(tracker.events):
        if isinstance(event, UserUttered):
            return True
        if isinstance(event, (UserUtteranceReverted, Restarted, SessionStarted)):
            return False
        if isinstance(event, ActionExecuted) and (
            event.action_name == ACTION_LISTEN_NAME or event.action_name in remote
        ):
            return False
    return False


PATCH = Patch(
    "action_failure",
    (
        (RemoteAction, "run", _run_remote_action),
        (MessageProcessor, "_run_action", _run_action),
    ),
)
