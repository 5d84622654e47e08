"""Follow-ups about the heating stop the resident was told of, answered against that stop
(player findings 5, class F; the kinds: `bot.nlu.stop_follow_ups`).

The outage answer names the stop and its times; what residents ask next was answered by the
topic the classifier picked or by the times again:

- **a refund for the stop** (这一天的钱退不退, 天天这么停 能少交点不): the policy's rule (below the
  standard and not restored within `refund.not_fixed_within_hours`), applied to this stop: when it
  began, when it is expected back, whether that is within the hours, and what happens if not;
- **goods spoilt by the cold** (冻坏的货你们赔不赔): not the daily-fee refund; registered as a
  complaint a person looks into, with the proof to keep, and offered at once;
- **what the household does that day** (在家等着就行？, 要不要留人, 师傅要进屋吗, 要不要关阀门):
  work on the network needs nobody at home and no valve touched; the times; the care tips and the
  notices offered;
- **their trouble and the stop, one thing or not** (是一回事吗): a cold home in a stop is the
  stop; a leak or another fault the conversation filed is not, and its ticket stands;
- **a restore time supposed back** (那就是说晚上十一点多才有热乎气？): confirmed or put right,
  and the heat takes hours to come through once it is back.

Nothing is said when the resident's community has no stop now or ahead (the message then goes
its own way), and the store not answering says nothing either.
"""

from __future__ import annotations

import logging
import re
from datetime import timedelta

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy.exc import SQLAlchemyError

from actions.common import (
    bot_said_within,
    bot_turns,
    channel_of,
    latest_text,
    policy,
    read_db,
)
from actions.outage import NOT_STARTED, community_of, describe, time_left
from bot.base import clock
from bot.nlu.stop_follow_ups import (
    SaidTime,
    claims_losses,
    demands_compensation,
    stop_follow_up,
    time_supposed,
)
from bot.policy.faq import number_text, refund_policy_text
from bot.services import tickets as ticket_service
from bot.services.outages import OutageView, outages_in

logger = logging.getLogger(__name__)

#: How many of the bot's turns back a stop it told is still the one a short follow-up is about
#: (the stop, then an urgent ticket, the care tips and the phone completed: p5-001's
#: 那就是说晚上十一点多才有热乎气？ came four turns after the stop was told).
STOP_TALK_TURNS = 6
#: The answer to goods spoilt by the cold, which offers to register a complaint.
LOSSES_ANSWER = "utter_stop_losses"
#: The offer after the losses answer: a yes registers the claim (`start_losses_claim`).
LOSSES_OFFER = "losses_claim"
#: How many of the resident's messages back the claim may have been told.
CLAIM_LOOKBACK = 4
#: Work on the network (管网, 管线, 换热站 …), which needs nobody let into homes.
_NETWORK_WORK = re.compile(r"管网|管线|主管|干管|换热站|热力站|热源|锅炉|外网|管道")


def stop_in_talk(tracker: Tracker, turns: int = STOP_TALK_TURNS) -> bool:
    """Whether the bot told a stop (`utter_outage_found`) in its last `turns` turns."""
    return any(
        (event.get("metadata") or {}).get("utter_action") == "utter_outage_found"
        for turn in bot_turns(tracker)[:turns]
        for event in turn
    )


async def _the_stop(tracker: Tracker) -> tuple[str, OutageView] | None:
    """The resident's community and the stop a follow-up is about: the one under way, else the
    next one announced; None when there is none (or the store cannot say)."""
    try:
        community = await community_of(tracker)
        if community is None:
            return None
        now = clock.now()
        stops = await read_db(outages_in, community, now)
    except SQLAlchemyError:
        logger.warning("outage follow-up skipped: the store cannot be read")
        return None
    if not stops:
        return None
    active = [stop for stop in stops if stop.active(now)]
    return community, (active or sorted(stops, key=lambda s: s.starts_at))[0]


