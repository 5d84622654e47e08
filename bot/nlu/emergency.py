"""The emergency safety net's detector: is someone in danger right now, and of what kind?

Why rules beside the intent classifier: an emergency is rare in the training data, arrives in any
wording under any intent (a burst main in the stairwell was once classified `out_of_scope`; a
resident mid-form who writes 阀门关不上 is classified `inform`), and missing one costs a flooded
flat, a gas explosion or a person's health. So a message is checked by rule for the few things
that must never wait, independent of what the classifier thought, and the dialogue runs the urgent
path whenever this module says so (`bot.nlu.safety_net`).

Kinds, most urgent first (a message naming several gets the first):
* `person` — someone is unwell from the cold (冻病了, 冻得发烧, 冻晕) or scalded (烫伤,
  被暖气管烫了), or in acute danger (晕倒, 昏迷, 喘不上气, 煤气中毒): call 120 first.
* `gas` — a gas-like or burning smell, smoke or fire (煤气味, 臭鸡蛋味, 焦糊味, 插座冒烟, 着火):
  leave, switch nothing, call the gas emergency number or 119.
* `water` — escaping water, a burst pipe or steam (漏水, 跑水, 爆管, 水流了一地, 楼道全是热水,
  冒白汽, 阀门关不住): the valves, the 24-hour number, an urgent ticket. A drip counts: the
  service policy handles every leak at once.

What does not count, because the words are there but the danger is not:
* negated — 不漏了, 没有煤气味, 没发烧, 水管没爆;
* hypothetical or feared — 万一漏水怎么办, 怕冻裂, 会不会爆, 差点烫着, 老人快冻病了 (a suspicion
  stays an emergency: 会不会是煤气泄漏, 怕是漏气了);
* past and settled — 上周漏过, 去年爆过管, 漏水已经修好了, 阀门关上了水止住了 (unless it is back:
  修好了今天又漏了);
* a question about leaks in general, with nothing saying one is happening — 漏水的维修费用谁出,
  暖气漏水归物业管吗 (漏水了，谁管 is a report);
* false friends — 水费, 漏缴, 爆满, 火大, 冻结账户, 燃气灶打不着火, 暖气片烫手 (hot radiators
  are good news), 冻死了 / 冷得要命 (a figure of speech, not a patient).

How: the text is normalised (`bot.nlu.text.normalise`), false friends are blanked out, and each
trigger match is kept unless a negation stands right before its core word, a hypothetical marker
or a settled-past marker (without a "still / again / now" marker) stands earlier in its clause, or
a resolution (修好了, 不漏了, 止住了) follows it. Illness words count only with a cold context in
the message (冷, 冻, 不热, 12度 …): 孩子发烧了 alone is not the heating company's emergency.
Pure, and well under a millisecond for a usual message; the patterns are listed with the phrases
they are for, and tests/unit/test_nlu_emergency.py holds the examples the rules were written from.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

from bot.nlu.text import normalise

__all__ = [
    "EMERGENCY",
    "KINDS",
    "Emergency",
    "Kind",
    "detect_emergency",
    "emergency_from",
    "only_discounted",
]

Kind = Literal["person", "gas", "water"]
#: Most urgent first: when a message names several, the first one decides what the user is told.
KINDS: tuple[Kind, ...] = ("person", "gas", "water")
#: The message attribute (and parse-result key) the NLU component sets.
EMERGENCY = "emergency"


@dataclass(frozen=True)
class Emergency:
    """What was found: the kind and the words that showed it (as in the normalised text)."""

    kind: Kind
    evidence: str

    def as_dict(self) -> dict[str, str]:
        """The parse-result form `{"kind": …, "evidence": …}`, read back by `emergency_from`."""
        return {"kind": self.kind, "evidence": self.evidence}


def emergency_from(value: Any) -> Emergency | None:
    """The `Emergency` of a parse result's `emergency` value, None for anything else."""
    if isinstance(value, Mapping) and value.get("kind") in KINDS:
        return Emergency(kind=value["kind"], evidence=str(value.get("evidence") or ""))
    return None


# ---------------------------------------------------------------------------------- vocabulary

