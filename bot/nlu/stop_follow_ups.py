"""What residents ask about a heating stop once they know of it (player findings 5, class F).

After the bot has told a stop (幸福里's 主管线爆管抢修 today, 金色家园's 二次管网检修 on Thursday),
residents ask about *that* stop in words the classifier gives to other topics: the low-income
subsidy (能少交点不 天天这么停), the refund rules with a 测温 first (这一天的钱退不退), the
pre-season pressure test (检修那天家里要不要留人), the repair cost (师傅要进屋吗), topic buttons
(是一回事吗, 冻坏的货你们赔不赔) or the stop's times once more (今天这一天算不算). This module
says, from the words alone, which follow-up a message is (`stop_follow_up`); the actions answer
it against the stop of the resident's community (`actions.stop_follow_ups`).

The kinds —

* `refund` — money back or less to pay for the stop (退钱, 退不退, 少交, 减免, 补偿, 这一天算不算);
* `losses` — goods or belongings the cold spoilt, and who pays (冻坏的货你们赔不赔, 店里损失你们
  管吗, 酸奶冻坏了 要赔偿);
* `presence` — what the household must do that day (在家等着就行？, 要不要留人, 能不能不在家, 师傅
  要进屋吗, 要不要关阀门, 需要我做什么);
* `same` — whether their own trouble is the stop (是一回事吗, 跟主管线爆管有关吗, 修好了我家也
  好了？);
* `restore` — a restore time supposed back (那就是说晚上十一点多才有热乎气？, 得等到傍晚才来暖是吧):
  the time said is read by `time_supposed`.

A message that names the stop (停暖, 停热, 这么停, 检修, 抢修, 爆管) asks about it on its own; one
that does not (是一回事吗, 冻坏的货你们赔不赔) only when the caller knows a stop was just told
(`stop_told`). A 报停 (the resident's own season off), a double payment (交重了) and a burst pipe
in the home (a leak to report) are none of these.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.nlu.numbers import to_canonical

__all__ = [
    "SaidTime",
    "claims_losses",
    "demands_compensation",
    "names_the_stop",
    "stop_follow_up",
    "time_supposed",
]

#: The stop named: 停暖, 停了, 这么停, 不供暖, 没暖气, 检修, 抢修, 爆管 (not 报停 nor 停车).
_STOP = re.compile(
    r"(?<!报)(?<!申请)停(暖|热|气|供|了|[一1]天|这[一1]天|半天|几个小时|的|掉)|这么停|老停|又停|天天停|"
    r"不供(暖|热)|没(有)?暖气|断(暖|热)|检修|抢修|爆管|主管线|管网"
)
#: Not the stop: the resident's own season off, or a payment made twice.
_NOT_THE_STOP = re.compile(r"报停|停报|交重|多交|交错|重复交|交了两")

#: Money back or less to pay.
_REFUND = re.compile(
    r"退(钱|费|款|不退|吗|给|还|点)|能退|给退|可以退|会退|少交|少收|少算|少要|减免|减(点|些|[一1]点|掉|少)|"
    r"免(掉|单)|扣(掉|除|钱|费)|补偿|赔(偿|钱|点|些|不赔|吗)|"
    r"(这|今|那|一|1|几)([一1])?(天|个小时|半天)(的)?(钱|费|暖气费)?(算不算|怎么算|咋算|算吗|算钱|收钱|收不收|要钱)|"
    r"(钱|费|暖气费|采暖费)(还)?(得|要|照)?(照|全|照样)?(交|收)(吗|不|啊|么)|"
    r"(暖气费|采暖费|钱)(怎么|咋)算|白交"
)
#: Belongings the cold spoilt, and who pays for them.
_LOSS = re.compile(
    r"损失|(冻|凉)(坏|死|烂|裂|伤|蔫|硬|成冰)(的|了)?.{0,4}(货|东西|商品|酸奶|牛奶|菜|水果|花|鱼|食品|饮料|药)|"
    r"(货|东西|商品|酸奶|牛奶|菜|水果|花|鱼|食品|饮料|药|店里).{0,8}(冻|凉)(坏|死|烂|裂|伤|蔫|硬|成冰|了)"
)
_CLAIM = re.compile(
    r"赔|谁(管|负责|承担|出|来出)|(你们|公司)(管|负责|承担)(吗|不)|管不管|算谁的|报销|给个说法|要说法|补偿"
)
#: Frozen pipes or radiators: a leak or a repair, not a claim for goods.
_PIPES_FROZEN = re.compile(r"(管子|管道|水管|暖气片|阀门|阀)(都|也)?(冻|裂)")

#: What the household has to do that day: stay in, let someone in, close a valve.
_PRESENCE = re.compile(
    r"在家(里)?等|等着(就行|就可以|就好)|(要|得|需要|必须|用|非得)(不要)?在家|在家(吗|不|么)|"
    r"(家里|家)(要|得|需要|用)?(不要|不用)?(留|有)人|留人|不在家|没人在家|上班.{0,4}(行|可以|没事)|"
    r"进(屋|门|家|户)|入户|"
    r"(关|动|拧|开)(一下|上|掉)?(家里的?)?(暖气)?(阀门|阀|总阀|闸)|阀门(要|用|需要|得)?(不要|不用)?(关|动)|"
    r"需要我(做|干|配合|准备)|要我(做|干)|我(要|得|需要|该)(做|干)(什么|啥|点啥|些什么)|"
    r"(做|干)(什么|啥|点啥)(准备)?(不|吗|呢)|配合(什么|啥)|(要|得)(做|干)(什么|啥)"
)

#: Their own trouble and the stop one thing or not.
_SAME = re.compile(
    r"一回事|一码事|一个事|一样的事|同[一1](个|件)?(事|问题|原因)|"
    r"(有|有没有|没有|没)关(系|联)|有关(吗|不|没|呢)|相关(吗|不)|是不是因为|是因为(这|那|停|爆管|抢修|检修)|"
    r"(跟|和|与)[^，。,.!！?？]{0,12}(有关|有关系|相关|一样)|是这个原因|是它(的原因|闹的|弄的)|"
    r"是不是[^，。,.!！?？]{0,12}(闹|弄|引起|造成|搞|害)的|(闹|弄|引起|造成|搞)的(吧|吗|不|呀|啊)|"
    r"(修好|好了|恢复|来暖|来热|通了)[^，。,.!！?？]{0,8}(我家|俺家|家里|我们家|我这)"
    r"[^，。,.!！?？]{0,4}(好|热|不漏|没事|通|行)"
)

#: Words of the heat coming back.
_HEAT_BACK = re.compile(
    r"热乎|暖和|来热|来暖|有热|有暖|能热|热起来|暖起来|供(暖|热)|恢复|来气|通暖|通热|来(暖)?气|"
    r"暖气(才|就)?(能)?(来|热|好)"
)
#: Supposing back a time told (那就是说…？, 得等到…是吧, …才有热乎气).
_SUPPOSING = re.compile(
    r"就是说|也就是|意思是|那就是|那得|得(等)?到|要(等)?到|等到|才(能|会)?(有|来|热|暖|恢复|供)|"
    r"是吧|对吧|是吗|对吗|是不是|吗|[?？]|呗|喽|啊$"
)
#: A clock time (6点多, 11点半, 18点) with the part of the day said before it.
_PARTS = (
    "凌晨|早上|早晨|上午|中午|下午|傍晚|晚上|夜里|夜间|半夜|今晚|今天晚上|"
    "明早|明天早上|明天上午|明天下午|明天晚上"
)
_CLOCK = re.compile(rf"(?P<part>{_PARTS})?(?P<hour>\d{{1,2}})(点|:|：)(?P<rest>半|多|钟|\d{{2}})?")
_PART_ONLY = re.compile(rf"(?P<part>{_PARTS})|(?P<tomorrow>明天|明儿|明个)")
#: The hours each part of the day covers, as people say them.
_PART_HOURS: dict[str, tuple[float, float]] = {
    "凌晨": (0, 6),
    "早上": (6, 9),
    "早晨": (6, 9),
    "上午": (8, 12),
    "中午": (11, 14),
    "下午": (12, 18),
    "傍晚": (17, 19.5),
    "晚上": (18, 24),
    "今晚": (18, 24),
    "今天晚上": (18, 24),
    "夜里": (20, 29),
    "夜间": (20, 29),
    "半夜": (23, 29),
}
_AFTERNOON = frozenset(
    {"下午", "傍晚", "晚上", "今晚", "今天晚上", "夜里", "夜间", "半夜", "明天下午", "明天晚上"}
)


@dataclass(frozen=True)
class SaidTime:
    """A time a resident supposes, as a span of hours of the day `days` after today (hours past
    24 fall after midnight): 晚上6点多 → (0, 18, 19), 11点半 → (0, 11, 12), 明天 → (1, 0, 24)."""

    days: int
    start: float
    end: float


def names_the_stop(text: str | None) -> bool:
    """Whether `text` names a heating stop (停暖, 这么停, 检修, 爆管), not a 报停 or a payment."""
    canonical = to_canonical(str(text or ""))
    return _STOP.search(canonical) is not None and _NOT_THE_STOP.search(canonical) is None


def claims_losses(text: str | None) -> bool:
    """Whether `text` claims for belongings the cold spoilt (冻坏的货你们赔不赔, 酸奶冻坏了 要赔偿),
    not for frozen pipes or radiators (a leak, a repair)."""
    canonical = to_canonical(str(text or ""))
    return (
        _LOSS.search(canonical) is not None
        and _CLAIM.search(canonical) is not None
        and _PIPES_FROZEN.search(canonical) is None
    )


#: Compensation demanded, not asked about (要赔偿, 要求赔偿, 必须赔, 索赔, 赔我).
_DEMANDS_COMPENSATION = re.compile(r"(要|要求|必须|得|索|该)(赔|赔偿)(?!不)|赔我|给我赔|让你们赔")


def demands_compensation(text: str | None) -> bool:
    """Whether `text` demands compensation (酸奶冻坏了 要赔偿) rather than asks whether there is
    any (你们赔不赔): said right after the answer that offers to register the claim, the yes."""
    return _DEMANDS_COMPENSATION.search(to_canonical(str(text or ""))) is not None


def time_supposed(text: str | None) -> SaidTime | None:
    """The restore time `text` supposes back (那就是说晚上6点多才有热乎气？, 得等到傍晚才来暖是吧),
    or None when it names no time of the heat coming back."""
    canonical = to_canonical(str(text or ""))
    if not _HEAT_BACK.search(canonical) or not _SUPPOSING.search(canonical):
        return None
    clock = _CLOCK.search(canonical)
    if clock is not None:
        return _clock_span(clock)
    part = _PART_ONLY.search(canonical)
    if part is None:
        return None
    if part["tomorrow"]:
        return SaidTime(1, 0, 24)
    said = part["part"]
    days = 1 if said.startswith("明") else 0
    start, end = _PART_HOURS.get(said.removeprefix("明天").removeprefix("明"), (0, 24))
    return SaidTime(days, start, end)


def _clock_span(found: re.Match[str]) -> SaidTime | None:
    """The hours a said clock time covers: 6点 ± half an hour, 6点多 6–7, 6点半 6:30 ± 0.5."""
    hour = int(found["hour"])
    part = found["part"] or ""
    if hour > 24:
        return None
    days = 1 if part.startswith("明") else 0
    if (part in _AFTERNOON and hour < 12) or (not part and 1 <= hour <= 6):
        hour += 12  # 晚上6点, or a bare 6点 of a restore (nobody waits for 6 in the morning)
    if part in ("半夜", "夜里", "夜间") and hour == 12:
        hour = 24
    rest = found["rest"] or ""
    if rest == "多":
        return SaidTime(days, hour, hour + 1)
    if rest == "半":
        return SaidTime(days, hour, hour + 1)
    if rest.isdigit():
        minutes = hour + int(rest) / 60
        return SaidTime(days, minutes - 0.5, minutes + 0.5)
    return SaidTime(days, hour - 0.5, hour + 0.5)


def stop_follow_up(text: str | None, stop_told: bool = False) -> str | None:
    """The follow-up about a stop `text` is (module docstring): refund, losses, presence, same
    or restore; None when it is none. `stop_told`: the bot told a stop just before, so the
    message need not name it."""
    canonical = to_canonical(str(text or ""))
    if not canonical or _NOT_THE_STOP.search(canonical):
        return None
    named = _STOP.search(canonical) is not None
    if not (named or stop_told):
        return None
    if claims_losses(canonical):
        return "losses"
    if _REFUND.search(canonical):
        return "refund"
    if stop_told and _SAME.search(canonical):
        return "same"
    if _PRESENCE.search(canonical):
        return "presence"
    if stop_told and time_supposed(canonical) is not None:
        return "restore"
    return None
