"""bot.nlu.numbers: Chinese numerals in free text, and phone/account/ticket/temperature values."""

from __future__ import annotations

import pytest

from bot.nlu.numbers import (
    chinese_to_arabic,
    chinese_to_arabic_with_offsets,
    normalise_account_no,
    normalise_contact_number,
    normalise_phone,
    normalise_ticket_no,
    parse_room_reading,
    parse_temperature,
    to_canonical,
    to_canonical_with_offsets,
)
from bot.nlu.text import map_span


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # positional numbers
        ("十四度", "14度"),
        ("二十二度", "22度"),
        ("屋里才十度", "屋里才10度"),
        ("十多度", "10多度"),
        ("二十几度", "20几度"),
        ("三百五十块钱", "350块钱"),
        ("一万五", "15000"),
        ("十一月二十七号", "11月27号"),
        ("二零二六年十一月二十七日", "2026年11月27日"),
        # address parts
        ("三号楼", "3号楼"),
        ("一单元", "1单元"),
        ("二单元", "2单元"),
        ("一楼", "1楼"),
        ("五零二室", "502室"),
        ("五〇二", "502"),
        ("三百零二室", "302室"),
        ("我家三号楼二单元五零二", "我家3号楼2单元502"),
        ("十二号楼", "12号楼"),
        # digit-by-digit readings
        ("幺三八一二三四五六七八", "13812345678"),
        ("一三八一二三四五六七八", "13812345678"),
        ("电话幺三八一二三四五六七八谢谢", "电话13812345678谢谢"),
        ("138一二三四5678", "13812345678"),
        ("零一零二三四五六七八", "0102345678"),
        # clock times
        ("两点", "2点"),
        ("下午两点", "下午2点"),
        ("三点十分", "3点10分"),
        ("三点一刻", "3点1刻"),
        ("两点四十五", "2点45"),
        ("两点零五", "2点05"),
        ("十点", "10点"),
        ("十分钟", "10分钟"),
        ("一点半", "1点半"),
        ("一点钟", "1点钟"),
        ("下午一点", "下午1点"),
        ("中午一点", "中午1点"),
        ("明天一点", "明天1点"),
        ("一点到三点", "1点到3点"),
        ("今天一点来", "今天1点来"),
        ("周三一点", "周三1点"),
        # weekday + time: the weekday stays, the time converts
        ("周二十点", "周二10点"),
        ("星期三两点", "星期三2点"),
        ("下周一上午十点", "下周一上午10点"),
        # decimals only before 度
        ("十六点五度", "16.5度"),
        ("一点五度", "1.5度"),
        # counts
        ("一个人", "1个人"),
        ("第一次", "第1次"),
        ("等了两天", "等了2天"),
        ("一周了", "1周了"),
        # a numeral standing alone (an answer to 几单元?)
        ("三", "3"),
        ("一", "1"),
        ("三，", "3，"),  # (the comma is normalise's job, not this function's)
        # no numerals: untouched
        ("暖气不热", "暖气不热"),
        ("", ""),
    ],
)
def test_chinese_to_arabic_converts_numbers(text: str, expected: str) -> None:
    assert chinese_to_arabic(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        # words made of numeral characters that are not numbers
        "等一下",
        "一直不热",
        "快一点",
        "快一点来",
        "晚一点来",
        "暖一点就好了",
        "有一点凉",
        "一点也不热",
        "一点都不热",
        "一点点",
        "一点儿",
        "万一漏水",
        "千万别关阀门",
        "一样",
        "一起",
        "一般",
        "一会儿",
        "一定",
        "一些",
        "一块儿去",
        "十分冷",
        "十分感谢",
        "统一",
        "唯一",
        "一次性",
        # weekdays and lunar dates stay as written
        "星期一",
        "周一",
        "礼拜三",
        "周一三五",
        "初一",
        "初十",
        # approximations and idioms
        "七八度",
        "十七八度",
        "两三天",
        "一两天",
        "三五天",
        "三三两两",
        "七七八八",
        "一五一十",
        "乱七八糟",
        "十几天",
        "百分之",
        # negative temperatures keep 零下 for parse_temperature
        "零下",
        # a whole-day expression timewindow reads as words
        "明天一早",
        "一整天",
    ],
)
def test_chinese_to_arabic_leaves_non_numbers_alone(text: str) -> None:
    assert chinese_to_arabic(text) == text


def test_zero_below_keeps_the_word_and_converts_the_number() -> None:
    assert chinese_to_arabic("零下三度") == "零下3度"


