"""Hand-off operations on the store: queue, pick, transfer, close, time out, requeue.

Each function takes a `Session` first, applies the rules of `bot.handoff.rules` under the row
lock, and returns frozen views, never ORM objects. Talking to Rasa (messages to the user,
pause/resume) is the caller's part, done outside the database transaction: the console
changes the status first and then tells Rasa, and its sweep retries a Rasa call that failed,
because a session that is closed or timed out but still `paused` is exactly one whose user has not
been given the bot back yet.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session

from bot.handoff import rules
from bot.handoff.rules import Actor, Conflict, Forbidden
from bot.handoff.signing import body_bytes
from bot.policy import Policy
from bot.services import accounts as account_service
from bot.services import incidents
from bot.services import tickets as ticket_service
from bot.store import agents as agent_store
from bot.store import handoffs as store
from bot.store.accounts import get_account
from bot.store.handoffs import HandoffDraft
from bot.store.models import HandoffSession
from bot.store.tickets import TicketDraft, get_ticket

#: Ticket kinds an agent may open from the console, and the fields they may set or correct.
AGENT_TICKET_KINDS = ("BX", "TS", "CW", "RG")
AGENT_TICKET_FIELDS = ("address", "phone", "description", "fault_type")

WEBHOOK_EVENTS = ("handoff.opened", "handoff.picked", "handoff.closed", "handoff.timed_out")


class NotFound(rules.HandoffError):
    """No such conversation, or not one this agent may see (the two read the same)."""


@dataclass(frozen=True)
class HandoffView:
    """A hand-off session, detached from the database session."""

    id: int
    channel: str
    sender_id: str
    status: str
    urgency: int
    reason: str
    targets: tuple[str, ...]
    paused: bool
    summary: dict[str, Any]
    ticket_no: str | None
    agent_id: int | None
    agent_name: str | None
    external_agent: str | None
    callback_ticket_no: str | None
    created_at: datetime
    pickup_due: datetime
    picked_at: datetime | None
    closed_at: datetime | None

    @property
    def holder(self) -> str | None:
        """Who holds the conversation: an agent's name, the call centre's, or nobody."""
        return self.agent_name or self.external_agent


def view(handoff: HandoffSession) -> HandoffView:
    """A `HandoffView` of an ORM session (call inside the database session)."""
    return HandoffView(
        id=handoff.id,
        channel=handoff.channel,
        sender_id=handoff.sender_id,
        status=handoff.status,
        urgency=handoff.urgency,
        reason=handoff.reason,
        targets=tuple(t for t in handoff.targets.split(",") if t),
        paused=bool(handoff.paused),
        summary=dict(handoff.summary or {}),
        ticket_no=handoff.ticket_no,
        agent_id=handoff.agent_id,
        agent_name=handoff.agent.display_name if handoff.agent else None,
        external_agent=handoff.external_agent,
        callback_ticket_no=handoff.callback_ticket_no,
        created_at=handoff.created_at,
        pickup_due=handoff.pickup_due,
        picked_at=handoff.picked_at,
        closed_at=handoff.closed_at,
    )


# ---- queueing (the hand-off action) --------------------------------------------------------------


@dataclass(frozen=True)
class HandoffRequest:
    """What the bot hands over: the conversation, why, and what it collected."""

    channel: str
    sender_id: str
    reason: str
    summary: dict[str, Any]
    transcript: list[dict[str, Any]] = field(default_factory=list)


@dataclass(frozen=True)
class Queued:
    """A conversation in the queue, where it stands, and whether this request created it."""

    session: HandoffView
    position: int
    wait_minutes: int
    created: bool


def agents_on_duty(session: Session, now: datetime, timeout_seconds: int) -> int:
    """How many agents' consoles polled within the timeout."""
    return len(agent_store.online_agents(session, now - timedelta(seconds=timeout_seconds)))


def _estimate(
    session: Session, handoff: HandoffSession, agents: int, pickup_minutes: int
) -> tuple[int, int]:
    queued = store.sessions_with_status(session, ["queued"])
    position = max(rules.position_in_queue(queued, handoff.id), 1)
    handled = [
        h.closed_at - h.picked_at for h in store.recent_handled(session) if h.picked_at is not None
    ]
    wait = rules.expected_wait_minutes(position, max(agents, 1), rules.mean_handle_minutes(handled))
    return position, min(wait, pickup_minutes)


