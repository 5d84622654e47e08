"""The thaw round's classes (docs/dialogue.md, "Sixth round"), each on both sides."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from bot.nlu.agreement import agrees_to_read_back
from bot.nlu.emergency import detect_emergency, only_discounted
from bot.nlu.reschedule import asks_to_reschedule
from bot.nlu.timewindow import consistent_with_held, window_on_held_day

TZ = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 12, 7, 10, 0, tzinfo=TZ)
TUE_AFTERNOON = (datetime(2026, 12, 8, 14, tzinfo=TZ), datetime(2026, 12, 8, 18, tzinfo=TZ))
WED_MORNING = (datetime(2026, 12, 9, 8, tzinfo=TZ), datetime(2026, 12, 9, 12, tzinfo=TZ))


@pytest.mark.parametrize(
    "text",
    [
        "她刚跟我视频说暖气阀门那儿一直往外冒水，地上全湿了",
        "帮我爸报修 他跟我视频说暖气阀门一直往外冒水",
        "刚和我视频说暖气片接头在冒水 地上都是",
    ],
)
def test_a_relative_on_a_video_call_reports_a_leak(text: str) -> None:
    assert not only_discounted(text)


@pytest.mark.parametrize(
    "text",
    [
        "新闻视频里说有个小区暖气管爆了",
        "刷到个视频说暖气漏水要关阀门",
        "我看了个视频说暖气漏水要关阀门",
    ],
)
def test_a_video_seen_stays_hearsay(text: str) -> None:
    assert detect_emergency(text) is None


@pytest.mark.parametrize(
    "text",
    [
        "暖气片里老有流水的咕噜声，听说放放气就好？怎么放啊",
        "暖气片里面有水流的声音 咕嘟咕嘟的",
        "暖气里老是有哗哗流水的动静",
        "暖气管子里哗哗的流水声 正常吗",
    ],
)
def test_the_sound_of_flowing_water_is_no_leak(text: str) -> None:
    assert detect_emergency(text) is None


@pytest.mark.parametrize("text", ["暖气片一直在流水 流了一地", "暖气管在流水 听见滴答声"])
def test_water_flowing_out_is_still_a_leak(text: str) -> None:
    found = detect_emergency(text)
    assert found is not None and found.kind == "water"


def _held(window: tuple[datetime, datetime]):  # type: ignore[no-untyped-def]
    return lambda chunk: consistent_with_held(chunk, window, NOW)


@pytest.mark.parametrize(
    ("text", "window"),
    [
        ("对，改到下午", TUE_AFTERNOON),
        ("对 下午两点以后", TUE_AFTERNOON),
        ("对，周三上午", WED_MORNING),
        ("好的 就周三上午吧", WED_MORNING),
        ("对 明天下午", TUE_AFTERNOON),
    ],
)
def test_a_yes_repeating_the_booked_time_is_a_yes(
    text: str, window: tuple[datetime, datetime]
) -> None:
    assert agrees_to_read_back(text, [], _held(window))


@pytest.mark.parametrize(
    ("text", "window"),
    [
        ("对，周二上午", WED_MORNING),
        ("对 上午", TUE_AFTERNOON),
        ("对，后天下午", TUE_AFTERNOON),
        ("对 三点以后", TUE_AFTERNOON),  # narrowed: a change, read back again
    ],
)
def test_a_yes_with_another_time_is_a_change(text: str, window: tuple[datetime, datetime]) -> None:
    assert not agrees_to_read_back(text, [], _held(window))


def test_a_time_without_a_day_keeps_the_held_day() -> None:
    window = window_on_held_day("改到上午吧", TUE_AFTERNOON, NOW)
    assert window is not None and window.start == datetime(2026, 12, 8, 8, tzinfo=TZ)
    assert window_on_held_day("周三上午", TUE_AFTERNOON, NOW) is None  # a day named: its own
    assert window_on_held_day("下午", None, NOW) is None


def test_a_reschedule_without_a_day_stays_on_the_held_day() -> None:
    wish = asks_to_reschedule("明天下午不行 改到上午吧", NOW, TUE_AFTERNOON)
    assert wish is not None and wish.window is not None
    assert wish.window.start.date() == TUE_AFTERNOON[0].date()
    plain = asks_to_reschedule("改到后天上午", NOW, TUE_AFTERNOON)
    assert plain is not None and plain.window is not None
    assert plain.window.start.date() == WED_MORNING[0].date()


def _corrected(text: str, intent: str) -> str:
    from rasa.shared.nlu.training_data.message import Message

    from bot.nlu.guard import IntentCorrections

    message = Message(data={"text": text, "intent": {"name": intent, "confidence": 0.8}})
    IntentCorrections().process([message])
    return str(message.get("intent")["name"])


@pytest.mark.parametrize(
    "text",
    [
        "别整那些没用的 派人来量 量完了该咋整咋整",
        "少废话 赶紧派人来量量",
        "说那么多干啥 上门量一下就完了",
    ],
)
def test_a_measurement_asked_impatiently_is_the_request(text: str) -> None:
    assert _corrected(text, "faq") == "request_temp_check"


@pytest.mark.parametrize("text", ["上门测温要收费吗", "上门测温需要带什么", "测温是免费的吗"])
def test_a_question_about_measuring_stays_a_question(text: str) -> None:
    assert _corrected(text, "faq") == "faq"


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        (
            "账单上写读数 3265，我自己拍的表盘才 2987 kWh，差了快三百，麻烦安排查一下表",
            "report_meter_reading",
        ),
        ("你们账单的读数比我表上多了好几百 安排人来看看表", "faq"),
        ("想叫人来给抄个表 看看对不对", "request_human"),
        ("叫个人过来对一下表吧", "request_human"),
    ],
)
def test_a_meter_check_asked_for_is_a_meter_problem(text: str, intent: str) -> None:
    assert _corrected(text, intent) == "report_meter_problem"


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("抄表日是哪天", "faq"),
        ("我要人工客服", "request_human"),
        ("表底数是3265", "report_meter_reading"),
    ],
)
def test_no_meter_check_without_one_asked(text: str, intent: str) -> None:
    assert _corrected(text, intent) == intent
