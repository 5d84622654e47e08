"""Reading the details back before a non-urgent ticket is filed (报修, 测温, 投诉).

A wrong digit in a phone number or a misheard building sends a fitter to the wrong door a day
later; the resident can only catch it if they see what was taken down before it is filed. So the
last question of each of these forms is `details_confirmed`: the bot lists what it recorded and
asks whether it is right. 对 files the ticket; 不对 asks what to change, and the resident writes
the new value (地址是5号楼2单元301, 电话换成139…), which the forms take whatever they asked, or
names the wrong one (地址错了), which clears it; then the list comes again. 算了 still stops. An
urgent repair (a leak) is filed the moment it is known and never waits for this.
"""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.applications import read_back_items, tell_late_once
from actions.common import (
    NO_PHONE_VISIT,
    PHONELESS_VISIT_FORMS,
    SECOND_PHONE,
    SMS_CHANNEL,
    bot_said_within,
    channel_of,
    guarded,
    latest_intent,
    latest_text,
    leave_form,
    read_db,
    sender_phone,
    this_turn,
    unanswered_run,
    uttered,
    value_before_this_message,
    visit_without_phone,
    window_of,
)
from bot.base import clock
from bot.base.clock import format_window
from bot.nlu.agreement import (
    adds_a_person,
    adds_a_request,
    agrees_to_read_back,
    files_with_a_note,
    request_words,
)
from bot.nlu.complaints import category_kept, complaint_change
from bot.nlu.requests import takes_request_back, withdraws
from bot.nlu.timewindow import consistent_with_held
from bot.privacy import mask_phone
from bot.services import tickets as ticket_service

SLOT = "details_confirmed"
#: The whole list, and the one line that asks for the yes again while it is on the screen.
READ_BACK = "utter_read_back"
REMINDER = "utter_read_back_reminder"
#: Intents that say "no more of this" at the read-back, whatever other words the message has.
_LEAVING = frozenset({"cancel_ticket", "goodbye"})


def needs_read_back(tracker: Tracker) -> bool:
    """Whether the form's details are read back before filing: not when an urgent ticket was
    already opened from this form (a leak is on its way, not waiting for a yes)."""
    return not tracker.get_slot("urgent_ticket_no")


def answer_to_read_back(tracker: Tracker) -> dict[str, Any]:
    """The resident's answer to the read-back: yes → True, "that's wrong" → False, anything
    else (a new value, 算了, a question) → nothing, so the other slots and rules take it."""
    if tracker.get_slot("requested_slot") != SLOT:
        return {}
    intent = latest_intent(tracker)
    text = latest_text(tracker)
    if tracker.active_loop.get("name") == "complaint_form" and any(complaint_change(text)):
        # 类别不对 主要是服务态度的问题: a change, read back anew, not a yes to the old list
        return {}
    if (
        intent == "affirm"
        or agrees(tracker)
        # 另外能不能让个真人给我回个电话: the details stand; the person follows the filing
        or adds_a_person(intent, text)
        # 对，另外再帮我重新报个修: these details are filed, then the other request starts
        or adds_a_request(intent, text, tracker.active_loop.get("name"))
    ):
        return {SLOT: True}
    if intent == "deny" and not withdraws(latest_text(tracker)):
        return {SLOT: False}
    return {}


def agrees(tracker: Tracker) -> bool:
    """Whether the latest message says yes to the read-back in more words than 对 (对，谢谢; 行
    就这样; 对，8号楼，手机138…: the details said again), `bot.nlu.agreement`; the policy
    `bot.nlu.form_answer_policy.FormAnswerPolicy` sends such a message to the form."""
    shown = next(
        (
            str(e.get("text") or "")
            for e in reversed(tracker.events)
            if e.get("event") == "bot"
            and (e.get("metadata") or {}).get("utter_action") == READ_BACK
        ),
        "",
    )
    form = tracker.active_loop.get("name")
    held = [shown, tracker.get_slot("address"), tracker.get_slot("phone"), *request_words(form)]
    window = window_of(value_before_this_message(tracker, "visit_time"))

    def held_time(chunk: str) -> bool:
        return consistent_with_held(chunk, window, clock.now())

    if form == "complaint_form" and files_with_a_note(latest_text(tracker)) is not None:
        return True  # 不是我家暖气坏了，是楼下机器的声音。请记录投诉: the note joins the account
    return agrees_to_read_back(
        latest_text(tracker), held, held_time, form
    )


