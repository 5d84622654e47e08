"""bot.nlu.text: script, width and whitespace normalisation, and the offset map for entity spans."""

from __future__ import annotations

import itertools
import time

import pytest

from bot.nlu.text import (
    PhraseTable,
    compose_offsets,
    map_span,
    normalise,
    normalise_with_offsets,
    t2s_with_offsets,
)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        # traditional → simplified
        ("暖氣不熱", "暖气不热"),
        ("師傅什麼時候來", "师傅什么时候来"),
        ("陽光花園5號樓1單元302", "阳光花园5号楼1单元302"),
        ("閥門響", "阀门响"),
        # a phrase entry wins over the single-character entry (瞭 alone stays 瞭)
        ("一目瞭然", "一目了然"),
        ("不瞭解", "不了解"),
        # simplified text is left as it is
        ("暖气不热", "暖气不热"),
        # full-width digits, Latin letters, punctuation and the ideographic space
        ("１３８１２３４５６７８", "13812345678"),
        ("ＢＸ２０２６１１２７０００３", "BX202611270003"),
        ("Ａｂｃ，ｄｅｆ！", "Abc,def!"),
        ("１４：３０", "14:30"),
        ("温度－３℃", "温度-3℃"),
        ("温度\u22123℃", "温度-3℃"),
        # every other Unicode decimal digit is its ASCII digit (red team R13)
        ("尾号٥٦٧٩", "尾号5679"),  # Arabic-Indic
        ("尾号𝟓𝟔𝟕𝟗", "尾号5679"),  # mathematical bold
        ("۵۶۷۹", "5679"),  # Extended Arabic-Indic
        ("手机后四位५६७९", "手机后四位5679"),  # Devanagari
        ("户号 𝟬𝟭𝟬𝟮 ３４５６ ٧٨", "户号 0102345678"),  # mixed scripts, written in parts
        ("١٣٨ ١٢٣٤ ٥٦٧٨", "13812345678"),  # a number in parts loses its spaces as ever
        ("①②③ ²", "①②③ ²"),  # circled and superscript numbers are no decimal digits
        # whitespace between two digits disappears, elsewhere it is folded to one space
        ("138 1234 5678", "13812345678"),
        ("１３８　１２３４　５６７８", "13812345678"),
        ("138\t1234\n5678", "13812345678"),
        ("１２ 34", "1234"),
        ("BX 2026 1127 0003", "BX 202611270003"),
        ("5 号楼", "5 号楼"),
        ("  你好   世界  ", "你好 世界"),
        ("第一行\n\n第二行", "第一行 第二行"),
        ("a\u3000\u3000b", "a b"),
        # control and zero-width characters are dropped
        ("暖气\u200b不热", "暖气不热"),
        ("\ufeff你好", "你好"),
        ("暖气\x00不\x07热", "暖气不热"),
        ("暖\u200c气\u200e不\u2060热\u00ad", "暖气不热"),
        ("我\u200d们", "我们"),
        # emoji are kept, including the joiners inside an emoji sequence
        ("暖气不热😭😭", "暖气不热😭😭"),
        ("👨\u200d👩\u200d👧", "👨\u200d👩\u200d👧"),
        ("好的👍🏻", "好的👍🏻"),
        # edge cases
        ("", ""),
        ("   ", ""),
        ("\t\n", ""),
    ],
)
def test_normalise(raw: str, expected: str) -> None:
    assert normalise(raw) == expected


def test_normalise_is_idempotent_on_its_output() -> None:
    once = normalise(" 暖氣 不熱 １３８ １２３４ ５６７８ \u200b😀 ")
    assert normalise(once) == once


def test_offsets_point_back_into_the_input() -> None:
    # input indices: ' '0 ' '1 暖2 氣3 ' '4 不5 熱6 ' '7
    # → "暖气 不热" plus the end sentinel len(input) = 8
    text, offsets = normalise_with_offsets("  暖氣 不熱 ")
    assert text == "暖气 不热"
    assert offsets == [2, 3, 4, 5, 6, 8]


def test_offsets_skip_removed_digit_spaces() -> None:
    text, offsets = normalise_with_offsets("138 1234")
    assert text == "1381234"
    assert offsets == [0, 1, 2, 4, 5, 6, 7, 8]


def test_offsets_skip_dropped_control_characters() -> None:
    text, offsets = normalise_with_offsets("a\u200bb\x00c")
    assert text == "abc"
    assert offsets == [0, 2, 4, 5]


OFFSET_CASES = [
    "",
    "暖氣不熱",
    "  請撥打 １３８ １２３４ ５６７８ 謝謝！ ",
    "a\u200b\u200bb  c\x00\x01d😀\u200d😀",
    "\n\n\n",
]


@pytest.mark.parametrize("raw", [*OFFSET_CASES, "一目瞭然 不瞭解 瞭"])
def test_offset_map_shape(raw: str) -> None:
    text, offsets = normalise_with_offsets(raw)
    assert len(offsets) == len(text) + 1
    assert offsets[-1] == len(raw)
    assert all(a <= b for a, b in itertools.pairwise(offsets))
    assert all(0 <= index < len(raw) for index in offsets[:-1])


