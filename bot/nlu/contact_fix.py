"""What a resident's correction of the contact phone says the number now is.

电话说错了 最后四位是2234 不是2233 gives only the digits that were wrong: the new number is the
old one with its last four replaced. A whole number in the message (电话是13910002234) replaces
it outright. The number the resident takes back (不是2233) is never read as the new one.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from bot.nlu.numbers import to_canonical
from bot.nlu.self_correction import correction_in

#: 不是2233 / 而不是 2233: the digits taken back, removed before the new ones are looked for.
_TAKEN_BACK = re.compile(r"不是\s*[\d\s-]+")
#: The last digits named as such (最后四位是2234, 尾号2234, 后4位改成2234).
_LAST_FOUR = re.compile(
    r"(?:最后|后|末|尾)(?:四|4)位(?:数字?)?(?:应该|应)?(?:是|为|改成|换成)?\s*(\d{4})(?!\d)|"
    r"尾(?:号|数)(?:应该|应)?(?:是|为|改成|换成)?\s*(\d{4})(?!\d)"
)
#: Words that make four bare digits in a correction about the phone its last four (是2234).
_PHONE_WORDS = re.compile("电话|手机|号码|号")
_FOUR_DIGITS = re.compile(r"(?<!\d)(\d{4})(?!\d)")


def corrected_phone(
    text: str, old_phone: str | None, normalise: Callable[[str], str | None]
) -> str | None:
    """The contact number `text` corrects `old_phone` to, or None when it names no new number.

    `normalise` reads a whole contact number (the forms' `contact_number`, which knows the
    company's area code)."""
    canonical = _TAKEN_BACK.sub(" ", to_canonical(text or ""))
    whole = number_meant(canonical, normalise, canonical=True) or normalise(canonical)
    if whole:
        return whole
    if not old_phone or len(old_phone) < 4:
        return None
    named = _LAST_FOUR.search(canonical)
    digits = next((g for g in named.groups() if g), None) if named else None
    if digits is None and _PHONE_WORDS.search(canonical):
        bare = _FOUR_DIGITS.findall(canonical)
        digits = bare[0] if len(bare) == 1 else None
    if digits is None:
        return None
    new = old_phone[:-4] + digits
    return new if new != old_phone else None


#: A contact number as written: a mobile (spaces or dashes between digits allowed), a landline
#: with its area code (010-84561234, 010 8456 1234) or named as one (座机84561234).
_NUMBER = re.compile(
    r"(?<!\d)(?:1[3-9]\d(?:[\s-]?\d){8}|0\d{2,3}[\s-]?\d{3,4}[\s-]?\d{4}|"
    r"(?:座机|固话|家里电话)[是:：\s]*\d{4}[\s-]?\d{3,4})(?!\d)"
)
#: Words before a number that make it the one to call for the visit (上门前打我妈座机, 师傅来了打
#: 家里, 联系老人): the person at home opens the door.
_FOR_THE_VISIT = re.compile(
    "上门|师傅|来之前|来前|到了|进门|开门|家里|座机|我妈|我爸|老人|老太太|老爷子|母亲|父亲|奶奶|爷爷|"
    "姥姥|姥爷|外婆|外公|婆婆|公公|她|他家"
)
#: Words that make a number the second one (有事打我手机, 打不通再打, 备用, 也记上).
_SECOND = re.compile(
    "有事|找不到|打不通|不接|没人接|联系不上|备用|也(?:记|留|写|加|存)|另外|再打|其次|实在不行"
)


def gives_a_number(text: str) -> bool:
    """Whether a message holds a whole contact number (a mobile, a landline with its area code or
    named as one): what the bot's question for a ticket's contact phone waits for, however the
    classifier read the rest of the message."""
    return _NUMBER.search(to_canonical(text or "")) is not None


def number_meant(
    text: str, normalise: Callable[[str], str | None], *, canonical: bool = False
) -> str | None:
    """The number a message gives in place of one it takes back within itself: 13812345678，哦不对，
    是13812345679 → …79; 13812345678 说错了 尾号5679 / 最后四位是5679 → the first with its last four
    replaced. The withdrawn number became the contact and the meant one the 备用电话 (players'
    findings 2, class C). None when the message corrects no number within itself (`canonical`:
    `text` is the canonical text already)."""
    correction = correction_in(text, canonical=canonical)
    if correction is None:
        return None
    said = [n for m in _NUMBER.finditer(correction.said) if (n := normalise(m.group()))]
    if not said:
        return None
    meant = [n for m in _NUMBER.finditer(correction.meant) if (n := normalise(m.group()))]
    if meant:
        return meant[0]
    bare = _FOUR_DIGITS.fullmatch(correction.meant.strip(" ，,。.！!吧啊"))
    if bare is not None:
        return said[-1][:-4] + bare.group(1)
    return corrected_phone(correction.meant, said[-1], normalise)


def numbers_for_the_visit(
    text: str, normalise: Callable[[str], str | None]
) -> tuple[str, str] | None:
    """(the number to call for the visit, the second number) when `text` gives two different
    contact numbers: a carer's 上门前打我妈座机010-84561234 有事打我手机13800001234 kept only the
    mobile of a son in another city, and the technician called him instead of the mother who
    opens the door (players' class G). The one said for the visit or the home comes first; one
    said for when that fails (有事, 打不通, 备用) second; else the order said. None for fewer
    than two numbers."""
    canonical = to_canonical(text or "")
    if number_meant(canonical, normalise, canonical=True):
        return None  # 13812345678，哦不对，是13812345679: one number, the second
    numbers: list[tuple[str, str]] = []  # (number, the words before it since the last number)
    start = 0
    for match in _NUMBER.finditer(canonical):
        number = normalise(match.group())
        if number and number not in (n for n, _ in numbers):
            numbers.append((number, canonical[start : match.start()]))
        start = match.end()
    if len(numbers) != 2:
        return None
    (first, before_first), (second, before_second) = numbers
    first_is_second = _SECOND.search(before_first) and not _FOR_THE_VISIT.search(before_first)
    second_for_visit = _FOR_THE_VISIT.search(before_second) and not _SECOND.search(before_second)
    if first_is_second or second_for_visit:
        return second, first
    return first, second


def adds_a_number(text: str) -> bool:
    """Whether `text` gives a number to keep besides the one held (另外我手机13800001234也记上,
    备用电话139…), not in its place."""
    canonical = to_canonical(text or "")
    match = _NUMBER.search(canonical)
    return match is not None and _SECOND.search(canonical) is not None and (
        _FOR_THE_VISIT.search(canonical[: match.start()]) is None
    )


def keeps_held_number(text: str) -> bool:
    """Whether `text` gives a new number and keeps the one held besides it (电话不对 师傅上门要打
    我妈座机010-84561234 我手机也留着): the words after the last number say so."""
    canonical = to_canonical(text or "")
    numbers = list(_NUMBER.finditer(canonical))
    return bool(numbers) and _SECOND.search(canonical[numbers[-1].end() :]) is not None
