"""Chinese numerals in free text, and the number-like values users give us.

Users write numbers in several ways at once: 十四度, 三号楼, 五〇二室, 两点, and phone or account
numbers read out digit by digit (幺三八一二三四五六七八). The NLU model, the regexes and the parsers
are much simpler when they only ever see Arabic digits, so `chinese_to_arabic` rewrites numerals
*that are numbers* and leaves alone the many everyday words built from numeral characters:
一下, 一直, 一样, 一起, 一般, 一会儿, 一定, 快一点 ("a bit"), 万一, 千万, 十分 ("very"), 七八度 and
两三天 (approximations), 三三两两, weekday names 周一/星期三/礼拜天 and lunar dates 初一.

Why not `cn2an.transform(text, "cn2an")`? Checked with cn2an 0.5.24: it turns 快一点 into
快1点, 一下/一直/一样/一起 into 1下/1直/1样/1起, 十分冷 into 10分冷, 周一/星期一/初一 into
周1/星期1/初1, 七八度 into 78度, 三三两两 into 3322, 零下三度 into 0下3度, and leaves 两点
alone. Its number parsing is fine, but the decision *whether* a run of numeral characters is a
number is the hard part here, so this module does both with rules written for this domain.

Rules (see the tests for the full list of cases):
* A run of two or more numeral characters is converted: positional numbers (十四, 二十二, 三百零二,
  一万五) by value, digit-only runs (五零二, 幺三八…, 二零二六) digit by digit — unless it is an
  idiom or an approximation (七八, 两三, 三五, 十七八: two neighbouring digits), or not a valid
  number at all (万一, 千万, 一五一十), in which case it is left as written.
* A single numeral character is converted only when a measure word or address unit follows
  (号 楼 栋 单元 门 室 层 度 点 个 次 天 月 年 分钟 小时 …), when it stands alone, or when it
  touches an Arabic digit (a half-typed reading such as 138一二三四5678).
* 一点 is a clock time (1点) only with clock context (下午一点, 一点半, 一点到三点, 一点钟, 一点来);
  after an adjective or verb (快一点, 热一点, 晚一点来) and elsewhere (一点也不热) it means "a bit".
* After 周/星期/礼拜 the first numeral is the weekday and stays Chinese (周一, 星期三); the rest of
  the run is converted on its own, so 周二十点 becomes 周二10点. Runs after 初 (lunar dates) stay.
* 零下 stays as written; `parse_temperature` turns 零下3度 into -3.0.
* Decimals are recognised only before 度/℃ (十六点五度 → 16.5度); elsewhere 点 is the clock.

`to_canonical` = `normalise` + `chinese_to_arabic` (+ `normalise` again, so a reading typed with
spaces, 幺三八 一二三四 五六七八, ends as one number): it is what `TextNormalizer` does to every
message, and what the value normalisers below start from.
"""

from __future__ import annotations

import re
from datetime import date

from bot.base.numerals import DIGIT_VALUES, parse_chinese_number
from bot.nlu.text import compose_offsets, normalise, normalise_with_offsets

__all__ = [
    "chinese_to_arabic",
    "chinese_to_arabic_with_offsets",
    "gives_last4",
    "last4_candidates",
    "normalise_account_no",
    "normalise_contact_number",
    "normalise_phone",
    "normalise_ticket_no",
    "parse_room_reading",
    "parse_temperature",
    "to_canonical",
    "to_canonical_with_offsets",
]

_NUMERAL_RUN = re.compile("[零〇一幺二两三四五六七八九十百千万亿]+")