@pytest.mark.parametrize("raw", OFFSET_CASES)
def test_each_output_character_comes_from_its_source(raw: str) -> None:
    # (Without phrase entries: inside 一目瞭然 the 瞭 becomes 了, alone it stays 瞭.)
    text, offsets = normalise_with_offsets(raw)
    for i, ch in enumerate(text):
        source = raw[offsets[i]]
        assert source == ch or normalise(source) == ch or (ch == " " and source.isspace())


def test_phrase_offsets() -> None:
    text, offsets = normalise_with_offsets("不瞭解")
    assert text == "不了解"
    assert offsets == [0, 1, 2, 3]


def test_map_span_moves_an_entity_through_normalisation() -> None:
    raw = "請撥打 １３８ １２３４ ５６７８ 謝謝"
    start = raw.index("１")
    end = raw.index("８", raw.index("５")) + 1
    text, offsets = normalise_with_offsets(raw)
    assert text == "请拨打 13812345678 谢谢"
    new_start, new_end = map_span(offsets, start, end)
    assert text[new_start:new_end] == "13812345678"


def test_map_span_at_the_end_with_trimmed_trailing_whitespace() -> None:
    raw = "暖氣不熱   "
    text, offsets = normalise_with_offsets(raw)
    assert map_span(offsets, 2, len(raw)) == (2, 4)
    assert text[2:4] == "不热"


def test_map_span_of_dropped_characters_is_empty() -> None:
    _, offsets = normalise_with_offsets("a\u200bb")
    start, end = map_span(offsets, 1, 2)
    assert start == end == 1


def test_compose_offsets() -> None:
    # step 1 dropped input index 1; step 2 dropped step-1 index 0
    first = [0, 2, 3, 4]
    second = [1, 2, 3]
    assert compose_offsets(first, second) == [2, 3, 4]


# --- conversions that change the length (the opencc t2s tables have none; ours must cope) ----


TABLE = PhraseTable.from_mapping({"AB": "X", "C": "YZ", "D": "d"})


def test_length_changing_conversion_keeps_offsets_right() -> None:
    # q0 A1 B2 r3 C4 s5 → q X r Y Z s; Y and Z both come from C
    text, offsets = t2s_with_offsets("qABrCs", TABLE)
    assert text == "qXrYZs"
    assert offsets == [0, 1, 3, 4, 4, 5, 6]
    assert map_span(offsets, 1, 3) == (1, 2)  # "AB" → "X"
    assert map_span(offsets, 4, 5) == (3, 5)  # "C" → "YZ"
    assert map_span(offsets, 3, 4) == (2, 3)  # "r" → "r"
    assert map_span(offsets, 5, 6) == (5, 6)  # "s" → "s"
    assert map_span(offsets, 0, 6) == (0, 6)


def test_longest_match_wins_and_single_characters_still_convert() -> None:
    table = PhraseTable.from_mapping({"A": "a", "AB": "x", "ABC": "yy"})
    assert t2s_with_offsets("ABCAB A", table)[0] == "yyx a"
    assert t2s_with_offsets("ACB", table)[0] == "aCB"


def test_phrase_at_the_end_of_the_text() -> None:
    text, offsets = t2s_with_offsets("rAB", TABLE)
    assert text == "rX"
    assert offsets == [0, 1, 3]


# --- speed -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "chunk",
    [
        "暖氣不熱，",  # with separators
        "暖氣不熱",  # one 10,000-character run with no separator at all
        "1 2 3 4 5 ",  # a whitespace-heavy paste
        "瞭解一目瞭然",  # phrase probes at many positions
    ],
)
def test_ten_thousand_characters_are_fast(chunk: str) -> None:
    raw = chunk * (10_000 // len(chunk))
    started = time.perf_counter()
    text, offsets = normalise_with_offsets(raw)
    elapsed = time.perf_counter() - started
    assert len(offsets) == len(text) + 1
    assert elapsed < 1.0, f"{elapsed:.2f}s for {len(raw)} characters"


def test_time_grows_linearly() -> None:
    normalise("預熱")  # load the dictionaries outside the measurement
    small, large = "暖氣不熱" * 2_500, "暖氣不熱" * 20_000

    def best_of_three(raw: str) -> float:
        times = []
        for _ in range(3):
            started = time.perf_counter()
            normalise(raw)
            times.append(time.perf_counter() - started)
        return min(times)

    # 8× the input; quadratic behaviour would be ~64×. Allow generous noise.
    assert best_of_three(large) < 20 * best_of_three(small) + 0.05


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("138 1234 5678", "13812345678"),
        ("010 62345678", "01062345678"),
        ("0102 3456 78", "0102345678"),
        # a room then a phone number: two numbers, not one of fourteen digits
        ("和平里2号楼1单元303 13122223333 晚上", "和平里2号楼1单元303 13122223333 晚上"),
        ("13122223333 303", "13122223333 303"),
    ],
)
def test_only_a_number_written_in_parts_loses_its_spaces(text: str, expected: str) -> None:
    assert normalise(text) == expected
