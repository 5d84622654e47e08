"""Ticket status and withdrawal: status for the sender's tickets and its bound accounts', withdrawal
only of what this conversation filed."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.common import (
    AFTER_OUTAGE,
    NO_PAYLOAD,
    OUTAGE_DECLINED,
    YES_PAYLOAD,
    channel_of,
    contact_number,
    fresh_pending,
    guarded,
    in_db,
    latest_text,
    leave_form,
    message_metadata,
    policy,
    previous_bot_turn,
    read_db,
    said_yes,
    typed_button,
)
from actions.sampling import after_ticket_cancelled
from actions.service_requests import COMPLAINT_AFTER_OUTAGE, answer_complaint_offer
from actions.urgent_tickets import (
    chase_urgent,
    chases,
    is_open_urgent,
    refuse_urgent_cancel,
    tickets_named,
)
from bot.base import clock
from bot.channels.source import source_of
from bot.nlu.address import Address, parse_address
from bot.nlu.clauses import is_question
from bot.nlu.contact_fix import number_meant
from bot.nlu.numbers import normalise_contact_number, normalise_ticket_no
from bot.nlu.requests import (
    asks_if_recorded_right,
    asks_when,
    asks_when_we_reply,
    cannot_provide,
    chasing,
    named_request,
    refers_to_filed_request,
    withdraws_by_name,
)
from bot.privacy import mask_phone
from bot.services import ticket_proof
from bot.services import tickets as ticket_service
from bot.services.outages import known_communities
from bot.services.tickets import KIND_NAMES, TicketView


def ticket_no_of(tracker: Tracker) -> str | None:
    """The ticket number the user wrote now (entity or plain text), normalised."""
    for entity in tracker.latest_message.get("entities", []):
        if entity.get("entity") == "ticket_no":
            number = normalise_ticket_no(str(entity.get("value")))
            if number:
                return number
    return normalise_ticket_no(latest_text(tracker))


def status_detail(ticket: TicketView, reply_asked: bool = False) -> str:
    """What the user wants to know next: the visit window, or the deadline; when they asked
    when they hear back (多长时间能给俺个回话) and nobody has yet, the first contact promised
    too."""
    if ticket.status in {"done", "cancelled"}:
        return ""
    if ticket.urgent:
        # 查下我刚才那个工单 in the middle of a leak: who has it and when they come, not 等待派单
        arrival = ticket.on_site_due and f"，抢修人员 {clock.format_due(ticket.on_site_due)} 前到达"
        # where the crew goes, so a resident who asks 地址对吗 reads it (player findings 5, A)
        where = f"，上门地址 {ticket.address}" if ticket.address else ""
        return f"这是紧急工单，值班人员正在处理{where}{arrival or ''}。"
    if ticket.visit_start and ticket.visit_end:
        return f"上门时间 {clock.format_window(ticket.visit_start, ticket.visit_end)}。"
    due = f"预计 {clock.format_due(ticket.resolve_due)} 前处理完毕。"
    if reply_asked and ticket.status == "new" and ticket.first_reply_due:
        return f"工作人员会在 {clock.format_due(ticket.first_reply_due)} 前联系您，{due}"
    return due


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
    own = await read_db(ticket_service.own_tickets, channel, sender, limit)
    # a ticket filed elsewhere and proved here by its number (师傅还没来呢 after its status) is
    # the one the resident means, before their own (player findings 5, class B)
    mine = {t.ticket_no for t in own}
    named = [t for t in await tickets_named(tracker) if t.ticket_no not in mine]
    return None, [*named, *own][:limit]


def say_none_found(dispatcher: CollectingDispatcher, number: str | None) -> None:
    """没有找到 that ticket, or no tickets at all."""
    if number:
        dispatcher.utter_message(response="utter_ticket_not_found", ticket_no=f" {number}")
    else:
        dispatcher.utter_message(response="utter_no_tickets")


async def refuse_withdrawal(
    dispatcher: CollectingDispatcher, tracker: Tracker, ticket: TicketView, reason: str
) -> list[EventType]:
    """Why this conversation cannot withdraw `ticket` (`TicketView.withdrawal_refused`): an
    urgent one is never withdrawn by chat, and the wish goes on it (`refuse_urgent_cancel`)."""
    if reason == "urgent":
        return await refuse_urgent_cancel(dispatcher, tracker, ticket.ticket_no)
    say_not_cancellable(dispatcher, ticket, reason)
    return [SlotSet("pending", None)]


def say_not_cancellable(dispatcher: CollectingDispatcher, ticket: TicketView, reason: str) -> None:
    """Why this conversation cannot withdraw `ticket` (`TicketView.withdrawal_refused`), for a
    ticket filed elsewhere or already worked on (an urgent one: `refuse_withdrawal`).

    The elsewhere answer is a text of its own (the domain has no response for it yet, and the
    domain is an input of the trained model); it fits one SMS.
    """
    if reason == "elsewhere":
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


def no_proof_at_hand(tracker: Tracker) -> bool:
    """Whether the latest message, sent while verification asks for the account or its phone,
    says the resident has not got it (户号没有, 单子早扔了, 不知道尾号)."""
    asked = tracker.get_slot("requested_slot") in ("account_no", "phone_last4")
    in_verification = tracker.active_loop.get("name") == "verify_form"
    return asked and in_verification and cannot_provide(latest_text(tracker))


#: Requests that leave the fee verification for their own form when named at its questions.
FORM_OF_REQUEST = {"report_repair": "repair_form", "request_temp_check": "temp_check_form"}


def another_request_in_verification(
    dispatcher: CollectingDispatcher, tracker: Tracker
) -> list[EventType] | None:
    """The switch to a repair or a 测温 named while the fee verification asks for the 户号 or
    its digits (那我报修可以吗, 先不查了 帮我报个修): a tenant without the 户号 leaves the form for
    what they can do (players' class E; it was read as a ticket question, "没有查到工单", and
    the 户号 asked again). None for anything else, a question about a filed repair included."""
    text = latest_text(tracker)
    asked = tracker.get_slot("requested_slot") in ("account_no", "phone_last4")
    verifying = tracker.active_loop.get("name") == "verify_form" and asked
    if not verifying and (tracker.active_loop.get("name") or not MAY_I.search(text)):
        return None  # after the form: only 报修可以吗 / 能报修吗, not 报修进度
    form = FORM_OF_REQUEST.get(named_request(text) or "")
    if form is None or refers_to_filed_request(text) or ticket_no_of(tracker):
        return None
    if verifying:
        dispatcher.utter_message(response="utter_form_switched")
        return [*leave_form(tracker), FollowupAction(form)]
    return [SlotSet("pending", None), FollowupAction(form)]


#: What a ticket holds, read back when the resident asks whether it was recorded right.
RECORDED = "utter_ticket_recorded"


async def tell_recorded(
    dispatcher: CollectingDispatcher, tracker: Tracker
) -> list[EventType] | None:
    """地址记对了吧 / 地址对吗 是602 after a ticket (`asks_if_recorded_right`): the address and the
    phone the ticket the words mean holds, so the resident can check them (player findings 5,
    class A: the answer was the status without the address, or an offer of a person); None when
    the message asks no such thing or no ticket of the conversation holds an address."""
    if asks_if_recorded_right(latest_text(tracker)) is None:
        return None
    tickets = (await tickets_asked_about(tracker))[1]
    ticket = next((t for t in tickets if t.address and t.status in ticket_service.OPEN), None)
    if ticket is None:
        return None
    dispatcher.utter_message(
        response=RECORDED,
        ticket_no=ticket.ticket_no,
        address=ticket.address,
        phone=mask_phone(ticket.phone) if ticket.phone else "未留",
    )
    return [SlotSet("pending", None)]


#: Asking whether one may file it (那我报修可以吗, 能不能报个修, 测温行不行): a request.
MAY_I = re.compile(
    r"(报个?修|测个?温)(可以|行|能)|(能|可以|可不可以|能不能)(报个?修|约个?测温|测温)"
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
        """Answer with the status; someone else's ticket reads as not found. A number given
        when the bot asked which ticket to cancel picks that one for the cancellation. A
        resident chasing a request that was not dealt with (到现在没人理, 鬼影子都没见着) hears an
        apology first."""
        if fresh_pending(tracker) == CANCEL_WHICH and ticket_no_of(tracker):
            return await ActionAskCancelTicket().run(dispatcher, tracker, domain)
        if (switched := another_request_in_verification(dispatcher, tracker)) is not None:
            return switched  # 那我报修可以吗 at the 户号 question: the repair, not a ticket
        if no_proof_at_hand(tracker):
            # 户号没有 单子早扔了 at the 户号 question: 单子 is the 缴费单, not a ticket; the
            # resident needs the other ways to prove the account, not "no ticket found"
            dispatcher.utter_message(
                response="utter_verify_alternatives", hotline=policy().company.hotline
            )
            return []
        if chasing(latest_text(tracker)):
            dispatcher.utter_message(response="utter_sorry_for_the_wait")
        recorded = await tell_recorded(dispatcher, tracker)
        if recorded is not None:
            return recorded  # 工单…的地址对吗 是602: what it holds
        number, tickets = await tickets_asked_about(tracker)
        text = latest_text(tracker)
        urgent = next((t for t in tickets if is_open_urgent(t)), None)
        if urgent is not None and chases(text):
            # 师傅还没来呢 / 到底啥时候来 of an urgent ticket: where it stands, chased, a person
            # (its own apology: the plain one is not said twice)
            dispatcher.messages[:] = [
                m for m in dispatcher.messages if m.get("response") != "utter_sorry_for_the_wait"
            ]
            return await chase_urgent(dispatcher, tracker, urgent)
        if number and not tickets:
            # a ticket filed by phone or in another chat: proved by the phone on it, not shown
            return await prove_or_ask(dispatcher, tracker, STATUS, number)
        if number is None and refers_to_filed_request(text):
            # 刚才俺投诉的那个 多长时间回话: the complaint, not every ticket of the conversation
            kinds = kinds_meant(text)
            tickets = [t for t in tickets if t.kind in kinds] or tickets
        if not tickets and number is None:
            return await ticket_number_lost(dispatcher, tracker)
        if not tickets:
            say_none_found(dispatcher, number)
        reply_asked = asks_when_we_reply(text) or asks_when(text)
        for ticket in tickets:
            dispatcher.utter_message(
                response="utter_ticket_status",
                ticket_no=ticket.ticket_no,
                kind=ticket.kind_name,
                status=ticket.status_name,
                detail=status_detail(ticket, reply_asked),
            )
        return []


#: Words that point at one kind of ticket ("师傅不用来了" is the repair visit, not the complaint);
#: a call-back (RG) is meant only when named, as residents do not count it among their 工单.
KIND_WORDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("BX", ("报修", "维修", "修理", "师傅", "修暖气", "不用修", "不修了")),
    ("CW", ("测温", "量温度", "测室温", "测量")),
    ("TS", ("投诉",)),
    ("BT", ("报停",)),
    ("RG", ("回电", "人工")),
)
#: Words about a visit without naming its kind: a repair or a 测温, the tickets that send someone.
VISIT_WORDS = ("上门", "不用来", "别来", "不来了", "别过来", "不用过来")
VISIT_KINDS = frozenset({"BX", "CW"})
#: Words that mean the newest of the tickets meant (刚才那个报修).
NEWEST_WORDS = ("刚才", "刚刚", "刚报", "刚提交", "最新", "最后那", "最近那")
#: 别取消 / 不取消 / 还是不要取消了: the resident keeps the ticket (要不取消吧 asks to cancel).
KEEP = re.compile(r"(?<!要)(别|不要|不用|先不|不)取消")


def kinds_meant(text: str) -> frozenset[str]:
    """The ticket kinds a cancellation's words point at; empty when they name none."""
    named = {kind for kind, words in KIND_WORDS if any(word in text for word in words)}
    if not named and any(word in text for word in VISIT_WORDS):
        return VISIT_KINDS
    return frozenset(named)


