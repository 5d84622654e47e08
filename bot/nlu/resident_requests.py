"""Requests residents make in words the classifier reads as something else (pure text rules).

Each rule names one class of message, read from the conversations of two writers the team had
never seen (issue 16, heldout_ice_e/f), and is applied by `bot.nlu.guard.IntentCorrections`
only from the intents that class was mistaken for:

- **the heat meter checked** (`wants_meter_checked`): a meter that is wrong (黑屏, 不显示, 走得特别
  快, 读数翻了一倍, 是不是表坏了) or a visit to read or check it (上门抄一下热表读数, 派人来核对一下
  表): a 查表 (CB) request. Read as a metering question, a query of the readings or something
  outside the service, it got the tariff, verification for the readings, or "not our business".
  A question about money or what to do (会不会多收我钱, 坏了怎么办, 谁负责) stays a question;
- **the readings shown** (`wants_readings_shown`): 查下热表读数 / 我是想让你告诉我读数 不是我报给你
  asks to be told the company's readings: a 查表 query, not a reading to report (players'
  findings 3, p3-047, where the meter form asked for the number in a loop);
- **a 报停 wanted** (`wants_stop_heating`): 想报停 / 要报停, or may I 报停 with a reason of
  one's own (我…饺子馆 冬天不开了 要重新装修): the application, the question beside it answered by
  its form. Read as the 报停 rules (deadline, base fee) it filed nothing; read as a meter reading
  or a fee query (我想报停 … 金色家园8号楼2单元502 电话133…) the 户号 was asked in a loop, and
  我是要报停 不是查费, read as a no, did not end it (players' findings 3, p3-099);
- **a named request taken back** (`cancels_named_request`): 能把刚才那个报停撤了吗 is a
  cancellation even when a notice is mentioned in the same breath (刚接到通知 出差取消了), which
  had made it an opt-out from notices;
- **a fitter asked for** (`asks_for_a_visit`): 那就是我家有毛病了，给我派个师傅来看看 is a repair,
  not a ticket query, when it refers to no ticket;
- **the hotline asked for** (`asks_for_the_number`): 你们有没有人工电话 存一个 wants the number,
  not a call-back;
- **a request reminded of** (`request_reminded`): 我刚说了要报修的呀 你怎么不管了, 不是说了要测温
  吗 — a request the resident made earlier and the bot dropped, named again with a reproach: that
  request, started now (player findings 4, p4-032: read as a question, it got topic buttons).
  报修 named as wanted beside a question (`wants_repair_named`: 我想报修 顺便问一下营业厅…) is the
  repair the hall answer starts;
- **a fault among several matters** (`states_a_fault`): 一个是我家书房暖气不热 二是想问问营业厅在哪
  — the clause that states a fault at home, in a message that lists matters, is a repair request
  beside the questions.
"""

from __future__ import annotations

import re

from bot.nlu.faults import fault_type_of
from bot.nlu.numbers import to_canonical
from bot.nlu.requests import PAPERS_ASKED

__all__ = [
    "asks_for_a_visit",
    "asks_for_the_number",
    "cancels_named_request",
    "request_instead",
    "request_reminded",
    "states_a_fault",
    "wants_meter_checked",
    "wants_readings_shown",
    "wants_repair_named",
    "wants_stop_heating",
]


def _canonical(text: str | None) -> str:
    return to_canonical(str(text or ""))


# ---- the heat meter ------------------------------------------------------------------------