# Everyday words that contain a trigger's characters; blanked before matching.
_FALSE_FRIENDS = re.compile(
    # 嗓子都喊冒烟了, 心里都冒烟了, 锅炉房烟囱冒白烟, a dripping tap (not the heating)
    "嗓子(?:都)?(?:喊|渴|干)?(?:得)?冒烟|心里(?:都)?冒烟|烟囱(?:在|一直)?冒(?:白|黑|青)?烟|"
    "水龙头(?:一直|有点|老是?)?(?:滴|漏)水|"
    "自来水费|水电费|热水费|水费|漏缴|漏交|漏报|漏掉|漏看|漏填|漏写|漏接|漏扣|漏发|漏签|漏记|漏洞|"
    "漏电话|遗漏|疏漏|走漏|滴水不漏|爆满|火爆|爆料|爆单|爆款|爆笑|爆棚|爆发|引爆|火大|上火|发火|"
    "火气|恼火|窝火|冒火了|火锅|火车|火柴|火腿|火速|火急|火化|红火|冻结|冷冻|果冻|冻肉|冻品|"
    "气炸|气死|炸锅|炸毛|炸鸡|炸酱|油炸|崩溃|打不着火|点不着火|打不着|点不着|打着火|点着火|"
    "烫着呢|烫着哪|冻死|冷死|冻成狗|流水线|流水账|流水号|流水声|水流声|流量|流程|"
    "烟花|烟囱|香烟|烟酒|发热量|冒险|冒昧|冒充|假冒|感冒药|喷漆|滋润|泡茶|泡面|泡脚|泡澡|"
    "新闻|闻名|听闻|见闻|水货|水平|漏水险|烫伤膏|烫伤药|保温层|保温棉|保温套|外皮|油漆"
)
# A burst main spoken of as the cause of a stop, or as what keeps happening, is the outage's story,
# not water in the writer's home: 爆管了？那为啥不提前通知, 年年爆管 停了也不通知一声.
_HABITUAL = re.compile("年年|每年|老是|总是|动不动就?|三天两头|又是")
_OUTAGE_TALK = re.compile("通知|停(?:暖|热|了|气)|不热|没暖气|没有暖气|供暖|来暖|恢复")
_ASKED = re.compile("^(?:了)?(?:吗|么|吧|啊)?[?？]")
_CAUSE = re.compile("所以|才停|才不热|导致|造成|的原因|引起")
# Voice input writes 水 as its homophone 谁: 暖气跑谁了 地上全是谁.
_HOMOPHONES = re.compile("(?<=[跑漏冒渗喷淌])谁|(?<=全是|都是|一地)谁")
# What happened elsewhere or was only heard of (听说隔壁小区跑水了, 新闻里说外地爆管了) reports
# no danger to the writer; read on the normalised text, since 新闻 is a false friend above.
_HEARSAY = re.compile(
    "听说|新闻|朋友圈|抖音|快手|网上|看到有人|外地|别的小区|隔壁小区|演练|开玩笑|测试一下"
)

_PUNCT = "，,。.!！?？;；、~～…\n "
_CLAUSE_BREAK = re.compile(f"[{_PUNCT}]|但是|可是|不过|结果|现在")
_GAP = f"[^{_PUNCT}费钱款价□]"
# Between a pipe and what it does: no person in between (暖气不热我都要炸了 is a figure of speech).
_NEAR = f"[^{_PUNCT}费钱款价□我你他她人要]"

