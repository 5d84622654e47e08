"""The satisfaction survey's answer: a rating 1–5 and an optional comment."""

from __future__ import annotations

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.common import channel_of, guarded, in_db, latest_text, policy
from bot.base import clock
from bot.services import surveys as survey_service


def rating_of(tracker: Tracker) -> tuple[object, tuple[int, int] | None]:
    """The rating the user gave and its span in the text: the `rating` entity, else the text.

    A button answer carries the entity without a span; a typed one may have neither, and then
    `给4分`, `五星` or `不满意` in the text is read directly.
    """
    for entity in tracker.latest_message.get("entities", []):
        if entity.get("entity") == "rating":
            start, end = entity.get("start"), entity.get("end")
            span = (start, end) if isinstance(start, int) and isinstance(end, int) else None
            return entity.get("value"), span
    found = survey_service.rating_in_text(latest_text(tracker))
    return found if found is not None else (None, None)


class ActionRecordRating(Action):
    """Records the rating on the sender's open survey; a low one books a call-back."""

    def name(self) -> str:
        """The action's name, as in domain.yml."""
        return "action_record_rating"

    @guarded
    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        """Thank, apologise with the call-back ticket, ask for 1–5, or say nothing is open."""
        rating, span = rating_of(tracker)
        comment = survey_service.comment_from(latest_text(tracker), span)
        result = await in_db(
            survey_service.record_rating,
            channel_of(tracker),
            tracker.sender_id,
            rating,
            comment,
            clock.now(),
            policy=policy(),
        )
        if result.recorded and result.follow_up_ticket_no:
            dispatcher.utter_message(
                response="utter_rating_sorry",
                rating=result.rating,
                ticket_no=result.follow_up_ticket_no,
            )
        elif result.recorded:
            dispatcher.utter_message(response="utter_rating_thanks", rating=result.rating)
        elif result.status == survey_service.OUT_OF_RANGE:
            dispatcher.utter_message(response="utter_rating_invalid", ticket_no=result.ticket_no)
        else:  # nothing open: none asked, already answered, or the answer window closed
            dispatcher.utter_message(response="utter_no_open_survey")
        return []
