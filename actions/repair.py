"""Repair booking (入户服务): fault, address, phone and visit window, then a ticket.

A leak or burst pipe does not wait for the form: the ticket opens the moment the fault is known,
the user is told what to do now, and the form then only completes the ticket's address and phone.
"""

from __future__ import annotations

import logging
from typing import Any

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.common import (
    AFTER_OUTAGE,
    OUTAGE_OFFER,
    ContactSlots,
    address_parts,
    apologise_once,
    channel_of,
    guarded,
    guarded_ticket,
    in_db,
    latest_text,
    message_key,
    offer_second_request,
    offer_way_out,
    opening_text,
    policy,
    resident_words,
    sender_account,
    window_of,
)
from actions.outage import stop_before_booking
from actions.readback import SLOT as READ_BACK_SLOT
from actions.readback import ReadBackSlot, confirmed_or_not_needed, withdrawn_at_read_back
from actions.side_questions import answer_side_questions
from bot.nlu.emergency import only_discounted
from bot.nlu.faults import fault_type_of, is_urgent
from bot.privacy import mask_phone
from bot.services import clock
from bot.services import tickets as ticket_service
from bot.store.tickets import TicketDraft

logger = logging.getLogger(__name__)

FAULT_TYPES = frozenset(ticket_service.FAULT_NAMES)




class ValidateRepairForm(ContactSlots, ReadBackSlot, FormValidationAction):
    """Fills and checks the repair form; opens the urgent ticket for a leak at once; tells a
    cold radiator in a community whose heating is stopped about the stop before booking."""

    def name(self) -> str:
        """The form validation action's name, as in domain.yml."""
        return "validate_repair_form"

    @guarded
    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        """The stop first: a resident of a community with a stop under way whose radiator is
        cold is told about it and asked whether to book anyway (once per conversation), and the
        form ends without a ticket (`ActionSubmitRepair` sees the offer); anything else, the
        form as usual; an upset resident hears an apology first."""
        withdrawn = withdrawn_at_read_back(dispatcher, tracker)
        if withdrawn is not None:
            return withdrawn
        apologise_once(dispatcher, tracker)
        said = str(tracker.get_slot("fault_type") or latest_text(tracker))
        fault = said if said in FAULT_TYPES else fault_type_of(said)
        if fault in (None, "no_heat"):
            stop = await stop_before_booking(dispatcher, tracker, OUTAGE_OFFER, AFTER_OUTAGE)
            if stop is not None:
                return [*stop, SlotSet("fault_type", None)]
        await answer_side_questions(dispatcher, tracker)
        events = await FormValidationAction.run(self, dispatcher, tracker, domain)
        offer_way_out(dispatcher, tracker, events)
        return events

    async def required_slots(
        self,
        domain_slots: list[str],
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> list[str]:
        """A leak needs no visit window: someone comes at once."""
        slots = await super().required_slots(domain_slots, dispatcher, tracker, domain)
        if tracker.get_slot("fault_type") == "leak":
            return [s for s in slots if s != "visit_time"]
        return slots

    async def extract_fault_type(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        """Read the fault from the words of the message when no entity named it."""
        if tracker.get_slot("fault_type") is not None:
            return {}
        fault = fault_type_of(latest_text(tracker))
        return {"fault_type": fault} if fault else {}

    async def validate_fault_type(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        """Map the fault to the contract's values; a leak opens its urgent ticket now."""
        text = str(value or "")
        fault = text if text in FAULT_TYPES else fault_type_of(text)
        if fault is None:
            if sum(ch.isalnum() for ch in text) < 2:
                dispatcher.utter_message(response="utter_invalid_fault_type")
                return {"fault_type": None}
            fault = "other"
        slots: dict[str, Any] = {"fault_type": fault}
        # 万一漏水怎么办 names a leak but reports none: no urgent ticket, nobody paged
        hypothetical = only_discounted(latest_text(tracker))
        if is_urgent(fault) and not tracker.get_slot("urgent_ticket_no") and not hypothetical:
            ticket = await in_db(
                ticket_service.open_ticket,
                policy(),
                _draft(tracker, fault, urgent=True, account_no=await sender_account(tracker)),
                clock.now(),
            )
            dispatcher.utter_message(
                response="utter_leak_urgent",
                ticket_no=ticket.ticket_no,
                duty_phone=policy().emergency.duty_phone,
            )
            if policy().leak.alert_human:  # Tianjin's policy pages nobody: say so only where true
                dispatcher.utter_message(response="utter_emergency_alerted")
            slots["urgent_ticket_no"] = ticket.ticket_no
        return slots


def _draft(
    tracker: Tracker, fault: str, urgent: bool, account_no: str | None, **fields: Any
) -> TicketDraft:
    description = resident_words(tracker, {"report_repair"}, "repair_form") or (
        ticket_service.FAULT_NAMES.get(fault, fault)
    )
    return TicketDraft(
        kind="BX",
        channel=channel_of(tracker),
        sender_id=tracker.sender_id,
        dedup_key=message_key(tracker, "BX"),
        fault_type=fault,
        urgent=urgent,
        description=description[:2000],
        account_no=account_no,
        **fields,
    )


class ActionSubmitRepair(Action):
    """Creates the repair ticket (or completes the urgent one) and confirms it."""

    def name(self) -> str:
        """The action's name, as in domain.yml."""
        return "action_submit_repair"

    @guarded_ticket
    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        """Confirm with the ticket number, the visit window and the policy's deadlines (nothing
        when the form ended on the offer after a stop: the resident has not asked yet)."""
        if tracker.get_slot("pending") == AFTER_OUTAGE or not confirmed_or_not_needed(tracker):
            return []
        address = tracker.get_slot("address")
        phone = tracker.get_slot("phone")
        parts = await address_parts(address)
        now = clock.now()
        urgent_no = tracker.get_slot("urgent_ticket_no")
        if urgent_no:
            ticket = await in_db(
                ticket_service.amend_ticket,
                urgent_no,
                now,
                f"user:{channel_of(tracker)}",
                address=address,
                phone=phone,
                **parts,
            )
            dispatcher.utter_message(
                response="utter_urgent_repair_updated",
                ticket_no=ticket.ticket_no,
                address=address,
                phone=mask_phone(phone),
                on_site=clock.format_due(ticket.on_site_due),
            )
        else:
            fault = tracker.get_slot("fault_type") or "other"
            window = window_of(tracker.get_slot("visit_time"))
            draft = _draft(
                tracker,
                fault,
                urgent=False,
                account_no=await sender_account(tracker),
                address=address,
                phone=phone,
                visit_start=window[0] if window else None,
                visit_end=window[1] if window else None,
                **parts,
            )
            ticket = await in_db(ticket_service.open_ticket, policy(), draft, now)
            dispatcher.utter_message(
                response="utter_repair_created",
                ticket_no=ticket.ticket_no,
                fault=ticket_service.FAULT_NAMES.get(fault, fault),
                address=address,
                phone=mask_phone(phone),
                window=clock.format_window(*window) if window else "尽快",
                first_reply=clock.format_due(ticket.first_reply_due),
                resolve=clock.format_due(ticket.resolve_due),
            )
        started_by = opening_text(tracker, {"report_repair"}, "repair_form")
        return [
            SlotSet("fault_type", None),
            SlotSet("visit_time", None),
            SlotSet("urgent_ticket_no", None),
            SlotSet(READ_BACK_SLOT, None),
            *offer_second_request(dispatcher, tracker, {"report_repair"}, started_by),
        ]
