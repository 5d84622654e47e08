"""Player findings 5, classes F and H (docs/dialogue.md, "Round five, h5"): a follow-up answered
against the last topic — the stop just told (a refund for it, goods it spoilt, what to do that
day, one thing or not, a restore time supposed back), the care just advised (a warming aid), the
ticket just filed (its deadlines, the offer put again), the hall just shown (what to bring), and
the ticket lookup without a number (a phone is where to look). Each with the player's or our own
wording, and look-alikes that must not change.

The clock is the action tests' (Friday 2026-11-27 10:00): 幸福里小区's emergency stop runs
09:00–18:00 today, 金色家园's planned stop Monday 11-30 08:00–18:00."""

from __future__ import annotations

from typing import Any

import pytest
from rasa_sdk.executor import CollectingDispatcher

from actions.conversation import (
    ActionAnswerFaq,
    ActionCorrectAfterSubmit,
    ActionFallback,
    ActionHandleInform,
    ActionHandleYesNo,
    ActionOutOfScope,
)
from actions.outage import ActionQueryOutage
from actions.service_halls import ActionQueryServiceHall
from actions.stop_follow_ups import LOSSES_OFFER
from actions.tickets import LOST_NUMBER_ASK
from bot.policy import load_policy
from bot.services import tickets as ticket_service
from bot.store.db import session_scope
from bot.store.tickets import TicketDraft

from .conftest import NOW, has_event, said, slot_values, texts, tracker, user_turn

KB_OFFER = "utter_kb_offer"


def _bot(response: str, text: str = "…") -> dict[str, Any]:
    return {"event": "bot", "text": text, "metadata": {"utter_action": response}}


def _conversation(*steps: dict[str, Any] | str, latest: dict[str, Any]) -> Any:
    """A tracker of the resident's messages (plain strings) and the bot's events, then `latest`."""
    events = [
        user_turn(step, "faq", message_id=f"m{n}") if isinstance(step, str) else step
        for n, step in enumerate(steps)
    ]
    latest["parse_data"]["message_id"] = latest["message_id"] = "latest"
    return tracker(*events, latest)


def _after_stop(community: str, text: str, intent: str = "faq", *more: dict[str, Any]) -> Any:
    """The stop of `community` told, (more bot turns), then `text`."""
    return _conversation(
        f"{community}停暖了吗", _bot("utter_outage_found"), *more, latest=user_turn(text, intent)
    )


def _file(store: str, **fields: Any) -> str:
    with session_scope(store) as session:
        draft = TicketDraft(channel="rest", sender_id="tester", dedup_key=None, **fields)
        return ticket_service.open_ticket(session, load_policy(), draft, NOW).ticket_no


# --- F: a refund for the stop -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "intent", "action"),
    [
        ("那我这个月的暖气费能少交点不 天天这么停", "faq", ActionAnswerFaq),  # p5-010
        ("我们是停暖 不是不达标 今天这一天算不算", "query_outage", ActionQueryOutage),  # p5-088
        ("停了一上午 这半天的钱给不给减免", "faq", ActionAnswerFaq),
    ],
)
async def test_a_refund_for_the_stop_is_the_rule_applied_to_it(
    domain: dict[str, Any], text: str, intent: str, action: Any
) -> None:
    dispatcher = CollectingDispatcher()
    await action().run(dispatcher, _after_stop("幸福里小区", text, intent), domain)
    answer = said(dispatcher, "utter_stop_refund")
    rules = load_policy()
    hours = f"{rules.refund.not_fixed_within_hours:g}"
    # the policy's rule, then this stop: 09:00 to 18:00 is under the hours, so no day's refund,
    # and what happens if it is not back 24 hours after it began (tomorrow 09:00)
    assert answer["rule"].startswith(f"室温低于标准且{hours}小时内未修复的")
    assert "幸福里小区" in answer["case"] and f"不到{hours}小时" in answer["case"]
    assert "一般不按天退费" in answer["case"] and "明天上午 09:00" in answer["case"]
    assert "申请测温" not in answer["case"]  # a measurement in a stop measures nothing
    assert KB_OFFER not in texts(dispatcher)


