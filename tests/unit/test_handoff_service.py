"""Hand-off operations on the store (SQLite and PostgreSQL): queue, pick, transfer, offline
agents, time-outs into call-back tickets, urgent tickets, the webhook outbox, the call centre."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from sqlalchemy.orm import Session

from bot.handoff import agent_tickets, agents, callcentre, desk, moves, queue, timeouts, webhook
from bot.handoff.queue import HandoffRequest
from bot.handoff.rules import Actor, Conflict, Forbidden, NotFound
from bot.policy import load_policy
from bot.services import tickets as ticket_service
from bot.store import agents as agent_store
from bot.store import handoffs as store
from bot.store.models import (
    HandoffEvent,
    HandoffSession,
    Ticket,
    TicketEvent,
    WebhookDelivery,
)
from bot.store.tickets import TicketDraft

POLICY = load_policy("beijing")
TIMEOUT = 60


def _agent(session: Session, username: str, now: datetime, role: str = "agent") -> Actor:
    agent = agent_store.add_agent(session, username, username.upper(), role, "hash", now)
    agent_store.touch(session, agent, now)
    return Actor(agent.id, agent.username, agent.display_name, agent.role)


def _request(sender: str, reason: str = "request_human", **summary: object) -> HandoffRequest:
    return HandoffRequest(
        channel="socketio",
        sender_id=sender,
        reason=reason,
        summary={"last_message": "转人工", **summary},
        transcript=[{"who": "user", "text": "转人工", "at": None}],
    )


def _queue(
    session: Session, now: datetime, sender: str = "u1", targets: tuple[str, ...] = ("console",)
) -> queue.Queued:
    queued = queue.enqueue(session, POLICY, _request(sender), targets, now, TIMEOUT)
    assert queued is not None
    return queued


def _kinds(session: Session, session_id: int) -> list[str]:
    handoff = store.get_session(session, session_id)
    assert handoff is not None
    return [e.kind for e in store.events_of(session, handoff)]


def test_nobody_on_duty_means_no_queue(session: Session, now: datetime) -> None:
    assert queue.enqueue(session, POLICY, _request("u1"), ("console",), now, TIMEOUT) is None
    agent = agent_store.add_agent(session, "gone", "G", "agent", "hash", now)
    agent_store.touch(session, agent, now - timedelta(seconds=TIMEOUT + 1))
    assert queue.enqueue(session, POLICY, _request("u1"), ("console",), now, TIMEOUT) is None
    assert session.query(HandoffSession).count() == 0


def test_queueing_twice_keeps_one_session_and_its_place(session: Session, now: datetime) -> None:
    _agent(session, "wang", now)
    first = _queue(session, now, "u1")
    second = _queue(session, now + timedelta(seconds=5), "u2")
    again = _queue(session, now + timedelta(seconds=9), "u2")
    assert first.created and second.created and not again.created
    assert (first.position, second.position, again.position) == (1, 2, 2)
    assert again.session.id == second.session.id
    assert second.wait_minutes == 6  # one agent, default 5 minutes a conversation, +1
    assert first.session.pickup_due == now + timedelta(minutes=10)
    assert session.query(HandoffSession).count() == 2


def test_one_pick_wins_and_others_see_only_their_own(session: Session, now: datetime) -> None:
    wang, li = _agent(session, "wang", now), _agent(session, "li", now)
    lead = _agent(session, "lead", now, role="supervisor")
    handoff = _queue(session, now).session
    picked = moves.pick(session, wang, handoff.id, now)
    assert (picked.status, picked.agent_id, picked.agent_name) == ("active", wang.id, "WANG")
    with pytest.raises(NotFound):  # li no longer sees it at all
        moves.pick(session, li, handoff.id, now)
    assert desk.visible_queue(session, li).handling == []
    assert [h.id for h in desk.visible_queue(session, wang).handling] == [handoff.id]
    assert [h.id for h in desk.visible_queue(session, lead).handling] == [handoff.id]
    with pytest.raises(Conflict):
        moves.pick(session, lead, handoff.id, now)  # a supervisor sees it, but it is taken
    assert moves.held(session, lead, handoff.id).id == handoff.id  # and may act on it


def test_transfer_goes_to_an_online_colleague_only(session: Session, now: datetime) -> None:
    wang, li = _agent(session, "wang", now), _agent(session, "li", now)
    away = agent_store.add_agent(session, "away", "AWAY", "agent", "hash", now)
    handoff = _queue(session, now).session
    moves.pick(session, wang, handoff.id, now)
    with pytest.raises(Conflict, match="不在线"):
        moves.transfer(session, wang, handoff.id, away.username, now, TIMEOUT)
    with pytest.raises(Conflict, match="没有客服"):
        moves.transfer(session, wang, handoff.id, "nobody", now, TIMEOUT)
    moved = moves.transfer(session, wang, handoff.id, "li", now, TIMEOUT)
    assert (moved.agent_id, moved.agent_name) == (li.id, "LI")
    with pytest.raises(NotFound):  # no longer wang's
        moves.held(session, wang, handoff.id)
    assert "transfer" in _kinds(session, handoff.id)


def test_release_and_logout_put_conversations_back(session: Session, now: datetime) -> None:
    wang = _agent(session, "wang", now)
    first, second = _queue(session, now, "u1").session, _queue(session, now, "u2").session
    moves.pick(session, wang, first.id, now)
    moves.pick(session, wang, second.id, now)
    later = now + timedelta(minutes=3)
    released = moves.release(session, wang, first.id, later, 10)
    assert released.status == "queued" and released.agent_id is None
    assert released.pickup_due == later + timedelta(minutes=10)
    returned = agents.sign_out(session, wang, later, 10)
    assert [h.id for h in returned] == [second.id]
    assert not agent_store.get_agent_by_username(session, "wang").online  # type: ignore[union-attr]


def test_agents_without_a_heartbeat_lose_their_conversations(
    session: Session, now: datetime
) -> None:
    wang, li = _agent(session, "wang", now), _agent(session, "li", now)
    mine, theirs = _queue(session, now, "u1").session, _queue(session, now, "u2").session
    moves.pick(session, wang, mine.id, now)
    moves.pick(session, li, theirs.id, now)
    later = now + timedelta(seconds=TIMEOUT + 5)
    agent_store.touch(session, agent_store.get_agent(session, li.id), later)  # type: ignore[arg-type]
    returned = agents.requeue_offline(session, later, TIMEOUT, 10)
    assert [h.id for h in returned] == [mine.id]
    assert desk.get_visible(session, li, mine.id).status == "queued"
    assert desk.get_visible(session, li, theirs.id).status == "active"
    assert not agent_store.get_agent(session, wang.id).online  # type: ignore[union-attr]
    assert agents.requeue_offline(session, later, TIMEOUT, 10) == []
    assert _kinds(session, mine.id)[-1] == "requeued"


def test_an_unanswered_conversation_becomes_a_call_back_ticket(
    session: Session, now: datetime
) -> None:
    _agent(session, "wang", now)
    handoff = _queue(session, now).session
    assert timeouts.overdue(session, now + timedelta(minutes=9)) == []
    assert timeouts.time_out(session, POLICY, handoff.id, [], now + timedelta(minutes=9)) is None
    later = now + timedelta(minutes=10)
    assert [h.id for h in timeouts.overdue(session, later)] == [handoff.id]
    lines = [{"who": "user", "text": "转人工", "at": None}]
    result = timeouts.time_out(session, POLICY, handoff.id, lines, later)
    assert result is not None and result.ticket is not None
    assert result.session.status == "timed_out" and result.session.paused
    assert result.session.callback_ticket_no == result.ticket.ticket_no
    ticket = session.query(Ticket).filter_by(ticket_no=result.ticket.ticket_no).one()
    assert ticket.kind == "RG" and ticket.transcript == lines
    assert ticket.first_reply_due == later + timedelta(hours=1)
    assert timeouts.time_out(session, POLICY, handoff.id, lines, later) is None
    assert [h.id for h in timeouts.still_paused(session, later)] == [handoff.id]
    moves.mark_paused(session, handoff.id, False)
    assert timeouts.still_paused(session, later) == []


def test_urgent_tickets_join_the_queue_at_the_top(session: Session, now: datetime) -> None:
    wang = _agent(session, "wang", now)
    waiting = _queue(session, now - timedelta(minutes=5), "patient").session
    draft = TicketDraft(kind="BX", channel="socketio", sender_id="leaky", fault_type="leak")
    urgent = ticket_service.open_ticket(session, POLICY, draft, now)  # Beijing: alert a person
    ordinary = TicketDraft(kind="BX", channel="socketio", sender_id="cold", fault_type="no_heat")
    ticket_service.open_ticket(session, POLICY, ordinary, now)
    opened = queue.queue_alerts(session, POLICY, ("console",), now)
    assert [(h.ticket_no, h.urgency, h.paused) for h in opened] == [(urgent.ticket_no, 2, False)]
    assert queue.queue_alerts(session, POLICY, ("console",), now) == []
    order = [h.id for h in desk.visible_queue(session, wang).waiting]
    assert order == [opened[0].id, waiting.id]
    overdue = timeouts.time_out(session, POLICY, opened[0].id, [], now + timedelta(minutes=10))
    assert overdue is not None and overdue.ticket is None  # the urgent ticket is the call-back
    assert overdue.session.callback_ticket_no == urgent.ticket_no
    assert timeouts.still_paused(session, now + timedelta(hours=1)) == []  # nothing to resume


def test_an_urgent_ticket_of_someone_already_waiting_raises_their_urgency(
    session: Session, now: datetime
) -> None:
    _agent(session, "wang", now)
    waiting = _queue(session, now, "leaky").session
    draft = TicketDraft(kind="BX", channel="socketio", sender_id="leaky", fault_type="leak")
    ticket_service.open_ticket(session, POLICY, draft, now)
    [raised] = queue.queue_alerts(session, POLICY, ("console",), now)
    assert (raised.id, raised.urgency, raised.paused) == (waiting.id, 2, True)


def test_an_agent_cancelling_an_urgent_ticket_closes_its_hand_off(
    session: Session, now: datetime
) -> None:
    """F2: the red team's cancelled burst-pipe ticket left its `urgent_leak` hand-off queued at
    the top of the queue; an agent's cancel now ends it (chat can no longer cancel urgent ones)."""
    wang = _agent(session, "wang", now)
    draft = TicketDraft(kind="BX", channel="socketio", sender_id="leaky", fault_type="leak")
    urgent = ticket_service.open_ticket(session, POLICY, draft, now)
    [leak] = queue.queue_alerts(session, POLICY, ("console",), now)
    with pytest.raises(Forbidden):  # only the agent holding the conversation
        agent_tickets.cancel_ticket_for(session, wang, leak.id, urgent.ticket_no, now)
    moves.pick(session, wang, leak.id, now)
    ticket, closed = agent_tickets.cancel_ticket_for(session, wang, leak.id, urgent.ticket_no, now)
    assert ticket.status == "cancelled"
    assert [h.id for h in closed] == [leak.id]
    assert desk.get_visible(session, wang, leak.id).status == "closed"
    assert _kinds(session, leak.id)[-2:] == ["ticket", "closed"]
    assert desk.visible_queue(session, wang).waiting == []
    assert queue.queue_alerts(session, POLICY, ("console",), now) == []  # not reopened
    status = session.query(TicketEvent).filter_by(kind="status").one()
    assert (status.actor, status.detail["to"]) == ("agent:wang", "cancelled")
    again = _queue(session, now, "leaky").session
    moves.pick(session, wang, again.id, now)
    with pytest.raises(Conflict):  # cancelled already
        agent_tickets.cancel_ticket_for(session, wang, again.id, urgent.ticket_no, now)


