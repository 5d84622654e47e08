"""A payment the resident made that the bill does not show yet (pure).

"我昨天晚上用支付宝交了暖气费 怎么今天公众号上还显示没交": the topic on payments not yet posted
says how long posting takes and to keep the receipt, and ended with 回复“查暖气费”. A human agent
would look the account up at once; the resident, anxious, wrote again and got the topic on
double payments (glp-024). `own_payment_not_shown` tells such a message from the general
question (交完费多久能到账, 缴完费怎么还提示欠费呢), so the answer can go on to the bill.
"""

from __future__ import annotations

import re

from bot.nlu.numbers import to_canonical

__all__ = ["own_payment_not_shown"]

#: The resident's own payment: a person or a time before paid (我…交了, 昨天缴的, 俺妈上周付过,
#: 明明交了).
_OWN_PAYMENT = re.compile(
    r"(?:我|俺|咱|家里|老伴|媳妇|老公|爱人|昨天|昨晚|前天|今天|今早|刚才|刚刚|刚|上周|上礼拜|前几天|"
    r"已经|明明|早就|早)[^，,。？?！!]{0,12}(?:交|缴|付|充)(?:了|过|完|的)"
)
#: The bill or a notice still saying it is unpaid.
_NOT_SHOWN = re.compile(
    r"(?:显示|提示|查|账单|公众号|系统|短信|状态|页面|上面|还是|还说|怎么还|咋还).{0,10}"
    r"(?:没交|没缴|未缴|未交|欠费|欠着|没到账|未到账|催缴|催费|没付|未付)|没到账|未到账|不到账"
)


def own_payment_not_shown(text: str | None) -> bool:
    """Whether `text` tells of the resident's own payment that the bill or a notice does not
    show yet (昨晚支付宝交了 公众号还显示没交, 俺妈上周去银行缴的 账单还是欠费): the bill is worth
    looking up now. A general question about posting times names no payment of one's own."""
    canonical = to_canonical(str(text or ""))
    return bool(_OWN_PAYMENT.search(canonical)) and bool(_NOT_SHOWN.search(canonical))