async def test_a_refund_asked_first_names_the_community_and_its_stop(
    domain: dict[str, Any],
) -> None:
    """p5-088's opening: 幸福里的 停了一天暖气 这一天的钱退不退, no stop told yet."""
    dispatcher = CollectingDispatcher()
    turn = user_turn("幸福里的 停了一天暖气 这一天的钱退不退", "faq")
    await ActionAnswerFaq().run(dispatcher, tracker(turn), domain)
    assert "幸福里小区抢修停热" in said(dispatcher, "utter_stop_refund")["case"]


async def test_a_refund_where_nothing_is_stopped_is_the_knowledge_base_answer(
    domain: dict[str, Any],
) -> None:
    dispatcher = CollectingDispatcher()
    turn = user_turn("和平里的 暖气不达标能退钱吗", "faq")
    await ActionAnswerFaq().run(dispatcher, tracker(turn), domain)
    assert "utter_stop_refund" not in texts(dispatcher)


# --- F: goods the stop spoilt -------------------------------------------------------------------


async def test_spoilt_goods_are_a_claim_offered_to_register(domain: dict[str, Any]) -> None:
    """p5-031: 我问的是冻坏的货你们赔不赔 got topic buttons, then the frozen-pipe answer."""
    dispatcher = CollectingDispatcher()
    events = await ActionAnswerFaq().run(
        dispatcher, _after_stop("幸福里小区", "我问的是冻坏的货你们赔不赔"), domain
    )
    assert texts(dispatcher) == ["utter_stop_losses"]
    assert slot_values(events) == {"pending": LOSSES_OFFER}


async def test_a_yes_or_the_claim_demanded_registers_it_as_other(domain: dict[str, Any]) -> None:
    offer = [
        user_turn("店里的饮料都冻裂了 损失谁赔", "faq", message_id="c"),
        _bot("utter_stop_losses"),
    ]
    offer.append({"event": "slot", "name": "pending", "value": LOSSES_OFFER})
    for text, intent, action in [
        ("那就登记吧", "affirm", ActionHandleYesNo),
        ("停暖把我店里的酸奶冻坏了 要赔偿", "faq", ActionAnswerFaq),
    ]:
        turns = _conversation(
            "幸福里小区停暖了吗", _bot("utter_outage_found"), *offer, latest=user_turn(text, intent)
        )
        events = await action().run(CollectingDispatcher(), turns, domain)
        assert has_event(events, "followup", "complaint_form"), text
        assert slot_values(events)["complaint_category"] == "其他"
        assert "饮料都冻裂了" in slot_values(events)["complaint_text"]


# --- F: what the household does that day -------------------------------------------------------


@pytest.mark.parametrize(
    ("community", "text", "told"),
    [
        ("金色家园", "哦那天我在家等着就行？需要我做什么不", True),  # p5-033
        ("金色家园", "我家住金色家园 检修停暖那天我能不能不在家 师傅要进屋吗", False),  # p5-060
        ("金色家园", "那天我们俩都上班 家里不用留人吧 阀门用不用关", True),
    ],
)
async def test_the_stop_day_needs_nobody_at_home_for_work_on_the_network(
    domain: dict[str, Any], community: str, text: str, told: bool
) -> None:
    dispatcher = CollectingDispatcher()
    turns = _after_stop(community, text) if told else tracker(user_turn(text, "faq"))
    await ActionAnswerFaq().run(dispatcher, turns, domain)
    answer = said(dispatcher, "utter_stop_presence")
    assert answer["community"] == "金色家园" and "08:00" in answer["span"]
    assert "不用进您家" in answer["work"] and "不用关家里的暖气阀门" in answer["work"]
    assert "试压" not in " ".join(texts(dispatcher))  # not the pre-season pressure test


# --- F: one thing or not -------------------------------------------------------------------------


async def test_a_cold_home_in_the_stop_is_the_stop(domain: dict[str, Any]) -> None:
    dispatcher = CollectingDispatcher()
    await ActionAnswerFaq().run(dispatcher, _after_stop("幸福里小区", "是一回事吗"), domain)
    assert said(dispatcher, "utter_stop_same_cause")["community"] == "幸福里小区"