def enqueue(
    session: Session,
    policy: Policy,
    request: HandoffRequest,
    targets: tuple[str, ...],
    now: datetime,
    agent_timeout_seconds: int,
) -> Queued | None:
    """Queue the conversation for a person, or `None` when nobody is on duty to take it.

    A conversation already queued or held stays where it is (a repeated 转人工 does not jump the
    queue nor open a second session). With the webhook target the call centre is told at once.
    """
    agents = agents_on_duty(session, now, agent_timeout_seconds)
    pickup_minutes = policy.handoff.pickup_minutes
    existing = store.open_session_of(session, request.channel, request.sender_id)
    if existing is not None:
        existing.paused = True  # an urgent ticket's session waited unpaused until now
        return Queued(view(existing), *_estimate(session, existing, agents, pickup_minutes), False)
    if not rules.on_duty(targets, agents):
        return None
    draft = HandoffDraft(
        channel=request.channel,
        sender_id=request.sender_id,
        reason=request.reason,
        urgency=rules.urgency_of(request.reason),
        targets=",".join(targets),
        pickup_due=rules.pickup_deadline(now, pickup_minutes),
        paused=True,
        summary=request.summary,
    )
    handoff = store.create_session(session, draft, now)
    _notify_webhook(session, handoff, "handoff.opened", request.transcript, now)
    return Queued(view(handoff), *_estimate(session, handoff, agents, pickup_minutes), True)


def record_wechat_kf(session: Session, request: HandoffRequest, now: datetime) -> HandoffView:
    """Record a conversation given to WeChat's own agents (closed here at once: WeChat holds it)."""
    draft = HandoffDraft(
        channel=request.channel,
        sender_id=request.sender_id,
        reason=request.reason,
        urgency=rules.urgency_of(request.reason),
        targets="wechat_kf",
        pickup_due=now,
        paused=False,
        summary=request.summary,
    )
    handoff = store.create_session(session, draft, now)
    handoff.status, handoff.closed_at = "closed", now
    store.add_event(session, handoff, now, "closed", "wechat_kf", {"to": "wechat_kf"})
    session.flush()
    return view(handoff)


def queue_alerts(
    session: Session, policy: Policy, targets: tuple[str, ...], now: datetime
) -> list[HandoffView]:
    """Put every alerted (urgent) ticket without a session at the top of the queue.

    The bot keeps talking to the user (it is completing the ticket's address and phone), so
    these sessions start unpaused; an agent who picks one takes the conversation over. A user who
    already waits for a person has their session made urgent instead of a second one.
    """
    opened: list[HandoffView] = []
    _gather_incidents(session, now)
    for ticket in store.alerted_tickets_without_session(session):
        queue_targets = rules.route(ticket.channel, targets).queue_targets
        if not queue_targets:
            continue
        summary = {
            "fault_type": ticket.fault_type,
            "address": ticket.address,
            "phone": ticket.phone,
            "account_no": ticket.account_no,
            "tickets": [ticket.ticket_no],
            "last_message": ticket.description,
            "linked_reports": incidents.reports_of(session, ticket),
        }
        existing = store.open_session_of(session, ticket.channel, ticket.sender_id)
        if existing is not None and existing.ticket_no is None:
            existing.urgency, existing.ticket_no = rules.URGENCY_URGENT, ticket.ticket_no
            existing.updated_at = now
            store.add_event(session, existing, now, "urgent", "bot", {"ticket": ticket.ticket_no})
            opened.append(view(existing))
            continue
        draft = HandoffDraft(
            channel=ticket.channel,
            sender_id=ticket.sender_id,
            reason="urgent_leak",
            urgency=rules.URGENCY_URGENT,
            targets=",".join(queue_targets),
            pickup_due=rules.pickup_deadline(now, policy.handoff.pickup_minutes),
            paused=False,
            summary=summary,
            ticket_no=ticket.ticket_no,
        )
        handoff = store.create_session(session, draft, now)
        _notify_webhook(session, handoff, "handoff.opened", [], now)
        opened.append(view(handoff))
    session.flush()
    return opened


