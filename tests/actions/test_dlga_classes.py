"""Players' findings 2, classes A and H (docs/dialogue.md, "Player findings 2, classes A and H
(dlga)"): short follow-ups read against the answer just given, never the gas and water companies
in a heating conversation; questions answered as questions, not as reports or with a neighbouring
topic. Each class has the players' wording and wordings of our own, and look-alikes that keep
their old answer."""

from __future__ import annotations

from typing import Any

import pytest
from rasa.shared.nlu.training_data.message import Message
from rasa_sdk.executor import CollectingDispatcher

from actions.conversation import (
    ActionAnswerFaq,
    ActionFallback,
    ActionHandleInform,
    ActionOutOfScope,
)
from actions.service_halls import ActionQueryServiceHall
from bot.nlu.emergency import detect_emergency
from bot.nlu.questions import names_other_matter
from bot.nlu.requests import chases_own_ticket, seeks_help_with_fault, wants_stop_heating
from bot.policy import load_policy
from bot.policy.knowledge import load_knowledge
from bot.services import tickets as ticket_service
from bot.services.follow_ups import follow_up_facet
from bot.services.halls import asks_hall_detail
from bot.store.db import session_scope
from bot.store.tickets import TicketDraft

from .conftest import NOW, said, texts, tracker, user_turn
from .test_knowledge_base import kb_turn

KB = load_knowledge(load_policy("beijing"))
HOTLINE = load_policy("beijing").company.hotline


def _corrected(text: str, intent: str) -> str:
    from bot.nlu.guard import IntentCorrections

    message = Message(data={"text": text, "intent": {"name": intent, "confidence": 0.5}})
    (out,) = IntentCorrections().process([message])
    return str(out.get("intent")["name"])


def _bot(*said_texts: str) -> list[dict[str, Any]]:
    return [{"event": "bot", "text": text} for text in said_texts]


def _then(before: list[dict[str, Any]], latest: dict[str, Any], *earlier: str) -> Any:
    """A tracker: the resident's `earlier` messages, the bot's turn `before`, then `latest`."""
    asked = [user_turn(text, "faq", message_id=f"e{n}") for n, text in enumerate(earlier or ["…"])]
    latest["parse_data"]["message_id"] = latest["message_id"] = "latest"
    return tracker(*asked, *before, latest)


# --- A: a short question about the hall just shown is about that hall ---


async def _hall_answer(domain: dict[str, Any]) -> list[dict[str, Any]]:
    """What the bot said to 和平里营业厅今天开门吗，我想去交费 (the players' opening)."""
    dispatcher = CollectingDispatcher()
    turn = user_turn("和平里营业厅今天开门吗，我想去交费", "query_service_hall")
    await ActionQueryServiceHall().run(dispatcher, tracker(turn), domain)
    return _bot(*texts(dispatcher))


@pytest.mark.parametrize(
    ("text", "intent", "action", "expected"),
    [
        ("几点关门", "out_of_scope", ActionOutOfScope, "下班"),  # players' finding
        ("周末呢", "inform", ActionHandleInform, "周六"),  # players' finding
        ("地址在哪", "faq", ActionAnswerFaq, "地址：北京市东城区和平里东街18号"),  # players'
        ("那明天开门不", "out_of_scope", ActionOutOfScope, "明天（"),
        ("电话多少", "nlu_fallback", ActionFallback, "电话："),
        ("周六几点开门啊", "inform", ActionHandleInform, "周六"),
        ("怎么走", "out_of_scope", ActionOutOfScope, "地图："),
    ],
)
async def test_a_hall_follow_up_is_about_the_hall_just_shown(
    domain: dict[str, Any], text: str, intent: str, action: Any, expected: str
) -> None:
    before = await _hall_answer(domain)
    dispatcher = CollectingDispatcher()
    await action().run(dispatcher, _then(before, user_turn(text, intent)), domain)
    said_texts = texts(dispatcher)
    assert said_texts and said_texts[0].startswith("和平里营业厅"), said_texts
    assert any(expected in t for t in said_texts)
    assert "utter_out_of_scope" not in said_texts


@pytest.mark.parametrize(
    "text", ["几点关门", "周末呢", "地址在哪", "电话多少", "那明天开门不", "怎么走"]
)
def test_hall_details_are_short_questions(text: str) -> None:
    assert asks_hall_detail(text)


@pytest.mark.parametrize(
    "text",
    [
        "阳光花园5号楼1单元302",
        "我家暖气从昨天晚上开始一直不热了，什么时候来修",
        "13812345678",
        "好的谢谢",
    ],
)
def test_other_messages_are_no_hall_detail(text: str) -> None:
    assert not asks_hall_detail(text)


