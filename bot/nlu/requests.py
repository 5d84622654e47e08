"""Requests a message makes besides the one its intent names (pure text functions).

Residents put two things in one message ("查下我家暖气费还欠多少 另外卫生间暖气片有点渗水 派个人来
看看"); the classifier gives one intent, and the second request would be lost. The actions
finish the first request and then offer the second (`actions.common.offer_second_request`), so
these rules only need to notice a second request clearly made, not to classify messages:

- a repair: a fault (bot.nlu.faults) together with a request for someone to come or fix it, or
  stated beside another request (家里暖气不热了，另外帮我看下暖气费交上没有);
- a room-temperature check: asking someone to come and measure (`asks_for_measurement`);
- a complaint: 投诉, unless denied (也不是投诉谁);
- a fee query: asking what is owed or checking the heating bill;
- a binding: 绑 the account (not 解绑);
- an outage question: whether, or until when, the heating is stopped.
"""

from __future__ import annotations

import re

from bot.nlu.clauses import is_question
from bot.nlu.faults import fault_type_of
from bot.nlu.numbers import normalise_ticket_no, to_canonical

__all__ = [
    "FORM_STARTERS",
    "REQUEST_INTENTS",
    "and_there_place",
    "asks_about_a_stop",
    "asks_about_ticket",
    "asks_after_filed_request",
    "asks_after_the_stop",
    "asks_for_a_manager",
    "asks_for_another_way",
    "asks_for_measurement",
    "asks_for_repair",
    "asks_if_recorded_right",
    "asks_lookup_by_address",
    "asks_when",
    "asks_when_heat_returns",
    "asks_when_we_reply",
    "asks_why_home_is_cold",
    "calls_off",
    "cannot_provide",
    "changes_mind",
    "chases_the_crew",
    "chasing",
    "cold_read_as_bill",
    "complains",
    "declines_lookup",
    "declines_visit",
    "demands_heat",
    "doubts_the_meter",
    "earlier_season",
    "ends_asking_for_repair",
    "fault_beside_a_question",
    "gives_up",
    "hesitating",
    "knocking_at_home",
    "named_request",
    "names_next_season",
    "not_a_complaint",
    "only_asking_how",
    "refers_to_filed_request",
    "repair_not_complaint",
    "requests_in",
    "seeks_help_with_fault",
    "stop_already_made",
    "takes_request_back",
    "tells_cold_home",
    "wants_someone_in_charge",
    "wants_stop_heating",
    "wants_unbind",
    "withdraws",
    "withdraws_by_name",
]

#: The intents that start a request of several questions (a form): said inside another form they
#: switch to it, and a clause that makes one is the request of its message.
FORM_STARTERS = frozenset(
    {
        "report_repair",
        "request_temp_check",
        "file_complaint",
        "query_fee",
        "bind_account",
        "apply_stop_heating",
    }
)
#: The intents these rules can notice, in the order they are offered.
REQUEST_INTENTS: tuple[str, ...] = (
    "report_repair",
    "request_temp_check",
    "file_complaint",
    "query_fee",
    "bind_account",
    "query_outage",
)

_REPAIR_CUE = re.compile(
    r"派.{0,5}人|来人|来.{0,3}(看|修)|上门|师傅|报修|保修|修(一下|修|好)|给修|重新派"
)
_FIX = re.compile(r"报修|保修|维修|修(一下|修|好)|来修|给修")
_COMPLAINT = re.compile(r"投诉")
#: Words before 投诉 that deny it: 也不是投诉谁, 不投诉, 别投诉, 没想投诉.
_NOT_COMPLAINING = re.compile(r"(不是|不|别|没|不想|不用|没想|不要)(要|想)?$")
#: Words after 投诉 that drop it: 投诉也没用, 投诉不用记了, 投诉就算了, 投诉的事免了.
_COMPLAINT_DROPPED = re.compile(
    r"(?:的事|这事|这个)?(?:也|就|都|先|我)?(?:没(?:啥|什么|多大)?用|不(?:用|必|要)(?:记|写|登记|提|弄)?了|"
    r"算了|免了|不(?:记|提|弄|投)了)"
)
_BIND = re.compile(r"绑")
_FEE = re.compile(
    r"(查|问|看|算).{0,6}(暖气费|取暖费|热费|费用|欠费|缴费|交费)|欠(了)?多少|还欠|(暖气|取暖)费.{0,4}(多少|交了|缴了)"
)
_OUTAGE = re.compile(r"停(暖|热|供)|(什么|啥|几)时候.{0,4}(来暖|供暖|来热|恢复)|恢复供(热|暖)")


