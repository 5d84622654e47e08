"""室温抽测 in the conversation: a sampled household answers its invitation with 同意 / 不方便,
withdraws a visit it agreed to, and reports its own thermometer reading (with or without a photo).

The invitation is a notice the company sent (`bot.services.sampling.invite`), so no offer of the
bot's own is pending in the conversation; a yes or no that answers no offer is taken as the
answer to an invitation still waiting for one (`answer_sampling_invitation`), and a later
不方便 withdraws the visit. A room temperature a household with a sample writes outside a form
(我家现在17度, 客厅18.5℃) is its own reading (`take_resident_reading`, called where such messages
land: `action_handle_inform`, `action_fallback`); anyone else's keeps its usual meaning. Which
household a sender is, is decided as for every account matter: the invited conversation, or a
binding (`bot.services.sampling`).
"""

from __future__ import annotations

import re

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.common import channel_of, in_db, latest_text, policy, read_db
from actions.meters import PHOTO_INTENT, photo_of_request, replies_before
from bot.base import clock
from bot.nlu.faults import fault_type_of
from bot.nlu.numbers import parse_room_reading, parse_temperature
from bot.nlu.requests import asks_for_measurement
from bot.privacy import mask_account
from bot.services.sampling import (
    PLAUSIBLE_C,
    VISIT_KIND,
    OwnSample,
    StaffResultKept,
    answer_invitation,
    attach_resident_photo,
    own_sample,
    record_resident_reading,
    visit_ticket_cancelled,
    withdraw_visit,
)
from bot.services.tickets import TicketView

RECORDED = "utter_sampling_reading_recorded"
#: Messages a reading may come in (outside forms) and the photo turn before it: a photo sent
#: before them is the thermometer's (`photo_of_request`).
_READING_TURNS = frozenset({"inform", "nlu_fallback", PHOTO_INTENT})
#: A question or a request is not a reading to file (卧室16度算达标吗, 屋里15度 你们来测测).
_NOT_A_REPORT = re.compile(
    r"[?？]|吗|么|算不算|够不够|达标不|合格不|正常不|是不是|多少度|几度|怎么办"
)
#: What says a household no longer wants the visit it agreed to; a bare 不用 (after "anything
#: else?") does not.
_WITHDRAWS = re.compile(
    "不方便|没人|不在家|来不了|别来|不用来|不要来|不参加|不同意|没空|改天|取消|换个时间|时间不行"
    "|测温|抽测|上门"
)


async def answer_sampling_invitation(
    dispatcher: CollectingDispatcher, tracker: Tracker, agree: bool
) -> bool:
    """Record the reply to this sender's open invitation and confirm it (a yes books the visit
    as a CY ticket), or withdraw a visit agreed to before; False when neither applies."""
    channel, sender, now = channel_of(tracker), tracker.sender_id, clock.now()
    answer = await in_db(answer_invitation, policy(), channel, sender, agree, now)
    if answer is None:
        return not agree and await _withdraw(dispatcher, tracker)
    if agree:
        dispatcher.utter_message(
            response="utter_sampling_consented",
            window=clock.format_window(answer.visit_start, answer.visit_end),
            ticket_no=answer.ticket_no,
        )
    else:
        dispatcher.utter_message(
            response="utter_sampling_declined", hotline=policy().company.hotline
        )
    return True


async def _withdraw(dispatcher: CollectingDispatcher, tracker: Tracker) -> bool:
    """不方便 from a household whose visit is booked: the visit and its ticket are cancelled."""
    if not _WITHDRAWS.search(latest_text(tracker)):
        return False
    withdrawn = await in_db(withdraw_visit, channel_of(tracker), tracker.sender_id, clock.now())
    if withdrawn is None:
        return False
    dispatcher.utter_message(
        response="utter_sampling_visit_withdrawn",
        window=clock.format_window(withdrawn.visit_start, withdrawn.visit_end),
        ticket_no=withdrawn.ticket_no,
        hotline=policy().company.hotline,
    )
    return True


async def after_ticket_cancelled(ticket: TicketView) -> None:
    """A household that cancels its visit's CY ticket like any ticket has declined the visit."""
    if ticket.kind == VISIT_KIND:
        await in_db(visit_ticket_cancelled, ticket.ticket_no, clock.now())


