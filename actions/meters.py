"""查表 in the conversation: a verified household's meter, its own reading, a meter problem.

These requests go through the same verification as a fee query (verify_form), and the
verification's follow-up action hands them here (`serve_meter_request`); everything said is about
the meter and the two-part tariff, never the bill, because the standard keeps 查表 apart from 收费.
The arithmetic and the storage are in `bot.services.meters`.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy.orm import Session

from actions.common import (
    channel_of,
    in_db,
    known_communities,
    latest_text_of_intent,
    message_key,
    policy,
    previous_bot_turn,
    read_db,
    said_since_request_ended,
)
from bot.base import clock
from bot.nlu.meterreading import parse_meter_reading
from bot.privacy import mask_account
from bot.services import meters as meter_service
from bot.services.meters import MeterSummary, OwnReading, SettlementEstimate, Usage
from bot.services.outages import match_community
from bot.store import accounts as account_store

QUERY, READING, PROBLEM = "query_meter", "report_meter_reading", "report_meter_problem"
METER_PURPOSES = frozenset({QUERY, READING, PROBLEM})
"""The intents that start a 查表 request (each needs a verified account first)."""

#: Where a channel puts the media id of a photo the resident sent (WeChat image messages): a
#: meter's dial or, for a 室温抽测 household, its thermometer (actions/photos.py decides which).
PHOTO_KEY = "meter_photo"
#: The intent of a photo turn: the WeChat channel's `/send_photo`, or words announcing a photo.
PHOTO_INTENT = "send_photo"
_CATEGORY_NAMES = {"meter_fault": "热表故障", "reading_dispute": "读数异议"}
#: Messages that continue a reading report: the reading itself, the verification answers and
#: the photo.
_SAME_REQUEST = frozenset({READING, "inform", PHOTO_INTENT})
RECORDED = "utter_meter_reading_recorded"
#: The bot's replies after which the photos sent before them have been filed with a reading
#: (a meter reading, a 室温抽测 household's own reading, or a photo added to either): a photo is
#: filed once.
PHOTO_FILED = frozenset({RECORDED, "utter_sampling_reading_recorded", "utter_photo_added"})


async def serve_meter_request(
    dispatcher: CollectingDispatcher, tracker: Tracker, account: str, purpose: str
) -> None:
    """Answer the 查表 request `purpose` for the verified `account`."""
    if purpose == READING:
        await _record_reading(dispatcher, tracker, account)
    elif purpose == PROBLEM:
        await _open_problem_ticket(dispatcher, tracker, account)
    else:
        await tell_home_elsewhere(dispatcher, tracker, account)
        summary = await read_db(meter_service.meter_summary, policy(), account, clock.now())
        _show_meter(dispatcher, account, summary)


async def tell_home_elsewhere(
    dispatcher: CollectingDispatcher, tracker: Tracker, account: str
) -> None:
    """Say so when the community the resident named for this request is not the one the verified
    `account` is registered in (我是翠湖苑的 户号0102345678 查下热表读数, the account in 阳光花园):
    the answer that follows is that home's, and a 翠湖苑 resident told "no heat meter" without a
    word took it for their own (p3-047)."""
    communities = await read_db(known_communities)
    named = next(
        (
            found
            for text in reversed(said_since_request_ended(tracker))
            if (found := match_community(text, communities))
        ),
        None,
    )
    own = await read_db(_community_of_account, account)
    if named and own and named != own:
        dispatcher.utter_message(
            response="utter_account_in_other_community",
            account=mask_account(account),
            own=own,
            named=named,
        )


def _community_of_account(session: Session, account: str) -> str | None:
    found = account_store.get_account(session, account)
    return str(found.community) if found is not None else None


def _amount(value: Decimal, unit: str) -> str:
    return f"{value:,.2f} {unit}"


def _usage_sentence(usage: Usage, unit: str, season: str) -> str:
    since, until = clock.local(usage.since.read_at), clock.local(usage.until.read_at)
    return (
        f"{season} 供暖季（{since.month}月{since.day}日至{until.month}月{until.day}日）"
        f"已用热 {_amount(usage.used, unit)}。"
    )


def _comparison(summary: MeterSummary) -> str:
    """This season against the same span of the last one, and last season's total."""
    usage, unit = summary.usage, summary.unit
    parts = []
    if usage.this_season is not None and usage.last_season_same_span is not None:
        before = usage.last_season_same_span.used
        change = ""
        if before > 0:
            share = (usage.this_season.used - before) / before * 100
            change = f"，{'多' if share >= 0 else '少'}用 {abs(share):.0f}%"
        parts.append(f"上季同期用热 {_amount(before, unit)}{change}。")
    if usage.last_season is not None:
        parts.append(f"上个供暖季全季用热 {_amount(usage.last_season.used, unit)}。")
    return "".join(parts)