#: The heat meter by name, or 表 with a word of reading it (表的读数, 抄表, 表上显示).
_METER = re.compile(
    r"热量表|热表|计量表|热计量表|表计|表盘|抄表|"
    r"(?:核对|核查|核实|检查|校验|看看|查查|抄)(?:一下)?(?:这个|那个|我家|家里|俺家)?(?:的)?表(?!示|扬|格|彰|达|态|演)|"
    r"(?<![代发列图手电水钟仪])表(?=(?:上|的)?(?:读数|数|显示|屏|坏|有问题|有毛病|不准|不对|走|转|跳))|"
    r"(?:这个|那个|我家|家里|俺家|的)表(?!示|扬|格|彰|达|态|演)"
)
#: The meter misbehaving, or its numbers doubted.
_METER_WRONG = re.compile(
    r"黑屏|屏(?:幕)?(?:黑|不亮|坏|花)|不显示|没(?:有)?显示|显示(?:不了|乱码|错)|乱码|不亮|没反应|"
    r"坏(?:了|掉)|故障|有问题|有毛病|出问题|不准|不对|不走|不转|停了|"
    r"走得?(?:特别|太|很|贼|忒|老)?快|转得?(?:特别|太|很)?快|跳得?(?:特别|太|很)?快|"
    r"翻(?:了)?(?:一)?倍|多了(?:一|1)倍|(?:读数|数|度数|用量)(?:也)?太(?:高|大|多)|"
    r"(?:读数|数|度数|用量)(?:不对|异常|有误|偏高|离谱)|高得离谱|异议"
)
#: Someone asked to come, read or check it.
_METER_VISIT = re.compile(
    r"派.{0,4}人|来人|上门|过来|来.{0,3}(?:抄|看|查|核|读|检|瞧)|"
    r"抄(?:一下|一次|个)(?:热表|表|读数|度数)|(?:核对|核查|核实|校验|校准|检测|检查)(?:一下)?"
)
#: A question about money, blame or what to do: the knowledge base's, not a visit.
_METER_QUESTION = re.compile(
    r"多收|收(?:我)?钱|要钱|花钱|收不收|(?:要|会)收费|怎么收|谁(?:负责|出|管|承担|来修|来换)|"
    r"怎么(?:办|算|看)|咋(?:办|算|看)|如何|什么意思|啥意思|会让|会导致|是因为|正常(?:吗|不)|为什么|为啥"
)
#: A reading asked to be checked (派人来核对一下读数) is the meter's, not a thermometer's.
_READING = re.compile(r"读数|度数|抄的数")
_ROOM = re.compile(r"温度|室温|温度计|体温")


def wants_meter_checked(text: str | None) -> bool:
    """Whether `text` asks for the heat meter to be checked or read: it names the meter and
    either says it is wrong (黑屏, 走得特别快, 翻了一倍, 是不是表坏了) or asks for someone to read
    or check it (上门抄一下热表读数, 派人来核对一下表); not a question about money, blame or what to
    do unless a visit is asked too (这个表坏了会不会多收我钱 stays a question)."""
    canonical = _canonical(text)
    reading = _READING.search(canonical) is not None and _ROOM.search(canonical) is None
    if not _METER.search(canonical) and not reading:
        return False
    if _METER_VISIT.search(canonical):
        return True
    return bool(_METER_WRONG.search(canonical)) and not _METER_QUESTION.search(canonical)


#: The resident's own report of a reading, said as what they do NOT mean (不是我报给你): left out
#: before the words of reporting are looked for.
_NOT_REPORTING = re.compile(
    r"(?:不是|不用|不要|没说|又不是|并不是)(?:我|让我|要我)?(?:要)?(?:来)?(?:上)?报"
)
#: Reporting a reading or asking how to (报读数, 我报给你, 怎么报, 拍照发给你).
_REPORTING = re.compile(r"报|提交|拍(?:了|个|张)?照|发(?:给)?你|我(?:自己)?(?:抄|读)的")
#: Asking to be told or shown the company's readings (查下热表读数, 告诉我读数, 读数是多少).
_SHOW_ME = re.compile(
    r"查|看(?:一?下|看)|告诉我|给我(?:说|讲|看|念|发)|发我|念(?:一?下|给)|"
    r"是多少|多少了|有多少|走了多少|(?:几|多少)(?:度|个字|千瓦时|吉焦)|显示(?:的)?(?:是)?多少"
)


