"""Ticket operations as the conversation, the console and the CLI need them.

The rules that are not storage: which tickets a sender may see (their own, or their bound
accounts'), which due times a new ticket gets (from the active service policy), and the plain views
that leave the database session.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any, Protocol

from sqlalchemy.orm import Session

from bot.base.untrusted import plain_text
from bot.policy import DEADLINES, Policy, repair_limit_reached, ticket_due_times
from bot.privacy import mask_phone, mask_text
from bot.services import incidents, ticket_proof
from bot.services.deadlines import BREACH, outcome
from bot.store import accounts as account_store
from bot.store import tickets as ticket_store
from bot.store.models import Account, Ticket
from bot.store.tickets import TicketDraft, TicketStateError

logger = logging.getLogger(__name__)
#: Where repairs refused past the `report_limits` are reported (route it like `bot.alerts.sms`).
repair_alerts = logging.getLogger("bot.alerts.repairs")

KIND_NAMES = {
    "BX": "报修",
    "TS": "投诉",
    "CW": "测温",
    "BT": "报停",
    "RG": "人工回访",
    "CB": "查表",
    "CY": "室温抽测",
}
#: How a resident asks for each kind again once a ticket of it is withdrawn (如需重新申请报停):
#: "重新报修" after a cancelled 报停 named the wrong request (players' p3-050).
KIND_REQUESTS = {
    "BX": "报修",
    "TS": "投诉",
    "CW": "申请测温",
    "BT": "申请报停",
    "RG": "预约人工回访",
    "CB": "申请查表",
    "CY": "预约室温抽测",
}
STATUS_NAMES = {
    "new": "已受理，等待派单",
    "assigned": "已派单",
    "in_progress": "处理中",
    "done": "已完成",
    "cancelled": "已取消",
}
FAULT_NAMES = {
    "no_heat": "暖气不热",
    "leak": "漏水/跑水",
    "valve": "阀门问题",
    "noise": "噪音",
    "air": "需要放气",
    "other": "其他故障",
}
CANCELLABLE = frozenset({"new", "assigned"})
#: Statuses an agent may still cancel (the store's lifecycle: anything not finished).
OPEN = frozenset({"new", "assigned", "in_progress"})


@dataclass(frozen=True)
class TicketView:
    """What the conversation shows of a ticket, detached from the database session."""

    ticket_no: str
    kind: str
    status: str
    urgent: bool
    fault_type: str | None
    address: str | None
    phone: str | None
    visit_start: datetime | None
    visit_end: datetime | None
    first_reply_due: datetime | None
    on_site_due: datetime | None
    resolve_due: datetime | None
    created_at: datetime
    channel: str
    sender_id: str
    category: str | None = None
    #: The lead ticket of the incident this urgent ticket was linked to (bot.services.incidents).
    incident: str | None = None
    #: The conversation asking proved this ticket (filed elsewhere) with its contact phone
    #: (`bot.services.ticket_proof`): it may withdraw it like the conversation that filed it.
    proven: bool = False

    @property
    def kind_name(self) -> str:
        """The ticket kind in Chinese (报修, 投诉 …)."""
        return KIND_NAMES.get(self.kind, self.kind)

    @property
    def kind_request(self) -> str:
        """How a resident asks for this kind of ticket (申请报停, 报修 …)."""
        return KIND_REQUESTS.get(self.kind, "办理")

    @property
    def status_name(self) -> str:
        """The status as a user reads it."""
        return STATUS_NAMES.get(self.status, self.status)

    @property
    def cancellable(self) -> bool:
        """Users may withdraw a ticket only before a worker started on it."""
        return self.status in CANCELLABLE

    def withdrawal_refused(self, channel: str, sender_id: str) -> str | None:
        """Why this conversation may not cancel the ticket in chat; `None`: it may.

        `elsewhere`: only the conversation that filed a ticket withdraws it. Seeing the tickets of
        a bound account is for keeping a household informed; a binding obtained by guessing
        (or by a relative) must not silently undo the owner's repair or 报停. A ticket the
        conversation `proven` with the whole contact phone on it is the resident's own.
        `urgent`: a leak ticket is never withdrawn by chat: the crew may be on the way, and the
        duty phone confirms with a person. `status`: a worker has started on it.
        """
        if (self.channel, self.sender_id) != (channel, sender_id) and not self.proven:
            return "elsewhere"
        if self.urgent:
            return "urgent"
        return None if self.cancellable else "status"


def view(ticket: Ticket) -> TicketView:
    """A `TicketView` of an ORM ticket (call inside the session)."""
    return TicketView(
        ticket_no=ticket.ticket_no,
        kind=ticket.kind,
        status=ticket.status,
        urgent=bool(ticket.urgent),
        fault_type=ticket.fault_type,
        address=ticket.address,
        phone=ticket.phone,
        visit_start=ticket.visit_start,
        visit_end=ticket.visit_end,
        first_reply_due=ticket.first_reply_due,
        on_site_due=ticket.on_site_due,
        resolve_due=ticket.resolve_due,
        created_at=ticket.created_at,
        channel=ticket.channel,
        sender_id=ticket.sender_id,
        category=ticket.category,
    )


def household_draft(account: Account, **fields: Any) -> TicketDraft:
    """A draft for a ticket about a known household (a meter check, a sampling visit): the
    account's address and phone go on it, so whoever goes need not ask again."""
    return TicketDraft(
        account_no=account.account_no,
        phone=account.phone,
        address=account.address,
        community=account.community,
        building=account.building,
        unit=account.unit,
        room=account.room,
        **fields,
    )