@pytest.mark.parametrize(
    ("text", "expected_text", "expected_offsets"),
    [
        # same length: identity map
        ("三号楼", "3号楼", [0, 1, 2, 3]),
        # 二十二 (3 chars) → 22: the digits map to the first characters of the numeral
        ("二十二度", "22度", [0, 1, 3, 4]),
        # 十 (1 char) → 10: both digits map to 十
        ("十度", "10度", [0, 0, 1, 2]),
        # decimal: 十六点五 (4 chars) → 16.5
        ("约十六点五度", "约16.5度", [0, 1, 2, 3, 4, 5, 6]),
    ],
)
def test_chinese_to_arabic_offsets(
    text: str, expected_text: str, expected_offsets: list[int]
) -> None:
    assert chinese_to_arabic_with_offsets(text) == (expected_text, expected_offsets)


def test_chinese_to_arabic_offsets_move_spans() -> None:
    text = "我住三号楼二单元五零二，电话幺三八一二三四五六七八"
    converted, offsets = chinese_to_arabic_with_offsets(text)
    assert converted == "我住3号楼2单元502，电话13812345678"
    start = text.index("幺")
    assert converted[slice(*map_span(offsets, start, len(text)))] == "13812345678"
    start = text.index("三号楼")
    assert converted[slice(*map_span(offsets, start, start + 3))] == "3号楼"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("暖氣 三號樓", "暖气 3号楼"),
        ("幺三八 一二三四 五六七八", "13812345678"),
        ("１３８ 一二三四 ５６７８", "13812345678"),
        ("十四度", "14度"),
        ("兩點", "2点"),
    ],
)
def test_to_canonical(text: str, expected: str) -> None:
    assert to_canonical(text) == expected


def test_to_canonical_offsets_compose_all_steps() -> None:
    raw = "電話：幺三八 一二三四 五六七八。"
    text, offsets = to_canonical_with_offsets(raw)
    assert text == "电话:13812345678。"
    start, end = raw.index("幺"), raw.index("八", raw.index("七")) + 1
    assert text[slice(*map_span(offsets, start, end))] == "13812345678"
    assert offsets[-1] == len(raw)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("13812345678", "13812345678"),
        ("138 1234 5678", "13812345678"),
        ("138-1234-5678", "13812345678"),
        ("１３８１２３４５６７８", "13812345678"),
        ("１３８ １２３４ ５６７８", "13812345678"),
        ("+86 138 1234 5678", "13812345678"),
        ("+8613812345678", "13812345678"),
        ("0086 13812345678", "13812345678"),
        ("(+86) 139-1234-5678", "13912345678"),
        ("幺三八一二三四五六七八", "13812345678"),
        ("幺三八 一二三四 五六七八", "13812345678"),
        ("我的手机是13812345678谢谢", "13812345678"),
        ("19912345678", "19912345678"),
    ],
)
def test_normalise_phone(value: str, expected: str) -> None:
    assert normalise_phone(value) == expected


@pytest.mark.parametrize(
    "value",
    [
        None,
        "",
        "abc",
        "12812345678",  # 12x is not a mobile prefix
        "1381234567",  # 10 digits
        "138123456789",  # 12 digits
        "13812345678 和 13912345678",  # two different numbers
        "BX202611270003",
        "0102345678",
    ],
)
def test_normalise_phone_rejects(value: str | None) -> None:
    assert normalise_phone(value) is None


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("0102345678", "0102345678"),
        ("0102 3456 78", "0102345678"),
        ("户号：０１０２３４５６７８", "0102345678"),
        ("12345678", "12345678"),
        ("123456789012", "123456789012"),
        ("零一零二三四五六七八", "0102345678"),
        ("0102-345-678", "0102345678"),
    ],
)
def test_normalise_account_no(value: str, expected: str) -> None:
    assert normalise_account_no(value) == expected


@pytest.mark.parametrize(
    "value",
    [None, "", "1234567", "1234567890123", "BX202611270003", "12345678 和 87654321"],
)
def test_normalise_account_no_rejects(value: str | None) -> None:
    assert normalise_account_no(value) is None


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("BX202611270003", "BX202611270003"),
        ("bx202611270003", "BX202611270003"),
        ("BX 2026 1127 0003", "BX202611270003"),
        ("BX-20261127-0003", "BX202611270003"),
        ("ｂｘ２０２６１１２７０００３", "BX202611270003"),
        ("TS202601010001", "TS202601010001"),
        ("cw 20261231 9999", "CW202612319999"),
        ("cb-20261206-0001", "CB202612060001"),  # 查表 (meter) tickets
        ("bt_20260229_0001".replace("2026", "2028"), "BT202802290001"),
        ("RG202611270012", "RG202611270012"),
        ("我的单号是BX202611270003谢谢", "BX202611270003"),
        ("BX二零二六一一二七零零零三", "BX202611270003"),
    ],
)
def test_normalise_ticket_no(value: str, expected: str) -> None:
    assert normalise_ticket_no(value) == expected


