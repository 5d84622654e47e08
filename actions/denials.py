"""A form the resident says they never asked for, or puts off, ends at once (players'
findings 4, class C): 我没说要投诉啊 我就问问空房子咋收费 was asked the complaint's category
again, 先自己放放气 先不约了 the visit time. Called at the start of the forms' validation, since
the forms' free-text questions would otherwise take the words as their answer."""

from __future__ import annotations

from rasa_sdk import Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.common import PHONELESS_VISIT_FORMS, leave_form, policy, raw_text
from bot.nlu.denials import denied_request, puts_off_visit
from bot.nlu.requests import takes_request_back

#: The request each form makes, as a denial names it, and how the stop names it (不是要投诉).
DENIED_FORMS: dict[str, tuple[str, str]] = {
    "complaint_form": ("file_complaint", "投诉"),
    "repair_form": ("report_repair", "报修"),
}

async def denial_ends_form(
    dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
) -> list[EventType] | None:
    """Leave the active form when the latest message denies its request (我没说要投诉, 不是报修)
    or puts its visit off (先不约了, 我自己先试试 回头再说): no ticket, and a line saying so and how
    to come back. None otherwise, and for an urgent
    ticket (a leak is not withdrawn in passing: `action_stop_form` says how)."""
    form = str(tracker.active_loop.get("name") or "")
    if tracker.get_slot("urgent_ticket_no"):
        return None
    text = raw_text(tracker)
    request, name = DENIED_FORMS.get(form, (None, ""))
    # 算了不修了 gives the request up: the plain stop says so (`action_stop_form`)
    if request is not None and denied_request(text) == request and not takes_request_back(text):
        dispatcher.utter_message(response="utter_denied_stopped", what=name)
        return leave_form(tracker)
    if form in PHONELESS_VISIT_FORMS and puts_off_visit(text) and denied_request(text) is None:
        # 先不约了: the visit is put off
        dispatcher.utter_message(response="utter_visit_put_off", hotline=policy().company.hotline)
        return leave_form(tracker)
    return None
