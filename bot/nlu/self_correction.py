"""A resident taking back, inside one message, what they have just written.

People type as they speak: 阳光花园5号楼2单元302，不对，是5号楼1单元302 / 明天上午 不对 明天下午吧 /
13812345678，哦不对，是13812345679 / 和平里1号楼3单元201 不是3单元，是2单元. The first value read
from such a message is the one the resident withdrew, and it was submitted: a fitter sent to the
wrong flat, at the wrong time, calling a wrong number (players' findings 2, class C).

`correction_in` splits a message at its last correction into what was said first, the words named
as wrong (不是3单元 → 3单元) and what is meant now. It says nothing of what kind of value is
corrected: the address (`bot.nlu.address.address_meant`), the phone (`bot.nlu.contact_fix.
number_meant`) and the visit time (`bot.nlu.timewindow.the_time_meant`) each read their own value
from the parts, and use the split only when both sides hold one, so 不对劲 / 不是要报修 / 应该是
管子堵了 change nothing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.nlu.numbers import to_canonical

__all__ = ["Correction", "correction_in"]

#: Words that withdraw what was just written and bring its replacement (不对, 哦不对, 说错了,
#: 应该是, 改成): the replacement follows them.
_MARK = re.compile(
    r"(?:哦|噢|喔|啊|呃|额|哎|唉|嗯)?"
    r"(?:不对不对|不对(?!劲)|(?:说|写|打|输|记|搞|弄|填)错了?|口误|更正(?:一下)?|纠正(?:一下)?|"
    r"应该是|应是|改成|改为)"
)
#: 不是3单元，是2单元 / 不是下午而是上午: the value named as wrong, then the one meant.
_NOT_BUT = re.compile(
    r"不是(?P<back>[^，,。；;！!？?\s是]{1,20})[，,。；;\s]*(?:而|就|应该|应)?是(?P<meant>.+)$"
)
#: Punctuation around the parts, left out of them.
_PUNCTUATION = " \t，,。.；;、：:!！~～-"
#: What may stand between the correction and the value meant (，是 / ：).
_LEAD = re.compile(r"^[\s，,。.：:；;、!！~～-]*(?:是|为)?[\s，,：:]*")


@dataclass(frozen=True)
class Correction:
    """A message split at its last correction (canonical text).

    `said`: the words before it (the first value, withdrawn in whole or in part); `taken_back`:
    the words named as wrong (不是3单元 → 3单元), "" when the message names none; `meant`: the
    words after it, the value wanted, whole or only the part that changed.
    """

    said: str
    taken_back: str
    meant: str


def correction_in(text: str | None, *, canonical: bool = False) -> Correction | None:
    """The last correction inside `text`, or None when it corrects nothing within itself;
    `canonical` when `text` is the canonical text already (a 10,000-character paste is not
    canonicalised twice).

    Something must stand on both sides: 不对，是6号楼 alone corrects an earlier message (the
    callers' held value), and 是6号楼 说错了 brings nothing after its mark."""
    canonical_text = str(text or "") if canonical else to_canonical(str(text or ""))
    canonical_text = canonical_text.strip()
    found: Correction | None = None
    start = -1
    for mark in _MARK.finditer(canonical_text):
        meant = _LEAD.sub("", canonical_text[mark.end() :]).strip()
        said = canonical_text[: mark.start()].strip(_PUNCTUATION)
        if meant and said:
            found, start = Correction(said=said, taken_back="", meant=meant), mark.start()
    for match in _NOT_BUT.finditer(canonical_text):
        said = canonical_text[: match.start()].strip(_PUNCTUATION)
        if match.start() > start and said:
            meant = match.group("meant").strip()
            found = Correction(said=said, taken_back=match.group("back"), meant=meant)
    return found
