"""A resident denying what the bot started for them: 我没说要投诉, 不是报修, 我没要转人工.

Player findings 4, class C: a surprised question was read as a complaint, a question about
the bot as a hand-off, a request for an invoice as a repair, and the resident's "I never asked
for that" was then ignored: the complaint form asked its category again, the hand-off text was
repeated. A denial names the request ("投诉", "报修", "人工") with a "no" before it; it ends that
request at once, whatever else the message asks.
"""

from __future__ import annotations

import re

from bot.nlu.numbers import to_canonical

#: A "no" before the request's name: 没说要, 没要, 不是, 不用, 没想, 谁要…了 (a rhetorical "who
#: asked for it").
_NO = (
    r"(?:(?:我|俺)?(?:并|也|又|可|根本|压根|从来)?没有?(?:说|说过|让你|叫你|让|叫|打算|想)(?:要|过)?"
    r"|(?:我|俺)?(?:并|也|又|可|根本|压根|从来)?没有?要|谁(?:说|让你|叫你)?要"
    r"|(?:并|也)?不是(?:要|想)?|不(?:用|要|需要|想|必)?(?:给我)?|用不着|别|甭)"
)
#: The requests a resident denies, by intent: the words that name each.
_NAMES: dict[str, str] = {
    "file_complaint": r"投诉",
    "report_repair": r"(?:报修|报个修|保修|维修|修理|修(?![好完])|派(?:个)?人来修)",
    "request_human": r"(?:转人工|找人工|人工客服|人工服务|人工|转接|真人)",
}
#: What may follow the request's name: a particle, then the message's or a clause's end.
_AFTER = r"(?:了|啊|呀|吧|的|呢)?(?=$|[，,。.!！?？~～\s]|[我你就只是])"
_DENIALS = {
    # (?<!修): 修不修 asks whether, it denies nothing
    intent: re.compile(r"(?<![修诉工])" + _NO + name + _AFTER)
    for intent, name in _NAMES.items()
}
#: What the resident asks for instead (不是投诉 是要报修): that request, not the denial, leads.
_INSTEAD = re.compile(r"(?:是|我|俺|就)(?:要|想)(?:要)?")
#: 不是投诉就不管了吗 / 不修好怎么办 ask about the request, they do not deny it: a "no" followed
#: by a question about consequences.
_CONSEQUENCE = re.compile(r"就不|就没|怎么办|咋办|那怎么|难道")


def denied_request(text: str | None) -> str | None:
    """The request (`file_complaint`, `report_repair` or `request_human`) `text` says the
    resident did not ask for (我没说要投诉啊, 不投诉！！, 我没要转人工啊 就问问, 不是报修 我问发票),
    else None. 我要投诉 / 修不好 / 不修好怎么办 deny nothing."""
    if not text:
        return None
    canonical = to_canonical(str(text))
    for intent, pattern in _DENIALS.items():
        match = pattern.search(canonical)
        if match is None or _CONSEQUENCE.search(canonical[match.end() :][:6]):
            continue
        rest = canonical[match.end() :]
        if any(
            re.search(_INSTEAD.pattern + name, rest)
            for other, name in _NAMES.items()
            if other != intent
        ):
            return None  # 我不是要投诉 我是要报修: the repair is asked for
        return intent
    return None


#: Putting the visit off (先不约了, 我自己先试试, 回头再说): the resident will try first or decide
#: later; nothing is booked now.
_PUT_OFF = re.compile(
    r"先不(?:用)?(?:约|预约|报|报修|修|登记|派人|来人|上门|麻烦)|"
    r"(?:暂时|暂且|今天|现在)不(?:用)?(?:约|预约|报|修|派人|来人|上门)|"
    r"(?:我|俺)?(?:自己|先自己)(?:先)?(?:试试|试一下|弄弄|鼓捣|捣鼓|放放气|放气|看看|琢磨)|"
    r"(?:回头|改天|过(?:两|几)天|以后|晚点|明天|等等|再等等|等两天)(?:再)?(?:说|约|报|联系|找你们)"
)


def puts_off_visit(text: str | None) -> bool:
    """Whether `text` puts the booking off (先自己放放气 先不约了, 我自己先试试 回头再说, 先不报了):
    the form is left with no ticket and the resident told how to come back (players' p4-059,
    where the visit time was asked again). 自己试了还是不热 (tried, still cold) puts nothing off."""
    if not text:
        return False
    canonical = to_canonical(str(text))
    return _PUT_OFF.search(canonical) is not None and not _TRIED.search(canonical)


#: Having tried already: 自己试了还是不热, 放过气了也不行.
_TRIED = re.compile(r"试(?:过|了)|放(?:过|了)气|弄(?:过|了)|还是不|也不行|没用")


#: No phone at all (我没手机 家里也没装电话, 没有电话！！): not a number withheld, none to give.
_NO_PHONE = re.compile(
    r"(?:没|没有|无)(?:个|啥|什么)?(?:手机|电话|座机)(?!号码?(?:记|忘))(?![打来]|通知|联系|回|告诉)|"
    r"没(?:装|安)(?:电话|座机)|(?:手机|电话|座机)(?:也|都)?(?:没有|没)(?![电打来人])"
)


def has_no_phone(text: str | None) -> bool:
    """Whether `text` says the resident has no phone to be called on (我没手机 家里也没装电话, 真没
    电话 我用的孙子的平板): the phone question is not asked again (players' p4-080 was asked it
    every turn during a leak). 手机没电了 / 没有电话打过来 say something else."""
    return bool(text) and _NO_PHONE.search(to_canonical(str(text))) is not None