async def test_a_leak_of_the_home_is_not_the_stop_and_its_ticket_stands(
    domain: dict[str, Any], store: str
) -> None:
    """p5-075: 那我家跟主管线爆管是一回事吗 你们那边修好了我家也好了？ got the stop's times."""
    number = _file(store, kind="BX", fault_type="leak", urgent=True, community="幸福里小区")
    dispatcher = CollectingDispatcher()
    text = "那我家跟主管线爆管是一回事吗 你们那边修好了我家也好了？"
    await ActionQueryOutage().run(
        dispatcher, _after_stop("幸福里小区", text, "query_outage"), domain
    )
    answer = said(dispatcher, "utter_stop_not_same")
    assert number in answer["ticket"] and "进水阀和回水阀" in answer["advice"]
    assert "utter_outage_found" not in texts(dispatcher)


# --- F: a restore time supposed back ------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "response"),
    [
        ("那就是说晚上六点多才有热乎气？", "utter_stop_restore_confirmed"),
        ("那就是说晚上十一点多才有热乎气？", "utter_stop_restore_corrected"),  # p5-001's hour
        ("要到明天才有暖气吗", "utter_stop_restore_corrected"),
    ],
)
async def test_a_restore_time_supposed_is_confirmed_or_put_right(
    domain: dict[str, Any], text: str, response: str
) -> None:
    """p5-001 (four bot turns after the stop: the urgent ticket, the care, the phone between)."""
    between = [
        user_turn("老伴冻得不行", "inform", message_id="a"),
        _bot("utter_emergency_person_cold"),
        user_turn("有啥办法", "faq", message_id="b"),
        _bot("utter_stop_day_care"),
        user_turn("13611112222", "inform", message_id="c"),
        _bot("utter_urgent_repair_updated"),
    ]
    dispatcher = CollectingDispatcher()
    await ActionHandleInform().run(
        dispatcher, _after_stop("幸福里小区", text, "inform", *between), domain
    )
    answer = said(dispatcher, response)
    assert "18:00" in answer["end"]
    assert "utter_ask_what_for" not in texts(dispatcher)


async def test_a_time_said_with_no_stop_told_is_no_restore_follow_up(
    domain: dict[str, Any],
) -> None:
    dispatcher = CollectingDispatcher()
    turn = user_turn("那就是说晚上六点多才有热乎气？", "inform")
    await ActionHandleInform().run(dispatcher, tracker(turn), domain)
    assert not any(t.startswith("utter_stop_restore") for t in texts(dispatcher))


async def test_preparing_beside_the_times_gets_both(domain: dict[str, Any]) -> None:
    """p5-004: 那天几点停几点来 我家里有老人要不要准备啥 got the times alone."""
    dispatcher = CollectingDispatcher()
    text = "那天几点停几点来 我家里有老人要不要准备啥"
    await ActionAnswerFaq().run(dispatcher, _after_stop("金色家园", text), domain)
    said_names = texts(dispatcher)
    assert "utter_outage_found" in said_names and "utter_stop_day_care" in said_names
    assert said_names.index("utter_outage_found") < said_names.index("utter_stop_day_care")


# --- H: a warming aid after the care advice ----------------------------------------------------


@pytest.mark.parametrize(
    ("text", "intent", "action"),
    [
        ("那热水袋能用吗", "faq", ActionAnswerFaq),  # p5-058
        ("给他贴暖宝宝行不行", "out_of_scope", ActionOutOfScope),
        ("电热毯开着睡行不行", "nlu_fallback", ActionFallback),
    ],
)
async def test_a_warming_aid_after_the_care_advice_is_answered(
    domain: dict[str, Any], text: str, intent: str, action: Any
) -> None:
    turns = _conversation(
        "我家孩子发烧了 家里还冷",
        _bot("utter_emergency_person_cold"),
        "18500001234",
        _bot("utter_urgent_repair_updated"),
        latest=user_turn(text, intent),
    )
    dispatcher = CollectingDispatcher()
    await action().run(dispatcher, turns, domain)
    assert said(dispatcher, "utter_warming_aid")["ambulance_phone"] == "120"
    assert KB_OFFER not in texts(dispatcher)


async def test_a_warming_aid_asked_out_of_the_blue_is_not_that_answer(
    domain: dict[str, Any],
) -> None:
    dispatcher = CollectingDispatcher()
    await ActionOutOfScope().run(
        dispatcher, tracker(user_turn("热水袋能用吗", "out_of_scope")), domain
    )
    assert "utter_warming_aid" not in texts(dispatcher)


# --- H: a filed ticket's deadlines, and the offer put again -------------------------------------


