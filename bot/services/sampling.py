"""室温抽测 (room-temperature sampling): invite the sampled households, take their answer, record
the measured temperature.

A campaign is a name and a list of households with a proposed visit window (imported as
`room_temp_samples`, `python -m bot import room_temp_samples FILE`). Each household is invited
once on its channel through the notice machinery (`bot.notify.delivery`, so opt-outs, retries and
the SMS templates apply): a WeChat or other chat sender bound to the account if one can be reached
now, else an SMS to the account's registered phone. Its 同意 / 不方便 in that conversation is
taken by `answer_invitation`; a 同意 opens the visit's CY (室温抽测) ticket, which a later
不方便 (`withdraw_visit`) cancels. A measurement (by staff at the visit, or reported by the
household in the chat: `record_resident_reading`) is recorded with the policy's standard of the
day by `record_result`; a household's own reading never replaces a staff one. The quality report
reads the `measured` rows for 室温达标率 by community.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import or_, select
from sqlalchemy.orm import Session
from sqlalchemy.sql import Select

from bot.base.clock import format_window
from bot.channels.ids import conversation_id
from bot.channels.wechat.api import window_refusal
from bot.notify.delivery import FanOut, Notice, queue_notice
from bot.policy import Policy, min_room_temp
from bot.privacy import mask_account
from bot.services import tickets as ticket_service
from bot.store import accounts as account_store
from bot.store import tickets as ticket_store
from bot.store.errors import InvalidInput, NotFound, StoreError
from bot.store.inbound import last_received_at
from bot.store.models import Binding, RoomTempSample, Ticket, require_aware
from bot.store.outbound import sent_since

PURPOSE = "sampling"
#: Chat channels a bound household is invited on, preferred in this order (SMS costs money).
_CHANNEL_PREFERENCE = ("wechat", "socketio", "rest", "sms")
#: A room temperature outside this range is a typo, not a measurement.
PLAUSIBLE_C = (0.0, 40.0)
#: The ticket kind of a consented visit (NLU contract: CY 室温抽测).
VISIT_KIND = "CY"
#: How long after its visit window a household may still report its own reading in the chat:
#: later the campaign is over, and a cold room is a matter for 测温 (a CW ticket).
RESIDENT_REPORT_DAYS = 7


def _reachable(session: Session, channel: str, recipient: str, now: datetime) -> bool:
    """Whether a notice can reach this conversation now. WeChat pushes only inside its
    customer-service window (a message from the user in the last 48 h, five pushes at most);
    outside it a notice waits for the user to write, which an invitation cannot: its visit
    would pass first."""
    if channel != "wechat":
        return True
    last = last_received_at(session, channel, recipient)
    sent = 0 if last is None else sent_since(session, channel, recipient, last)
    return window_refusal(last, sent, now) is None


def _recipient(session: Session, account_no: str, now: datetime) -> tuple[str, str] | None:
    """Where the household hears from us: a bound conversation that can be reached now, else
    SMS to the account's registered phone."""
    bindings = session.execute(
        select(Binding.channel, Binding.sender_id)
        .where(Binding.account_no == account_no)
        .order_by(Binding.created_at, Binding.id)
    ).all()
    for channel in _CHANNEL_PREFERENCE:
        for bound_channel, sender_id in bindings:
            if bound_channel == channel and _reachable(session, channel, sender_id, now):
                return str(channel), str(sender_id)
    account = account_store.get_account(session, account_no)
    if account is None or not account.phone:
        return None
    # The notice machinery addresses conversations; an SMS one is named by the phone.
    return "sms", conversation_id("sms", account.phone)


def invitation(sample: RoomTempSample) -> Notice:
    """The invitation notice of one sample (its key makes it go out once per household)."""
    return Notice(
        key=f"sampling:{sample.campaign}:{sample.account_no}",
        purpose=PURPOSE,
        template="sampling_invitation",
        variables={
            "account": mask_account(sample.account_no),
            "window": format_window(sample.visit_start, sample.visit_end),
        },
        expires_at=sample.visit_start,
    )


