"""A yes said by going on: the answer to a yes/no offer that gives what the offered task needs, or
names the task and nothing else.

The bot ends many turns with an offer asked as a question (…报停从 2027年11月15日 起的供暖季生效。
需要现在为您登记吗？, 您刚才还提到要查暖气费，现在帮您办理吗？, 现在仍要登记报修吗？, 要转人工吗？).
Residents often answer it without 是 or 好:

- with the details the task needs (东风新村15栋1单元602, 俺的电话158…, 户号0102345678): the
  resident is already doing it; the hail set's hat-031 was asked "请问您想办理什么业务" and the
  报停 was lost;
- by naming the thing offered (费呢？多少钱, 那暖气费呢, 测温呢, 投诉那个事): hat-037 heard
  "没太明白" and never saw the bill.

Both mean yes. A message that also gives the offer up (不用测温了, 投诉就算了) does not, and a
question about the task (报停了还用交钱吗, 换阀门要多少钱) is no yes either: besides the task's
name it says something else, and is answered as the question it is.
"""

from __future__ import annotations

import re
from datetime import datetime

from bot.nlu.address import parse_address
from bot.nlu.numbers import normalise_account_no, normalise_contact_number, to_canonical
from bot.nlu.requests import withdraws
from bot.nlu.timewindow import parse_visit_window

#: The task each `pending` offer leads to. The keys are the offers' names in actions/
#: (`actions.common.SECOND_REQUESTS`, `AFTER_OUTAGE`; `actions.service_requests`'
#: `TEMP_CHECK_AFTER_OUTAGE` and `COMPLAINT_AFTER_OUTAGE`; `actions.applications.NEXT_SEASON_STOP`;
#: the person offers "human" and `actions.conversation.CHANGE_TICKET`).
OFFERED_TASKS: dict[str, str] = {
    "repair": "repair",
    "repair_after_outage": "repair",
    "temp_check_after_outage": "temp_check",
    "second:request_temp_check": "temp_check",
    "second:file_complaint": "complaint",
    "losses_claim": "complaint",  # goods a stop spoilt (actions.stop_follow_ups.LOSSES_OFFER)
    "complaint_after_outage": "complaint",
    "second:query_fee": "fee",
    "second:query_outage": "outage",
    "stop_next_season": "stop",
    "human": "person",
    "change_ticket": "person",
}

#: The details each task asks for: a home (a building or a flat), a contact phone, a visit
#: window, a 户号. An outage question needs none of them.
_NEEDS: dict[str, frozenset[str]] = {
    "repair": frozenset({"home", "phone", "window"}),
    "temp_check": frozenset({"home", "phone", "window"}),
    "complaint": frozenset({"phone"}),
    "fee": frozenset({"account"}),
    "outage": frozenset(),
    "stop": frozenset({"home", "phone", "account"}),
    "person": frozenset({"phone"}),
}

#: The words that name each task, as residents say them.
_NAMES: dict[str, tuple[str, ...]] = {
    "repair": (
        "报修",
        "维修",
        "修一下",
        "修修",
        "修",
        "师傅",
        "上门",
        "来人",
        "派人",
        "过来",
        "来",
    ),
    "temp_check": (
        "上门测温",
        "测室温",
        "量室温",
        "测温度",
        "量温度",
        "测一测",
        "量一量",
        "测温",
        "室温",
        "温度",
        "测",
        "量",
    ),
    # 那就登记吧 after 现在帮您登记吗？ (the losses of a stop, player findings 5, p5-031)
    "complaint": ("投诉", "举报", "反映", "登记", "记上", "记下来", "索赔"),
    "fee": (
        "暖气费",
        "取暖费",
        "采暖费",
        "供暖费",
        "热费",
        "费用",
        "欠费",
        "缴费",
        "交费",
        "多少钱",
        "几块钱",
        "欠多少",
        "欠没欠",
        "交了没有",
        "交没交",
        "缴了没有",
        "交了没",
        "缴了没",
        "交了吗",
        "缴了吗",
        "账单",
        "金额",
        "多少",
        "费",
        "钱",
    ),
    "outage": (
        "停热情况",
        "停暖情况",
        "停热",
        "停暖",
        "停供",
        "停气",
        "来暖",
        "来热",
        "恢复供暖",
        "供暖",
        "情况",
        "什么时候",
        "啥时候",
        "几点",
    ),
    # the late offer registers next season's stop: 那就先给我报上明年那一季的吧, 行 那先报上
    "stop": (
        "报停",
        "停暖",
        "停供",
        "停热",
        "登记",
        "申请",
        "报上",
        "报了",
        "明年",
        "下一季",
        "下个季",
        "下季",
        "一季",
        "停",
        "报",
    ),
    "person": (
        "转人工",
        "人工",
        "真人",
        "客服",
        "回电话",
        "回个电话",
        "打电话",
        "打给我",
        "联系我",
        "人",
    ),
}

