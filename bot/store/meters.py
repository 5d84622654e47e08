"""Heat meters (热计量), the company's readings of them, and the readings residents send in.

Two kinds of reading are kept apart on purpose. `MeterReading` rows come only from the company's
reading system (the CSV importer) and are what 查表 answers and settlements use; a resident's
own reading is a `MeterReadingSubmission`, stored for a person to review and never written over
a company reading, whatever number it carries.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.store.db import get_or_create
from bot.store.errors import InvalidInput, NotFound
from bot.store.models import Meter, MeterReading, MeterReadingSubmission, require_aware


@dataclass(frozen=True)
class Reading:
    """One company reading, detached from the session: when, and the cumulative value."""

    read_at: datetime
    value: Decimal


def meters_of_account(session: Session, account_no: str) -> list[Meter]:
    """The account's meters, oldest first (a household usually has one)."""
    query = (
        select(Meter)
        .where(Meter.account_no == account_no)
        .order_by(Meter.created_at, Meter.meter_no)
    )
    return list(session.execute(query).scalars())


def readings_of(session: Session, meter_no: str) -> list[Reading]:
    """Every company reading of the meter, in time order."""
    query = (
        select(MeterReading.read_at, MeterReading.value)
        .where(MeterReading.meter_no == meter_no)
        .order_by(MeterReading.read_at)
    )
    return [Reading(row.read_at, Decimal(row.value)) for row in session.execute(query)]


@dataclass(frozen=True)
class SubmissionDraft:
    """A resident's reading as the conversation received it."""

    meter_no: str
    account_no: str
    channel: str
    sender_id: str
    value: Decimal
    written: str
    photo_media_id: str | None = None
    dedup_key: str | None = None


def submit_reading(
    session: Session, draft: SubmissionDraft, now: datetime
) -> MeterReadingSubmission:
    """Store a resident's reading for review (status `pending`); a repeated `dedup_key` (the
    channel retried the message) returns the first one instead of storing it twice.

    The meter must belong to the account: a reading is never filed against someone else's meter.
    """
    require_aware(now, "now")
    meter = session.get(Meter, draft.meter_no)
    if meter is None or meter.account_no != draft.account_no:
        raise NotFound(f"no meter {draft.meter_no} on this account")
    if draft.value < 0:
        raise InvalidInput("a meter reading cannot be negative")

    def find() -> MeterReadingSubmission | None:
        if draft.dedup_key is None:
            return None
        found: MeterReadingSubmission | None = session.execute(
            select(MeterReadingSubmission).where(
                MeterReadingSubmission.dedup_key == draft.dedup_key
            )
        ).scalar_one_or_none()
        return found

    def create() -> MeterReadingSubmission:
        submission = MeterReadingSubmission(
            meter_no=draft.meter_no,
            account_no=draft.account_no,
            channel=draft.channel,
            sender_id=draft.sender_id,
            value=draft.value,
            written=draft.written[:64],
            photo_media_id=draft.photo_media_id,
            status="pending",
            dedup_key=draft.dedup_key,
            submitted_at=now,
        )
        session.add(submission)
        session.flush()
        return submission

    return get_or_create(session, find, create)


def submissions_of(session: Session, meter_no: str) -> list[MeterReadingSubmission]:
    """The residents' readings of a meter, newest first (for review and for tests)."""
    query = (
        select(MeterReadingSubmission)
        .where(MeterReadingSubmission.meter_no == meter_no)
        .order_by(MeterReadingSubmission.submitted_at.desc(), MeterReadingSubmission.id.desc())
    )
    return list(session.execute(query).scalars())


def latest_submission_of_sender(
    session: Session, channel: str, sender_id: str
) -> MeterReadingSubmission | None:
    """The newest reading this conversation filed (a photo sent just after it belongs to it)."""
    query = (
        select(MeterReadingSubmission)
        .where(
            MeterReadingSubmission.channel == channel,
            MeterReadingSubmission.sender_id == sender_id,
        )
        .order_by(MeterReadingSubmission.submitted_at.desc(), MeterReadingSubmission.id.desc())
        .limit(1)
    )
    return session.execute(query).scalar_one_or_none()
