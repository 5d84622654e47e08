"""What an answer to a form's question says when it is not the value asked for (pure).

A resident asked for the address answers with when they are at home, a detail of the
complaint, or that the leak is getting worse; asked for the phone, with the visit time. The
forms (actions/common.py `ContactSlots`) take a value for another of their questions and
acknowledge it, keep a detail with the request, and say nothing that reproaches an answer the
resident did not mean as the value. These functions read the words; the actions decide.

- `attempts(text, asked)`: whether the words try to give the value asked (an address with a
  building or a community word, digits for a phone, a day or hour for a visit), so a failed try
  is told what is missing;
- `detail_of_request(text, asked)`: words about the request itself (就昨天下午来的 姓王, 打了不下
  十次 一直占线) said where a contact detail was asked: kept with the request, not reproached;
- `leak_worsening(text)`: a leak getting worse or going on (越拧越大, 水越来越多, 止不住), which,
  while the conversation's urgent leak ticket is open, is the emergency again
  (bot.nlu.emergency.leak_going_on);
- `area_asked(text)`: the floor area of a question about what heating costs (那我家76平要交多少):
  general arithmetic on the published price, no account needed;
- `no_account_number(text)`: the resident has no 户号 or does not know it (没有户号, 户号不知道);
- `withholds_phone(text)`: the contact number withheld, or why it is wanted asked, out of
  distrust (凭什么要我电话 不想给 别拿去推销, 电话就不留了 怕骚扰): told what it is for and asked
  again, not filed as a complaint.
"""

from __future__ import annotations

import re

from bot.nlu.numbers import to_canonical

__all__ = [
    "area_asked",
    "attempts",
    "detail_of_request",
    "leak_worsening",
    "no_account_number",
    "offers_a_time",
    "only_asks_what_it_costs",
    "withholds_phone",
]

#: Words of an address: a numbered building, flat or floor, a kind of place, the word itself.
_ADDRESS_TRY = re.compile(
    r"\d+\s*(?:号|楼|栋|幢|单元|室|层|门|排|户|区|期)|^\s*\d{3,4}\s*$|"
    r"楼|栋|单元|门牌|小区|花园|家园|苑|村|路|街|巷|胡同|院|公寓|大厦|宿舍|社区|地址|住(?:在|的|址)|"
    r"[东西南北]边|对面|旁边|附近"
)
#: Words of a phone number: digits, the number's names, calling.
_PHONE_TRY = re.compile(r"\d{3,}|电话|手机|号码|座机|本机|这个号|打我|联系我|微信|短信")
#: Words of a visit time.
_TIME_TRY = re.compile(
    r"天|上午|下午|中午|晚|早|点|周|星期|礼拜|\d+号|随时|都行|都可以|有空|有人|在家|时候|时间|空|"
    r"下班|上班|回来|等"
)
_TRIES = {"address": _ADDRESS_TRY, "phone": _PHONE_TRY, "visit_time": _TIME_TRY}

#: A question, or a word that is no account of anything (不知道, 干嘛).
_QUESTION = re.compile(
    r"[?？]|吗\s*$|么\s*$|呢\s*$|(?:为什么|为啥|干嘛|干啥|凭什么)|"
    r"要不要钱|收不收|多少钱|贵不贵|免不免费|告诉我"
)


#: A question about what the visit or the part costs (换温控阀要钱吗, 先告诉我要不要钱).
_COST_ASKED = re.compile(
    r"(?:要|收|花|掏)(?:不要)?钱|要不要钱|收不收(?:钱|费)?|收费(?:吗|不|么|没)|多少钱|"
    r"免费(?:吗|不|么)|免不免费|贵不贵|(?:费用|价钱|价格)(?:多少|怎么算|咋算)"
)


def asks_what_it_costs(text: str | None) -> bool:
    """Whether `text` asks what a visit or a part costs: answered from the repair-cost topic
    wherever it is asked (the players' pl-30 asked three times inside the repair form and got
    a note, then the valve topic)."""
    return _COST_ASKED.search(_canonical(text)) is not None


