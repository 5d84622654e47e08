"""A ticket seen or withdrawn from another conversation: its number and the whole contact phone
recorded on it.

A resident who filed a repair by phone, or in another chat, and writes 我要取消工单BX… here was
told the ticket was not theirs (player findings 2, class G). The number alone must not show or
change anyone's ticket (ticket numbers are sequential, docs/security.md), so the resident proves
it with the contact phone written on the ticket, compared in full like a whole mobile number in
`bot.services.accounts._proves`. The check spends the same limits as an account's digits
(`bot.services.accounts.check_proof`): this sender's failures, the ticket's, and the budgets
across accounts and tickets, so trying numbers with phones is as slow as trying 户号 with digits.

The proof is recorded as a successful try under the ticket's key; from then on the ticket is
this conversation's to see, note, chase and withdraw (`bot.services.tickets._visible`,
`TicketView.proven`). An urgent ticket still goes through the duty phone.
"""

from __future__ import annotations

import hashlib
from datetime import datetime

from sqlalchemy.orm import Session

from bot.nlu.numbers import normalise_contact_number, normalise_ticket_no
from bot.policy import Policy
from bot.services.accounts import Verification, check_proof
from bot.store import tickets as ticket_store
from bot.store import verification as verification_store


def proof_key(ticket_no: str) -> str:
    """The key a ticket's proofs are counted under in `verification_attempts` (12 characters,
    as an account number's column allows; `T` and hex never read as a 10-digit 户号)."""
    number = normalise_ticket_no(ticket_no) or ticket_no.strip().upper()
    return "T" + hashlib.sha256(number.encode()).hexdigest()[:11]


def proven(session: Session, channel: str, sender_id: str, ticket_no: str) -> bool:
    """Whether this conversation has proved the ticket with its contact phone before."""
    return verification_store.verified_before(session, channel, sender_id, proof_key(ticket_no))


def prove_ticket(
    session: Session,
    policy: Policy,
    channel: str,
    sender_id: str,
    ticket_no: str,
    phone: str,
    now: datetime,
    source: str | None = None,
) -> Verification:
    """Check `phone` against the contact phone of ticket `ticket_no`, under the verification
    limits. A ticket that does not exist, or has no phone, fails and counts like a wrong phone,
    so an answer never tells whether a number exists.

    Only a whole number proves a ticket: four digits would be a one-in-ten-thousand guess with
    the number printed on every SMS, so `ValueError` for anything else (the caller asks again,
    nothing counted).
    """
    whole = normalise_contact_number(phone)
    if whole is None:
        raise ValueError("a ticket is proved by a whole phone number")

    def on_ticket() -> str | None:
        ticket = ticket_store.get_ticket(session, normalise_ticket_no(ticket_no) or ticket_no)
        return ticket.phone if ticket is not None else None

    return check_proof(
        session, policy, channel, sender_id, proof_key(ticket_no), on_ticket, whole, now, source
    )
