"""Ticket status and withdrawal: status for the sender's tickets and its bound accounts', withdrawal
only of what this conversation filed."""

from __future__ import annotations

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.common import channel_of, guarded, latest_text, policy, read_db
from bot.base import clock
from bot.nlu.numbers import normalise_ticket_no
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


def say_not_cancellable(dispatcher: CollectingDispatcher, ticket: TicketView, reason: str) -> None:
    """Why this conversation cannot withdraw `ticket` (`TicketView.withdrawal_refused`).

    The urgent and elsewhere answers are texts of their own (the domain has no response for
    them yet, and the domain is an input of the trained model); each fits one SMS.
    """
    if reason == "urgent":
        duty = policy().emergency.duty_phone
        dispatcher.utter_message(
            text=f"紧急工单{ticket.ticket_no}不能在线取消。如已不需要抢修，请拨打24小时抢修电话"
            f"{duty}说明。"
        )
    elif reason == "elsewhere":
        hotline = policy().company.hotline
        dispatcher.utter_message(
            text=f"工单{ticket.ticket_no}不是在这个对话里提交的，只能由提交它的微信、短信或网页"
            f"对话取消；需要帮助请回复“转人工”或拨打{hotline}。"
        )
    else:
        dispatcher.utter_message(
            response="utter_ticket_not_cancellable",
            ticket_no=ticket.ticket_no,
            status=ticket.status_name,
        )


class ActionQueryTicket(Action):
    """Status of a named ticket, or of the sender's latest tickets."""

    def name(self) -> str:
        """The action's name, as in domain.yml."""
        return "action_query_ticket"

    @guarded
    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        """Answer with the status; someone else's ticket reads as not found."""
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
        """Ask 确认取消…吗 and remember which ticket a 好的 would cancel: one this conversation
        filed and may still withdraw, else say why the one asked about cannot be."""
        channel, sender = channel_of(tracker), tracker.sender_id
        number, tickets = await tickets_asked_about(tracker, limit=10)
        ticket = next(
            (t for t in tickets if t.withdrawal_refused(channel, sender) is None),
            tickets[0] if tickets else None,
        )
        if ticket is None:
            say_none_found(dispatcher, number)
            return [SlotSet("pending", None)]
        refused = ticket.withdrawal_refused(channel, sender)
        if refused:
            say_not_cancellable(dispatcher, ticket, refused)
            return [SlotSet("pending", None)]
        dispatcher.utter_message(
            response="utter_ask_cancel_confirm", ticket_no=ticket.ticket_no, kind=ticket.kind_name
        )
        return [SlotSet("pending", f"cancel:{ticket.ticket_no}")]
