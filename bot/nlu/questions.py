"""Whether a message asks a general question (how, whether, who, where to) rather than for a task.

Residents ask the knowledge base with a task's words: 户号咋查 sounds like a fee query, 营业厅办事
要带户口本不 like the service-hall search, 暖气一直哗哗响 正常吗 like a repair, 还能往哪投诉 like
a complaint. The intent classifier hears the words and starts the task; the resident wanted to
know something. `IntentCorrections` (bot.nlu.guard) moves such a message to the knowledge base
when this module says it asks a general question and the topic model is sure of the topic.

A general question here is one that asks

* how something is done or found (怎么放气, 户号咋查, 咋调), or what it takes (要带什么, 什么手续);
* whether something is normal, allowed or needed (正常吗, 能自己放气吗, 要带户口本不, 用不用除垢);
* who is responsible or pays (物业管还是热力管, 损失谁承担, 找谁);
* where to go (往哪投诉, 去哪反映, 在哪看);
* why the heating makes a sound, whether the sound means a fault or needs a repair
  (咔咔响是咋回事, 当当响是出毛病了吗, 嗡嗡响有事没, 嗡嗡的 需要报修吗): the noise topic says which
  sounds are harmless and which need a repair. Only sounds: why a radiator is cold (暖气拔凉的
  咋回事) is a repair, however it is asked;
* whether it costs and who pays (换阀门是免费的还是收材料费, 放气要钱不), what a rule says of time
  (提前多久通知, 一般多久到账), which setting does what, a phone number (值班电话多少);
* of a fee query: the price per square metre or for an area (每平多少钱, 我家89平得交多少), and
  why a payment or bill looks as it does (交了钱怎么还显示欠费), naming no fault and no amount.

A question may end a clause with more said after it (我自己能放放气吗？就怕弄一地水); a visit
told as past (来人测温也没到数儿) asks for none.

and does not ask the company to act for this resident or this account now: a request (帮我, 给我,
我要, 派人, 来人, 上门, 快, 申请, 预约, 转人工, 查一下), a status question (交了吗, 恢复了没,
到哪了, 进度), a number or ticket given (an account, a phone, a ticket number) or a complaint
about being kept waiting (怎么还不来, 咋又停了) keeps its task. "How do I do <a task the bot
does>" (怎么报修, 测温怎么预约, 怎么绑定户号) is a request too: the bot does it, rather than
explaining it, and the request words above catch the common forms.
"""

from __future__ import annotations

import re

from bot.nlu.faults import fault_type_of, is_urgent
from bot.nlu.numbers import to_canonical
from bot.nlu.requests import NOTICE_RULE_ASKED

__all__ = ["asks_general_question", "names_other_matter"]


def _either(*patterns: str) -> re.Pattern[str]:
    """One pattern matching any of `patterns` (each a readable line below)."""
    return re.compile("|".join(f"(?:{pattern})" for pattern in patterns))


#: The number or the key that reaches a person, asked for (打哪个号码能找到人工, 按几转人工): the
#: 人工 in it is what the resident wants to reach, not a hand-off asked for now.
_NUMBER_ASKED = r"(打|拨)(哪个|什么|啥|几)(号|电话)|(哪个|什么|啥)(号码|电话)|(按|拨)(几|哪个键?)"
#: A fault or a stop guessed at after 是不是 (是不是就堵了, 是不是停暖了): it tells a fault or asks
#: about a stop.
_FAULT_GUESSED = "(坏|堵|漏|毛病|问题|故障|空气|停|检修|抢修|欠费)"
#: Whether something affects the heating or the resident (暖气罩影响散热吗, 没签合同有影响吗):
#: asked of a stop (停热影响哪些楼, 抢修影响我们小区不) it is the outage's, and 你们这影响我做生意
#: 知道吗 complains.
_EFFECT_ASKED = re.compile(r"(?<!你们)(?<!这)影响[^，,。？?！!哪]{0,6}(?<!知道)(吗|不|么|嘛)")
_STOP_NAMED = re.compile("停|检修|抢修|爆管|管网|施工|维修")
#: Someone else asked to act for the resident (让我妈帮我办报停, 托邻居替我交): no request to the
#: company, whatever 帮我 says.
_THIRD_PARTY = re.compile(
    r"(让|叫|托|请|找|求)(我|俺)?(家)?(妈|爸|母亲|父亲|老人|家人|亲戚|朋友|邻居|孩子|儿子|闺女|女儿|老伴|"
    r"老公|老婆|媳妇|爱人|对象|哥|姐|弟|妹|孙子|孙女|外孙|别人|房东|租客|同事)[^，,。？?！!\s]{0,2}?"
    r"(帮|替|代)(我|俺|咱)?"
)
#: A time when the halls are closed, and whether anyone handles the heating then (周末营业厅不开门
#: 暖气出毛病有人管吗, 过年放假 暖气坏了有人值班不): the night and holiday topic, not the halls'
#: opening hours, though 周末 is named.
_OFF_HOURS = (
    "(周末|周六|周日|星期[六天日]|礼拜[六天日]|双休|夜里|夜间|晚上|半夜|深夜|凌晨|节假日|假期|放假|过年|"
    "春节|国庆|元旦|下班)"
)
_ON_DUTY_OFF_HOURS = re.compile(
    _OFF_HOURS + r"[^。？?！!]{0,24}(?<!还)有(没有)?人(管|值班|负责|处理|接)(吗|么|嘛|不|没|[?？])"
)
#: A question particle; 不 only where the clause ends (收费不给开票 says, 要钱不 asks).
_ASKS = r"(吗|么|嘛|呢|不(?![\u4e00-\u9fff]))"