# Negation right before a trigger's core word: 不漏了, 没有煤气味, 没闻到什么煤气味, 水管没爆
# (是不是 asks, it does not deny).
_NEGATION = re.compile(
    "(?:不|没|没有|未|无|别|(?<!是)不是|并不|并没有|不会|没再|不再|从没|从来没有?|也没有?|都没有?|"
    "还没有?|并未)(?:有|闻到|闻见|发现|看到|看见|见|感觉|觉得|听说)?(?:什么|啥|任何|一点|一丝)?"
    "(?:热|凉|开|的)?$"
)
# Hypothetical, feared or avoided, anywhere earlier in the clause: 万一漏水, 怕冻裂, 会不会爆.
_HYPOTHETICAL = re.compile(
    "(?:万一|如果|假如|假设|要是|倘若|若是|一旦|以防|防止|预防|避免|以免|担心|害怕|生怕|"
    "会不会|可能会|是否会|容易|差点|差一点|险些|别让|别把|不要让|免得|省得|再这样|再不|(?<!可)怕(?!冷)|"
    "(?<![一不社机开])会(?![儿议计员]))(?!是)"
)
# A suspicion reports a present danger: 会不会是煤气泄漏, 是不是漏煤气了, 怕是漏了.
_SUSPICION = re.compile("会不会是|是不是|可能是|怕是|担心是|好像是|应该是|估计是")
# The person kind speaks of what may come: 快冻病了, 都要冻出病来了, 早晚冻病.
_FUTURE = re.compile("(?:要|快|快要|都要|都快|早晚|迟早)(?:被)?(?:冻|冷)?(?:得)?$")
_PAST = re.compile(
    "上次|上回|上周|上星期|上礼拜|上个月|上月|去年|前年|以前|之前|曾经|那次|那回|前几年|前些年|早些年"
)
_ONGOING = re.compile(
    "又|还|仍|依然|现在|正在|一直|至今|今天|今早|今晚|刚才|刚刚|这会|此刻|目前|越来越|再次|不停"
)
# Resolutions cancel what was reported before them: 漏水已经修好了, 现在不漏了, 煤气味散了.
_RESOLVED = re.compile(
    "修好了|弄好了|修复了|修完了|修完|处理好了|处理完了|解决了|没事了|没问题了|已经好了|"
    "不(?:再)?(?:漏|滴|渗|冒|喷|流|淌)(?:水)?了|没(?:有)?再(?:漏|滴|渗|冒|喷)|止住了|堵住了|"
    "关住了|关上了|关好了|关死了|关掉了|(?:味|味道|气味|烟)(?:已经|都)?(?:散了|没了|没有了|消失了|淡了)"
)
# It happened once: 漏过, 爆过, 裂过 (not 漏过来: it is reaching us).
_EXPERIENCED = re.compile("(?:漏|爆|裂|冒|渗|淹|烫)过(?![来去])")
# A resolution word asked about, not reported: 什么时候能修好, 修好了吗.
_NOT_RESOLVED_BEFORE = re.compile(
    "(?:能|会|要|才|没|没有|快|尽快|赶紧|马上|时候|多久|怎么|帮我|给我)$"
)
_NOT_RESOLVED_AFTER = re.compile("[吗么没吧嘛]")
# A question about leaks in general (who pays, who is responsible, is it normal) is not a leak
# report unless something says it is happening: 漏水了, 在漏, 一直, 快来, 救命, 急.
_ENQUIRY = re.compile(
    "费用|多少钱|收费|收钱|要钱|花钱|谁出钱|赔|保险|谁管|谁负责|归谁|哪个部门|你们管吗|归你们管|物业管|管还是|"
    "找你们吗|工单号|单号|进度|正常吗|正常现象|是正常|什么原因|为什么会|怎么预防|如何预防"
)
_HAPPENING = re.compile(
    "了|着|在漏|正在|一直|还在|不停|现在|刚才|刚刚|突然|快来|快点|赶紧|马上|救命|急|怎么办|!|！"
)

# ------------------------------------------------------------------------------------ triggers

_PIPE = (
    "暖气管道|暖气管子|暖气管|暖气片|暖气包|暖气|散热器|片子|管子|管道|水管|管线|立管|主管道|主管|"
    "总管|干管|热力管|供热管|回水管|进水管|阀门|总阀|阀|接头|接口|弯头|三通|丝扣|活接|堵头|丝堵|"
    "放风阀|放气阀|排气阀|跑风|卡箍|过滤器|热表|地暖|分水器|井盖|管"
)
_PLACE = (
    "地上|地面|地板上|地板|屋里|屋子里|家里|客厅|卧室|厨房|卫生间|厕所|楼道|楼梯间|楼梯|走廊|"
    "地下室|车库|电梯|单元门口|单元门|门口|小区|下面|底下|旁边|周围"
)
_PERSON = (
    "老人|老太太|老爷子|老伴|孩子|宝宝|婴儿|小孩|孕妇|病人|爸|妈|奶奶|爷爷|姥姥|姥爷|外婆|外公"
)
_WATER_FLOWS = "冒|喷|流(?![动速量程不])|淌|涌|漫|溢|渗|滴|滋|呲|窜|灌"