async def test_a_hall_detail_after_another_answer_is_not_read_as_a_hall(
    domain: dict[str, Any],
) -> None:
    """几点关门 after the fee standard: no hall was shown, so none is made up."""
    dispatcher = CollectingDispatcher()
    turns = _then(_bot(KB.answer("fee_standard")), user_turn("几点关门", "out_of_scope"))
    await ActionOutOfScope().run(dispatcher, turns, domain)
    assert not any("营业厅：" in t or "地图：" in t for t in texts(dispatcher))


# --- A: never the gas and water companies in a heating conversation ---


@pytest.mark.parametrize(
    ("text", "before"),
    [
        ("那这个呢", KB.answer("fee_standard")),
        ("好家伙", KB.answer("repair_cost")),
        ("那行吧那个呢", "请告诉我详细地址，例如：阳光花园5号楼1单元302。"),
    ],
)
async def test_an_unplaced_follow_up_is_not_sent_to_the_gas_company(
    domain: dict[str, Any], text: str, before: str
) -> None:
    dispatcher = CollectingDispatcher()
    await ActionOutOfScope().run(
        dispatcher, _then(_bot(before), user_turn(text, "out_of_scope")), domain
    )
    assert texts(dispatcher) == ["utter_follow_up_unclear"]
    assert said(dispatcher, "utter_follow_up_unclear")["hotline"] == HOTLINE


@pytest.mark.parametrize(
    "text",
    ["手机尾号5678", "那怎么办，我现在就想知道多少钱", "他手机尾号5678", "我就记得手机后四位"],
)
async def test_at_the_account_question_the_other_ways_are_told(
    domain: dict[str, Any], text: str
) -> None:
    """Players' finding: 手机尾号5678 at the 户号 question got the gas-company refusal."""
    dispatcher = CollectingDispatcher()
    asked = _bot("请提供您的供热户号（8到12位数字，在缴费单或供热卡上）。")
    turns = _then(asked, user_turn(text, "out_of_scope"), "我想查一下暖气费")
    turns.active_loop = {"name": "verify_form"}
    await ActionOutOfScope().run(dispatcher, turns, domain)
    assert "utter_out_of_scope" not in texts(dispatcher)
    assert texts(dispatcher) in (["utter_verify_alternatives"], [])


@pytest.mark.parametrize(
    ("text", "earlier"),
    [
        ("燃气费怎么交", ["暖气费多少钱一平"]),
        ("停电了找谁", ["暖气不热"]),
        ("电梯坏了找谁修", ["营业厅在哪"]),
        ("你好 帮我订个外卖", []),  # an opening message: judged alone, as before
    ],
)
async def test_another_utility_or_an_opening_still_gets_the_refusal(
    domain: dict[str, Any], text: str, earlier: list[str]
) -> None:
    dispatcher = CollectingDispatcher()
    latest = user_turn(text, "out_of_scope")
    turns = _then(_bot("好的。") if earlier else [], latest, *earlier) if earlier else None
    if turns is None:
        turns = tracker(latest)
    await ActionOutOfScope().run(dispatcher, turns, domain)
    assert texts(dispatcher) == ["utter_out_of_scope"]


@pytest.mark.parametrize("text", ["燃气费怎么交", "停电了找谁", "电梯坏了找谁修", "自来水管爆了"])
def test_other_matters_are_named(text: str) -> None:
    assert names_other_matter(text)


@pytest.mark.parametrize("text", ["几点关门", "换个阀门多少钱", "手机尾号5678", "那我咋办"])
def test_heating_follow_ups_name_no_other_matter(text: str) -> None:
    assert not names_other_matter(text)


# --- A: follow-ups to a knowledge-base answer: a part's price, how to apply, round the clock ---


@pytest.mark.parametrize(
    "text", ["换个阀门多少钱", "换个暖气片得多少钱", "换根管子要多少钱", "那换阀门收费不"]
)
async def test_a_part_priced_after_the_repair_cost_answer(
    domain: dict[str, Any], text: str
) -> None:
    """Players' finding: 换个阀门多少钱 after the repair-cost answer got the gas-company refusal."""
    dispatcher = CollectingDispatcher()
    turns = _then(_bot(KB.answer("repair_cost")), user_turn(text, "out_of_scope"))
    await ActionOutOfScope().run(dispatcher, turns, domain)
    assert texts(dispatcher) == [KB.follow_up("repair_cost", "cost")]
    assert "先报价" in texts(dispatcher)[0] and HOTLINE in texts(dispatcher)[0]


def test_a_part_named_after_another_answer_is_a_new_question() -> None:
    assert follow_up_facet("换个阀门多少钱", "hardship_subsidy") is None
    assert follow_up_facet("阀门漏水了", "repair_cost") is None