#: Words that make a cost question a grievance about a charge: a complaint, a charge already
#: made or asked for (收了我 / 让我给他二百 / 要了三百), a charge called unfair (乱收费, 凭什么
#: 收钱, 坑人), money wanted back.
_CHARGE_GRIEVANCE = re.compile(
    r"投诉|举报|曝光|乱收|多收|私收|私自|偷偷|凭(?:什么|啥)|不合理|坑|黑心|宰|讹|骗|"
    r"退(?:钱|费|给)|(?:收|要|拿|给)了|给(?:他|她|他们|师傅)|让(?:我|俺)(?:给|掏|交)|态度"
)


def only_asks_what_it_costs(text: str | None) -> bool:
    """Whether `text` asks whether or what something costs and airs no grievance about a
    charge (先问一嘴 你们来人修这玩意儿收钱不: the classifier heard 收钱 and filed a complaint
    about fees, ending the repair the resident was booking; glp-002). Such a question is
    answered; a charge made or called unfair (修完让我给他二百 说是材料费) stays a complaint."""
    canonical = _canonical(text)
    asked = any(
        _ASKED_AS_QUESTION.search(m.group()) or _QUESTION_AFTER.match(canonical, m.end())
        for m in _COST_ASKED.finditer(canonical)
    )
    return asked and not _CHARGE_GRIEVANCE.search(canonical)


#: Cost words that are a question themselves (要不要钱, 收费吗, 多少钱) …
_ASKED_AS_QUESTION = re.compile(r"不要|不收|不免|不贵|吗|不$|么|没|多少|怎么|咋")
#: … or followed by one's mark (收钱不, 花钱吗, 要钱？); 收钱的时候咋那么积极 is no question
#: about the cost (ang-001, an angry repair read as one).
_QUESTION_AFTER = re.compile(r"\s*(?:吗|不|么|嘛|没|呢|啊?\s*[?？])")
_CONTENT = re.compile(r"[\u4e00-\u9fffA-Za-z0-9]")
#: Bare refusals, ignorance and fillers: they answer the question, with nothing to keep.
_NOTHING_TO_KEEP = re.compile(
    r"^(?:我|俺)?(?:不知道|不清楚|不记得|忘了|没有|不想说|不说|不告诉你|算了|随便|嗯+|哦+|好的?|行|对|是的?)"
    r"[啊呀吧呢了。！!，,\s]*$"
)


def _canonical(text: str | None) -> str:
    return to_canonical(str(text or "")).strip()


def attempts(text: str | None, asked: str) -> bool:
    """Whether `text` tries to give the value of `asked` (address, phone, visit_time)."""
    pattern = _TRIES.get(asked)
    return pattern is not None and pattern.search(_canonical(text)) is not None


#: Words that offer a time as when to come (在家, 有人, 都行, 能来吧), not when something happened.
_AVAILABLE = re.compile(
    r"在家|有人|有空|方便|可以|都行|也行|行吗|上门|过来|约|安排|回家|下班|随时|以后|之后|左右|吧\s*$|"
    r"来(?:吧|都行|最好|就行|也行|可以)|(?:能|再|就|才)来"
)
#: The words of a bare time (明天上午, 周六下午两点, 下午3点半): nothing else is said.
_TIME_WORDS = re.compile(
    r"大?后天|明天|明儿|明日|今天|今儿|今日|[今明](?:早|晚)|上午|下午|中午|晚上|早上|早晨|傍晚|"
    r"白天|全天|整天|一整天|夜里|一早|(?:这|下下?|本)?(?:周|星期|礼拜)[一二三四五六日天1-7]|周末|"
    r"\d+(?:[点:：号日]\d*|月\d+[日号]?)|[点半刻钟分]|[吧啊呀的了吗嗯哦呗]|[，,。.!！?？~\s]"
)