def invite(session: Session, campaign: str, now: datetime) -> FanOut:
    """Invite every household of `campaign` not invited yet whose visit is still ahead."""
    require_aware(now, "now")
    result = FanOut()
    samples = session.execute(
        select(RoomTempSample).where(
            RoomTempSample.campaign == campaign,
            RoomTempSample.status == "selected",
            RoomTempSample.visit_start > now,
        )
    ).scalars()
    for sample in samples:
        target = _recipient(session, sample.account_no, now)
        if target is None:
            continue
        channel, recipient = target
        result.add(channel, queue_notice(session, channel, recipient, invitation(sample), now))
        sample.channel, sample.recipient = channel, recipient
        sample.status, sample.invited_at = "invited", now
    session.flush()
    return result


@dataclass(frozen=True)
class Answer:
    """What a household's reply decided: the sample's account, its window, its new status and
    the visit's CY ticket (opened on consent, cancelled on a later decline)."""

    account_no: str
    visit_start: datetime
    visit_end: datetime
    status: str
    ticket_no: str | None = None


def _answer(sample: RoomTempSample) -> Answer:
    return Answer(
        sample.account_no, sample.visit_start, sample.visit_end, sample.status, sample.ticket_no
    )


def answer_invitation(
    session: Session, policy: Policy, channel: str, sender_id: str, agree: bool, now: datetime
) -> Answer | None:
    """Take a yes or no from the conversation that was invited; `None` when no invitation of
    this sender awaits an answer (its visit must still be ahead).

    A household that reported its own reading before answering has not answered yet: its
    `measured` status stays (the result counts), and a yes still books the visit. A yes opens
    the visit's CY ticket.
    """
    require_aware(now, "now")
    sample = session.execute(
        select(RoomTempSample)
        .where(
            RoomTempSample.channel == channel,
            RoomTempSample.recipient == sender_id,
            RoomTempSample.answered_at.is_(None),
            or_(
                RoomTempSample.status == "invited",
                (RoomTempSample.status == "measured") & (RoomTempSample.source == "resident"),
            ),
            RoomTempSample.invited_at.is_not(None),
            RoomTempSample.visit_start > now,
        )
        .order_by(RoomTempSample.invited_at.desc(), RoomTempSample.id.desc())
        .limit(1)
    ).scalar_one_or_none()
    if sample is None:
        return None
    if sample.status == "invited":
        sample.status = "consented" if agree else "declined"
    sample.answered_at = now
    if agree:
        sample.ticket_no = _open_visit_ticket(session, policy, sample, now).ticket_no
    session.flush()
    return _answer(sample)


def _open_visit_ticket(
    session: Session, policy: Policy, sample: RoomTempSample, now: datetime
) -> ticket_service.TicketView:
    """The CY ticket of a consented visit: the window it promises, the household's address and
    phone for the person who goes; once per household and campaign (`dedup_key`)."""
    account = account_store.get_account(session, sample.account_no)
    if account is None:
        raise NotFound(f"no account {mask_account(sample.account_no)}")
    draft = ticket_service.household_draft(
        account,
        kind=VISIT_KIND,
        channel=str(sample.channel),
        sender_id=str(sample.recipient),
        dedup_key=f"{VISIT_KIND}:{sample.campaign}:{sample.account_no}",
        visit_start=sample.visit_start,
        visit_end=sample.visit_end,
        description=f"室温抽测「{sample.campaign}」：住户同意上门测温",
    )
    return ticket_service.open_ticket(session, policy, draft, now)


def _own(query: Select, session: Session, channel: str, sender_id: str) -> Select:
    """`query` limited to the samples of this sender's household: the conversation that was
    invited, or an account the sender proved it owns (a binding), as for every account matter."""
    bound = [a.account_no for a in account_store.accounts_bound_to(session, channel, sender_id)]
    return query.where(
        or_(
            (RoomTempSample.channel == channel) & (RoomTempSample.recipient == sender_id),
            RoomTempSample.account_no.in_(bound),
        )
    )


def withdraw_visit(session: Session, channel: str, sender_id: str, now: datetime) -> Answer | None:
    """A household that agreed and now says 不方便: its CY ticket is cancelled (while nobody has
    started on it) and a consented sample becomes declined; `None` when it has no such visit
    ahead. A result already recorded stays."""
    require_aware(now, "now")
    query = select(RoomTempSample).where(
        RoomTempSample.ticket_no.is_not(None),
        RoomTempSample.status.in_(("consented", "measured")),
        RoomTempSample.visit_start > now,
    )
    for sample in session.execute(
        _own(query, session, channel, sender_id).order_by(RoomTempSample.visit_start)
    ).scalars():
        ticket = ticket_store.get_ticket(session, str(sample.ticket_no))
        if ticket is None or ticket.status not in ticket_service.CANCELLABLE:
            continue
        ticket_store.change_status(
            session, ticket, "cancelled", now, f"user:{channel}", "住户不方便，取消室温抽测上门"
        )
        return _declined(sample, now)
    return None