def wants_readings_shown(text: str | None) -> bool:
    """Whether `text` asks to be told the heat meter's readings and gives none (查下热表读数,
    我是想让你告诉我读数 不是我报给你, 表上现在走了多少): read as a reading to report, the meter
    form asked for the number the resident wanted to hear, every time (p3-047). Reporting one,
    or asking how to (怎么报读数, 我拍照发给你), or doubting it (读数不对), is not this."""
    canonical = _canonical(text)
    if not (_READING.search(canonical) or _METER.search(canonical)) or _ROOM.search(canonical):
        return False
    if _METER_WRONG.search(canonical):
        return False  # 读数不对 你们查一下: a meter to check (`wants_meter_checked`)
    wanted = _NOT_REPORTING.sub("", canonical)
    return bool(_SHOW_ME.search(wanted)) and not _REPORTING.search(wanted)


# ---- 报停 ---------------------------------------------------------------------------------

_STOP = r"(?:报停|申请停(?:暖|热|供)|办(?:理)?停(?:暖|热|供)|停(?:暖|热|供)申请)"
#: 想报停 / 要报停 / 打算报停 / 给我办报停: the wish itself.
_STOP_WISH = re.compile(
    r"(?:(?<![需不否没别])(?<!不是)(?:想|要|打算|准备)|(?<![别不没甭])(?:给我|帮我)|麻烦|^(?:我|俺)?(?:要|想)?申请|(?:我|俺)申请)"
    r"(?:给我|帮我)?(?:办|办理|申请|把暖气)?" + _STOP + r"(?!结果|的话|以后|之后|后|的时候|前|之前)"
)
#: May I 报停? (能报停不, 可以报停吗, 还能报停吗).
_STOP_MAY = re.compile(r"(?:能|可以|可不可以|能不能|还能|还可以)(?:办|申请)?" + _STOP)
#: A reason of one's own for not needing heat this winter.
_NO_ONE_HOME = re.compile(
    r"不住|没人住|不在家|不开(?:了|门)|歇业|停业|关门|空着|装修|出国|出差|去外地|回老家|"
    r"去.{1,8}住|到.{1,8}住|搬走|不用(?:暖气|供暖)?了"
)
#: Asking only how, what to bring or where: the knowledge base (the documents topic) answers it.
_ONLY_ASKING = re.compile(
    r"想问问|问一下|问下|咨询|打听|怎么(?:办|申请|弄)|流程|手续|材料|需要(?:什么|啥)|准备(?:什么|啥)|"
    r"带(?:什么|啥|哪些)|上哪|去哪|哪里办|在哪办|什么时候|啥时候|几号|哪天|截止|多久|多长时间|"
    + PAPERS_ASKED
)
#: The writer speaking of their own home or premises.
_FIRST_PERSON = re.compile(r"我|俺|咱")


def wants_stop_heating(text: str | None) -> bool:
    """Whether `text` asks for a 报停 of the writer's home: says so (今年冬天去深圳住 这边暖气想报停
    现在还能报停吗), or asks whether it may with a reason of its own (商铺能报停不？饺子馆冬天不开
    了). 我想问问报停怎么办 only asks how (the documents topic answers it)."""
    canonical = _canonical(text)
    if _ONLY_ASKING.search(canonical):
        return False
    if _STOP_WISH.search(canonical):
        return True
    return bool(
        _STOP_MAY.search(canonical)
        and _NO_ONE_HOME.search(canonical)
        and _FIRST_PERSON.search(canonical)
    )


# ---- a request taken back ----------------------------------------------------------------

_KIND = r"(?:报停|报修|测温|投诉|工单|单子|预约|申请|登记)"
_TAKE_BACK = r"(?:撤(?:了|销|回|掉)?|取消(?:掉|了)?|退(?:了|掉)|不要了|不用了|作废)"
_CANCELS = re.compile(
    _KIND + r"(?:的|给我|帮我)?.{0,2}" + _TAKE_BACK + "|" + _TAKE_BACK + r".{0,6}" + _KIND
)
#: Something the company sends named right after the request (报停的通知别发了): an opt-out.
_NOTICE_AFTER = re.compile(_KIND + r"(?:的)?(?:通知|短信|消息|提醒|推送)")