#: A yes with the withdrawal said again (对 取消, 是的 撤回吧, 确认撤销): the answer to
#: 确认要取消…吗, which the classifier reads as another cancellation; asking again was a loop
#: (dev set s, sno-011 and sno-030).
CONFIRM_CANCEL = re.compile(
    r"(对|是|是的|好|好的|嗯|行|确认|确定|没错|对的)[，,。.!！\s]*"
    r"(取消|撤回|撤销|撤了|撤掉|不要了)[吧了啊呀。.!！\s]*"
)


def confirms_cancel(text: str) -> bool:
    """Whether `text` is a yes to the cancellation asked, said with its verb."""
    return CONFIRM_CANCEL.fullmatch(text.strip()) is not None and not keeps_ticket(text)


def keeps_ticket(text: str) -> bool:
    """Whether the words take a cancellation back (等等，还是别取消了)."""
    return KEEP.search(text) is not None


#: Words at the cancellation's question that point away from the ticket asked about (不是这个,
#: 另一个, 那个测温的): a new choice, not a yes.
OTHER_TICKET = re.compile("不是这|不是那|另一|另外|别的|其他|其它|换一")


def _means_asked(text: str, asked: str, named: str | None) -> bool:
    """Whether words sent at 确认要取消工单`asked`吗 are about that ticket: they name no other,
    by number (`named`), by kind or by 另一个."""
    if OTHER_TICKET.search(text) or (named and named != asked):
        return False
    kinds = kinds_meant(text)
    return not kinds or asked[:2] in kinds


