"""Round five, h6 (hail v/w): service-hall questions asked on, and asked inside other flows.

1. A question about hours or a day right after a hall answer is about the hall shown (its map),
   or the hall it names, whatever the classifier read (hav-005, hav-030, hav-031).
2. A question of when or where to go right after an answer that sends the resident to a hall is
   about the hall of their community that does that errand (hav-040, haw-044).
3. A hall question inside a form is answered beside it; its 和平里 and 周六 are the hall's, not the
   home's address nor the visit's day (haw-040).
4. A stop question and a hall question in one message both answered, the hall for its own day
   (hav-005).
The test clock is Friday 2026-11-27 10:00: 周六 is 明天（11月28日，周六）.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.conversation import ActionAnswerFaq, ActionOutOfScope
from actions.outage import ActionQueryOutage
from actions.repair import ValidateRepairForm
from actions.service_halls import ActionQueryServiceHall
from bot.nlu.hall_follow_ups import asks_hall_visit, without_clauses_of
from bot.policy import load_policy
from bot.policy.knowledge import load_knowledge
from bot.services.halls import asked_days
from bot.store.halls import Registry

from .conftest import slot_values, texts, tracker, user_turn

KB = load_knowledge(load_policy("beijing"))
#: The clauses the classifier wrote for hav-005's opening (a stop and a hall question).
TWO_QUESTIONS = [
    {"text": "我在金色家园8号楼底下开超市的", "name": "inform", "confidence": 0.85},
    {"text": "周四停暖是停一整天吗?", "name": "query_outage", "confidence": 0.93},
    {"text": "另外朝阳那个营业厅周六开门不", "name": "query_service_hall", "confidence": 0.94},
]


def _bot(*said: str) -> list[dict[str, Any]]:
    return [{"event": "bot", "text": text} for text in said]


async def _hall_answer(domain: dict[str, Any], text: str) -> list[dict[str, Any]]:
    """The bot's turn answering the hall question `text` (as the action says it)."""
    dispatcher = CollectingDispatcher()
    await ActionQueryServiceHall().run(
        dispatcher, tracker(user_turn(text, "query_service_hall", message_id="q")), domain
    )
    return _bot(*texts(dispatcher))


def _after(opening: str, before: list[dict[str, Any]], latest: dict[str, Any]) -> Tracker:
    """The resident's `opening`, the bot's turn `before`, then `latest`."""
    latest["parse_data"]["message_id"] = latest["message_id"] = "latest"
    return tracker(user_turn(opening, "faq", message_id="q"), *before, latest)


# --- the words -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "周六几点关门啊 我中午前能赶过去吗",
        "那和平里那个在哪 周六几点到几点",
        "周六能去办吗 几点关门",
        "要去营业厅办的话 去哪个",
        "礼拜天开到几点 下午三点多过去来得及不",
        "那明天还开着吗",
    ],
)
def test_questions_of_going_to_a_hall(text: str) -> None:
    assert asks_hall_visit(text)


@pytest.mark.parametrize(
    "text",
    [
        "最晚几号交",  # the payment deadline
        "电子发票能开吗",
        "网上能办吗",
        "在哪下载",
        "师傅几点来",
        "几点能来热",
        "和平里停暖了吗",
        "我家暖气不热 几点能修好",
        "要带哪个证件",
    ],
)
def test_other_questions_are_not_about_going_to_a_hall(text: str) -> None:
    assert not asks_hall_visit(text)


def test_the_stop_clause_is_left_out_of_the_hall_question() -> None:
    text = "我在金色家园8号楼底下开超市的,周四停暖是停一整天吗?另外朝阳那个营业厅周六开门不"
    parse = {"clauses": TWO_QUESTIONS}
    kept = without_clauses_of(text, parse, ["query_outage"])
    assert "周四" not in kept and "周六" in kept
    assert without_clauses_of("周四停暖吗", {}, ["query_outage"]) == "周四停暖吗"


# --- 1: asked on after a hall answer ---------------------------------------------------------


