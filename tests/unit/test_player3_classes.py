"""Player findings 3, class E (dlgE): the text rules behind each fix, with the players' wording,
variants of our own and look-alikes that must not change (docs/dialogue.md, "Player findings 3,
class E")."""

from __future__ import annotations

import pytest

from bot.nlu.complaints import complaint_change
from bot.nlu.numbers import last4_candidates
from bot.nlu.resident_requests import resident_request, wants_readings_shown
from bot.nlu.self_help import bled_without_heat


@pytest.mark.parametrize(
    "text",
    [
        "我是翠湖苑的 户号0102345678 查下热表读数",  # p3-047
        "我是想让你告诉我读数 不是我报给你",  # p3-047
        "帮我看下热表读数",
        "你们抄的读数给我说一下",
        "热表读数是多少",
    ],
)
def test_the_readings_asked_to_be_shown(text: str) -> None:
    assert wants_readings_shown(text)
    assert resident_request("report_meter_reading", text, None) == "query_meter"


@pytest.mark.parametrize(
    "text",
    [
        "我要报热表读数",
        "热表读数怎么报",
        "我拍照发给你读数",
        "热表读数 12345 kWh",
        "热表读数不对 你们查一下",  # a meter to check
        "屋里温度多少",
    ],
)
def test_a_reading_reported_or_doubted_is_not_a_query(text: str) -> None:
    assert not wants_readings_shown(text)


@pytest.mark.parametrize(
    ("intent", "text"),
    [
        # p3-099
        (
            "report_meter_reading",
            "我想报停 去年就想报 今年必须报了 金色家园8号楼2单元502 电话13355556666",
        ),
        ("deny", "我是要报停 不是查费"),
        ("query_fee", "房子今年没人住 想报停 翠湖苑1号楼2单元301"),
        ("correct_info", "不对 我是想报停 不是要报修"),
        ("query_meter", "帮我报停 和平里3号楼1单元202"),
    ],
)
def test_a_stop_wanted_whatever_it_was_read_as(intent: str, text: str) -> None:
    assert resident_request(intent, text, None) == "apply_stop_heating"


@pytest.mark.parametrize(
    ("intent", "text"),
    [
        ("deny", "不是要报停"),
        ("deny", "别给我报停了 不是查费"),
        ("deny", "我不报停了"),
        ("deny", "是不是要报停"),
        ("query_fee", "报停了还要交多少钱"),
    ],
)
def test_no_stop_wanted_is_left_alone(intent: str, text: str) -> None:
    assert resident_request(intent, text, None) is None


@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("不是收费问题 是服务态度", "服务态度"),
        ("类别不对 应该是服务态度", "服务态度"),
        ("分类错了 算态度问题吧", "服务态度"),
        ("选错了 是维修不及时", "维修不及时"),
        ("不是室温的事，是收费的问题", "收费问题"),
    ],
)
def test_a_category_put_right_in_words(text: str, category: str) -> None:
    assert complaint_change(text) == (category, None)


@pytest.mark.parametrize(
    "text", ["对 是收费问题", "对，就是收费的问题", "是服务态度 不是收费", "地址不对 是和平里3号楼"]
)
def test_a_yes_or_another_change_names_no_category(text: str) -> None:
    assert complaint_change(text) == (None, None)


@pytest.mark.parametrize(
    ("text", "answered"),
    [
        ("那拧开出水了还是不热呢", True),  # p3-012
        ("不用报修 我就问问 出水了还不热是啥原因", False),  # p3-012
        ("我问的是放完气了为啥还不热", False),  # p3-012
        ("放了气也没用啊", True),
        ("没用啊 还是冰凉", True),
        ("放完气了 还是不怎么热 咋回事", False),
    ],
)
def test_still_cold_after_bleeding(text: str, answered: bool) -> None:
    assert bled_without_heat(text, answered)


@pytest.mark.parametrize(
    ("text", "answered"),
    [
        ("还是不热 派人来修吧", True),
        ("还不热的话给我报修", True),
        ("暖气不热", True),
        ("暖气不热", False),
        ("好的谢谢", True),
        ("暖气片上面冰凉下面烫手 我放过气了也没用", False),  # melt mc-011: a repair
        ("放完气了 还是不怎么热", False),
    ],
)
def test_a_repair_or_a_new_fault_is_not_that(text: str, answered: bool) -> None:
    assert not bled_without_heat(text, answered)


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("哦哦我记反了 是5678", ["5678"]),
        ("尾号五六七八", ["5678"]),
        ("０１０２３４５６７８", []),
        ("2025年 1234", ["2025", "1234"]),
    ],
)
def test_the_four_digit_groups(text: str, found: list[str]) -> None:
    assert last4_candidates(text) == found