def repeats_cancellation(text: str, asked: str, named: str | None) -> bool:
    """Whether a cancellation request sent when the bot asked 确认要取消工单`asked`吗 says yes
    to it (对 撤回, 是的 取消吧, 撤了吧, 确定撤销): about that ticket, not taking the
    cancellation back and not asking about it (怎么取消？, `asks_how_to_cancel`). The classifier
    reads such a reply as cancel_ticket, not affirm, and the question came again (the writers'
    sno-011 and sno-030 looped on it)."""
    if keeps_ticket(text) or is_question(text):
        return False
    return _means_asked(text, asked, named)


def asks_how_to_cancel(text: str, asked: str, named: str | None) -> bool:
    """Whether a cancellation request at 确认要取消工单`asked`吗 asks about cancelling that
    ticket (怎么取消？, 取消要去营业厅吗)."""
    return is_question(text) and _means_asked(text, asked, named)


def tickets_meant(text: str, tickets: list[TicketView]) -> list[TicketView]:
    """Of the sender's open tickets (newest first), those a cancellation without a number means:
    the kinds its words name (a call-back only when named), the newest of them when it says
    刚才 / 最新. More than one left means the resident must be asked which."""
    kinds = kinds_meant(text)
    if kinds:
        meant = [t for t in tickets if t.kind in kinds]
    else:
        meant = [t for t in tickets if t.kind != "RG"] or tickets
    if len(meant) > 1 and any(word in text for word in NEWEST_WORDS):
        return meant[:1]
    return meant