def offers_a_time(text: str | None) -> bool:
    """Whether `text` offers a time for the visit: a bare time (明天上午), or one said with a word
    of being there or coming (后天上午家里有人, 下午都行). A time told of the problem (晚上 睡觉
    不能, 早上量的十七度半) or in a question (来的人有证件吗 现在骗子多) is not one."""
    canonical = _OTHER_ANSWERS.sub(" ", _canonical(text))
    if not canonical.strip():
        return False
    if not _TIME_WORDS.sub("", canonical):
        return True
    return not _QUESTION.search(canonical) and _AVAILABLE.search(canonical) is not None


#: A phone number or a door given with the time (13766665555 明天下午, 5号楼2单元302 周六上午):
#: the answers to the other questions, left out when judging whether the rest is a bare time
#: (the players' pl-55: the time said with the phone was asked again).
_OTHER_ANSWERS = re.compile(
    r"(?:电话|手机号?|号码|座机)?(?:是|[:：])?\d[\d -]{6,}\d(?:转\d+)?|"
    r"\d+(?:号楼|栋|号院|幢)(?:\d+(?:单元|门))?(?:\d+(?:室|号)?)?"
)


def detail_of_request(text: str | None, asked: str) -> bool:
    """Whether `text`, said where `asked` was asked, tells something about the request (who came,
    what they did, how often, where it is cold) instead of trying to give the value: at least
    four characters of content, no question, no bare refusal or filler, nothing of the value."""
    canonical = _canonical(text)
    if len(_CONTENT.findall(canonical)) < 4:
        return False
    if _QUESTION.search(canonical) or _NOTHING_TO_KEEP.match(canonical):
        return False
    return not attempts(canonical, asked)


#: Getting worse, or going on: 越拧越大, 水越来越多, 更大了, 止不住, 还在喷 (a valve that will not
#: close is `bot.nlu.emergency.valve_will_not_close`'s).
_WORSENING = re.compile(
    r"越[^，,。！!\s]{0,3}越(?:大|多|厉害|猛|凶|急|快)|越来越(?:大|多|厉害|猛|凶|急|快)|"
    r"(?:更|又)(?:大|多|厉害|猛)了|(?:止|堵|按|捂)不住|"
    r"(?:还在|还是在|一直在?|不停地?)(?:漏|喷|滋|呲|冒|流|淌|往外|涌|渗|滴)|"
    r"(?:漏|喷|滋|呲|冒|流|淌)得(?:更|越来越|厉害|猛)|没(?:法|办法)?(?:止住|关上|堵住)"
)
#: …not of a room too hot (屋里太热了 越来越热: a valve wanted shut, no water)…
_TOO_HOT = re.compile(r"太热|热得|热死|越来越热|关小")
#: …not denied (不是一直漏 就是滴答)…
_DENIED = re.compile(r"不是|没有?|不$|并非")
#: …and not over (不漏了, 止住了, 关上了, 好了).
_SETTLED = re.compile(r"不(?:漏|喷|滋|冒|流|滴)了|(?:止|堵|关|拧)(?:住|上|紧)了|修好了|没事了|好了")


def leak_worsening(text: str | None) -> bool:
    """Whether `text` says a leak is getting worse or will not stop (越拧越大, 水越来越多了, 止不住,
    还在喷): said while an urgent leak is open, it is that emergency going on."""
    canonical = _canonical(text)
    if not canonical or _SETTLED.search(canonical) or _TOO_HOT.search(canonical):
        return False
    return any(
        not _DENIED.search(canonical[max(0, found.start() - 3) : found.start()])
        for found in _WORSENING.finditer(canonical)
    )


_AREA = re.compile(
    r"(?P<n>\d+(?:\.\d+)?)\s*(?:个)?\s*(?:平方米|平方|平米|平|㎡|m2|m²|M2|方)(?![时均常安静台])"
)
_HOW_MUCH = re.compile(
    r"多少|几多|多钱|咋算|怎么算|如何算|算一下|算算|得交|要交|该交|交几|几百|几千|贵不贵"
)


#: Prices other than a home's area price: a stop's base fee, a late fee, metering, non-homes.
_OTHER_PRICE = re.compile(
    r"报停|停热|停暖|基础|滞纳|计量|热表|商铺|门面|门市|店面|办公|写字楼|车库|非居民|退(?:费|钱)|补"
)


