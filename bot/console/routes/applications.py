"""Staff's word on the ownership of an application filed without the 户号 (产权未核实).

A resident without the 户号 may file a 报停 or a meter-check visit with an address and a contact
phone; staff call, check the 房产证 and the owner's ID, and record here what they found
(`bot.services.applications.decide_ownership`): `verified` lets the application go ahead (a
户号 they confirmed is linked to the ticket), `rejected` cancels it, with the reason. The
ticket's history says who decided, when and why.

Any logged-in agent may decide, as any agent makes the call: the login check and the CSRF
header of `session.require_login` guard the route like every other write, and the decision is
recorded as `agent:<username>`. A decision is made once: a second one, on a ticket filed with
the 户号, or on a finished ticket is a conflict (409).
"""

from __future__ import annotations

from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.console import present
from bot.console.api import ApiError, actor_of, body, console_of, text
from bot.services.applications import DECISIONS, REJECTED, AlreadyDecided, decide_ownership
from bot.store.db import in_session
from bot.store.errors import InvalidInput, TicketStateError

applications = Blueprint("applications")


@applications.post("/api/tickets/<ticket_no:str>/ownership")
async def ownership(request: Request, ticket_no: str) -> HTTPResponse:
    """Record `decision` (`verified` / `rejected`) on the application `ticket_no`, with a `note`
    (required for a rejection: the resident's application is withdrawn for it) and, when
    verified, the `account_no` staff confirmed."""
    data = body(request)
    decision = str(data.get("decision") or "")
    if decision not in DECISIONS:
        raise ApiError(400, f"decision 须为 {' 或 '.join(DECISIONS)}")
    note = text(data, "note", required=decision == REJECTED)
    account_no = text(data, "account_no", required=False)
    console = console_of(request)
    actor = actor_of(request)
    number = ticket_no.strip().upper()
    try:
        ticket = await in_session(
            decide_ownership,
            number,
            decision,
            console.now(),
            f"agent:{actor.username}",
            note,
            account_no,
        )
    except LookupError:
        raise ApiError(404, f"没有工单 {number}") from None
    except TicketStateError as exc:  # decided already, not such an application, or finished
        message = str(exc) if isinstance(exc, AlreadyDecided) else f"工单 {number} 已完成或已取消"
        raise ApiError(409, message) from None
    except InvalidInput as exc:
        raise ApiError(400, str(exc)) from None
    return response.json(
        {"ticket": present.ticket_json(ticket, actor), "ownership": decision}
    )
