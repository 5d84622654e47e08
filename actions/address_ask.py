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

from actions.common import (
    ASK_MEANT,
    ASK_REST,
    FITTER_FORMS,
    URGENT_REST,
    community_guessed,
    guarded,
    home_asked_for,
    home_told,
    read_db,
    urgent_ticket_home,
)
from bot.nlu.address import Address, corrected, missing_for_visit
from bot.services.outages import known_communities

#: How each missing part is asked, in the order of `FLAT_PARTS`.
_ASKED = {"building": "几号楼", "unit": "几单元", "room": "几号"}
#: How each missing part is named to an urgent ticket's resident (楼号、单元和门牌号).
_NAMED = {"building": "楼号", "unit": "单元", "room": "门牌号"}
#: A single missing part reads better with a word before it (是几单元, 门牌几号).
_ASKED_ALONE = {"building": "是几号楼", "unit": "是几单元", "room": "门牌是几号"}


def rest_question(missing: tuple[str, ...]) -> str:
    """The words asking for the `missing` parts: 几单元几号, 是几单元, 几号楼几单元几号."""
    if len(missing) == 1:
        return _ASKED_ALONE[missing[0]]
    return "".join(_ASKED[part] for part in missing)


def parts_named(missing: tuple[str, ...]) -> str:
    """The `missing` parts named in a list: 单元和门牌号, 楼号、单元和门牌号, 门牌号."""
    names = [_NAMED[part] for part in missing]
    return names[0] if len(names) == 1 else f"{'、'.join(names[:-1])}和{names[-1]}"


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
        """The rest of a home partly told, for a booked visit or an urgent ticket (once); a
        community read from a name close to ours asked back; else the whole address."""
        form = tracker.active_loop.get("name")
        communities = await read_db(known_communities)
        told = home_told(tracker, communities)
        if form in FITTER_FORMS and tracker.get_slot("urgent_ticket_no"):
            # the crew is on its way to what was told: the parts it lacks, in one line (p4-026)
            on_ticket = await urgent_ticket_home(tracker, communities)
            if on_ticket.community and told.community in (None, on_ticket.community):
                told = corrected(on_ticket, told)
            missing = missing_for_visit(told)
            if told_parts(told) and missing:
                dispatcher.utter_message(
                    response=URGENT_REST, known=told_parts(told), missing=parts_named(missing)
                )
                return []
        elif form in FITTER_FORMS:
            if community_guessed(tracker, told, communities):
                # 阳光小区11号楼3单元502: 您说的是阳光花园吗？ before anyone is sent (p4-050)
                dispatcher.utter_message(
                    response=ASK_MEANT, community=told.community, address=told.summary()
                )
                return []
            home = home_asked_for(tracker, communities)
            missing = missing_for_visit(home)
            if told_parts(home) and missing:
                dispatcher.utter_message(
                    response=ASK_REST, known=told_parts(home), missing=rest_question(missing)
                )
                return []
        dispatcher.utter_message(response="utter_ask_address")
        return []
