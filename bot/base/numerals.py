"""Values of Chinese numerals written alone: 三 → 3, 十四 → 14, 三百零二 → 302, 一万五 → 15000.

The ground floor's numeral reader. Reading a numeral that stands alone needs no context, so it
sits here where every layer may use it: a text channel reads 第二个 back as option 2
(`bot.base.render`), and the NLU's `bot.nlu.numbers` builds on it to decide which numeral runs
in free text are numbers at all (the hard part, which stays in the NLU). Because the NLU imports
this module it is one of the model's hash inputs (`bot.modelcache.MODEL_INPUTS`).
"""

from __future__ import annotations

__all__ = ["DIGIT_VALUES", "parse_chinese_number", "read_chinese_number"]

DIGIT_VALUES: dict[str, int] = {
    "零": 0, "〇": 0, "一": 1, "幺": 1, "二": 2, "两": 2, "三": 3, "四": 4,
    "五": 5, "六": 6, "七": 7, "八": 8, "九": 9,
}  # fmt: skip
_SMALL_UNITS: dict[str, int] = {"十": 10, "百": 100, "千": 1000}
_BIG_UNITS: tuple[tuple[str, int], ...] = (("亿", 10**8), ("万", 10**4))


def _parse_section(s: str) -> int | None:
    """Value of a positional numeral below 10,000 (三百零五, 二十二, 十四, 两千五), or None.

    Colloquial abbreviation: a digit right after the last unit counts one unit lower
    (三百五 = 350, 两千五 = 2500); after 十 it is the ones digit (二十二 = 22).
    """
    if not s:
        return None
    total = 0
    pending: int | None = None
    last_unit = 10_000
    after_zero = False
    for i, ch in enumerate(s):
        if ch in DIGIT_VALUES:
            value = DIGIT_VALUES[ch]
            if ch == "幺":
                return None
            if pending is not None and pending != 0:
                return None  # two digits in a row: 二三, not positional
            if pending == 0:
                after_zero = True
            pending = value
        else:
            unit = _SMALL_UNITS[ch]
            if unit >= last_unit:
                return None
            if pending is None:
                if unit == 10 and i == 0:
                    pending = 1  # 十四
                else:
                    return None
            if pending == 0:
                return None  # 零十
            total += pending * unit
            last_unit = unit
            pending = None
            after_zero = False
    if pending is not None:
        directly_after_unit = len(s) >= 2 and s[-2] in _SMALL_UNITS and not after_zero
        if directly_after_unit and last_unit >= 100:
            total += pending * (last_unit // 10)
        else:
            total += pending
    return total


def parse_chinese_number(s: str) -> int | None:
    """Value of a positional Chinese numeral (十四 → 14, 一万五 → 15000, 三百零二 → 302).

    Returns None for anything that is not a well-formed number, which is how idioms such as
    万一, 千万 and 一五一十 are told apart from numbers. Digit-only strings (五零二) are not
    positional and also give None; `bot.nlu.numbers.chinese_to_arabic` reads those in
    free text digit by digit.
    """
    if not s or not any(ch in _SMALL_UNITS or ch in "万亿" for ch in s):
        return None
    if s[0] in "百千万亿" or "幺" in s:
        return None
    total = 0
    rest = s
    last_big = 1
    for char, multiplier in _BIG_UNITS:
        if char in rest:
            head, _, tail = rest.partition(char)
            if char in tail:
                return None
            value = _parse_section(head) if head else None
            if not value:
                return None
            total += value * multiplier
            last_big = multiplier
            rest = tail
    if rest:
        if total and len(rest) == 1 and rest in DIGIT_VALUES and rest not in "零〇":
            total += DIGIT_VALUES[rest] * (last_big // 10)  # 一万五 = 15000
        else:
            value = _parse_section(rest)
            if value is None:
                return None
            total += value
    return total


def read_chinese_number(s: str) -> int | None:
    """Value of one Chinese number written alone: a single digit (三 → 3, 零 → 0) or a
    positional numeral (十 → 10, 二十一 → 21); None for anything else, including digit-by-digit
    readings (一三), which only make sense inside longer numbers such as phone numbers."""
    if len(s) == 1 and s in DIGIT_VALUES:
        return DIGIT_VALUES[s]
    return parse_chinese_number(s)