def _gather_incidents(session: Session, now: datetime) -> None:
    """One hand-off per incident (bot.services.incidents): the urgent hand-off of a lead lists
    the reports linked to it since, and one queued for a ticket that was linked only after its
    alert (its address came later) is closed into the lead's, unless an agent has it already."""
    for handoff in store.sessions_with_status(session, store.OPEN_STATUSES):
        ticket = get_ticket(session, handoff.ticket_no) if handoff.ticket_no else None
        if ticket is None:
            continue
        lead = incidents.incident_of(session, ticket)
        if lead is not None:
            if handoff.status == "queued" and handoff.reason == "urgent_leak":
                _close(session, handoff, now, "bot", f"同一事件，已并入紧急工单 {lead}")
            continue
        reports = incidents.reports_of(session, ticket)
        known = list((handoff.summary or {}).get("linked_reports") or [])
        if reports != known:
            handoff.summary = {**(handoff.summary or {}), "linked_reports": reports}
            handoff.updated_at = now
            for line in reports[len(known) :]:
                store.add_event(session, handoff, now, "report", "bot", {"report": line})


# ---- what an agent sees --------------------------------------------------------------------------


@dataclass(frozen=True)
class QueueView:
    """The console's lists: waiting conversations in queue order, and the ones being handled."""

    waiting: list[HandoffView]
    handling: list[HandoffView]


def visible_queue(session: Session, actor: Actor) -> QueueView:
    """What `actor` may see: the queue and their own conversations (supervisors: all)."""
    rows = [
        h
        for h in store.sessions_with_status(session, store.OPEN_STATUSES)
        if rules.can_see(actor, h.status, h.agent_id)
    ]
    waiting = rules.queue_order(h for h in rows if h.status == "queued")
    handling = [h for h in rows if h.status == "active"]
    return QueueView([view(h) for h in waiting], [view(h) for h in handling])


def _visible(session: Session, actor: Actor, session_id: int) -> HandoffSession:
    handoff = store.get_session(session, session_id)
    if handoff is None or not rules.can_see(actor, handoff.status, handoff.agent_id):
        raise NotFound(f"会话 {session_id} 不存在或无权查看")
    return handoff


def get_visible(session: Session, actor: Actor, session_id: int) -> HandoffView:
    """The session if `actor` may see it, else `NotFound`."""
    return view(_visible(session, actor, session_id))


def history(session: Session, actor: Actor, session_id: int) -> list[dict[str, Any]]:
    """The session's history as plain dicts, oldest first."""
    handoff = _visible(session, actor, session_id)
    return [
        {"at": e.at, "kind": e.kind, "actor": e.actor, "detail": e.detail}
        for e in store.events_of(session, handoff)
    ]


def account_overview(
    session: Session, policy: Policy, account_no: str | None, today: date
) -> dict[str, Any] | None:
    """Who the account belongs to and what it owes, for the agent (numbers unmasked here)."""
    if not account_no:
        return None
    account = get_account(session, account_no)
    if account is None:
        return None
    fees = account_service.fee_summary(session, policy, account_no, today)
    return {
        "account_no": account.account_no,
        "name": account.name,
        "address": account.address,
        "phone": account.phone,
        "season": fees.season,
        "amount_due": None if fees.amount_due is None else str(fees.amount_due),
        "balance": str(fees.balance + fees.earlier_arrears),
    }


def tickets_of(session: Session, handoff: HandoffView) -> list[ticket_service.TicketView]:
    """The newest tickets of the conversation's sender (and of the accounts bound to them)."""
    return ticket_service.own_tickets(session, handoff.channel, handoff.sender_id, limit=5)


# ---- moves ---------------------------------------------------------------------------------------


def _locked(session: Session, actor: Actor, session_id: int) -> HandoffSession:
    return store.lock(session, _visible(session, actor, session_id))


def _move(handoff: HandoffSession, status: str, now: datetime) -> None:
    rules.check_move(handoff.status, status)
    handoff.status = status
    handoff.updated_at = now


def pick(session: Session, actor: Actor, session_id: int, now: datetime) -> HandoffView:
    """`actor` takes a queued conversation; a second agent trying at once gets `Conflict`."""
    handoff = _locked(session, actor, session_id)
    if not rules.can_pick(actor, handoff.status):
        raise Conflict("该会话已被其他客服接入")
    _move(handoff, "active", now)
    handoff.agent_id, handoff.external_agent, handoff.picked_at = actor.id, None, now
    store.add_event(session, handoff, now, "picked", actor.username)
    _notify_webhook(session, handoff, "handoff.picked", [], now)
    session.flush()
    session.refresh(handoff)
    return view(handoff)


