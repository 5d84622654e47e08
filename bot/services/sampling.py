"""室温抽测 (room-temperature sampling): invite the sampled households, take their answer, record
the measured temperature.

A campaign is a name and a list of households with a proposed visit window (imported as
`room_temp_samples`, `python -m bot import room_temp_samples FILE`). Each household is invited
once on its channel through the notice machinery (`bot.notify.delivery`, so opt-outs, retries and
the SMS templates apply): a WeChat or other chat sender bound to the account if one can be reached
now, else an SMS to the account's registered phone. Its 同意 / 不方便 in that conversation is
taken by `answer_invitation`; a measurement (by staff at the visit, or reported by the household) is
recorded with the policy's standard of the day by `record_result`. The quality report reads the
`measured` rows for 室温达标率 by community.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.base.clock import format_window
from bot.channels.ids import conversation_id
from bot.channels.wechat.api import window_refusal
from bot.notify.delivery import FanOut, Notice, queue_notice
from bot.policy import Policy, min_room_temp
from bot.privacy import mask_account
from bot.store import accounts as account_store
from bot.store.errors import InvalidInput, NotFound
from bot.store.inbound import last_received_at
from bot.store.models import Binding, RoomTempSample, require_aware
from bot.store.outbound import sent_since

PURPOSE = "sampling"
#: Chat channels a bound household is invited on, preferred in this order (SMS costs money).
_CHANNEL_PREFERENCE = ("wechat", "socketio", "rest", "sms")
#: A room temperature outside this range is a typo, not a measurement.
_PLAUSIBLE_C = (0.0, 40.0)


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
    """What a household's reply decided: the sample's account, its window and new status."""

    account_no: str
    visit_start: datetime
    visit_end: datetime
    status: str


def answer_invitation(
    session: Session, channel: str, sender_id: str, agree: bool, now: datetime
) -> Answer | None:
    """Take a yes or no from the conversation that was invited; `None` when no invitation of
    this sender awaits an answer (its visit must still be ahead)."""
    require_aware(now, "now")
    sample = session.execute(
        select(RoomTempSample)
        .where(
            RoomTempSample.channel == channel,
            RoomTempSample.recipient == sender_id,
            RoomTempSample.status == "invited",
            RoomTempSample.visit_start > now,
        )
        .order_by(RoomTempSample.invited_at.desc(), RoomTempSample.id.desc())
        .limit(1)
    ).scalar_one_or_none()
    if sample is None:
        return None
    sample.status = "consented" if agree else "declined"
    sample.answered_at = now
    session.flush()
    return Answer(sample.account_no, sample.visit_start, sample.visit_end, sample.status)


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
    again replaces the earlier result, since a re-measurement is the one that counts.
    """
    require_aware(measured_at, "measured_at")
    if not _PLAUSIBLE_C[0] <= temperature_c <= _PLAUSIBLE_C[1]:
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
    standard = min_room_temp(policy, old_building, outdoor_mean_c)
    sample.status = "measured"
    sample.measured_at = measured_at
    sample.temperature_c = temperature_c
    sample.standard_c = standard
    sample.meets_standard = temperature_c >= standard
    sample.source = source
    sample.photo_media_id = photo_media_id
    session.flush()
    return sample