def cancels_named_request(text: str | None) -> bool:
    """Whether `text` takes back a request it names (能把刚才那个报停撤了吗, 取消报修, 测温的单子
    撤了吧), whatever else it says; not an opt-out from that request's notices."""
    canonical = _canonical(text)
    return bool(_CANCELS.search(canonical)) and not _NOTICE_AFTER.search(canonical)


# ---- a fitter, not a ticket ----------------------------------------------------------------

_VISIT = re.compile(
    r"派.{0,4}(?:人|师傅)|(?:来|过来).{0,2}(?:看看|修|瞧瞧|检查|瞅瞅|看一下|看一眼|瞅一眼)|上门|报个修|"
    r"(?:来|跑)一趟|安排.{0,3}(?:人|师傅)(?:来|过来|上门)"
)
#: Words that refer to a ticket or a visit already arranged.
_TICKET_REFERRED = re.compile(
    r"工单|单号|单子|进度|报修的|报的修|之前|刚才报|已经|上次|啥时候|什么时候|几点|多久|"
    r"还没|怎么还|到哪|结果|处理|[A-Za-z]{2}\d{6,}"
)


def asks_for_a_visit(text: str | None) -> bool:
    """Whether `text` asks for someone to come (给我派个师傅来看看) and refers to no ticket or
    visit already arranged (我报修的师傅啥时候来 asks after one)."""
    canonical = _canonical(text)
    return bool(_VISIT.search(canonical)) and not _TICKET_REFERRED.search(canonical)


# ---- the number --------------------------------------------------------------------------

_NUMBER_ASKED = re.compile(
    r"(?:电话|号码|热线|联系方式)(?:是|号)?(?:多少|几号|啥|什么)|"
    r"有没有.{0,6}(?:电话|号码|热线)|有.{0,6}(?:电话|号码|热线)(?:吗|没|不)|"
    r"(?:给|告诉|发)(?:我|俺)?.{0,4}(?:电话|号码|热线)|存(?:一)?个|记(?:一)?下"
)
#: Asking to be called or put through: a hand-off after all.
_CALL_ME = re.compile(
    r"打给我|给我打|回(?:个)?电|联系我|打过来|转(?:人工|接|热线|坐席|客服)?|接人工|找(?:个)?人|跟人说"
)


def asks_for_the_number(text: str | None) -> bool:
    """Whether `text` asks for the company's phone number (你们有没有人工电话 存一个, 客服电话多少),
    not to be called back or put through."""
    canonical = _canonical(text)
    return bool(_NUMBER_ASKED.search(canonical)) and not _CALL_ME.search(canonical)


# ---- a fault among several matters ---------------------------------------------------------

#: A clause that asks something: it is a question about the fault, not its report.
_ASKS = re.compile(r"[?？吗呢]|怎么|咋|为啥|为什么|是不是|能不能|会不会|多少|哪")
#: Several matters announced or listed (有两个事, 一个是…二是…, 第一…第二, 另外, 还有).
_SEVERAL_MATTERS = re.compile(
    r"[两几俩2]个?(?:事|件事|问题)|(?:一|1)个?是|(?:一|1)是|二是|第(?:一|二|1|2)|其(?:一|二)|"
    r"另外|还有(?:个|一个|就是)?|顺便|再一个|再就是"
)


def states_a_fault(clause: str | None, message: str | None) -> bool:
    """Whether a clause states a fault at home and asks nothing (1个是我家书房暖气不热) in a
    message that lists several matters (一个是…二是…, 另外): beside the questions, it is the
    repair the resident came for. A fault told to ask how to fix it oneself (暖气片上边儿有点凉
    听人说得放放气 这气怎么放啊) lists nothing: the question is about the fault."""
    canonical = _canonical(clause)
    return (
        fault_type_of(canonical) is not None
        and not _ASKS.search(canonical)
        and _SEVERAL_MATTERS.search(_canonical(message)) is not None
    )


# ---- the correction ------------------------------------------------------------------------