def visit_ticket_cancelled(session: Session, ticket_no: str, now: datetime) -> Answer | None:
    """The household cancelled its CY ticket as any ticket (取消工单): its sample is declined
    like a 不方便; `None` when the ticket is no sample's visit."""
    sample = session.execute(
        select(RoomTempSample).where(RoomTempSample.ticket_no == ticket_no)
    ).scalar_one_or_none()
    return None if sample is None else _declined(sample, now)


def _declined(sample: RoomTempSample, now: datetime) -> Answer:
    if sample.status == "consented":
        sample.status = "declined"
    sample.answered_at = now
    return _answer(sample)


@dataclass(frozen=True)
class OwnSample:
    """A household's sample as the conversation needs it, detached from the session."""

    campaign: str
    account_no: str
    visit_start: datetime
    visit_end: datetime
    status: str
    source: str | None
    temperature_c: float | None
    standard_c: float | None
    meets_standard: bool | None
    photo: bool
    visit_ahead: bool  # a consented visit that is still to come (its CY ticket open)

    @property
    def measured_by_staff(self) -> bool:
        """Whether a person measured it at the visit: the household's own reading cannot
        replace that."""
        return self.status == "measured" and self.source == "visit"


def _own_sample(
    session: Session, channel: str, sender_id: str, now: datetime
) -> RoomTempSample | None:
    """The household's newest sample it may report a reading for: invited (told of the
    sampling), not declined, and its window ended at most `RESIDENT_REPORT_DAYS` ago."""
    require_aware(now, "now")
    query = select(RoomTempSample).where(
        RoomTempSample.invited_at.is_not(None),
        RoomTempSample.status.in_(("invited", "consented", "measured")),
        RoomTempSample.visit_end >= now - timedelta(days=RESIDENT_REPORT_DAYS),
    )
    return session.execute(
        _own(query, session, channel, sender_id)
        .order_by(RoomTempSample.visit_start.desc(), RoomTempSample.id.desc())
        .limit(1)
    ).scalar_one_or_none()


def _view(session: Session, sample: RoomTempSample, now: datetime) -> OwnSample:
    ticket = ticket_store.get_ticket(session, sample.ticket_no) if sample.ticket_no else None
    return OwnSample(
        campaign=sample.campaign,
        account_no=sample.account_no,
        visit_start=sample.visit_start,
        visit_end=sample.visit_end,
        status=sample.status,
        source=sample.source,
        temperature_c=sample.temperature_c,
        standard_c=sample.standard_c,
        meets_standard=sample.meets_standard,
        photo=sample.photo_media_id is not None,
        visit_ahead=ticket is not None
        and ticket.status in ticket_service.CANCELLABLE
        and sample.visit_end > now,
    )


def own_sample(session: Session, channel: str, sender_id: str, now: datetime) -> OwnSample | None:
    """The sample this sender's household may report its own reading for, if any."""
    sample = _own_sample(session, channel, sender_id, now)
    return None if sample is None else _view(session, sample, now)


class StaffResultKept(StoreError):
    """A household's own reading would replace the one staff measured at the visit."""


def record_resident_reading(
    session: Session,
    policy: Policy,
    channel: str,
    sender_id: str,
    temperature_c: float,
    photo_media_id: str | None,
    now: datetime,
) -> OwnSample:
    """Record the reading a household reported in the chat for its own sample (`source`
    `resident`), judged by the policy's standard; `NotFound` without a sample to report for,
    `StaffResultKept` when staff measured it, `InvalidInput` outside 0–40 ℃."""
    sample = _own_sample(session, channel, sender_id, now)
    if sample is None:
        raise NotFound("no sample of this household takes a reading")
    recorded = record_result(
        session,
        policy,
        sample.campaign,
        sample.account_no,
        temperature_c,
        now,
        source="resident",
        photo_media_id=photo_media_id,
    )
    return _view(session, recorded, now)