_WATER: tuple[str, ...] = (
    # 漏水, 跑水, 冒水, 呲水, 渗水, 滴水, 喷热水, 发大水, 家里发水了, 跑冒滴漏
    "(?:漏|渗|滴|冒|喷|呲|滋|淌|涌|窜|跑|溢)(?:热|开)?水|发(?:大)?水(?![费电票])|跑冒滴漏|漫水",
    # 往外冒, 往外喷, 往下滴 (what is named elsewhere: 水龙头似的往外流)
    "往外(?:冒|喷|淌|涌|滋|呲|窜|流(?![钱失]))|往下(?:滴|淌|流)",
    # 水一直往外冒, 水从天花板往下滴, 水哗哗地流, 水越来越多
    "水(?:一直|还在|还|正在|不停地?|不断地?|哗哗地?|哗哗的|呼呼地?|都|直|全|已经|开始|从"
    + _GAP
    + "{1,8}?|顺着"
    + _GAP
    + "{1,8}?)+(?P<core>往外|往下|往楼下|哗哗|"
    + _WATER_FLOWS
    + ")|水越来越(?:多|大)|水越(?:流|漏|冒)越",
    # 水流了一地, 热水漫到门口, 水往外冒
    "水(?P<core>(?:"
    + _WATER_FLOWS
    + ")(?:了|出|下来|个不停|不停|一地|到|进|满|得(?:到处|满地|哪都|"
    "厉害|很))|往外|往下|哗哗)",
    # 流了一地, 一地的水, 一大摊水, 地上全是水, 楼道里全是热气, 满地都是
    "(?:流|淌|漏|漫|喷)了(?:一|满)(?:地|屋子?)|满(?:地|屋子?)(?:都是|全是)|"
    "(?:一|满)(?:地|屋子?|楼道)(?:的|都是)?(?:热)?水|一(?:大)?(?:摊|滩|片)(?:的)?(?:热)?水",
    "(?:" + _PLACE + ")?(?:里|上|口)?(?:都是|全是|全都是|满是|到处是|到处都是|积了|积满了?|一片|"
    "汪着|淌着|流着|一层|好多|很多|好大一摊)(?:热)?(?:水|汽|蒸汽|气|雾|白气)",
    "(?:楼道|地下室|车库|电梯井?|单元门?|屋里|家里|配电箱|电表箱)" + _GAP + "{0,3}?进水",
    # 暖气片一直在漏, 阀门那里滴滴答答, 管子漏了
    "(?:" + _PIPE + ")" + _NEAR + "{0,6}?(?P<core>漏(?![风气])|渗|滴(?!答))",
    # 暖气片下面湿了一块, 接口有水渍, 暖气片上全是水
    "(?:"
    + _PIPE
    + ")"
    + _NEAR
    + "{0,6}?(?P<core>湿(?:了|透|乎乎|漉漉)|水渍|水迹|有水(?![声压费吗]|流声|的声))",
    # 又漏了, 还在漏, 一直漏, 漏得厉害
    "(?:又|还在|一直|不停地?|还|正在|在)漏(?![风气])|漏得(?:厉害|很|挺|太|哗哗|稀里哗啦|到处|满地)",
    # 楼上漏下来, 天花板往下滴, 墙都湿透了, 地板泡了, 楼下淹了
    "(?:楼上|天花板|房顶|屋顶|吊顶|顶棚|墙上|墙里|墙角|墙面)"
    + _GAP
    + "{0,6}?(?P<core>漏|渗|滴|往下流|往下淌)",
    "(?:地板|木地板|天花板|墙面|墙|房顶|屋顶|吊顶|地毯|家具|柜子|沙发|楼下)"
    + _GAP
    + "{0,3}?(?P<core>湿了|湿透|都湿|全湿|湿一片|泡了|泡坏了|被泡|泡水)",
    "(?<![死])淹(?:了|到|着|没)|被淹|水淹|水漫",
    "(?i:pipe (?:has |just )?burst|burst pipe|water (?:is )?everywhere|flood(?:ing|ed)|"
    "can'?t (?:shut|turn) (?:it |the water )?off|leaking|water coming (?:through|in)|dripping)",
    "哗哗(?:地|的)?(?:流|淌|冒|出)(?:水)?|松手就(?:喷|冒|漏|流|呲)|往上(?:冒|喷|涌)",
    # burst: 爆管, 管子爆了, 暖气片裂了, 水管冻裂了, 接头崩开了, 开了个口子
    "爆管|管爆|爆水管|(?:崩|爆|炸)开了|(?:爆|裂|开)了个(?:大)?口子",
    "(?:" + _PIPE + ")" + _NEAR + "{0,4}?(?P<core>爆|炸|崩|裂|破(?:了|裂|开|口|洞)|"
    "断(?:了|开)|脱(?:了|开|落)|胀(?:裂|破|开))",
    # steam: 冒白汽, 冒着大量白汽, 喷热气, 冒蒸汽, 井盖冒热气, 暖气阀漏气
    "(?:冒|喷|窜|呲|滋|漏)(?:着|出)?(?:大量|好多|很多|大股|一股股|一股)?(?:的)?(?:白|热)?"
    "(?:气|汽|烟|蒸汽)(?!泡)|(?:蒸汽|热气)(?:直|一直|哗哗)?(?:往外)?(?:冒|喷|窜)",
    "(?:暖气|管|阀|片|接头|接口)" + _GAP + "{0,4}?(?P<core>漏气)",
)
# The valve will not close (阀门关不上, 关不住阀门, 水关不住) — unless the room is too hot and that
# is why they want it closed (暖气太热了，阀门关不上).
_VALVE_STUCK = (
    "(?:阀门?|总阀|开关|闸阀|水)"
    + _GAP
    + "{0,6}?(?P<core>关不上|关不住|关不严|关不死|关不了|关不掉|"
    "关不动|拧不上|拧不紧|拧不死|堵不住|止不住)|(?:关不上|关不住|关不了|关不严)(?:阀门?|总阀|水)"
)
_TOO_HOT = re.compile("太热|热死|过热|温度太高|调小|调低|太烫")
# 关不上 in its own clause, the valve named in another: 暖气放水阀坏了，关不上.
_VALVE_NAMED = re.compile("阀|跑水|漏水|冒水|喷水")