@pytest.mark.parametrize("text", ["怎么申请", "那咋申请", "如何办理", "怎么申请啊"])
async def test_how_to_apply_after_the_subsidy_answer(domain: dict[str, Any], text: str) -> None:
    """Players' finding: 怎么申请 after the 低保 answer got [报停后恢复供暖|供热面积核对]."""
    dispatcher = CollectingDispatcher()
    keys = [("resume_heating", 0.3), ("area_dispute", 0.2)]
    turns = _then(_bot(KB.answer("hardship_subsidy")), kb_turn(text, "faq", keys))
    await ActionAnswerFaq().run(dispatcher, turns, domain)
    assert texts(dispatcher) == [KB.follow_up("hardship_subsidy", "where")]


@pytest.mark.parametrize("text", ["24小时吗", "晚上也有人吗", "全天都能打吗", "节假日也有人接吗"])
async def test_round_the_clock_after_the_duty_line(domain: dict[str, Any], text: str) -> None:
    """Players' finding: 24小时吗 about the duty line got 供暖期内全天24小时连续供热."""
    dispatcher = CollectingDispatcher()
    keys = [("daily_schedule", 0.6)]
    turns = _then(_bot(KB.answer("night_contact")), kb_turn(text, "faq", keys))
    await ActionAnswerFaq().run(dispatcher, turns, domain)
    assert texts(dispatcher) == [KB.follow_up("night_contact", "duration")]
    assert "24小时有人接" in texts(dispatcher)[0]


async def test_round_the_clock_after_a_topic_without_it_is_no_duration(
    domain: dict[str, Any],
) -> None:
    dispatcher = CollectingDispatcher()
    turns = _then(_bot(KB.answer("repair_cost")), user_turn("24小时吗", "out_of_scope"))
    await ActionOutOfScope().run(dispatcher, turns, domain)
    assert not any("多长时间" in t for t in texts(dispatcher))


# --- A: 那我咋办 after saying the 户号 and the phone are lost is no goodbye ---


@pytest.mark.parametrize("text", ["那我咋办", "那怎么办", "那咋整", "那我怎么办啊"])
def test_what_now_is_no_goodbye(text: str) -> None:
    assert _corrected(text, "goodbye") == "nlu_fallback"


@pytest.mark.parametrize("text", ["好的 再见", "行 那就这样吧", "谢谢 拜拜"])
def test_a_goodbye_stays_one(text: str) -> None:
    assert _corrected(text, "goodbye") == "goodbye"


@pytest.mark.parametrize(
    ("text", "earlier"),
    [
        ("那我咋办", ["户号我不知道，本子上没写", "手机号也记不得了"]),  # players' finding
        ("那咋整", ["缴费单找不到了"]),
        ("户号我不知道，本子上没写", ["我想问问暖气费多少钱"]),
        ("那怎么办呢", ["手机号早换了 尾号不记得"]),
    ],
)
async def test_without_the_account_the_other_ways_are_told(
    domain: dict[str, Any], text: str, earlier: list[str]
) -> None:
    dispatcher = CollectingDispatcher()
    turns = _then(_bot("好的。"), user_turn(text, "nlu_fallback"), *earlier)
    await ActionFallback().run(dispatcher, turns, domain)
    assert texts(dispatcher) == ["utter_verify_alternatives"]


async def test_what_now_without_a_lost_account_is_no_account_answer(
    domain: dict[str, Any],
) -> None:
    dispatcher = CollectingDispatcher()
    turns = _then(_bot("好的。"), user_turn("那我咋办", "nlu_fallback"), "暖气费多少钱一平")
    await ActionFallback().run(dispatcher, turns, domain)
    assert "utter_verify_alternatives" not in texts(dispatcher)


# --- A: 催一下 right after one's own ticket chases it ---


def _own_ticket(store: str, sender: str = "tester") -> str:
    with session_scope(store) as session:
        draft = TicketDraft(
            kind="CW",
            channel="rest",
            sender_id=sender,
            dedup_key=None,
            address="阳光花园11号楼1单元101",
        )
        return ticket_service.open_ticket(session, load_policy(), draft, NOW).ticket_no


@pytest.mark.parametrize("text", ["催一下", "帮我催催", "能给催一下吗？", "麻烦催一下师傅"])
async def test_a_bare_chase_chases_ones_own_ticket(
    store: str, domain: dict[str, Any], text: str
) -> None:
    mine = _own_ticket(store)
    dispatcher = CollectingDispatcher()
    await ActionFallback().run(
        dispatcher, _then(_bot("好的。"), user_turn(text, "nlu_fallback")), domain
    )
    assert said(dispatcher, "utter_ticket_urged")["ticket_no"] == mine