def area_asked(text: str | None) -> float | None:
    """The floor area (m²) in a question about how much heating costs (那我家76平要交多少, 89.5
    平米的房子一年多少钱), else None: a plausible home's area, with a question of amount."""
    canonical = _canonical(text)
    found = _AREA.search(canonical)
    if found is None or _HOW_MUCH.search(canonical) is None or _OTHER_PRICE.search(canonical):
        return None
    area = float(found["n"])
    return area if 5 <= area <= 2000 else None


_NO_ACCOUNT = re.compile(
    r"没有?(?:这个|啥|什么)?户号|户号(?:也|都|压根|根本)?(?:没有|没|不知道|不清楚|不记得|忘了|找不到)|"
    r"(?:不知道|不清楚|不记得|忘了|找不到)(?:我家|我们家|俺家)?(?:的)?户号"
)


def no_account_number(text: str | None) -> bool:
    """Whether `text` says the resident has no 户号 or does not know it (没有户号 房子是我爸的,
    户号不知道啊 我是租的)."""
    return _NO_ACCOUNT.search(_canonical(text)) is not None


#: The contact number, as residents name it.
_THE_PHONE = r"(?:电话|手机|号码|联系方式)"
#: The number asked for or given (要我电话, 给你们手机号, 留电话); 给我打电话 names a call.
_PHONE_GIVEN = re.compile(rf"(?:要|给|留|提供|告诉|报)(?:我的?|你们?|您)?{_THE_PHONE}")
#: The number named, then withheld (电话就不留了, 手机号不方便给, 号码不能告诉你).
_PHONE_HELD_BACK = re.compile(
    rf"{_THE_PHONE}号?码?(?:就|也|还是|可|先)?(?:不|不想|不愿意?|不方便|没法|不能|不敢)"
    r"(?:给|留|说|提供|告诉|报)"
)
#: A refusal that names no phone, said where the phone was asked (说了不留就是不留 还问, 不给,
#: 没必要留吧): only the question it answers makes it the phone's.
_REFUSAL_AT_THE_QUESTION = re.compile(
    r"不(?:想|愿意?|方便)?(?:留|给|告诉|提供)|没必要(?:留|给)|就是不|别(?:再)?问了|还问"
)
#: Why it is wanted, that it is withheld, or what the resident fears it is used for.
_WITHHOLDING = re.compile(
    r"凭什么|为啥|为什么|干嘛|干啥|非得|非要|不想|不愿|不给|不留|不方便|不能|不敢|推销|骚扰|泄露|广告"
)
#: A number in the message: it is given after all (那好吧 13701112233 只用来联系维修啊).
_A_NUMBER = re.compile(r"\d{7,}")


def withholds_phone(text: str | None) -> bool:
    """Whether `text` withholds the contact number, or asks why it is wanted, out of distrust
    (凭什么要我电话？不想给，你们别拿去推销; 电话就不留了吧，我怕被骚扰; 为啥非得要手机号): someone
    to tell what the number is for, then ask again. The classifier heard a complaint (glow
    glo-033's urgent leak was left without a number and a complaint form asked 哪方面) or the
    question how to change the registered number. A grievance about calls received (你们老打电话
    推销) names no number asked for or given, and a message with a number gives it."""
    canonical = _canonical(text)
    if _A_NUMBER.search(canonical):
        return False
    if _PHONE_HELD_BACK.search(canonical):
        return True
    return _PHONE_GIVEN.search(canonical) is not None and _WITHHOLDING.search(canonical) is not None


def refuses_asked_phone(text: str | None) -> bool:
    """Whether `text`, the answer to the phone question, refuses it: withheld with the phone
    named (`withholds_phone`) or a bare refusal (说了不留就是不留 还问), and no number in it."""
    canonical = _canonical(text)
    if not canonical or _A_NUMBER.search(canonical):
        return False
    return withholds_phone(text) or _REFUSAL_AT_THE_QUESTION.search(canonical) is not None
