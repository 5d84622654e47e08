"""A photo the resident sent (a WeChat image: `/send_photo` with its media id in the metadata).

The channel only passes the media id on; what the photo is for is decided here, from the
conversation: the dial of a meter reading under way or just filed (actions.meters), the
thermometer of a 室温抽测 household reporting its own reading (actions.sampling), else the bot
says what a photo can be used for and asks. A photo is never dropped silently: it stays in the
tracker, so the reading that follows it picks it up (`actions.meters.photo_of_request`).
"""

from __future__ import annotations

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.common import guarded, message_metadata
from actions.meters import PHOTO_KEY, file_meter_photo
from actions.sampling import file_sampling_photo


class ActionHandlePhoto(Action):
    """Attach a photo to the reading it belongs to, or ask what it is for."""

    def name(self) -> str:
        """The action's name, as in domain.yml."""
        return "action_handle_photo"

    @guarded
    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        """A meter photo first (readings are the commoner use), then a sampling one; words
        announcing a photo (我给你发张照片) are told how to send it and what it can be for."""
        media_id = message_metadata(tracker).get(PHOTO_KEY)
        if not media_id:
            dispatcher.utter_message(response="utter_photo_invite")
            return []
        media = str(media_id)
        filed = await file_meter_photo(dispatcher, tracker, media) or await file_sampling_photo(
            dispatcher, tracker, media
        )
        if not filed:
            dispatcher.utter_message(response="utter_photo_what_for")
        return []