async def test_a_follow_up_is_about_the_hall_shown_not_the_one_listed_as_open(
    domain: dict[str, Any],
) -> None:
    """hav-031: 海淀 closed on Sunday, 和平里 listed as open; 那平时最晚几点关门 is about 海淀."""
    opening = "翠湖苑的 交费办事去哪个营业厅啊 礼拜天能去不"
    before = await _hall_answer(domain, opening)
    assert any("和平里营业厅" in e["text"] for e in before)  # listed as open on Sunday
    dispatcher = CollectingDispatcher()
    latest = user_turn("那平时最晚几点关门", "faq")
    await ActionAnswerFaq().run(dispatcher, _after(opening, before, latest), domain)
    said = texts(dispatcher)
    assert said and said[0].startswith("海淀营业厅"), said
    assert any("17:00" in t for t in said)


async def test_a_hall_named_after_a_hall_answer_is_the_hall_not_an_outage_question(
    domain: dict[str, Any],
) -> None:
    """hav-030: 那和平里那个在哪 周六几点到几点, read as a stop question about the community."""
    opening = "我幸福里的 周六想去营业厅交费 西城那个周末开门吗"
    before = await _hall_answer(domain, opening)
    dispatcher = CollectingDispatcher()
    latest = user_turn(
        "那和平里那个在哪 周六几点到几点",
        "query_outage",
        entities=[{"entity": "address", "value": "和平里"}],
    )
    await ActionQueryOutage().run(dispatcher, _after(opening, before, latest), domain)
    said = texts(dispatcher)
    assert "utter_no_outage" not in said
    assert any("和平里营业厅：明天（11月28日，周六）营业 09:00-16:00" in t for t in said), said
    assert any("和平里东街18号" in t for t in said)


async def test_a_long_follow_up_after_a_hall_answer_is_about_that_hall(
    domain: dict[str, Any],
) -> None:
    """hav-005 turn 2: topic buttons for 周六几点关门啊 我中午前能赶过去吗."""
    opening = "朝阳那个营业厅周六开门不"
    before = await _hall_answer(domain, opening)
    dispatcher = CollectingDispatcher()
    latest = user_turn("周六几点关门啊 我中午前能赶过去吗", "out_of_scope")
    await ActionOutOfScope().run(dispatcher, _after(opening, before, latest), domain)
    said = texts(dispatcher)
    assert any("朝阳营业厅：明天（11月28日，周六）营业 09:00-12:00" in t for t in said), said


# --- 2: asked on after an answer that sends the resident to a hall ---------------------------


@pytest.mark.parametrize(
    ("opening", "topic", "text", "expected", "not_said"),
    [
        (
            "刚买的二手房 金色家园7号楼 暖气账户还是前房主的名字 怎么过户",
            "account_transfer",
            "周六能去办吗 几点关门",
            "朝阳营业厅：明天（11月28日，周六）营业 09:00-12:00",
            "到营业厅办理业务请带",
        ),
        (
            "刚搬进翠湖苑3号楼1单元202 暖气阀门上有铅封 是不是得开栓",
            "new_home_activation",
            "要去营业厅办的话 去哪个",
            "地址：北京市海淀区万柳中路22号",
            "到营业厅办理业务请带",
        ),
        (
            "东风新村12号楼的房子刚买的 户名要改成我的 怎么弄",
            "account_transfer",
            "去哪个营业厅办 几点关门",
            "营业厅",
            "东风新村缴费点",  # pays bills only: no 过户 there
        ),
    ],
)
async def test_a_hall_question_after_a_task_answer_gets_the_residents_hall(
    domain: dict[str, Any], opening: str, topic: str, text: str, expected: str, not_said: str
) -> None:
    before = _bot(KB.answer(topic))
    dispatcher = CollectingDispatcher()
    await ActionAnswerFaq().run(dispatcher, _after(opening, before, user_turn(text, "faq")), domain)
    said = texts(dispatcher)
    assert any(expected in t for t in said), said
    assert not any(not_said in t for t in said), said
    assert any("地图：" in t for t in said)


async def test_without_a_community_the_task_answer_follow_up_is_not_made_up(
    domain: dict[str, Any],
) -> None:
    """No home named: no hall is picked for the resident (the answer's own line says how)."""
    before = _bot(KB.answer("account_transfer"))
    dispatcher = CollectingDispatcher()
    latest = user_turn("周六能去办吗 几点关门", "faq")
    await ActionAnswerFaq().run(dispatcher, _after("怎么过户", before, latest), domain)
    assert not any("地图：" in t for t in texts(dispatcher))