def test_revealing_numbers_is_for_the_holder_and_is_logged(session: Session, now: datetime) -> None:
    wang, li = _agent(session, "wang", now), _agent(session, "li", now)
    request = _request("u1", phone="13812345678", account_no="0102345678")
    queued = queue.enqueue(session, POLICY, request, ("console",), now, TIMEOUT)
    assert queued is not None
    with pytest.raises(Forbidden):
        moves.reveal(session, wang, queued.session.id, now)  # not picked yet
    moves.pick(session, wang, queued.session.id, now)
    assert moves.reveal(session, wang, queued.session.id, now) == {
        "phone": "13812345678",
        "account_no": "0102345678",
    }
    with pytest.raises(NotFound):
        moves.reveal(session, li, queued.session.id, now)
    reveal = session.query(HandoffEvent).filter_by(kind="reveal").one()
    assert reveal.actor == "wang" and reveal.detail == {"fields": ["account_no", "phone"]}


def test_agents_open_and_correct_tickets_of_their_user(session: Session, now: datetime) -> None:
    wang = _agent(session, "wang", now)
    request = _request("u1", address="阳光花园5号楼1单元302", phone="13812345678")
    queued = queue.enqueue(session, POLICY, request, ("console",), now, TIMEOUT)
    assert queued is not None
    handoff_id = queued.session.id
    with pytest.raises(Forbidden):
        agent_tickets.open_ticket_for(session, POLICY, wang, handoff_id, "BX", {}, now)
    moves.pick(session, wang, handoff_id, now)
    ticket = agent_tickets.open_ticket_for(
        session, POLICY, wang, handoff_id, "BX", {"description": "客服代报：暖气片漏水"}, now
    )
    assert (ticket.kind, ticket.address, ticket.phone) == (
        "BX",
        "阳光花园5号楼1单元302",
        "13812345678",
    )
    assert desk.get_visible(session, wang, handoff_id).summary["tickets"] == [ticket.ticket_no]
    updated = agent_tickets.update_ticket_for(
        session, wang, handoff_id, ticket.ticket_no, {"address": "阳光花园5号楼1单元303"}, now
    )
    assert updated.address == "阳光花园5号楼1单元303"
    other = TicketDraft(kind="BX", channel="socketio", sender_id="someone-else")
    theirs = ticket_service.open_ticket(session, POLICY, other, now)
    with pytest.raises(NotFound):
        agent_tickets.update_ticket_for(session, wang, handoff_id, theirs.ticket_no, {}, now)
    with pytest.raises(Conflict):
        agent_tickets.open_ticket_for(session, POLICY, wang, handoff_id, "BT", {}, now)