# Words after a single numeral that make it a number (longest alternatives first where it matters).
_FOLLOWING_UNIT = re.compile(
    "号|楼|栋|幢|座|单元|门|洞|室|层|户|度|℃|个|次|天|日|月|年|岁|周|星期|礼拜|小时|钟头|分钟|分|"
    "刻|秒|块钱|元|毛钱|间|台|组|片|根|位|人|米|平米|平方|期|区"
)
# …unless the word continues into one of these ("一块儿" together, "一点儿" a bit).
_FOLLOWING_EXCEPTION = re.compile("点儿|点点|次性|门心思|刻不|片漆黑")
# Idioms and approximations built only from digit characters.
_DIGIT_IDIOMS = frozenset({"一一", "三五", "三三两两", "七七八八", "九九", "一五一十"})
# Before 一点: adjectives/verbs that make it "a bit" (快一点, 热一点, 晚一点来, 有一点凉).
_A_BIT_BEFORE = frozenset("快慢好早晚多少大小高低热烫冷凉暖近远稍有差再强弱亮贵轻重松紧了得要点")
# After 一点: what makes it a clock time.
_CLOCK_AFTER = re.compile(
    r"半|钟|整|多|到|至|-|~|前后|左右|以后|之后|以前|之前|过|零|刻|来|上门|过来|[0-9:]|"
    "[一二两三四五六七八九十]"
)
# Before 一点: what makes it a clock time (下午一点, 明天一点, 27号一点, 周三一点, 到一点).
_CLOCK_BEFORE = re.compile(
    "(?:上午|下午|中午|晚上|早上|凌晨|夜里|半夜|天|号|日|到|至|-|~|约|(?:周|星期|礼拜)[一二三四五六日天])$"
)
_CLOCK_BEFORE_WIDTH = 3  # longest alternative above: 星期三
_WEEKDAY_PREFIX = re.compile("(?:周|星期|礼拜)$")
_DEGREE_AFTER = ("度", "℃")


def _is_boundary(ch: str) -> bool:
    """Start/end of text, whitespace or punctuation."""
    return ch == "" or not ch.isalnum()


def _is_ascii_digit(ch: str) -> bool:
    return ch != "" and ch.isascii() and ch.isdigit()


def _is_approximation(run: str) -> bool:
    """两三, 七八, 十七八, 二十二三: two neighbouring digits meaning "about", not a number."""
    tail = run[-2:]
    if len(tail) < 2 or any(ch not in DIGIT_VALUES for ch in tail) or "幺" in tail:
        return False
    if DIGIT_VALUES[tail[1]] != DIGIT_VALUES[tail[0]] + 1 or tail[0] in "零〇":
        return False
    head = run[:-2]
    return head == "" or head == "十" or (len(head) == 2 and head[1] == "十")


def _yi_dian_is_clock(text: str, start: int) -> bool:
    """Whether 一点 at `start` is 1 o'clock rather than "a bit"."""
    before = text[start - 1] if start > 0 else ""
    if before in _A_BIT_BEFORE:
        return False
    if _CLOCK_AFTER.match(text, start + 2):
        return True
    # Only the few characters before can match: bounding the search keeps long texts linear.
    return bool(_CLOCK_BEFORE.search(text, max(0, start - _CLOCK_BEFORE_WIDTH), start))


def _single_is_number(text: str, start: int) -> bool:
    """Decide for a run of exactly one numeral character at `start`."""
    ch = text[start]
    before = text[start - 1] if start > 0 else ""
    after = text[start + 1] if start + 1 < len(text) else ""
    if _is_ascii_digit(before) or _is_ascii_digit(after):
        return ch not in "十百千万亿"  # part of a half-typed digit reading
    if ch in "百千万亿幺":
        return False
    if ch == "十":
        if after == "分" and not text.startswith("分钟", start + 1) and before != "点":
            return False  # 十分 = very
        if after == "几":
            return False
        if after in ("多", "来"):
            return True
    if after == "点":
        return ch != "一" or _yi_dian_is_clock(text, start)
    if _FOLLOWING_EXCEPTION.match(text, start + 1):
        return False
    if _FOLLOWING_UNIT.match(text, start + 1):
        return True
    return _is_boundary(before) and _is_boundary(after)


def _digits_of(run: str) -> str:
    return "".join(str(DIGIT_VALUES[ch]) for ch in run)


def _convert_run(text: str, start: int, end: int) -> str | None:
    """Arabic replacement for the numeral run `text[start:end]`, or None to leave it alone."""
    run = text[start:end]
    if len(run) == 1:
        if not _single_is_number(text, start):
            return None
        return _digits_of(run) if run in DIGIT_VALUES else str(parse_chinese_number(run))
    touches_digit = _is_ascii_digit(text[start - 1] if start > 0 else "") or _is_ascii_digit(
        text[end] if end < len(text) else ""
    )
    if all(ch in DIGIT_VALUES for ch in run):
        if not touches_digit and (run in _DIGIT_IDIOMS or _is_approximation(run)):
            return None
        return _digits_of(run)
    if _is_approximation(run) or run == "十几":
        return None
    value = parse_chinese_number(run)
    return None if value is None else str(value)