def open_household_ticket(
    session: Session, policy: Policy, account_no: str, now: datetime, **fields: Any
) -> TicketView:
    """Open a ticket for a proved household (a 报停 applied for after verification) with the
    account's address and phone on it (`household_draft`): staff who call or seal the valves
    need them, and a verified 报停 was filed with neither."""
    account = account_store.get_account(session, account_no)
    if account is None:
        raise LookupError(account_no)
    return open_ticket(session, policy, household_draft(account, **fields), now)


def open_ticket(session: Session, policy: Policy, draft: TicketDraft, now: datetime) -> TicketView:
    """Create (or, for a repeated `dedup_key`, return) a ticket with the policy's due times.

    A ticket the policy wants a person alerted for (a leak) also gets an `alert` event, unless it
    reports an incident another ticket leads (`bot.services.incidents`): that one's hand-off
    has the duty team on it, and this report is attached to it. Past the `report_limits` the
    report joins the suspected flood instead (`incidents.page_or_flood`).
    """
    draft = _account_of_this_home(session, _untrusted_text_cleaned(draft))
    due = ticket_due_times(
        policy,
        draft.kind,
        now,
        fault_type=draft.fault_type,
        urgent=bool(draft.urgent),
        visit_start=draft.visit_start,
        visit_end=draft.visit_end,
        # a leak filed with a window and not urgent is one the resident said can wait: a leak
        # that cannot wait opens its urgent ticket before any window is asked
        can_wait=draft.visit_start is not None,
    )
    draft = replace(
        draft,
        first_reply_due=due.first_reply,
        on_site_due=due.on_site,
        resolve_due=due.resolve,
    )
    ticket = ticket_store.create_ticket(session, draft, now)
    lead = incidents.join_incident(session, policy, ticket, now)
    if due.alert_human and lead is None:
        # The agents' queue and the console page on its `alert` (the policy says: alert a person
        # now), within the `report_limits`; past them it joins the suspected flood's one page.
        lead = incidents.page_or_flood(session, policy, ticket, now)
    return replace(view(ticket), incident=lead)


#: The draft's fields that hold what a resident typed, as typed.
_FREE_TEXT_FIELDS = ("description", "address")


def _plain_fields(fields: dict[str, Any]) -> dict[str, Any]:
    """`fields` with the free text among them as plain text (`bot.base.untrusted.plain_text`):
    tickets go to the call-centre webhook, exports and e-mail, which may not treat text as
    text (red team R12)."""
    return {
        name: plain_text(value) if name in _FREE_TEXT_FIELDS and isinstance(value, str) else value
        for name, value in fields.items()
    }


def _untrusted_text_cleaned(draft: TicketDraft) -> TicketDraft:
    """The draft with its free text as plain text (`_plain_fields`)."""
    fields = {name: getattr(draft, name) for name in _FREE_TEXT_FIELDS}
    return replace(draft, **_plain_fields(fields))