def attach_resident_photo(
    session: Session, channel: str, sender_id: str, media_id: str, now: datetime
) -> OwnSample | None:
    """A thermometer photo sent just after the household's own reading: kept with that reading
    (never with a staff result, never over a photo already kept); `None` when none takes it."""
    sample = _own_sample(session, channel, sender_id, now)
    if (
        sample is None
        or sample.status != "measured"
        or sample.source != "resident"
        or sample.photo_media_id is not None
    ):
        return None
    sample.photo_media_id = media_id
    session.flush()
    return _view(session, sample, now)


@dataclass(frozen=True)
class CampaignRow:
    """One household of a campaign as field staff read it (`sampling list`)."""

    account_no: str
    visit_start: datetime
    visit_end: datetime
    status: str
    temperature_c: float | None
    source: str | None
    ticket_no: str | None
    ticket_status: str | None


def campaign_rows(session: Session, campaign: str) -> list[CampaignRow]:
    """Every household of `campaign` in visit order, with its visit ticket's status."""
    rows = session.execute(
        select(RoomTempSample, Ticket.status)
        .outerjoin(Ticket, Ticket.ticket_no == RoomTempSample.ticket_no)
        .where(RoomTempSample.campaign == campaign)
        .order_by(RoomTempSample.visit_start, RoomTempSample.account_no)
    ).all()
    return [
        CampaignRow(
            sample.account_no,
            sample.visit_start,
            sample.visit_end,
            sample.status,
            sample.temperature_c,
            sample.source,
            sample.ticket_no,
            ticket_status,
        )
        for sample, ticket_status in rows
    ]


def record_result(
    session: Session,
    policy: Policy,
    campaign: str,
    account_no: str,
    temperature_c: float,
    measured_at: datetime,
    *,
    source: str = "visit",
    photo_media_id: str | None = None,
    old_building: bool = False,
    outdoor_mean_c: float | None = None,
) -> RoomTempSample:
    """Record the room temperature measured for a sampled household, with the standard it is
    judged by (`min_room_temp` of the policy: the old-building exception only when it applies).

    A household that declined can still be measured later (it changed its mind); recording
    again replaces the earlier result, since a re-measurement is the one that counts, except
    that the household's own reading (`resident`) never replaces staff's (`visit`):
    `StaffResultKept`. A staff result closes the visit's CY ticket.
    """
    require_aware(measured_at, "measured_at")
    if not PLAUSIBLE_C[0] <= temperature_c <= PLAUSIBLE_C[1]:
        raise InvalidInput(f"room temperature {temperature_c} ℃ is not plausible")
    if source not in ("visit", "resident"):
        raise InvalidInput(f"source must be visit or resident, not {source!r}")
    sample = session.execute(
        select(RoomTempSample).where(
            RoomTempSample.campaign == campaign, RoomTempSample.account_no == account_no
        )
    ).scalar_one_or_none()
    if sample is None:
        raise NotFound(f"account {mask_account(account_no)} is not sampled in {campaign!r}")
    if source == "resident" and sample.source == "visit":
        raise StaffResultKept(f"account {mask_account(account_no)} was measured at the visit")
    standard = min_room_temp(policy, old_building, outdoor_mean_c)
    sample.status = "measured"
    sample.measured_at = measured_at
    sample.temperature_c = temperature_c
    sample.standard_c = standard
    sample.meets_standard = temperature_c >= standard
    sample.source = source
    sample.photo_media_id = photo_media_id
    if source == "visit":
        _close_visit_ticket(session, sample, measured_at)
    session.flush()
    return sample


#: How a CY ticket still open reaches `done` once staff have measured: the ticket store allows
#: only one step at a time, and each step is recorded as an event, so the ticket's history says
#: the result closed it.
_TO_DONE: dict[str, tuple[str, ...]] = {
    "new": ("assigned", "in_progress", "done"),
    "assigned": ("in_progress", "done"),
    "in_progress": ("done",),
}


def _close_visit_ticket(session: Session, sample: RoomTempSample, now: datetime) -> None:
    """The staff result is the visit done: its CY ticket is closed, so the deadline watch stops
    escalating a visit that happened and 查工单 tells the household 已办结. A cancelled ticket
    (the household declined, then was measured anyway) stays cancelled."""
    ticket = ticket_store.get_ticket(session, str(sample.ticket_no)) if sample.ticket_no else None
    if ticket is None:
        return
    note = f"抽测结果已登记：{sample.temperature_c:g} ℃"
    for status in _TO_DONE.get(ticket.status, ()):
        ticket_store.change_status(session, ticket, status, now, "staff:sampling", note)
