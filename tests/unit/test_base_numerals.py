"""bot.base.numerals: the value of a Chinese number written alone."""

from __future__ import annotations

import pytest

from bot.base.numerals import parse_chinese_number, read_chinese_number


@pytest.mark.parametrize(
    ("numeral", "value"),
    [
        ("十", 10),
        ("十四", 14),
        ("二十", 20),
        ("二十二", 22),
        ("一百", 100),
        ("一百零五", 105),
        ("一百一", 110),
        ("一百一十", 110),
        ("三百五", 350),
        ("三百零二", 302),
        ("两千", 2000),
        ("两千五", 2500),
        ("两千零二十六", 2026),
        ("一万五", 15000),
        ("一万五千", 15000),
        ("一万零五百", 10500),
        ("十万", 100000),
        ("一亿两千万", 120000000),
    ],
)
def test_parse_chinese_number(numeral: str, value: int) -> None:
    assert parse_chinese_number(numeral) == value


@pytest.mark.parametrize(
    "numeral",
    ["", "万一", "千万", "百分", "一五一十", "十二三", "三四十", "五零二", "幺十", "零十"],
)
def test_parse_chinese_number_rejects_non_numbers(numeral: str) -> None:
    assert parse_chinese_number(numeral) is None


@pytest.mark.parametrize(
    ("numeral", "value"),
    [("一", 1), ("九", 9), ("零", 0), ("十", 10), ("一十", 10), ("十二", 12), ("二十一", 21)],
)
def test_read_chinese_number(numeral: str, value: int) -> None:
    assert read_chinese_number(numeral) == value


@pytest.mark.parametrize("numeral", ["", "一三", "二三", "一一", "百", "万一"])
def test_read_chinese_number_refuses_readings_and_idioms(numeral: str) -> None:
    """Digit-by-digit readings (一三) and idioms are not one number written alone."""
    assert read_chinese_number(numeral) is None