async def withdrawn_at_read_back(
    dispatcher: CollectingDispatcher, tracker: Tracker
) -> list[EventType] | None:
    """The form's end when the resident gives the request up at the read-back (哎不用来了 我刚放了
    放气 现在热了 把单子撤了吧): nothing is filed, and nothing said in the same breath (放气) is
    taken as a new detail; None when they did not."""
    if tracker.get_slot("requested_slot") != SLOT or agrees(tracker):
        return None
    if latest_intent(tracker) not in _LEAVING and not takes_request_back(latest_text(tracker)):
        return None
    kept = await _visit_still_booked(tracker)
    if kept is not None:
        # 不要 不投诉 at a complaint's read-back, with a repair booked for the morning: "nobody
        # will come" would send the resident out of the house (players' class A)
        dispatcher.utter_message(
            response="utter_read_back_withdrawn_visit_kept",
            kind=kept.kind_name,
            ticket_no=kept.ticket_no,
            window=format_window(kept.visit_start, kept.visit_end),  # type: ignore[arg-type]
        )
    else:
        dispatcher.utter_message(response="utter_read_back_withdrawn")
    return leave_form(tracker)


async def _visit_still_booked(tracker: Tracker) -> ticket_service.TicketView | None:
    """The sender's newest ticket still waiting for its visit (报修, 测温, 查表), whatever
    this read-back was for: withdrawing one request leaves the other booked."""
    own = await read_db(ticket_service.own_tickets, channel_of(tracker), tracker.sender_id, 10)
    return next(
        (
            t
            for t in own
            if t.kind in ticket_service.VISIT_KINDS
            and t.status in ticket_service.RESCHEDULABLE
            and t.visit_start is not None
            and t.visit_end is not None
        ),
        None,
    )


def confirmed_or_not_needed(tracker: Tracker) -> bool:
    """Whether a form that just ended may file its ticket: the resident said yes to the
    read-back, or none was needed (an urgent repair)."""
    return not needs_read_back(tracker) or tracker.get_slot(SLOT) is True


