"""What a short question right after a bill asks of it (pure text rules).

The bill (`utter_fee_summary`) says what the season costs and what is owed, but not by when.
Right after it, residents ask in a few words: 多少钱 啥时候截止, 最晚哪天交, 晚交有滞纳金吗,
还欠多少. Alone, such a message names no topic the knowledge base could place (hax-013: a menu
of topics), yet the bill just shown answers it. `bill_asked(text)` says which parts it asks:
the `AMOUNT`, the `DEADLINE`, the `LATE_FEE`; nothing when the message asks something else
(怎么交, 发票怎么开, a fault, a number) or is too long to be such a follow-up.
`actions.account.answer_about_bill` answers from the bill and the policy.
"""

from __future__ import annotations

import re

from bot.nlu.faults import fault_type_of
from bot.nlu.numbers import to_canonical

__all__ = ["AMOUNT", "DEADLINE", "LATE_FEE", "bill_asked"]

AMOUNT = "amount"
DEADLINE = "deadline"
LATE_FEE = "late_fee"

#: The longest message read as a follow-up to the bill (word characters): 那最晚到哪天之前得交完啊.
MAX_CHARS = 16

_PARTS: tuple[tuple[str, re.Pattern[str]], ...] = (
    (
        LATE_FEE,
        re.compile(r"滞纳金|违约金|罚款|罚钱|晚交|迟交|逾期|过期|超期|拖(?:几天|到|着)|晚(?:几天|点|些)交"),
    ),
    (
        DEADLINE,
        re.compile(
            r"截止|截至|最晚|最迟|期限|到期|(?:啥|什么|哪个?)(?:时候|时间|日子|天|号)(?:之?前)?"
            r"(?:得|要|必须|该)?(?:交|缴|截止|结束|到期|完)|哪天|几号|几月几|到什么时候|到啥时候|deadline"
        ),
    ),
    (
        AMOUNT,
        re.compile(r"多少钱|多少|几块|金额|欠多少|还欠|要交多少|交多少|总共|一共|合计|费用"),
    ),
)
#: Other matters a short question may ask, which the knowledge base and the forms answer
#: (怎么交, 能退吗, 发票, 报停, 去年): no follow-up to this bill's parts.
_ELSEWHERE = re.compile(
    r"怎么交|咋交|在哪交|哪里交|如何交|微信|支付宝|银行|发票|收据|退|报停|去年|上一?季|往年|单价|每平|一平|平米|面积|"
    r"减免|补贴|低保|分期|停热|停暖|报修|测温|营业厅|开门|关门|上班|下班|供暖|来暖|来热|师傅|上门|工单"
)
_WORD = re.compile(r"\w")


def bill_asked(text: str | None) -> frozenset[str]:
    """The parts of the bill a short question asks (`AMOUNT`, `DEADLINE`, `LATE_FEE`); empty for
    a message that asks none of them, asks another matter, names a fault or a number, or is
    longer than `MAX_CHARS` word characters."""
    canonical = to_canonical(str(text or ""))
    if (
        len(_WORD.findall(canonical)) > MAX_CHARS
        or re.search(r"\d{3,}", canonical)
        or _ELSEWHERE.search(canonical)
        or fault_type_of(canonical)
    ):
        return frozenset()
    return frozenset(part for part, words in _PARTS if words.search(canonical))