def held(session: Session, actor: Actor, session_id: int) -> HandoffView:
    """The conversation if `actor` may act on it now (reply, ticket, transfer), else raise."""
    handoff = _visible(session, actor, session_id)
    if not rules.can_handle(actor, handoff.status, handoff.agent_id):
        raise Forbidden("只有接待中的客服或主管可以操作该会话")
    return view(handoff)


def mark_paused(session: Session, session_id: int, paused: bool) -> None:
    """Record that Rasa now has the conversation paused (or resumed)."""
    handoff = store.get_session(session, session_id)
    if handoff is not None:
        handoff.paused = paused
        session.flush()


def record_reply(
    session: Session, actor: Actor, session_id: int, text: str, now: datetime
) -> HandoffView:
    """Log that `actor` sent a reply (the text itself is in Rasa's tracker)."""
    handoff = _locked(session, actor, session_id)
    if not rules.can_handle(actor, handoff.status, handoff.agent_id):
        raise Forbidden("只有接待中的客服或主管可以回复")
    store.add_event(session, handoff, now, "reply", actor.username, {"chars": len(text)})
    return view(handoff)


def release(
    session: Session, actor: Actor, session_id: int, now: datetime, pickup_minutes: int
) -> HandoffView:
    """Hand a held conversation back to the queue, with a fresh pick-up deadline."""
    handoff = _locked(session, actor, session_id)
    if not rules.can_handle(actor, handoff.status, handoff.agent_id):
        raise Forbidden("只有接待中的客服或主管可以退回该会话")
    _requeue(session, handoff, now, pickup_minutes, actor.username, "released")
    return view(handoff)


def _requeue(
    session: Session,
    handoff: HandoffSession,
    now: datetime,
    pickup_minutes: int,
    actor: str,
    why: str,
) -> None:
    previous = handoff.agent.username if handoff.agent else handoff.external_agent
    _move(handoff, "queued", now)
    handoff.agent_id, handoff.external_agent = None, None
    handoff.pickup_due = rules.pickup_deadline(now, pickup_minutes)
    store.add_event(session, handoff, now, "requeued", actor, {"from": previous, "why": why})
    session.flush()
    session.refresh(handoff)


def transfer(
    session: Session,
    actor: Actor,
    session_id: int,
    to_username: str,
    now: datetime,
    timeout_seconds: int,
) -> HandoffView:
    """Give a held conversation to a colleague who is online now."""
    handoff = _locked(session, actor, session_id)
    if not rules.can_handle(actor, handoff.status, handoff.agent_id):
        raise Forbidden("只有接待中的客服或主管可以转接")
    colleague = agent_store.get_agent_by_username(session, to_username)
    if colleague is None or not colleague.active:
        raise Conflict(f"没有客服 {to_username}")
    if not colleague.online or rules.is_offline(colleague.last_seen_at, now, timeout_seconds):
        raise Conflict(f"客服 {colleague.display_name} 不在线")
    if colleague.id == handoff.agent_id:
        raise Conflict("会话已由该客服接待")
    _move(handoff, "active", now)
    previous = handoff.agent.username if handoff.agent else None
    handoff.agent_id = colleague.id
    store.add_event(
        session, handoff, now, "transfer", actor.username, {"from": previous, "to": to_username}
    )
    session.flush()
    session.refresh(handoff)
    return view(handoff)


def close(
    session: Session, actor: Actor, session_id: int, now: datetime, note: str | None = None
) -> HandoffView:
    """End the conversation; the caller then resumes the bot and marks it unpaused."""
    handoff = _locked(session, actor, session_id)
    if not rules.can_close(actor, handoff.status, handoff.agent_id):
        raise Forbidden("只有接待中的客服或主管可以结束该会话")
    _close(session, handoff, now, actor.username, note)
    return view(handoff)