def _account_of_this_home(session: Session, draft: TicketDraft) -> TicketDraft:
    """The draft without its account when its address is another home than the account's.

    The account comes from the conversation (verified earlier, or bound), not from the address:
    a resident who checked their own bill and then books a repair for their mother's flat must
    not file that flat under their account, where everyone bound to the account would read a
    stranger's address and phone, and the account's history would be wrong. Only a difference
    the address actually states counts (`same_home`); an address that names less than the
    account keeps it.
    """
    if not draft.account_no or not draft.community:
        return draft
    account = account_store.get_account(session, draft.account_no)
    if account is None:
        return draft
    return draft if same_home(draft, account) else replace(draft, account_no=None)


class Place(Protocol):
    """Where a home is, as a draft, a ticket and an account all say it."""

    @property
    def address(self) -> Any: ...
    @property
    def community(self) -> Any: ...
    @property
    def building(self) -> Any: ...
    @property
    def unit(self) -> Any: ...
    @property
    def room(self) -> Any: ...


def same_home(first: Place, second: Place) -> bool:
    """Whether two addresses may be one home: the same community (one name inside the other)
    and no building, unit or room that both name and that differ. Without a community on one
    side, the address texts decide (one inside the other): an address the parser could not
    read is not taken for another place on that account alone."""
    if first.community and second.community:
        if not (first.community in second.community or second.community in first.community):
            return False
        return not any(
            mine is not None and theirs is not None and mine != theirs
            for mine, theirs in (
                (first.building, second.building),
                (first.unit, second.unit),
                (first.room, second.room),
            )
        )
    mine, theirs = (str(first.address or "").strip(), str(second.address or "").strip())
    return not mine or not theirs or mine in theirs or theirs in mine


def _visible(session: Session, ticket: Ticket, channel: str, sender_id: str) -> bool:
    if ticket.channel == channel and ticket.sender_id == sender_id:
        return True
    if _proven(session, ticket, channel, sender_id):
        return True
    bound = {a.account_no for a in account_store.accounts_bound_to(session, channel, sender_id)}
    return ticket.account_no is not None and ticket.account_no in bound


def _proven(session: Session, ticket: Ticket, channel: str, sender_id: str) -> bool:
    """Whether another conversation proved this ticket with its contact phone."""
    own = ticket.channel == channel and ticket.sender_id == sender_id
    return not own and ticket_proof.proven(session, channel, sender_id, ticket.ticket_no)


def _view_for(session: Session, ticket: Ticket, channel: str, sender_id: str) -> TicketView:
    """The ticket as this sender sees it (`proven` when it proved it from another chat)."""
    return replace(view(ticket), proven=_proven(session, ticket, channel, sender_id))


def find_visible(
    session: Session, ticket_no: str, channel: str, sender_id: str
) -> TicketView | None:
    """The ticket if this sender may see it; `None` also when it exists but is someone else's
    (and this conversation has not proved it with the contact phone on it)."""
    ticket = ticket_store.get_ticket(session, ticket_no)
    if ticket is None or not _visible(session, ticket, channel, sender_id):
        return None
    return _view_for(session, ticket, channel, sender_id)


#: How many of a sender's newest tickets are looked through for a call-back still waiting.
_CALLBACK_LOOKBACK = 10


def open_callback(
    session: Session, policy: Policy, draft: TicketDraft, now: datetime
) -> TicketView:
    """The sender's call-back (RG) ticket: the one still waiting to be worked on, else a new one.

    A resident who asks for a person twice, or is handed over again while still upset, is called
    back once; what they said since is added to the waiting ticket as a `note` event. A phone
    left after a call-back opened without one (方便的话留一个电话 asked) becomes its phone.
    """
    ticket = _waiting_callback(session, draft.channel, draft.sender_id)
    if ticket is None:
        return open_ticket(session, policy, draft, now)
    if ticket.dedup_key != draft.dedup_key:  # else a retry of the message that opened it
        _note(session, ticket, now, draft.channel, draft.description or "")
    if draft.phone and not ticket.phone:
        ticket_store.update_ticket(session, ticket, now, f"user:{draft.channel}", phone=draft.phone)
    return view(ticket)


