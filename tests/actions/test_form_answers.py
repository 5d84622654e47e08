"""The classes behind the lead's form findings of 2026-12-06 evening (F1–F8), each through the
action that answers it: an answer to another question of the same form, a part of today already
over, a leak getting worse, a side question in the middle of an urgent ticket's questions, a
detail of the request where a contact detail was asked, the fault told before a stop was told,
no 户号 for an application that needs none, one reply to one message, and the price worked out
for an area. Demo data: 幸福里小区 has a stop now; 李娜 (0102345679) has the registered phone
…5679; the policy's area price is 24 元/m²."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from rasa_sdk.executor import CollectingDispatcher

from actions.account import ValidateVerifyForm
from actions.common import policy, resident_words
from actions.conversation import ActionAnswerFaq
from actions.emergency import ActionEmergency
from actions.repair import ValidateRepairForm, fault_told_before
from actions.service_requests import ValidateComplaintForm, ValidateTempCheckForm
from bot.base import clock
from bot.nlu.emergency import detect_emergency
from bot.services import tickets as ticket_service
from bot.store.db import session_scope
from bot.store.models import Ticket, TicketEvent
from bot.store.tickets import TicketDraft

from .conftest import has_event, said, slot_values, texts, tracker, user_turn

EVENING = datetime(2026, 11, 27, 19, 50, tzinfo=ZoneInfo("Asia/Shanghai"))


def _bot(response: str, text: str = "…") -> dict[str, Any]:
    return {"event": "bot", "text": text, "metadata": {"utter_action": response}}


def _asked(slot: str) -> dict[str, Any]:
    return {"event": "slot", "name": "requested_slot", "value": slot}


def _time(value: str, text: str) -> dict[str, Any]:
    start = text.index(value)
    return {"entity": "time", "value": value, "start": start, "end": start + len(value)}


# F1: an answer to another question of the same form is taken and acknowledged, and the question
# asked comes once, with no reproach


@pytest.mark.parametrize(
    ("form", "action"),
    [("temp_check_form", ValidateTempCheckForm), ("repair_form", ValidateRepairForm)],
)
async def test_a_visit_time_given_where_the_phone_was_asked_is_taken_without_a_reproach(
    form: str, action: Any, domain: dict[str, Any]
) -> None:
    text = "明天上午吧"
    dispatcher = CollectingDispatcher()
    events = await action().run(
        dispatcher,
        tracker(
            _asked("phone"),
            _bot("utter_ask_phone"),
            user_turn(text, entities=[_time("明天上午", text)]),
            slots={
                "requested_slot": "phone",
                "fault_type": "no_heat",
                "address": "阳光花园3号楼2单元401",
            },
            active_loop=form,
            slot_events={"phone": text, "visit_time": "明天上午"},
        ),
        domain,
    )
    slots = slot_values(events)
    assert slots["phone"] is None
    assert slots["visit_time"].startswith("2026-11-28T08:00")
    assert texts(dispatcher) == ["utter_noted_visit_time"]  # the form then asks the phone once
    assert "11月28日" in said(dispatcher, "utter_noted_visit_time")["window"]


async def test_a_phone_given_where_the_address_was_asked_is_taken_and_the_address_asked_again(
    domain: dict[str, Any],
) -> None:
    text = "电话13812340016"
    dispatcher = CollectingDispatcher()
    events = await ValidateRepairForm().run(
        dispatcher,
        tracker(
            _asked("address"),
            _bot("utter_ask_address"),
            user_turn(text),
            slots={"requested_slot": "address", "fault_type": "no_heat"},
            active_loop="repair_form",
            slot_events={"address": text, "phone": "13812340016"},
        ),
        domain,
    )
    slots = slot_values(events)
    assert slots["address"] is None and slots["phone"] == "13812340016"
    assert texts(dispatcher) == ["utter_noted_phone"]
    assert said(dispatcher, "utter_noted_phone")["phone"] == "138****0016"


async def test_a_time_answered_to_the_address_question_is_no_address(
    domain: dict[str, Any],
) -> None:
    # "后天上午家里" read as a community for its 里 once filed a repair at "后天上午家里有人"
    text = "后天上午家里有人"
    dispatcher = CollectingDispatcher()
    events = await ValidateRepairForm().run(
        dispatcher,
        tracker(
            _asked("address"),
            _bot("utter_ask_address"),
            user_turn(text, entities=[_time("后天上午", text)]),
            slots={"requested_slot": "address", "fault_type": "no_heat"},
            active_loop="repair_form",
            slot_events={"address": text, "visit_time": "后天上午"},
        ),
        domain,
    )
    slots = slot_values(events)
    assert slots["address"] is None
    assert slots["visit_time"].startswith("2026-11-29T08:00")
    assert texts(dispatcher) == ["utter_noted_visit_time"]


async def test_a_wrong_answer_to_the_question_asked_is_still_explained(
    domain: dict[str, Any],
) -> None:
    dispatcher = CollectingDispatcher()
    await ValidateRepairForm().run(
        dispatcher,
        tracker(
            _asked("phone"),
            user_turn("1381234567"),
            slots={"requested_slot": "phone", "fault_type": "no_heat", "address": "和平里1号楼"},
            active_loop="repair_form",
            slot_events={"phone": "1381234567"},
        ),
        domain,
    )
    assert texts(dispatcher) == ["utter_invalid_phone"]


async def test_a_wrong_number_given_as_a_change_at_the_read_back_is_still_explained(
    domain: dict[str, Any],
) -> None:
    dispatcher = CollectingDispatcher()
    events = await ValidateRepairForm().run(
        dispatcher,
        tracker(
            _asked("details_confirmed"),
            user_turn("电话换成1391234567"),
            slots={
                "requested_slot": "details_confirmed",
                "fault_type": "no_heat",
                "address": "和平里1号楼1单元101",
                "phone": "13812345678",
            },
            active_loop="repair_form",
            slot_events={"phone": "1391234567"},
        ),
        domain,
    )
    assert "utter_invalid_phone" in texts(dispatcher)
    assert slot_values(events)["phone"] is None  # asked again, as before


async def test_a_visit_time_at_an_urgent_repairs_phone_question_hears_no_appointment_is_needed(
    domain: dict[str, Any],
) -> None:
    text = "明天上午家里有人"
    dispatcher = CollectingDispatcher()
    await ValidateRepairForm().run(
        dispatcher,
        tracker(
            _asked("phone"),
            user_turn(text, entities=[_time("明天上午", text)]),
            slots={
                "requested_slot": "phone",
                "fault_type": "leak",
                "urgent_ticket_no": "BX202611270009",
                "address": "阳光花园5号楼1单元302",
            },
            active_loop="repair_form",
            slot_events={"phone": text, "visit_time": "明天上午"},
        ),
        domain,
    )
    assert texts(dispatcher) == ["utter_urgent_no_appointment"]


# F2: a part of the day already over today is tomorrow's, and the resident is told


async def test_afternoon_said_in_the_evening_is_tomorrow_afternoon_and_said_so(
    domain: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(clock, "now", lambda: EVENING)
    text = "下午都行"
    for asked, value in (("visit_time", text), ("phone", "下午")):
        dispatcher = CollectingDispatcher()
        events = await ValidateRepairForm().run(
            dispatcher,
            tracker(
                _asked(asked),
                user_turn(text, entities=[_time("下午", text)]),
                slots={
                    "requested_slot": asked,
                    "fault_type": "no_heat",
                    "address": "金色家园2号楼1单元101",
                    **({"phone": "13812340002"} if asked == "visit_time" else {}),
                },
                active_loop="repair_form",
                slot_events={"visit_time": value, **({"phone": text} if asked == "phone" else {})},
            ),
            domain,
        )
        assert slot_values(events)["visit_time"].startswith("2026-11-28T13:00"), asked
        assert texts(dispatcher) == ["utter_visit_time_rolled"], asked


async def test_a_day_gone_by_in_an_answer_books_no_visit(domain: dict[str, Any]) -> None:
    # 就昨天下午来的: when the fitter came, not a window this afternoon
    text = "就昨天下午来的 姓王"
    dispatcher = CollectingDispatcher()
    events = await ValidateRepairForm().run(
        dispatcher,
        tracker(
            _asked("address"),
            user_turn(text, entities=[_time("下午", text)]),
            slots={"requested_slot": "address", "fault_type": "no_heat"},
            active_loop="repair_form",
            slot_events={"address": text, "visit_time": "下午"},
        ),
        domain,
    )
    assert slot_values(events).get("visit_time") is None
    assert texts(dispatcher) == ["utter_detail_noted"]


# F3: a leak getting worse is the emergency again, short, and the question in one line; a side
# question in the middle is not taken as the address


async def test_a_leak_getting_worse_hears_the_guidance_again_and_it_goes_on_the_ticket(
    store: str, domain: dict[str, Any]
) -> None:
    with session_scope(store) as session:
        ticket = ticket_service.open_ticket(
            session,
            policy(),
            TicketDraft(
                kind="BX",
                channel="rest",
                sender_id="tester",
                dedup_key="t",
                fault_type="leak",
                urgent=True,
                description="暖气片上面那个小阀门拧开以后一直滋水 关不上了",
            ),
            clock.now(),
        )
    text = "关不上啊 越拧越大"
    assert detect_emergency(text) is None  # only the leak this conversation reported makes it one
    dispatcher = CollectingDispatcher()
    events = await ActionEmergency().run(
        dispatcher,
        tracker(
            _bot("utter_emergency_water"),
            _asked("address"),
            user_turn(text, "report_repair"),
            slots={
                "requested_slot": "address",
                "fault_type": "leak",
                "urgent_ticket_no": ticket.ticket_no,
                "address": text,
            },
            active_loop="repair_form",
        ),
        domain,
    )
    assert texts(dispatcher) == [
        "utter_emergency_water_again",
        "utter_emergency_ticket_worse",
        "utter_emergency_need_address",
    ]
    assert said(dispatcher, "utter_emergency_water_again")["duty_phone"]
    assert slot_values(events)["address"] is None
    assert not has_event(events, "followup", "repair_form")  # one question, the line above
    with session_scope(store) as session:
        row = session.query(Ticket).filter_by(ticket_no=ticket.ticket_no).one()
        rows = session.query(TicketEvent).filter_by(ticket_id=row.id)
        notes = [dict(e.detail or {}) for e in rows]
    assert {"text": text} in notes


def test_a_ticket_query_is_never_taken_as_a_contact_detail() -> None:
    import yaml

    from tests.unit.test_form_switching import ROOT

    slots = yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))["slots"]
    for slot in ("address", "phone", "visit_time", "fault_type", "phone_last4"):
        for mapping in slots[slot]["mappings"]:
            if mapping["type"] == "from_text":
                assert "query_ticket" in mapping["not_intent"], slot


# F4: words about the request where a contact detail was asked are kept with it


async def test_a_detail_of_the_complaint_at_the_address_question_is_kept_with_it(
    domain: dict[str, Any],
) -> None:
    first = "我要投诉你们的维修师傅 态度太差了 还跟我要200块钱"
    text = "就昨天下午来的 姓王"
    dispatcher = CollectingDispatcher()
    turns = (
        user_turn(first, "file_complaint", message_id="a"),
        _bot("utter_complaint_sorry"),
        _asked("address"),
        _bot("utter_ask_address"),
        user_turn(text, entities=[_time("下午", text)], message_id="b"),
    )
    events = await ValidateComplaintForm().run(
        dispatcher,
        tracker(
            *turns,
            slots={
                "requested_slot": "address",
                "complaint_category": "服务态度",
                "complaint_text": first,
            },
            active_loop="complaint_form",
            slot_events={"address": text},
        ),
        domain,
    )
    assert texts(dispatcher) == ["utter_detail_noted"]
    slots = slot_values(events)
    assert slots["address"] is None
    assert slots["complaint_text"] == f"{first}；{text}"
    # and the ticket's words keep it
    answered = user_turn("幸福里1号楼", message_id="c")
    later = tracker(*turns, _bot("utter_detail_noted"), _asked("address"), answered)
    assert text in resident_words(later, {"file_complaint"}, "complaint_form")


async def test_a_bare_i_do_not_know_is_not_kept_as_a_detail(domain: dict[str, Any]) -> None:
    dispatcher = CollectingDispatcher()
    await ValidateRepairForm().run(
        dispatcher,
        tracker(
            _asked("address"),
            user_turn("不知道"),
            slots={"requested_slot": "address", "fault_type": "no_heat"},
            active_loop="repair_form",
            slot_events={"address": "不知道"},
        ),
        domain,
    )
    assert texts(dispatcher) == ["utter_invalid_address"]


# F5: the fault told before the stop was told is the fault of the repair asked for after it


def test_the_fault_told_before_the_stop_is_the_repairs() -> None:
    asked = tracker(
        user_turn("幸福里 暖气一点都不热了", "report_repair", message_id="a"),
        _bot("utter_outage_found"),
        _bot("utter_outage_repair_offer"),
        user_turn("那要等到几点啊", "query_outage", message_id="b"),
        _bot("utter_outage_found"),
        user_turn("我家有老人 能不能先派人来看看", "report_repair", message_id="c"),
        active_loop="repair_form",
    )
    assert fault_told_before(asked) == "no_heat"
    # not across a repair already filed, nor a leak told before (it had its own urgent answer)
    filed = tracker(
        user_turn("暖气不热", "report_repair", message_id="a"),
        _bot("utter_repair_created"),
        user_turn("再派个人来看看", "report_repair", message_id="c"),
    )
    assert fault_told_before(filed) is None
    leak = tracker(
        user_turn("暖气片漏水", "report_repair", message_id="a"),
        user_turn("派个人来看看", "report_repair", message_id="c"),
    )
    assert fault_told_before(leak) is None


async def test_a_repair_asked_for_after_the_stop_does_not_ask_the_fault_again(
    domain: dict[str, Any],
) -> None:
    asked = tracker(
        user_turn("幸福里 暖气一点都不热了", "report_repair", message_id="a"),
        _bot("utter_outage_found"),
        user_turn("我家有老人 能不能先派人来看看", "report_repair", message_id="c"),
        active_loop="repair_form",
    )
    found = await ValidateRepairForm().extract_fault_type(CollectingDispatcher(), asked, domain)
    assert found == {"fault_type": "no_heat"}


# F6: no 户号 for an application that needs none: reassured, the question once


async def test_no_account_number_for_a_stop_application_is_reassured_not_lectured(
    domain: dict[str, Any],
) -> None:
    dispatcher = CollectingDispatcher()
    events = await ValidateVerifyForm().run(
        dispatcher,
        tracker(
            user_turn("我要报停", "apply_stop_heating", message_id="a"),
            _asked("address"),
            _bot("utter_ask_verify_form_address"),
            user_turn("没有户号 房子是我爸的", "faq", message_id="b"),
            slots={"requested_slot": "address"},
            active_loop="verify_form",
        ),
        domain,
    )
    assert texts(dispatcher) == ["utter_no_account_needed"]
    # a slot event besides requested_slot: the form keeps the message and asks its question
    assert "address" in slot_values(events)


# F7: one reply to one message


async def test_the_other_ways_to_prove_the_account_are_not_followed_by_a_reproach(
    domain: dict[str, Any],
) -> None:
    text = "尾号我不知道 你就告诉我交没交就行"
    dispatcher = CollectingDispatcher()
    await ValidateVerifyForm().run(
        dispatcher,
        tracker(
            user_turn("帮我查下暖气费交了没有", "query_fee", message_id="a"),
            _asked("phone_last4"),
            user_turn(text, "subscribe", message_id="b"),
            slots={"requested_slot": "phone_last4", "account_no": "0102345679"},
            active_loop="verify_form",
            slot_events={"phone_last4": text},
        ),
        domain,
    )
    assert texts(dispatcher) == ["utter_verify_alternatives"]


# F8: the price worked out for the area asked about


async def test_what_an_area_costs_is_worked_out_from_the_price(domain: dict[str, Any]) -> None:
    dispatcher = CollectingDispatcher()
    events = await ValidateVerifyForm().run(
        dispatcher,
        tracker(user_turn("那我家76平要交多少", "query_fee"), active_loop="verify_form"),
        domain,
    )
    estimate = said(dispatcher, "utter_fee_estimate")
    assert (estimate["area"], estimate["price"], estimate["total"]) == ("76", "24", "1824")
    assert has_event(events, "active_loop", None)  # no 户号 asked for arithmetic
    dispatcher = CollectingDispatcher()
    await ActionAnswerFaq().run(
        dispatcher, tracker(user_turn("我家房子是89.5平米的 一年得交多少钱", "faq")), domain
    )
    assert said(dispatcher, "utter_fee_estimate")["total"] == "2148"


async def test_in_a_metered_community_the_estimate_is_the_prepayment_and_the_two_parts(
    store: str, domain: dict[str, Any]
) -> None:
    """Players' finding: 翠湖苑 (heat meters) was quoted 24 元/m² alone, as if billed by area."""
    dispatcher = CollectingDispatcher()
    await ActionAnswerFaq().run(
        dispatcher,
        tracker(user_turn("翠湖苑的收费标准是怎么算的？100平大概多少钱一季", "faq")),
        domain,
    )
    estimate = said(dispatcher, "utter_fee_estimate_metered")
    assert (estimate["community"], estimate["total"], estimate["base_total"]) == (
        "翠湖苑",
        "2400",
        "1200",
    )
    plain = CollectingDispatcher()
    await ActionAnswerFaq().run(plain, tracker(user_turn("阳光花园100平一季多少钱", "faq")), domain)
    assert said(plain, "utter_fee_estimate")["total"] == "2400"