def _reported_temperature(tracker: Tracker) -> tuple[str, float | None] | None:
    """The room temperature the latest message reports, as written and in ℃ (None: a number
    no room has, 55度), or None when it reports none: no temperature, one that is not the
    room's (the standard quoted, the weather: `parse_room_reading`), a question, a request or
    a fault."""
    text = latest_text(tracker)
    if _NOT_A_REPORT.search(text) or asks_for_measurement(text) or fault_type_of(text):
        return None
    value = parse_room_reading(text)
    written = next(
        (
            str(e.get("value"))
            for e in tracker.latest_message.get("entities", [])
            if e.get("entity") == "temperature"
        ),
        None,
    )
    if value is not None:
        return written or f"{value:g}度", value
    if written is None or parse_temperature(written) is not None:
        return None
    return written, None


async def take_resident_reading(dispatcher: CollectingDispatcher, tracker: Tracker) -> bool:
    """A sampled household's own thermometer reading: recorded for its sample (`resident`,
    with the photo sent for it) and confirmed with the standard; refused when implausible or
    when staff measured it already. False (the message keeps its usual meaning) when the
    message reports no room temperature or the sender's household has no sample to report for.
    """
    reported = _reported_temperature(tracker)
    if reported is None:
        return False
    channel, sender, now = channel_of(tracker), tracker.sender_id, clock.now()
    sample = await read_db(own_sample, channel, sender, now)
    if sample is None:
        return False
    written, value = reported
    if sample.measured_by_staff:
        _say_staff_result(dispatcher, sample)
        return True
    if value is None or not PLAUSIBLE_C[0] <= value <= PLAUSIBLE_C[1]:
        dispatcher.utter_message(response="utter_sampling_reading_implausible", value=written)
        return True
    photo = photo_of_request(tracker, _READING_TURNS)
    try:
        recorded = await in_db(
            record_resident_reading, policy(), channel, sender, value, photo, now
        )
    except StaffResultKept:  # staff recorded theirs between the look and the write
        latest = await read_db(own_sample, channel, sender, now)
        _say_staff_result(dispatcher, latest if latest is not None else sample)
        return True
    _say_recorded(dispatcher, recorded)
    return True


def _verdict(sample: OwnSample) -> str:
    return "达到标准" if sample.meets_standard else "低于标准"


def _say_staff_result(dispatcher: CollectingDispatcher, sample: OwnSample) -> None:
    dispatcher.utter_message(
        response="utter_sampling_reading_staff_measured",
        temperature=f"{sample.temperature_c:g}",
        standard=f"{sample.standard_c:g}",
        verdict=_verdict(sample),
    )


def _say_recorded(dispatcher: CollectingDispatcher, sample: OwnSample) -> None:
    """The reading back with the standard's minimum and whether it meets it; below it, how to
    get a measurement, unless the booked visit is that measurement."""
    temperature, standard = float(sample.temperature_c or 0), float(sample.standard_c or 0)
    advice = ""
    if not sample.meets_standard:
        advice = f"（低 {standard - temperature:.1f} ℃）"
        if not sample.visit_ahead:
            advice += "；如需上门复测，可以回复“申请测温”"
    visit = (
        f"工作人员仍会按约定 {clock.format_window(sample.visit_start, sample.visit_end)} "
        "上门测量，结果以上门测量为准。"
        if sample.visit_ahead
        else ""
    )
    dispatcher.utter_message(
        response=RECORDED,
        account=mask_account(sample.account_no),
        temperature=f"{temperature:g}",
        photo="（含温度计照片）" if sample.photo else "",
        standard=f"{standard:g}",
        verdict=_verdict(sample),
        advice=advice,
        visit=visit,
    )


async def file_sampling_photo(
    dispatcher: CollectingDispatcher, tracker: Tracker, media_id: str
) -> bool:
    """A photo from a household with a sample: added to the reading it reported just before,
    else taken as its thermometer's and its reading asked for (the photo goes with it). False
    when the sender's household has no sample to report for."""
    channel, sender, now = channel_of(tracker), tracker.sender_id, clock.now()
    if RECORDED in replies_before(tracker):
        added = await in_db(attach_resident_photo, channel, sender, media_id, now)
        if added is not None:
            dispatcher.utter_message(
                response="utter_photo_added", what=f"室温抽测自测室温 {added.temperature_c:g} ℃"
            )
            return True
    sample = await read_db(own_sample, channel, sender, now)
    if sample is None or sample.measured_by_staff:
        return False
    dispatcher.utter_message(response="utter_sampling_photo_ask")
    return True