def _waiting_callback(session: Session, channel: str, sender_id: str) -> Ticket | None:
    """The sender's call-back (RG) ticket nobody has finished with yet, if any."""
    for ticket in ticket_store.tickets_of_sender(
        session, channel, sender_id, limit=_CALLBACK_LOOKBACK
    ):
        if ticket.kind == "RG" and ticket.status in CANCELLABLE:
            return ticket
    return None


def _note(session: Session, ticket: Ticket, now: datetime, channel: str, text: str) -> None:
    ticket_store.add_event(
        session, ticket, now, "note", f"user:{channel}", {"text": plain_text(text)[:2000]}
    )


def note_on_waiting_callback(
    session: Session, channel: str, sender_id: str, now: datetime, text: str
) -> TicketView | None:
    """Add what the resident said to the call-back (RG) they are waiting for; `None` when no
    call-back waits. Whoever calls back reads it with the ticket, so the resident need not ask
    for a person again to get it said."""
    ticket = _waiting_callback(session, channel, sender_id)
    if ticket is None:
        return None
    _note(session, ticket, now, channel, text)
    return view(ticket)


def note_on_ticket(
    session: Session, ticket_no: str, channel: str, sender_id: str, now: datetime, text: str
) -> TicketView | None:
    """Add the resident's words to their own ticket (a `note` event); `None` if not theirs."""
    ticket = ticket_store.get_ticket(session, ticket_no)
    if ticket is None or not _visible(session, ticket, channel, sender_id):
        return None
    _note(session, ticket, now, channel, text)
    return view(ticket)


@dataclass(frozen=True)
class Urged:
    """A chased ticket, and the first of its promises already broken (`None`: none yet)."""

    ticket: TicketView
    overdue: str | None


def urge_ticket(
    session: Session, ticket_no: str, channel: str, sender_id: str, now: datetime, text: str
) -> Urged | None:
    """Record that the resident chased their open ticket (`urged`, with their words, for the
    dispatcher who reads the ticket), and whether a promise of it is already broken: the first
    reply, the visit or the fix, in that order, unmet past its due time. `None` if the ticket
    is not theirs."""
    ticket = ticket_store.get_ticket(session, ticket_no)
    if ticket is None or not _visible(session, ticket, channel, sender_id):
        return None
    ticket_store.add_event(session, ticket, now, "urged", f"user:{channel}", {"text": text[:2000]})
    history = ticket_store.events_of(session, ticket)
    overdue = next(
        (
            deadline
            for deadline in DEADLINES
            if outcome(deadline, getattr(ticket, f"{deadline}_due"), history, ticket.status, now)
            == BREACH
        ),
        None,
    )
    return Urged(view(ticket), overdue)


def own_tickets(session: Session, channel: str, sender_id: str, limit: int = 3) -> list[TicketView]:
    """The sender's newest tickets, including those of accounts bound to the sender."""
    bound = [a.account_no for a in account_store.accounts_bound_to(session, channel, sender_id)]
    return [
        view(t)
        for t in ticket_store.tickets_of_sender(session, channel, sender_id, bound, limit=limit)
    ]


class NotCancellable(Exception):
    """The ticket is visible to the sender but may not be withdrawn by it now; `reason` is
    `TicketView.withdrawal_refused`'s."""

    def __init__(self, ticket: TicketView, reason: str) -> None:
        super().__init__(ticket.ticket_no)
        self.ticket = ticket
        self.reason = reason


def cancel_own_ticket(
    session: Session, ticket_no: str, channel: str, sender_id: str, now: datetime
) -> TicketView | None:
    """Cancel a ticket this conversation filed (or proved: `bot.services.ticket_proof`); `None`
    when not found (or not visible to it).

    The status event records the conversation id, so the history tells which one withdrew it.
    """
    ticket = ticket_store.get_ticket(session, ticket_no)
    if ticket is None or not _visible(session, ticket, channel, sender_id):
        return None
    refused = _view_for(session, ticket, channel, sender_id).withdrawal_refused(channel, sender_id)
    if refused:
        raise NotCancellable(view(ticket), refused)
    try:
        ticket_store.change_status(
            session,
            ticket,
            "cancelled",
            now,
            actor=f"user:{channel}",
            note="用户在线取消",
            conversation=sender_id,
        )
    except TicketStateError as exc:  # a worker changed it between the read and the update
        raise NotCancellable(view(ticket), "status") from exc
    return view(ticket)