_GAS_WORD = "煤气|燃气|天然气|液化气|沼气|瓦斯"
_GAS: tuple[str, ...] = (
    # 煤气味, 燃气泄漏, 液化气罐漏气, 好像漏煤气了, 闻着像天然气, 味道像煤气
    "(?:" + _GAS_WORD + ")" + _GAP + "{0,6}?(?P<core>味|泄漏|泄露|外泄|漏|跑气)",
    "(?i:smells? (?:like |of )?gas|gas (?:leak|smell)|smoke|on fire)",
    # a damaged gas line: 燃气管道被碰破了, 煤气软管裂了, 燃气表那儿嘶嘶响
    "(?:"
    + _GAS_WORD
    + ")(?:管道?|软管|罐|表|阀门?|灶)"
    + _NEAR
    + "{0,6}?(?P<core>破|断|裂|爆|炸|脱|嘶嘶|呲呲)",
    "(?:泄漏|泄露|漏了?)(?:" + _GAS_WORD + ")",
    "闻(?:到|见|着|起来)?" + _GAP + "{0,8}?(?:" + _GAS_WORD + ")",
    "味" + _GAP + "{0,6}?(?:像|跟|好像|类似|是)" + _GAP + "{0,2}?(?:" + _GAS_WORD + ")",
    # a gas-like or burning smell: 臭鸡蛋味, 焦糊味, 烧塑料的味道, 刺鼻的味道
    "(?:臭鸡蛋|烂鸡蛋|焦糊|焦煳|烧焦|烧糊|糊|煳|焦|胶皮|橡胶|塑料|电线|硫磺|刺鼻)"
    "(?:了)?(?:的|一样的|似的)?(?:味|气味)",
    # smoke and fire: 冒烟, 着火了, 插座打火花, 电线烧了, 电暖器短路, 报警器响了, 屋里有烟呛得很
    "冒(?:黑|青)?烟|起火|着火(?!点)|失火|火灾|烧起来|燃起来|冒火星|冒火花|火星子|打火花|电火花|"
    "烧着了|短路|报警器(?:一直)?(?:响|叫|报警)|呛(?:人|得|死)|(?:屋里|家里|屋子里|楼道里?)(?:有|全是|都是)烟",
    "(?:电线|插座|插头|线路|电暖气|电暖器|电热毯|取暖器|小太阳|电器|电表|电闸|配电箱)"
    + _GAP
    + "{0,4}?(?P<core>烧|冒烟|着火|打火|熔|化了)",
)
# Smoke that is only somebody smoking (烟味是邻居抽烟) is not a fire.
_SMOKE_SMELL = "烟(?:的)?(?:味|气味)"
_SMOKING = re.compile("抽烟|吸烟|烟头|烟民|烟瘾")
# 漏气 / 跑气 / 泄漏 alone are gas when gas is named anywhere (好像漏气了，燃气灶那边);
# 像煤气 after a smell in another clause (有股怪味，像煤气).
_GAS_CONTEXT = re.compile(f"{_GAS_WORD}|气罐|燃气灶|煤气灶|灶台")
_SMELL_CONTEXT = re.compile("味|闻")
_GAS_LIKE = "(?:像|好像|类似)(?:是)?(?:" + _GAS_WORD + ")"

