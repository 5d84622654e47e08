"""The address question of a visit, asking only for what is still missing.

A resident who wrote 阳光花园6号楼 or 金色家园7号楼 702 was booked with that, and the fitter had
to guess the staircase; asked the whole address again, they would repeat what they said. So the
question names what was told and asks for the rest (阳光花园6号楼，请问几单元几号？); with nothing
told yet it is the form's usual question (players' findings 3, class C).
"""

from __future__ import annotations

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.common import ASK_REST, FITTER_FORMS, guarded, home_asked_for, read_db
from bot.nlu.address import Address, missing_for_visit
from bot.services.outages import known_communities

#: How each missing part is asked, in the order of `FLAT_PARTS`.
_ASKED = {"building": "几号楼", "unit": "几单元", "room": "几号"}
#: A single missing part reads better with a word before it (是几单元, 门牌几号).
_ASKED_ALONE = {"building": "是几号楼", "unit": "是几单元", "room": "门牌是几号"}


def rest_question(missing: tuple[str, ...]) -> str:
    """The words asking for the `missing` parts: 几单元几号, 是几单元, 几号楼几单元几号."""
    if len(missing) == 1:
        return _ASKED_ALONE[missing[0]]
    return "".join(_ASKED[part] for part in missing)


def told_parts(home: Address) -> str:
    """What was told of the home, as it is read back (金色家园7号楼702)."""
    return home.summary() if home.community or home.building or home.room else ""


class ActionAskAddress(Action):
    """The form's address question (Rasa calls `action_ask_<slot>` for a form's slot)."""

    def name(self) -> str:
        """The action's name, as in domain.yml."""
        return "action_ask_address"

    @guarded
    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        """The rest of a home partly told, for a booked visit; else the whole address."""
        form = tracker.active_loop.get("name")
        if form in FITTER_FORMS and not tracker.get_slot("urgent_ticket_no"):
            # an urgent ticket's crew comes now and calls: its form asks the address as before
            home = home_asked_for(tracker, await read_db(known_communities))
            missing = missing_for_visit(home)
            if told_parts(home) and missing:
                dispatcher.utter_message(
                    response=ASK_REST, known=told_parts(home), missing=rest_question(missing)
                )
                return []
        dispatcher.utter_message(response="utter_ask_address")
        return []
