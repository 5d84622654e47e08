"""What a resident's correction of the contact phone says the number now is.

电话说错了 最后四位是2234 不是2233 gives only the digits that were wrong: the new number is the
old one with its last four replaced. A whole number in the message (电话是13910002234) replaces
it outright. The number the resident takes back (不是2233) is never read as the new one.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from bot.nlu.numbers import to_canonical

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
    whole = normalise(canonical)
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