_SEVERE = (
    "晕倒|晕过去|昏倒|昏迷|昏过去|不省人事|叫不醒|休克|抽搐|没(?:有)?(?:了)?呼吸|喘不上气|喘不过气|"
    "呼吸困难|口吐白沫|(?:煤气|燃气|一氧化碳|天然气|煤烟)中毒|中毒"
)
_PERSON_PATTERNS: tuple[str, ...] = (
    # scalded: 烫伤, 烫着了, 被暖气管烫了, 把孩子烫了, 手烫起泡
    "烫(?P<core>伤|着|到(?![不没能可])|破|红了|肿|起泡|出(?:了)?泡|掉(?:了)?皮)",
    "烫(?:得|掉了?)(?P<core>起泡|出(?:了)?泡|(?:一层)?皮|通红|红肿)",
    "被" + _GAP + "{0,8}?烫(?:了|伤|着|到|一下|起)",
    "把" + _GAP + "{0,6}?烫(?:了|伤|着|到)",
    "(?:手|脚|腿|胳膊|脸|皮|" + _PERSON + ")" + _GAP + "{0,3}?烫(?:了|伤|着|到)",
    # unwell from the cold: 冻病了, 冻感冒, 冻得发烧, 冻得都说不出话了, 冻晕, 冻伤, 失温, 嘴唇冻紫了
    "冻(?:病|伤|晕|感冒|发烧|出病|出毛病|住院)|失温|低体温|嘴唇(?:都|冻|发)?紫|(?:脸|手脚)(?:都|冻)?(?:发)?紫了",
    "(?:冻|冷)得?"
    + _GAP
    + "{0,4}?(?P<core>发烧|生病|病了|病倒|住院|进医院|送医院|急诊|抽搐|休克|说不出话|不省人事|"
    "失去知觉|晕|昏|发紫)",
    _SEVERE,
)
# Illness words that name the heating company's emergency only when the message speaks of cold.
_MILD_ILLNESS = (
    "发烧|高烧|感冒|着凉|生病|病了|病倒|犯病|(?:高血压|心脏病|哮喘|老毛病|病)(?:又)?犯了|"
    "肺炎|心梗|脑梗|中风"
)
# Shivering names an emergency only for someone frail: 老人冻得直哆嗦.
_SHIVERING = "(?:冻|冷)得(?:直|浑身|全身|一直)?(?:哆嗦|发抖|打颤|打哆嗦)"
# Who is frail: the relatives and vulnerable people of `_PERSON`, and how residents say so
# otherwise (老娘, 俺娘, 独居, 瘫痪在床, 怀孕, 刚出生, 七十六了, 90岁).
_FRAIL_WORDS = (
    _PERSON
    + "|娘|婆婆|公公|老头|老太|老母亲|老父亲|独居|瘫痪|卧床|怀孕|孕|新生儿|刚出生|满月|月子|娃|"
    "手术|术后|病人|残疾|轮椅|(?i:grandma|grandpa|baby|mother|father|mom|dad|[6-9][0-9] years)|"
    "[6-9][0-9](?:多)?(?:岁|了)|[六七八九]十(?:多)?(?:岁|了)|一百岁"
)
_FRAIL = re.compile(_FRAIL_WORDS)
# The signs of hypothermia, or of a body failing in the cold, that a duty manager acts on at once:
# hard shivering, confusion, slurred speech, drowsiness, blue or grey skin, weakness, dizziness or
# chest trouble, a cold body or low temperature, a baby that will not feed or stop crying.
_SHIVERS = (
    "哆嗦|发抖|打颤|打摆子|抖个不停|直抖|一直抖|浑身抖|发颤|筛糠|打寒战|寒战|打冷战|"
    "(?:止不住|不停)(?:地|的)?抖|抖(?:得)?(?:停不下来|不停)|抖了|一直抖|(?i:shiver|shaking)"
)
_COLD_SIGNS = (
    "说胡话|迷迷糊糊|迷糊|糊涂了|意识不清|神志不清|反应(?:慢|迟钝)|叫(?:他|她)?(?:也|都)?不(?:怎么)?应|"
    "不认人|说不清|口齿不清|话都说不|昏昏沉沉|昏沉|嗜睡|叫不醒|蔫了|"
    "(?:嘴唇?|脸|手|脚|皮肤|身上)(?:都|冻|冻得)?(?:发紫|发青|发乌|乌了|紫了|青了|发白)|脸色(?:发青|发白|发紫|铁青)|"
    "站不住|站不稳|腿(?:都)?软|没(?:有)?力气|不听使唤|动不了|"
    "头晕|头昏|恶心|胸闷|胸口闷|心慌|心口疼|喘不上|血压(?:高|上来|升高)|抽筋|"
    "不吃奶|哭个不停|一直哭|体温(?:低|偏低|只有|才|3[0-5])|(?:身上|浑身|全身)(?:都)?(?:冰凉|冰冷|发凉)|"
    "没(?:啥|什么|有)?反应|蔫蔫|蔫巴|颠三倒四|(?:意识|神志)模糊|迷瞪|睡不醒|叫不精神|"
    "没(?:有)?知觉|走不了路|低温症|(?:嘴唇|脸)(?:都)?(?:黢|乌|青)紫|冰拔凉|后背(?:都)?冰凉|"
    "(?i:confused|unresponsive|hypotherm|lips (?:are |turned )?(?:blue|purple)|can'?t wake)"
)
# Milder signs that name an emergency only for someone frail in the cold: 一直犯困, 冻得手脚发麻,
# 吃奶也没劲, 小手冰凉, 站起来就晕, 吐了一回.
_FRAIL_SIGNS = (
    "犯困|打盹|发麻|麻木|吐了|呕吐|(?:吃奶|喝奶)(?:也|都)?没劲|小手(?:都)?冰凉|"
    "(?:就|直|发)晕|晕乎"
)