#: Intents a meter-check request was read as (a complaint about the meter reader stays one).
METER_LOOKALIKES = frozenset(
    {
        "query_meter",
        "report_meter_reading",
        "faq",
        "out_of_scope",
        "report_repair",
        "query_fee",
        "inform",
        "nlu_fallback",
    }
)
#: Intents a wish to see the readings was read as: a reading to report (no number in it).
READINGS_LOOKALIKES = frozenset({"report_meter_reading", "inform", "nlu_fallback"})
#: Intents a 报停 wanted was read as.
STOP_LOOKALIKES = frozenset(
    {
        "faq",
        "out_of_scope",
        "report_repair",
        "inform",
        "nlu_fallback",
        # 我想报停 … 金色家园8号楼2单元502 电话133…: read as a reading or a bill, the 户号 was
        # asked in a loop (p3-099)
        "report_meter_reading",
        "query_meter",
        "query_fee",
    }
)
#: Intents a 报停 said against another reading is mistaken for (我是要报停 不是查费).
STOP_INSTEAD_LOOKALIKES = frozenset({"deny", "correct_info"})
#: Another request named as not the one meant (不是查费, 不是要报修).
_NOT_ANOTHER = re.compile(r"不是(?:要|想|让你|让你们)?(?:查|交|缴|问|报修|修|投诉|测温|抄|报读数)")
#: The knowledge-base topic of the company's phone numbers.
HOTLINE_TOPIC = "faq/hotline"

# ---- a request put right: this one, not that one ------------------------------------------

#: Intents a request said against the bot's reading is mistaken for (我是要查工单 不是查钱).
INSTEAD_LOOKALIKES = frozenset({"deny", "correct_info", "query_fee"})
#: The requests such a message may name, by their words (the ticket lookup first: 查工单 holds no
#: 查费, but 查单子 must not be read as the bill).
_MEANT_REQUESTS: tuple[tuple[str, str], ...] = (
    ("query_ticket", r"(查|看|问)[^，。,.!！?？\s]{0,6}(工单|单子|进度|报修单|投诉单)|工单"),
    ("report_repair", r"报修|报个修|修暖气|派(个)?(人|师傅)"),
    ("request_temp_check", r"测温|测室温|量温度"),
    ("file_complaint", r"投诉"),
    ("query_fee", r"查(暖气|采暖)?费|查钱|交了没|欠(费|多少)"),
    ("apply_stop_heating", r"报停"),
)
#: Saying the reading was wrong without naming it (不是这个意思, 你理解错了).
_NOT_THAT_MEANING = re.compile(r"不是(?:这|那)(?:个)?意思|(?:理解|听|看)错了|搞错了")
#: A request declined in its own words (别给我报停了, 不用报修): none meant.
_DENIED_BEFORE = re.compile(r"别|不|甭|没|算了")
#: The part that says what is not meant: 不是查钱, 不是要报修 (up to the next pause).
_NOT_MEANT = re.compile(r"(?:不是|又不是|并不是|没说|没要)(?:要|想|让你|让你们)?[^，。,.!！?？\s]*")


def request_instead(text: str | None) -> str | None:
    """The request a message puts in place of the bot's reading (我是要查工单 不是查钱, 不是查费
    是查我报的那个单子, 我要报修 不是投诉): the one it names once the part it denies is taken out;
    None when it denies nothing or names no request besides (player findings 5, p5-066: read as
    a no, it got "好的。还有什么可以帮您？")."""
    canonical = _canonical(text)
    if not (_NOT_ANOTHER.search(canonical) or _NOT_THAT_MEANING.search(canonical)):
        return None
    meant = _NOT_MEANT.sub(" ", canonical)
    for intent, words in _MEANT_REQUESTS:
        found = re.search(words, meant)
        if found and not _DENIED_BEFORE.search(meant[max(0, found.start() - 4) : found.start()]):
            return intent
    return None


# ---- a request reminded of ----------------------------------------------------------------