def _decimal_at(text: str, start: int, end: int) -> tuple[int, str] | None:
    """十六点五度 → (end of 五, '16.5'): a decimal is only read before 度/℃."""
    if not text.startswith("点", end):
        return None
    frac = _NUMERAL_RUN.match(text, end + 1)
    if frac is None or any(ch not in DIGIT_VALUES for ch in frac.group()):
        return None
    if not text.startswith(_DEGREE_AFTER, frac.end()):
        return None
    run = text[start:end]
    whole = _digits_of(run) if all(ch in DIGIT_VALUES for ch in run) else None
    if whole is None:
        value = parse_chinese_number(run)
        whole = None if value is None else str(value)
    if whole is None:
        return None
    return frac.end(), f"{whole}.{_digits_of(frac.group())}"


def chinese_to_arabic_with_offsets(text: str) -> tuple[str, list[int]]:
    """`chinese_to_arabic(text)` plus the offset map (see `bot.nlu.text.normalise_with_offsets`).

    A numeral run of k characters replaced by m digits maps digit j to input index
    start + min(j, k - 1), so the map is non-decreasing and spans move with `map_span`.
    """
    out: list[str] = []
    offsets: list[int] = []
    cursor = 0

    def emit_unchanged(upto: int) -> None:
        nonlocal cursor
        out.append(text[cursor:upto])
        offsets.extend(range(cursor, upto))
        cursor = upto

    def emit_replacement(start: int, end: int, replacement: str) -> None:
        nonlocal cursor
        emit_unchanged(start)
        out.append(replacement)
        offsets.extend(start + min(j, end - start - 1) for j in range(len(replacement)))
        cursor = end

    pos = 0
    while True:
        match = _NUMERAL_RUN.search(text, pos)
        if match is None:
            break
        start, end = match.span()
        pos = end
        if start > 0 and text[start - 1] == "初":
            continue  # lunar dates 初一 … 初十
        if _WEEKDAY_PREFIX.search(text, max(0, start - 2), start):
            if text[start] not in "一二三四五六":
                continue
            start += 1  # the weekday itself stays Chinese: 周二十点 → 周二 + 十点
            if start == end:
                continue
        decimal = _decimal_at(text, start, end)
        if decimal is not None:
            decimal_end, replacement = decimal
            emit_replacement(start, decimal_end, replacement)
            pos = decimal_end
            continue
        converted = _convert_run(text, start, end)
        if converted is not None:
            emit_replacement(start, end, converted)
    emit_unchanged(len(text))
    offsets.append(len(text))
    return "".join(out), offsets


def chinese_to_arabic(text: str) -> str:
    """Rewrite Chinese numerals that are numbers as Arabic digits; leave everything else alone.

    十四度 → 14度, 三号楼 → 3号楼, 两点 → 2点, 五零二室 → 502室,
    幺三八一二三四五六七八 → 13812345678, while 一下, 一直, 快一点, 万一, 十分, 七八度, 周一 and
    初一 stay as written (see the module docstring).
    """
    return chinese_to_arabic_with_offsets(text)[0]


def to_canonical_with_offsets(text: str) -> tuple[str, list[int]]:
    """`to_canonical(text)` plus the offset map into the original `text`."""
    first, first_offsets = normalise_with_offsets(text)
    second, second_offsets = chinese_to_arabic_with_offsets(first)
    offsets = compose_offsets(first_offsets, second_offsets)
    if second == first:
        return second, offsets
    third, third_offsets = normalise_with_offsets(second)
    return third, compose_offsets(offsets, third_offsets)


def to_canonical(text: str) -> str:
    """`normalise` then `chinese_to_arabic` (then `normalise` again to join spaced digit runs).

    This is the text the NLU pipeline sees (`TextNormalizer`), so parsers and normalisers that
    start from it accept exactly what the model was trained on.
    """
    return to_canonical_with_offsets(text)[0]


# --- values -------------------------------------------------------------------------------------

_SEPARATORS = re.compile(r"[\s\-_.·()\[\]/\\,，、]+")
_DIGIT_RUN = re.compile(r"(?<![A-Za-z0-9])\d+")


def _digit_runs(value: object) -> list[str]:
    """Digit runs of a value after canonicalisation with separators removed.

    Runs glued to a Latin letter (the digits of BX2026…) are skipped, so a ticket number is never
    mistaken for an account or phone number.
    """
    if value is None:
        return []
    text = _SEPARATORS.sub("", to_canonical(str(value)))
    return _DIGIT_RUN.findall(text)