def _both(*patterns: str) -> re.Pattern[str]:
    """A pattern that matches a text containing every one of `patterns`, anywhere."""
    return re.compile("^" + "".join(f"(?=[\\s\\S]*(?:{p}))" for p in patterns))


_COLD_WORDS = (
    "冷|冻|凉|寒|不热|不暖|没暖气|没有暖气|停暖|停热|没供暖|温度(?:太|很|特别)?低|室温低|"
    "[0-9一二三四五六七八九十两]+度|零下|℃|没热|没暖|暖气没了|"
    "(?i:cold|freez|heating (?:is )?(?:off|out)|no heat)"
)
_COLD_CONTEXT = re.compile(_COLD_WORDS)
#: Shivering of someone frail, in the cold; the graver signs of anyone (the writer too) in the cold.
_FRAIL_IN_COLD = _both(_COLD_WORDS, _FRAIL_WORDS)
_ANYONE_IN_COLD = _both(_COLD_WORDS)
# Hurt by the heating itself: a radiator or pipe fell on someone, someone bleeding.
_HURT = "(?:砸|磕|碰)(?:到|伤|着)了?|砸在|流血|骨折"


@dataclass(frozen=True)
class _Trigger:
    """One pattern of one kind; `needs` must also match the (blanked) message, `unless` must not
    match the normalised message (it may name what the blanking removed, e.g. 抽烟)."""

    kind: Kind
    pattern: re.Pattern[str]
    needs: re.Pattern[str] | None = None
    unless: re.Pattern[str] | None = None


_TRIGGERS: tuple[_Trigger, ...] = (
    *(_Trigger("person", re.compile(p)) for p in _PERSON_PATTERNS),
    _Trigger("person", re.compile(_MILD_ILLNESS), needs=_COLD_CONTEXT),
    _Trigger("person", re.compile(_SHIVERING), needs=_FRAIL),
    _Trigger("person", re.compile(_SHIVERS), needs=_FRAIL_IN_COLD),
    _Trigger("person", re.compile(_COLD_SIGNS), needs=_ANYONE_IN_COLD),
    _Trigger("person", re.compile(_FRAIL_SIGNS), needs=_FRAIL_IN_COLD),
    _Trigger("person", re.compile(_HURT), needs=_both(_FRAIL_WORDS + "|我|人", "暖气|管|片|阀")),
    *(_Trigger("gas", re.compile(p)) for p in _GAS),
    _Trigger("gas", re.compile(_SMOKE_SMELL), unless=_SMOKING),
    _Trigger("gas", re.compile("漏气|跑气|泄漏|泄露"), needs=_GAS_CONTEXT),
    _Trigger("gas", re.compile(_GAS_LIKE), needs=_SMELL_CONTEXT),
    *(_Trigger("water", re.compile(p)) for p in _WATER),
    _Trigger("water", re.compile(_VALVE_STUCK), unless=_TOO_HOT),
    _Trigger(
        "water",
        re.compile("关不上|关不住|关不严|关不了|关不掉"),
        needs=_VALVE_NAMED,
        unless=_TOO_HOT,
    ),
)


# ------------------------------------------------------------------------------------ matching


@dataclass(frozen=True)
class _Hit:
    kind: Kind
    start: int
    evidence: str


def _blank_false_friends(text: str) -> str:
    """Replace false friends by as many `□`, so every other position stays where it was."""
    return _FALSE_FRIENDS.sub(lambda m: "□" * len(m.group(0)), text)


def _clause_start(text: str, position: int) -> int:
    """Where the clause holding `position` begins (after the last break before it)."""
    start = 0
    for m in _CLAUSE_BREAK.finditer(text, 0, position):
        start = m.end()
    return start


def _clause_end(text: str, position: int) -> int:
    """Where the clause holding `position` ends: markers after a report in its clause count."""
    m = _CLAUSE_BREAK.search(text, position)
    return m.start() if m else len(text)


def _negated(text: str, clause: int, at: int) -> bool:
    """A negation right before `at`, within its clause (not across a comma: 不热，漏水了)."""
    return bool(_NEGATION.search(text[max(clause, at - 8) : at]))


