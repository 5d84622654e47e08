"""报停 and 查表 applications filed without the 户号 (产权未核实), and staff's word on ownership.

Filing shows nothing private, so a resident without the 户号 may file with an address and a
contact phone (`actions.applications`); staff call to verify the ownership before the
application takes effect. Each such filing costs that call, and a 报停 filed for a neighbour's
flat must not take effect, so three rules hold here, where every channel and replica files:

- *Limits* (`bot.policy.unverified_application_limit`, the policy's `unverified_applications`):
  at most `max_per_sender` a conversation and `max_per_phone` a contact phone in the last
  `window_hours`. Past them nothing is filed and the operators' logger
  `bot.alerts.applications` warns, the phone masked.
- *One open application a home*: while a ticket of the same kind is open for the same home, a
  second one is not filed; the resident is given its number, and a contact phone that ticket
  does not have yet goes on it as a note, once per conversation, for the staff who call.
- *Ownership in the history*: the filing writes an `ownership` event `unverified`; staff record
  `verified` (optionally linking the 户号) or `rejected` (the ticket is cancelled) with
  `decide_ownership`, each with who decided. The decision is the call the confirmation
  promised, so it meets the ticket's first-reply deadline (`bot.services.deadlines`).

The checks and the filing are one step under `lock_applications`, so parallel conversations
cannot slip past a limit or file one home twice.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session

from bot.policy import Policy, unverified_application_limit
from bot.privacy import mask_account, mask_phone, mask_text
from bot.services import tickets as ticket_service
from bot.store import accounts as account_store
from bot.store import applications as store
from bot.store import tickets as ticket_store
from bot.store.applications import OWNERSHIP, REJECTED, UNVERIFIED, VERIFIED
from bot.store.errors import InvalidInput, TicketStateError
from bot.store.models import Ticket
from bot.store.tickets import TicketDraft

logger = logging.getLogger(__name__)
#: Where refusals past a limit are reported (route it to the operators like `bot.alerts.sms`).
alerts = logging.getLogger("bot.alerts.applications")

#: The ticket kinds a resident may file without the 户号: 报停 and a meter-check visit.
KINDS = frozenset({"BT", "CB"})
FILED, OPEN_ALREADY, LIMITED = "filed", "open", "limit"
DECISIONS = (VERIFIED, REJECTED)
#: What the ticket history calls each ownership state, for staff reading it.
OWNERSHIP_NAMES = {UNVERIFIED: "产权未核实", VERIFIED: "产权已核实", REJECTED: "产权核实未通过"}
_ACCOUNT = re.compile(r"^\d{8,12}$")


@dataclass(frozen=True)
class Filing:
    """What became of an application: `filed` (`ticket` is the new one, or the one a retried
    message filed), `open` (`ticket` is the open one for the same home; `noted`: this
    conversation's contact phone was added to it now) or `limit` (nothing filed; `limit` names
    the policy key)."""

    outcome: str
    ticket: ticket_service.TicketView | None = None
    limit: str | None = None
    noted: bool = False
    #: Whether this conversation filed `ticket` itself (an `open` one may be someone else's).
    own: bool = False


def file_unverified(
    session: Session,
    policy: Policy,
    draft: TicketDraft,
    now: datetime,
    account_given: str | None = None,
) -> Filing:
    """File `draft` (a BT or CB ticket without an account) as an application whose ownership
    staff verify, unless a limit or an open application for the same home says otherwise."""
    if draft.kind not in KINDS or draft.account_no is not None:
        raise InvalidInput(f"not an application filed without the 户号: {draft.kind}")
    store.lock_applications(session)
    retried = ticket_store.filed_for_message(session, draft.dedup_key)
    if retried is not None:
        return Filing(FILED, ticket_service.view(retried), own=True)
    open_one = _open_for_home(session, draft.kind, draft)
    if open_one is not None:
        noted = _note_contact(session, open_one, draft, now)
        own = (open_one.channel, open_one.sender_id) == (draft.channel, draft.sender_id)
        logger.info(
            "application %s for the same home: %s is open; nothing filed",
            draft.kind,
            open_one.ticket_no,
        )
        return Filing(OPEN_ALREADY, ticket_service.view(open_one), noted=noted, own=own)
    limit = _limit_reached(session, policy, draft, now)
    if limit is not None:
        return Filing(LIMITED, limit=limit)
    ticket = ticket_service.open_ticket(session, policy, draft, now)
    row = ticket_store.get_ticket(session, ticket.ticket_no)
    assert row is not None  # just created in this transaction
    detail: dict[str, Any] = {"status": UNVERIFIED}
    if account_given:
        detail["account_given"] = account_given
    ticket_store.add_event(session, row, now, OWNERSHIP, f"user:{draft.channel}", detail)
    logger.info(
        "application %s filed without the 户号, contact %s",
        ticket.ticket_no,
        mask_phone(draft.phone),
    )
    return Filing(FILED, ticket, own=True)


def _open_for_home(session: Session, kind: str, home: ticket_service.Place) -> Ticket | None:
    """The open application of `kind` for the home of `home` (a draft or an account), if any."""
    return store.open_at_home(
        session,
        kind,
        ticket_service.OPEN,
        address=home.address,
        community=home.community,
        building=home.building,
        unit=home.unit,
        room=home.room,
    )


def file_household_stop(
    session: Session, policy: Policy, account_no: str, now: datetime, **fields: Any
) -> Filing:
    """A proved household's 报停 (`ticket_service.open_household_ticket`), unless one is open for
    that home already: then that one (`open`, own: the owner may hear of it). The red team filed
    two in a row with two messages; no ticket is created twice."""
    retried = ticket_store.filed_for_message(session, fields.get("dedup_key"))
    if retried is not None:
        return Filing(FILED, ticket_service.view(retried), own=True)
    account = account_store.get_account(session, account_no)
    if account is None:
        raise LookupError(account_no)
    open_one = _open_for_home(session, "BT", account)
    if open_one is not None:
        return Filing(OPEN_ALREADY, ticket_service.view(open_one), own=True)
    return Filing(
        FILED,
        ticket_service.open_household_ticket(session, policy, account_no, now, **fields),
        own=True,
    )


def _limit_reached(
    session: Session, policy: Policy, draft: TicketDraft, now: datetime
) -> str | None:
    """The policy key of the limit this filing would break (and the operators told), or None."""
    since = now - timedelta(hours=policy.unverified_applications.window_hours)
    by_sender = store.count_unverified(
        session, since, channel=draft.channel, sender_id=draft.sender_id
    )
    by_phone = store.count_unverified(session, since, phone=draft.phone) if draft.phone else 0
    limit = unverified_application_limit(policy, by_sender=by_sender, by_phone=by_phone)
    if limit is not None:
        alerts.warning(
            "application without the 户号 refused (unverified_applications.%s): conversation %s "
            "filed %d, contact %s given in %d, in the last %g h",
            limit,
            mask_text(draft.sender_id),
            by_sender,
            mask_phone(draft.phone),
            by_phone,
            policy.unverified_applications.window_hours,
        )
    return limit


def _note_contact(session: Session, ticket: Ticket, draft: TicketDraft, now: datetime) -> bool:
    """Put the contact phone of a second application for the same home on the open ticket,
    for the staff who call to verify; once per conversation, and only a phone it lacks."""
    if not draft.phone or draft.phone == ticket.phone:
        return False
    for event in ticket_store.events_of(session, ticket):
        detail = event.detail or {}
        if event.kind == "note" and detail.get("conversation") == draft.sender_id:
            return False
    text = f"同一地址再次申请（{draft.address or '地址未识别'}），联系电话 {draft.phone}"
    ticket_store.add_event(
        session,
        ticket,
        now,
        "note",
        f"user:{draft.channel}",
        {"text": text, "phone": draft.phone, "conversation": draft.sender_id},
    )
    return True


@dataclass(frozen=True)
class Ownership:
    """A ticket's ownership state: `unverified`, `verified`, `rejected`, or `None` for a ticket
    filed with the 户号."""

    ticket: ticket_service.TicketView
    status: str | None


def ownership_of(session: Session, ticket_no: str) -> Ownership:
    """Where the ownership check of a ticket stands; `LookupError` for an unknown number."""
    ticket = ticket_store.get_ticket(session, ticket_no)
    if ticket is None:
        raise LookupError(ticket_no)
    history = store.ownership_history(session, ticket)
    status = (history[-1].detail or {}).get("status") if history else None
    return Ownership(ticket_service.view(ticket), status)


class AlreadyDecided(TicketStateError):
    """The ownership of this application was verified or rejected already, or it is not one."""


def decide_ownership(
    session: Session,
    ticket_no: str,
    decision: str,
    now: datetime,
    actor: str,
    note: str | None = None,
    account_no: str | None = None,
) -> ticket_service.TicketView:
    """Record staff's word on the ownership of an application filed without the 户号.

    `verified`: the application goes ahead; a 户号 staff confirmed is linked to the ticket (an
    `updated` event), so the household's bound WeChat and phones see it. `rejected`: the
    ticket is cancelled with the note, so a 报停 for someone else's flat never takes effect.
    Either way an `ownership` event says who decided, when and why. `LookupError` for an
    unknown number; `AlreadyDecided` for a ticket that was filed with the 户号, was decided
    before, or is finished; `InvalidInput` for a bad decision or 户号.
    """
    if decision not in DECISIONS:
        raise InvalidInput(f"decision must be one of {', '.join(DECISIONS)}, got {decision!r}")
    if account_no is not None and (decision != VERIFIED or not _ACCOUNT.match(account_no)):
        raise InvalidInput("a 户号 (8–12 digits) is linked only when the ownership is verified")
    ticket = ticket_store.get_ticket(session, ticket_no)
    if ticket is None:
        raise LookupError(ticket_no)
    session.refresh(ticket, with_for_update=True)  # two agents deciding at once: one wins
    history = store.ownership_history(session, ticket)
    if not history:
        raise AlreadyDecided(f"工单 {ticket_no} 不是未核实产权的申请")
    status = (history[-1].detail or {}).get("status")
    if status != UNVERIFIED:
        decided = OWNERSHIP_NAMES.get(str(status), str(status))
        raise AlreadyDecided(f"工单 {ticket_no} 的产权已有结论：{decided}")
    if ticket.status not in ticket_service.OPEN:
        raise AlreadyDecided(f"工单 {ticket_no} 已完成或已取消")
    detail: dict[str, Any] = {"status": decision, "note": note}
    if account_no:
        detail["account_no"] = account_no
    ticket_store.add_event(session, ticket, now, OWNERSHIP, actor, detail)
    if account_no:
        ticket_store.update_ticket(session, ticket, now, actor, account_no=account_no)
    if decision == REJECTED:
        ticket_store.change_status(
            session, ticket, "cancelled", now, actor, note or OWNERSHIP_NAMES[REJECTED]
        )
    logger.info(
        "ticket %s: ownership %s by %s%s",
        ticket_no,
        decision,
        actor,
        f", 户号 {mask_account(account_no)} linked" if account_no else "",
    )
    return ticket_service.view(ticket)