def test_the_webhook_outbox_retries_then_gives_up(session: Session, now: datetime) -> None:
    handoff = _queue(session, now, targets=("webhook",)).session
    [opened] = webhook.due_deliveries(session, now)
    assert opened.event == "handoff.opened" and b'"sender_id":"u1"' in opened.body
    webhook.record_delivery(session, opened.id, "HTTP 500", now)
    assert webhook.due_deliveries(session, now + timedelta(seconds=9)) == []
    assert len(webhook.due_deliveries(session, now + timedelta(seconds=10))) == 1
    moment = now
    for _ in range(8):
        webhook.record_delivery(session, opened.id, "timeout", moment)
        moment += timedelta(days=1)
    delivery = session.get(WebhookDelivery, opened.id)
    assert delivery is not None and delivery.status == "failed" and delivery.attempts == 9
    wang = _agent(session, "wang", now)
    moves.pick(session, wang, handoff.id, now)
    [picked] = webhook.due_deliveries(session, now)
    webhook.record_delivery(session, picked.id, None, now)
    assert session.get(WebhookDelivery, picked.id).status == "delivered"  # type: ignore[union-attr]


def test_the_call_centre_picks_up_replies_and_closes(session: Session, now: datetime) -> None:
    handoff = _queue(session, now, targets=("console", "webhook")).session
    assert not callcentre.external_seen(session, "crm-1")
    held = callcentre.external_event(session, handoff.id, "reply", "张工", "crm-1", now)
    assert (held.status, held.external_agent, held.holder) == ("active", "张工", "张工")
    assert callcentre.external_seen(session, "crm-1")
    closed = callcentre.external_event(session, handoff.id, "close", "张工", "crm-2", now)
    assert closed.status == "closed" and closed.paused
    with pytest.raises(Conflict):
        callcentre.external_target(session, handoff.id)
    events = [d.event for d in session.query(WebhookDelivery).order_by(WebhookDelivery.id)]
    assert events == ["handoff.opened", "handoff.closed"]