def withdraw_not_served(
    session: Session,
    ticket_no: str,
    now: datetime,
    channel: str,
    sender_id: str,
    community: str,
) -> TicketView | None:
    """Withdraw this conversation's urgent ticket when its home turns out to be in a community
    the company does not serve (万科城, player findings 3, class B): no crew of ours can go
    there, and the duty team, paged already, reads why in the status note. The bot withdraws
    it, not the resident (an urgent ticket is never withdrawn by chat: `withdrawal_refused`).
    `None`, and the ticket stays, when it is not this conversation's, it already holds another
    home's address, or a worker has started on it."""
    ticket = ticket_store.get_ticket(session, ticket_no)
    if ticket is None or (ticket.channel, ticket.sender_id) != (channel, sender_id):
        return None
    if ticket.address and ticket.community != community:
        return None
    try:
        ticket_store.change_status(
            session,
            ticket,
            "cancelled",
            now,
            actor="bot",
            note=f"非本公司供热小区（{plain_text(community)[:40]}），已告知用户联系物业或供热单位",
            conversation=sender_id,
        )
    except TicketStateError:
        return None
    return view(ticket)


def cancel_for_agent(
    session: Session, ticket_no: str, now: datetime, agent: str, note: str | None
) -> TicketView:
    """An agent cancels an open ticket (any kind, urgent ones too, after talking to the user).

    Raises `LookupError` for an unknown number and `TicketStateError` for a finished ticket.
    """
    ticket = ticket_store.get_ticket(session, ticket_no)
    if ticket is None:
        raise LookupError(ticket_no)
    ticket_store.change_status(session, ticket, "cancelled", now, f"agent:{agent}", note)
    return view(ticket)


def amend_ticket(
    session: Session,
    ticket_no: str,
    now: datetime,
    actor: str,
    policy: Policy | None = None,
    **fields: object,
) -> TicketView:
    """Add what the user told after the ticket was opened (an urgent one opens at once). With
    the `policy`, an urgent ticket whose building is now known joins the incident it reports
    (`bot.services.incidents`)."""
    ticket = ticket_store.get_ticket(session, ticket_no)
    if ticket is None:
        raise LookupError(ticket_no)
    ticket_store.update_ticket(session, ticket, now, actor, **_plain_fields(fields))
    lead = incidents.join_incident(session, policy, ticket, now) if policy else None
    return replace(view(ticket), incident=lead)


def book_visit(
    session: Session,
    policy: Policy,
    ticket_no: str,
    now: datetime,
    actor: str,
    visit_start: datetime | None,
    visit_end: datetime | None,
    **details: Any,
) -> TicketView:
    """Complete the ordinary repair an urgent leak became when the resident said it can wait
    (actions/leak_can_wait.py): the address and phone the form asked, the visit window they
    chose, and the deadlines that window gives, as for a repair booked so (`ticket_due_times`).
    The ticket keeps its number: the duty team was told of the change on it."""
    ticket = ticket_store.get_ticket(session, ticket_no)
    if ticket is None:
        raise LookupError(ticket_no)
    fields = {name: value for name, value in details.items() if value}
    _set_window(
        session, policy, ticket, now, actor, visit_start, visit_end, **_plain_fields(fields)
    )
    return view(ticket)


def _set_window(
    session: Session,
    policy: Policy,
    ticket: Ticket,
    now: datetime,
    actor: str,
    start: datetime | None,
    end: datetime | None,
    **fields: Any,
) -> None:
    """Give a non-urgent visit ticket the window `start`–`end` and the on-site and fix deadlines
    it gives, as at booking (`ticket_due_times`), with any other `fields`: the one rule for a
    window booked later or moved."""
    due = ticket_due_times(
        policy,
        ticket.kind,
        ticket.created_at,
        fault_type=ticket.fault_type,
        urgent=False,
        visit_start=start,
        visit_end=end,
        can_wait=True,
    )
    ticket_store.update_ticket(
        session,
        ticket,
        now,
        actor,
        **fields,
        visit_start=start,
        visit_end=end,
        on_site_due=due.on_site,
        resolve_due=due.resolve,
    )


