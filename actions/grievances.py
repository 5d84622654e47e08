"""A grievance inside a question (`bot.handoff.grievances`): sorry first, the answer, then the
offer to take the grievance down. Called by `action_answer_faq` around its knowledge-base answer.

师傅管我要钱 不是说免费吗 坑人呢 used to get the repair-cost rules and nothing else; 客服电话一直
打不通 got the hotline it could not reach. A heating company's agent would apologise, answer, and
ask whether to record a complaint; for an unreachable line they would offer to help right here.
"""

from __future__ import annotations

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.common import apologise_once, bot_said_within, latest_text, policy
from bot.handoff.grievances import UNREACHABLE, grievance_of

#: The apology before an answer to an aggrieved question (promises nothing but the offer after).
APOLOGY = "utter_apology_grievance"
#: The offer after the answer: record a complaint, or a person.
OFFER = "utter_grievance_offer"
#: The answer to "your line never answers": help here and a person, not the same number.
UNREACHABLE_ANSWER = "utter_hotline_unreachable"
#: Topics whose answer is the number the resident just said they could not reach.
CONTACT_TOPICS = frozenset({"hotline", "night_contact"})


def grievance_heard(tracker: Tracker) -> str | None:
    """The grievance of the latest message, outside forms (a form under way has its own
    apology and its question); None when there is none."""
    if tracker.active_loop.get("name"):
        return None
    return grievance_of(latest_text(tracker))


def before_answer(
    dispatcher: CollectingDispatcher, tracker: Tracker, grievance: str, topic: str | None
) -> bool:
    """Say sorry (once a conversation); True when that, with the help offered here, is the whole
    answer: the resident could not get through on the line the topic would give them."""
    if grievance == UNREACHABLE and (topic is None or topic in CONTACT_TOPICS):
        # its own words say sorry (one apology, not two in a row)
        dispatcher.utter_message(
            response=UNREACHABLE_ANSWER,
            buttons=[{"title": "转人工", "payload": "转人工"}],
        )
        return True
    apologise_once(dispatcher, tracker, APOLOGY, owed=True)
    return False


def after_answer(dispatcher: CollectingDispatcher, tracker: Tracker) -> None:
    """Offer to record the grievance (a complaint answered within the policy's hours) or a
    person, unless offered in the resident's last few messages."""
    if bot_said_within(tracker, {OFFER, UNREACHABLE_ANSWER}, 3):
        return
    dispatcher.utter_message(
        response=OFFER,
        hours=f"{policy().complaint.acknowledge_hours:g}",
        buttons=[
            {"title": "我要投诉", "payload": "我要投诉"},
            {"title": "转人工", "payload": "转人工"},
        ],
    )