def _estimate_sentence(estimate: SettlementEstimate | None) -> str:
    """The two-part settlement so far and projected, against the area prepayment."""
    if estimate is None:
        return ""
    tariff = policy().metering
    text = (
        f"按两部制热价估算（基本热费 {tariff.base_price_per_m2:g} 元/m² × {estimate.area_m2:g} m² "
        f"= {estimate.base_fee:.2f} 元，计量热费 {tariff.energy_price_per_kwh:g} 元/kWh × "
        f"{estimate.used_kwh:,.2f} kWh = {estimate.energy_fee:.2f} 元），到目前合计约 "
        f"{estimate.total_so_far:.2f} 元。"
    )
    if estimate.projected_total is not None and estimate.difference is not None:
        settle = "需补交" if estimate.difference > 0 else "可退还"
        text += (
            f"照此用热到季末约 {estimate.projected_total:.2f} 元，与按面积预交的 "
            f"{estimate.prepaid:.2f} 元相比，{settle}约 {abs(estimate.difference):.2f} 元"
            f"（仅为估算，{tariff.settlement}）。"
        )
    return text


def _show_meter(
    dispatcher: CollectingDispatcher, account: str, summary: MeterSummary | None
) -> None:
    masked = mask_account(account)
    if summary is None:
        dispatcher.utter_message(response="utter_meter_not_metered", account=masked)
        return
    if summary.latest is None:
        dispatcher.utter_message(
            response="utter_meter_no_readings", account=masked, meter_no=summary.meter_no
        )
        return
    read = clock.local(summary.latest.read_at)
    this = summary.usage.this_season
    dispatcher.utter_message(
        response="utter_meter_summary",
        account=masked,
        meter_no=summary.meter_no,
        latest=_amount(summary.latest.value, summary.unit),
        read_day=f"{read.month}月{read.day}日",
        usage=_usage_sentence(this, summary.unit, summary.usage.season) if this else "",
        comparison=_comparison(summary),
        estimate=_estimate_sentence(summary.estimate),
    )


def photo_of_request(tracker: Tracker, continuing: frozenset[str]) -> str | None:
    """The media id of a photo sent for the reading the latest message gives: the photo often
    comes first (a WeChat image), the number after the bot asks for it, with messages of the
    same request (`continuing` intents) in between.

    The search stops at a reply that filed a photo (`PHOTO_FILED`) and at any message that
    asked for something else, so an earlier request's photo is never filed with a new number.
    """
    for event in reversed(tracker.events):
        if event.get("event") == "bot":
            if (event.get("metadata") or {}).get("utter_action") in PHOTO_FILED:
                return None
            continue
        if event.get("event") != "user":
            continue
        metadata: Any = event.get("metadata") or {}
        if isinstance(metadata, dict) and metadata.get(PHOTO_KEY):
            return str(metadata[PHOTO_KEY])
        if _intent_of(event) not in continuing:
            return None
    return None


def _intent_of(event: dict[str, Any]) -> str | None:
    return (event.get("parse_data") or {}).get("intent", {}).get("name")


