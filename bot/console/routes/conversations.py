"""The agent's work: the queue, one conversation, the moves on it, and the user's tickets.

Each move changes the hand-off's state first (`bot.handoff`, in a worker thread) and
then tells Rasa, which delivers on the user's own channel. When Rasa cannot deliver, the move
still stands and the agent is told why in `note` (or, for a reply, the reply is refused with
502 and not recorded); a resume that did not land is retried by the scheduler's hand-off jobs.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse
from sqlalchemy.orm import Session

from bot import metrics
from bot.base import clock
from bot.console import present
from bot.console.api import actor_of, agent_json, body, console_of, text
from bot.handoff import agent_tickets, agents, desk, messages, moves, rules
from bot.handoff.rasa import RasaError
from bot.handoff.resume import give_back, tell_requeued
from bot.handoff.rules import Actor
from bot.handoff.transcript import agent_message, bot_message, transcript_of
from bot.policy import Policy
from bot.privacy import mask_text
from bot.store.db import in_session

NOT_LIVE = "该渠道不能实时推送：回复已记入对话记录，但用户收不到，请电话联系用户。"

conversations = Blueprint("conversations")


def _fields(data: dict[str, Any]) -> dict[str, str | None]:
    """The ticket fields an agent may fill in, from a request body."""
    return {key: text(data, key, required=False) for key in agent_tickets.AGENT_TICKET_FIELDS}


@conversations.get("/api/queue")
async def queue(request: Request) -> HTTPResponse:
    """The waiting conversations, the agent's own, and the colleagues online."""
    console = console_of(request)
    actor, moment = actor_of(request), console.now()
    lists = await in_session(desk.visible_queue, actor)
    online = await in_session(
        agents.colleagues, actor, moment, console.handoff.agent_timeout_seconds
    )
    return response.json(
        {
            "waiting": [present.session_json(h, actor, moment) for h in lists.waiting],
            "handling": [present.session_json(h, actor, moment) for h in lists.handling],
            "colleagues": [agent_json(a) for a in online],
        }
    )


@conversations.get("/api/sessions/<session_id:int>")
async def detail(request: Request, session_id: int) -> HTTPResponse:
    """One conversation: the store's rows, Rasa's transcript, and what the agent may do."""
    console = console_of(request)
    actor, moment = actor_of(request), console.now()
    found = await in_session(_details, actor, session_id, console.policy, moment)
    full = rules.sees_full_numbers(actor)
    try:
        tracker = await console.rasa.tracker(found["session"].sender_id)
        lines = transcript_of(tracker, mask=None if full else mask_text)
        transcript_error = None
    except RasaError as exc:
        lines, transcript_error = [], str(exc)
    handoff_view = found["session"]
    return response.json(
        {
            "session": present.session_json(handoff_view, actor, moment),
            "collected": present.collected_json(handoff_view.summary, actor),
            "account": present.account_json(found["account"], actor),
            "tickets": [present.ticket_json(t, actor) for t in found["tickets"]],
            "history": present.history_json(found["history"]),
            "transcript": lines,
            "transcript_error": transcript_error,
            "can": {
                "pick": rules.can_pick(actor, handoff_view.status),
                "handle": rules.can_handle(actor, handoff_view.status, handoff_view.agent_id),
                "close": rules.can_close(actor, handoff_view.status, handoff_view.agent_id),
                "full_numbers": full,
            },
        }
    )


def _details(
    session: Session, actor: Actor, session_id: int, policy: Policy, now: datetime
) -> dict[str, Any]:
    """Everything of one conversation the store holds, in one transaction."""
    found = desk.get_visible(session, actor, session_id)
    today = clock.local(now).date()
    return {
        "session": found,
        "account": desk.account_overview(
            session, policy, found.summary.get("account_no"), today
        ),
        "tickets": desk.tickets_of(session, found),
        "history": desk.history(session, actor, session_id),
    }


@conversations.post("/api/sessions/<session_id:int>/pick")
async def pick(request: Request, session_id: int) -> HTTPResponse:
    """Take a waiting conversation: the bot pauses, the user is greeted by the agent."""
    body(request)
    console = console_of(request)
    actor = actor_of(request)
    picked = await in_session(moves.pick, actor, session_id, console.now())
    if picked.picked_at is not None:
        waited = (picked.picked_at - picked.created_at).total_seconds()
        metrics.HANDOFF_WAIT_SECONDS.observe(max(waited, 0.0))
    events = [] if picked.paused else [{"event": "pause"}]
    if rules.announces_handover(picked.channel):
        events.append(agent_message(messages.picked(actor.display_name), actor.display_name))
    note = None
    if events:
        try:
            await console.rasa.append(picked.sender_id, events, picked.channel)
            await in_session(moves.mark_paused, picked.id, True)
        except RasaError as exc:
            note = f"已接入，但通知用户失败：{exc}"
    return response.json({"ok": True, "note": note})