#: What becomes of money paid over, asked as a choice (是退给我还是顶明年的, 能转到下一季还是只能
#: 退): 退给我 in it asks nothing of the company now.
WHERE_MONEY_GOES = re.compile(
    r"(退|返|还)(给|回)?(我|俺|咱)?(们)?[^，,。？?！!]{0,4}还是[^，,。？?！!]{0,8}(抵|顶|转|留|充|算|存)|"
    r"(抵|顶|转|留|充|存)[^，,。？?！!]{0,8}还是[^，,。？?！!]{0,4}(退|返)"
)

#: A flat's position that makes it colder (顶层, 边户, 山墙), and why it is colder than others'.
_FLAT_POSITION = "(顶层|顶楼|边户|边单元|山墙|把边|最边上|端头|一楼|底层)"
_COLDER_ASKED = (
    "(为啥|为什么|凭啥|凭什么|凭嘛|咋|怎么)[^，,。？?！!]{0,10}比[^，,。？?！!]{0,8}(冷|凉|低)"
)

_GENERAL = _either(
    # how something is done or found, what it takes
    r"(怎么|咋|如何|怎样)(个|样)?(申请)?(弄|办|整|调|放|处理|查|找|看|算|收|知道|判断|确认|解决|用|防|关|开|改|测|"
    r"量|辨别|分辨|识别|核实|修改|更改|变更|退|要回|拿回)(?!了)",
    r"有(啥|什么)(办法|讲究|要求|条件)",
    # which ways or what means there are (不用跑腿的交法有哪几种, 嘛法子能弄凉快点, 都有啥渠道)
    r"(哪几种|哪些|哪种|什么|啥|嘛)(方式|办法|法子|方法|渠道|途径|路子|招儿?|[交缴付]法)|"
    r"([交缴付]法|办法|法子|方式|渠道|途径)[^，,。？?！!]{0,3}有(哪|几)",
    r"(带|准备|拿|需要)(写|开|出|交|提供|填)?(些)?(什么|啥|哪些)|要带|什么手续|哪些(材料|证件|手续)",
    # whether something is normal, allowed or needed
    r"正常.{0,2}(吗|不|么|嘛|没|啊|呢)|是不是(正常|晚上|夜里|白天|半夜|统一|规定|都这样)",
    r"能不能|可不可以|可以不|能否|是否|要不要(?!紧)|用不用|需不需要|该不该|允不允许|算不算|会不会",
    # ... asked in Cantonese (暖气片使唔使定期洗, 要唔要放气)
    r"(使|要|用|需|得|可|能|会|系|洗|换)唔(使|要|用|需|得|可|能|会|系|洗|换)",
    r"(能|可以|要|需要|用|得|该|应该|允许|会|算|归).{0,14}(吗|不|么|嘛)[?？!！。，,~\s]*$",
    # who is responsible or pays
    r"谁(管|负责|出|承担|交|赔|修|来管)|归谁|找谁|哪个部门|哪(个|家)单位",
    r"还是.{1,6}(管|负责|出钱|交|赔)",
    # where to go
    r"(哪|哪里|哪儿|什么地方|啥地方|哪个地方)(能|可以)?(投诉|反映|告(?!诉)|起诉|告状|办|查|看|找|问|申请|领|签|买|要|开|"
    r"打印|下载|拿|取|发|公布)",
    # ... or where else a grievance goes once the hotline did not help (还有没有别的地方能反映)
    r"(有|哪些|哪个|什么)(别的|其他|其它|上级|上一级)(地方|部门|渠道|途径|单位)[^，,。？?！!]{0,3}(能|可以)?"
    r"(投诉|反映|告|举报)",
    # where a part of the heating sits (放气的小阀门在哪个位置, 分水器一般装在哪)
    r"(阀|阀门|放气|排气|开关|分水器|集水器|温控|热表|热量表|过滤器|滤网)[^，,。？?！!]{0,6}"
    r"(在|装在|安在|位于)(哪|什么位置|啥位置|什么地方|啥地方)",
    # what becomes of money paid over (是退给我还是顶明年的, 多交的能转到下一季还是只能退)
    WHERE_MONEY_GOES.pattern,
    # why a top-floor or end flat is colder than others (边户…凭嘛我们家就比别人家冷): the
    # flat's position is what the question is about, not a radiator to repair
    _FLAT_POSITION + r".*" + _COLDER_ASKED + "|" + _COLDER_ASKED + r".*" + _FLAT_POSITION,
    # whether it costs, and who pays (换阀门是免费的还是收材料费, 放气要钱不, 材料费谁出)
    r"免费(" + _ASKS + r"|的吗|的还是|还是)|收不收|(收|要|花|掏)(不要)?(钱|费)" + _ASKS,
    r"要不要钱|(得|要|用)(我|俺)?(自己)?(掏|出|付)(钱)?" + _ASKS + "|"
    r"(材料|人工|上门|维修)费.{0,6}(" + _ASKS + r"|谁|多少|怎么|咋)",
    # what a rule says of time: how early, how late, how long it usually takes
    r"(提前|最晚|最迟|一般|通常|正常|按规定|规定)[^，,。？?！!\s]{0,6}(多久|多长时间|几天|几个?小时|多少天|几个?工作日)",
    # which setting does what (温控阀哪一档最热), how far to open or turn something (开多大合适,
    # 拧几圈好)
    r"哪(个|种|档|一档|一个)[^，,。？?！!]{0,8}(最|更|比较|合适)",
    r"(多大|多小|几圈|几成|几档|多少度|多少)[^，,。？?！!]{0,3}(合适|合理|为宜|最好|比较好|正好)",
    # whether one thing is enough (带个身份证就够了吧, 光拿房本就行吗)
    r"(就|只|光)[^，,。？?！!]{0,8}(够|行|可以|成)(了)?(吧|吗|么|嘛|不|没)",
    # whether anyone handles the heating off hours (周末营业厅不开门 暖气出毛病有人管吗): the
    # hours are the premise; 还有没有人管 complains (`_REQUEST`)
    _ON_DUTY_OFF_HOURS.pattern,
    # a phone number asked for (人工客服的号码多少, 有没有值班电话)
    r"(电话|号码|热线)[^，,。？?！!]{0,3}(多少|几号)|有没有[^，,。？?！!]{0,8}(电话|号码|热线)",
    # ... or the number or key that reaches a person (打哪个号码能找到人工, 按几转人工)
    _NUMBER_ASKED,
    # whether a way of paying is taken (营业厅还收现金吗, 支持支付宝不)
    r"(收|支持|接受|认|能用|可以用)(不(收|支持|接受))?(现金|微信|支付宝|银行卡|刷卡|信用卡|云闪付|支票|"
    r"转账|银联)[^，,。？?！!]{0,4}(吗|不|么|嘛|[?？])",
    # what follows from a situation (窗帘盖住暖气片 是不是屋里就不暖和了, 会影响散热吗); a guess
    # at a fault (是不是就是坏了, 是不是就堵了) tells one, a stop asked about is the outage's, and
    # 你们是不是就等着… complains; whether something affects the heating: `_EFFECT_ASKED`
    r"(?<!你)(?<!你们)是不是[^，,。？?！!]{0,4}(就|会)(?!是)"
    r"(?![^，,。？?！!]{0,6}" + _FAULT_GUESSED + ")",
    # whether something should be done (是不是堵了该洗了, 是不是得先结清); a guess at what is
    # wrong (是不是有空气, 是不是坏了) tells a fault, and whether a stop is on asks the outage
    r"是不是(?![^，,。？?！!]{0,6}(停|检修|抢修|欠费))[^，,。？?！!]{0,10}(该|要|得|需要|应该|必须)",
    # what counts as normal or as the standard (地面摸着多热算正常, 这算达标吗, 多少度算达标)
    r"多(热|烫|凉|高|低|少度)[^，,。？?！!]{0,4}(算|才算|是|叫)(正常|达标|合格)|"
    r"(算|算是)(正常|达标|合格)[吗么嘛不呢啊?？]|达标(吗|不|么|嘛|没有?)|"
    r"多少度(算|才算|是|为)?(正常|达标|合格|标准)|(标准|规定|应该|应当|最低|至少)[^，,。？?！!]{0,4}多少度",
    # whether it is right, hard or allowed (这样测对不对, 手续麻烦不, 行不行)
    r"对不对|(这样|这么)[^，,。？?！!]{0,6}(对|行|成)(吗|么|嘛|不)|行不行|成不成|"
    r"(麻烦|复杂|费劲|难办)(不|吗|么|嘛)|麻不麻烦|(带|穿|戴|签)不(带|穿|戴|签)",
)
#: The price of the heating per unit of area, or for a given area (每平多少钱, 一平方米是多少钱,
#: 我家89平 一冬天得交多少): the fee standard, not this account's bill (欠多少, 余额, 账单); in
#: pinyin too (yi pingfangmi duoshao qian), as residents without a Chinese keyboard type it.
_PRICE = re.compile(
    r"(每|一)(个)?(平|平米|平方|平方米|㎡)|单价|\d+(平|平米|平方|㎡)|"
    r"(?<![a-z])(mei|yi|\d+) ?(ge )?ping(fang)? ?(mi)?(?![a-z])|(?<![a-z])danjia(?![a-z])"
)
_PRICE_ASKED = re.compile(
    r"多少|几(块|元|毛)|怎么算|咋算|(?<![a-z])(duoshao|ji ?kuai|zen ?me ?suan)(?![a-z])"
)
_OWN_BILL = re.compile(r"欠|余额|账单|交了没|交没交|缴费记录")
#: An amount of this account's bill (显示欠费1680元是咋回事, 比去年多交了400块): the fee query
#: shows it.
_AMOUNT = re.compile(r"\d+(\.\d+)?(元|块|块钱)")

