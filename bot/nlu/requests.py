"""Requests a message makes besides the one its intent names (pure text functions).

Residents put two things in one message ("查下我家暖气费还欠多少 另外卫生间暖气片有点渗水 派个人来
看看"); the classifier gives one intent, and the second request would be lost. The actions
finish the first request and then offer the second (`actions.common.offer_second_request`), so
these rules only need to notice a second request clearly made, not to classify messages:

- a repair: a fault (bot.nlu.faults) together with a request for someone to come or fix it;
- a fee query: asking what is owed or checking the heating bill;
- an outage question: whether, or until when, the heating is stopped.
"""

from __future__ import annotations

import re

from bot.nlu.faults import fault_type_of
from bot.nlu.numbers import to_canonical

__all__ = [
    "REQUEST_INTENTS",
    "asks_for_measurement",
    "cannot_provide",
    "hesitating",
    "repair_not_complaint",
    "requests_in",
    "wants_unbind",
]

#: The intents these rules can notice, in the order they are offered.
REQUEST_INTENTS: tuple[str, ...] = ("report_repair", "query_fee", "query_outage")

_REPAIR_CUE = re.compile(r"派.{0,3}人|来人|来.{0,3}(看|修)|上门|师傅|报修|保修|修(一下|修|好)|给修")
_FEE = re.compile(
    r"(查|问|看|算).{0,6}(暖气费|取暖费|热费|费用|欠费|缴费|交费)|欠(了)?多少|还欠|(暖气|取暖)费.{0,4}(多少|交了|缴了)"
)
_OUTAGE = re.compile(r"停(暖|热|供)|(什么|啥|几)时候.{0,4}(来暖|供暖|来热|恢复)|恢复供(热|暖)")


_CANNOT = re.compile(
    r"不知道|(不|哪|没)记得|记不(清|住|得)|忘(了|记)|找不(到|着)|没(有)?(登记|留|绑)|换(了|号|过)|"
    r"(早|已经|好久)?不用(了|这个)|停用|"
    r"不是我(的|家)|停机|注销|丢了|没(有)?手机|老人机|不会(用|弄|看)"
)


_COMPLAINT_WORDS = re.compile(
    r"投诉|举报|曝光|态度|差评|意见|说法|领导|经理|主管|赔偿|道歉|退费|乱收费|收费"
)


#: A message that opens by asking to report a repair (我要报修, 报个修): the words every
#: knowledge-base answer tells the resident to send.
_OPENS_WITH_REPAIR = re.compile(r"^(我|俺|咱)?(要|想|得|需要)?(报修|报个修|保修)")


def repair_not_complaint(text: str | None) -> bool:
    """Whether a message read as a complaint is a repair request: it names a fault and asks for
    someone to come, or opens by asking to report a repair (我要报修), and says nothing of
    complaining, staff, money or amends.

    "暖气凉了三天了！！！再不来人我打12345" wants a fitter; the classifier, hearing the anger, filed
    it as a complaint (收费问题) and no one came. “我要报修”, the message the knowledge base's
    answers name as the next step, was filed as a complaint too.
    """
    if not text:
        return False
    canonical = to_canonical(text)
    asks = "report_repair" in requests_in(canonical) or _OPENS_WITH_REPAIR.match(canonical.strip())
    return bool(asks) and not _COMPLAINT_WORDS.search(canonical)


_UNBIND = re.compile(
    r"解绑|(?:解除|取消).{0,4}(?:绑定|关联)|(?:不要|不想|别|不用|不再)(?:再)?(?:绑|关联)|"
    r"删(?:掉|除)?.{0,6}绑|绑.{0,8}删"
)


def wants_unbind(text: str | None) -> bool:
    """Whether `text` asks to remove a binding (解绑, 别再绑我手机了), which a classifier that
    hears 绑定 may take for a request to bind: binding then would do the opposite of what the
    resident asked."""
    return bool(text) and _UNBIND.search(to_canonical(str(text))) is not None


def cannot_provide(text: str | None) -> bool:
    """Whether `text` says the resident cannot give what was asked (不记得户号, 手机号换了,
    没有登记手机): they need another way, not the same question again."""
    return bool(text) and _CANNOT.search(to_canonical(str(text))) is not None


_HESITATION = re.compile(
    r"^(嗯+|呃+|唔+|额+|这个嘛?|那个|哦+)?[，,。.…~ ]*"
    r"(等(一?下|等|会儿?)|稍等|你?等我|我(先|再)?(想|看|找|问|查|翻)(一?下|想|看|找|问|查)|"
    r"我去(找|看|问|查)|让我(想|看|找|查)|这个嘛|那个)"
)


_MEASURE = re.compile(
    r"(来|上门|派人|过来|给我|帮我|先).{0,3}(测|量)(一?下|温|温度|测|量)?|"
    r"(申请|预约|约|安排|要|想)(个|一下|一次)?测(个)?温|测个温"
)


def asks_for_measurement(text: str | None) -> bool:
    """Whether `text` asks the company to come and measure the room (那你们先来测, 上门量一下):
    said right after the refund rules, it is the 测温 request they invite, not the same
    question again."""
    return bool(text) and _MEASURE.search(to_canonical(str(text))) is not None


def hesitating(text: str | None) -> bool:
    """Whether `text` only asks for time (等一下, 我找找, 这个嘛): the resident is looking for the
    answer, and needs patience, not "that is not our business" or the question again at once."""
    if not text:
        return False
    canonical = to_canonical(str(text)).strip()
    return len(canonical) <= 12 and _HESITATION.match(canonical) is not None


def requests_in(text: str | None) -> list[str]:
    """The requests `text` makes that these rules notice, as intents in `REQUEST_INTENTS` order."""
    if not text:
        return []
    canonical = to_canonical(text)
    found: list[str] = []
    if fault_type_of(canonical) is not None and _REPAIR_CUE.search(canonical):
        found.append("report_repair")
    if _FEE.search(canonical):
        found.append("query_fee")
    if _OUTAGE.search(canonical):
        found.append("query_outage")
    return found