def normalise_phone(value: object) -> str | None:
    """The 11-digit mobile number in `value` (1[3-9]…), or None.

    Accepts spaces, dashes, full-width digits, Chinese digit readings (幺三八…) and a +86/0086
    prefix. Returns None when there is no such number or more than one different one.
    """
    found: set[str] = set()
    for run in _digit_runs(value):
        if len(run) == 13 and run.startswith("86"):
            run = run[2:]
        elif len(run) == 15 and run.startswith("0086"):
            run = run[4:]
        if re.fullmatch(r"1[3-9]\d{9}", run):
            found.add(run)
    return found.pop() if len(found) == 1 else None


# A landline: the area code (010 and 02x have three digits and 8-digit local numbers, the others
# four), a local number of 7–8 digits that never starts with 0 or 1, and an extension after
# 转/分机/ext/#/a dash. A 10-digit account number (0102345678) is none of these.
_LANDLINE = re.compile(
    r"(?<!\d)(?:[(（]?(0(?:[12]\d|[3-9]\d{2}))[)）]?[\s\-—–]*)?"
    r"([2-9]\d{2,3})[\s\-—–]?(\d{4})"
    r"(?:\s*(?:转|分机|ext\.?|x|#|[\-—–])\s*(\d{1,6}))?(?!\d)",
    re.IGNORECASE,
)


# An area code said apart from the number: 区号010, 前头加010.
_STATED_AREA = re.compile(r"(?:区号(?:是|为)?|前[面头边]?加上?)\s*(0(?:[12]\d|[3-9]\d{2}))(?!\d)")


def normalise_contact_number(value: object, area_code: str | None = None) -> str | None:
    """A number to call the resident back on: an 11-digit mobile (`normalise_phone`), else a
    landline written as `010-62345678` or `010-62345678-8021` (area code and extension kept as
    given), else None. A local number without area code takes the one said beside it (座机
    62349915 前头加010), else `area_code` (the company's city), else stays as `62345678`.

    Elderly residents and shops often have only a landline; refusing it trapped them in the form.
    More than one different number is ambiguous: None.
    """
    mobile = normalise_phone(value)
    if mobile is not None or value is None:
        return mobile
    canonical = to_canonical(str(value))
    stated = _STATED_AREA.search(canonical)
    default = stated.group(1) if stated else area_code
    found = set()
    for given, local, last, extension in _LANDLINE.findall(canonical):
        number = local + last
        area = given or _area_for(default, number)
        if len(area) == 3 and len(number) != 8:
            continue  # 010 and 02x have 8-digit local numbers
        found.add("-".join(part for part in (area, number, extension) if part))
    return found.pop() if len(found) == 1 else None


#: Words right before a number that say it is one to call (电话, 座机, 联系方式是, 打).
_CALL_WORDS = re.compile(r"(?:电话|座机|固话|号码|联系|打|拨|分机)[^\d]{0,6}$")


def landline_told(text: str | None, area_code: str | None = None) -> str | None:
    """The landline a longer message gives as the number to call (测温 … 地址…，电话010-6789 1234
    转 8021，明天下午: p4-064 was asked for the phone it had just typed, because only mobiles are
    entities), normalised as `normalise_contact_number` does; None when the message holds a
    mobile (the entity is taken), no landline, or more than one. A number counts when written
    with its area code or right after a word for a phone (座机 6234 5678): a bare digit run in a
    longer message may be a reading or a 户号 (those never start like a landline anyway)."""
    if not text or normalise_phone(text) is not None:
        return None
    canonical = to_canonical(str(text))
    found = set()
    for m in _LANDLINE.finditer(canonical):
        if m.group(1) or _CALL_WORDS.search(canonical[: m.start()]):
            number = normalise_contact_number(m.group(0), area_code)
            if number is not None:
                found.add(number)
    return found.pop() if len(found) == 1 else None


def _area_for(area_code: str | None, local: str) -> str:
    """The area code a local number without one gets: `area_code` where its length fits (010
    and 02x have 8-digit local numbers), else none ("")."""
    if area_code and (len(area_code) != 3 or len(local) == 8):
        return area_code
    return ""