#: A day or hour someone else named (通知说明天注水) or a time up to now (到现在还是冷), not the
#: time this resident wants something done.
_NOT_REPORTED = r"(?<!说)(?<!通知)(?<!到)(?<!至)"

#: What follows 来人 / 来看 when it tells what happened (来人测温也没到数儿, 来人看了一次就没
#: 下文了), not asks for someone now (快来人, 来人看看); 来看了吗 asks a status, kept by its own
#: words.
_TOLD_BEFORE = r"[^，,。？?！!\s]{0,3}(了(?![吗么没不])|过|也没|都没|就没|也不|都不|的(?!话))"

_REQUEST = _either(
    # act for me, now
    # (就不给我家供暖了 tells what follows from arrears, it asks for nothing)
    r"帮(我|忙|俺|咱)|替(我|俺)|(?<!就不)(?<!会不)(?<!不会)(给|告诉)(我|俺|咱)|给个",
    r"(我|俺|咱)(家|们)?(要|想要|想|打算|得)(报|办|申请|查|投诉|反映|举报|转|预约|测|修|停|绑|找人)",
    r"(?<!申)请.{0,4}(派|安排|来|上门|查|转)|(?<![很挺太真多不])麻烦(?![不吗么嘛?？])|派|来人(?!"
    + _TOLD_BEFORE
    + ")|来个人|来一趟|过来|"
    r"快来|(?<![凉爽])快点|赶紧|马上|尽快",  # 弄凉快点 asks for a cooler room, not for haste
    r"上门|来.{0,2}(修|看|瞅|瞧|测|量|处理|换|调)(?!" + _TOLD_BEFORE + ")",
    r"(能|可以)(不能)?(给|帮)(我|俺|咱)?(解决|处理|修|换|调|查|安排|看)",
    r"(能|可以)(不能)?(彻底|尽快|早点|赶快)?(解决|处理|修|安排)|(?<![哪里儿])能查",
    # 申请 asked how (怎么申请退回来) asks nothing; how to apply for what the bot does is below
    r"安排|预约|(?<!怎么)(?<!如何)(?<!咋)(?<!怎样)申请|报修|保修|转人工|人工(?![^，,。？?！!]{0,3}(电话|号码|热线))|真人|查一?下|查查|看一?下我",
    # how to do what the bot does itself
    r"(怎么|咋|如何)(样)?(办理?|申请)?(报修|报停|停热|停暖|停供|测温|绑定?|解绑|投诉|退订)",
    r"(怎么|咋|如何)(样)?(查|看)(一?下)?(我家|我的)?.{0,2}"
    r"(暖气费|取暖费|热费|采暖费|费用|欠费|账单|缴费记录|余额|读数|用量|进度)",
    r"(暖气费|取暖费|热费|采暖费|欠费|账单|缴费记录|余额|进度).{0,2}(怎么|咋|如何)(样)?(查|看)",
    # how this resident's request, bill or the current stop stands
    r"(交|缴|到|批|处理|修|来|恢复|停|办|结清|清)(了|好|完)(吗|没(?![人啥什用法])|么|不)|了没(?![人啥什用法])",
    r"(?<!有事|要紧|问题|毛病|碍事)没有?[?？]?$",  # 交钱没? asks a status, 有事没? whether harmful
    r"进度|到哪(了|一步)|怎么样了",
    # the fitter of this resident's request (上次那个维修师傅电话多少), not the company's number
    r"(师傅|维修工|工人|小哥|测温员)的?.{0,2}(电话|手机|号码|联系方式)",
    # how long this stop lasts (大概停多久), not how early stops are announced (停热多久会通知)
    r"停[^，,。？?！!\s]{0,3}多久(?![^，,。？?！!\s]{0,3}(通知|告知|告诉))",
    r"(什么|啥|几)时候(能|来|到|恢复|修)|"
    + _NOT_REPORTED
    + r"((今晚|今天|今儿|明天|明儿)(?!(刚|才|又|再|一)?(查|看|显示|交|缴|收到|接到|问))"
    # a day the resident goes somewhere (明天去营业厅): no visit asked for
    r"(?!(上午|下午|早上|一早)?(我|俺)?(就|要|得|想|打算|准备)?(去|过去)(?![我俺]家))|"
    r"现在(?!还?(收|支持|接受|认|是|按|实行|执行))|这会|几点)",
    # complaints of waiting or of the service
    r"(怎么|咋|为啥|为什么)(还|老|总|一直|都|这么)(不|没|是|停|凉|冷|挂|占线)|(怎么|咋)又",
    r"还.{0,3}(让不让|管不管|有没有人)",
)
#: Asking why, or whether something is a fault or harmful (for sounds only: `_asks_about_a_sound`).
_WHY_OR_HARMFUL = _either(
    r"(咋|怎么|什么|啥|嘛)回事|为啥|为什么|为嘛|(什么|啥)原因|咋(个)?情况|(嘎|干)(哈|啥)(呢|啊|哩)|"
    r"(嘛|啥|什么)(毛病|问题)",
    r"(出|有)(毛病|问题|故障)(了)?(吗|么|嘛|不|没)|坏了(吗|么|嘛|没)|是不是.{0,3}(坏|毛病|问题|故障)",
    r"有事(没|吗|么|不)|没事(吧|吗)|要紧(吗|不|么)|碍事(吗|不|么)|(危险|安全)(吗|不|么)",
)
#: Asking whether a fault needs a repair at all (嗡嗡的 需要报修吗, 要不要找人修): for a sound the
#: noise topic says which do; the words 报修 / 修 in it ask for nothing.
_WHETHER_TO_REPAIR = re.compile(
    r"(需不需要|要不要|用不用|该不该|是不是得|是不是要|是不是该|有没有必要|是否需要|是否要)"
    r"(去|找人|叫人|让人)?(报修|报个修|修理|维修|修)|"
    r"(需要|用|要|得|该)(去|找人|叫人|让人)?(报修|报个修|修理|维修|修)(吗|么|嘛|不)|"
    # ... or someone to look at it (用不用找人来看看, 要不要叫师傅上门瞧瞧, 需要找人来看吗)
    r"(需不需要|要不要|用不用|该不该|是不是得|是不是要|有没有必要|是否需要|(需要|用|要|得|该)(?=.*(吗|么|嘛|不)))"
    r"(找|叫|让|请)(个)?(人|师傅|维修工|物业|你们)(来|过来|上门)?(看看|看一下|看下|瞧瞧|瞅瞅|看|检查一?下?)"
)
#: Asking why a payment, a bill or a notice is as it is (交了钱还显示欠费咋回事, 交了暖气费怎么还
#: 显示欠费): for a message naming no fault, "why" asks what the fee query cannot explain.
_WHY_SITUATION = _either(
    r"(咋|怎么|什么|啥)回事|为啥|为什么|为嘛|(什么|啥)原因|咋(个)?情况",
    r"(怎么|咋)还(?!不|没|是|停|凉|冷|挂|占线)",
)
#: The tasks a "why" about a situation is mistaken for (None: asked without a classifier's intent).
_SITUATION_LOOKALIKES = frozenset({None, "query_fee"})
#: A sound the heating makes (more than bot.nlu.faults names: 流水声, 嘎嘣).
_SOUND = re.compile("响|声|噪|动静|吵|敲|咚|当当|哐|咣|哗|嗡|滋滋|嘶|咕噜|咕嘟|嘀嗒|嘎嘣|咔|啪|砰")
#: The fault types a sound question may name: the sound itself, the air behind gurgling, or a
#: vague 出问题 — not a cold radiator, a leak or a broken valve.
_SOUND_FAULTS = frozenset({None, "noise", "air", "other"})
#: The tasks a sound question is mistaken for (None: asked without a classifier's intent); a
#: complaint that mentions noise (吵) is still a complaint.
_SOUND_LOOKALIKES = frozenset({None, "report_repair"})
#: What a task's own answer covers, so such a question keeps the task: the service-hall search
#: answers where and when a hall opens and what to bring for a named service (过户带什么); only
#: the documents in general (营业厅办事要带户口本不) are the knowledge base's.
_TASK_ANSWERS = {
    "query_service_hall": _either(
        r"哪个(营业厅|网点)|在哪|哪里|哪儿|地址|位置|怎么走|最近|附近",
        r"几点|开门|上班|营业时间|休息|周[六日末]|星期|礼拜|节假日|假期|过年|春节|初一|元旦|国庆",
        r"过户|报停|停暖|停供|停热|开栓|开通|发票|开票|复供|恢复",
    ),
    # a request already made: its ticket, its fitter, its progress (维修师傅电话多少 asks the
    # fitter's number, not the hotline); 来的人有工牌吗 asks how to tell staff, the topic's
    "query_ticket": re.compile(
        r"工单|单子|单号|进度|报修|报的修|投诉|测温|报停|回访|结果|到哪|来不来|几点|(什么|啥)时候|哪天|"
        r"接单|派单|受理|处理|安排|叫啥|叫什么"
    ),
}
#: Tasks whose how-to questions are the task itself, asked about what the task does not do: the
#: 测温 only when the resident measures alone (自己测温咋测; 测温怎么弄 asks for the 测温), a
#: binding only when the account's phone is to change (绑定手机号咋改; 绑定户号咋弄 binds).
_ONLY_ABOUT = {
    # measuring alone, or no measurement named at all (我家客厅才16度 这算达标吗: the standard)
    "request_temp_check": re.compile(r"自己|自个|自行|自测|我测|俺测|^(?!.*(测|量))"),
    # a 报停 only for what it takes (材料, 委托书, 条件, 基础热费): 能报停吗 and 怎么报停 apply;
    # and whether an empty home must pay at all, no stop named (房子空着 这一季能不交钱吗: the
    # rules; 把暖气关了不交钱行吗 names the act, an application)
    "apply_stop_heating": re.compile(
        r"材料|证件|证明|委托|(什么|啥|哪些)手续|手续(麻烦|复杂|多)|带(什么|啥)|条件|基础(热)?费|(交|收)多少|"
        r"多少钱|身份证|房本|户口本|代办|"
        r"^(?!.*(报停|关|停))(?=.*(不交|不缴|免交|免缴|不用交|不用缴|还用交|还要交|还得交|用不用交|要不要交))"
    ),
    "bind_account": re.compile(
        r"(手机|电话)(号|号码)?.{0,6}(改|换|修改|变更|更换|停机|不用)|(改|换|修改|变更|更换).{0,4}(手机|电话)"
    ),
}
#: Words of the heating itself: a question read as out of scope or as a goodbye is the knowledge
#: base's only when it names one (通知说明天注水 家里没人咋整; 电梯坏了找谁修 names none).
_HEATING_WORDS = (
    "暖气|暖器|供暖|采暖|取暖|供热|热力|地暖|散热器|注水|试压|打压|测温|室温|热表|热量表|开栓|"
    "报停|停暖|停热|放气|分水器|集水器|阀门|管道|暖气片|温度计"
)
#: Other utilities and trades, which the company does not serve.
_OTHER_UTILITIES = (
    "燃气|煤气|天然气|液化气|自来水|水费|停水|电费|停电|电力|宽带|网费|话费|物业费|有线电视|空调|热水器"
)
#: Other matters residents bring to the heating line that are nobody's heating (电梯, 快递 …),
#: beside the other utilities: with one of them named, "I only handle heating" is the answer.
_OTHER_MATTERS = (
    "电梯|门禁|垃圾|停车|车位|快递|外卖|手机信号|电视|天气预报|彩票|股票|挂号|公交|地铁|打车|"
    "马桶|下水道|煤气罐"
)
_OTHER_MATTER = re.compile(_OTHER_UTILITIES + "|" + _OTHER_MATTERS)