def ticket_line(ticket: TicketView) -> str:
    """One ticket as a resident recognises it: number, kind, what and where, the visit."""
    parts = [ticket.kind_name]
    if ticket.fault_type:
        parts.append(ticket_service.FAULT_NAMES.get(ticket.fault_type, ticket.fault_type))
    if ticket.address:
        parts.append(ticket.address)
    if ticket.visit_start and ticket.visit_end:
        parts.append(f"上门 {clock.format_window(ticket.visit_start, ticket.visit_end)}")
    return f"{ticket.ticket_no}（{'，'.join(parts)}）"


#: The offer of a list of tickets to choose the one to cancel from (the buttons carry numbers).
CANCEL_WHICH = "cancel_which"


def ask_which(
    dispatcher: CollectingDispatcher, tickets: list[TicketView], kinds: frozenset[str]
) -> list[EventType]:
    """List the tickets that could be meant, one button each (a press names the number)."""
    lead = ""
    if kinds and not any(t.kind in kinds for t in tickets):
        names = "、".join(sorted({KIND_NAMES.get(k, k) for k in kinds}))
        lead = f"没有找到可以取消的{names}工单。"
    dispatcher.utter_message(
        response="utter_ask_which_ticket",
        lead=lead,
        listing="\n".join(f"· {ticket_line(t)}" for t in tickets),
        buttons=[
            {
                "title": f"{t.ticket_no}（{t.kind_name}）",
                "payload": f'/cancel_ticket{{"ticket_no":"{t.ticket_no}"}}',
            }
            for t in tickets
        ],
    )
    return [SlotSet("pending", CANCEL_WHICH)]


