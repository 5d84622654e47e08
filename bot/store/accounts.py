"""Accounts, their bills and payments, and which senders are bound to which accounts.

These queries return data only; whether the asker may see it (verification, masking) is decided by
the caller before anything reaches a user.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select, union
from sqlalchemy.orm import Session

from bot.store.db import get_or_create
from bot.store.errors import NotFound
from bot.store.models import Account, Bill, Binding, OutageArea, Payment, require_aware


def format_address(community: str, building: str | None, unit: str | None, room: str | None) -> str:
    """The full address as people write it: `阳光花园5号楼1单元302`.

    Numeric building and unit designators get their 号楼 / 单元 suffix; named ones (`A座`) are kept.
    """
    parts = [community]
    if building:
        parts.append(f"{building}号楼" if building.isdigit() else building)
    if unit:
        parts.append(f"{unit}单元" if unit.isdigit() else unit)
    if room:
        parts.append(room)
    return "".join(parts)


def get_account(session: Session, account_no: str) -> Account | None:
    """The account with this number, if the company has it."""
    account: Account | None = session.get(Account, account_no)
    return account


def accounts_bound_to(session: Session, channel: str, sender_id: str) -> list[Account]:
    """The accounts this sender has proved it owns, in the order they were bound."""
    query = (
        select(Account)
        .join(Binding, Binding.account_no == Account.account_no)
        .where(Binding.channel == channel, Binding.sender_id == sender_id)
        .order_by(Binding.created_at, Binding.id)
    )
    return list(session.execute(query).scalars())


def bind_account(
    session: Session, channel: str, sender_id: str, account_no: str, now: datetime
) -> Binding:
    """Bind the account to the sender (after verification); binding twice returns the first one."""
    require_aware(now, "now")
    if get_account(session, account_no) is None:
        raise NotFound(f"no account {account_no}")

    def find() -> Binding | None:
        binding: Binding | None = session.execute(
            select(Binding).where(
                Binding.channel == channel,
                Binding.sender_id == sender_id,
                Binding.account_no == account_no,
            )
        ).scalar_one_or_none()
        return binding

    def create() -> Binding:
        binding = Binding(
            channel=channel, sender_id=sender_id, account_no=account_no, created_at=now
        )
        session.add(binding)
        return binding

    return get_or_create(session, find, create)


def unbind_accounts(
    session: Session, channel: str, sender_id: str, account_no: str | None = None
) -> list[str]:
    """Remove this sender's bindings (to `account_no` only, when given); the account numbers
    unbound, in the order they were bound."""
    query = select(Binding).where(Binding.channel == channel, Binding.sender_id == sender_id)
    if account_no is not None:
        query = query.where(Binding.account_no == account_no)
    bindings = list(session.execute(query.order_by(Binding.created_at, Binding.id)).scalars())
    for binding in bindings:
        session.delete(binding)
    session.flush()
    return [b.account_no for b in bindings]


def bills_of(session: Session, account_no: str) -> list[Bill]:
    """The account's bills, newest season first."""
    query = select(Bill).where(Bill.account_no == account_no).order_by(Bill.season.desc())
    return list(session.execute(query).scalars())


def payments_of(session: Session, account_no: str, limit: int = 10) -> list[Payment]:
    """The account's latest payments, newest first."""
    query = (
        select(Payment)
        .where(Payment.account_no == account_no)
        .order_by(Payment.paid_at.desc(), Payment.id.desc())
        .limit(limit)
    )
    return list(session.execute(query).scalars())


def find_communities(session: Session) -> list[str]:
    """Every community name the company knows (from accounts and outages), longest first.

    Longest first so that a caller matching names inside user text tries `和平里东区` before
    `和平里` and finds the most specific one.
    """
    names = union(select(Account.community), select(OutageArea.community))
    found = session.execute(names).scalars()
    return sorted(set(found), key=lambda name: (-len(name), name))


def unpaid_accounts(session: Session, season: str) -> set[str]:
    """Accounts whose bill for `season` (e.g. `2026-2027`) still has something to pay."""
    owing = Bill.amount_due + Bill.late_fee - Bill.amount_paid
    query = select(Bill.account_no).where(Bill.season == season, owing > 0)
    return set(session.execute(query).scalars())


def community_is_metered(session: Session, community: str) -> bool:
    """Whether most households of `community` are billed by heat meter (两部制): an estimate by
    area alone (24 元/m²) would be the wrong sum for them (翠湖苑 in the demo)."""
    kinds = (
        session.execute(select(Account.billing_kind).where(Account.community == community))
        .scalars()
        .all()
    )
    return bool(kinds) and 2 * sum(kind == "metered" for kind in kinds) > len(kinds)