class ReadBackSlot:
    """The read-back question for the form validation actions that file a ticket."""

    async def required_slots(
        self,
        domain_slots: list[str],
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> list[str]:
        """The form's slots, the read-back last, and none after an urgent ticket."""
        return [s for s in domain_slots if s != SLOT or needs_read_back(tracker)]

    async def extract_details_confirmed(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        """Read 对 / 不对 as the answer to the read-back, and only to it."""
        return answer_to_read_back(tracker)

    async def validate_details_confirmed(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        """Only a yes files the ticket; 不对 leaves the slot empty, so the question (now "what
        should change?") comes again."""
        return {SLOT: True if value is True else None}


def read_back_details(form: str, tracker: Tracker, sms: bool = False) -> list[tuple[str, str]]:
    """What the form recorded, as (label, value), as the ticket will hold it. For an SMS
    (`sms`: every SMS fits 70 characters with the signature) the complaint text is left out,
    the visit is written 12月7日8-12点, and the phone only when it is not the number writing in."""
    slot = tracker.get_slot
    details: list[tuple[str, str]] = []
    if form == "repair_form":
        fault = slot("fault_type") or "other"
        details.append(("问题", ticket_service.FAULT_NAMES.get(fault, fault)))
    if form == "verify_form":
        details += read_back_items(tracker, slot("verified_account"))
    if form == "complaint_form":
        details.append(("类别", category_kept(slot("complaint_category"))))
        text = str(slot("complaint_text") or "")
        if not sms:
            details.append(("内容", f"{text[:40]}{'…' if len(text) > 40 else ''}"))
    if slot("address"):
        details.append(("地址", str(slot("address"))))
    phone = slot("phone")
    if phone and not (sms and phone == sender_phone(tracker)):
        details.append(("联系电话", mask_phone(phone)))
    elif not phone and form in PHONELESS_VISIT_FORMS and visit_without_phone(tracker):
        details.append(("联系电话", NO_PHONE_VISIT))
    if slot(SECOND_PHONE):
        details.append(("备用电话", mask_phone(slot(SECOND_PHONE))))
    if form in ("repair_form", "temp_check_form") or (form == "verify_form" and slot("visit_time")):
        window = window_of(slot("visit_time"))
        if window is None:
            details.append(("上门时间", "尽快"))
        elif sms:
            start, end = clock.local(window[0]), clock.local(window[1])
            details.append(("上门时间", f"{start.month}月{start.day}日{start.hour}-{end.hour}点"))
        else:
            details.append(("上门时间", clock.format_window(*window)))
    return details


#: The details a read-back lists: a 不对 that changes one of them is shown the new list.
_LISTED = frozenset(
    {
        "address",
        "phone",
        SECOND_PHONE,
        "visit_time",
        "fault_type",
        "complaint_text",
        "complaint_category",
    }
)


def _detail_changed_now(tracker: Tracker) -> bool:
    """Whether this turn set one of the listed details (不对 我投诉的是停暖不通知 不是室温)."""
    return any(
        e.get("event") == "slot" and e.get("name") in _LISTED and e.get("value") is not None
        for e in this_turn(tracker)
    )


#: How many of the resident's latest messages the list shown in answer to one is still "just
#: shown" for: the reminder twice, then the list again.
_SHOWN_WITHIN = 3


def _list_just_shown(tracker: Tracker) -> bool:
    """Whether the read-back is being asked again while its list is recent and unchanged: shown
    in answer to one of the last messages, in this run of asks, nothing on it set this turn."""
    if tracker.get_slot("requested_slot") != SLOT or _detail_changed_now(tracker):
        return False
    run = unanswered_run(tracker, SLOT)
    return any(uttered(e) == READ_BACK for e in run) and bot_said_within(
        tracker, {READ_BACK}, _SHOWN_WITHIN
    )


class ActionAskDetailsConfirmed(Action):
    """The read-back question itself (Rasa calls `action_ask_<slot>` for a form's slot)."""

    def name(self) -> str:
        """The action's name, as in domain.yml."""
        return "action_ask_details_confirmed"

    @guarded
    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        """List the details and ask; after a 不对, ask what to change instead of listing again."""
        if (
            tracker.get_slot("requested_slot") == SLOT
            and latest_intent(tracker) == "deny"
            and not _detail_changed_now(tracker)
        ):
            dispatcher.utter_message(response="utter_read_back_change")
            return []
        if _list_just_shown(tracker):
            # the list is on the screen and nothing on it changed: one line asks for the yes
            # (你们除了道歉还能干什么 / 什么时候恢复 got the whole list a second and third time)
            dispatcher.utter_message(response=REMINDER)
            return []
        form = tracker.active_loop.get("name") or ""
        if form == "verify_form":
            tell_late_once(dispatcher, tracker)  # a late 报停 by 户号 hears it before its yes
        if channel_of(tracker) == SMS_CHANNEL:
            details = "，".join(value for _, value in read_back_details(form, tracker, sms=True))
        else:
            details = "\n".join(
                f"· {label}：{value}" for label, value in read_back_details(form, tracker)
            )
        example = "电话换成13912345678" if form == "complaint_form" else "地址是5号楼2单元301"
        dispatcher.utter_message(response=READ_BACK, details=details, example=example)
        return []