def last4_candidates(text: str) -> list[str]:
    """Each group of exactly four digits in `text` (尾号5678, 五六七八, ５６７８): the answers to
    "the last four digits of the registered phone" it may hold. One group is an answer, however
    much else is said around it (哦哦我记反了 是5678)."""
    return re.findall(r"(?<!\d)\d{4}(?!\d)", chinese_to_arabic(normalise(text)))


#: A number longer than four digits: a 户号, a phone or a reading, not the last four digits.
_LONGER_NUMBER = re.compile(r"\d{5,}")


def gives_last4(text: str | None) -> bool:
    """Whether `text`, said at the question for the phone's last four digits, gives them: one
    group of four digits and no longer number (哦哦我记反了 是5678, 尾号应该是5678). A reading
    (读数12345) or a 户号 is no such answer."""
    said = str(text or "")
    return len(last4_candidates(said)) == 1 and not _LONGER_NUMBER.search(to_canonical(said))


def normalise_account_no(value: object) -> str | None:
    """The heating account number in `value`: 8–12 digits (leading zeros kept), or None.

    None when there is no 8–12 digit number or more than one different one.
    """
    found = {run for run in _digit_runs(value) if 8 <= len(run) <= 12}
    return found.pop() if len(found) == 1 else None


_TICKET = re.compile(r"(?<![A-Z])(BX|TS|CW|BT|RG|CB|CY)(\d{4})(\d{2})(\d{2})(\d{4})(?!\d)")


def normalise_ticket_no(value: object) -> str | None:
    """`KK` + `YYYYMMDD` + 4 digits in upper case, from any spacing, dashes or case; else None.

    `bx202611270003`, `BX 2026 1127 0003` and `BX-20261127-0003` all give `BX202611270003`.
    The date must exist (20261345 is rejected), since a mistyped date can never match a ticket.
    """
    if value is None:
        return None
    text = _SEPARATORS.sub("", to_canonical(str(value))).upper()
    found: set[str] = set()
    for m in _TICKET.finditer(text):
        kind, year, month, day, seq = m.groups()
        try:
            date(int(year), int(month), int(day))
        except ValueError:
            continue
        found.add(f"{kind}{year}{month}{day}{seq}")
    return found.pop() if len(found) == 1 else None


_TEMP_MIN, _TEMP_MAX = -30.0, 45.0
_APPROX_TEMP = re.compile(
    "(?P<ten>(?P<tens>[一二两三四])?十)?(?P<a>[一二两三四五六七八])(?P<b>[二三四五六七八九])(?:度(?!电)|℃)"
)
# A temperature number starts where a digit run starts and has at most 3 digits: anchoring it
# keeps the search linear on a long digit run (a pasted account list, say) instead of retrying
# `\d+` from every position inside it.
_TEMP_NUMBER = r"(?<![\d.])\d{1,3}(?:\.\d{1,2})?(?![\d.])"
_TEMP_SIGN = r"(?P<neg>零下|负|(?<![\d.])-)?"
_TEMP_RANGE = re.compile(
    rf"{_TEMP_SIGN}(?P<a>{_TEMP_NUMBER})(?:度|℃)?(?:到|至|-|~)"
    rf"(?P<b>{_TEMP_NUMBER})(?:摄氏度|度(?!电)|℃|°C|°)"
)
_TEMP_WITH_UNIT = re.compile(
    rf"{_TEMP_SIGN}\s*(?P<num>{_TEMP_NUMBER})(?:点(?P<frac>\d))?\s*(?:多|几)?\s*"
    r"(?:摄氏度|度(?!电)|℃|°C|°c|°)(?P<half>半)?"
)
_TEMP_BARE = re.compile(
    r"(?:室温|温度|屋里|家里|屋内|室内|房间)?(?:是|有|只有|才|就|大概|大约|约)*\s*"
    rf"(?P<neg>零下|负|-)?\s*(?P<num>{_TEMP_NUMBER})\s*(?:左右|上下)?[。!！]?"
)


def _plausible(value: float) -> float | None:
    return value if _TEMP_MIN <= value <= _TEMP_MAX else None