def test_the_call_centre_cannot_act_on_a_console_only_or_held_conversation(
    session: Session, now: datetime
) -> None:
    wang = _agent(session, "wang", now)
    console_only = _queue(session, now, "u1").session
    with pytest.raises(NotFound):
        callcentre.external_target(session, console_only.id)
    both = _queue(session, now, "u2", targets=("console", "webhook")).session
    moves.pick(session, wang, both.id, now)
    with pytest.raises(Conflict, match="本地客服"):
        callcentre.external_target(session, both.id)  # checked before a reply reaches the user
    with pytest.raises(Conflict, match="本地客服"):
        callcentre.external_event(session, both.id, "reply", "张工", "crm-9", now)
    with pytest.raises(Conflict, match="本地客服"):
        callcentre.external_event(session, both.id, "close", "张工", "crm-10", now)
    held = session.get(HandoffSession, both.id)  # still the local agent's
    assert held is not None and (held.status, held.agent_id) == ("active", wang.id)


def test_a_wechat_hand_off_is_recorded_and_closed(session: Session, now: datetime) -> None:
    request = HandoffRequest("wechat", "openid-1", "request_human", {"last_message": "转人工"})
    recorded = queue.record_wechat_kf(session, request, now)
    assert (recorded.status, recorded.targets, recorded.paused) == ("closed", ("wechat_kf",), False)
    assert store.open_session_of(session, "wechat", "openid-1") is None