@pytest.mark.parametrize(
    "text", ["先告诉我要不要钱", "换温控阀收费吗", "师傅上门换个阀门多少钱啊", "这个修一下贵不贵"]
)
async def test_what_it_costs_asked_in_the_repair_form_is_answered_there(
    domain: dict[str, Any], text: str
) -> None:
    """The players' pl-30 asked three times inside the repair form: a note, then the valve
    topic; the repair-cost answer, then the form's question again."""

    dispatcher = CollectingDispatcher()
    await ValidateRepairForm().run(
        dispatcher,
        tracker(
            user_turn(text, "faq"),
            active_loop="repair_form",
            slots={"requested_slot": "address", "fault_type": "valve"},
        ),
        domain,
    )
    said_texts = texts(dispatcher)
    assert any("材料费" in t for t in said_texts)
    assert "utter_noted" not in said_texts


@pytest.mark.parametrize("asap", ["现在", "越快越好", "我天天在家 越快越好"])
async def test_a_visit_asked_now_at_night_is_booked_for_the_morning_and_said_so(
    domain: dict[str, Any], monkeypatch: pytest.MonkeyPatch, asap: str
) -> None:
    """现在 at 02:20 booked a cold radiator's visit for 02:20–04:20 (the player's pl-021)."""
    night = EVENING.replace(day=EVENING.day + 1, hour=2, minute=20)
    monkeypatch.setattr(clock, "now", lambda: night)
    dispatcher = CollectingDispatcher()
    events = await ValidateRepairForm().run(
        dispatcher,
        tracker(
            _asked("visit_time"),
            user_turn(asap),
            slots={
                "requested_slot": "visit_time",
                "fault_type": "no_heat",
                "address": "和平里5号楼3单元402",
                "phone": "13812340002",
            },
            active_loop="repair_form",
            slot_events={"visit_time": asap},
        ),
        domain,
    )
    assert slot_values(events)["visit_time"].startswith(f"{night.date().isoformat()}T08:00")
    assert texts(dispatcher) == ["utter_visit_time_night"]