def names_other_matter(text: str | None) -> bool:
    """Whether `text` names another utility or trade than the heating (燃气费怎么交, 停电了,
    电梯坏了找谁修): only then is "燃气、自来水、电力问题请联系相应公司" an answer. A short
    follow-up inside a heating conversation (几点关门, 换个阀门多少钱, 手机尾号5678) names none, and
    telling that resident to call the gas company is wrong (players' findings 2, class A)."""
    return _OTHER_MATTER.search(to_canonical(str(text or ""))) is not None


#: Tasks a question is mistaken for only when it names nothing the task does: a cancellation
#: (之前把暖停了 今年想开开 手续麻烦不 names no ticket to cancel; 报修单怎么取消 cancels), and a
#: fallback only when it does not go on from the last answer.
_NEVER_ABOUT = {
    # a correction of what the resident just said in a form (地址填错了 怎么改) corrects it
    "correct_info": re.compile(r"(填|写|说|输|打|报|记)错|刚才|刚刚|改成|改为|换成"),
    # an opt-out of the notices (别给我发通知了, 停热通知怎么取消) is one; where the notices
    # come from (停热的通知都从哪儿发) asks the notice rules
    "unsubscribe": re.compile(r"取消|退订|不要|不想|别|关掉|关闭|停止|不再|拒收|屏蔽|拉黑|烦|骚扰"),
    "cancel_ticket": re.compile(r"取消|撤销|撤回|撤单|作废|退订|不要了|不用了|不修了|别来了|单"),
    # a message the classifier is unsure of that opens with 那 (那我还能怎么查) goes on from the
    # bot's last answer: the actions read it against that answer, not the topic model alone
    "nlu_fallback": re.compile(r"^\W*那"),
    # another utility's or another trade's question (燃气费怎么交, 电梯坏了找谁修) is out of scope
    "out_of_scope": re.compile(r"^(?!.*(" + _HEATING_WORDS + "))|" + _OTHER_UTILITIES),
    "goodbye": re.compile(r"^(?!.*(" + _HEATING_WORDS + "))|" + _OTHER_UTILITIES),
}
#: Words that tell who someone is or what a step involves, not ask for it now: staff who come
#: (维修人员上门穿啥衣服, 有人说是来测温的), whether a step needs a visit (报停要上门关阀吗,
#: 退费是不是得先找你们来测).
_DESCRIPTIONS = _either(
    r"上门(?=[^，,。？?！!\s]{0,8}(收费|收钱|要钱|花钱|免费|费用|多少钱|穿|带|证件|工牌|工作证|制服))",
    r"(?<![我俺咱][要用得会])(?<=[要用得会])(不要|不)?上门(?=[^，,。？?！!\s]{0,8}(吗|么|嘛|不|[?？]))",
    r"(?<=需要)上门(?=[^，,。？?！!\s]{0,8}(吗|么|嘛|不|[?？]))",
    r"(?<![快赶])来[^，,。？?！!\s]{1,3}的(?!话)",
    # whether a visit must come first (退费是不是得先找你们来测): a step of a procedure asked about
    r"(?:(?<=是不是得先)|(?<=是不是要先)|(?<=是不是先)|(?<=要不要先)|(?<=用不用先)|(?<=需不需要先)|"
    r"(?<=是否要先)|(?<=是否得先))(找|让|叫)?(你们|人|师傅)?(来|上门)(测|修|看|量)?",
)
#: A greeting that goes on to ask (您好，请问今年嘛时候来暖气啊): the question is the message,
#: when words follow the asking phrase (在吗？问一下 and 请问有人在吗 are still greetings).
_ASKS_AFTER_GREETING = re.compile(
    r"(请问|想问|问一?下|打听一?下|咨询一?下)\W*(?!(有人)?在(吗|嘛|不在)|有人吗)\w{4,}"
)
#: An account, phone or ticket number: the message is about one account or one request.
_NUMBER = re.compile(r"\d{6,}")
#: Someone else's home: a leak there is a question of who acts, not a repair of this home.
_ELSEWHERE = re.compile("楼上|楼下|邻居|隔壁|上面一家|别人家")