def _counts(text: str, plain: str, trigger: _Trigger, m: re.Match[str]) -> bool:
    """Whether a trigger match reports a present danger (module docstring: what does not count);
    `plain` is `text` before blanking, where hearsay markers such as 新闻 still stand."""
    core = m.start("core") if "core" in m.re.groupindex and m.start("core") >= 0 else m.start()
    clause = _clause_start(text, m.start())
    core_clause = _clause_start(text, core)
    if _negated(text, clause, m.start()) or _negated(text, core_clause, core):
        return False
    before = text[clause:core]
    if _HYPOTHETICAL.search(_SUSPICION.sub("", before)):
        return False
    if _HEARSAY.search(plain[clause : _clause_end(text, m.end())]):
        return False
    if trigger.kind == "water" and "爆" in m.group(0) and _OUTAGE_TALK.search(text):
        after = plain[m.end() : _clause_end(text, m.end())]
        if _HABITUAL.search(text) or _ASKED.match(plain[m.end() :]) or _CAUSE.search(after):
            return False
    if trigger.kind == "person" and _FUTURE.search(text[max(clause, m.start() - 3) : m.start()]):
        return False
    if text[m.end() : m.end() + 1] == "过" and text[m.end() + 1 : m.end() + 2] not in ("来", "去"):
        return False  # 漏过, 爆过: it happened once
    whole_clause = text[clause : _clause_end(text, m.end())]
    return not (_PAST.search(before) and not _ONGOING.search(whole_clause))


def _resolutions(text: str) -> list[int]:
    """Positions of reported resolutions (修好了, 不漏了, 味道散了), not asked-about ones."""
    found = []
    for m in _RESOLVED.finditer(text):
        before = text[max(0, m.start() - 4) : m.start()]
        after = text[m.end() : m.end() + 1]
        if _NOT_RESOLVED_BEFORE.search(before) or _NOT_RESOLVED_AFTER.match(after):
            continue
        found.append(m.start())
    return found


def _hits(text: str, plain: str, *, discounting: bool = True) -> list[_Hit]:
    """Every trigger match in the blanked `text` that reports a present danger (`plain` is the
    normalised text before blanking, for the `unless` checks); with `discounting=False` every
    match, negated, hypothetical or past ones included."""
    hits: list[_Hit] = []
    enquiry = discounting and bool(_ENQUIRY.search(text)) and not _HAPPENING.search(text)
    for trigger in _TRIGGERS:
        if trigger.needs is not None and not trigger.needs.search(text):
            continue
        if trigger.unless is not None and trigger.unless.search(plain):
            continue
        if enquiry and trigger.kind == "water":
            continue
        for m in trigger.pattern.finditer(text):
            if not discounting or _counts(text, plain, trigger, m):
                hits.append(_Hit(trigger.kind, m.start(), m.group(0)))
    return hits


def _prepared(text: str | None) -> tuple[str, str] | None:
    """(blanked, normalised) text, or None for no words / a "/" payload."""
    if not text or text.lstrip().startswith("/"):
        return None
    plain = _HOMOPHONES.sub("水", normalise(text))
    return _blank_false_friends(plain), plain


def detect_emergency(text: str | None) -> Emergency | None:
    """The emergency `text` reports, or None (module docstring: kinds and what does not count).

    Works on raw or already normalised text; a message starting with "/" is a button or keyword
    payload (`/inform{…}`), not words, and is never an emergency.
    """
    texts = _prepared(text)
    hits = _hits(*texts) if texts else []
    if not texts or not hits:
        return None
    # A reported resolution settles whatever was reported before it (漏水已经修好了); a report
    # after it stands (修好了今天又漏了).
    last_resolution = max(_resolutions(texts[0]), default=-1)
    live = [h for h in hits if h.start > last_resolution]
    if not live:
        return None
    best = min(live, key=lambda h: (KINDS.index(h.kind), h.start))
    return Emergency(kind=best.kind, evidence=best.evidence)


def only_discounted(text: str | None) -> bool:
    """True when `text` names a danger, but only negated, feared, hypothetical, settled or asked
    about in general (万一漏水怎么办, 不漏了, 上周漏过已经修好了, 漏水险怎么买).

    For the repair form, whose fault words cannot tell 万一漏水 from 漏水: such a message must not
    open an urgent ticket and page a person, while a leak in words this module does not know
    (暖气片裂缝了) still does.
    """
    texts = _prepared(text)
    if not texts or detect_emergency(text) is not None:
        return False
    blanked, plain = texts
    named = _hits(blanked, plain, discounting=False) or _EXPERIENCED.search(blanked)
    return bool(named or _resolutions(blanked))
