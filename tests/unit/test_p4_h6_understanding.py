"""Player findings 4, classes F and H: what the resident said, read as they meant it.

Dialect day words (后儿个下午 was booked for today), a bound on the temperature taken for the
resident's reading (一冬天都不到18度 → "您自测 18℃，已达到标准"), a building compared with the
neighbours taken for an unserved community, someone frail named in one message and their sign
in the next, a frightened resident with a stranger at the door.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from bot.nlu.address import unserved_community
from bot.nlu.door_stranger import afraid_of_the_caller, stranger_at_door
from bot.nlu.emergency import detect_emergency
from bot.nlu.emergency_context import emergency_in_context
from bot.nlu.neighbour_heat import colder_than_neighbours
from bot.nlu.numbers import parse_room_reading
from bot.nlu.timewindow import next_visit_window, parse_visit_window, unread_day

SHANGHAI = ZoneInfo("Asia/Shanghai")
#: Monday 7 December 2026, 10:00: the dialogue runner's clock.
MONDAY = datetime(2026, 12, 7, 10, 0, tzinfo=SHANGHAI)
SERVED = ["东风新村", "和平里", "幸福里小区", "翠湖苑", "金色家园", "阳光花园"]


def _window(text: str) -> tuple[str, str] | None:
    found = parse_visit_window(text, MONDAY)
    if found is None:
        return None
    return found.start.strftime("%m-%d %H"), found.end.strftime("%H")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("后儿个下午吧", ("12-09 13", "18")),
        ("后个上午 俺在家", ("12-09 08", "12")),
        ("后儿上午", ("12-09 08", "12")),
        ("后日下午三点", ("12-09 15", "17")),
        ("大后儿个下午", ("12-10 13", "18")),
        ("明儿个下午", ("12-08 13", "18")),
        ("明个上午", ("12-08 08", "12")),
        ("今儿个下午", ("12-07 13", "18")),
        ("礼拜三后晌", ("12-09 13", "18")),
    ],
)
def test_dialect_day_words_name_their_day(text: str, expected: tuple[str, str]) -> None:
    assert _window(text) == expected


@pytest.mark.parametrize("text", ["三点以后儿", "下午两点以后"])
def test_the_after_of_a_clock_time_is_no_day(text: str) -> None:
    found = _window(text)
    assert found is not None and found[0].startswith("12-07")


@pytest.mark.parametrize(
    ("text", "day"),
    [
        ("改天下午吧", "改天"),
        ("过两天上午", "过2天"),
        ("赶明儿下午", "赶明儿"),
        ("下礼拜上午吧", "下礼拜"),
        ("这周下午都行", "这周"),
        ("初八下午", "初八"),
        ("下个月上午", "下个月"),
        ("那儿个下午", "那儿个"),
    ],
)
def test_a_day_word_not_understood_is_asked_never_today(text: str, day: str) -> None:
    assert parse_visit_window(text, MONDAY) is None
    assert next_visit_window(text, MONDAY) is None
    assert unread_day(text) == day


@pytest.mark.parametrize("text", ["改天吧 明天下午", "下午", "前儿个下午", "哪天都行"])
def test_no_unread_day_where_a_day_is_read_or_none_is_named(text: str) -> None:
    assert unread_day(text) is None


@pytest.mark.parametrize(
    "text",
    [
        "屋里一冬天都不到18度 能退钱吗",
        "家里暖气一直达不到18度 给我测个温吧",
        "标准不是18度吗",
        "我家18度都达不到",
        "屋里从来没到过18度",
        "一冬天都没上过18度",
        "是18度吗",
    ],
)
def test_a_bound_or_a_question_is_no_reading(text: str) -> None:
    assert parse_room_reading(text) is None


@pytest.mark.parametrize(
    ("text", "reading"),
    [
        ("屋里16度", 16.0),
        ("我测了17度", 17.0),
        ("家里没有18度 才15度", 15.0),
        ("室温不到十八度 测了十五度", 15.0),
    ],
)
def test_a_reading_given_as_theirs_is_kept(text: str, reading: float) -> None:
    assert parse_room_reading(text) == reading


def test_the_same_building_is_no_community() -> None:
    assert unserved_community("都不是 我家18度 邻居家22度 同一栋楼", SERVED) is None
    assert unserved_community("碧桂园3号楼1单元201", SERVED) == "碧桂园"


@pytest.mark.parametrize(
    "text",
    [
        "为啥我家暖气没有邻居家热啊",
        "我家17度 楼上21度 我们是一栋楼",
        "对门家热乎乎的 俺家冰凉",
        "人家家都挺暖和 就我家冷",
    ],
)
def test_colder_than_the_neighbours(text: str) -> None:
    assert colder_than_neighbours(text)


@pytest.mark.parametrize(
    "text",
    [
        "楼上漏水到我家",
        "我家比邻居家热多了 太热了",
        "我家暖气不热",
        "暖气费多少钱",
        # a top-floor or end flat: the knowledge base explains that cause (top_floor_end_unit)
        "俺家顶楼把边 屋里为啥比楼下人家冷那么多",
        "我们家是顶层边户 比别人家冷好几度 正常吗",
        "住山墙那头的 屋里就是没邻居家暖和",
    ],
)
def test_not_a_comparison_with_the_neighbours(text: str) -> None:
    assert not colder_than_neighbours(text)


EARLIER = ["不是报修的事 老人80多了一个人在家 冻坏了咋办 你们能不能派人去看一眼"]


@pytest.mark.parametrize(
    "text",
    ["那到底能不能派个人 她刚打电话说冷得手脚发麻", "她冻得不行", "她说手脚冰凉"],
)
def test_a_sign_said_of_someone_frail_named_before(text: str) -> None:
    assert detect_emergency(text) is None
    found = emergency_in_context(text, EARLIER)
    assert found is not None and found.kind == "person"


@pytest.mark.parametrize(
    ("text", "earlier"),
    [
        ("我冷得手脚发麻", EARLIER),  # the resident of themselves
        ("越快越好 现在", EARLIER),  # no sign
        ("她冷得手脚发麻", ["暖气不热 幸福里3号楼"]),  # nobody frail named
    ],
)
def test_no_emergency_from_context_without_both(text: str, earlier: list[str]) -> None:
    assert emergency_in_context(text, earlier) is None


@pytest.mark.parametrize("text", ["老太太冻得不行", "我妈冻得实在不行"])
def test_someone_frail_frozen_is_an_emergency(text: str) -> None:
    found = detect_emergency(text)
    assert found is not None and found.kind == "person"


@pytest.mark.parametrize(
    "text", ["屋里冷得不行", "我冻得不行", "老人孩子都冻得够呛 什么时候修", "老人冻得受不了"]
)
def test_the_cold_alone_is_no_emergency(text: str) -> None:
    assert detect_emergency(text) is None


@pytest.mark.parametrize(
    "text",
    [
        "他没出示工作证 还在门口呢 我怕",
        "门口那人不是你们的吧 我该咋办 报警吗",
        "有个男的在我家门口 说是供热公司来检查的 要收300块 我不敢开门",
        "有人敲门说要检查暖气 我没开 是不是骗子",
        "门口来了俩人 说是热力公司查表的 没穿工作服 靠谱吗",
    ],
)
def test_a_stranger_at_the_door(text: str) -> None:
    assert stranger_at_door(text)


@pytest.mark.parametrize(
    "text",
    [
        "暖气漏水流到门口了 怎么办",
        "师傅上门没出示工作证 我要投诉",
        "师傅明天上门吗",
        "师傅上门修完了收了200块 怎么办发票",
        "邻居家有人 楼道里很冷 怎么办",
    ],
)
def test_no_stranger_at_the_door(text: str) -> None:
    assert not stranger_at_door(text)


def test_going_on_about_the_caller() -> None:
    assert afraid_of_the_caller("要不要报警啊")
    assert afraid_of_the_caller("我还是有点怕")
    assert not afraid_of_the_caller("好的 谢谢")