def asks_general_question(text: str | None, intent: str | None = None) -> bool:
    """Whether `text` asks how / whether / who / where to, asks nobody to act, and (when the
    classifier's `intent` is given) is not what that task answers itself (module docstring).
    Pure text: the caller decides with the topic model's confidence."""
    if not text:
        return False
    canonical = to_canonical(str(text))
    own = _TASK_ANSWERS.get(intent or "")
    sound_question = intent in _SOUND_LOOKALIKES and _asks_about_a_sound(canonical)
    # 需要报修吗 of a sound asks whether to, it asks nobody to come; 维修人员上门穿啥 tells who
    asking = _THIRD_PARTY.sub("，", _DESCRIPTIONS.sub("", canonical))
    # 多久之内会告诉我们 asks the notice rules; 打哪个号码能找到人工 asks a number, not a hand-off
    asking = WHERE_MONEY_GOES.sub("，", NOTICE_RULE_ASKED.sub("，", asking))
    if re.search(_NUMBER_ASKED, asking):
        asking = re.sub("(转|找到?|接)?人工", "，", asking)
    asking = _WHETHER_TO_REPAIR.sub("，", asking) if sound_question else asking
    if own and fault_type_of(canonical) is not None and _ON_DUTY_OFF_HOURS.search(canonical):
        own = None  # 周末营业厅不开门 暖气出毛病有人管吗: who handles a fault, not the hours
    if _NUMBER.search(canonical) or _REQUEST.search(asking) or (own and own.search(canonical)):
        return False
    only = _ONLY_ABOUT.get(intent or "")
    if only and not only.search(asking):
        return False
    never = _NEVER_ABOUT.get(intent or "")
    if never and never.search(canonical):
        return False
    if is_urgent(fault_type_of(canonical)) and not _ELSEWHERE.search(canonical):
        return False  # water escaping here and now: the repair (and the emergency net) acts
    if intent == "greet" and _ASKS_AFTER_GREETING.search(canonical):
        return True
    if intent in _SITUATION_LOOKALIKES and _asks_why_of_a_situation(canonical):
        return True
    if NOTICE_RULE_ASKED.search(canonical):
        return True  # 停热提前多久通知: the notice rules
    if _EFFECT_ASKED.search(canonical) and not _STOP_NAMED.search(canonical):
        return True  # 暖气罩影响散热吗
    return sound_question or any(_GENERAL.search(part) for part in _clauses(canonical))