def parse_temperature(value: object) -> float | None:
    """A room temperature in ℃ from what the user wrote, or None.

    15度, 十四度, 16℃, 16.5, 16点5度, 十六度半, 零下三度/-3℃ (negative). Approximations give the
    middle (七八度 → 7.5, 十七八度 → 17.5, 16到18度 → 17.0); 二十多度 gives the stated 20.
    Outside the plausible −30…45 range (a misread phone or room number) → None, and so is
    N度电 (kilowatt-hours on a heat-metering bill, not a temperature).
    """
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return _plausible(float(value))
    raw = str(value)
    approx = _APPROX_TEMP.search(normalise_with_offsets(raw)[0])
    if approx is not None:
        a, b = DIGIT_VALUES[approx["a"]], DIGIT_VALUES[approx["b"]]
        if b == a + 1:
            tens = approx["tens"]
            base = (DIGIT_VALUES[tens] if tens else 1) * 10 if approx["ten"] else 0
            return _plausible(base + (a + b) / 2)
    text = to_canonical(raw)
    m = _TEMP_RANGE.search(text)
    if m is not None:
        sign = -1.0 if m["neg"] else 1.0
        return _plausible(sign * (float(m["a"]) + float(m["b"])) / 2)
    m = _TEMP_WITH_UNIT.search(text)
    if m is not None:
        number = float(m["num"])
        if m["frac"]:
            number += int(m["frac"]) / 10
        if m["half"]:
            number += 0.5
        return _plausible(-number if m["neg"] else number)
    m = _TEMP_BARE.fullmatch(text.strip())
    if m is not None:
        number = float(m["num"])
        return _plausible(-number if m["neg"] else number)
    return None


# What a temperature in a message is, from the words just before and after it. The standard the
# resident quotes (不是说保证18度吗), the weather outside (室外零下10度) and a bound (18度都不到)
# are not their room's reading; a reading says so (我家才15度, 测了16, 屋里就13度).
_STANDARD_CUE = re.compile(
    "规定|标准|保证|要求|应该|应当|不是说|国家|至少|不低于|不能低于|达到|合同"
)
_OUTDOOR_CUE = re.compile("室外|外面|外边|外头|户外|气温|天气|外界|今天|最低|最高")
_BOUND_AFTER = re.compile(
    r"\s*(?:都|也|还|从来|根本|就)?(?:不到|达不到|到不了|没到|没达到|没有|不够|以下|以上|左右也没有"
    r"|吗|么|嘛|不是吗|是吧|对吧)"
)
#: A bound or a question said before the number (一冬天都不到18度, 达不到18度, 标准不是18度吗:
#: the player's p4-055 was told "您自测 18℃，已达到标准"): no reading of the room.
_BOUND_BEFORE = re.compile(
    r"(?:不到|达不到|到不了|没到|没达到|没有达到|没有|不够|不足|低于|高于|超过|超不过|上不去|上不了"
    r"|没上|没超|够不着|不是)过?\s*$"
)
_OWN_CUE = re.compile("我家|家里|屋里|屋内|室内|房间|卧室|客厅|测|量|显示|温度计|才|只有|就")
_BARE_READING = re.compile(
    rf"(?:测了?|测得|量了?|显示|温度计)(?:一下)?(?:是|有|才|只有|就)?\s*(?P<num>{_TEMP_NUMBER})"
    r"(?!\s*(?:度电|号|楼|层))"
)


def parse_room_reading(value: object) -> float | None:
    """The temperature the resident measured in their room, or None when the message gives none.

    Unlike `parse_temperature` (the first temperature written), it passes over the standard they
    quote, the weather outside and a bound ("18度都不到"), so "不是说保证18度吗 我家才15度" reads
    15, not 18: the resident is never told their room "reached the standard" with a number they
    did not measure. With several readings left, one with a cue of its own (我家, 测了, 才) wins.
    """
    if value is None:
        return None
    text = to_canonical(str(value))
    readings: list[tuple[bool, float]] = []
    for m in _TEMP_WITH_UNIT.finditer(text):
        before, after = text[max(0, m.start() - 6) : m.start()], text[m.end() : m.end() + 5]
        if (
            _STANDARD_CUE.search(before)
            or _OUTDOOR_CUE.search(before)
            or _BOUND_BEFORE.search(before)
            or _BOUND_AFTER.match(after)
        ):
            continue
        number = parse_temperature(m.group(0))
        if number is not None:
            readings.append((bool(_OWN_CUE.search(before)), number))
    for m in _BARE_READING.finditer(text):
        number = _plausible(float(m["num"]))
        if number is not None:
            readings.append((True, number))
    if not readings:
        return None
    own = [number for has_cue, number in readings if has_cue]
    return (own or [number for _, number in readings])[0]