def _close(
    session: Session, handoff: HandoffSession, now: datetime, actor: str, note: str | None
) -> None:
    _move(handoff, "closed", now)
    handoff.closed_at = now
    store.add_event(session, handoff, now, "closed", actor, {"note": note} if note else None)
    _notify_webhook(session, handoff, "handoff.closed", [], now)
    session.flush()


def reveal(session: Session, actor: Actor, session_id: int, now: datetime) -> dict[str, str]:
    """The full phone and account numbers of a conversation the actor holds; the look is logged."""
    handoff = _locked(session, actor, session_id)
    if not rules.can_handle(actor, handoff.status, handoff.agent_id):
        raise Forbidden("只有接待中的客服可以查看完整号码")
    summary = handoff.summary or {}
    numbers = {
        key: str(summary[key]) for key in ("phone", "account_no") if summary.get(key) is not None
    }
    store.add_event(session, handoff, now, "reveal", actor.username, {"fields": sorted(numbers)})
    return numbers


def open_ticket_for(
    session: Session,
    policy: Policy,
    actor: Actor,
    session_id: int,
    kind: str,
    fields: dict[str, Any],
    now: datetime,
) -> ticket_service.TicketView:
    """Open a ticket for the conversation's user, filled from what the bot collected."""
    handoff = _locked(session, actor, session_id)
    if not rules.can_handle(actor, handoff.status, handoff.agent_id):
        raise Forbidden("只有接待中的客服或主管可以开工单")
    if kind not in AGENT_TICKET_KINDS:
        raise Conflict(f"工单类型须为 {'、'.join(AGENT_TICKET_KINDS)} 之一")
    summary = dict(handoff.summary or {})
    values: dict[str, str | None] = {
        key: fields.get(key) or summary.get(key) for key in AGENT_TICKET_FIELDS
    }
    draft = TicketDraft(
        kind=kind,
        channel=handoff.channel,
        sender_id=handoff.sender_id,
        account_no=summary.get("account_no"),
        address=values["address"],
        phone=values["phone"],
        description=values["description"],
        fault_type=values["fault_type"] if kind == "BX" else None,
    )
    ticket = ticket_service.open_ticket(session, policy, draft, now)
    summary["tickets"] = [*summary.get("tickets", []), ticket.ticket_no]
    handoff.summary = summary
    store.add_event(session, handoff, now, "ticket", actor.username, {"opened": ticket.ticket_no})
    return ticket


def update_ticket_for(
    session: Session,
    actor: Actor,
    session_id: int,
    ticket_no: str,
    fields: dict[str, Any],
    now: datetime,
) -> ticket_service.TicketView:
    """Correct a ticket of the conversation's user (only theirs) with what the agent learnt."""
    handoff = _locked(session, actor, session_id)
    if not rules.can_handle(actor, handoff.status, handoff.agent_id):
        raise Forbidden("只有接待中的客服或主管可以修改工单")
    if ticket_service.find_visible(session, ticket_no, handoff.channel, handoff.sender_id) is None:
        raise NotFound(f"工单 {ticket_no} 不属于该用户")
    changes = {key: value for key, value in fields.items() if key in AGENT_TICKET_FIELDS and value}
    ticket = ticket_service.amend_ticket(
        session, ticket_no, now, f"agent:{actor.username}", **changes
    )
    store.add_event(session, handoff, now, "ticket", actor.username, {"updated": ticket_no})
    return ticket


def actor_of(session: Session, agent_id: int, now: datetime) -> Actor | None:
    """The agent behind a login cookie, with a heartbeat recorded; `None` once disabled."""
    agent = agent_store.get_agent(session, agent_id)
    if agent is None or not agent.active:
        return None
    agent_store.touch(session, agent, now)
    return Actor(agent.id, agent.username, agent.display_name, agent.role)


def colleagues(session: Session, actor: Actor, now: datetime, timeout_seconds: int) -> list[Actor]:
    """Agents online now, other than `actor`: who a conversation can be transferred to."""
    seen_since = now - timedelta(seconds=timeout_seconds)
    return [
        Actor(a.id, a.username, a.display_name, a.role)
        for a in agent_store.online_agents(session, seen_since)
        if a.id != actor.id
    ]