def replies_before(tracker: Tracker) -> set[str]:
    """The responses the bot gave between the user's previous message and the latest one."""
    return {
        str(action)
        for event in previous_bot_turn(tracker)
        if (action := (event.get("metadata") or {}).get("utter_action"))
    }


def _reading_under_way(tracker: Tracker) -> bool:
    """Whether the messages before the latest one are an own-reading request still waiting for
    its number (in verification, or just asked for it)."""
    seen_latest = False
    for event in reversed(tracker.events):
        if event.get("event") == "bot":
            if seen_latest and (event.get("metadata") or {}).get("utter_action") in PHOTO_FILED:
                return False
        elif event.get("event") == "user":
            if not seen_latest:
                seen_latest = True
                continue
            intent = _intent_of(event)
            if intent == READING:
                return True
            if intent not in _SAME_REQUEST:
                return False
    return False


async def file_meter_photo(
    dispatcher: CollectingDispatcher, tracker: Tracker, media_id: str
) -> bool:
    """Keep a dial photo with its reading: added to the reading filed just before, or held
    (in the tracker) until the number of a reading under way comes. False when the photo
    belongs to no meter reading."""
    if RECORDED in replies_before(tracker):
        stored = await in_db(
            meter_service.attach_photo, channel_of(tracker), tracker.sender_id, media_id
        )
        if stored is not None:
            dispatcher.utter_message(
                response="utter_photo_added", what=f"热表读数 {_amount(stored.value, stored.unit)}"
            )
            return True
    if not _reading_under_way(tracker):
        return False
    # In a form (verification) the form asks its question next; else the number is what's missing.
    in_form = tracker.active_loop.get("name")
    dispatcher.utter_message(
        response="utter_photo_kept" if in_form else "utter_meter_photo_received"
    )
    return True


async def _record_reading(dispatcher: CollectingDispatcher, tracker: Tracker, account: str) -> None:
    """Store the resident's reading for review; without a number, ask for one."""
    reading = parse_meter_reading(latest_text_of_intent(tracker, {READING}) or "")
    if reading is None:
        dispatcher.utter_message(response="utter_meter_reading_ask")
        return
    stored: OwnReading | None = await in_db(
        meter_service.submit_own_reading,
        account,
        channel_of(tracker),
        tracker.sender_id,
        reading,
        photo_of_request(tracker, _SAME_REQUEST),
        message_key(tracker, "meter_reading"),
        clock.now(),
    )
    if stored is None:
        dispatcher.utter_message(response="utter_meter_not_metered", account=mask_account(account))
        return
    compare = ""
    if stored.latest is not None:
        read = clock.local(stored.latest.read_at)
        compare = (
            f"公司系统最近一次抄表为 {_amount(stored.latest.value, stored.unit)}"
            f"（{read.month}月{read.day}日）。"
        )
        if stored.below_company:
            compare += "您报的读数比它还小，工作人员会重点核对，如需上门查看可以回复“读数有异议”。"
    dispatcher.utter_message(
        response=RECORDED,
        value=_amount(stored.value, stored.unit),
        photo="（含表盘照片）" if stored.photo else "",
        meter_no=stored.meter_no,
        compare=compare,
    )


async def _open_problem_ticket(
    dispatcher: CollectingDispatcher, tracker: Tracker, account: str
) -> None:
    """A CB ticket for a meter fault or a disputed reading, in the resident's words."""
    ticket = await in_db(
        meter_service.open_meter_ticket,
        policy(),
        account,
        channel_of(tracker),
        tracker.sender_id,
        latest_text_of_intent(tracker, {PROBLEM}) or "",
        message_key(tracker, "CB"),
        clock.now(),
    )
    dispatcher.utter_message(
        response="utter_meter_ticket_created",
        ticket_no=ticket.ticket_no,
        what=_CATEGORY_NAMES.get(ticket.category or "", "查表"),
        account=mask_account(account),
        first_reply=clock.format_due(ticket.first_reply_due),
        on_site=clock.format_due(ticket.on_site_due),
        resolve=clock.format_due(ticket.resolve_due),
    )