class ActionAskCancelTicket(Action):
    """Finds the ticket to withdraw and asks for confirmation (nothing is cancelled yet).

    The ticket is the one named by its number, else the one the words point at (师傅不用来了: the
    repair visit), else the only open one; when several could be meant, the resident is shown
    them and asked which. An answer to the confirmation that the classifier reads as another
    cancellation (确认取消 typed out, 还是别取消了) answers it.
    """

    def name(self) -> str:
        """The action's name, as in domain.yml."""
        return "action_ask_cancel_ticket"

    @guarded
    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        """Ask 确认取消…吗 and remember which ticket a 好的 would cancel: the one the words mean
        among those this conversation filed and may still withdraw, else say why the one asked
        about cannot be."""
        channel, sender = channel_of(tracker), tracker.sender_id
        text = latest_text(tracker)
        pending = fresh_pending(tracker) or ""
        asked = pending.removeprefix(CANCEL_PREFIX)
        confirmed = confirms_cancel(text) or (
            pending.startswith(CANCEL_PREFIX)
            and repeats_cancellation(text, asked, ticket_no_of(tracker))
        )
        answers = (
            keeps_ticket(text)
            or confirmed
            or typed_button(tracker) in (YES_PAYLOAD, NO_PAYLOAD)
        )
        if pending.startswith(CANCEL_PREFIX) and answers:
            yes = (confirmed or said_yes(tracker)) and not keeps_ticket(text)
            kept = await answer_cancellation(dispatcher, tracker, asked, yes)
            return [SlotSet("pending", None), *kept]
        if keeps_ticket(text):
            dispatcher.utter_message(response="utter_anything_else")
            return [SlotSet("pending", None)]
        if pending in (AFTER_OUTAGE, COMPLAINT_AFTER_OUTAGE) and not withdraws_by_name(text):
            # 行 那我就等到晚上吧 不用派人来了 after "仍要登记投诉/报修吗？": nothing was filed to
            # cancel; it is the no to that offer (the writers' hax-003 was told "no ticket")
            if pending == AFTER_OUTAGE:
                dispatcher.utter_message(response=OUTAGE_DECLINED)
                return [SlotSet("pending", None)]
            declined = await answer_complaint_offer(dispatcher, tracker, domain, yes=False)
            return [SlotSet("pending", None), *declined]
        if pending.startswith(CANCEL_PREFIX) and asks_how_to_cancel(
            text, asked, ticket_no_of(tracker)
        ):
            # 怎么取消？ at the question: a ticket proved from another chat is not this
            # conversation's, and looking it up again said no ticket was found
            dispatcher.utter_message(response="utter_cancel_how", ticket_no=asked)
            return [SlotSet("pending", pending)]
        number, tickets = await tickets_asked_about(tracker, limit=10)
        if number is None:
            open_ones = [t for t in tickets if t.withdrawal_refused(channel, sender) is None]
            meant = tickets_meant(text, open_ones)
            if len(meant) > 1 or (open_ones and not meant):
                return ask_which(dispatcher, meant or open_ones, kinds_meant(text))
            tickets = meant or tickets
        ticket = next(
            (t for t in tickets if t.withdrawal_refused(channel, sender) is None),
            tickets[0] if tickets else None,
        )
        if ticket is None and number:
            return await prove_or_ask(dispatcher, tracker, CANCEL, number)
        if ticket is None:
            return ask_for_the_ticket(dispatcher, text)
        return await ask_to_confirm(dispatcher, tracker, ticket)


async def ask_to_confirm(
    dispatcher: CollectingDispatcher, tracker: Tracker, ticket: TicketView
) -> list[EventType]:
    """确认取消…吗 for a ticket this conversation may withdraw, else why it may not."""
    refused = ticket.withdrawal_refused(channel_of(tracker), tracker.sender_id)
    if refused:
        return await refuse_withdrawal(dispatcher, tracker, ticket, refused)
    dispatcher.utter_message(
        response="utter_ask_cancel_confirm", ticket_no=ticket.ticket_no, kind=ticket.kind_name
    )
    return [SlotSet("pending", f"{CANCEL_PREFIX}{ticket.ticket_no}")]


#: `pending` while the bot waits for the contact phone of a ticket filed elsewhere (or for its
#: number, or the address, when the resident named none): `ticket_proof:<purpose>:<ticket_no>`.
#: The dialogue policy routes a message holding a contact number to action_handle_inform while
#: it is pending (`bot.nlu.form_answer_policy.PROOF_PENDING`, the same string).
PROOF_PREFIX = "ticket_proof:"
#: What the resident wants of that ticket (a withdrawal is a cancellation said as 撤回报停).
CANCEL, WITHDRAW, STATUS = "cancel", "withdraw", "status"
#: How each is said to the resident and to the person calling back.
VERBS = {CANCEL: "取消", WITHDRAW: "撤回", STATUS: "查看"}
#: A ticket number in a message (12 digits, spaced or not), taken out before its digits are read
#: as a phone; it stops at its twelfth digit, so a phone after a space is kept.
TICKET_WORD = re.compile(r"[A-Za-z]{2}[\s-]*(?:\d[\s-]?){11}\d")
#: Words of a withdrawal (撤回报停) rather than a cancellation.
WITHDRAW_WORDS = ("撤回", "撤销", "不停了", "恢复供暖")