async def answer_stop_follow_up(
    dispatcher: CollectingDispatcher, tracker: Tracker
) -> list[EventType] | None:
    """Answer a follow-up about the resident's stop (module docstring); None when the latest
    message is none or there is no stop to answer it against (nothing said)."""
    kind = stop_follow_up(latest_text(tracker), stop_in_talk(tracker))
    if kind is None:
        return None
    found = await _the_stop(tracker)
    if found is None:
        return None
    community, stop = found
    if kind == "refund":
        tell_refund_for_stop(dispatcher, community, stop)
        return []
    if (
        kind == "losses"
        and demands_compensation(latest_text(tracker))
        and bot_said_within(tracker, {LOSSES_ANSWER}, 1)
    ):
        # 停暖把我店里的酸奶冻坏了 要赔偿 right after the answer that offers to register it: the
        # claim demanded is the yes (asked a third time, the resident was trapped: p5-031)
        return start_losses_claim(tracker)
    if kind == "losses":
        rules = policy()
        dispatcher.utter_message(
            response=LOSSES_ANSWER,
            reply_hours=number_text(rules.response.first_reply_hours),
            close_hours=number_text(rules.complaint.close_hours),
        )
        return [SlotSet("pending", LOSSES_OFFER)]
    if kind == "presence":
        tell_stop_day_at_home(dispatcher, community, stop)
        return []
    if kind == "same":
        await tell_same_as_stop(dispatcher, tracker, community, stop)
        return []
    said = time_supposed(latest_text(tracker))
    if said is None or not tell_restore_time(dispatcher, community, stop, said):
        return None
    return []


def start_losses_claim(tracker: Tracker) -> list[EventType]:
    """The complaint form for goods the stop spoilt, with what the resident told of them as its
    account and 其他 as its category (the 冻 of the goods once filed it as 室温不达标), so it asks
    only where and how to call back."""
    said = [str(e.get("text") or "") for e in tracker.events if e.get("event") == "user"]
    told = [text for text in said[-CLAIM_LOOKBACK:] if claims_losses(text)]
    events: list[EventType] = [SlotSet("pending", None), SlotSet("complaint_category", "其他")]
    if told:
        events.append(SlotSet("complaint_text", "；".join(dict.fromkeys(told))))
    return [*events, FollowupAction("complaint_form")]


def tell_refund_for_stop(
    dispatcher: CollectingDispatcher, community: str, stop: OutageView
) -> None:
    """The refund rule applied to `stop` (module docstring): within the hours, no day's fee is
    refunded; past them, the days below the standard are, by the policy's tiers."""
    rules = policy()
    now = clock.now()
    hours = rules.refund.not_fixed_within_hours
    limit = stop.starts_at + timedelta(hours=hours)
    began = "已于" if stop.active(now) else "将于"
    start = clock.format_spoken(stop.starts_at, now)
    end = stop.expected_end_at
    if end is not None and end > now and end <= limit:
        expected = (
            f"预计 {clock.format_spoken(end, now)} 恢复，前后不到{number_text(hours)}小时，"
            "所以这次停热一般不按天退费；"
        )
    elif end is not None and end > now:
        expected = f"预计 {clock.format_spoken(end, now)} 恢复，会超过{number_text(hours)}小时；"
    else:
        expected = "恢复时间还没有确定；"
    case = (
        f"这次{community}{stop.kind_name}{began} {start} 开始，{expected}"
        f"要是到 {clock.format_spoken(limit, now)}（满{number_text(hours)}小时）还没恢复，"
        "之后室温低于标准的天数按上面的比例退日热费，由工作人员核实后办理。"
    )
    within = number_text(hours)
    short = f"停热不满{within}小时不按天退费；满{within}小时未恢复的，按不达标程度退日热费。"
    dispatcher.utter_message(
        response="utter_stop_refund",
        rule=refund_policy_text(rules),
        case=case,
        case_sms=short,
        hotline=rules.company.hotline,
    )