def sign_out(
    session: Session, actor: Actor, now: datetime, pickup_minutes: int
) -> list[HandoffView]:
    """The agent logs out: offline, and their conversations go back to the queue."""
    agent = agent_store.get_agent(session, actor.id)
    if agent is not None:
        agent_store.set_offline(session, agent)
    returned = []
    for handoff in store.active_sessions_of(session, actor.id):
        store.lock(session, handoff)
        _requeue(session, handoff, now, pickup_minutes, actor.username, "logout")
        returned.append(view(handoff))
    return returned


# ---- the console's sweep -------------------------------------------------------------------------


def requeue_offline(
    session: Session, now: datetime, timeout_seconds: int, pickup_minutes: int
) -> list[HandoffView]:
    """Take agents without a heartbeat offline and put their conversations back in the queue."""
    returned: list[HandoffView] = []
    for agent in agent_store.stale_agents(session, now - timedelta(seconds=timeout_seconds)):
        agent_store.set_offline(session, agent)
        for handoff in store.active_sessions_of(session, agent.id):
            store.lock(session, handoff)
            if handoff.status == "active" and handoff.agent_id == agent.id:
                _requeue(session, handoff, now, pickup_minutes, "console", "offline")
                returned.append(view(handoff))
    return returned


@dataclass(frozen=True)
class TimedOut:
    """A conversation nobody picked up, and the call-back ticket the user is told about."""

    session: HandoffView
    ticket: ticket_service.TicketView | None


def time_out(
    session: Session,
    policy: Policy,
    session_id: int,
    transcript: list[dict[str, Any]],
    now: datetime,
) -> TimedOut | None:
    """Turn an overdue queued conversation into a call-back (RG) ticket with its transcript.

    `None` when it is no longer queued (an agent picked it meanwhile). A session opened for an
    urgent ticket needs no second ticket: that ticket already carries the call-back promise.
    The session stays `paused` until the caller has told the user and resumed the bot.
    """
    handoff = store.get_session(session, session_id)
    if handoff is None:
        return None
    store.lock(session, handoff)
    if handoff.status != "queued" or handoff.pickup_due > now:
        return None
    ticket = None
    if handoff.ticket_no is None:
        summary = handoff.summary or {}
        draft = TicketDraft(
            kind="RG",
            channel=handoff.channel,
            sender_id=handoff.sender_id,
            dedup_key=f"RG:handoff:{handoff.id}",
            account_no=summary.get("account_no"),
            phone=summary.get("phone"),
            address=summary.get("address"),
            description=str(summary.get("last_message") or "转人工无人接入，回电")[:2000],
            transcript=transcript,
        )
        ticket = ticket_service.open_ticket(session, policy, draft, now)
    _move(handoff, "timed_out", now)
    handoff.closed_at = now
    handoff.callback_ticket_no = ticket.ticket_no if ticket else handoff.ticket_no
    store.add_event(
        session, handoff, now, "timed_out", "console", {"ticket": handoff.callback_ticket_no}
    )
    _notify_webhook(session, handoff, "handoff.timed_out", transcript, now)
    session.flush()
    return TimedOut(view(handoff), ticket)


def overdue(session: Session, now: datetime) -> list[HandoffView]:
    """Queued conversations past their pick-up deadline."""
    return [view(h) for h in store.overdue_sessions(session, now)]


def still_paused(session: Session, settled_before: datetime) -> list[HandoffView]:
    """Ended conversations whose bot is still paused: the resume did not reach Rasa yet."""
    return [
        view(h)
        for h in store.sessions_with_status(session, ["closed", "timed_out"])
        if h.paused and h.closed_at is not None and h.closed_at <= settled_before
    ]


def callback_ticket(session: Session, ticket_no: str | None) -> ticket_service.TicketView | None:
    """The call-back ticket of a timed-out conversation, to tell the user its due time again."""
    if not ticket_no:
        return None
    found = get_ticket(session, ticket_no)
    return ticket_service.view(found) if found else None


# ---- the call centre -----------------------------------------------------------------------------


def external_seen(session: Session, external_id: str) -> bool:
    """Whether the call centre's event with this id was already acted on."""
    return store.external_event_seen(session, external_id)


def _refuse_if_held_locally(handoff: Any) -> None:
    """A conversation one of our own agents holds is theirs: the call centre may not reply to it
    nor close it (checked before anything reaches the user)."""
    if handoff.status == "active" and handoff.agent_id is not None:
        raise Conflict(f"会话 {handoff.id} 由本地客服接待中")