#: Where a clause ends: "我自己能放放气吗？就怕弄一地水" asks in its first clause.
_CLAUSE_END = re.compile(r"[?？!！。;；,，]+")


def _clauses(canonical: str) -> list[str]:
    """The whole text and each of its clauses, so a question ending a clause is seen as one."""
    return [canonical, *(part for part in _CLAUSE_END.split(canonical) if part.strip())]


def _asks_about_a_sound(canonical: str) -> bool:
    """Why the heating makes a sound, whether the sound is a fault, or whether it needs a repair
    (module docstring); no other fault may be named beside it (a cold radiator that also knocks
    is a repair)."""
    return (
        fault_type_of(canonical) in _SOUND_FAULTS
        and _SOUND.search(canonical) is not None
        and (
            _WHY_OR_HARMFUL.search(canonical) is not None
            or _WHETHER_TO_REPAIR.search(canonical) is not None
        )
    )


def _asks_why_of_a_situation(canonical: str) -> bool:
    """Why a payment, a bill or a price is as it is (交了钱还显示欠费咋回事), or what the heating
    costs per square metre (每平多少钱): the message names no fault, and no bill of its own."""
    if fault_type_of(canonical) is not None or _AMOUNT.search(canonical):
        return False
    if _WHY_SITUATION.search(canonical):
        return True
    return (
        _PRICE.search(canonical) is not None
        and _PRICE_ASKED.search(canonical) is not None
        and _OWN_BILL.search(canonical) is None
    )