@conversations.post("/api/sessions/<session_id:int>/reply")
async def reply(request: Request, session_id: int) -> HTTPResponse:
    """Send the agent's words on the user's channel, then record them."""
    message = text(body(request), "text") or ""
    console = console_of(request)
    actor = actor_of(request)
    held = await in_session(moves.held, actor, session_id)
    await console.rasa.append(
        held.sender_id, [agent_message(message, actor.display_name)], held.channel
    )
    await in_session(moves.record_reply, actor, session_id, message, console.now())
    note = None if rules.delivers_live(held.channel) else NOT_LIVE
    return response.json({"ok": True, "note": note})


@conversations.post("/api/sessions/<session_id:int>/release")
async def release(request: Request, session_id: int) -> HTTPResponse:
    """Put the conversation back in the queue; the user is told they wait again."""
    body(request)
    console = console_of(request)
    pickup = console.policy.handoff.pickup_minutes
    released = await in_session(
        moves.release, actor_of(request), session_id, console.now(), pickup
    )
    undelivered = await tell_requeued(console.rasa, released, pickup)
    note = f"已退回队列，但通知用户失败：{undelivered}" if undelivered else None
    return response.json({"ok": True, "note": note})


@conversations.post("/api/sessions/<session_id:int>/transfer")
async def transfer(request: Request, session_id: int) -> HTTPResponse:
    """Hand the conversation to a colleague online now."""
    to = text(body(request), "to") or ""
    console = console_of(request)
    moved = await in_session(
        moves.transfer,
        actor_of(request),
        session_id,
        to,
        console.now(),
        console.handoff.agent_timeout_seconds,
    )
    note = None
    if rules.announces_handover(moved.channel) and moved.agent_name:
        try:
            message = bot_message(messages.transferred(moved.agent_name), moved.agent_name)
            await console.rasa.append(moved.sender_id, [message], moved.channel)
        except RasaError as exc:
            note = f"已转接，但通知用户失败：{exc}"
    return response.json({"ok": True, "note": note})


@conversations.post("/api/sessions/<session_id:int>/close")
async def close(request: Request, session_id: int) -> HTTPResponse:
    """End the conversation and give the user back to the bot, with a closing text."""
    closing = text(body(request), "text", required=False) or messages.closed()
    console = console_of(request)
    ended = await in_session(moves.close, actor_of(request), session_id, console.now())
    undelivered = await give_back(console.rasa, ended, closing)
    note = f"机器人已恢复，但结束语未送达：{undelivered}" if undelivered else None
    return response.json({"ok": True, "note": note})


@conversations.post("/api/sessions/<session_id:int>/reveal")
async def reveal(request: Request, session_id: int) -> HTTPResponse:
    """The full numbers of a conversation the agent holds (logged)."""
    body(request)
    console = console_of(request)
    numbers = await in_session(
        moves.reveal, actor_of(request), session_id, console.now()
    )
    return response.json({"numbers": numbers})


@conversations.post("/api/sessions/<session_id:int>/tickets")
async def open_ticket(request: Request, session_id: int) -> HTTPResponse:
    """Open a ticket for the user from what the bot collected and the agent filled in."""
    data = body(request)
    kind = str(data.get("kind") or "")
    console = console_of(request)
    actor = actor_of(request)
    ticket = await in_session(
        agent_tickets.open_ticket_for,
        console.policy,
        actor,
        session_id,
        kind,
        _fields(data),
        console.now(),
    )
    return response.json({"ticket": present.ticket_json(ticket, actor)})


@conversations.post("/api/sessions/<session_id:int>/tickets/<ticket_no:str>")
async def update_ticket(request: Request, session_id: int, ticket_no: str) -> HTTPResponse:
    """Correct a ticket of this user."""
    console = console_of(request)
    actor, fields = actor_of(request), _fields(body(request))
    ticket = await in_session(
        agent_tickets.update_ticket_for, actor, session_id, ticket_no, fields, console.now()
    )
    return response.json({"ticket": present.ticket_json(ticket, actor)})


@conversations.post("/api/sessions/<session_id:int>/tickets/<ticket_no:str>/cancel")
async def cancel_ticket(request: Request, session_id: int, ticket_no: str) -> HTTPResponse:
    """Cancel a ticket of this user; the hand-offs opened for it end and get the bot back."""
    body(request)
    console = console_of(request)
    actor = actor_of(request)
    ticket, closed = await in_session(
        agent_tickets.cancel_ticket_for, actor, session_id, ticket_no, console.now()
    )
    problems = [
        problem
        for ended in closed
        if (problem := await give_back(console.rasa, ended, messages.ticket_cancelled(ticket_no)))
    ]
    note = f"工单已取消，但通知用户失败：{problems[0]}" if problems else None
    return response.json(
        {
            "ticket": present.ticket_json(ticket, actor),
            "closed_sessions": [ended.id for ended in closed],
            "note": note,
        }
    )