async def test_a_chase_without_a_ticket_of_ones_own_is_asked_again(
    store: str, domain: dict[str, Any]
) -> None:
    _own_ticket(store, sender="someone-else")
    dispatcher = CollectingDispatcher()
    await ActionFallback().run(
        dispatcher, _then(_bot("好的。"), user_turn("催一下", "nlu_fallback")), domain
    )
    assert "utter_ticket_urged" not in texts(dispatcher)


@pytest.mark.parametrize("text", ["不用催了", "催一下BX202612070001", "暖气不热 催一下"])
def test_other_chases_are_not_bare(text: str) -> None:
    assert not chases_own_ticket(text)


# --- H: which number to call is a question, a leak reported still pages ---


@pytest.mark.parametrize(
    "text",
    [
        "晚上暖气漏水打哪个电话",  # players' finding: the duty team was paged
        "半夜暖气片漏水该打什么电话",
        "暖气管子漏水的话打哪个号",
        "暖气漏水电话是多少",
    ],
)
def test_which_number_to_call_is_no_leak_reported(text: str) -> None:
    assert detect_emergency(text) is None


@pytest.mark.parametrize(
    "text",
    [
        "暖气漏水了打哪个电话",
        "暖气漏水了 快告诉我打哪个电话",
        "家里暖气在漏水 电话多少",
        "我家暖气漏水打哪个电话",
        "暖气片一直在滴水 打哪个电话",
        "卫生间暖气片漏水",
    ],
)
def test_a_leak_reported_beside_the_question_still_pages(text: str) -> None:
    found = detect_emergency(text)
    assert found is not None and found.kind == "water"


# --- H: not wanting the heating this winter is a 报停, asked too late ---


@pytest.mark.parametrize(
    "text",
    [
        "我家今年不想供暖，交了的钱能退吗",  # players' finding: got the 不达标 refund
        "房子空着 今年不用暖气了 钱能退不",
        "我们家今年冬天暖气不要了 已经交的费咋办",
        "俺家今年不打算烧暖气了",
    ],
)
def test_not_wanting_the_heating_is_a_stop(text: str) -> None:
    assert wants_stop_heating(text)
    assert _corrected(text, "faq") == "apply_stop_heating"


@pytest.mark.parametrize(
    "text",
    [
        "暖气太热了 不想要这么热",
        "不想供暖的话要交钱吗",
        "我家暖气不热",
        "我家今年不想交暖气费了",
        "室温不达标能退费吗",
    ],
)
def test_other_questions_are_no_stop(text: str) -> None:
    assert not wants_stop_heating(text)


def test_the_late_stop_says_the_paid_fee_is_not_refunded(domain: dict[str, Any]) -> None:
    [text, *_] = domain["responses"]["utter_stop_heating_late_offer"]
    assert "已交的不退" in text["text"]


# --- H: a reading asked about against the standard hears whether it meets it ---


@pytest.mark.parametrize(
    "text",
    ["家里19度，算不算达标", "屋里20度合格吗", "卧室18.5度 达标不", "我家十九度算达标吗"],
)
async def test_a_reading_at_the_standard_is_said_to_meet_it(
    domain: dict[str, Any], text: str
) -> None:
    dispatcher = CollectingDispatcher()
    turn = kb_turn(text, "faq", [("room_temp_standard", 0.9)])
    await ActionAnswerFaq().run(dispatcher, tracker(turn), domain)
    assert texts(dispatcher) == ["utter_reading_meets_standard"]
    assert said(dispatcher, "utter_reading_meets_standard")["standard"] == "18"


@pytest.mark.parametrize("text", ["室温标准是多少度", "家里16度算不算达标", "供暖温度多少算达标"])
async def test_no_reading_or_a_low_one_is_not_called_compliant(
    domain: dict[str, Any], text: str
) -> None:
    dispatcher = CollectingDispatcher()
    turn = kb_turn(text, "faq", [("room_temp_standard", 0.9)])
    await ActionAnswerFaq().run(dispatcher, tracker(turn), domain)
    assert "utter_reading_meets_standard" not in texts(dispatcher)


# --- H: an angry "three days cold and nobody cares" is a repair ---


@pytest.mark.parametrize(
    "text",
    [
        "你们是不是傻，暖气三天不热了没人管",  # players' finding: topic buttons
        "暖气不热好几天了也没人来修",
        "暖气不热 打了三次电话都没人理",
        "家里暖气片冰凉 报了也不来人",
    ],
)
def test_left_alone_with_a_cold_home_asks_for_help(text: str) -> None:
    assert seeks_help_with_fault(text)


@pytest.mark.parametrize("text", ["不管怎么样暖气不热", "暖气不热", "没人管的话我就投诉"])
def test_no_plea_is_no_help_asked(text: str) -> None:
    assert not seeks_help_with_fault(text)