# --- 3: a hall question inside a form --------------------------------------------------------


async def test_a_hall_question_at_the_visit_time_question_keeps_the_address(
    domain: dict[str, Any],
) -> None:
    """haw-040: the 和平里 of 和平里营业厅 cleared the address and the address was asked again."""
    text = "等下 先问个事 你们和平里营业厅周六几点关门 我想顺便去交费"
    state = tracker(
        user_turn("和平里1号楼2单元102 卧室暖气片冰凉", "report_repair", message_id="a"),
        {"event": "active_loop", "name": "repair_form"},
        {"event": "slot", "name": "address", "value": "和平里1号楼2单元102"},
        user_turn(
            text,
            "query_service_hall",
            entities=[{"entity": "address", "value": "和平里"}],
            message_id="b",
        ),
        slots={
            "requested_slot": "visit_time",
            "fault_type": "no_heat",
            "address": "和平里1号楼2单元102",
            "phone": "13501234987",
        },
        slot_events={"address": "和平里"},
        active_loop="repair_form",
    )
    dispatcher = CollectingDispatcher()
    events = await ValidateRepairForm().run(dispatcher, state, domain)
    assert slot_values(events).get("address") == "和平里1号楼2单元102"
    assert not slot_values(events).get("visit_time")
    said = texts(dispatcher)
    assert any("和平里营业厅：明天（11月28日，周六）营业 09:00-16:00" in t for t in said), said
    assert said[-1] == "utter_back_to_form"
    assert "utter_invalid_address" not in said


async def test_a_hall_question_in_a_form_goes_on_with_the_forms_question(
    domain: dict[str, Any],
) -> None:
    """The rule's answer inside a form (nothing taken from the message): the hall, then the line
    that takes the form up again, and no question where the resident lives."""
    state = tracker(
        user_turn("暖气片一点都不热", "report_repair", message_id="a"),
        user_turn("先问下 海淀营业厅礼拜六几点关门", "query_service_hall", message_id="b"),
        slots={"requested_slot": "address", "fault_type": "no_heat"},
        active_loop="repair_form",
    )
    dispatcher = CollectingDispatcher()
    events = await ActionQueryServiceHall().run(dispatcher, state, domain)
    said = texts(dispatcher)
    assert any("海淀营业厅：明天（11月28日，周六）营业 08:30-17:00" in t for t in said), said
    assert said[-1] == "utter_back_to_form"
    assert dispatcher.messages[-1]["form_question"] == "详细地址"
    assert not slot_values(events).get("pending")


# --- 4: a stop question and a hall question in one message -----------------------------------


async def test_the_stop_and_the_hall_for_its_own_day_are_both_answered(
    domain: dict[str, Any],
) -> None:
    """hav-005: only the hall was answered, for the stop's Thursday."""
    text = "我在金色家园8号楼底下开超市的,周四停暖是停一整天吗?另外朝阳那个营业厅周六开门不"
    turn = user_turn(
        text, "query_service_hall", entities=[{"entity": "address", "value": "金色家园8号楼"}]
    )
    turn["parse_data"]["clauses"] = TWO_QUESTIONS
    dispatcher = CollectingDispatcher()
    await ActionQueryServiceHall().run(dispatcher, tracker(turn), domain)
    said = texts(dispatcher)
    assert said[0] == "utter_outage_found", said
    assert any("朝阳营业厅：明天（11月28日，周六）营业 09:00-12:00" in t for t in said), said
    assert not any("周四）营业" in t for t in said)


def test_the_usual_days_ask_for_the_halls_week() -> None:
    """那平常上班的日子几点关门 (p5h6-02) got today's hours: 上班的日子 read as today."""
    registry = Registry(halls=())
    today = date(2026, 11, 27)
    assert asked_days("那平常上班的日子几点关门", registry, today) == []
    assert asked_days("工作日几点关门", registry, today) == []
    assert asked_days("平常周六开吗", registry, today) == [date(2026, 11, 28)]
