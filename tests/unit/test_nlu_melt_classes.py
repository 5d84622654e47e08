"""The seventh round's classes (docs/dialogue.md, "Seventh round (issue 16)"), each on both
sides and on wordings of our own (none of them is in a test set): the pure text rules in
bot.nlu.* and the intent corrections they drive (bot.nlu.guard.IntentCorrections)."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from rasa.shared.nlu.training_data.message import Message

from bot.nlu.address import parse_address
from bot.nlu.agreement import agrees_to_read_back
from bot.nlu.emergency import detect_emergency
from bot.nlu.faults import air_in_radiator, fault_type_of, ticket_fault
from bot.nlu.requests import (
    DECLINED_VISIT,
    blames_the_stop,
    demands_heat,
    doubts_the_meter,
    urges_the_repair,
    wants_stop_heating,
)
from bot.nlu.timewindow import english_times_in_chinese, only_a_time, parse_visit_window

TZ = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 12, 7, 10, 0, tzinfo=TZ)
KNOWN = ["幸福里小区", "和平里", "金色家园", "阳光花园", "东风新村", "翠湖苑"]


def _corrected(text: str, intent: str, **data: object) -> str:
    from bot.nlu.guard import IntentCorrections

    message = Message(data={"text": text, "intent": {"name": intent, "confidence": 0.5}, **data})
    (out,) = IntentCorrections().process([message])
    return str(out.get("intent")["name"])


# --- a yes to the read-back, then a sign-off ---


@pytest.mark.parametrize(
    "text",
    [
        "对的，谢谢，我先去开会了",
        "行，辛苦，要上班了回头聊",
        "好的没问题 先忙了 等你们电话",
        "对，我先去忙了哈",
    ],
)
def test_a_yes_with_a_sign_off_is_a_yes(text: str) -> None:
    assert agrees_to_read_back(text)


@pytest.mark.parametrize("text", ["对 先不提交", "对，先不修了", "对，先不要了", "对 不用来了"])
def test_a_yes_that_takes_the_request_back_is_none(text: str) -> None:
    assert not agrees_to_read_back(text)


# --- the fault a ticket records ---


@pytest.mark.parametrize(
    "text", ["暖器伐门关不上了 是不是坏了", "阀们转不动 估计锈住了", "暖气片阀门打不开 好像有毛病"]
)
def test_a_vague_fault_gives_way_to_the_part_named(text: str) -> None:
    assert ticket_fault("other", text) == "valve"


def test_a_vague_fault_alone_stays() -> None:
    assert ticket_fault("other", "暖气片坏了") == "other"


@pytest.mark.parametrize(
    "text",
    [
        "暖气片上面冰凉下面烫手 放过气了没用",
        "卧室暖气上半截不热下半截热，排了气也这样",
        "暖气上头凉下头热 自己放了两次气还不行",
    ],
)
def test_the_top_cold_after_venting_is_air(text: str) -> None:
    assert air_in_radiator(text)
    assert ticket_fault(fault_type_of(text), text) == "air"
    assert ticket_fault("other", f"{text} 没用") == "air"  # 没用 read as 其他 beside it


@pytest.mark.parametrize("text", ["我家暖气上热下凉", "暖气上面凉下面热", "放过气了 还是不热"])
def test_one_sign_of_air_alone_is_what_it_says(text: str) -> None:
    assert not air_in_radiator(text)


# --- a leak getting worse ---


@pytest.mark.parametrize(
    "text",
    [
        "暖气管子渗水 刚才还好 现在越来越多了 拿桶接着呢",
        "暖气片有点渗水，比早上多了不少，垫了毛巾",
        "暖气阀门下面滴水 接了个盆 现在越漏越快",
    ],
)
def test_a_leak_getting_worse_is_urgent(text: str) -> None:
    found = detect_emergency(text)
    assert found is not None and found.kind == "water"


def test_a_slow_contained_drip_can_still_wait() -> None:
    assert detect_emergency("暖气片接口一分钟滴一滴 接了个盆 不着急") is None


# --- 报停 typed wrong ---


@pytest.mark.parametrize(
    "text", ["今年冬天家里没人 想报亭", "房子空着没人住 能包停吗", "我们全家去海南过冬 暖气想抱停"]
)
def test_a_stop_typed_wrong_is_applied_for(text: str) -> None:
    assert wants_stop_heating(text)
    assert _corrected(text, "faq") == "apply_stop_heating"


def test_parking_is_no_stop() -> None:
    assert not wants_stop_heating("小区能包停车吗")


# --- "our community" ---


@pytest.mark.parametrize(
    "text", ["咱们小区是不是停暖了", "俺们小区今天咋没暖气", "你们小区停暖了吗"]
)
def test_our_community_names_none(text: str) -> None:
    assert parse_address(text, KNOWN).community is None


def test_a_community_named_beside_it_is_kept() -> None:
    assert parse_address("我们小区暖气怎么凉了 幸福里的", KNOWN).community == "幸福里小区"


# --- the bill's reading against the meter ---


@pytest.mark.parametrize(
    "text",
    [
        "缴费单上的读数和我家热表上的数差了两百多，派人来核对下吧",
        "账单显示用了1800kWh 可我看表上才1500 对不上啊 来人看看",
        "bill上的读数跟meter上的不一样 需要来人check",
    ],
)
def test_a_reading_disputed_is_a_meter_check(text: str) -> None:
    assert doubts_the_meter(text)
    assert _corrected(text, "query_fee") == "report_meter_problem"


def test_a_bill_asked_for_stays_a_fee_query() -> None:
    assert _corrected("这个月账单怎么这么多", "query_fee") == "query_fee"


# --- a time in English, or a time alone ---


@pytest.mark.parametrize(
    ("text", "start"),
    [
        ("sat morning", datetime(2026, 12, 12, 8, tzinfo=TZ)),
        ("tomorrow 2pm", datetime(2026, 12, 8, 14, tzinfo=TZ)),
        ("next mon afternoon", datetime(2026, 12, 14, 13, tzinfo=TZ)),
    ],
)
def test_english_times_are_windows(text: str, start: datetime) -> None:
    window = parse_visit_window(text, NOW)
    assert window is not None and window.start == start


def test_am_as_a_word_is_no_morning() -> None:
    assert english_times_in_chinese("I am at home tomorrow") == "I am at home 明天"


@pytest.mark.parametrize("text", ["sat morning pls", "周六上午我在家", "那就后天下午吧"])
def test_a_time_alone_is_an_answer(text: str) -> None:
    assert only_a_time(text)
    assert _corrected(text, "report_repair") == "inform"


@pytest.mark.parametrize("text", ["暖气不热 明天下午来", "不着急 明天下午", "昨天下午"])
def test_a_time_with_more_is_not_only_a_time(text: str) -> None:
    assert not only_a_time(text)


# --- a request beside a service-hall question ---


@pytest.mark.parametrize(
    ("text", "clause", "wanted"),
    [
        (
            "家里暖气片冰凉，帮我报个修。另外营业厅几点关门？",
            "家里暖气片冰凉,帮我报个修",
            "report_repair",
        ),
        ("想约个测温，屋里才15度，还有你们营业厅星期天上班不", "想约个测温", "request_temp_check"),
        ("我要报修 暖气漏水了 顺便问一下你们营业厅在哪儿", "我要报修 暖气漏水了", "report_repair"),
    ],
)
def test_a_request_beside_a_hall_question_is_the_request(
    text: str, clause: str, wanted: str
) -> None:
    clauses = [
        {"text": clause, "name": wanted, "confidence": 0.95},
        {"text": "营业厅在哪", "name": "query_service_hall", "confidence": 0.9},
    ]
    assert _corrected(text, "query_service_hall", clauses=clauses) == wanted


def test_a_hall_question_alone_stays() -> None:
    clauses = [{"text": "营业厅周末开门吗", "name": "query_service_hall", "confidence": 0.9}]
    assert _corrected("营业厅周末开门吗", "query_service_hall", clauses=clauses) == (
        "query_service_hall"
    )


# --- not a repair: a complaint ---


@pytest.mark.parametrize(
    "text",
    [
        "不是要修暖气，我是要投诉你们换热站太吵",
        "我不是来报修的 我要反映你们师傅态度问题",
        "这不是报修，是投诉！",
    ],
)
def test_saying_it_is_no_repair_declines_the_visit(text: str) -> None:
    assert DECLINED_VISIT.search(text)


@pytest.mark.parametrize("text", ["这是不是报修的范围", "是不是报修才能来人"])
def test_asking_whether_it_is_a_repair_declines_nothing(text: str) -> None:
    assert not DECLINED_VISIT.search(text)


# --- the company's repair urged, the stop blamed ---


@pytest.mark.parametrize(
    "text", ["那你们赶紧抢修啊 孩子还小", "好吧 抓紧修 别拖到晚上", "那快点修好 老人扛不住"]
)
def test_urging_the_repair_is_about_the_stop(text: str) -> None:
    assert urges_the_repair(text)
    assert demands_heat(text)


def test_urging_with_a_leak_of_ones_own_is_a_repair() -> None:
    assert not urges_the_repair("赶紧来修 我家暖气片漏水了")


@pytest.mark.parametrize(
    "text",
    ["又停热了 也不通知一声 我要投诉", "你们把暖气停了也不说一声", "爆管就不能早点发个短信吗"],
)
def test_the_stop_blamed(text: str) -> None:
    assert blames_the_stop(text)


def test_a_cold_home_blames_no_stop() -> None:
    assert not blames_the_stop("暖气一早就凉了 我要投诉")


@pytest.mark.parametrize(
    "text", ["全家回东北过年 暖气能报挺吗", "年后才回来 能报停不", "我们一家去三亚 能包停吗"]
)
def test_a_family_away_for_the_winter_applies(text: str) -> None:
    assert wants_stop_heating(text)


@pytest.mark.parametrize("text", ["阀门一滴一滴的", "接口老滴 拿碗接着", "暖气片底下一分钟滴两滴"])
def test_a_drip_told_is_a_leak(text: str) -> None:
    assert fault_type_of(text) == "leak"


@pytest.mark.parametrize("text", ["早上好", "晚上好", "下午好呀"])
def test_a_greeting_by_the_hour_is_no_time(text: str) -> None:
    assert not only_a_time(text)
    assert _corrected(text, "greet") == "greet"


def test_a_fault_among_numbered_matters_is_the_repair() -> None:
    """两件事：1.…不热…；2.…发票在哪开？ was cut into "1" and the item, so no clause opened
    another matter and the sure invoice topic kept the whole message (no repair)."""
    from bot.nlu.clauses import clause_spans
    from bot.nlu.numbers import to_canonical

    text = to_canonical("两个事：1.书房暖气片冰凉，别处还行；2.营业厅周六上班吗？")
    pieces = [text[a:b] for a, b in clause_spans(text)]
    clauses = [
        {"text": piece, "name": name, "confidence": 0.85}
        for piece, name in zip(pieces, ["faq", "report_repair", "faq"], strict=True)
    ]
    selector = {"faq": {"response": {"intent_response_key": "faq/hall_hours", "confidence": 0.9}}}
    found = _corrected(text, "faq", clauses=clauses, response_selector=selector)
    assert found == "report_repair"