def _purpose(text: str) -> str:
    return WITHDRAW if any(word in text for word in WITHDRAW_WORDS) else CANCEL


def ask_for_the_ticket(dispatcher: CollectingDispatcher, text: str) -> list[EventType]:
    """A cancellation or withdrawal with no ticket of this conversation to apply to (报停 filed
    at the hall or in another chat): ask for the number and the contact phone, or the address
    for a person to act on, and keep the request (`pending`) so the answer is not lost."""
    kinds = kinds_meant(text)
    kind = "、".join(sorted({KIND_NAMES.get(k, k) for k in kinds}))
    purpose = _purpose(text)
    verb = VERBS[purpose]
    dispatcher.utter_message(
        text=f"在这个对话里没有查到您提交过的{kind}工单。请把工单号和提交时留的联系电话发给我，"
        f"核对后帮您{verb}；没有工单号的话，告诉我地址，我请工作人员回电为您办理。"
    )
    return [SlotSet("pending", f"{PROOF_PREFIX}{purpose}:")]


#: What the person calling back does for a ticket asked about without its number: the address
#: and phone say where to look, and the ticket's own phone is checked before anything is told.
LOOK_UP_FOR_RESIDENT = (
    "住户要查询工单进度，没有工单号，请按地址查找，核对工单登记的联系电话后再告知"
)
#: The same, when the resident gave a phone and no address: the tickets left with that phone.
LOOK_UP_BY_PHONE = "住户要查询工单进度，没有工单号，请按住户留的电话查找工单，核对后再告知"


async def ticket_number_lost(
    dispatcher: CollectingDispatcher, tracker: Tracker
) -> list[EventType]:
    """A ticket asked about with no number, and none filed in this conversation (我手机号是…
    地址是… 能按这个查吗; 上礼拜报修的 工单号找不到了): a person looks it up and calls back.

    An address given in the last messages goes to that call-back at once; otherwise the number
    is asked for, with the address as the way without it (`ask_for_the_ticket`). Nothing is
    looked up here, so the answer is the same words whether a ticket is at that address or not:
    a phone and an address are no proof in chat (players' class H, docs/security.md)."""
    recent = [
        str(e.get("text") or "") for e in tracker.events[-12:] if e.get("event") == "user"
    ][-3:]
    communities = await read_db(known_communities)
    where = next(
        (a for a in (parse_address(text, communities) for text in reversed(recent)) if a.is_usable),
        None,
    )
    if where is None and not any(phone_in(text) for text in recent):
        # the number asked for (the set's players answer it), then the way without it, answered
        # by `answer_lost_number`
        dispatcher.utter_message(response="utter_no_tickets")
        dispatcher.utter_message(text=LOST_NUMBER_ASK)
        return []
    # 单号不记得了 电话是139…, then 我是要查工单 不是查钱: the phone given is where to look
    return await _look_up_for_resident(dispatcher, tracker, where, recent)


#: The way without the number, said after `utter_no_tickets`; the address sent next is its answer.
LOST_NUMBER_ASK = "工单号找不到的话，告诉我地址和联系电话，我请工作人员查找、核对后回电告诉您进度。"


async def answer_lost_number(
    dispatcher: CollectingDispatcher, tracker: Tracker
) -> list[EventType] | None:
    """The address or the phone sent right after `LOST_NUMBER_ASK` (和平里6号楼2单元303 电话150…,
    单号不记得了 电话是139…): the call-back of `ticket_number_lost`; None for any other message.
    A phone alone is where to look too (player findings 5, p5-066: it was read as the bill's
    lookup, "查金额和读数需要用户号")."""
    if not any(LOST_NUMBER_ASK in str(e.get("text") or "") for e in previous_bot_turn(tracker)):
        return None
    text = latest_text(tracker)
    where = parse_address(text, await read_db(known_communities))
    if where.is_usable:
        return await _look_up_for_resident(dispatcher, tracker, where, [text])
    if phone_in(text) is None:
        return None
    return await _look_up_for_resident(dispatcher, tracker, None, [text])