#: Asking what answers: 你们是人工还是机器人, 请问是人工客服吗, 是真人吗.
_WHO_ANSWERS = re.compile(
    r"是(?:不是)?(?:人工|真人|活人|机器人|机器|智能|AI|人)(?:客服|在回|回复)?"
    r"(?:还是|吗|呢|么|嘛|[?？])|(?:人工|真人|活人|人)还是(?:机器|智能|AI|自动)|"
    r"(?:机器人|机器|AI)(?:吧|吗)?还是(?:人工|真人|人)",
    re.IGNORECASE,
)
#: Asking for a person outright (转人工, 找个人, 我要人工, 跟真人说).
_WANTS_A_PERSON = re.compile(
    r"转人工|转接|找(?:个|一个)?真?人|(?:我|俺)?(?:要|换|叫|请)(?:个|一个)?(?:真人|人工|活人)|"
    r"(?:跟|和)真?人(?:说|聊|讲)"
)


def asks_who_answers(text: str | None) -> bool:
    """Whether `text` only asks whether a person or the bot answers (请问你们是人工还是机器人,
    是人工客服吗): a question answered with who the assistant is, not a hand-off (players'
    p4-042 was registered for a call-back). 我要人工 / 是机器人吧 转人工 ask for the person."""
    canonical = to_canonical(str(text or ""))
    return _WHO_ANSWERS.search(canonical) is not None and not _WANTS_A_PERSON.search(canonical)


#: A 报停 rule the resident just heard: late, an empty home, paying all the same.
_STOP_RULE = re.compile(r"报停|报不了|截止|空着|空房|不住|没人住|没住")
#: Paying under it: 交全款, 全交, 也得交, 交百分之多少.
_PAYING = re.compile(r"交|缴|收|钱|费|全款")


def questions_the_stop_rule(text: str | None) -> bool:
    """Whether `text` is surprise or disagreement at the 报停 rules, asked as a question (啊？今年报
    不了了？我这房子空着一冬天也得交全款？, 凭啥没人住还得交钱): a question to answer with the base
    fee, not a complaint to file (players' p4-010 was put in the complaint form). A word of
    complaint (投诉, 举报) keeps it one."""
    canonical = to_canonical(str(text or ""))
    return (
        "投诉" not in canonical
        and "举报" not in canonical
        and _STOP_RULE.search(canonical) is not None
        and _PAYING.search(canonical) is not None
        and _QUESTION_MARK.search(canonical) is not None
    )


#: A question's marks: ？, 吗, 呢, 凭啥, 咋, 怎么.
_QUESTION_MARK = re.compile(r"[?？吗呢]|凭(?:啥|什么)|[咋怎]么|为(?:啥|什么)|难道")