#: The details of an urgent ticket a conversation adds while the crew is on the way.
URGENT_DETAILS = frozenset({"phone", "address", "community", "building", "unit", "room"})
#: The parts of an address the parser reads into the ticket's columns.
_ADDRESS_PARTS = ("community", "building", "unit", "room")


@dataclass(frozen=True)
class Completed:
    """What an urgent ticket became after the conversation added to it: `ticket` holds what was
    said; `earlier` is the conversation's ticket for the first place when `ticket` was opened
    for another one; `noted` when a detail that differs from one already on the ticket went
    onto it as a note, not over it; `moved_from` the address the ticket held before the
    resident put it right (`complete_urgent`'s `corrects`)."""

    ticket: TicketView
    earlier: str | None = None
    noted: bool = False
    moved_from: str | None = None


def complete_urgent(
    session: Session,
    policy: Policy,
    ticket_no: str,
    channel: str,
    sender_id: str,
    now: datetime,
    words: str,
    dedup_key: str | None = None,
    corrects: bool = False,
    **fields: Any,
) -> Completed:
    """Add what the resident said after an urgent ticket was opened (its address, a phone) to
    the ticket this conversation filed: fields it still lacks are filled, nothing on it is
    overwritten. A second emergency at another address in the same conversation once moved the
    first burst's ticket to the second flat (red team R6): the crew went to one place and the
    other burst had no ticket. So an address of another home opens a new urgent ticket for it
    (paged, or joined to its incident, as any), the two related in their histories; a detail
    that differs for the same home (another phone, another wording) goes on as a note for the
    dispatcher. `words` (the message) head the new ticket's description; `dedup_key` makes a
    retried message find the ticket it opened. Only a ticket this conversation filed is
    completed: a bound account's tickets are seen, never changed from here (`LookupError` for
    an unknown number).

    `corrects`: the message takes back the address said before (不对是13号楼, 刚才写错了:
    `bot.nlu.place_correction`). Then the other address is the same emergency's right door,
    not a second one (hat-011 got a second urgent ticket and a crew sent to a stranger's
    door): the ticket's address is moved (`_corrected_place`)."""
    unknown = set(fields) - URGENT_DETAILS
    if unknown:
        raise ValueError(f"not details of an urgent ticket: {', '.join(sorted(unknown))}")
    ticket = ticket_store.get_ticket(session, ticket_no)
    if ticket is None:
        raise LookupError(ticket_no)
    given = {name: value for name, value in fields.items() if value}
    if (ticket.channel, ticket.sender_id) != (channel, sender_id):
        # a bound account's ticket a conversation continued before red team R6: its report gets
        # a ticket of its own, with only what it said (nothing copied from the other one)
        draft = TicketDraft(
            kind=ticket.kind,
            channel=channel,
            sender_id=sender_id,
            dedup_key=f"{dedup_key}:own" if dedup_key else None,
            fault_type=ticket.fault_type,
            urgent=True,
            description=f"【紧急】{words}"[:2000],
            **given,
        )
        return Completed(open_ticket(session, policy, draft, now))
    told = TicketDraft(
        kind=ticket.kind,
        channel=channel,
        sender_id=sender_id,
        address=given.get("address"),
        community=given.get("community"),
        building=given.get("building"),
        unit=given.get("unit"),
        room=given.get("room"),
    )
    if given.get("address") and ticket.address and not same_home(ticket, told):
        if corrects:
            return _corrected_place(session, policy, ticket, now, channel, given)
        return _another_place(session, policy, ticket, now, words, dedup_key, given, told)
    fill = {name: value for name, value in given.items() if not getattr(ticket, name)}
    differs = {
        name: value
        for name, value in given.items()
        if name in ("address", "phone") and getattr(ticket, name) not in (None, "", value)
    }
    if "address" in differs and set(fill) & set(_ADDRESS_PARTS):
        # the same home named more fully (阳光花园5号楼 → …1单元302): the crew needs the door
        fill["address"] = differs.pop("address")
    ticket_store.update_ticket(session, ticket, now, f"user:{channel}", **fill)
    if differs:
        said = "；".join(
            f"{'电话' if name == 'phone' else '地址'} {value}" for name, value in differs.items()
        )
        _note(session, ticket, now, channel, f"用户在对话中另给了（工单未改动）：{said}")
        logger.info("ticket %s: a differing detail noted, not written over", ticket.ticket_no)
    lead = incidents.join_incident(session, policy, ticket, now)
    return Completed(replace(view(ticket), incident=lead), noted=bool(differs))