async def _look_up_for_resident(
    dispatcher: CollectingDispatcher, tracker: Tracker, where: Address | None, said: list[str]
) -> list[EventType]:
    """The call-back that looks a ticket up by `where` (by the phone when no address was given),
    with the phone the resident gave in `said` (else the conversation's own)."""
    from actions.conversation import call_back  # conversation imports this module

    phone = next((p for p in (phone_in(text) for text in reversed(said)) if p), None)
    if where is None:
        dispatcher.utter_message(
            text="在这个对话里没有查到您提交过的工单。为保护住户信息，只凭电话不能在这里查看"
            "工单；我请工作人员按您留的电话查找工单，核对后回电告诉您进度。"
        )
        what = LOOK_UP_BY_PHONE
    else:
        dispatcher.utter_message(
            text="在这个对话里没有查到您提交过的工单。为保护住户信息，只凭地址和电话不能在这里查看"
            "工单；我请工作人员按您说的地址查找，核对工单登记的联系电话后回电告诉您进度。"
        )
        what = f"{LOOK_UP_FOR_RESIDENT}，地址：{where.summary()}"
    await hand_to_person(dispatcher, tracker, what, phone, call_back)
    return [SlotSet("pending", None)]


def ask_for_the_phone(
    dispatcher: CollectingDispatcher, purpose: str, number: str
) -> list[EventType]:
    """The same words whether the number exists or not: a stranger learns nothing from them."""
    dispatcher.utter_message(
        text=f"为保护住户信息，{VERBS[purpose]}不是在这个对话里提交的工单{number}，需要核对提交时留的联系"
        "电话：请发给我完整的号码。记不清的话，回复“转人工”，工作人员会回电为您办理。"
    )
    return [SlotSet("pending", f"{PROOF_PREFIX}{purpose}:{number}")]


def phone_in(text: str) -> str | None:
    """The whole contact number a message gives beside a ticket number (whose digits are no
    phone); the number meant when the message takes one back (13666667777 哦不对 13666667778
    was asked for a 户号: two numbers read as none)."""
    bare = TICKET_WORD.sub(" ", text)
    return number_meant(bare, normalise_contact_number, canonical=True) or contact_number(bare)


#: Part of a phone (尾号5678, 后四位 5678): it proves no ticket, and is asked again in whole.
_PART_OF_A_PHONE = re.compile(r"(?:手机)?(?:尾号|后四位|后4位|最后四位)?[是:：\s]*\d{3,8}")


#: Calls a person back with the request (`actions.conversation.call_back`, passed in: that
#: module imports this one): the dispatcher, the tracker, a number left, the description.
CallBack = Callable[[CollectingDispatcher, Tracker, str | None, str | None], Awaitable[None]]


async def prove_or_ask(
    dispatcher: CollectingDispatcher,
    tracker: Tracker,
    purpose: str,
    number: str,
    call_back: CallBack | None = None,
) -> list[EventType]:
    """A ticket this conversation may not see: checked against the whole phone in the message,
    else the phone asked for."""
    phone = phone_in(latest_text(tracker))
    if phone is None:
        return ask_for_the_phone(dispatcher, purpose, number)
    return await prove(dispatcher, tracker, purpose, number, phone, call_back)


async def prove(
    dispatcher: CollectingDispatcher,
    tracker: Tracker,
    purpose: str,
    number: str,
    phone: str,
    call_back: CallBack | None,
) -> list[EventType]:
    """Check the phone against the ticket (`bot.services.ticket_proof`): proved, show it or ask
    to confirm its cancellation; otherwise (a wrong phone, no such ticket, checks paused) the
    request goes to a person as a call-back with what the resident asked, never dropped."""
    channel, sender = channel_of(tracker), tracker.sender_id
    result = await in_db(
        ticket_proof.prove_ticket,
        policy(),
        channel,
        sender,
        number,
        phone,
        clock.now(),
        source_of(message_metadata(tracker)),
    )
    ticket = None
    if result.ok:
        ticket = await read_db(ticket_service.find_visible, number, channel, sender)
    if ticket is None:
        verb = VERBS.get(purpose, VERBS[CANCEL])
        if result.retry_at is not None and result.retry_at > clock.now():
            dispatcher.utter_message(text="为保护住户信息，现在暂时不能在线核对工单。")
        else:
            dispatcher.utter_message(
                text=f"这个号码和工单{number}登记的联系电话核对不上，为保护住户信息，不能在这里"
                f"{verb}它。"
            )
        what = f"住户要求{verb}工单{number}，电话核对未通过"
        await hand_to_person(dispatcher, tracker, what, phone, call_back)
        return [SlotSet("pending", None)]
    if purpose == STATUS:
        dispatcher.utter_message(
            response="utter_ticket_status",
            ticket_no=ticket.ticket_no,
            kind=ticket.kind_name,
            status=ticket.status_name,
            detail=status_detail(ticket),
        )
        return [SlotSet("pending", None)]
    return await ask_to_confirm(dispatcher, tracker, ticket)