_CANNOT = re.compile(
    r"不知道|(不|哪|没)记得|记不(清|住|得)|忘(了|记)|找不(到|着)|没(有)?(登记|留|绑)|换(了|号|过)|"
    # a number no longer used (那个号早不用了, 手机不用了), not a bare 不用了 (no, thanks: players'
    # p3-091 declined the lookup and heard the ways to prove an account)
    r"(早就?|已经|好久)不用(了|这个)|(号|号码|手机|电话|卡)(早|也|都|早就|已经)?不用了|"
    r"不用这个(号|手机)|停用|"
    r"不是我(的|家)|停机|注销|丢了|没(有)?手机|老人机|不会(用|弄|看)|"
    r"扔了|弄没了|(户号|单子|缴费单|供热卡|缴费卡|号码)(早|也|都|压根)?(没有|没了|不清楚)|"
    r"没有?(这个|啥|什么)?户号|不晓得|不清楚(户号|尾号)"
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
    # 我哪有什么工单！我要报修！: a clause of its own that asks for the repair counts as an opening
    asks = _asks_for_a_visit(canonical) or any(
        _OPENS_WITH_REPAIR.match(clause) for clause in _CLAUSE_END.split(canonical) if clause
    )
    return bool(asks) and not _COMPLAINT_WORDS.search(canonical)


def _asks_for_a_visit(canonical: str) -> bool:
    """A fault together with a request for someone to come or fix it."""
    return fault_type_of(canonical) is not None and _REPAIR_CUE.search(canonical) is not None


#: A clause that tells what happened before (前几天…打电话报修, 师傅来修的时候…): its repair words
#: are the story's, not a request.
_PAST_CLAUSE = re.compile(
    r"前几天|前两天|前天|昨天|上次|上回|之前|以前|上周|上礼拜|上星期|上个?月|去年|那天|那次|的时候|当时"
)


def _asks_for_a_visit_now(canonical: str) -> bool:
    """`_asks_for_a_visit`, the request for someone said in a clause that tells no past
    (前几天暖气不热打电话报修 客服态度特别差 我要投诉她 asks for no fitter now; 上周报修了没人来
    再派人来修一下 does)."""
    if fault_type_of(canonical) is None:
        return False
    clauses = (c for c in _CLAUSE_END.split(canonical) if c)
    return any(_REPAIR_CUE.search(c) and not _PAST_CLAUSE.search(c) for c in clauses)


_UNBIND = re.compile(
    r"解绑|(?:解除|取消).{0,4}(?:绑定|关联)|(?:不要|不想|别|不用|不再)(?:再)?(?:绑|关联)|"
    r"删(?:掉|除)?.{0,6}绑|绑.{0,8}删"
)


#: 不修了 / 算了 / 撤了吧 / 那打扰了 give the request up; 不对 / 错了 / 不是…是… correct it.
_GIVING_UP = re.compile(
    r"算了|不(用|要|想|需要|修|报|测|投诉|弄|搞|办)了?|取消|先不|撤(了|销|掉|回)|甭|打扰(了|您|你)|"
    r"不是暖气|拉倒|没事了|再说吧"
)


def gives_up(text: str | None) -> bool:
    """Whether `text` gives the request up (算了, 不用来了, 撤了吧, 那打扰了), not corrects a
    detail of it (不是我家 是楼道): a "no" that is a correction keeps the request going."""
    return bool(text) and _GIVING_UP.search(to_canonical(str(text))) is not None


#: A change of mind about the request itself (那还是别报停了, 先不绑了, 不打算停了, 改主意了): the
#: verb of the request with a "no" before it, or 还是别 / 还是不 / 改主意.
_WITHDRAWING = re.compile(
    r"(别|甭|不要|不用|不必|不需要|用不着|不)(再|给我)?"
    r"(报停|停暖|停热|停供|停了|办了|办理了|申请了|查了|绑了|绑定了|弄了|登记)|"
    r"还是(别|甭|不要|不用|不)(报|办|停|查|绑|弄|申请|了)|改主意|变卦|"
    r"不(打算|准备|想)(报停|停|办|申请|查|绑)|"
    # 那今年报停就算了 / 报停先不办了: the request named, then given up (unseen glow r, read for
    # this regression: 好吧 before it filed next winter's 报停 the resident had just declined)
    r"(报停|停暖|停热|停供|绑定|查费)(的事)?(就|也|还是|先)?(算了|拉倒|不办了|不弄了|不申请了)"
)


def changes_mind(text: str | None) -> bool:
    """Whether `text` takes back a request by naming it (那还是别报停了, 先不绑了, 改主意了), the
    narrow part of `withdraws`: 我家今年不要暖气了 gives up heating, it asks for a 报停."""
    return bool(text) and _WITHDRAWING.search(to_canonical(str(text))) is not None


def withdraws(text: str | None) -> bool:
    """Whether `text` takes the request back (等等 我闺女说过年要回来住 那还是别报停了, 算了不查了):
    inside verification that is no answer to try again, and nothing was filed. Saying the phone
    is gone (那个号早不用了) is `cannot_provide`, which callers ask first."""
    if not text:
        return False
    canonical = to_canonical(str(text))
    return gives_up(canonical) or _WITHDRAWING.search(canonical) is not None


#: Words that give the request up whatever else the message says (算了, 取消, 撤了, 不办了).
_PLAIN_GIVING_UP = re.compile(
    r"算了|取消|撤(了|销|掉|回)|拉倒|甭|先不(办|报|弄|查|修|测|申请|了)|"
    r"不(办|报|查|弄|申请|绑|修|测|投诉)了|再说吧|没事了"
)


def takes_request_back(text: str | None) -> bool:
    """`withdraws`, except for a question whose "no" is about something else (报停了是不是就一分钱
    不用交了 asks about the fee, it does not give up the 报停): a question withdraws only with a
    word that gives the request up (算了, 不办了, 那还是别报停了吗)."""
    if not withdraws(text):
        return False
    canonical = to_canonical(str(text))
    if changes_mind(canonical) or _PLAIN_GIVING_UP.search(canonical):
        return True
    return not is_question(canonical)


_LAST_SEASON = re.compile(r"去年|上一?(个)?(供暖|采暖)?季|上一?年|头年|往年")
_SEASON_BEFORE = re.compile(r"前年")


def earlier_season(text: str | None) -> int:
    """How many seasons back `text` asks about (那去年的呢, 上个采暖季交了没: 1; 前年的: 2;
    大前年: 3), else 0. Right after a bill, such a message asks for that season's bill."""
    canonical = to_canonical(str(text or ""))
    if "大前年" in canonical:
        return 3
    if _SEASON_BEFORE.search(canonical):
        return 2
    return 1 if _LAST_SEASON.search(canonical) else 0


_NEXT_SEASON = re.compile(
    r"(明年|来年|下一?个?)(的)?(冬天|冬季|(采暖|供暖|供热)季?)|下一?个?季|下一?(个)?冬天|明冬"
)


def names_next_season(text: str | None) -> bool:
    """Whether `text` speaks of the next heating season (明年冬天, 下个采暖季): a 报停 asked for it
    knows it cannot stop this winter, and is not asked whether it still wants one."""
    return _NEXT_SEASON.search(to_canonical(str(text or ""))) is not None


_FOLLOW_UP = re.compile(
    r"结果|进度|怎么样了?|咋样了?|到哪|处理了没|处理没|有消息|回复呢|下文|动静|没人(理|管|回|联系)|"
    r"还没|怎么还|催"
)


#: A complaint made now (我要投诉，TS…那个投诉两天了没人回 complains about the wait itself).
_COMPLAINING_NOW = re.compile(r"(我|俺)?(要|想|得|还要|再)投诉")


def asks_about_ticket(text: str | None) -> bool:
    """Whether `text` names a ticket number and asks how it is going (上个月投诉的事 处理结果呢
    TS…): a follow-up of that ticket, not a new complaint about the same thing (我要投诉 is)."""
    canonical = to_canonical(str(text or ""))
    return (
        bool(normalise_ticket_no(canonical))
        and _FOLLOW_UP.search(canonical) is not None
        and _COMPLAINING_NOW.search(canonical) is None
    )


_MANAGER_CALL = re.compile(
    r"(领导|经理|负责人|主管|管事儿?的|当官的|说了算的|头儿).{0,6}"
    r"(回(个)?电话|打(个)?电话|(给|跟)(我|俺|咱)(们)?(打|回)|打过来|打回来|联系(我|俺)|来电话|回电)"
)


def asks_for_a_manager(text: str | None) -> bool:
    """Whether `text` asks a manager to call back (我要你们领导亲自给我回电话): a person, now."""
    return _MANAGER_CALL.search(to_canonical(str(text or ""))) is not None


_IN_CHARGE = re.compile(
    r"(找|叫|要|让|请|见|喊)(你们|您们|恁们|你们的|你们公司的?)?(的)?"
    r"(领导|经理|负责人|主管|管事儿?的|当官的|老板|头儿|说了算的)|"
    r"(领导|经理|负责人|主管|管事儿?的)(呢|在哪|出来|过来|来)"
)


def wants_someone_in_charge(text: str | None) -> bool:
    """Whether `text` asks for someone in charge (我要找你们领导, 叫你们经理出来, 管事的呢): a
    person is asked for, whatever form the grievance then takes."""
    return _IN_CHARGE.search(to_canonical(str(text or ""))) is not None


_REPAIR_ASK = re.compile(
    r"报.?修|来.{0,2}修|修一?下|派.{0,5}(人|师傅)|上门(给|帮)?(看|修)|(找|叫)(个|一个)?(师傅|维修工)"
)
_NOT_NEEDED = re.compile(r"(不用|不要|别|甭|不必|没必要|不需要|不)(再|给|来)?$")


def asks_for_repair(text: str | None) -> bool:
    """Whether `text` asks for a repair by name (您给报个修吧, 派个人来), not declines one (那不用
    派人了): said as a sign-off it is still a request."""
    canonical = to_canonical(str(text or ""))
    return any(
        not _NOT_NEEDED.search(canonical[max(0, m.start() - 4) : m.start()])
        for m in _REPAIR_ASK.finditer(canonical)
    )


#: Where one clause ends and the next begins.
_CLAUSE_END = re.compile(r"[，,。.!！?？;；~～\s]+")


def ends_asking_for_repair(text: str | None) -> bool:
    """Whether the last clause of `text` asks for a repair by name and asks nothing (不是停暖的话
    那就派人来修吧, 没停啊？那你们派人来修): after the stop was ruled out, the resident wants the
    fitter. The classifier heard the stop (停暖) and the community was asked again; 停热期间能派人
    来修吗 asks, and 那不用派人了 declines (`asks_for_repair`)."""
    clauses = [c for c in _CLAUSE_END.split(to_canonical(str(text or ""))) if c]
    return bool(clauses) and asks_for_repair(clauses[-1]) and not is_question(clauses[-1])


_CHASING = re.compile(
    r"(到现在|至今|这么久|好几天|都.{0,3}(天|小时)了|一直|迟迟|怎么还|还是).{0,8}(没|不见|没见)|"
    r"没人(理|管|来|回|联系)|没(有)?(下文|动静|消息|回音|回复|人影)|鬼影子|把我(给)?忘了"
)


def chasing(text: str | None) -> bool:
    """Whether `text` chases a request that was not dealt with in time (到现在没人理, 鬼影子都没见
    着, 把我忘了): the resident is owed an apology before anything else."""
    return _CHASING.search(to_canonical(str(text or ""))) is not None


#: The crew not come yet, or asked when it comes: 师傅还没来呢, 人怎么还没到, 还没人来, 没人来,
#: 到底啥时候来, 人呢, 等了一个小时了.
_CREW_NOT_HERE = re.compile(
    r"(?:还|咋还|怎么还|为啥还|为什么还|到现在还|现在还)(?:是)?(?:没|不|没有)(?:见)?(?:人|师傅)?"
    r"(?:来|到|上门|过来|露面|派)|"
    r"没(?:有)?(?:见)?(?:人|师傅|抢修的|维修的)(?:来|到|过来|上门|露面)|"
    r"(?:^|[，,。！!？?\s]|的)(?:人|师傅|抢修的|维修的)(?:呢|在哪|到哪)|"
    r"(?:啥|什么|几点|多久|多长时间|多会儿?)(?:时候)?(?:能|才|会|可以)?(?:来|到|过来|上门)|"
    r"等了.{0,6}(?:小时|钟头|分钟|半天)"
)


def chases_the_crew(text: str | None) -> bool:
    """Whether `text` says the crew has not come yet or asks when it comes (师傅还没来呢 都快一个
    小时了, 到底啥时候来, 还没人来, 人呢): with an urgent ticket at hand, that ticket chased, not a
    new report (player findings 5, class B: it opened a second urgent ticket)."""
    return _CREW_NOT_HERE.search(to_canonical(str(text or ""))) is not None


#: Whether the address (or the phone) recorded is right, asked after a ticket: 地址记对了吧,
#: 地址对吗 是602, 门牌号没写错吧, 电话记对了没.
_RECORDED_RIGHT = re.compile(
    r"(?P<what>地址|门牌号?|房号|电话|手机号?)(?:号)?(?:你们|都)?(?:记|写|登记|录|填)?(?:的)?"
    r"(?:对|准|没错|没问题|无误)(?:了)?(?:吗|吧|么|嘛|没|不|没有|不对)|"
    r"(?P<what2>地址|门牌号?|房号|电话|手机号?)(?:你们|都)?(?:没|没有)(?:记|写|登记|填)?错(?:吧|吗|么)"
)


def asks_if_recorded_right(text: str | None) -> str | None:
    """Which detail `text` asks to be recorded right after a ticket (地址记对了吧 → "address",
    电话没写错吧 → "phone"), else None: it is answered with what the ticket holds (player
    findings 5, class A: 地址对吗 是602 got the status without the address)."""
    found = _RECORDED_RIGHT.search(to_canonical(str(text or "")))
    if found is None:
        return None
    what = found.group("what") or found.group("what2") or ""
    return "phone" if what.startswith(("电话", "手机")) else "address"


#: Calling the visit or the ticket off: 取消, 撤了, 不用来人了, 不需要抢修, 别派人来.
_CALLS_OFF = re.compile(
    r"取消|撤(?:了|销|掉|回|单)|"
    r"(?:不用|不要|不需要|用不着|别)(?:再)?(?:派人|来人|上门|过来|来了|来|抢修|派)"
)


def calls_off(text: str | None) -> bool:
    """Whether `text` calls the visit or its ticket off (把单子取消了, 不用来人了, 别派人来):
    said of an urgent ticket, which chat cannot withdraw, the wish goes on the ticket
    (actions/urgent_tickets.py)."""
    return _CALLS_OFF.search(to_canonical(str(text or ""))) is not None


_WHEN = re.compile(
    r"(什么|啥|嘛|几|哪)(时候|会儿|时间|点|天)|多(会儿?|久|长时间|咱|早晚)|几个?(小时|钟头)|要等"
)


def asks_when(text: str | None) -> bool:
    """Whether `text` asks when or how long (那得嘛时候能来热的, 得多会儿, 还得等几个小时): right
    after a stop was told, the answer is that stop's restoration."""
    return _WHEN.search(to_canonical(str(text or ""))) is not None


_HEAT_BACK = re.compile(
    r"来热|来暖|能来|才来|会来|来了|恢复|回来|热起来|热乎|暖和|有暖|有热|供上|通暖|能热|能好|修好|好了"
    # the heat itself coming (暖气到底啥时候来, 暖气几点来: the players' p3-067 got the season's
    # dates twice), not a fitter (暖气坏了啥时候来修, 暖气的事啥时候来人)
    r"|暖气[^\s，,。！!？?修]{0,6}来(?!修|人|看|查)"
)
#: The season's dates, not a stop: 几号开始供暖, 供暖期到几月结束.
_SEASON_WORDS = re.compile(
    r"开始|结束|截止|停止|停暖|几月|哪天停|几号停|供暖期|供暖季|采暖期|采暖季"
)


def asks_when_heat_returns(text: str | None) -> bool:
    """Whether `text` asks when the heat comes (back) (幸福里小区的暖气啥时候能来, 啥时候能来热啊):
    in the season that is a question about a stop or a fault, not about the season's dates."""
    canonical = to_canonical(str(text or ""))
    return (
        asks_when(canonical)
        and _HEAT_BACK.search(canonical) is not None
        and _SEASON_WORDS.search(canonical) is None
    )


_REPLY = re.compile(
    r"回(话|复|电|个?信|音)|答复|联系|给.{0,2}(说法|信儿|回话|答复)|处理|(有|出|给)(个)?(结果|说法)"
)


def asks_when_we_reply(text: str | None) -> bool:
    """Whether `text` asks when the company gets back to the resident (那恁们多咱给俺回话,
    多久给答复): a complaint's deadlines answer it."""
    canonical = to_canonical(str(text or ""))
    return asks_when(canonical) and _REPLY.search(canonical) is not None


def wants_unbind(text: str | None) -> bool:
    """Whether `text` asks to remove a binding (解绑, 别再绑我手机了), which a classifier that
    hears 绑定 may take for a request to bind: binding then would do the opposite of what the
    resident asked."""
    return bool(text) and _UNBIND.search(to_canonical(str(text))) is not None


def cannot_provide(text: str | None) -> bool:
    """Whether `text` says the resident cannot give what was asked (不记得户号, 手机号换了,
    没有登记手机): they need another way, not the same question again."""
    return bool(text) and _CANNOT.search(to_canonical(str(text))) is not None


#: Saying the lookup is not what is wanted (不查费, 先别查, 我不是要查费, 不用查户号, 没户号 就想…,
#: I don't have account number): the 户号 question is a wall for a resident who asks something.
_NO_LOOKUP = re.compile(
    r"(?:不|别|先别|甭|不用|不要|不想|不需要|不是要|不是想|没要|没想)(?:再)?"
    r"(?:查|核实|验证|登录)|"
    r"(?:没有?|不知道|不记得|记不住|找不到|忘了)(?:我家?的?|俺家?的?)?户号.{0,4}(?:就|只|我)|"
    r"(?:don'?t|do not|dont|no) (?:have |know )?(?:an? |my |the )?account",
    re.IGNORECASE,
)
#: What the resident wants instead: to be told, or to ask (就想知道, 你就告诉我, 我是问, 只想问).
_WANTS_TO_KNOW = re.compile(
    r"想知道|想问|告诉我|说说|讲讲|我是问|只问|问一下|问问|就问|tell me|just|how much|what",
    re.IGNORECASE,
)


def declines_lookup(text: str | None) -> bool:
    """Whether `text` says, while the 户号 is asked for, that no lookup is wanted and asks
    something instead (不查费 我就想知道能不能提前来热; 先别查 你就告诉我没人住能不能退钱;
    我不是要查费 我是问热表读数怎么报): the question is answered and the 户号 not asked again
    (players' class F: only 取消 left the form). 不查了 alone is `GOING_ELSEWHERE`'s."""
    canonical = to_canonical(str(text or ""))
    if _NO_LOOKUP.search(canonical) is None:
        return False
    return _WANTS_TO_KNOW.search(canonical) is not None or is_question(canonical)


_HESITATION = re.compile(
    r"^(嗯+|呃+|唔+|额+|这个嘛?|那个|哦+)?[，,。.…~ ]*"
    r"(等(一?下|等|会儿?)|稍等|你?等我|我(先|再)?(想|看|找|问|查|翻)(一?下|想|看|找|问|查)|"
    r"我去(找|看|问|查)|让我(想|看|找|查)|这个嘛|那个)"
)


_MEASURE = re.compile(
    r"(来|上门|派人|过来|给我|帮我|先).{0,3}(测|量)(一?下|温|温度|测|量)?(?![^，,。？?！!\s]{0,2}(了|过|也|都))|"
    r"(申请|预约|约|安排|要|想)(个|一下|一次)?测(个)?温|测个温"
)


def asks_for_measurement(text: str | None) -> bool:
    """Whether `text` asks the company to come and measure the room (那你们先来测, 上门量一下):
    said right after the refund rules, it is the 测温 request they invite, not the same
    question again. A measurement told as done (来人测温也没到数儿, 上门量过了) asks for none."""
    return bool(text) and _MEASURE.search(to_canonical(str(text))) is not None


#: The heat meter named as what is wrong or what to look at (热表读数翻倍, 派人来看看表, 表不准),
#: not 表示 / 表扬 / 表格.
_METER_TROUBLE = re.compile(
    r"(热量表|热表|计量表|热计量表|表计|表盘|表上(?!网)|(?i:meter))|"
    r"(看|查|检查|校验|校|核查|核对|核|验|修|换|抄|对)(一下|下|一眼|看|查|个|一次)?(这个|那个|俺家|我家|家里)?的?表(?!示|扬|格|彰|达|态)|"
    r"表(?:坏|有毛病|有问题|不准|不对|出问题|读数|上的?数|跳|走得|转得)"
)
#: Words of a radiator fault: a message naming one is a repair even if a meter is named too.
_RADIATOR_FAULT = re.compile(
    "暖气片?(?:不热|冰凉|凉|漏|滴水|跑水)|漏水|跑水|爆管|"
    "阀门?(?:坏|漏|拧不|关不|打不开|转不动|失灵|卡)"
)
#: The meter itself doubted (这表是不是坏了, 表不准, 读数不对劲) or someone asked to come and
#: check it (我要求你们来人核一下表): a meter check, not a look at the readings.
_METER_DOUBTED = re.compile(
    r"表.{0,5}(?:坏|不准|有问题|出问题|有毛病|毛病|不对|乱跳|失灵|故障)|"
    r"读数.{0,10}(?:不对|不正常|离谱|翻倍|多了一大截|多了好多|涨了|蹦|跳)|"
    # the bill's reading against the resident's own (账单上写3265 我拍的表盘才2987 差了快三百)
    r"(?:账单|单子|通知单|缴费单|(?i:bill)).{0,30}(?:表盘|表上|读数|(?i:meter)).{0,30}"
    r"(?:差了|对不上|不一致|不一样|多了|少了|不符|(?i:match))"
)
#: Someone asked to come and check the meter (我要求你们来人核一下表, 能不能派人来看看表).
_METER_VISIT = re.compile(
    r"(?:来人|派人|派个人|上门|过来|安排|叫人|叫个人|找人|找个人|让人|请人).{0,6}"
    r"(?:核|看|查|校|检|验|抄|对|(?i:check)).{0,3}(?:表(?!示|扬|格|彰|达|态)|(?i:meter))"
)


def doubts_the_meter(text: str | None, asked_in_general: bool = False) -> bool:
    """Whether `text` doubts the heat meter or asks for it to be checked (出差十天读数反而涨了一大截
    这表是不是坏了; 我要求你们来人核一下表): the request is a meter check (查表 visit), which may be
    filed without the 户号, not the readings, which need it. For a message read as a general
    question (`asked_in_general`: 热量表坏了怎么算) only a visit asked for counts."""
    canonical = to_canonical(str(text or ""))
    if not asks_meter_visit(canonical):
        return False
    if _METER_VISIT.search(canonical):
        return True
    return not asked_in_general and _METER_DOUBTED.search(canonical) is not None


def asks_meter_visit(text: str | None) -> bool:
    """Whether `text` is about the heat meter being wrong or someone coming to look at it
    (表坏了, 读数翻倍了找人来看看, 能派人来看看表吗): a meter-check (查表) request, not a repair of
    the radiator, which the classifier reads it as because someone is asked to come."""
    canonical = to_canonical(str(text or ""))
    return bool(_METER_TROUBLE.search(canonical)) and not _RADIATOR_FAULT.search(canonical)


def hesitating(text: str | None) -> bool:
    """Whether `text` only asks for time (等一下, 我找找, 这个嘛): the resident is looking for the
    answer, and needs patience, not "that is not our business" or the question again at once."""
    if not text:
        return False
    canonical = to_canonical(str(text)).strip()
    return len(canonical) <= 12 and _HESITATION.match(canonical) is not None


def complains(text: str | None) -> bool:
    """Whether `text` says the resident wants to complain (投诉), not that they do not or drop
    it (算了 投诉也没用 … 投诉不用记了: glp-030 got the complaint it declined), nor
    speaks of a complaint already made (刚才俺投诉的那个 多长时间能给俺个回话)."""
    canonical = to_canonical(str(text or ""))
    return any(
        not _NOT_COMPLAINING.search(canonical[max(0, m.start() - 4) : m.start()])
        and not _COMPLAINT_DROPPED.match(canonical, m.end())
        and not _earlier_request_at(canonical, m.start(), m.end())
        for m in _COMPLAINT.finditer(canonical)
    )


#: The words of a request the resident made before, as they point back at it: its verb
#: (投诉, 报修, 报的修, 报停, 测温, 约的测温) or its ticket (单子, 工单, 申请).
_FILED_KIND = r"(?:投诉|报修|报的修|报了修|报停|测温|约的测温|申请|单子|工单)"
#: Said before the request's word: it was made earlier (刚才 / 刚刚 / 上次 / 之前 …).
_BEFORE = re.compile(r"(?:刚才|刚刚|刚|上次|上回|之前|前几天|前天|昨天|早上|上午|已经)")
#: Said after it: the request is spoken of as a thing (投诉的那个, 报修的事, 投诉过, 投诉了的).
_AS_A_THING = re.compile(r"^了?的(?:那个|那件|那事|事|单子|工单|那单|那一个)")
#: 我要投诉的事是… is the complaint being made now.
_WANTED_NOW = re.compile(r"要|想|得|需要|准备|打算|时候之前|号之前|天之前")


def _earlier_request_at(canonical: str, start: int, end: int) -> bool:
    """Whether the request word at `start:end` speaks of a request made before: a time before
    it (刚才俺投诉的, 上次报修) or the word used as a thing (投诉的那个, 报修的事), not one
    wanted now (我要投诉的事是…) or asked by when (什么时候之前要申请报停)."""
    before = canonical[max(0, start - 6) : start]
    if _WANTED_NOW.search(before):
        return False
    return bool(_BEFORE.search(before)) or bool(_AS_A_THING.match(canonical[end : end + 5]))


def refers_to_filed_request(text: str | None) -> bool:
    """Whether `text` points back at a request the resident already made (刚才俺投诉的那个, 我
    上午报的修, 之前约的测温): a follow-up of that request, not a new one."""
    canonical = to_canonical(str(text or ""))
    return any(
        _earlier_request_at(canonical, m.start(), m.end())
        for m in re.finditer(_FILED_KIND, canonical)
    )


def asks_after_filed_request(text: str | None) -> bool:
    """Whether `text` asks how a request already made is going or when it is answered
    (刚才俺投诉的那个 多长时间能给俺个回话, 上午报的修 啥时候来): its ticket's status and
    deadlines, not a second complaint or repair about the same thing."""
    canonical = to_canonical(str(text or ""))
    if not refers_to_filed_request(canonical) or _COMPLAINING_NOW.search(canonical):
        return False
    return asks_when(canonical) or _FOLLOW_UP.search(canonical) is not None


#: Taking a request back by its verb: 撤 (撤了, 撤回, 撤销, 撤掉), 取消, 作废, 退了, 不要了.
_TAKE_BACK = r"(?:撤(?:了|回|销|掉|下)?|取消|作废|退(?:掉|了)|不要了|不办了|不用了)"
_WITHDRAWN_BY_NAME = re.compile(
    r"(?:报停|报修|维修|测温|投诉|申请|单子|工单)"
    r"(?:申请|单|单子)?(?:的事)?(?:给我|给俺|帮我|帮俺|你给我|您给我|就)?(?:也)?" + _TAKE_BACK
    + r"|(?:把|将)(?:那个|这个|刚才的|刚才那个)?(?:报停|报修|测温|投诉|申请|单子|工单)"
    r"(?:申请|单)?(?:给)?" + _TAKE_BACK
    + r"|(?:撤回|撤销|取消)(?:我的|刚才的|那个)?(?:报停|报修|测温|投诉|申请|单子|工单)"
)
#: How or whether one may take a request back, asked in general (报停撤回以后怎么恢复, 撤销要
#: 什么手续): a question for the knowledge base, not a withdrawal.
_HOW_TO_TAKE_BACK = re.compile(
    r"怎么|如何|咋|手续|流程|以后|之后|后还|还能|需要|要不要|能不能|可不可以|多久|了吗|了没"
)


#: How a withdrawal works, asked even of a named ticket (BT… 撤了以后怎么恢复): 能不能 before a
#: ticket's number asks to act on it, these ask how.
_HOW_IT_WORKS = re.compile(r"怎么|如何|咋|手续|流程|以后|之后|多久|了吗|了没")


def withdraws_by_name(text: str | None) -> bool:
    """Whether `text` asks to take back a request it names (那报停给俺撤了吧, 把报修撤了, 撤销
    刚才的投诉), or its ticket's number with a take-back verb (十月份办的报停 BT… 能不能撤了):
    a cancellation of that ticket (if one was filed), not a question about the request. How
    one withdraws, asked in general (报停撤回以后怎么恢复), is a question."""
    canonical = to_canonical(str(text or ""))
    if (
        normalise_ticket_no(canonical)
        and re.search(_TAKE_BACK, canonical)
        and not _HOW_IT_WORKS.search(canonical)
    ):
        return True
    match = _WITHDRAWN_BY_NAME.search(canonical)
    if match is None:
        return False
    return _HOW_TO_TAKE_BACK.search(canonical[match.start() :]) is None


def not_a_complaint(text: str | None) -> bool:
    """Whether `text` says the resident is not complaining (也不是投诉谁 就想赶紧来人给修好)."""
    canonical = to_canonical(str(text or ""))
    return "投诉" in canonical and not complains(canonical)


#: The home's own heating said not to be at fault (不是我家暖气坏了, 我家暖气没毛病).
_NOT_THE_HOMES_FAULT = re.compile(
    r"不是[我俺]?(?:家|家里|屋里)?的?暖气(?:片)?(?:坏了|有问题|的问题|有毛病|出毛病|不热)"
    r"|[我俺]?(?:家|家里|屋里)的?暖气(?:片)?(?:没(?:有)?(?:坏|问题|毛病)|好好的|挺好|正常)"
)


def not_the_homes_fault(text: str | None) -> bool:
    """Whether `text` says the home's own heating is not at fault (不是我家暖气坏了，是楼下机器的
    声音): what the resident wants is no fitter, whatever fault words the message has."""
    return _NOT_THE_HOMES_FAULT.search(to_canonical(str(text or ""))) is not None


def requests_in(text: str | None) -> list[str]:
    """The requests `text` makes that these rules notice, as intents in `REQUEST_INTENTS` order."""
    if not text:
        return []
    canonical = to_canonical(text)
    found: set[str] = set()
    if asks_for_measurement(canonical):
        found.add("request_temp_check")
    if complains(canonical):
        found.add("file_complaint")
    if _FEE.search(canonical):
        found.add("query_fee")
    if _BIND.search(canonical) and not wants_unbind(canonical):
        found.add("bind_account")
    if _OUTAGE.search(canonical):
        found.add("query_outage")
    if "request_temp_check" in found:
        # the cold is what the measurement is for: a repair only when one is asked by name
        if fault_type_of(canonical) is not None and _FIX.search(canonical):
            found.add("report_repair")
    elif _asks_for_a_visit_now(canonical) or (
        found - {"file_complaint"} and fault_type_of(canonical) is not None
    ):
        # a fault said beside another request is a request of its own; beside a complaint it is
        # what is complained of, or the story's background (上周打热线想问问暖气为什么时冷时热，
        # 接电话的挂了: hail-x hax-026 heard 您刚才还提到要报修, and its 是的 filed a BX)
        found.add("report_repair")
    return [intent for intent in REQUEST_INTENTS if intent in found]


#: Asking for help, in the words of residents who do not say 报修 (给看看咋回事, 请帮助, help).
_HELP = re.compile(
    r"帮(助|忙|帮|我|俺|一下|下)|给.{0,3}(看看|瞧瞧|瞅瞅|整整|弄弄)|看看(咋|怎么|是)|"
    r"help|请.{0,3}(帮|处理|解决)|救救|想(想)?办法|管管|(处理|解决)一下|"
    # left alone with it (暖气三天不热了没人管): an angry plea, the repair first (players' findings
    # 2, class H: it got the knowledge base's buttons)
    r"(没|没有)人(管|来|修|理|搭理|处理|问)|也不(管|来人|来修|给修)|不给(修|管)",
    re.IGNORECASE,
)


def seeks_help_with_fault(text: str | None) -> bool:
    """Whether `text` tells of a fault in the home and asks for help with it (俺家暖气不中 上边儿
    热乎下边儿凉 恁们给看看咋回事; 我的房间 很冷 暖气 不工作 请帮助): a repair, said by someone who
    does not know the word 报修. The classifier, missing the word, sent both to the knowledge
    base's buttons."""
    canonical = to_canonical(str(text or ""))
    if fault_type_of(canonical) is None:
        return False
    return _REPAIR_CUE.search(canonical) is not None or _HELP.search(canonical) is not None


#: Heat coming back, said as the moment to wait for (恢复后, 来暖了, 抢修完, 修好了).
_HEAT_RETURNS = "(?:恢复|来暖|来热|来气|通暖|通热|供上|修好|修完)"
#: Putting the visit off until heat is back (那好吧，恢复后还不热再说; 等来暖了再看吧; 先等抢修完
#: 吧): a no to a booking offered during a stop, said without 不. The players' resident who said it
#: at the phone question was asked the phone again; 再约 / 再来 names a later visit, not a no, and
#: 等修好了通知我吧 asks to be told, not to wait; 来热了再修 books a repair for later.
_IN_CLAUSE = "[^，。,.!！?？]{0,6}?"
_UNTIL_HEAT_RETURNS = (
    _HEAT_RETURNS + "(?:供热|供暖|暖气)?(?:了|以后|之后|后)?" + _IN_CLAUSE
    + "(?:再说|再报|再找|再看|再联系)|"
    "等" + _IN_CLAUSE + _HEAT_RETURNS + "(?:了|以后|之后|后)?(?:吧|"
    + _IN_CLAUSE + "(?:再说|再报|再找|再看))"
)
#: Saying that no visit is wanted, or that one is only asking (不用派人 我就问问, 先不报修), or
#: that it waits until heat is back (`_UNTIL_HEAT_RETURNS`).
DECLINED_VISIT = re.compile(
    "(?:不用|不要|不想|先不|现在不|暂时不|不需要|不是要|(?<!是)不是(?:来|想)?|别)(?:报修|报|修|派人|上门|登记|来人)|"
    "(?<![还怎咋么啥报])不报修|(?<![还怎咋么啥修])不修(?:了|[！!。]*$)|"
    "(?:就|只)是?(?:问问|想问|问一下|咨询)|[我俺]是问|是问问|" + _UNTIL_HEAT_RETURNS
)


def declines_visit(text: str | None) -> bool:
    """Whether `text` says no visit is wanted now (`DECLINED_VISIT`): 先不报修, 我就问问, 恢复后
    还不热再说. After "现在仍要登记报修吗？" such words are a no, whatever the classifier made of
    the 那好吧 in front of them."""
    return DECLINED_VISIT.search(to_canonical(str(text or ""))) is not None


def only_asking_how(text: str | None) -> bool:
    """Whether `text` asks something and says it wants no visit (地暖不太热 听说要排气 怎么自己弄啊
    不用派人 我就问问): a question for the knowledge base, though it names a fault. The fault made
    it a repair, and the repair form asked for the address of a resident who had said no."""
    canonical = to_canonical(str(text or ""))
    if DECLINED_VISIT.search(canonical) is None:
        return False
    return _HOW.search(canonical) is not None


#: Asking how to do something oneself, or what to do (怎么自己弄, 咋放气, 有啥办法).
_HOW = re.compile(r"怎么|咋|如何|怎样|啥办法|什么办法|要注意|能不能自己|可以自己|自己能")


#: Asking why something happened (怎么回事, 为啥): of a cold home, the cause is a fault or a stop.
#: 怎么/咋 before the cold itself asks why too (幸福里的暖气怎么不热了, 咋这么凉): the player's
#: resident of the community under an emergency stop got the knowledge base's buttons.
_WHY = re.compile(
    r"怎么回事|咋回事|咋整的|为啥|为什么|为嘛|什么原因|啥原因|咋了|怎么了|什么情况|啥情况|"
    r"(?:怎么|咋|怎)(?:又|还|就|老|总|突然|这么|那么|一点儿?都|都|有点|有些)?"
    r"(?:不热|不暖|不太热|不怎么热|凉|冷|没(?:有)?(?:暖气|热乎?气|热))"
)

#: The resident's own home named (俺家, 我们家, 家里, 屋里).
_OWN_HOME = re.compile(r"(我|俺|咱|我们|俺们|咱们)家|家里|屋里|屋子|房间")


def tells_cold_home(text: str | None) -> bool:
    """Whether `text` states that the resident's own home has no heat, without asking anything
    (喂 在不在 俺家是幸福家园的 暖气一宿都是凉的): the fault to look into, or the stop where they
    live, which the repair flow tells first. Read as an unsure question it got topic buttons
    (the lead's review play, on the night of the emergency stop)."""
    canonical = to_canonical(str(text or ""))
    return (
        fault_type_of(canonical) == "no_heat"
        and _OWN_HOME.search(canonical) is not None
        and _PART_COLD.search(canonical) is None
        and not _QUESTION_END.search(canonical)
    )


#: A message that ends as a question (吗, 呢, ?, 不 at the end).
_QUESTION_END = re.compile(r"[吗呢？?]|[不没么嘛][。！!\s]*$")


#: Money or the bill named (暖气费, 交钱, 欠费, 多少): a cold home said beside them may be about
#: the bill (没交费会不会没暖气), so the classifier's fee query stands.
_MONEY = re.compile(r"费|钱|缴|交|欠|账|单|多少|价")


def cold_read_as_bill(text: str | None) -> bool:
    """Whether `text` tells that the home has no heat and says nothing of money (我家怎么没暖气了,
    阳光花园没暖气了吗): the player's residents got the 户号 asked for a fee query; the home is
    cold, and the stop where they live or a repair is what they came for."""
    canonical = to_canonical(str(text or ""))
    return fault_type_of(canonical) == "no_heat" and _MONEY.search(canonical) is None


def asks_why_home_is_cold(text: str | None) -> bool:
    """Whether `text` tells that the heating at home is cold and asks why (幸福里6号楼 暖气从早上
    就凉了 怎么回事): a fault to look into, or a stop where they live, which the repair flow tells
    first. Worded like 暖气咔咔响 咋回事, it got the noise topic."""
    canonical = to_canonical(str(text or ""))
    if fault_type_of(canonical) != "no_heat" or _PART_COLD.search(canonical):
        return False
    return _WHY.search(canonical) is not None


#: A radiator cold in part (上热下凉, 一半热): air in it, the bleeding topic's question.
_PART_COLD = re.compile(
    r"[上下前后左右]\S{0,3}[热凉冷]\S{0,3}[上下前后左右]|一半|半截|局部|有的|几组"
)


#: A stop named by what is done (检修, 抢修) or by the heat stopping, asked how long or until when.
_STOP_WORD = r"(检修|抢修|停暖|停热|停供|停气|打压|管网改造)"
_STOP_ASKED = re.compile(
    _STOP_WORD + r"(要|得|会|还)?(到|弄到|修到)?.{0,3}"
    r"(哪天|几号|多久|多长时间|什么时候|啥时候|几点|几天|完|结束|为止)|"
    r"(什么|啥|哪)(时候|天).{0,3}" + _STOP_WORD
)


#: Asking how early, how late or how one is told of stops (提前多久通知, 最晚多久告诉住户, 怎么知道
#: 啥时候停暖检修): the notice rules, whatever stop is named. 修好了告诉我 asks to be told, 停暖也
#: 不提前通知 / 咋不通知业主 complain that no one was.
_NOTICE_VERB = r"(通知|告知|告诉|知会|公告|公示|说一声)(?!我(?!们)|俺(?!们)|咱(?!们)|一声|一下)"
NOTICE_RULE_ASKED = re.compile(
    r"(多久|多长时间|几天|几个?小时|多少天)[^，,。？?！!\s没不]{0,6}" + _NOTICE_VERB + "|"
    r"(怎么|咋|如何|从哪|在哪|哪里|什么方式|啥方式|用什么|通过什么)(能|会)?(提前)?"
    r"(知道|得知|收到|看到|通知|告知)(?!我|俺|咱)"
)


def asks_about_a_stop(text: str | None) -> bool:
    """Whether `text` asks about a heating stop by what is done there (金色家园检修到哪天, 抢修
    要多久, 啥时候检修): the outage answer has the dates; the knowledge base had only the notice
    rules. A question about being told (突然停热多久会通知, 维修停热提前多长时间告知, 怎么知道啥时候
    停暖检修) asks those rules, not about a stop (`NOTICE_RULE_ASKED`)."""
    canonical = to_canonical(str(text or ""))
    return _STOP_ASKED.search(canonical) is not None and not NOTICE_RULE_ASKED.search(canonical)


_STOP_OVER = re.compile(
    r"(停|检修|抢修|修|打压)(完|好|结束)|恢复(供热|供暖|了)?(以后|之后|后)|"
    r"来(暖|热)(了)?(以后|之后|后)|(通|供)(暖|热)(以|之)?后"
)
_WHAT_THEN = re.compile(r"咋办|怎么办|咋整|怎么弄|怎么处理|找谁|咋弄|[呢吗?？]")


def asks_after_the_stop(text: str | None) -> bool:
    """Whether `text` asks what to do if the radiator is still cold once a stop is over (那停完了
    还不热咋办): a question about the next days, answered, not an answer to the form's question
    nor a new repair request."""
    canonical = to_canonical(str(text or ""))
    return (
        _STOP_OVER.search(canonical) is not None
        and fault_type_of(canonical) == "no_heat"
        and _WHAT_THEN.search(canonical) is not None
        and _REPAIR_CUE.search(canonical) is None
    )


_DEMAND = re.compile(
    r"(必须|赶紧|马上|尽快|快点|抓紧|今天|今晚|晚上|天黑).{0,10}(来暖|来热|供暖|供热|恢复|暖气|热乎|通暖)|"
    r"受不了|扛不住|冻(死|坏|透|病|感冒)|家里有(老人|孩子|小孩|婴儿|病人|孕妇)"
)


def demands_heat(text: str | None) -> bool:
    """Whether `text` demands the heat back or says who suffers without it (今天晚上之前必须给我来
    暖气 家里有老人), or urges the company's repair (`urges_the_repair`): right after a stop was
    told, it is about that stop and owed an apology."""
    return _DEMAND.search(to_canonical(str(text or ""))) is not None or urges_the_repair(text)


#: Urging the company to get on with its repair (修好了赶紧的, 你们抓紧抢修, 催你们修).
_URGES = re.compile(
    r"(?:赶紧|抓紧|快点|快些|尽快|早点|马上|麻溜|赶快|抓点紧)(?:的|点|儿|些)?(?:给|把它|把管子)?"
    r"(?:修|抢修|弄好|处理|干)|修好了?(?:就)?(?:赶紧|抓紧|快点|快些)|催(?:你们|一下|一催|催)?.{0,4}修|"
    r"(?:修|抢修)(?:得|的)?(?:快点|快些|抓紧|赶紧|麻利|利索)"
)


def urges_the_repair(text: str | None) -> bool:
    """Whether `text` urges the company to get its repair done and tells of no fault of the
    home's own beyond the cold (行 修好了赶紧的 别让老人挨冻, 那你们抓紧抢修啊): said after a stop
    was told, it is about that stop (the answer: sorry, and when heat is back), not a yes to
    booking a fitter, who cannot fix a main (a home repair was filed, 爆管 as a leak)."""
    canonical = to_canonical(str(text or ""))
    return _URGES.search(canonical) is not None and fault_type_of(canonical) in (None, "no_heat")


#: A bare chase (催一下, 帮我催催, 能给催一下吗), said of the resident's own latest ticket.
_BARE_CHASE = re.compile(
    r"^(?:那|那你|你|麻烦|帮我|给我|能不能|能|可以|再)?(?:帮忙|帮我|给|帮)?(?:再)?"
    r"催(?:一下|一催|催|下|促一下|办一下)?(?:他们|师傅|一下)?(?:吧|吗|呗|啊|呀|好吗|行吗)?$"
)


def chases_own_ticket(text: str | None) -> bool:
    """Whether `text` only asks to chase (催一下), naming no ticket and no fault: right after the
    resident's own ticket it is that ticket's chase; alone it read as "please rephrase" (players'
    findings 2, class A)."""
    words = re.sub(r"[\W_]+", "", to_canonical(str(text or "")))
    return _BARE_CHASE.match(words) is not None


#: The stop named by the resident as why it is cold (停暖也不提前通知, 又停热了, 爆管了).
_BLAMES_THE_STOP = re.compile(r"停暖|停热|停气|停供|停了暖|(?:把|给)暖气?停了|暖气停了|爆管|抢修")


def blames_the_stop(text: str | None) -> bool:
    """Whether `text` names the heating stop as why the home is cold (幸福里这边暖气一早就凉了，你们
    停暖也不提前通知一声？我要投诉): the resident knows the cause, and a home repair offered
    after the complaint (the fitter cannot fix a stop) is no second request of theirs."""
    return _BLAMES_THE_STOP.search(to_canonical(str(text or ""))) is not None


#: A request named by its own word, for a message that otherwise only gives details (申请报停
#: 户号… 手机尾号… 地址…): the classifier heard the numbers and read it as an answer.
_NAMED = (
    ("apply_stop_heating", re.compile(r"报停|申请停(暖|热|供)|办(理)?停(暖|热|供)")),
    ("request_temp_check", re.compile(r"测温|测(个|一下)?室温|量(一下)?(室温|温度)")),
    ("report_repair", re.compile(r"报修|保修|报个修")),
    ("bind_account", re.compile(r"(?<!解)绑定?(户号|账户|帐户|账号)")),
)


def named_request(text: str | None) -> str | None:
    """The one request `text` names by its word (报停, 测温, 报修, 绑定户号), None when it names
    none or several; a complaint is named too (`complains`)."""
    canonical = to_canonical(str(text or ""))
    found = [intent for intent, pattern in _NAMED if pattern.search(canonical)]
    if complains(canonical):
        found.append("file_complaint")
    return found[0] if len(found) == 1 else None


#: A word that starts another matter (另外问一声, 顺便问下, 还有): what comes before it was told
#: first, and is what the resident came for.
_SIDE_MATTER = re.compile(r"另外|顺便|顺带|还有(?![人没])|对了|再问|再就是|此外")
#: The resident's own home, where a fault told is theirs (俺家地暖不大热, 我屋里暖气片不热).
_OWN_HOME = re.compile(r"[我俺咱额]们?(?:家|屋|这|房)|家里|屋里|家的|我的(?:房|屋|家)")


def fault_beside_a_question(text: str | None) -> bool:
    """Whether `text` tells of a fault in the resident's home and then, as another matter,
    asks something (俺家地暖不大热 光脚踩着凉 另外问一声 今年暖气供到几月几号): the fault is
    what they came for, a repair, and the question is answered beside it. The classifier
    heard the question (and the floor-heating topic in the fault): only the dates were told.

    Not when the fault is itself asked about (地暖不热正常吗 另外…) or no visit is wanted."""
    canonical = to_canonical(str(text or ""))
    side = _SIDE_MATTER.search(canonical)
    if side is None or side.start() == 0:
        return False
    told, rest = canonical[: side.start()], canonical[side.start() :]
    if fault_type_of(told) is None or _OWN_HOME.search(told) is None:
        return False
    if _QUESTION_WORDS.search(told) or DECLINED_VISIT.search(canonical):
        return False
    return _QUESTION_WORDS.search(rest) is not None


#: Words that make a clause a question (the clause rules' own list is in bot.nlu.clauses, which
#: imports nothing from here; this one is the part a fault statement never has).
_QUESTION_WORDS = re.compile(
    r"[?？吗嘛么呢]|怎么|怎样|咋|如何|多少|多久|哪|什么|啥|谁|能不能|可不可以|是不是|有没有|"
    r"要不要|会不会|正常|几(?![十百千万])"
)


#: Wanting the heating stopped for one's home, by the word 报停 (想把今年的暖气报停, 要办报停,
#: 打算报停); 不想报停 / 要报停的话 / 要是报停了 (supposing) are not, nor 想问下…报停了… (the
#: wish is to ask: 想问下家里没人住 报停了 暖气管会不会冻裂 was offered a 报停 it had already made,
#: p3-085).
_WANTS_STOP = re.compile(
    r"(?<![不别])(?:想|要(?!是)|打算|准备|得|需要|申请)(?!问|了解|知道|咨询|打听|请教)"
    r"(?:把|给|将)?[^，,。.?？!！]{0,8}?(?:办理?)?报停"
    r"(?!的话|以后|之后|后|了吗|了没)"
)
#: A 报停 told as made already (我早就报停了, 已经报过停了, 之前就办了报停, 报停早办完了); not
#: 去年报停了, a season gone.
_STOP_MADE = re.compile(
    r"(?:早就|早已|早都|已经|早|之前就?|以前就?|前几天就?)"
    r"(?:已经)?(?:办|申请|办理)?(?:了|过)?(?:报停|报过停|报了停)|"
    r"报停(?:早|已经|都)?(?:办|申请)?(?:完|好|过)了"
)


def stop_already_made(text: str | None) -> bool:
    """Whether `text` says the resident's 报停 is made already (我早就报停了 不用登记): at the
    offer to file one it is a no, and nothing is offered again."""
    return _STOP_MADE.search(stop_word_fixed(to_canonical(str(text or "")))) is not None
#: Asking whether one may apply (暖气能报停吗, 现在还能办不, 可以报停不).
_MAY_STOP = re.compile(
    r"(?:能|可以|还能|能不能|可不可以|让)(?:办|申请|办理)?报停(?:吗|不|么|没|嘛)?|"
    r"报停(?:还)?(?:能|可以)(?:办|申请|办理)?(?:吗|不|么|嘛)|"
    r"(?:还能|能|可以)(?:办|申请|办理)(?:吗|不|么|嘛)"
)
#: The resident's own home or premises and why it needs no heat this winter.
_OWN_PREMISES = re.compile(
    r"[我俺咱]们?(?:家|的|是|这|那)|这套房|房子.{0,4}(?:空|没人|不住)|没人住|空着|不住|"
    r"回老家|去外地|出国|店不开|关店|去[^，,。 ]{0,6}(?:那|家)(?:儿|里|边)?住|"
    r"[我俺咱]们?(?:一家|全家)|回[^，,。 ]{1,4}过年|过年(?:要)?回|(?:开春|年后|明年)才?回来"
)


#: Which papers are asked about (委托书, 要带身份证吗, 哪些证件); papers offered (我可以把房产证
#: 拍照发过来) ask nothing.
PAPERS_ASKED = (
    r"委托书|(?:带|拿|要|需要)[^，,。？?！!]{0,6}(?:证件|身份证|户口本|房产证|房本)[^，,。？?！!]{0,2}"
    r"(?:吗|么|不|嘛|[?？])|(?:哪些|什么|啥)证件"
)
#: Asking how to apply (手续, 材料, 怎么办, 需要什么) or what someone applying for the resident
#: brings (让闺女替我去办报停 她得带我的身份证吗, 要写委托书吗): the knowledge base's answer says
#: how, and how to start it.
_ASKS_HOW_TO = re.compile(
    r"怎么|咋|如何|怎样|流程|手续|步骤|需要(?:写|开|提供|准备)?(?:什么|啥|哪些)|要(?:什么|啥|哪些)|材料|条件|"
    + PAPERS_ASKED
)


#: 报停 as typed by pinyin and voice input: 报挺, 报亭, 报庭, 抱停, 包停 (not 包停车).
_STOP_TYPO = re.compile(r"报[挺亭庭婷听]|[抱包]停(?!车|车位)")


def stop_word_fixed(canonical: str) -> str:
    """`canonical` with the typed-wrong spellings of 报停 put right (暖气能报挺吗): an input
    method offers the homophone first, and the application was answered with the season's
    dates. Done here, not in `bot.nlu.text`, because 报亭 is a real word elsewhere."""
    return _STOP_TYPO.sub("报停", canonical)


#: Not wanting the heating this winter, said without the word 报停 (今年不想供暖, 暖气不要了,
#: 不打算烧暖气了); not 不想要这么热 (too warm), nor a condition (不想供暖的话).
_DECLINES_HEATING = re.compile(
    r"(?:不想|不要|不用|不打算|不需要|不准备)(?:再)?(?:供暖|供热|采暖|用暖气?|要暖气|开暖气|"
    r"烧暖气|通暖气|暖气了)(?!的话|的人|的用户|的家)|暖气(?:不要|不用)了"
)


def wants_stop_heating(text: str | None) -> bool:
    """Whether `text` applies for a 报停 for the resident's own home, though it is put as a
    question (俺是房东 …这套房子现在空着 想把今年的暖气报停 …现在还能办不; 我是翠湖苑4号楼底商
    开服装店的 今年冬天店不开了要回老家 暖气能报停吗): the answer and the application, not only
    the rules.
    A question about 报停 in general (新房没装修可以报停吗, 报停了还要交钱吗), or about how to
    apply (报停得办啥手续啊), is not."""
    canonical = stop_word_fixed(to_canonical(str(text or "")))
    if _DECLINES_HEATING.search(canonical) and _OWN_PREMISES.search(canonical):
        # 我家今年不想供暖 交了的钱能退吗: a 报停 in other words (players' findings 2, class H:
        # it got the refund for rooms below the standard)
        return not changes_mind(canonical)
    if "报停" not in canonical or changes_mind(canonical) or _ASKS_HOW_TO.search(canonical):
        return False  # 报停得办啥手续啊: how to apply, the documents' answer (and 我要报停)
    own = _OWN_PREMISES.search(canonical) is not None
    if _WANTS_STOP.search(canonical) and (own or not is_question(canonical)):
        return True  # 什么时候之前要申请报停 asks the deadline, for anyone
    return own and _MAY_STOP.search(canonical) is not None


#: The sounds the noise answer sends a fitter for: knocking, banging, humming (咣当咣当, 哐哐,
#: 咚咚, 嗡嗡), not the gurgle of air (咕噜, 哗哗) or the click of heat (咔咔).
_KNOCKING = re.compile(r"咣|哐|框框|当当|铛|咚咚|砰|梆|敲|嗡嗡|嘭|duang", re.IGNORECASE)
#: Told as happening (every night, now) or as a trouble to the resident, not asked in general.
_GOING_ON = re.compile(
    r"一到|每天|天天|每晚|一晚上|整夜|半夜|晚上|夜里|一直|老是|总是|吵得|睡不着|受不了|这几天|最近"
)


def knocking_at_home(text: str | None) -> bool:
    """Whether `text` tells of a radiator knocking or humming in the resident's home, going on
    (额屋里暖气片一到黑咧就咣当咣当响 吵得额睡不着 这咋弄): the noise answer itself says such a
    sound needs a fitter (阀门或管道有问题，请回复“我要报修”), so the repair is started with it."""
    canonical = to_canonical(str(text or ""))
    if _KNOCKING.search(canonical) is None or fault_type_of(canonical) != "noise":
        return False
    return _OWN_HOME.search(canonical) is not None and _GOING_ON.search(canonical) is not None


#: Asking what else can be done (那我还能怎么查, 还有别的办法吗, 那咋办).
_ANOTHER_WAY = re.compile(
    r"还(能|可以|有)(怎么|咋|啥|什么|别的|其他|其它)|(别的|其他|其它)(办法|方法|方式|途径|法子|路子)|"
    r"^(那|那我|那俺|那咱)?(怎么办|咋办|咋整|怎么整|咋弄|怎么弄)|没(有)?(别的|其他)(办法|法子)|"
    r"(怎么|咋|怎样)(样)?才能(查|办|弄|验证|证明)"
)


def asks_for_another_way(text: str | None) -> bool:
    """Whether `text` asks what else the resident can do (那我还能怎么查, 还有别的办法吗, 那咋办):
    said where the bot asks for something they cannot give, the answer is the other ways."""
    return _ANOTHER_WAY.search(to_canonical(str(text or "")).strip()) is not None


#: 那金色家园呢 / 还有和平里怎么样: a place named first and asked about "and there?".
_AND_THERE = re.compile(r"^\s*(?:那|那么|还有)\s*(\S{2,12}?)\s*(?:呢|咋样|怎么样)")


def and_there_place(text: str | None) -> str | None:
    """The words of the place a message opens by asking "and there?" about (那金色家园呢 我妈
    住那边 她说屋里不热 → 金色家园), None when it does not open so."""
    opening = _AND_THERE.match(to_canonical(str(text or "")))
    return opening.group(1) if opening else None


#: Asking to be looked up by something other than the 户号 (你按地址查一下不就行了,
#: 用手机号查不行吗, 报门牌能查吗).
_BY_OTHER_THAN_ACCOUNT = re.compile(
    r"(?:按|用|凭|拿|根据|通过|报)(?:我家的?|我的|俺家的?)?"
    r"(?:地址|住址|门牌号?|房号|手机号?码?|电话号?码?|名字|姓名|身份证号?)"
    r"[^，,。？?!！]{0,4}(?:查|找|核|搜)"
)


def asks_lookup_by_address(text: str | None) -> bool:
    """Whether `text` asks to be looked up by the address, phone or name instead of the 户号
    (你按地址查一下不就行了): at the 户号 question the answer is why not (the account's data is
    shown only to whom proves it) and the other ways, not the service halls' list the classifier
    heard in 地址 (players' p3-013)."""
    return _BY_OTHER_THAN_ACCOUNT.search(to_canonical(str(text or ""))) is not None
