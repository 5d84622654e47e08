"""A frightened resident with a stranger at the door: the safety advice, whatever the topic
model made of the words (`bot.nlu.door_stranger`; the player's p4-082 got the payment-posting
answer, then topic buttons)."""

from __future__ import annotations

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.common import bot_said_within, latest_text, policy
from actions.knowledge import last_answer
from bot.nlu.door_stranger import afraid_of_the_caller, stranger_at_door

#: The safety advice about a caller at the door.
DOOR_SAFETY = "utter_door_stranger"
#: The knowledge-base topic on checking a fitter, whose follow-ups (我怕, 报警吗) are this.
STAFF_IDENTITY_TOPIC = "staff_identity"


def tell_door_safety(dispatcher: CollectingDispatcher, tracker: Tracker) -> bool:
    """Tell a resident with a stranger at the door what to do (do not open, 110 when threatened,
    check through the hotline), for a message telling of one or going on about one right after
    the advice or the answer on checking a fitter; False for any other message."""
    text = latest_text(tracker)
    if not stranger_at_door(text):
        answered = last_answer(tracker)
        just_told = bot_said_within(tracker, {DOOR_SAFETY}, 2) or (
            answered is not None and answered[1] == STAFF_IDENTITY_TOPIC
        )
        if not (just_told and afraid_of_the_caller(text)):
            return False
    p = policy()
    dispatcher.utter_message(
        response=DOOR_SAFETY, hotline=p.company.hotline, police_phone=p.emergency.police_phone
    )
    return True