def tell_stop_day_at_home(
    dispatcher: CollectingDispatcher, community: str, stop: OutageView
) -> None:
    """What the household does on the day of `stop`: on the network nothing (nobody at home, no
    valve touched); otherwise a visit would be in the notice. The times, the care tips and the
    notices offered."""
    spoken = describe(stop, community, clock.now())
    if _NETWORK_WORK.search(stop.reason):
        work = (
            "施工在小区管网上，不用进您家：那天家里不用专门留人等，"
            "也不用关家里的暖气阀门，照常就行。"
        )
        work_sms = "不入户，家里不用留人、不用关阀。"
    else:
        work = (
            "需要入户的话，会在停热通知里写明并提前联系您；通知里没写的，家里不用专门留人，"
            "也不用动家里的暖气阀门。"
        )
        work_sms = "需入户会提前通知，家里不用留人、不用关阀。"
    dispatcher.utter_message(
        response="utter_stop_presence",
        community=community,
        kind=stop.kind_name,
        reason=stop.reason,
        span=f"{spoken['when']}{spoken['restore']}",
        work=work,
        work_sms=work_sms,
    )


async def tell_same_as_stop(
    dispatcher: CollectingDispatcher, tracker: Tracker, community: str, stop: OutageView
) -> None:
    """是一回事吗: a cold home during `stop` is the stop; a fault of the home this conversation
    filed (a burst pipe, a valve) is not, and its ticket stands; a stop not begun yet is not why
    the home is cold now."""
    now = clock.now()
    spoken = describe(stop, community, now)
    own = await _own_fault_ticket(tracker)
    if own is not None:
        arrival = (
            f"，抢修人员 {clock.format_due(own.on_site_due)} 前到达"
            if own.urgent and own.on_site_due
            else ""
        )
        leak = own.fault_type == "leak"
        dispatcher.utter_message(
            response="utter_stop_not_same",
            community=community,
            kind=stop.kind_name,
            reason=stop.reason,
            restore=spoken["restore"],
            fault=ticket_service.FAULT_NAMES.get(own.fault_type or "", "故障"),
            ticket=f"{'紧急' if own.urgent else own.kind_name}工单 {own.ticket_no}{arrival}",
            ticket_no=own.ticket_no,
            advice="师傅到之前请关好暖气进水阀和回水阀，用盆接水、把电器移开。" if leak else "",
        )
        return
    if not stop.active(now):
        dispatcher.utter_message(response=NOT_STARTED, community=community)
        return
    dispatcher.utter_message(
        response="utter_stop_same_cause",
        community=community,
        kind=stop.kind_name,
        reason=stop.reason,
        restore=spoken["restore"],
    )


async def _own_fault_ticket(tracker: Tracker) -> ticket_service.TicketView | None:
    """The newest open repair of this conversation for a fault other than a cold radiator (a
    leak, a valve): the resident's own trouble, not the stop."""
    try:
        tickets = await read_db(
            ticket_service.own_tickets, channel_of(tracker), tracker.sender_id, 5
        )
    except SQLAlchemyError:
        return None
    return next(
        (
            t
            for t in tickets
            if t.kind == "BX"
            and t.fault_type not in (None, "no_heat")
            and t.status in ticket_service.OPEN
        ),
        None,
    )


def tell_restore_time(
    dispatcher: CollectingDispatcher, community: str, stop: OutageView, said: SaidTime
) -> bool:
    """A restore time supposed back (那就是说晚上6点多才有热乎气？): yes when the expected end
    falls within the time said, else the expected end; either way the heat takes hours to come
    through. False when the stop has no expected end still ahead (nothing to confirm)."""
    now = clock.now()
    end = stop.expected_end_at
    if end is None or end <= now:
        return False
    local_end = clock.local(end)
    hour = local_end.hour + local_end.minute / 60
    days = (local_end.date() - clock.local(now).date()).days
    if said.days and days != said.days:
        right = False
    elif hour < 6 and said.end > 24:
        right = said.start <= hour + 24 <= said.end  # 半夜 past midnight
    else:
        right = said.start - 0.25 <= hour <= said.end + 0.25
    dispatcher.utter_message(
        response="utter_stop_restore_confirmed" if right else "utter_stop_restore_corrected",
        community=community,
        end=clock.format_spoken(end, now),
        left=time_left(end - now),
    )
    return True
