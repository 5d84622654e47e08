"""What a message says about notices: asks for them, refuses them, and which topic it names.

Pure text rules over the canonical text (bot.nlu.numbers.to_canonical). They back the classifier
where its mistake would do the opposite of what the resident asked (bot.nlu.guard): "停热了通知我"
read as `unsubscribe` ended the very notices the resident had just asked for, and a bare "取消"
inside a form ended every subscription instead of the form. An opt-out must be a request to stop
*notices*; a request to be told is never one.
"""

from __future__ import annotations

import re

from bot.nlu.numbers import to_canonical

__all__ = [
    "asks_for_notices",
    "names_notices",
    "refuses_notices",
    "topic_named",
    "topic_refused",
]

#: Something the company sends: a notice, a message, an SMS, a push (pinyin too, as SMS users type).
_SENDING_WORDS = (
    r"通知|提醒|短信|簡訊|短讯|信息|消息|推|订阅|訂閱|退订|退訂|退定|骚扰|拒收|接收|收到|发|告诉|告知|"
    r"tong ?zhi|ti ?xing|duan ?xin|xiao ?xi|tui ?ding|ding ?yue|unsub|stop|td"
)
_SENDING = re.compile(_SENDING_WORDS, re.IGNORECASE)
#: Saying no: 不要 / 别 / 取消 / 关掉 / 退 … (不热 is a fault, 麻烦 a courtesy: neither refuses).
#: 退费 / 退款 / 退钱 are money back, not 退订 (订阅退费…的停热通知 unsubscribed: red team R14).
_BACK_OUT = r"退(?![费款钱还换])"
_NO = (
    rf"不(要|用|想|需要|必|再|接收|收)|别|甭|取消|解除|撤|{_BACK_OUT}|停止|停发|关(闭|掉|了)|拒|删|"
    r"免打扰|烦死|烦人|太烦"
)
_NO_AFTER = (
    rf"不(要|用|想|需要|必)了?|别|停了|关(了|掉|闭)?|取消|{_BACK_OUT}|够了|烦死|烦人|太烦|太多"
)
#: A few characters within one clause (a comma ends the refusal: 提醒我一下，别产生滞纳金).
_SAME_CLAUSE = r"[^，,。.！!？?；;]{0,8}"
#: Words that refuse on their own: 退订, 拒收, TD, stop, 请勿发送.
_REFUSING = r"退订|退訂|退定|tui ?ding|拒收|unsub|stop|(?<![a-z])td(?![a-z])|勿.{0,2}发"
#: A refusal of something sent: the no-word shortly before it (别再给我发) or after it (短信烦死了).
_NEGATION = re.compile(
    rf"{_REFUSING}|({_NO}){_SAME_CLAUSE}({_SENDING_WORDS})|({_SENDING_WORDS}){_SAME_CLAUSE}({_NO_AFTER})",
    re.IGNORECASE,
)
#: Asking to be told: 通知我 / 提醒我一下 / 告诉我一声 / 订阅 / 开通提醒 / 有消息发我 / 吱一声.
_ASK = re.compile(
    r"(通知|提醒|告诉|告知|知会|通告|喊|叫|说|吱)(我|俺|咱|一声|一下|下)|"
    r"订阅|訂閱|订(一下|上|个)|(开通|开启|打开|开|加).{0,10}(通知|提醒|推送|名单)|开回来|"
    r"(通知|提醒|推送).{0,4}开|"
    r"(接收|收).{0,4}(通知|提醒|消息)|恢复.{0,4}(通知|短信|推送|提醒)|"
    r"(发|推|推送|告诉|通知)(给我|我)|(发|给).{0,3}(消息|信儿|短信)|"
    r"ding ?yue|tong ?zhi ?wo|ti ?xing ?wo",
    re.IGNORECASE,
)

#: Topic words, checked in this order (暖气费 names the bill before 暖气 could name an outage).
_TOPICS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("bill", re.compile(r"缴费|交费|账单|欠费|催费|催缴|暖气费|取暖费|热费|费用|扣费|到期")),
    ("survey", re.compile(r"回访|满意度|评价|打分|调查")),
    (
        "outage",
        re.compile(r"停热|停暖|停供|供热|供暖|来暖|来热|恢复|检修|抢修|暖气|开栓|开始烧|热了|停气"),
    ),
)

#: A topic's own notices, named as such (停热通知, 催费短信): only these narrow an opt-out.
_KIND_OF_NOTICE = r"的?(通知|提醒|消息|短信|信息|推送)"
_REFUSED_TOPICS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("bill", re.compile(r"(缴费|交费|账单|欠费|催费|催缴|暖气费|取暖费|热费)" + _KIND_OF_NOTICE)),
    ("survey", re.compile(r"回访")),
    ("outage", re.compile(r"(停热|停暖|停供|供暖|恢复供热|恢复供暖|来暖|检修)" + _KIND_OF_NOTICE)),
)


def _canonical(text: str | None) -> str:
    return to_canonical(str(text or ""))


#: 告诉我 before a question asks for an answer now, not to be sent anything (先别查 你就告诉我没人住
#: 能不能退钱 was read as 别…告诉: an opt-out, players' class F).
_TELL_ME_NOW = re.compile(
    r"(?:告诉|告知|说说?|讲讲?)(?:我|俺|一下)+[^，,。.！!；;]{0,14}?"
    r"(?:能不能|能否|可不可以|可以吗|是不是|有没有|要不要|多少|怎么|咋|什么|啥|为什么|几|吗|么|呢|[?？])"
)


def _sent_things(text: str | None) -> str:
    """`text` without a request to be told an answer now (`_TELL_ME_NOW`)."""
    return _TELL_ME_NOW.sub("", _canonical(text))


def names_notices(text: str | None) -> bool:
    """Whether `text` speaks of something the company sends (a notice, an SMS, a push)."""
    return _SENDING.search(_sent_things(text)) is not None


def refuses_notices(text: str | None) -> bool:
    """Whether `text` says no to notices (不要再发短信了, 取消停热通知, 别推送)."""
    return _NEGATION.search(_sent_things(text)) is not None


def asks_for_notices(text: str | None) -> bool:
    """Whether `text` asks to be told (停热了通知我, 有消息提醒我一下, 订阅停暖通知) after its
    last word of refusal, if any: 通知我 is never an opt-out, 不要通知我 is one, and
    之前退订了，现在想重新订阅 asks again."""
    canonical = _canonical(text)
    # Refusals may overlap (信息不要推给我: 信息不要, 不要推), so every start is tried.
    refusals = (_NEGATION.match(canonical, start) for start in range(len(canonical)))
    refused_until = max((m.end() for m in refusals if m), default=0)
    return any(m.start() >= refused_until for m in _ASK.finditer(canonical))


def topic_named(text: str | None) -> str | None:
    """The topic `text` names: `bill`, `survey` (回访) or `outage` (停热, 恢复供暖, 供暖开始);
    None when it names none (有消息提醒我)."""
    canonical = _canonical(text)
    for topic, pattern in _TOPICS:
        if pattern.search(canonical):
            return topic
    return None


def topic_refused(text: str | None) -> str | None:
    """The one topic an opt-out names as such (不要催费短信了 → `bill`, 停暖通知别发了 → `outage`);
    None for anything broader or vaguer (供热公司的短信别发了, 退订), which ends everything: when
    in doubt, the opt-out is honoured in full."""
    canonical = _canonical(text)
    for topic, pattern in _REFUSED_TOPICS:
        if pattern.search(canonical):
            return topic
    return None