#: Words around a task's name that say nothing of their own (那…呢, 帮我查下…, …的事).
_FILLERS = (
    "那就",
    "那个",
    "这个",
    "事情",
    "一下",
    "帮忙",
    "帮我",
    "给我",
    "查查",
    "看看",
    "办理",
    "还有",
    "麻烦",
    "刚才",
    "的话",
    "怎么样",
    "咋样",
    "可以",
    "行",
    "好",
    "嗯",
    "那",
    "呢",
    "吗",
    "嘛",
    "啊",
    "呀",
    "吧",
    "的",
    "事",
    "个",
    "下",
    "查",
    "看",
    "办",
    "先",
    "我",
    "俺",
    "咱",
    "要",
    "想",
    "就",
    "再",
    "也",
    "还",
    "呗",
    "是",
    "这",
    "件",
    "把",
    "弄",
    "请",
    "你",
    "您",
    "们",
    "家",
    "给",
    "说",
    "今年",
    "这季",
    "本季",
    "这个月",
    "上",
)


def _pattern(words: tuple[str, ...]) -> re.Pattern[str]:
    """Any of `words`, the longest first (暖气费 before 费)."""
    return re.compile("|".join(re.escape(w) for w in sorted(words, key=len, reverse=True)))


_NAME_PATTERNS = {task: _pattern(words) for task, words in _NAMES.items()}
_FILLER = _pattern(_FILLERS)
_PUNCTUATION = re.compile(r"[\s,，。.、!！?？~～…:：;；\"'“”‘’()（）]+")


def offered_task(offer: str | None) -> str | None:
    """The task the `pending` offer leads to, None for an offer of no task (a cancellation)."""
    return OFFERED_TASKS.get(offer or "")


def names_task(task: str, text: str) -> bool:
    """Whether `text` is the task's name and nothing else besides filler (费呢？多少钱, 测温呢,
    那投诉的事呢): what is left once its words and the filler are taken out is nothing."""
    canonical = to_canonical(text)
    named = _NAME_PATTERNS[task].sub(" ", canonical)
    if named == canonical:
        return False
    return not _PUNCTUATION.sub("", _FILLER.sub("", named))


def details_given(task: str, text: str, now: datetime) -> bool:
    """Whether `text` gives one of the details `task` needs: a home with its building or flat, a
    contact phone, a visit window, a 户号 (a mobile number is a phone, not a 户号)."""
    needs = _NEEDS[task]
    phone = normalise_contact_number(text)
    account = normalise_account_no(text)
    home = parse_address(text, ())
    given = {
        "phone": phone is not None,
        "account": account is not None and account != phone,
        "home": bool(home.building or home.room),
        "window": "window" in needs and parse_visit_window(text, now) is not None,
    }
    return any(given[need] for need in needs)


def takes_offer(offer: str | None, text: str | None, now: datetime) -> bool:
    """Whether `text`, sent right after the offer `offer`, accepts it by going on with the task
    (module docstring); never when it gives the offer up."""
    task = offered_task(offer)
    if task is None or not text or withdraws(text):
        return False
    return names_task(task, text) or details_given(task, text, now)
