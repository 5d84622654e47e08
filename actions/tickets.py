"""Ticket status and withdrawal, limited to the sender's own tickets."""

from __future__ import annotations

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.common import channel_of, guarded, latest_text, read_db
from bot.nlu.numbers import normalise_ticket_no
from bot.nlu.requests import chasing
from bot.services import clock
from bot.services import tickets as ticket_service
from bot.services.tickets import TicketView


def ticket_no_of(tracker: Tracker) -> str | None:
    """The ticket number the user wrote now (entity or plain text), normalised."""
    for entity in tracker.latest_message.get("entities", []):
        if entity.get("entity") == "ticket_no":
            number = normalise_ticket_no(str(entity.get("value")))
            if number:
                return number
    return normalise_ticket_no(latest_text(tracker))


def status_detail(ticket: TicketView) -> str:
    """What the user wants to know next: the visit window, or the deadline."""
    if ticket.status in {"done", "cancelled"}:
        return ""
    if ticket.visit_start and ticket.visit_end:
        return f"上门时间 {clock.format_window(ticket.visit_start, ticket.visit_end)}。"
    return f"预计 {clock.format_due(ticket.resolve_due)} 前处理完毕。"


async def tickets_asked_about(
    tracker: Tracker, limit: int = 3
) -> tuple[str | None, list[TicketView]]:
    """The ticket number the user named and the sender's tickets it means.

    A named ticket that is someone else's is simply absent; without a number, the sender's newest.
    """
    channel, sender = channel_of(tracker), tracker.sender_id
    number = ticket_no_of(tracker)
    if number:
        ticket = await read_db(ticket_service.find_visible, number, channel, sender)
        return number, [ticket] if ticket else []
    return None, await read_db(ticket_service.own_tickets, channel, sender, limit)


def say_none_found(dispatcher: CollectingDispatcher, number: str | None) -> None:
    """没有找到 that ticket, or no tickets at all."""
    if number:
        dispatcher.utter_message(response="utter_ticket_not_found", ticket_no=f" {number}")
    else:
        dispatcher.utter_message(response="utter_no_tickets")


class ActionQueryTicket(Action):
    """Status of a named ticket, or of the sender's latest tickets."""

    def name(self) -> str:
        """The action's name, as in domain.yml."""
        return "action_query_ticket"

    @guarded
    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        """Answer with the status; someone else's ticket reads as not found. A resident chasing
        a request that was not dealt with (到现在没人理, 鬼影子都没见着) hears an apology first."""
        if chasing(latest_text(tracker)):
            dispatcher.utter_message(response="utter_sorry_for_the_wait")
        number, tickets = await tickets_asked_about(tracker)
        if not tickets:
            say_none_found(dispatcher, number)
        for ticket in tickets:
            dispatcher.utter_message(
                response="utter_ticket_status",
                ticket_no=ticket.ticket_no,
                kind=ticket.kind_name,
                status=ticket.status_name,
                detail=status_detail(ticket),
            )
        return []


class ActionAskCancelTicket(Action):
    """Finds the ticket to withdraw and asks for confirmation (nothing is cancelled yet)."""

    def name(self) -> str:
        """The action's name, as in domain.yml."""
        return "action_ask_cancel_ticket"

    @guarded
    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        """Ask 确认取消…吗 and remember which ticket a 好的 would cancel."""
        number, tickets = await tickets_asked_about(tracker, limit=10)
        ticket = next((t for t in tickets if t.cancellable), tickets[0] if tickets else None)
        if ticket is None:
            say_none_found(dispatcher, number)
            return [SlotSet("pending", None)]
        if not ticket.cancellable:
            dispatcher.utter_message(
                response="utter_ticket_not_cancellable",
                ticket_no=ticket.ticket_no,
                status=ticket.status_name,
            )
            return [SlotSet("pending", None)]
        dispatcher.utter_message(
            response="utter_ask_cancel_confirm", ticket_no=ticket.ticket_no, kind=ticket.kind_name
        )
        return [SlotSet("pending", f"cancel:{ticket.ticket_no}")]