#: The requests a reminder may name, and the words that name each (the first that matches wins).
_REMINDED = (
    ("request_temp_check", r"测温|测室温|量温度|量室温"),
    ("apply_stop_heating", r"报停"),
    ("file_complaint", r"投诉"),
    ("query_fee", r"查(暖气|采暖)?费|交了没|欠费"),
    ("report_repair", r"报修|报个修|修暖气|修一下|派(个)?(人|师傅)|上门修"),
)
_REQUEST_WORDS = "|".join(words for _, words in _REMINDED)
#: Said before and dropped: 刚说了要…, 不是说了…吗, 早就说过…, …的事你还没管, …呢 你怎么不管了.
_REMINDER = re.compile(
    r"(刚|刚才|刚刚|已经|早就|之前|前面|不是|明明|都)[^，。,.!！?？]{0,3}(说|讲|提|告诉你)(了|过)"
    rf"[^，。,.!！?？]{{0,6}}({_REQUEST_WORDS})|"
    rf"({_REQUEST_WORDS})的事[^，。,.!！?？]{{0,4}}(呢|没管|不管|还没|忘了)|"
    rf"({_REQUEST_WORDS})[^，。,.!！?？]{{0,6}}(怎么|咋|为啥)(不管|没管|没人管|忘了|没下文)"
)
#: Intents a reminder was read as (a ticket query keeps its own: 刚才报修的单子呢 asks after it).
REMINDER_LOOKALIKES = frozenset(
    {"faq", "out_of_scope", "nlu_fallback", "inform", "deny", "goodbye", "bot_challenge"}
)
#: 报修 named as wanted: 我想报修, 要报个修, 帮我报修 (not 不用报修, 报修电话多少).
_REPAIR_WANTED = re.compile(r"(想|要|需要|帮我|给我|得)(报修|报个修|修暖气)|报修一下|我报修")
_NOT_ASKED = re.compile(r"不用|不要|别|不想|不需要|没要|没说")
_REPAIR_NOT_WANTED = re.compile(r"(不|没|别|不用|不想|不是)(要|想|用)?(报修|报个修|修暖气)")


def request_reminded(text: str | None) -> str | None:
    """The request a message reminds the bot of (我刚说了要报修的呀 你怎么不管了 → report_repair),
    said before and dropped; None when it reminds of none."""
    canonical = _canonical(text)
    found = _REMINDER.search(canonical)
    if found is None:
        return None
    named = found.group(0)
    if _NOT_ASKED.search(named):
        return None  # 不是说了不用报修吗: a request declined, not reminded of
    return next((intent for intent, words in _REMINDED if re.search(words, named)), None)


def wants_repair_named(text: str | None) -> bool:
    """Whether `text` asks for a repair by name (我想报修 顺便问一下…), not denying it."""
    canonical = _canonical(text)
    return _REPAIR_WANTED.search(canonical) is not None and not _REPAIR_NOT_WANTED.search(
        canonical
    )


def resident_request(intent: str | None, text: str | None, topic: str | None) -> str | None:
    """The intent a message of one of this module's classes means, given the classifier's
    `intent` and its best knowledge-base `topic`; None when it means what was read. A message
    that gives a meter reading (读数17120) is left to `reports_reading` (the caller's)."""
    if intent in METER_LOOKALIKES and wants_meter_checked(text):
        return "report_meter_problem"
    if intent in READINGS_LOOKALIKES and wants_readings_shown(text):
        return "query_meter"
    if intent in STOP_LOOKALIKES and wants_stop_heating(text):
        return "apply_stop_heating"
    if (
        intent in STOP_INSTEAD_LOOKALIKES
        and wants_stop_heating(text)
        and _NOT_ANOTHER.search(_canonical(text))
    ):
        return "apply_stop_heating"  # 我是要报停 不是查费: the 报停, not a no
    if intent in INSTEAD_LOOKALIKES and (instead := request_instead(text)) and instead != intent:
        return instead  # 我是要查工单 不是查钱: the ticket lookup, not a no
    if intent == "query_ticket" and asks_for_a_visit(text):
        return "report_repair"
    if intent in REMINDER_LOOKALIKES and (reminded := request_reminded(text)):
        return reminded  # 我刚说了要报修的呀 你怎么不管了: that request, now
    if intent == "request_human" and topic == HOTLINE_TOPIC and asks_for_the_number(text):
        return "faq"
    return None