async def test_when_we_reply_after_a_complaint_is_its_deadlines_and_the_offer_again(
    domain: dict[str, Any], store: str
) -> None:
    """p5-008: 多久能给我答复 after the complaint and the repair offer got topic buttons."""
    number = _file(store, kind="TS", category="室温不达标")
    turns = _conversation(
        "我要投诉 暖气不热",
        _bot("utter_complaint_created"),
        _bot("utter_offer_repair_for_cold"),
        {"event": "slot", "name": "pending", "value": "repair"},
        latest=user_turn("多久能给我答复", "faq"),
    )
    dispatcher = CollectingDispatcher()
    events = await ActionAnswerFaq().run(dispatcher, turns, domain)
    status = said(dispatcher, "utter_ticket_status")
    assert status["ticket_no"] == number and "前联系您" in status["detail"]
    assert "前处理完毕" in status["detail"]
    assert texts(dispatcher)[-1] == "utter_offer_still_open"
    assert slot_values(events) == {"pending": "repair"}  # a yes next still books the repair


async def test_when_we_reply_with_no_ticket_is_not_a_ticket_answer(domain: dict[str, Any]) -> None:
    dispatcher = CollectingDispatcher()
    await ActionAnswerFaq().run(dispatcher, tracker(user_turn("投诉多久能给答复", "faq")), domain)
    assert "utter_ticket_status" not in texts(dispatcher)


# --- H: what to bring to the hall just shown ----------------------------------------------------


async def _hall_shown(domain: dict[str, Any], question: str) -> list[dict[str, Any]]:
    dispatcher = CollectingDispatcher()
    turn = user_turn(question, "query_service_hall")
    await ActionQueryServiceHall().run(dispatcher, tracker(turn), domain)
    return [{"event": "bot", "text": t} for t in texts(dispatcher)]


async def test_what_to_bring_for_a_transfer_is_that_halls_list(domain: dict[str, Any]) -> None:
    """p5-007: 那要带啥 我去办过户 after 朝阳营业厅's Saturday hours got topic buttons."""
    shown = await _hall_shown(domain, "你们营业厅周六开门吗 我在金色家园")
    dispatcher = CollectingDispatcher()
    turns = _conversation(
        "你们营业厅周六开门吗 我在金色家园", *shown, latest=user_turn("那要带啥 我去办过户", "faq")
    )
    await ActionAnswerFaq().run(dispatcher, turns, domain)
    answer = "\n".join(texts(dispatcher))
    assert answer.startswith("到朝阳营业厅办理过户，请带好：")
    assert KB_OFFER not in texts(dispatcher)


async def test_what_to_bring_with_no_business_named_is_the_general_list(
    domain: dict[str, Any],
) -> None:
    """p5-023: 我在幸福里住 停暖的事能去那问吗 需要带啥 after 西城营业厅: the stop told, what to
    bring to a hall."""
    shown = await _hall_shown(domain, "西城营业厅在哪 今天还开吗")
    dispatcher = CollectingDispatcher()
    turns = _conversation(
        "西城营业厅在哪 今天还开吗",
        *shown,
        latest=user_turn("我在幸福里住 停暖的事能去那问吗 需要带啥", "faq"),
    )
    await ActionAnswerFaq().run(dispatcher, turns, domain)
    said_all = texts(dispatcher)
    assert said_all[0] == "utter_outage_found"
    assert "业主身份证" in said_all[-1]


# --- H: the ticket lookup without a number -----------------------------------------------------


@pytest.mark.parametrize(
    ("intent", "action"),
    [("correct_info", ActionCorrectAfterSubmit), ("inform", ActionHandleInform)],
)
async def test_a_phone_after_the_lost_number_question_is_where_to_look(
    domain: dict[str, Any], intent: str, action: Any
) -> None:
    """p5-066: 单号不记得了 电话是13900001234 got the bill's 查金额和读数需要用户号核实身份."""
    turns = _conversation(
        "帮我看看我上午报的那个单子",
        _bot("utter_no_tickets"),
        {"event": "bot", "text": LOST_NUMBER_ASK},
        latest=user_turn("单号不记得了 电话是13900001234", intent),
    )
    dispatcher = CollectingDispatcher()
    await action().run(dispatcher, turns, domain)
    said_all = " ".join(texts(dispatcher))
    assert "按您留的电话查找" in said_all and "查金额和读数" not in said_all