@pytest.mark.parametrize(
    "value",
    [
        None,
        "",
        "XX202611270003",  # unknown kind
        "BX20261127003",  # 3-digit sequence
        "BX2026112700031",  # 5-digit sequence
        "BX202613010003",  # month 13
        "BX202602300001",  # 30 February
        "ABX202611270003",  # kind glued to another letter
        "BX202611270003 TS202611270004",  # two tickets
    ],
)
def test_normalise_ticket_no_rejects(value: str | None) -> None:
    assert normalise_ticket_no(value) is None


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("15度", 15.0),
        ("十四度", 14.0),
        ("16℃", 16.0),
        ("１５℃", 15.0),
        ("16.5", 16.5),
        ("16.5度", 16.5),
        ("十六点五度", 16.5),
        ("16点5度", 16.5),
        ("十六度半", 16.5),
        ("零下三度", -3.0),
        ("零下十度", -10.0),
        ("-3℃", -3.0),
        ("负5度", -5.0),
        ("七八度", 7.5),
        ("十七八度", 17.5),
        ("二十二三度", 22.5),
        ("十四五度", 14.5),
        ("16到18度", 17.0),
        ("16-18度", 17.0),
        ("二十多度", 20.0),
        ("室温16", 16.0),
        ("屋里才15度", 15.0),
        ("只有12度左右", 12.0),
        ("室温十五度，标准是十八度", 15.0),
        ("45度", 45.0),
        ("-30度", -30.0),
        (16, 16.0),
        (16.5, 16.5),
    ],
)
def test_parse_temperature(value: object, expected: float) -> None:
    assert parse_temperature(value) == expected


@pytest.mark.parametrize(
    "value",
    [
        None,
        "",
        "度",
        "温度不够",
        "5号楼",
        "13812345678",
        "50度",
        "46度",
        "-31度",
        "上个月用了15度电",  # kilowatt-hours
        "才七八度电",
        100,
        True,
    ],
)
def test_parse_temperature_rejects(value: object) -> None:
    assert parse_temperature(value) is None


@pytest.mark.parametrize(
    ("text", "number"),
    [
        ("座机 010-6234 5678 转 8021", "010-62345678-8021"),
        ("（010）62345678", "010-62345678"),
        ("01062345678", "010-62345678"),
        ("0312-2234567", "0312-2234567"),
        ("021 5555 6666 ext 9", "021-55556666-9"),
        ("零一零 六二三四五六七八", "010-62345678"),
        ("我家座机是8765 4321", "87654321"),
        ("电话62345678分机12", "62345678-12"),
        ("138 1234 5678", "13812345678"),
        ("０１０－６２３４５６７８", "010-62345678"),
    ],
)
def test_a_contact_number_may_be_a_landline_with_area_code_and_extension(
    text: str, number: str
) -> None:
    assert normalise_contact_number(text) == number


@pytest.mark.parametrize(
    "text",
    ["0102345678", "010-6234567", "123", "今天下午两点", "62345678 或 87654321", None],
    ids=["account-number", "short-beijing", "short", "a-time", "two-numbers", "none"],
)
def test_what_is_not_one_contact_number_is_refused(text: str | None) -> None:
    assert normalise_contact_number(text) is None


@pytest.mark.parametrize(
    ("text", "area_code", "number"),
    [
        # the area code said beside the number is its area code
        ("俺家座机 62349915 前头加010", None, "010-62349915"),
        ("家里座机八二三四五六七八，区号010", None, "010-82345678"),
        # a local number alone is in the company's city
        ("我没手机 家里座机6234 5678", "010", "010-62345678"),
        ("座机 6234 5678 转 12", "022", "022-62345678-12"),
        ("0312-2234567", "010", "0312-2234567"),  # its own area code stays
        ("13812345678", "010", "13812345678"),
        ("2234567", "010", "2234567"),  # 7 digits cannot be a Beijing number: left as said
    ],
)
def test_a_local_number_gets_its_area_code(text: str, area_code: str | None, number: str) -> None:
    assert normalise_contact_number(text, area_code) == number


@pytest.mark.parametrize(
    ("text", "reading"),
    [
        ("不是说保证18度吗 我家才15度", 15.0),
        ("国家规定18度 我家15度", 15.0),
        ("屋里就13度 国家规定18度你们不知道吗", 13.0),
        ("标准是18度吧？我测了才16", 16.0),
        ("室外零下10度 屋里14度", 14.0),
        ("卧室十四度半", 14.5),
        ("18度都不到", None),
        ("申请测温", None),
    ],
)
def test_the_room_reading_is_the_residents_own_not_the_standard_or_the_weather(
    text: str, reading: float | None
) -> None:
    assert parse_room_reading(text) == reading