def _corrected_place(
    session: Session,
    policy: Policy,
    ticket: Ticket,
    now: datetime,
    channel: str,
    given: dict[str, Any],
) -> Completed:
    """Move the urgent ticket to the address the resident put right (`complete_urgent`): every
    part of the address is the corrected one (a part it does not name is not kept from the
    wrong door), a phone it lacks is filled. The store's `updated` event keeps the old address
    for the dispatcher; the ticket joins the incident of its right place, if any."""
    moved_from = str(ticket.address)
    fields = {name: given.get(name) for name in ("address", *_ADDRESS_PARTS)}
    if given.get("phone") and not ticket.phone:
        fields["phone"] = given["phone"]
    ticket_store.update_ticket(session, ticket, now, f"user:{channel}", **fields)
    logger.info("urgent ticket %s: address corrected by the resident", ticket.ticket_no)
    lead = incidents.join_incident(session, policy, ticket, now)
    return Completed(replace(view(ticket), incident=lead), moved_from=moved_from)


def _another_place(
    session: Session,
    policy: Policy,
    first: Ticket,
    now: datetime,
    words: str,
    dedup_key: str | None,
    given: dict[str, Any],
    place: TicketDraft,
) -> Completed:
    """The urgent ticket for `place`, another place this conversation reported
    (`complete_urgent`)."""
    draft = replace(
        place,
        kind=first.kind,
        dedup_key=f"{dedup_key}:place" if dedup_key else None,
        phone=given.get("phone") or first.phone,
        fault_type=first.fault_type,
        urgent=True,
        description=f"【紧急：同一会话另报一处，先报工单 {first.ticket_no}】{words}"[:2000],
    )
    second = open_ticket(session, policy, draft, now)
    if second.ticket_no == first.ticket_no:
        # the same message's place again (the emergency action and the form both read it): the
        # ticket it opened is `first` now, and no other place was named
        return Completed(second)
    row = ticket_store.get_ticket(session, second.ticket_no)
    assert row is not None  # just opened in this transaction
    if not any(e.kind == incidents.RELATED for e in ticket_store.events_of(session, row)):
        incidents.relate(session, first, row, now)
        logger.info("urgent ticket %s: another place, after %s", row.ticket_no, first.ticket_no)
    return Completed(second, earlier=first.ticket_no)


def incident_published(session: Session, ticket_no: str, now: datetime) -> bool:
    """Whether an emergency stop is published where this urgent ticket is
    (`incidents.published_for`): only then is a resident told the place's emergency is known."""
    ticket = ticket_store.get_ticket(session, ticket_no)
    return ticket is not None and incidents.published_for(session, ticket.community, now)


def own_open_urgent(session: Session, channel: str, sender_id: str) -> TicketView | None:
    """The newest urgent ticket this conversation filed that nobody has finished with. Only its
    own: an urgent ticket of a bound account (a binding may come from guessed digits) is seen,
    but a new emergency never continues it, nor moves it (red team R6)."""
    return next(
        (
            view(t)
            for t in ticket_store.tickets_of_sender(session, channel, sender_id, limit=5)
            if t.kind == "BX" and t.urgent and t.status in OPEN
        ),
        None,
    )


