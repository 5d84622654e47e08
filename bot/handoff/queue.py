"""Putting conversations in the queue: the hand-off action's request, and urgent tickets.

Each function takes a `Session` first, applies `bot.handoff.rules` and returns frozen views. A
new conversation is announced as `opened` on `bot.handoff.hooks`. Pausing the bot is the caller's
part (the action returns the pause with its answer).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session

from bot.handoff import hooks, rules
from bot.handoff.transitions import end
from bot.handoff.views import HandoffView, view
from bot.policy import Policy
from bot.services import incidents
from bot.store import agents as agent_store
from bot.store import handoffs as store
from bot.store.handoffs import HandoffDraft
from bot.store.models import HandoffSession
from bot.store.tickets import get_ticket


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
    queue nor open a second session). A new one is announced with its transcript.
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
    hooks.emit(session, handoff, "opened", request.transcript, now)
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
    """Put every alerted (urgent) ticket without a session at the top of the queue (a suspected
    flood's lead as one `suspected_flood` hand-off listing its reports: bot.services.incidents).

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
            # past the report limits: one hand-off lists every report of the suspected flood
            reason=rules.FLOOD if incidents.is_flood(session, ticket) else "urgent_leak",
            urgency=rules.URGENCY_URGENT,
            targets=",".join(queue_targets),
            pickup_due=rules.pickup_deadline(now, policy.handoff.pickup_minutes),
            paused=False,
            summary=summary,
            ticket_no=ticket.ticket_no,
        )
        handoff = store.create_session(session, draft, now)
        hooks.emit(session, handoff, "opened", [], now)
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
                end(session, handoff, now, "bot", f"同一事件，已并入紧急工单 {lead}")
            continue
        reports = incidents.reports_of(session, ticket)
        known = list((handoff.summary or {}).get("linked_reports") or [])
        if reports != known:
            handoff.summary = {**(handoff.summary or {}), "linked_reports": reports}
            handoff.updated_at = now
            for line in reports[len(known) :]:
                store.add_event(session, handoff, now, "report", "bot", {"report": line})