async def hand_to_person(
    dispatcher: CollectingDispatcher,
    tracker: Tracker,
    what: str,
    phone: str | None,
    call_back: CallBack | None,
) -> None:
    """A call-back (RG) whose description says what the resident wants and what they said, so
    whoever calls acts on it; without `call_back` (asked from the ticket actions themselves)
    the resident is pointed at 转人工."""
    if call_back is None:
        dispatcher.utter_message(
            text=f"需要的话回复“转人工”，或拨打{policy().company.hotline}，工作人员核实后为您办理。"
        )
        return
    said = _request_words(tracker, "；")
    await call_back(dispatcher, tracker, phone, f"{what}。住户说：{said}"[:2000])


async def answer_ticket_proof(
    dispatcher: CollectingDispatcher, tracker: Tracker, call_back: CallBack
) -> list[EventType] | None:
    """The answer to `ask_for_the_phone` or `ask_for_the_ticket` (a phone, a ticket number, an
    address, 不记得了); `None` when the message answers neither and goes its own way."""
    pending = fresh_pending(tracker) or ""
    if not pending.startswith(PROOF_PREFIX):
        return None
    purpose, _, asked = pending.removeprefix(PROOF_PREFIX).partition(":")
    text = latest_text(tracker)
    number = ticket_no_of(tracker) or asked
    if number:
        phone = phone_in(text)
        if phone is not None:
            return await prove(dispatcher, tracker, purpose, number, phone, call_back)
        if number != asked:
            return ask_for_the_phone(dispatcher, purpose, number)
        if _PART_OF_A_PHONE.fullmatch(text.strip()):
            # 5678 where the whole number was asked: it dropped the request ("请问您想办理什么业务")
            dispatcher.utter_message(
                text="只凭后几位核对不了工单，请发提交时留的完整号码（手机号或带区号的座机）；"
                "记不清的话，回复“转人工”。"
            )
            return [SlotSet("pending", pending)]
    address = parse_address(text, await read_db(known_communities))
    if not (cannot_provide(text) or address.is_usable):
        return None
    what = f"住户要求{VERBS.get(purpose, VERBS[CANCEL])}工单{number or '（没有工单号）'}"
    where = f"，地址：{address.summary()}" if address.is_usable else ""
    await hand_to_person(dispatcher, tracker, f"{what}{where}", phone_in(text), call_back)
    return [SlotSet("pending", None)]


def _request_words(tracker: Tracker, separator: str = "") -> str:
    """The resident's words of the last few messages (the request the pending answer is for)."""
    return separator.join(
        str(e.get("text") or "") for e in tracker.events[-12:] if e.get("event") == "user"
    )


#: `pending` while the bot asks to confirm the cancellation of a ticket: `cancel:<ticket_no>`.
CANCEL_PREFIX = "cancel:"


async def answer_cancellation(
    dispatcher: CollectingDispatcher, tracker: Tracker, number: str, yes: bool
) -> list[EventType]:
    """Carry out the answer to 确认要取消工单…吗: cancel it (if it is still the sender's and
    open), or keep it."""
    if not yes:
        dispatcher.utter_message(response="utter_ticket_kept", ticket_no=number)
        return []
    try:
        ticket = await in_db(
            ticket_service.cancel_own_ticket,
            number,
            channel_of(tracker),
            tracker.sender_id,
            clock.now(),
        )
    except ticket_service.NotCancellable as exc:
        refused = await refuse_withdrawal(dispatcher, tracker, exc.ticket, exc.reason)
        return [e for e in refused if e.get("name") != "pending" or e.get("value")]
    if ticket is None:
        dispatcher.utter_message(response="utter_ticket_not_found", ticket_no=f" {number}")
    else:
        dispatcher.utter_message(
            response="utter_ticket_cancelled",
            ticket_no=number,
            kind=ticket.kind_name,
            request=ticket.kind_request,
        )
        await after_ticket_cancelled(ticket)  # a 室温抽测 visit withdrawn declines its sample
    return []
