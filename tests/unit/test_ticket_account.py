"""A ticket is filed under the conversation's account only when it is for that account's home
(red-team F12, A30): a repair booked for another flat after checking one's own bill must not be
readable by everyone bound to the account, nor sit in its history."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

import pytest
from sqlalchemy.orm import Session

from bot.policy import load_policy
from bot.services import tickets as ticket_service
from bot.store import tickets as ticket_store
from bot.store.models import Account
from bot.store.tickets import TicketDraft

POLICY = load_policy("beijing")


def _repair(session: Session, now: datetime, **address: str | None) -> str | None:
    draft = TicketDraft(
        kind="BX",
        channel="rest",
        sender_id="a30",
        account_no="0102345678",
        fault_type="no_heat",
        phone="13700005555",
        **address,
    )
    opened = ticket_service.open_ticket(session, POLICY, draft, now)
    stored = ticket_store.get_ticket(session, opened.ticket_no)
    assert stored is not None
    return stored.account_no


@pytest.fixture
def zhang(add_account: Callable[..., Account]) -> Account:
    return add_account("0102345678", "阳光花园", building="5", unit="1", room="302")


@pytest.mark.usefixtures("zhang")
@pytest.mark.parametrize(
    "address",
    [
        {"community": "和平里", "building": "1", "unit": "1", "room": "101"},
        {"community": "阳光花园", "building": "7", "unit": "1", "room": "302"},
        {"community": "阳光花园", "building": "5", "unit": "1", "room": "901"},
    ],
    ids=["another community", "another building", "another room"],
)
def test_a_repair_for_another_home_is_not_filed_under_the_account(
    session: Session, now: datetime, address: dict[str, str]
) -> None:
    assert _repair(session, now, **address) is None


@pytest.mark.usefixtures("zhang")
@pytest.mark.parametrize(
    "address",
    [
        {"community": "阳光花园", "building": "5", "unit": "1", "room": "302"},
        {"community": "阳光花园", "building": "5"},  # names less than the account: still its home
        {"community": "阳光花园小区"},
        {},  # no address yet (an urgent report): the conversation's account
    ],
    ids=["the account's home", "building only", "community only", "no address"],
)
def test_a_repair_for_the_accounts_own_home_keeps_the_account(
    session: Session, now: datetime, address: dict[str, str]
) -> None:
    assert _repair(session, now, **address) == "0102345678"