def external_target(session: Session, session_id: int) -> HandoffView:
    """The conversation a call-centre event names, if the call centre may act on it."""
    handoff = store.get_session(session, session_id)
    if handoff is None or "webhook" not in handoff.targets.split(","):
        raise NotFound(f"会话 {session_id} 不存在")
    if handoff.status not in store.OPEN_STATUSES:
        raise Conflict(f"会话 {session_id} 已结束")
    _refuse_if_held_locally(handoff)
    return view(handoff)


def external_event(
    session: Session,
    session_id: int,
    kind: str,
    agent_name: str,
    external_id: str,
    now: datetime,
) -> HandoffView:
    """Apply a call-centre event (pickup, reply, close) and log it under its id.

    A reply to a queued conversation picks it up first: the call centre answered, so it holds it.
    """
    handoff = store.get_session(session, session_id)
    if handoff is None or "webhook" not in handoff.targets.split(","):
        raise NotFound(f"会话 {session_id} 不存在")
    store.lock(session, handoff)
    _refuse_if_held_locally(handoff)
    actor = f"webhook:{agent_name}"
    if kind in ("pickup", "reply") and handoff.status == "queued":
        _move(handoff, "active", now)
        handoff.agent_id, handoff.external_agent, handoff.picked_at = None, agent_name, now
    if kind == "close":
        _close(session, handoff, now, actor, None)
    elif handoff.status != "active":
        raise Conflict(f"会话 {session_id} 已结束")
    store.add_event(session, handoff, now, kind, actor, None, external_id=external_id)
    session.flush()
    session.refresh(handoff)
    return view(handoff)


def event_payload(
    handoff: HandoffView, event: str, transcript: list[dict[str, Any]], now: datetime
) -> dict[str, Any]:
    """The JSON the call centre receives (docs/handoff.md, "The webhook contract").

    Numbers are not masked: the call centre is the company's own and calls the user back.
    """

    def iso(moment: datetime | None) -> str | None:
        return moment.isoformat() if moment else None

    return {
        "event": event,
        "occurred_at": now.isoformat(),
        "conversation": {
            "id": handoff.id,
            "channel": handoff.channel,
            "sender_id": handoff.sender_id,
            "status": handoff.status,
            "urgency": rules.URGENCY_NAMES[handoff.urgency],
            "reason": handoff.reason,
            "holder": handoff.holder,
            "ticket_no": handoff.ticket_no,
            "callback_ticket_no": handoff.callback_ticket_no,
            "created_at": iso(handoff.created_at),
            "pickup_due": iso(handoff.pickup_due),
            "closed_at": iso(handoff.closed_at),
        },
        "collected": handoff.summary,
        "transcript": transcript,
    }


def _notify_webhook(
    session: Session,
    handoff: HandoffSession,
    event: str,
    transcript: list[dict[str, Any]],
    now: datetime,
) -> None:
    """Queue the event for the call centre when this conversation went to the webhook target."""
    if "webhook" not in handoff.targets.split(","):
        return
    session.flush()
    session.refresh(handoff)
    payload = event_payload(view(handoff), event, transcript, now)
    store.add_delivery(session, handoff, event, payload, now)


# ---- webhook outbox ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Outgoing:
    """One webhook event ready to post: its id, name and the exact bytes to sign and send."""

    id: int
    event: str
    body: bytes


def due_deliveries(session: Session, now: datetime) -> list[Outgoing]:
    """Webhook events whose next attempt is due."""
    return [Outgoing(d.id, d.event, body_bytes(d.body)) for d in store.due_deliveries(session, now)]


def record_delivery(session: Session, delivery_id: int, error: str | None, now: datetime) -> None:
    """Mark a delivery done, or schedule its retry (give up after the last one) with the error."""
    delivery = store.get_delivery(session, delivery_id)
    if delivery is None:
        return
    delivery.attempts += 1
    if error is None:
        delivery.status, delivery.delivered_at, delivery.last_error = "delivered", now, None
    else:
        delay = rules.retry_delay(delivery.attempts)
        delivery.last_error = error[:255]
        if delay is None:
            delivery.status = "failed"
        else:
            delivery.next_attempt_at = now + delay
    session.flush()
