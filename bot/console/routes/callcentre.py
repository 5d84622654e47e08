"""The call centre's inbound API: its agents' replies and closes, signed (docs/handoff.md).

No login: each event is signed with `HANDOFF_WEBHOOK_SECRET` and carries a fresh `sent_at`
(`bot.handoff.webhook.parse_inbound`), and an event id seen before is answered `duplicate`
without acting again. The outbound events are posted by the scheduler's hand-off jobs.
"""

from __future__ import annotations

from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.console.api import ApiError, console_of
from bot.handoff import callcentre as handoff_callcentre
from bot.handoff import messages
from bot.handoff.resume import give_back
from bot.handoff.signing import SIGNATURE_HEADER
from bot.handoff.transcript import agent_message
from bot.handoff.webhook import InboundRejected, parse_inbound
from bot.store.db import in_session

callcentre = Blueprint("callcentre")


@callcentre.post("/api/handoff/events", ctx_public=True)
async def inbound(request: Request) -> HTTPResponse:
    """One event of the call centre: a reply goes to the user, a close gives them back."""
    console = console_of(request)
    handoff = console.handoff
    if "webhook" not in handoff.targets or handoff.webhook_secret is None:
        raise ApiError(404, "the webhook target is not configured")
    moment = console.now()
    try:
        event = parse_inbound(
            request.body or b"",
            request.headers.get(SIGNATURE_HEADER),
            handoff.webhook_secret,
            moment,
        )
    except InboundRejected as exc:
        raise ApiError(exc.status, str(exc)) from None
    if await in_session(handoff_callcentre.external_seen, event.id):
        return response.json({"status": "duplicate"})
    target = await in_session(handoff_callcentre.external_target, event.conversation_id)
    if event.kind == "reply" and event.text:
        await console.rasa.append(
            target.sender_id, [agent_message(event.text, event.agent)], target.channel
        )
    changed = await in_session(
        handoff_callcentre.external_event, target.id, event.kind, event.agent, event.id, moment
    )
    note = None
    if changed.status == "closed":
        note = await give_back(console.rasa, changed, event.text or messages.closed())
    return response.json({"status": "ok", "conversation": changed.status, "note": note})