def open_repair(
    session: Session, policy: Policy, draft: TicketDraft, now: datetime
) -> TicketView | None:
    """Open an ordinary repair ticket, unless the conversation has filed `report_limits.
    repairs_per_sender` of them in the window (withdrawn ones too): then nothing is filed, the
    operators' logger `bot.alerts.repairs` is told, and `None` lets the caller offer the
    hotline and a person (each repair promises a call, and a conversation costs a script
    nothing). A retried message gets its ticket back."""
    retried = ticket_store.filed_for_message(session, draft.dedup_key)
    if retried is not None:
        return view(retried)
    limits = policy.report_limits
    filed = ticket_store.count_filed(
        session,
        now - timedelta(hours=limits.window_hours),
        draft.channel,
        draft.sender_id,
        kind=draft.kind,
        urgent=False,
    )
    if repair_limit_reached(policy, by_sender=filed):
        repair_alerts.warning(
            "repair refused (report_limits.repairs_per_sender): conversation %s filed %d in the "
            "last %g h",
            mask_text(draft.sender_id),
            filed,
            limits.window_hours,
        )
        return None
    return open_ticket(session, policy, draft, now)


#: How long after filing a resident may still correct the ticket's contact details in the chat:
#: a slip noticed at the confirmation (电话说错了 最后四位是2234), before anyone has read it.
CONTACT_FIX_MINUTES = 30
#: The details a resident may correct themselves; anything else changes the work to be done.
CONTACT_FIELDS = frozenset({"phone", "address", "community", "building", "unit", "room"})


def correct_contact(
    session: Session, channel: str, sender_id: str, now: datetime, **fields: Any
) -> TicketView | None:
    """Correct the contact phone or address of the ticket this conversation filed last, while
    it is still `new` and was filed less than `CONTACT_FIX_MINUTES` ago: nobody has been sent
    yet, so the right number or door is all that changes. The store records an `updated` event
    with the old and new values (the ticket's own history, read by staff); the log shows them
    masked. `None` when there is no such ticket: a person changes anything else."""
    unknown = set(fields) - CONTACT_FIELDS
    if unknown:
        raise ValueError(f"not contact details: {', '.join(sorted(unknown))}")
    tickets = ticket_store.tickets_of_sender(session, channel, sender_id, limit=1)
    ticket = tickets[0] if tickets else None
    if ticket is None or ticket.kind == "RG" or ticket.status != "new":
        return None
    if ticket.created_at < now - timedelta(minutes=CONTACT_FIX_MINUTES):
        return None
    old_phone = ticket.phone
    ticket_store.update_ticket(session, ticket, now, f"user:{channel}", **_plain_fields(fields))
    if "phone" in fields:
        logger.info(
            "ticket %s: contact phone corrected %s -> %s",
            ticket.ticket_no,
            mask_phone(old_phone),
            mask_phone(str(fields["phone"])),
        )
    if "address" in fields:
        logger.info("ticket %s: address corrected by the resident", ticket.ticket_no)
    return view(ticket)


#: Kinds whose ticket sends someone to the home in a window the resident chose.
VISIT_KINDS = frozenset({"BX", "CW", "CB"})
#: Statuses in which a visit may still be moved from the chat: nobody has started the work.
RESCHEDULABLE = frozenset({"new", "assigned"})


def reschedule_visit(
    session: Session,
    policy: Policy,
    channel: str,
    sender_id: str,
    now: datetime,
    start: datetime,
    end: datetime,
) -> TicketView | None:
    """Move the visit of the newest ticket this conversation booked (明天下午我有事
    能改到后天上午吗) to `start`–`end`, while nobody has started the work (`RESCHEDULABLE`): a
    resident who cannot be home is better served by the new window than by a fitter at a locked
    door, and by a person only when the chat cannot do it. The on-site and fix deadlines follow
    the new window as they would have at booking (`ticket_due_times`); the store records the
    `updated` event with old and new values, so the fitter's list and the console show the
    change. An urgent ticket (someone comes at once) and a window already over are not moved:
    `None`, and the caller hands the wish to a person."""
    if end <= now:
        return None
    ticket = next(
        (
            t
            for t in ticket_store.tickets_of_sender(session, channel, sender_id, limit=5)
            if t.kind in VISIT_KINDS and t.status not in ("done", "cancelled")
        ),
        None,
    )
    if ticket is None or ticket.status not in RESCHEDULABLE or ticket.urgent:
        return None
    _set_window(session, policy, ticket, now, f"user:{channel}", start, end)
    logger.info("ticket %s: visit moved by the resident", ticket.ticket_no)
    return view(ticket)
