"""The emergency safety net's detector: is someone in danger right now, and of what kind?

Why rules beside the intent classifier: an emergency is rare in the training data, arrives in any
wording under any intent (a burst main in the stairwell was once classified `out_of_scope`; a
resident mid-form who writes 阀门关不上 is classified `inform`), and missing one costs a flooded
flat, a gas explosion or a person's health. So a message is checked by rule for the few things
that must never wait, independent of what the classifier thought, and the dialogue runs the urgent
path whenever this module says so (`bot.nlu.safety_net`).

Kinds, most urgent first (a message naming several gets the first):
* `person` — someone is unwell from the cold (冻病了, 冻得说胡话, 婴儿冻得直哭), scalded or hurt by
  the heating (烫伤, 热水喷到脸上), or in acute danger (晕倒, 昏迷, 喘不上气, 叫不醒): call 120
  first.
* `gas` — a gas-like or burning smell, smoke or fire (煤气味, 像烧塑料, 焦糊味, 插座冒烟,
  袜子烤着了), or signs of carbon monoxide with no acute sign (一家人都头晕恶心, 烧着炉子,
  热水器一开我就头昏脑涨: `cause` poisoning, whose first aid is fresh air and 120): leave,
  switch nothing, call the gas emergency number or 119.
* `water` — escaping water, a burst pipe or steam (漏水, 跑水, 爆管, 水流了一地, 楼道全是热水,
  冒白汽, 阀门关不住): the valves, the 24-hour number, an urgent ticket. A drip counts: the
  service policy handles every leak at once (unless the resident says it can wait).

How, and why this way. The first rules listed the phrases of the example sets whose misses had been
read; they caught 97-99 % of those sets and 83 % of the next one. So the rules are now built from
LEXICONS — word classes such as "what escapes" (漏, 渗, 滋, 飙), "water or steam", "a heating part",
"a place or a volume" (楼道, 一地, 没过脚脖子), "a frail person", "a sign of being unwell", "cold" —
combined by a few rules per kind, and a SCORE for the person kind. A synonym, a dialect word or a
typo is added to its lexicon once, and every rule that uses the class follows.

* water: an escaping verb with water or steam (漏水, 水从顶上下来, 冒白汽); a heating part that
  leaks or breaks (暖气片在渗, 管道在门口爆了); water or steam where it should not be (楼道全是水,
  一地暖气水, 楼梯成了河); a leak going on (一直滴, 正在喷, 漏到楼下); a valve that will not close
  (or turn back: 拧不回去); and, broader, water in a clause with what it does further on, a
  heating part named anywhere in the message (水哗一下就出来了 暖气片那, 水越积越多).
* gas: a gas word with a smell or a leak; a burning or gas-like smell (味 + 焦/糊/烧塑料/臭鸡蛋, or
  像煤气), an odd smell by a gas appliance (壁挂炉 + 臭味); smoke, smoke filling a place (楼道里烟
  很大), fire, something that caught fire (袜子着了, 保温棉着了); a failed flue (排烟管掉了, 倒烟,
  not led outdoors), exhaust or smoke drawn indoors (废气往屋里飘, 烟往屋里倒灌); an alarm going
  off (or a gas detector described, 检测燃气的东西在叫; its reading high); carbon monoxide named;
  the gas line by its yellow paint (黄色的管子嘶嘶响); gas words in pinyin (ranqi baojingqi xiang
  le) and English (the CO alarm keeps beeping, rotten eggs).
* person: acute danger counts alone (晕倒, 叫不醒; a fall with harm, 滑了一跤 起不来了); an injury
  by the heating needs a body or a person. Otherwise a PRODUCT: who is at risk x what is wrong x
  why now. Someone frail (老人, 婴儿, 孕妇, 透析病人, 92岁, or with a chronic condition: 高血压,
  糖尿病) with ANY counting sign (`_SIGNS`: dizzy, chest tight, cannot get warm, confused,
  listless, a cough …) and cold (冷, 冻, 不热, 13度 — not 39度) or fumes (炉子, 壁挂炉) is an
  emergency however mild the sign's word: 我家老人一个人在家 屋里就12度 老人说头晕. Anyone else
  needs sign weights of 3 (confusion, slurred speech, blue lips, cannot stand, chest trouble, a
  cold body 2; shivering, dizziness, nausea 1; an illness from the cold 3), a sign put down to the
  cold (冻得, 冻哭) adding 1: 冻得我直哆嗦 (1 + 1) and an angry 冷得要命 (no sign) do not count.
  Fumes score the signs of carbon-monoxide poisoning with a stove, its smell reaching people
  (一股味熏得) or several people (一家人都); such signs are named gas (poisoning), acute signs
  stay the person's.

Issue 16's seventh round (docs/dialogue.md, "The seventh round"): phrase lists carried over
weakly to each new writer, so the families are built from what residents notice. A symptom
lexicon is generated (a body part or function x the degree words put inside a sign x what it
does: 喘气也有点费劲, 胸口一阵阵发闷), and for someone frail any part of the body said to be wrong
counts; any sign by a burning appliance (热水器, 壁挂炉, 炉子, 锅炉) or with an unexplained smell
is carbon monoxide unless the cold explains it; a smell likened to gas's odorant, a fuel or
something burning (臭鸡蛋, 大蒜, 汽油, 烧头发), in either order, one that grows, any smell by gas,
a gas appliance or an electric heater; smoke or a flame in any order of words.

Issue 16's ninth round (docs/dialogue.md, "Ninth round"): water said without its noun (哗哗 by
a part or a ceiling, with a call for help or a flow that will not stop), what holds water back
failing (堵不住, every vessel full), water that rises, a ceiling giving way; a message of bare
keywords read as one clause (暖气片 爆 快) and emoji read as words; a person shut out or trapped in
the cold, found lying or curled up, or collapsed in a room; discounts for 着 as an aspect
(毛巾垫着了), any vessel under a drip, a leak stopped on its own, a time nobody is home asked
about, an animal's signs, the writer draining the heating, another trade's water only likened.

Issue 16's eleventh round (docs/dialogue.md, "Eleventh round"): anyone fallen into a well; someone
who cannot get out where water escapes is the person kind (他一个人出不来, 我女儿在里面 with the
door stuck); water coming in or welling up (几户门口都进水了, 往上翻), a room become a pool or a
sea, water pouring into a room, the water described between verb and noun (冒滚烫的水), a cry of how
hard it leaks (嗷嗷漏), a child's 尿尿 for a leak; English and pinyin signs of the cold; charcoal
burnt indoors (炭火锅, 火盆) as fumes; a splash onto a body without its particle (喷脸上). Discounts
for a sight there every winter asked about out of curiosity, a drip said to be slow by itself
(一小时也就一两滴), no water to be seen (看不到水), an old mark that does not grow, condensation
(暖气片表面出汗), the news named anywhere with nothing of here, a sewer's smell, a splash the
writer says did no harm (还好不算太烫).

Issue 16's thirteenth round (docs/dialogue.md, "Thirteenth round"): the English heating off in any
tense (the heating has been off all day, our heating broke); an English baby or old person too
sleepy or not feeding; pinyin of speech and movement gone (shuo bu chu hua, dong jiang) and the
characters' siblings (说不了话, 不会说话了, 奶奶冻僵了); skin lost to a hot part however much is
said between (烫掉一大块皮); with probe batch 23, more English (the heating packed up, mumbling, a
fever, scalded, skin peeling), silence for hours (一下午不说话了) and a fever by its figure
(烧到39度). Discounts for English negation before a report (no water coming out, it's not
leaking), an English supposition taken back (I thought the pipe burst but it didn't), and a
common cold held against the company with no other sign (孩子都感冒了 你们能不能负点责任).

Issue 16's sixteenth round (docs/dialogue.md, "Player findings 3, classes …: the sixteenth
emergency round"): a topic waved aside before a report sets no past frame (别跟我说交费的事了);
是不是你们管子破了 asks, it does not deny the heating; steam over water said hot (水是热的还冒着
烟); sparks or a burnt smell where a leak reached the electrics are the leak's (water); a gas joint
bubbling under soapy water is gas. Discounts for an English leak that can wait or lies in the past
(a few drops, a towel under it, this week; last winter), a gas smell's relation to the heating
asked with nothing here, a slight seep said small again (有点洇水 就是一点潮; in pinyin too), a
report taken back at once with the harmless thing meant (哦不对 是猫把水盆打翻了; 我是说进空气了),
and clothes scorched on a radiator put down to its heat (烘的衣服有股焦味 是不是太热了).

Text preparation: script and width (`bot.nlu.text.normalise`), typos of the domain's words (暧气,
伐门, 报管, 天然汽), voice input's 谁 for 水, the initials typed for the domain's words (nq 暖气,
mq 煤气), and pinyin typed without Chinese characters (lao ren dong yun le, 暖气lou水了) read as
the characters. English reports (water pouring from the ceiling, the radiator burst) count, and an
English hypothetical (what should I do if a pipe bursts) is read back to its sentence's start.

What does not count, because the words are there but the danger is not (the discount classes).
Markers are read in the match's clause (to a comma, or 30 characters in run-on voice input) or,
for a frame, back to the last marker that ends it:
* negated — 不漏了, 没有煤气味, 孩子没烫着, 水管没爆, no water coming out, it's not leaking;
* hypothetical, feared, conditional or asked ahead — 万一漏水, 怕冻裂, 遇到跑水, 漏水的话,
  会不会烫着, 以后漏了, 先问一下备用, 不然/否则/小心 … (a suspicion stays an emergency: 会不会是煤气
  泄漏); a harm warded off with the prohibitive 别 and a short verb phrase (别真砸下来砸着人, 可别
  烫着孩子), not 特别, 别提, 别急;
* to come, or every winter — 老人快冻病了, 都要晕倒了, 老人总是感冒;
* past — 上周漏过, 前几天跑水, 师傅来修了漏水, 漏水那事; a past frame holds until something
  present (去年冬天爆管 把楼下泡了 … ; 去年爆过 现在又漏了 counts);
* hearsay — 听说, 新闻, 业主群里都在传, 听邻居说; the frame holds until the writer's own home;
* settled or taken back after it — 已经修好了, 不漏了, 拧紧就好了, 拿下来了, 原来是邻居烤地瓜,
  开玩笑的 (a report after that stands: 修好了今天又漏了);
* a question about leaks in general — cost, responsibility, insurance, how long, how to check, what
  is normal (漏水维修费谁出, 请问地暖漏水一般怎么查, 物业说是正常的); 暖气漏水了，快来 is a report;
* a habit, not a report — 这几年老跑水 什么时候改造;
* a break or leak guessed as the cause of what the writer noticed, with no water seen — the heating
  stopped, the bill or the meter ran up (是不是哪里管道破了 怎么暖气凉了, 水表一直在转 是不是哪里
  漏水, 燃气费这么多 是不是漏气了);
* not the heating — another trade's water (热水器, 空调, 马桶, 晾的毛巾, 窗户上的水珠) when no
  heating part leaks, the tap water's pipes (凉水管, 自来水管; a bathroom's 水管 unless it bursts
  or pours), or the writer says so (跟暖气没关系);
* a valve that will not close while nothing escapes: it counts only with water, steam or an escaping
  word in the message, a call for help at once, the main valve (总阀) or 关不住/堵不住 (the flow
  not held) — a stiff valve (拧不动了 想关关不上 开也开不大) is a repair; nor while the writer says
  nothing leaks (阀门关不严 但是没漏) or wants it turned down (想关小都关不了); a part that holds no
  water broken off (阀门把手掰断了, 旋钮拧断了) with nothing escaping; a hiss heard (暖气一直滋滋响)
  with no water or steam seen (滋滋往外喷 counts); dampness that does not drip (湿乎乎的 没有滴);
  water long escaped and frozen, no heating part named;
* a leak that can wait — the writer says so (有点渗 不急, 不碍事, 方便时来), or it is small and
  contained or asked for later (有点渗 接了个盆; 关了阀 明天能来修吗), never with water pouring or
  a call to hurry;
* the writer's own home fine (我家没事, 我家暖气看着好好的), with no water seen; the company's
  repair of a main known from its notice (爆管抢修公告看到了); a main's burst named as an event
  (哦 是爆管啊 什么时候能修好) is still detected, and `names_only_a_main_burst` tells the caller so:
  whether the company is repairing such a burst where the writer lives is the outage store's fact,
  and actions/emergency.py answers with the stop when it is; the aftermath — damage, a claim,
  a certificate (墙皮都掉了 找谁赔) — unless it still leaks; an event both sides know of (上午那个
  爆管); a past time said after it (爆管是前年的事了); a leak to come (感觉快漏了);
* innocent smoke and smells — cooking, smoking, burning paper, fireworks, a chimney's emissions, a
  pot boiled dry (锅烧干了), works next door (装修切割, 电焊: their sparks too); a smoke alarm set
  off by any of these; a new appliance's smell, the dust a radiator burns off when the heating
  comes on (第一天供暖); smoke or a smell every day (天天冒烟) is a complaint; smoke dispersed
  (散了) or a fire out at once (盖上锅盖就灭了) settles it; poisoning named as what to prevent
  (防一氧化碳中毒的提醒);
* a leak guessed with the floor said dry (是不是漏了 地上是干的, 没看见水), who is liable for a
  break with nothing escaping (报停的房子管子冻裂了谁负责), a repair known to be under way; a
  slow drip rate contained (一分钟滴一滴 垫了块毛巾); a boiler flue's white vapour (排烟口冒白汽);
  a person recovered (缓过来了, 现在没事, 退烧了) or a certificate asked for an illness;
* figures of speech and anger — 冻死了, 冷得要命, 气得喘不过气, 急得冒烟, 暖气片烫手, and false
  friends that contain a trigger's characters (水费, 漏缴, 爆满, 火大, 冻结, 烫头, 晕车).

What happened to a person travels with the emergency (`Emergency.cause`): `poisoning` when the
signs come with fumes (a running stove or boiler, or a gas report that names the message gas),
`scald` for hot water or a hot part on a body; actions/emergency.py picks the first aid by it.
Heat counts as the why-now too: someone frail with signs of heat illness in an overheated room
(屋里32度 瘫痪的父亲 昏昏沉沉), or heatstroke.

Pure, and well under a millisecond for a usual message. tests/unit/test_nlu_emergency.py holds the
development examples and tests/unit/test_nlu_emergency_classes.py one test per lexicon, rule and
discount class.
"""

from __future__ import annotations

import functools
import re
from bisect import bisect_right
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any, Literal

from bot.nlu.form_answers import leak_worsening
from bot.nlu.text import normalise

__all__ = [
    "CAUSES",
    "EMERGENCY",
    "KINDS",
    "Cause",
    "Emergency",
    "Kind",
    "detect_emergency",
    "emergency_from",
    "names_only_a_main_burst",
    "only_discounted",
    "someone_frail_named",
]

Kind = Literal["person", "gas", "water"]
#: Most urgent first: when a message names several, the first one decides what the user is told.
KINDS: tuple[Kind, ...] = ("person", "gas", "water")
#: The message attribute (and parse-result key) the NLU component sets.
EMERGENCY = "emergency"


#: What happened to a person, when the words say (`Emergency.cause`): the first aid differs.
Cause = Literal["", "scald", "poisoning"]
CAUSES: tuple[Cause, ...] = ("", "scald", "poisoning")


@dataclass(frozen=True)
class Emergency:
    """What was found: the kind and the words that showed it (as in the normalised text), and
    what happened to a person when the words say: `scald` (hot water or a hot part on a body),
    or `poisoning` (someone's signs with fumes: a stove, a boiler, a gas report), whose first aid
    is fresh air and 120, not the cold's warm room (actions/emergency.py)."""

    kind: Kind
    evidence: str
    cause: Cause = ""

    def as_dict(self) -> dict[str, str]:
        """The parse-result form `{"kind": …, "evidence": …}` (and `"cause"` when one is known),
        read back by `emergency_from`."""
        found = {"kind": self.kind, "evidence": self.evidence}
        if self.cause:
            found["cause"] = self.cause
        return found


def emergency_from(value: Any) -> Emergency | None:
    """The `Emergency` of a parse result's `emergency` value, None for anything else."""
    if isinstance(value, Mapping) and value.get("kind") in KINDS:
        cause = value.get("cause")
        return Emergency(
            kind=value["kind"],
            evidence=str(value.get("evidence") or ""),
            cause=cause if cause in CAUSES else "",
        )
    return None


def _any(*alternatives: str) -> str:
    """One group matching any of `alternatives` (each a regex), for composing lexicons."""
    return "(?:" + "|".join(alternatives) + ")"


# ------------------------------------------------------------------------- preparing the text

# Typos of this domain's words, as phones and IMEs produce them; 暖器 only where it is not 取暖器.
_TYPOS: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(p), r)
    for p, r in (
        ("(?<!取)暖器|暧气|暖汽|暧器", "暖气"),
        ("伐门|阀们|阀闷", "阀门"),
        ("报管|暴管|抱管", "爆管"),
        # 暴 for 爆 by a part (暖气片暴了, 管子暴开了), 留 for 流 by water (水一直留, 暖气管留水了)
        ("(?<=[管片头口阀子])暴(?=了|开|裂)", "爆"),
        (
            "(?<=水)留(?=了|着|出|到|得|下|个|一|满)|(?<=[管片头口阀子])留(?=水)|"
            "(?<=水一直|水还在|水不停|水正在)留|(?<=水一直在)留",
            "流",
        ),
        # (a child's 暖气尿尿了 too)
        (
            "(?<=暖气|气片|管子|管道|阀门)(咋还|还|又|都|咋|在)?尿尿?"
            "(?=了|水|啦|$|[，,。.!！?？ ])",
            "\\1漏",
        ),
        ("煤汽|霉气|媒气|媒汽|煤器", "煤气"),
        ("燃汽|燃起(?=味|泄|漏|表|管|灶|报警)", "燃气"),
        ("天然汽|天燃气", "天然气"),
        ("(?<=[气片管阀头口])楼(?=水|了)", "漏"),
        ("(?<=[晕昏])到(?=了|在)", "倒"),
        ("嗞", "滋"),
        ("最唇|嘴纯|嘴春", "嘴唇"),
        ("多嗦|哆索|多索|打多嗦", "哆嗦"),
        ("发少|发骚(?=了|的|到)", "发烧"),
        ("发斗|发陡", "发抖"),
        ("口唇", "嘴唇"),
    )
)
# Voice input writes 水 as its homophone 谁: 暖气跑谁了 地上全是谁.
_HOMOPHONES = re.compile("(?<=[跑漏冒渗喷淌])谁|(?<=全是|都是|一地)谁")

# Pinyin typed without characters (nuanqipian lou shui le, lao ren dong yun le): a Latin run that
# splits wholly into pinyin syllables is read as the characters of this domain's words. English
# rarely splits so (smoke, gas, burst do not); a run must hold two known words, or be one known
# syllable between characters (暖气lou水了).
_SYLLABLE = re.compile(
    "(?:zh|ch|sh|[bpmfdtnlgkhjqxrzcsyw])?"
    "(?:iang|iong|uang|ang|eng|ing|ong|uai|uan|ian|iao|ai|ei|ao|ou|an|en|in|un|ia|ie|iu|ua|uo|"
    "ui|ue|er|a|o|e|i|u|v)"
)
_LATIN_RUN = re.compile("[A-Za-z]+(?: [A-Za-z]+)*")
_CJK = re.compile("[\u4e00-\u9fff]")
# pinyin=characters, `_` between syllables; words whose syllables alone would read wrong (fa men,
# not 发门; bao bao, not 爆爆) are listed whole.
_PINYIN: Mapping[str, str] = {
    m[1].replace("_", " "): m[2]
    for m in re.finditer(
        "([a-z_]+)=([^ ]+)",
        (
            "nuan=暖 qi=气 pian=片 guan=管 zi=子 dao=道 lou=漏 shui=水 pao=跑 bao=爆 lie=裂 po=破 "
            "pen=喷 mao=冒 di=滴 shen=渗 liu=流 men=门 le=了 kuai=快 lai=来 ren=人 jiu=救 ming=命 "
            "ji=急 mei=煤 ran=燃 wei=味 xie=泄 zhao=着 huo=火 yan=烟 shao=烧 dong=冻 yun=晕 hun=昏 "
            "mi=迷 bing=病 shang=伤 tang=烫 lao=老 re=热 bu=不 hai=孩 ma=妈 ba=爸 nai=奶 ye=爷 "
            "leng=冷 tou=头 teng=疼 ting=停 zhu=主 pai=派 hen=很 da=大 "
            "wei_shen_me=为什么 shen_me=什么 "
            "fa_men=阀门 fa_shao=发烧 bao_bao=宝宝 tian_ran_qi=天然气 fa_dou=发抖 zui_chun=嘴唇 "
            "zi_le=紫了 guan_zi=管子 de=得 dou=都 yi_dian=一点 han_hu=含糊 xiong_men=胸闷 "
            "yun_dao=晕倒 hun_dao=昏倒 e_xin=恶心 tou_yun=头晕 "
            "bu_xing=不行 wo=我 guo=过 qu=去 ta=她 jia=家 li=里 zai=在 xian_zai=现在 jia_li=家里 "
            "mei_you=没有 "
            # gas in pinyin (ranqi baojingqi xiang le, wuli you weidao; chufang louqi le)
            "ran_qi=燃气 bao_jing_qi=报警器 xiang=响 wei_dao=味道 lou_qi=漏气 xie_lou=泄漏 "
            "xie_lu=泄露 chu_fang=厨房 you=有 yi_zhi=一直 nong=浓 chou_ji_dan=臭鸡蛋 "
            "mei_qi=煤气 nuan_qi=暖气 hun_guo_qu=昏过去 yun_guo_qu=晕过去 dong_de=冻得 "
            "fa_shao=发烧 jiu_hu_che=救护车 tang_shang=烫伤 chu_shui=出水 shui_guan=水管 "
            "shuo=说 shuo_hu_hua=说胡话 hu_tu=糊涂 mi_hu=迷糊 hu_xi=呼吸 chuan=喘 ke_sou=咳嗽 "
            "fa_dou=发抖 duo_suo=哆嗦 zhong_du=中毒 yi_yang_hua_tan=一氧化碳 jiao_bu_xing=叫不醒 "
            # the body said cold (ti wen 34 du, shen shang bing liang, shou jiao bing leng)
            "ti_wen=体温 hen_di=很低 bing_leng=冰冷 bing_liang=冰凉 shen_shang=身上 shou_jiao=手脚 "
            "wu_li=屋里 mei_nuan_qi=没暖气 fa_zi=发紫 fa_qing=发青 "
            # what someone does no more, or cannot (yeye dong de shuo bu chu hua le, nainai dong
            # jiang le, hai zi mei fan ying)
            "shuo_bu_chu_hua=说不出话 shuo_bu_liao_hua=说不了话 bu_shuo_hua=不说话 shuo_hua=说话 "
            "bu_hui_shuo_hua=不会说话 dong_bu_liao=动不了 bu_hui_dong=不会动 dong_jiang=冻僵 "
            "mei_fan_ying=没反应 fan_ying=反应 zhan_bu_qi_lai=站不起来 qi_bu_lai=起不来 "
            "han_bu_xing=喊不醒 jiao_bu_ying=叫不应 hun_shui=昏睡 yi_zhi_shui=一直睡 "
            "bu_chi_nai=不吃奶 bu_chi_fan=不吃饭 bu_chi_bu_he=不吃不喝 mei_jing_shen=没精神 "
            "da_duo_suo=打哆嗦 zhi_da_duo_suo=直打哆嗦 qing_chu=清楚 bu_qing_chu=不清楚 "
            # a leak that can wait (you dian shen shui, bu yanzhong, mingtian neng lai ren ma)
            "you_dian=有点 yi_dian_dian=一点点 yan_zhong=严重 bu_yan_zhong=不严重 bu_ji=不急 "
            "bu_zhao_ji=不着急 ming_tian=明天 neng=能 you_kong=有空 hou_tian=后天 di_shang=地上 "
            "dao_chu=到处 shi=是 qing=请"
        ),
    )
}
_PINYIN_LONGEST = max(len(k.split()) for k in _PINYIN)
# The initials residents type for the domain's words (nq 暖气, mq 煤气, rq 燃气), alone or between
# characters (楼道mq味很大): read as the words before the pinyin is.
_INITIALS: Mapping[str, str] = {
    "nq": "暖气",
    "mq": "煤气",
    "rq": "燃气",
    "trq": "天然气",
    "mqw": "煤气味",
    "rqw": "燃气味",
    "bgl": "壁挂炉",
    "blgl": "壁挂炉",
}
_INITIALS_RE = re.compile("(?<![A-Za-z])(?i:(" + "|".join(_INITIALS) + "))(?![A-Za-z]) *")


def _syllables(run: str) -> list[str] | None:
    """The pinyin syllables of a Latin run, or None when some word is not pinyin."""
    out: list[str] = []
    for word in run.lower().split():
        parts = _SYLLABLE.findall(word)
        if "".join(parts) != word:
            return None
        out.extend(parts)
    return out


def _pinyin_to_characters(text: str) -> str:
    """`text` with every pinyin run of this domain's words replaced by characters (see above)."""

    def convert(m: re.Match[str]) -> str:
        syllables = _syllables(m.group(0))
        if not syllables:
            return m.group(0)
        out, known, i = [], 0, 0
        while i < len(syllables):
            for n in range(min(_PINYIN_LONGEST, len(syllables) - i), 0, -1):
                word = _PINYIN.get(" ".join(syllables[i : i + n]))
                if word:
                    # (a word of two syllables or more counts as much as two: ti wen 34 du)
                    out.append(word)
                    known, i = known + min(n, 2), i + n
                    break
            else:
                out.append("□")
                i += 1
        if syllables[-1] == "ma" and out[-1] == "妈" and text[m.end() : m.end() + 1] in ("?", "？"):
            out[-1] = "吗"  # zhuguan baole ma? asks
        between = bool(_CJK.match(text[m.start() - 1 : m.start()]) or _CJK.match(text[m.end() :]))
        return (
            "".join(out)
            if known >= 2 or (known and between and len(syllables) == 1)
            else m.group(0)
        )

    text = _INITIALS_RE.sub(lambda m: _INITIALS[m.group(1).lower()], text)
    return _LATIN_RUN.sub(convert, text)


# What a topic named in passing may hold: anything inside its clause.
_TOPIC = "[^，,。.!！?？;；、~～…\n ]"
# Everyday words that contain a trigger's characters; blanked (□) before matching.
_FALSE_FRIENDS = re.compile(
    # 嗓子都喊冒烟了, 心里都冒烟了, 锅炉房烟囱冒白烟, a dripping tap, condensation on a window
    "嗓子(?:都)?(?:喊|渴|干)?(?:得)?冒烟|心里(?:都)?冒烟|(?:急|气|愁|烦)得?我?(?:都|直)冒(?:烟|火)|(?:急|气|愁|烦)得我?冒(?:烟|火)|急冒烟|烟囱(?:在|一直)?冒(?:白|黑|青)?烟|"
    "(?:排烟口|排气口|烟道口|出气口|排烟管口|排气管口)(?:一直|老是?|总是?|在|那儿?)?(?:往外)?(?:冒|出|喷)(?:着)?"
    "(?:白汽|白气|白烟|白雾|水汽|热气|蒸汽)|"
    "水龙头(?:一直|有点|老是?)?(?:滴|漏)水|(?:像)?水龙头(?:似的|一样)|水珠|水蒸气凝|哈气|"
    "(?:窗户|玻璃|窗台)(?:上)?(?:的|全是|都是|结了?|有)?(?:好多|很多)?(?:水汽|水雾|霜|冰花|水)|"
    "自来水费|水电费|热水费|水费|漏缴|漏交|漏报|漏掉|漏看|漏填|漏写|漏接|漏扣|漏发|漏签|漏记|漏洞|"
    "漏了?(?:一|几|两|半)?个?(?:字|项|条|行|页|张|句|位|数字|号码|单元号?|门牌号?|楼号|房号|门号|"
    "信息|名字|电话)|"
    "(?:地址|信息|名字|号码|电话|单元号|门牌号?)(?:也|都|好像)?漏(?:了|写|填|说)|"
    # the hob's flame (灶火苗小), the heating getting going (暖气才烧起来), the supply cut
    # (暖气断了)
    "灶(?:的|上的|上)?火苗|火苗(?:很|太|有点|比较|特别)?(?:小|弱|发黄|发红|不稳|忽大忽小|不旺)|"
    "(?:(?<!电)暖气|供暖|屋里|屋子)(?:才|刚|刚刚|已经|开始|还没|也|总算)?(?:烧|热)起来|"
    "锅炉(?:才|刚|刚刚|开始|还没|总算)(?:烧|热)起来|"
    "暖气(?:给|被|又|都)?断(?:了|掉|供)|"
    # a mark burnt into a floor (木地板烫了个印子) is no scald
    "烫(?:了|出|坏了?)(?:个|一个|一道|好几个|两个)?(?:印|坑|洞|痕|黑|糊)|"
    "漏电话|遗漏|疏漏|走漏|滴水不漏|爆满|火爆|爆料|爆单|爆款|爆笑|爆棚|爆发|爆表|爆粗口|爆热|引爆|"
    "打爆|被打爆|火大|上火|发火|火冒三丈|"
    "火气|恼火|窝火|(?:我|都|直)冒火了?|(?<!炭)火锅|火车|火柴|火腿|火速|火急|火化|红火|冻结|冷冻|果冻|冻肉|冻品|"
    "气炸|气死|炸锅|炸毛|炸鸡|炸酱|油炸|崩溃|打不着火|点不着火|打不着|点不着|打着火|点着火|"
    "烫着呢|烫着哪|烫手|烫头|烫发|烫完头|烫衣服|烫伤膏|烫伤药|冻死|冷死|冻成狗|冻成冰棍|"
    "流水线|流水账|流水号|流水声|水流声|水声|(?:流水|水流)的?(?:咕噜|咕嘟|哗哗|哗啦)*(?:的)?(?:声|动静|响)|流量|流程|油烟|烟花|(?<!炉)(?<!炉的)(?<!炉子)烟囱|香烟|烟酒|发热量|"
    "冒险|冒昧|冒充|假冒|感冒药|喷漆|滋润|泡茶|泡面|泡脚|泡澡|淹没|"
    "新闻|闻名|听闻|见闻|水货|水平|漏水险|保温(?:层|棉|套)(?!(?:也|都|已经|好像)?(?:着|烧|冒烟|起火))|"
    "外皮|油漆|晕车|晕船|晕机|晕头转向|"
    "头晕眼花地|睡着了|找着了|"
    # an appliance that does not respond (点火没反应) is no person; a worry (让人头疼) no headache
    "(?:点火|打火|按|开关|按钮|面板|显示|屏幕|遥控器?|机器|炉子|壁挂炉|热水器|灶|电源|插上)"
    "(?:了|也|都|还是|一直|半天)?(?:没|没有|不)(?:啥|什么|任何)?(?:反应|动静)|"
    "(?:让|令|叫)(?:人|我)(?:很|真|挺|太|好)?头(?:疼|痛|大)|头疼的(?:事|问题)|"
    "(?<![熏呛闷冻冷])(?:得|的)我?头都(?:疼|痛|大)了|"
    # poisoning named as what to prevent (发个冬季防一氧化碳中毒的提醒, 注意防范煤气中毒)
    "(?:预)?防(?:止|范|治)?(?:冬季|冬天)?(?:煤气|燃气|一氧化碳|煤烟|天然气|CO)?中毒|"
    # the cold denied as the cause (头疼是老毛病了 不是冻的)
    "不是(?:被)?(?:冻|冷)(?:的|着的|出来的)|(?:跟|和)(?:冷|冻)没(?:有)?关系|"
    "(?:跟|和|与)暖气(?:片)?(?:没|无)(?:有)?关(?:系)?|"
    # soapy water brushed on a joint to test it for gas (the soap test trigger, `_NO_SOAP`) is
    # no escaping water
    "肥皂水|香皂水|洗洁精水?|洗衣粉水|洗衣液水?|肥皂沫|皂液|肥皂泡|"
    # a topic waved aside (你们先别跟我说交费的事了, 收费的事回头再说): no past event, so a report
    # after it is read as now
    "(?:先)?(?:别|甭|不要|不用)(?:再)?(?:跟|和|给|对)?(?:我|俺)?(?:说|提|讲|扯|谈|聊)(?:什么)?"
    + _TOPIC
    + "{0,10}?的事(?:情|儿)?(?:了)?|先不(?:说|提|管|谈|聊)"
    + _TOPIC
    + "{0,10}?的事(?:情|儿)?(?:了)?|"
    + _TOPIC
    + "{1,10}?的事(?:情|儿)?(?:先|回头|以后|等会儿?|待会儿?|过后|晚点)(?:再)?(?:说|聊|谈|讲)"
)

_PUNCT = "，,。.!！?？;；、~～…\n "
# How far a clause reaches from a match when nothing breaks it.
_CLAUSE_REACH = 30
_CLAUSE_BREAK = re.compile(f"[{_PUNCT}]|但是|可是|不过|结果|现在")
_GAP = f"[^{_PUNCT}费钱款价□]"
# Between a pipe and what it does: no person in between (暖气不热我都要炸了 is a figure of speech).
_NEAR = f"[^{_PUNCT}费钱款价□我你他她人要]"

# ------------------------------------------------------------------------------ the lexicons

#: Heating parts (and pipes in general: a burst water pipe floods a flat the same way).
_PIPE = _any(
    "暖气管道|暖气管子|暖气管|暖气片|暖气包|暖气罩|暖气|散热器|片子|管子|管道|水管|管线|立管|主管道|"
    "主管|总管|干管|热力管|供热管|回水管|进水管|阀门|总阀|分户阀|阀|接头|接口|弯头|三通|丝扣|活接|"
    "对丝|堵头|丝堵|放风阀|放气阀|排气阀|跑风|卡箍|过滤器|热表|地暖|地热|分水器|井盖|管"
)
#: Where escaped water or steam is seen.
_PLACE = _any(
    "地上|地面|地板上|地板|屋里|屋子里|家里|客厅|卧室|厨房|卫生间|厕所|楼道|楼梯间|楼梯|走廊|"
    "地下室|车库|电梯|单元门口|单元门|门口|小区|路面|路上|马路|下面|底下|旁边|周围|床底下|屋顶|顶上"
)
#: Water and steam: 水, 热水, 暖气水; 汽, 白汽, 蒸汽, 热气 (白烟 from a pipe is steam).
_WATER = "(?:热|开|暖气|脏|黑|黄)?水"
_STEAM = _any("蒸汽", "水蒸气|蒸气", "(?:白|热)(?:汽|气|雾)", "汽", "雾气")
#: Verbs of water escaping a pipe (冒 and 流 are used only where they cannot be smoke or a nose).
_ESCAPES = "漏|渗|洇|滴|冒|喷|呲|滋|哧|飙|射|淌|涌|窜|蹿|钻|跑|溢|返"
#: A hiss (滋, 呲, 哧) spraying water, not the sound alone: 暖气一直滋滋响 (air, or a valve) is a
#: sound, 滋滋往外喷 and 一直在滋水 are water.
_HISS = "(?:呲|滋|哧)(?![呲滋哧]*(?:的|地)?(?:响|声|叫|作响|放气|排气|冒气|出气|跑气|往外冒气))"
_FLOWS = "冒|喷|流(?![动速量程不])|淌|涌|漫|溢|渗|洇|滴|滋|呲|哧|飙|射|窜|灌|冲(?=出|下|进|了)"
#: Breaks of a pipe or a part.
_BREAKS = _any(
    "爆|炸|崩|裂|破(?:了|裂|开|口|洞)|断(?:了|开|成|掉)|折(?:了|断|成)|脱(?:了|开|落)|松(?:了|开|脱)|"
    "胀(?:裂|破|开)|(?:打|钻|扎)?穿了|"
    "开焊|开裂|裂缝|裂口|砂眼|出水了|(?:拧|掰|碰|撞|拽)(?:掉|断|飞)了"
)
#: A leak going on now (一直滴, 还在喷, 又漏了).
_ONGOING_ADVERB = "一直|还在|正在|不停地?|不断地?|又在|老在|还|又|在|开始|直接"
#: Volumes of escaped water: 一地, 满屋, 一大摊, 成了河, 没过脚脖子, 淹到.
_VOLUME = _any(
    "(?:一|满)(?:地|屋子?|楼道)(?:的|都是)?",
    "一(?:大|小)?(?:摊|滩|片|盆|桶)(?:的)?",
    "(?:都是|全是|全都是|满是|到处是|到处都是|积了|积满了?|一片|汪着|淌着|流着|一层|好多|很多|"
    "好大一摊)",
)

_GAS_WORD = "煤气|燃气|天然气|液化气|沼气|瓦斯"
#: What a smell is likened to when it means gas or a fire: 像烧塑料, 焦糊, 臭鸡蛋, 电线烧了.
_BURNT = _any(
    "臭鸡蛋|烂鸡蛋|坏鸡蛋|焦糊|焦煳|烧焦|烧糊|烧(?:塑料|电线|胶皮|橡胶|东西|着了)|糊|煳|焦|胶皮|橡胶|塑料|"
    "电线|硫磺|刺鼻|"
    # what gas's odorant is likened to (大蒜, 洋葱烂了, 臭屁), and fuels and chemicals
    "大蒜|蒜|洋葱|烂白菜|臭屁|放屁|屁|汽油|柴油|煤油|化学|化工|火药|硫|"
    # a lighter's or a canister's fuel (打火机那种气的味道, 卡式炉气罐的味)
    "打火机|火机|气罐|卡式炉|丁烷|"
    # something burning, said as a scene: 像在烧什么东西, 像谁家在烧东西
    "(?:有人|谁家?|哪家|哪儿|哪里|什么东西)?在烧|烧(?:什么|啥)(?:东西)?|" + _GAS_WORD
)
#: Things that catch fire on or by a radiator: 袜子着了, 窗帘烧着了, 被子烤糊了.
_FLAMMABLE = _any(
    "袜子|衣服|毛巾|被子|褥子|床单|窗帘|纸|纸箱|纸壳|布|沙发|东西|鞋垫|鞋|棉被|毯子|衣物|插线板|插排|"
    "保温(?:层|棉|套|材料)"
)
#: Electric things that smoke, spark or burn.
_ELECTRIC = _any(
    "电线|插座|插头|线路|电暖气|电暖器|电热毯|取暖器|小太阳|电器|电表|电闸|配电箱|温控面板|面板|"
    "插线板|插排|排插|充电器|电源|油汀"
)

#: Who is frail: old, very young, pregnant, ill, disabled, or said to be old by age.
_FRAIL_WORDS = _any(
    "老人|老太太|老爷子|老伴|孩子|宝宝|婴儿|小孩|孕妇|病人|爸|妈|奶奶|爷爷|姥|外婆|外公|娘|"
    "婆婆|公公|老头|老太|老母亲|老父亲|大爷|大妈|大娘|老汉|老两口|爹|独居|瘫痪|卧床|怀孕|孕|新生儿|"
    "阿嫲|阿嬷|阿婆|阿爷|阿公|老豆|老窦|老母|老妈子|老爹|老娘|嬢嬢|婆子|"
    "百天|宝|崽|奶娃|"
    "早产|刚出生|满月|月子|娃|儿子|女儿|闺女|手术|术后|透析|化疗|患者|残疾|轮椅|行动不便|"
    "心脏病|哮喘|植物人|偏瘫|半身不遂|老年|长辈|岳父|岳母|重病|病重|癌症|病危|"
    "(?i:grandma|grandpa|grandmother|grandfather|granny|baby|infant|mother|father|mom|mum|dad|"
    "new-?born|\\bnana\\b|\\bgran\\b|grand-?dad|little (?:boy|girl|one)|"
    "[0-9]{1,2}[- ](?:months?|weeks?)[- ]old|"
    "\\bkids?\\b|child|toddler|\\bsons?\\b|daughter|"
    "elderly|pensioner|old (?:man|woman|lady)|pregnant|[6-9][0-9] years|[6-9][0-9]-year|"
    "(?<![0-9])[6-9][0-9]\\)|aged [6-9][0-9])|"
    "[6-9][0-9](?:多)?(?:岁|了)|[六七八九]十[一二三四五六七八九]?(?:多)?(?:岁|了)|一百岁|"
    # a baby's age in months: at most two digits, read from the start of a number (an unbounded
    # [0-9]+ retried at every digit of a long digit run made the detector quadratic)
    "(?:(?<![0-9])[0-9]{1,2}|[一二两三四五六七八九十])个月"
)
#: A chronic condition that makes the cold dangerous (她有高血压, 我爸心脏不好): it makes its bearer
#: someone at risk, not a sign by itself (我妈血压高 冬天冷对她不好吧 is no emergency).
_CONDITION = (
    # ill already, in the writer's words (我本来就有病, 身体一直不好, 刚出院), not an insult
    # (你们有病吧)
    "(?:我|她|他|本来|本身|一直|身上|自己)(?:就|也|还|都)?有(?:病|慢性病|老毛病)(?![吧吗啊呀])|"
    "身体(?:本来|一直|本身)?(?:就)?(?:不好|很差|差|弱|虚)|体弱|刚出院|病号|带病|生着病|"
    # alone: nobody to call for help (我一个人住, 我自己在家)
    "一个人(?:住|在家|过)|自己(?:一个人)?(?:住|在家)|独自|(?:就|只有)(?:我|她|他|老人)(?:自己)?一个|"
    "没人(?:照顾|管|陪)|"
    "高血压|血压(?:一直|本来就?|也)?(?:高|不好)|心脏(?:病|不好)|冠心病|糖尿病|哮喘|慢阻肺|肺气肿|"
    "支气管炎|基础病|慢性病|脑梗|心梗|中风|搭(?:过)?桥|(?:放|装)(?:过)?支架|"
    "痴呆|阿尔茨海默|认知障碍|帕金森"
)
_FRAIL = re.compile(_any(_FRAIL_WORDS, _CONDITION))
#: A body or a person the heating can hurt.
_BODY = _any(
    "手|脚|腿|胳膊|脸|皮|眼|头|身上|背|胸|肚子|屁股|指|嘴", _FRAIL_WORDS, "人|我|自己|师傅|工人"
)
#: Cold, as a cause: 冷, 冻, 不热, a room at 16 ℃ or less (not a fever's 39度), 零下.
_COLD_WORDS = _any(
    "冷|冻|(?<![着受])凉|寒|冰窖|不热|不暖|没暖气|没有暖气|停暖|停热|没供暖|暖气停|暖气没|温度(?:太|很|特别)?低|"
    "室温低|零下|没热|没暖|低体温|失温|低温|暖气(?:片)?坏|暖气(?:一直)?不来|没来暖|断暖|断供|停供|"
    "暖气(?:片)?(?:也|都|一直)?(?:故障|不行|出(?:了)?问题|罢工|趴窝|不好使)",
    # the heating off, with a time or words between (家里暖气两天没来, 暖气这几天都不热)
    "(?:暖气|供暖|地暖)" + _GAP + "{0,6}?(?:没来|不来|没热|不热|没了|停了|断了|罢工|不工作|坏了)",
    "(?<![0-9.])(?:1[0-6]|[0-9])(?:\\.[0-9])?(?:度|℃)",
    "(?<![一二三四五六七八九十])(?:十[一二三四五六]?|[一二三四五六七八九两几])[一二三四五六]?(?:度|℃)",
    "(?i:cold|freez|no heat|without heat|(?<![0-9])(?:1[0-6]|[0-9]) ?(?:degrees|°)|"
    # the heating off in any tense (the heating has been off all day, heat's been out since
    # Monday, our heating broke, the radiators are dead)
    "\\b(?:heat(?:ing)?|radiators?|heaters?|boiler)(?:'s|'ve| is| are| has| have| had| was| were)?"
    "(?: been| not been)?(?: (?:off|out|down|broken|dead|gone|not working|not on)|"
    " (?:stopped|failed|broke|died|went (?:off|out)|cut(?: off| out)?|packed (?:up|in)|"
    "(?:is |are )?not working|(?:has|have|is|are|was|does|do|did|wo)n'?t (?:been )?"
    "(?:work(?:ed|ing)?|c[oa]me on|turn(?:ed)? on|switch(?:ed)? on)))\\b)",
)
_COLD = re.compile(_COLD_WORDS)
#: Fumes a stove or boiler gives off indoors (carbon monoxide).
_FUMES = re.compile(
    "煤火|炉子|煤炉|火炉|蜂窝煤|煤球|烧炕|火炕|炭火|炭盆|木炭|烧炭|壁挂炉|燃气热水器|煤烟|"
    # a charcoal hotpot or a fire basin lit for warmth (点了个炭火锅取暖, 生了个火盆)
    "火盆|炭炉|炭锅"
)
#: A combustion appliance in a home, which gives off carbon monoxide when it burns badly: the
#: fumes above and the gas appliances whose symptoms residents report (热水器一开我就头昏脑涨,
#: 头痛欲裂 壁挂炉一直开着); not the plant's boiler house (锅炉房).
_BURNER = re.compile(
    _FUMES.pattern
    + "|热水器|燃气灶|煤气灶|燃气炉|取暖炉|燃气取暖器|煤油炉|(?<!电)暖风机|锅炉(?!房)"
)
#: The appliance burning, or the people in its room, said in any words: 开着, 烧了一晚上, 封上火,
#: 窗户都关着, 一进卫生间就这样 (壁挂炉就装在卫生间里).
_BURNING = re.compile(
    "开着|烧着|生着|点着|燃着|开了|烤火|炭火|火盆|炭炉|炭锅|炭盆|木炭|烧炭|烧了|用了|用着|生了|生上|点了|点上|烧上|一直(?:在)?(?:开|烧|用)|开一|烧一|整晚|一晚上|一夜|"
    "通宵|一整天|封(?:上|了|火)|(?:窗户|门窗|窗)(?:都|也)?关|装在|就在|旁边|那块|那屋|那间|一进|一开|"
    "关了就|一关就"
)
#: A smell or a fume felt by a stove or a boiler (一股味儿熏得我头晕): the fumes reach people.
_FUMES_SMELT = re.compile("味|熏|呛|闷得")
#: Several people with the same signs: poisoning, not a cold.
_GROUP = re.compile("一家人|全家|家里人都|家人都|好几个人|几个人都|我们都|大家都|都")

# ---------------------------------------------------------------------------- discount classes

# Negation right before a trigger's core word: 不漏了, 没有煤气味, 没闻到什么煤气味, 水管没爆
# (是不是 asks, it does not deny).
_NEGATION = re.compile(
    "(?:不|没|没有|未|无|别|(?<!是)不是|并不|并没有|不会|没再|不再|从没|从来没有?|也没有?|都没有?|"
    "还没有?|并未)(?:有|闻到|闻见|发现|看到|看见|见|感觉|觉得|听说)?(?:什么|啥|任何|一点|一丝)?"
    "(?:热|凉|开|的)?$"
)
# Hypothetical, feared, conditional or avoided, anywhere earlier in the clause: 万一漏水, 怕冻裂,
# 会不会爆, 遇到跑水, 发生爆管.
_HYPOTHETICAL = re.compile(
    "(?:万一|如果|假如|假设|要是|倘若|若是|一旦|梦见|梦到|做梦|做了个梦|以防|防止|预防|避免|以免|担心|害怕|生怕|"
    "会不会|可能会|是否会|容易|差点|差一点|险些|别让|别把|不要让|免得|省得|再这样|再不|(?<!可)怕(?!冷)|"
    "不然|否则|当心|(?<!不)小心(?!翼)|(?:别|不要|不能|非要|非得|难道要)等(?:到|着)(?!了)|"
    "遇到|遇上|碰到|碰上|发生|(?<![\u4e00-\u9fff])(?:以后|将来|日后)|出现了?(?=.{0,3}(?:的话|时|怎么))|"
    "(?<![一不社机开这])会(?![儿议计员]))(?!是)"
)
# A harm warded off, the prohibitive 别 right before it (先把暖气片固定好 别真砸下来砸着人, 可千万别
# 烫着孩子): the writer fears it, nothing happened. Only a short verb phrase may stand between, with
# no 了 and no water or smoke (别磨蹭了水都漫了 and 别挂电话水还在喷 are reports), and not the 别 of
# 特别, 别人, 别提 (别提多冷了 is an intensifier) or of a word to the listener (别急, 别问).
_AVERTED = re.compile(
    "(?<![特分区告级派性识个类鉴辨离差])(?:可|千万|可千万)?别"
    "(?![人的处家墅扭样针致说管提急问挂吵闹扯等拖磨光只])"
    "(?:真|再|哪天|回头|到时候|给|让|把)?[^了水汽气烟味火□" + _PUNCT + "]{0,6}$"
)
# A time when nobody is home, asked about (出差不在家的时候管子爆了怎么办, 回老家期间暖气片冻裂了
# 找谁): a worry about what may happen then, unless water is seen or something is going on now.
_ABSENT_FRAME = re.compile(
    "(?:不在家|没人|出差|出门|出远门|回老家|睡着|睡觉|过年|放假|外出|旅游|住院|上班)"
    f"[^{_PUNCT}]{{0,4}}?(?:的时候|时候|期间|那几天|那段时间|时)"
)
_ASKED_AFTER = re.compile("怎么办|咋办|咋整|怎么处理|找谁|谁管|谁负责|该怎么|怎么弄|预防|谁赔|能赔")
# English breaks a clause at every space, so its hypothetical is read back to the sentence's start:
# what should I do if a pipe bursts? (not: water everywhere, come if you can)
_ENGLISH_HYPOTHETICAL = re.compile("(?i)\\b(?:if|in case|suppose|supposing|whether)\\b[^.!?]*$")
# English negation right before a report (no water coming out, it's not leaking, there isn't any
# water dripping, nothing is leaking): spaces break Chinese clauses, so it is read on its own, with
# only the words that can stand between a negation and what it denies (not "not sure but").
_ENGLISH_NEGATION = re.compile(
    "(?i)(?:\\bno|\\bnot|n't|\\b(?:is|are|was|were|has|have|do|does|did|ca|wo)nt|\\bcannot|"
    "\\bwithout|\\bnothing|\\bnever|\\bnone)"
    "(?: (?:any|a|the|more|hot|visible|real|actual|much|sign|signs|drop|drops|of|actually|really|"
    "even|is|are|was|been|water|steam|it|there|really))* ?$"
)
# English taken back after it (I thought the pipe burst but it didn't; turned out to be nothing):
# a supposition retracted in its sentence, or a false alarm said.
_ENGLISH_SUPPOSED = re.compile(
    "(?i)\\b(?:thought|assumed|seemed|looked like|sounded like)\\b[^.!?]*$"
)
_ENGLISH_RETRACTED = re.compile(
    "(?i)[^.!?]*?\\bbut (?:it|they|there) (?:did|was|is|has|were|are|had)n'?t\\b"
)
_ENGLISH_FALSE_ALARM = re.compile(
    "(?i)[^.!?]*?\\b(?:turn(?:s|ed) out (?:it was |to be |it's )?(?:nothing|just|only|fine)|"
    "false alarm)"
)
_LATIN_EVIDENCE = re.compile("[A-Za-z]")
# English past in the report's sentence (a pipe burst in my building last winter), with nothing
# said to go on now (…and it's leaking again now; has been leaking since last week).
_ENGLISH_PAST = re.compile(
    "(?i)\\b(?:last (?:winter|year|month|week|season|spring|summer|autumn|fall|time)|"
    "(?:years?|months?|weeks?|a while|some time) ago|back in|in (?:19|20)[0-9]{2}|previously|"
    "once before|the year before)\\b"
)
_ENGLISH_NOW = re.compile(
    "(?i)\\b(?:now|still|again|currently|today|tonight|this (?:morning|afternoon|evening)|"
    "at the moment|since|keeps?|started|starting|(?:is|are|am)(?: still)? [a-z]+ing)\\b|"
    "'(?:s|re) [a-z]+ing\\b"
)
_SENTENCE_END = re.compile("[.!?;。！？；]")


def _english_past(text: str, span: _Span) -> bool:
    """Whether an English report's sentence sets it in the past (`_ENGLISH_PAST`) with nothing
    going on now: English tense does not show in the verb (burst), so the time words decide."""
    start = max((m.end() for m in _SENTENCE_END.finditer(text, 0, span.start)), default=0)
    after = _SENTENCE_END.search(text, span.end)
    sentence = text[start : after.start() if after else len(text)]
    return bool(_ENGLISH_PAST.search(sentence)) and not _ENGLISH_NOW.search(sentence)


# …or after the trigger in its clause: 漏水的话, 爆管时, 跑水的时候.
_CONDITIONAL_AFTER = re.compile("^[^，,。.!！?？]{0,4}?(?:的话|时(?!间|候到)|的时候)")
# The leak as the object of a repair that was done: 师傅来修了漏水, 上次处理过跑水.
_REPAIRED = re.compile("(?:修|处理|换|弄|堵)(?:了|过|完|好)(?:的)?$")
# A suspicion reports a present danger: 会不会是煤气泄漏, 是不是漏煤气了, 怕是漏了.
_SUSPICION = re.compile("会不会是|是不是|可能是|怕是|担心是|好像是|应该是|估计是")
# The person kind speaks of what may come: 快冻病了, 都要冻出病来了, 早晚冻病, 都要晕倒了.
_FUTURE = re.compile(
    "(?:要|快|快要|都要|都快|早晚|迟早|就要)(?:被|把)?(?:人|我|我们|孩子|老人)?(?:给)?(?:冻|冷)?(?:得)?$"
)
# A sign put down to anger or waiting, not to cold or heat: 气得喘不过气, 被你们气晕了.
_ANGER = re.compile("(?:气|急|烦|愁|笑|累|吓|等|闹心|吵|闹)得|被(?:你们|他们|客服|物业)?气")
_PAST = re.compile(
    "上次|上回|上周|上星期|上礼拜|上个月|上月|去年|前年|以前|之前|曾经|那次|那回|前几年|前些年|早些年|"
    "前几天|前两天|前些天|前天|当时|那时候|那会儿?|那事|那件事|的事情?|那次"
)
# What ends a past or elsewhere frame: 去年爆过管 … 现在又漏了; 新闻说爆管了 … 我家也漏了.
_PRESENT = re.compile("现在|今天|今早|今晚|今年|刚才|刚刚|这会|此刻|目前|又|还在|正在|一直")
_HERE = re.compile(
    "我家|我们家|俺家|咱家|我这|我们这|我们楼|我们单元|我屋|家里|屋里|在家|我们小区|现在|刚才|刚刚|正在|"
    "还在|正往|正朝"
)
_ONGOING = re.compile(
    "又|还|仍|依然|现在|正在|一直|至今|今天|今早|今晚|刚才|刚刚|这会|此刻|目前|越来越|再次|不停"
)
# Resolutions cancel what was reported before them: 漏水已经修好了, 现在不漏了, 煤气味散了.
_RESOLVED = re.compile(
    # inspected and found fine (燃气公司的人来看过了说没问题)
    "(?:看|查|检查|测|检测)过(?:了)?(?:说|也说)?(?:没(?:问题|事|漏)|正常)|"
    "(?:师傅|燃气公司|物业|工作人员|你们)(?:的人)?(?:来)?(?:看了|检查了)?(?:也)?说(?:没问题|没事|没漏|是?正常)|"
    "修好了|弄好了|修复了|修完了|修完|处理好了|处理完了|处理了|解决了|没事了|没问题了|已经好了|"
    "不(?:再)?(?:往下|往外)?(?:漏|滴|渗|冒|喷|流|淌)(?:水)?了|退烧了|烧退了|不烧了|没(?:有)?再(?:漏|滴|渗|冒|喷)|止住了|堵住了|"
    "关住了|关上了|关好了|关死了|关掉了|拧上了|(?:已|已经)(?:修|处理|弄|换|焊)好|已修复|已解决|已处理|"
    "现在(?:已经|都)?(?:好了|没事了?)|缓过来了?|缓过劲来?|(?<![水汽烟味])好(?:多|些)了|暖和过来了?|听错了|看错了|搞错了|弄错了|说错了|虚惊一场|一切正常|恢复正常|(?:拧紧|拧好|擦干)(?:了|就好了?|就没了)|就好了|"
    "擦(?:了|干了?|掉了?)就(?:行|好|没事)|已经(?:找人|叫人)?修了|(?:找|叫)人修了|"
    "(?:焊|补|搞|换|修)(?:好|上)了|(?:水|漏|滴|渗)(?:已经|都|也|早就?)停了|"
    # stopped on its own (后来就没了, 这会儿没了, 自己停了), not the heating gone (现在没了暖气)
    "(?:后来|现在|这会儿?|目前|之后)(?:就|也|都|又|已经)?(?:没了|没有了|不见了)(?![暖热水气电人])|"
    "自己(?:就)?(?:停|好|干)了|"
    "开玩笑的|开个玩笑|说着玩的|哈哈哈?|原来是|后来发现是|结果是|点赞|表扬一下|好评|很及时|已经换了|换好了|换了(?:新的?|个新)|"
    "(?:拿|挪|移)(?:下来|开|走)了|火(?:已经|都|也)?(?:扑|浇)?灭了|扑灭了|浇灭了|(?:就|马上就|很快就|一下就)灭了|"
    "(?:现在|已经|都|也|早就?|就)散(?:了|掉了|干净了|没了)|散了就没了|(?:墙|墙皮|地|地板)(?:也|都)?(?:已经)?干了|已经干了|(?:味|味道|气味|烟)(?:已经|都)?(?:散了|没了|没有了|消失了|淡了)"
)
# A verb asked as "A or not A" (漏没漏, 爆没爆, 漏不漏水): the writer does not know.
_A_NOT_A = re.compile("([漏爆裂渗滴冒喷])(?:了)?(?:没有?|不)\\1")
# It happened once: 漏过, 爆过, 裂过 (not 漏过来: it is reaching us).
_EXPERIENCED = re.compile("(?:漏|爆|裂|冒|渗|淹|烫)过(?![来去])")
# A resolution word asked about, not reported: 什么时候能修好, 修好了吗.
_NOT_RESOLVED_BEFORE = re.compile("(?:能|会|要|才|没|没有|快|尽快|马上|时候|多久|怎么|帮我|给我)$")
_NOT_RESOLVED_AFTER = re.compile("[吗么没吧嘛]")
# What happened elsewhere or was only heard of reports no danger to the writer; read on the
# normalised text, since 新闻 is a false friend above.
_HEARSAY = re.compile(
    # (not the writer's own post or report: 我在网上报修了, 我发朋友圈了)
    "听说|新闻|(?<!发)(?<!发了)(?:朋友圈|抖音|快手)|网上(?!报修|投诉|提交|预约|留言|申请|报了|反映)|看到有人|外地|别的小区|隔壁小区|隔壁楼|演练|开玩笑|测试一下|"
    "传说|都在传|群里(?:说|都说|在说)|看视频|刷到|短视频|(?<![跟和给与同]我)(?<![跟和与同]他)(?<![跟和与同]她)视频(?:上|里)?说|业主群|听人说|听"
    + _GAP
    + "{1,4}?说|据说|看电视|(?<![到在])电视上|(?<![到在])电视里|电视剧|电影里|剧里|报道|视频里|"
    "朋友家|亲戚家|别人家|同事家|"
    "(?:同事|朋友|同学|亲戚)(?:说|讲|告诉)|他们(?:楼|小区|单位|公司)"
)
# The news or social media named after the event (上新闻了, 朋友圈都在转, 抖音上刷到的; named
# before, `_HEARSAY`'s frame holds): with nothing of the writer's home, now or a hurry, what they
# saw there is no report.
_NEWS = re.compile(
    "(?<!发)(?<!发了)(?:新闻|热搜|报道|抖音|快手|微博|短视频)|视频里|刷到|都在转|朋友圈(?:里)?(?:看到|说|在传|都在)"
)
# Asked ahead, for later: 先问一下备用, 提前了解一下, 打印出来贴在家里, 还没到冬天想先问问.
_AHEAD = re.compile(
    "先问|提前(?:问|了解|准备)|想先了解|了解一下|备用|以备|以防万一|打印出来|贴在家里|存一下|"
    "到时候|还没到冬天|为了以后|以后(?:要是|如果|万一)"
)
# A question about leaks in general (who pays, who is responsible, is it normal, how to check, how
# long) is not a leak report unless something says it is happening now.
_ENQUIRY = re.compile(
    "费用|维修费|多少钱|收费|收钱|收了|要钱|花钱|出钱|谁出|赔|保险|理赔|险|保不保|谁管|谁负责|归谁|哪个部门|"
    "你们管吗|归你们管|物业管|管还是|找物业还是|找你们还是|还是找你们|是找|找谁|工单号|单号|单子|进度|"
    "回访|调研|论文|作业|采访|(?:如何|怎么|怎样)应对|正常吗|正常现象|是正常|正常不|什么原因|为什么会|怎么预防|如何预防|怎么查|如何查|"
    "一般(?:怎么|多久|要|需要|是)|多久能|多长时间|要多久|合理吗|自己能|自己换|自己修|能不能自己|"
    "怎么处理比较|怎么办比较|要自己|怎么回事|咋回事|为什么|为啥|是不是因为|是因为|"
    "正常吧|正不正常|正常的吧|(?:帮|替)" + _GAP + "{0,4}?问"
)
# Which number to call (晚上暖气漏水打哪个电话): a question about whom to call, not a leak
# reported, unless the leak is said to be going on (漏水了, 在漏) or in the writer's home (我家暖气
# 漏水打哪个电话 reports it): players' findings 2, class H.
_CALL_ASKED = re.compile(
    "打哪个(?:电话|号)|打什么(?:电话|号)|(?:电话|号码)是?多少|哪个电话|什么电话|打给谁|给谁打|该打谁"
)
_LEAK_HERE = re.compile(
    "在(?:漏|滴|冒|喷|渗|流|淌|滋|跑)|(?:我|俺|咱)们?家|家里|屋里|卫生间|厨房|客厅|卧室|楼道"
)
# Called normal (问了物业说是正常的): a phenomenon asked about, not water escaping.
_NORMAL = re.compile("(?<![不])正常(?:的|现象|吗|吧|不)")
_ENQUIRY_OPENER = re.compile(
    "^(?:我)?(?:就|只是)?(?:请问|想问|问一下|问下|问问|咨询|想咨询|想了解|我想知道|打听|是问)"
)
# Said of a leak: the same (漏水那事, 跑水的事情, 漏水那个单子) is a known event, not a new one.
_TOPIC_AFTER = re.compile("水?(?:的|那|这)?(?:件|个)?(?:事|单子|工单)|水?(?:那|这)次")
# …and before it: 上午那个爆管, 这次漏水 — an event both sides know of.
_TOPIC_BEFORE = re.compile("(?:那个|这个|那次|这次|那起|这起|那场)\\Z")
_EVENT = re.compile("爆管|管爆|漏水|跑水|冒水|渗水")
# A past time said after the event in its clause: 爆管是前年的事了, 漏水是上周.
_PAST_AFTER = re.compile("[^，,。.!！?？ ]{0,3}?(?:是|在|发生在)(?:" + _PAST.pattern + ")")
# Water to come: 感觉快漏了, 早晚得爆.
_WATER_FUTURE = re.compile(
    "(?:快|快要|就要|眼看|早晚|迟早)(?:得|要|会)?$|(?:是不是|好像|感觉|估计|可能|怕是|看着)(?:快)?要$"
)
_STRONGLY_ONGOING = re.compile("还在|一直|正在|又|快来|救命|急|不停")
# A habit or a general statement, not a report: 这几年老跑水, 年年爆管, 动不动就漏.
_HABITUAL = re.compile(
    "年年|每年|老是|老(?=[漏跑爆冒滴渗])|总是|经常|常常|动不动就?|三天两头|这几年|那几年|又是"
)
# …and for a person's signs, what happens every winter (老人总是感冒), not what happens now.
_GENERALLY = re.compile(
    "总是|经常|常常|每年|年年|天天|每天|动不动就?|三天两头|一到冬天|每到冬天|每次"
)
# Said of a leak, these show it is going on now: 在漏, 一直, 快来, 救命, 急, a volume.
_HAPPENING = re.compile(
    "正在|一直|还在|不停|现在|刚才|刚刚|突然|快来|快点|赶紧|马上|救命|急|!|！|"
    "一地|满地|全是水|都是水|淹|哗哗|"
    # water seen spreading or still escaping (咋回事 地下一层全是热水 还冒汽 水位还往上涨)
    "(?:全|都)是(?:热|开|脏|暖气)水|还(?:在)?(?:冒|漏|流|喷|涨|往外|往下|滴|渗|淌)|往上涨|越涨越"
)
_HAPPENING_AFTER = re.compile("了|啦|咧|着")
# Another trade's water: not the heating company's emergency when no heating part leaks (a towel
# or a bucket holding back a leak is no other source: 晾的毛巾 is).
_OTHER_WATER = re.compile(
    "热水器|空调|洗衣机|马桶|水箱|水龙头|龙头|(?<![底地面边头])下水|洗手盆|面盆|水池|洗碗机|冰箱|鱼缸|饮水机|净水器|"
    "加湿器|太阳能|(?<!像|跟)(?<!屋里)(?<!家里)(?<!屋子里)(?<!房间)(?<!客厅)(?<!卧室)(?<!厨房)(?<!屋)(?<!往下)(?<![顶棚板])下雨|雨水|(?<!消)防水|拖地|水杯|杯子|晾的|晒的|搭的|冷凝水|卫生间地漏|淋浴|花洒|洗澡|浴缸|"
    "弄得|搞得|弄湿|化雪|雪水|融雪|尿|打翻|洒了|水壶|烧水|烧开水|煮|蒸锅|做饭|洗碗"
)
# The tap water's pipes: 凉水管, 自来水管; a bathroom's or a kitchen's 水管 too while the water is
# not pouring (卫生间水管子漏了 你们管不) — unless the water is hot (the heating's water is) or a
# heating part is named (卫生间暖气片).
_TAP_WATER = re.compile("凉水管|冷水管|自来水|(?<!楼)上水管")
_ROOM_PIPE = re.compile(
    "(?:卫生间|厕所|厨房|洗手间|浴室|洗手池|洗菜池|洗衣机)(?:里|的|里的|下面的?|底下的?)?(?:那根|这根)?水管"
)
_HOT = re.compile("热水|开水|烫|汽|热气|冒气")
# The writer says it is not the heating: 跟暖气没关系, 不是暖气漏的, 不是你们的管子
# (是不是你们管子破了 asks, it does not deny).
_NOT_HEATING = re.compile(
    "(?:跟|和|与)暖气(?:片)?(?:没|无)(?:有)?关(?:系)?|(?<!是)不是暖气|不关暖气的事|(?<!是)不是你们的?(?:管子|管道|暖气)"
)
_HEATING = re.compile(
    "暖气|地暖|地热|热力|供热|供暖|散热器|分水器|立管|回水|(?<!洗衣机)进水管|主管道|管道井|换热站|井盖|阀|热表"
)
# A break or leak guessed (or reported) as the cause of what the writer noticed — the heating
# stopped, the bill or the meter ran up — with no water seen: 是不是哪里管道破了 怎么暖气凉了,
# 停暖是因为主管道漏水吗, 年年爆管 停了也不通知, 水表一直在转 是不是哪里漏水.
_NOTICED = re.compile(
    "声|响|动静|通知|停(?:暖|热|了|气|的)|不热|凉了|没暖气|没有暖气|供暖|来暖|恢复|压力(?:不够|低|小)|不够热|"
    "水费|费用?(?:多了|高了|贵)|账单|多了[0-9一二三四五六七八九十百几]|(?:水|气|燃气|热)?表"
    + _GAP
    + "{0,4}?(?:转|走|跑)|受影响|影响"
)
_SUSPECTED = re.compile("是不是|可能是|估计|会不会是|是因为|因为|说是|怀疑|难道")
_CAUSE_AFTER = re.compile(
    "[^，,。.!！?？ ]{0,6}?(?:所以|才|导致|造成|引起|的原因)|[^，,。.!！ ]{0,3}?(?:吗|？|\\?)"
)
# Said to happen every winter, as a phenomenon (热力井盖往外冒热气 每年冬天都这样吧).
_USUAL = re.compile(
    "(?:每年|年年|一直|向来|从来|每次|天天|每天|往年|以前)"
    + _GAP
    + "{0,6}?(?:都|也)(?:是)?(?:这样|这个样|如此)|"
    "(?:每年|年年|一直|向来|从来|每次|天天|每天|往年|以前)(?:冬天)?(?:是)?(?:这样|这个样|如此)"
)
# Water long escaped and frozen, with no heating part named (单元门口有一滩水 结冰了): old water.
_FROZEN = re.compile("结冰|结成冰|冻成冰|冻上了")
# A gas leak guessed from a bill or a meter, nothing smelt or heard: 燃气费这么多 是不是漏气了.
_GAS_GUESSED = re.compile(
    "\\A(?![\\s\\S]*(?:味|闻|嘶|呲|头晕|报警|泡))(?=[\\s\\S]*(?:燃气费|煤气费|气费|燃气表|煤气表|气表|账单))"
)
# The writer says the leak can wait: 不急, 有空来看看, 方便的时候来换个垫.
_NOT_URGENT = re.compile(
    "不急|不着急|不用急|不紧急|不用太急|有空(?:的时候)?(?:过来|来|再来)|方便的时候|抽空|得空|"
    "(?:你们|您)?方便(?:时|的话)?(?:再)?(?:来|过来|上门)|等你们(?:有空|方便)|不碍事|不要紧|"
    "没(?:啥|嘛|什么)(?:大)?事|问题不大|不严重|不厉害|(?:过来|来|上门)就(?:行|可以)|"
    "有空" + _GAP + "{0,4}?来|等" + _GAP + "{0,5}?再(?:说|修|来|弄|换|看)"
)
# A drip said to be slow, by a word that makes it little (半天才一滴, 一小时也就一两滴) or a long
# time per drop (十几分钟一两滴): it can wait by itself, whatever else is asked — not a drop
# every little while (往外渗水 一会儿一滴 is a leak going on).
_DROPS = "(?:滴|掉)?(?:一|两|几|三|一两|两三|三四|三五)滴"
_SLOW_RATE = (
    "(?:一|几|好几|半|十几?|两|三|一两|两三)个?(?:分钟|秒钟?|小时|钟头|天|会儿?|晚上|宿|夜|上午|下午)"
    "(?:才|也就|就|只|只有|顶多|最多)" + _DROPS + "|"
    "(?:(?:一|几|好几|半|两|三|一两|两三)个?(?:小时|钟头|天|晚上|宿|夜|上午|下午)|半天|十几分钟|几十分钟|"
    "半个?小时)(?:大概|左右|能)?" + _DROPS
)
_SLOW_RATE_RE = re.compile(_SLOW_RATE)
# …or that it is small and asks for a later visit: 一个小时也就小半碗 明天白天能来修吗.
_MINOR = re.compile(
    "也就|就一点|很慢|慢慢|两滴|就滴了|一点点|小半|偶尔|一滴一滴|湿湿的|不大|不严重|轻微|一点儿|有点|有些|稍微|不多|"
    "一小(?:滩|摊|片|块)|几滴|(?:滋|呲|喷|冒|滴|流|漏)了(?:一)?(?:下|点)(?!子)|"
    # a slow rate: 一分钟滴一滴, 半天滴一滴, 一个小时也就几滴
    "滴一滴|(?:一|几|好几|半|十几?|两)个?(?:分钟|秒钟?|小时|钟头|天|会儿?)(?:才|也就|大概|左右)?(?:滴|掉)?(?:一|两|几)滴|"
    + _SLOW_RATE
)
# Any vessel put under a drip (盆, 桶, a jar, a lunch box, a cup).
_VESSEL = "(?:脸盆|水盆|盆|水桶|桶|碗|水杯|杯子|杯|罐头瓶|瓶子?|罐子?|饭盒|盒子|缸|锅|盘子?|塑料袋)"
# …or that it is contained (a bucket under it, a cloth round it, the valve closed): with a small
# leak, or a visit asked for later, it can wait — 有点渗 接了个盆 不碍事, 关了阀 明天能来修吗.
_CONTAINED = re.compile(
    "关了(?:总)?阀|关(?:了)?(?:总)?阀(?:门)?了|(?:拿|用)(?:纸|抹布|毛巾|布)擦了|(?:总)?阀(?:门)?(?:已经|都|也)?关(?:了|上了|死了|好了)|把(?:总)?阀(?:门)?(?:给)?关了|"
    "(?:放|搁|摆|拿|接|找|垫)了?(?:个|一个|只|一只)"
    + _VESSEL
    + "|(?:拿|用)"
    + _VESSEL
    + "接着|"
    + _VESSEL
    + "(?:在)?(?:底下|下面)?接着|垫(?:上|了|着)|"
    "(?:抹布|毛巾|布)(?:垫|堵|包|缠|裹)|(?:用|拿)(?:抹布|毛巾|布)(?:垫|堵|包|缠|裹)|"
    # a vessel or a cloth put to it, in any order (我拿碗接了, 用杯子接着)
    "(?:拿|用|找)(?:了)?(?:个|一个)?(?:" + _VESSEL + "|毛巾|抹布|布)(?:接|垫|擦|兜)(?:了|着|住|上)?"
)
_URGENT = re.compile(
    "快来|快点|赶紧|马上|立刻|立即|救命|(?<!不)(?<!不着)(?<!不用)(?<!不紧)(?<!不太)急|!|！|尽快|快派|快找"
)
_LATER = re.compile("明天|改天|过两天|下周|周末|白天(?:再)?来|约个时间")
_STRONG_WATER = re.compile("喷|哗哗|爆|淹|一地|满地|全是|都是水|涌|流了")
# A valve that will not close counts only while water escapes: 阀门关不严 但是没漏 能换吗.
_NO_LEAK = re.compile(
    "(?:没|不|没有|并没)(?:有)?(?:漏|渗|滴|冒|流)(?:水)?|(?:没|没有)水(?:出来|流出|冒出)|不出水|没出水"
)
# The writer says it is dry, no water seen (是不是漏了 地上是干的, 没看见水): a guess, not a leak.
_DRY = re.compile(
    "(?:看|查|摸)(?:了|过)(?:一下|一眼|一圈)?(?:也|都|是)?干(?:的|干的|巴巴|燥)|"
    "(?:看|查|找)(?:了|过)(?:一下|一圈|半天)?(?:也)?(?:没有|没漏|没水|没看到|没发现|啥也没有)(?!"
    + _GAP
    + ")|"
    "没(?:有)?(?:看到|看见|见到|发现|见|瞅见|瞧见)(?:有)?(?:水|漏|滴|湿)|"
    "(?:看|找|见|瞅|瞧|摸)不(?:到|见|着)(?:哪里|哪儿|哪)?(?:有)?(?:水|湿)(?!在哪|从哪|哪)|"
    "(?:地上|地面|地板|墙上|墙面|下面|底下|表面|周围|家里|屋里|我家|我们家|屋子里?|房间里?)"
    "(?:是|也|都|都是|还是|摸着|看着|全是|也是)?干(?:的|干的|着|燥|巴巴)|"
    "没(?:有)?水(?:渍|印|迹)?(?=$|[" + _PUNCT + "])"
)
# A repair known to be under way (物业说管子冻裂了在修 什么时候好), with no water seen.
_REPAIRING = re.compile(
    "(?:在|正在|已经在|开始)(?:抢修|维修|修|处理|焊)|修着呢|抢修中|维修中|检修(?![井口孔])|施工"
)
# …but not the company's repair of the stop, told as what the resident knows before the leak
# they report (我知道今天你们在抢修停暖，可楼上那家的暖气管子漏水了: hail u hau-037 was booked an
# ordinary visit): that repair is of the main, and the leak beside it is nobody's repair yet.
_STOP_NAMED = "停暖|停热|停气|停供|停了暖气?|暖气停了"
_STOP_REPAIR = re.compile(
    "(?:抢修|检修|维修|修)(?:的)?(?:" + _STOP_NAMED + ")|"
    "(?:" + _STOP_NAMED + ")(?:了)?(?:是|正|都|还)?(?:在)?(?:抢修|检修|维修|修)|"
    # (你们在抢修 in a message naming the stop: the company's repair of it)
    "(?<=[" + _PUNCT + "])(?:你们|热力|热力公司|公司)?(?:正|还|都)?在(?:抢修|检修|维修)"
    "(?:呢|吧|中)?(?=$|[" + _PUNCT + "])"
)


def _beside_the_stop(text: str) -> str:
    """`text` with the company's repair of a stop it names blanked (`_STOP_REPAIR`)."""
    if not re.search(_STOP_NAMED, text):
        return text
    return _STOP_REPAIR.sub("□", f"，{text}")[1:]
# Who is liable, asked of a break with no water seen and no hurry (报停的房子管子冻裂了谁负责).
_LIABILITY = re.compile("谁负责|谁(?:来)?赔|谁出钱|费用谁出|算谁的|责任|负责吗|归谁负责")
# A mark the writer says has not changed for days (好几天了也没变化, 一个月了还是那么大): an old
# mark asked about, nothing escaping now.
_UNCHANGED = re.compile(
    "(?:没|不)(?:有|啥|什么|怎么)?(?:变化|变大|扩大|再大|长大|再扩大|见大)|(?:还是|一直)(?:那么|这么)大"
)
# Condensation on a cold surface (暖气片表面出汗, 管子外面冒汗, 凝了一层水汽): not a leak, while no
# water is seen escaping.
_CONDENSATION = re.compile(
    "(?:表面|外面|外壁|外头|管子?|片子?|暖气片?|分水器|阀门?)(?:上)?(?:都|也|有点|一直)?"
    "(?:出汗|冒汗|结露|凝露|凝结|凝了|挂(?:着)?(?:一层)?水珠)|结露|凝露"
)
# Dampness (湿乎乎, 水印) the writer says does not drip: 一直湿乎乎的 没有滴 就是潮.
_DAMP = re.compile("湿|潮|水渍|水迹|水印")
# The writer's own home is fine: a question for someone else, or about a mark (我家没事,
# 我家暖气看着好好的).
_NOTHING_HERE = re.compile(
    "(?:我家|我们家|俺家|咱家|我这)(?:的)?(?:暖气(?:片)?)?(?:看着|看起来|倒|倒是|都|也)?"
    "(?:没事|没漏|不漏|好好的|挺好|没问题|正常|干的)"
)
# The company's own repair, known from its notice: 爆管抢修公告看到了, 你们正在抢修的管道.
_NOTICE = re.compile("公告|通知|通告|短信|推送|公众号|抢修(?:公告|通知|完|好|结束|中|的)|在抢修")
# Aftermath: damage claimed, compensation, a certificate, a lawsuit — the leak is over.
_AFTERMATH = re.compile("赔|损失|定损|证明|官司|起诉|报销|保险")
_MAIN_EVENT = re.compile("爆管|管爆|主管|干管|管网|管线|总管")
_DAMAGE = re.compile("墙皮|泡坏|泡了|鼓了|发霉|水印|吊顶|地板|天花板|淹了|被淹")
_STILL_LEAKING = re.compile(
    "(?:还|一直|正|不停地?|又|也)?在(?:往外|往下)?(?:漏|滴|流|冒|渗|喷|淌|涌)|"
    "(?:一直|不停地?|又)(?:往外|往下)?(?:漏|滴|流|冒|渗|喷|淌|涌)|快来|救命|赶紧|马上"
)


# ------------------------------------------------------------------------------------ triggers

#: Water seen moving: 水一直往外冒, 水从天花板往下滴, 水从他们顶上下来, 水哗哗地流, 水越来越多.
#: What escaping water is likened to besides a fountain (跟没关的水龙头似的, 跟帘子似的往下挂),
#: a tap said running (拧开的, 没关的) — a tap named alone is another trade's water.
_RUNNING = "(?:拧开|打开|开着|没关|开了|没拧紧|开大)(?:了)?的"
# (水龙头 is a false friend, blanked to □ before the patterns run)
_LIKE_WATER = (
    "(?:" + _RUNNING + ")(?:水龙头|龙头|□{2,3})|水帘|门帘|帘子|雨帘|瓢泼|倾盆|花洒|淋浴|喷头|"
    "下(?:小|大|暴)?雨"
)
#: A room's own ceiling (厨房顶, 卫生间顶上): where water from upstairs comes down.
_ROOM_TOP = "(?:厨房|卫生间|厕所|客厅|卧室|阳台|餐厅|屋|房间|洗手间|浴室)顶(?:上|棚)?"
_WATER_MOVES: tuple[str, ...] = (
    "水(?:一直|还在|还|正在|不停地?|不断地?|一下子?|突然|(?:哗哗|哗啦啦?|呼呼|咕嘟咕嘟|汩汩)(?:地|的)?|都|直|全|"
    "已经|开始|从"
    + _GAP
    + "{1,8}?|顺着"
    + _GAP
    + "{1,8}?)+(?P<core>往外|往下|往楼下|哗哗|下来|进来|出来|流下来|"
    + _FLOWS
    + ")|水越来越(?:多|大)|水越(?:流|漏|冒)越",
    "水(?P<core>(?:"
    + _FLOWS
    + ")(?:了|出|下来|个不停|不停|一地|到|进|满|得(?:到处|满地|哪都|厉害|很))|往外|往下|哗哗)",
)
#: Water or steam seen where it should not be: 地上全是水, 一地暖气水, 楼梯成了河, 没过脚脖子.
_WATER_WHERE: tuple[str, ...] = (
    "(?:流|淌|漏|漫|喷)了(?:一|满)(?:地|屋子?)|满(?:地|屋子?)(?:都是|全是)"
    "(?=(?:热|开|暖气|脏)?水|(?:白|热|蒸)?汽|白气|热气|$|[" + _PUNCT + "])",
    # (a volume of water, not of vapour or drops: 一层水汽 is condensation)
    _PLACE
    + "?(?:里|上|口)?"
    + _VOLUME
    + "(?:的)?(?:"
    + _WATER
    + "(?![印渍迹痕汽珠])|"
    + _STEAM
    + ")",
    # water that rises (水位一直在涨, 越涨越高): a flood growing, not a price
    "水(?:位|面)?"
    + _GAP
    + "{0,6}?(?<![费价钱])(?:越涨越|(?:往上|一直|还在|还|不停地?|在)涨|上涨|涨(?:到|起来|上来))|"
    # a volume with the water left out (积了一洼, 汪了一大滩), a stream (连成线)
    "(?:积|汪|淌|流|渗|漫)了(?:好大|老大)?(?:一|一大|一小)(?:洼|滩|摊|片|汪)(?![灰雪冰土])|连成(?:了)?(?:线|串)|"
    "成了(?:一条)?河|成河了|水帘洞|水漫金山|没过(?:了)?(?:脚|脚脖子|脚面|脚踝|膝盖|小腿|鞋)",
    "(?<![死])淹(?:了|到|着|没)|被淹|水淹|水漫|水柱|白烟滚滚",
    "(?<!垃圾)(?:盆|桶|碗)(?:都|也|又|全|全都)?(?:快)?(?:满了|接满)|接了(?:好几|半|一|两|几|大半)(?:个)?(?:盆|桶)|"
    "接(?:都|也)?接不(?:过来|住|完)|接不过来|(?:盆|桶)(?:都)?(?:接|装)不(?:过来|住|下)",
    # water likened to a fountain, a fire hose, rain: 水跟消防水龙似的往外滋, 漏得跟下雨似的 (said
    # of water, a part or a leak in its clause, not of tears: 哭得跟下雨似的)
    "(?:水|暖气|管|阀|接头|接口|片|分水器|漏|喷|冒|淌|流)"
    + _GAP
    + "{0,10}?(?P<core>(?:跟|像|和|好像|就像)(?:个|开了闸的)?"
    "(?:喷泉|水枪|消防(?:水龙|栓|水枪)|水龙|瀑布|下雨|小河|泄洪|开闸|" + _LIKE_WATER + "))",
)
# What a guessed cause (是不是管道破了) or a stuck valve does not have.
_WATER_SEEN = tuple(re.compile(p) for p in _WATER_MOVES + _WATER_WHERE)

_WATER_PATTERNS: tuple[str, ...] = (
    # rain indoors (屋里下雨了, 天花板往下下雨, 客厅顶棚下起雨来了): water from above, likened
    "(?:屋里|屋子里|家里|客厅|卧室|厨房|卫生间|房间里?|顶棚|天棚|天花板|吊顶|屋顶|房顶|顶上|"
    + _ROOM_TOP
    + ")"
    + _GAP
    + "{0,4}?(?P<core>下(?:起)?(?:了)?雨|下起雨)",
    *_WATER_MOVES,
    *_WATER_WHERE,
    # an escaping verb with water or steam: 漏水, 冒热水, 漏出好多水, 喷热气, 冒着大量白汽
    "(?:" + _ESCAPES + ")(?:了|着|出|出来)?(?:大量|好多|很多|大股|一股股|一股|一些)?(?:的)?"
    # …the water described by its heat or its look between (冒滚烫的水, 淌黑乎乎的水)
    "(?:(?:滚烫|滚开|滚热|冒(?:着)?热气|黑乎乎|黄乎乎|热乎乎|热腾腾|烫人|烫手|浑|脏|发黑|发黄)的)?"
    "(?:" + _WATER + "|" + _STEAM + ")(?![费电票泡])",
    "(?:流|淌)(?:了|出)(?:好多|很多)?" + _WATER,
    "发(?:大)?水(?![费电票])|跑冒滴漏|漫水",
    "往外(?:冒|喷|淌|涌|滋|呲|窜|蹿|冲|溅|飙|射|钻|洇|渗|顶|翻|流(?![钱失])|出(?![门去来差]))(?![黄黑青浓灰蓝白]?烟|火)|"
    "往下(?:滴|淌|流|灌|掉水|浇|泼|淋|冲|渗|漏|喷|涌)",
    # a heating part that leaks, drips or is wet: 暖气片一直在渗, 阀门那里滴滴答答, 接口有水渍
    _PIPE
    + _NEAR
    + "{0,6}?(?P<core>漏(?![风气电])|渗|滴(?!答|滴(?:地|的)?(?:叫|响|声))|喷|"
    + _HISS
    + "|飙)",
    _PIPE + _NEAR + "{0,6}?(?P<core>(?:浸)?湿(?:了|透|乎乎|漉漉)|浸透|水渍|水迹|"
    "(?<![里内])有水(?![声压费吗垢温位表]|流声|的声))",
    # …or runs or gives water: 暖气管流水了, 暖气片那里一直出水, 接口往外出水
    _PIPE + _NEAR + "{0,6}?(?P<core>(?:流|出|淌)(?:着|了)?(?:大量|好多|很多)?(?:热|开)?水)"
    "(?![费电票声口温量管阀压])",
    # …or breaks: 管子爆了, 暖气片裂了, 接头崩开了, 管道在我们单元门口爆了, 地暖管被打穿了
    _PIPE + _NEAR + "{0,4}?(?P<core>" + _BREAKS + ")",
    _PIPE + "在" + _GAP + "{1,8}?(?P<core>" + _BREAKS + ")",
    "爆管|管爆|爆水管|(?:崩|爆|炸)开了|(?:爆|裂|开)了个(?:大)?口子",
    # a leak going on: 又漏了, 还在漏, 一直滴, 正在喷, 漏得厉害, 漏到楼下, 4楼漏到3楼
    "(?:"
    + _ONGOING_ADVERB
    + ")(?:往外|往下)?(?P<core>漏(?![风气电])|渗|滴(?!答|滴(?:地|的)?(?:叫|响|声))|喷|"
    + _HISS
    + "|飙|淌|涌|"
    "(?:嘀嗒|滴答)(?!" + _GAP + "{0,4}响))",
    "漏得(?:厉害|很|挺|太|哗哗|稀里哗啦|到处|满地)",
    # a cry of how hard it leaks (嗷嗷漏 快来 暖气, 哗哗漏, 狂漏; not 狂喷, a flame war)
    "(?:嗷嗷|哇哇|哗哗|哗啦啦|呼呼|唰唰)(?:地|的)?(?:往外|往下)?"
    "(?P<core>漏|渗|滴|淌|涌|喷|冒|呲|滋)(?![风气电答烟火])|(?:狂|猛)(?:漏|滴|渗|淌)(?![风气电答])",
    # a drip that does not stop (滴滴答答不停, 滴答个没完)
    "(?:滴滴答答|滴答滴答|嘀嘀嗒嗒|滴答|嘀嗒)(?:地|的)?(?P<core>不停|个不停|没完|停不下)",
    "(?<![泄])漏(?:了|啦|咧|到|下来|进|着)(?![风气电])",
    "(?:楼道|地下室|车库|电梯井?|单元门?|屋里|家里|配电箱|电表箱|配电室|门口|大厅|商铺|[一二三1-3]楼|"
    "房间|卧室|客厅|厨房|管廊|机房|泵房|屋子)" + _GAP + "{0,3}?进(?:了)?(?:热|开|暖气|脏)?水",
    # water pouring into a place (热水正往配电室里灌, 水往电梯井里流)
    "水(?:正|正在|一直|还在|还|都|直)?往"
    + _GAP
    + "{1,8}?(?:里|内)(?P<core>灌|流|涌|淌|冲|漫|倒灌)",
    # a flood likened to a body of water (大厅成了游泳池, 单元门口一片汪洋, 地下室变成池塘了)
    "(?:成了|变成了?)(?:一片|个|了)?(?P<core>汪洋|游泳池|泳池|池塘|水塘|水库|湖|海)(?![绵鲜景报边南])|"
    "一片汪洋|汪洋一片",
    # from above: 楼上漏下来, 天花板往下滴, 墙都湿透了, 地板泡了, 电脑都泡了, 楼下淹了
    "(?:楼上|天花板|房顶|屋顶|吊顶|顶棚|墙上|墙里|墙角|墙面|墙皮|"
    + _ROOM_TOP
    + ")"
    + _GAP
    + "{0,6}?(?P<core>漏|渗|滴|往下流|往下淌|往下掉水|掉水)",
    "(?:地板|木地板|天花板|墙面|墙|房顶|屋顶|吊顶|地毯|家具|柜子|沙发|楼下|地砖缝?|毛巾|床|地上|地面)"
    + _GAP
    + "{0,3}?(?P<core>湿了|湿透|都湿|全湿|湿一片|泡了|泡坏了|被泡|泡水|泡(?:起来|鼓|胀|变形)了)",
    "(?:都|全|全都)泡(?:了|坏了|水了|着)",
    "(?i:pipe (?:has |just )?burst|burst pipe|water (?:is )?everywhere|flood(?:ing|ed)|"
    "can'?t (?:shut|turn) (?:it |the water )?off|leaking|water coming (?:through|in)|dripping)",
    # English water or steam escaping, a part that bursts: hot water pouring from the ceiling,
    # the radiator in my bedroom burst
    # (the verb is the core, where an English negation is read: the pipe is not leaking)
    "(?i:(?:water|steam)\\b[^.!?]{0,30}?(?P<core>pour|spray|gush|spurt|stream|flood|everywhere|"
    "coming (?:out|down|through)))",
    "(?i:(?:radiator|pipe|heater|valve|boiler)s?\\b[^.!?]{0,30}?"
    "(?P<core>burst|leak|crack|split|broke|spray))",
    "哗哗(?:地|的)?(?:流|淌|冒|出)(?:水)?|(?:手|手指头?|指头)?一?(?:松开|松手|松|拿开|挪开|放开|撒开|撒手|移开)(?:手)?(?:水)?(?:就|立马|马上)(?:往外)?(?:喷|冒|漏|流|呲|滋|涌|冲|窜|蹿|飙|射|淌|出来|哗)|往上(?:冒|喷|涌)|"
    # …water welling up from below (热水从地底下往上翻), not a stomach's (酸水往上返)
    "(?<![酸口])水" + _GAP + "{0,8}?往上(?:翻|返|拱|窜|蹿)",
    # steam: 蒸汽直往外冒, 暖气阀漏气
    "(?:蒸汽|热气|白汽|白气)(?:直|一直|哗哗)?(?:往外)?(?:冒|喷|窜)",
    "(?<!放气)(?<!排气)(?:暖气|管|(?<![放排]气)阀|片|接头|接口)" + _GAP + "{0,4}?(?P<core>漏气)",
)
# Water in a clause with what it does further on (水哗一下就出来了 暖气片那, 暖气片下面水越积越
# 多), with a heating part named anywhere in the message: the words residents put between the
# water and its verb are too many to list, so the verb is read from the cue alone, and negation
# before the cue (水不流动) drops it.
_WATER_CUE = _any(
    "出来|出水|往外|往下|往上冒|流(?![动通速量程])|淌|涌|冒|喷|滋|呲|漫|灌进|渗|漏|滴(?!答|滴(?:地|的)?(?:叫|响|声))",
    "越来越多|越积越多|越(?:流|漏|冒|渗|积|涌|滴)越|止不住|关不住|堵不住|接不住|接不过来",
)
_WATER_CLAUSE = (
    # not a sound likened to water (咕噜咕噜响 像有水在流)
    "(?<!像)(?<!像有)(?<!像是)(?<!好像有)(?<!似的)(?:热|开|暖气)?水(?![费电票表压温位垢泵龙管阀器声循])"
    + _GAP
    + "{0,10}?(?P<core>"
    + _WATER_CUE
    + ")"
)
_HEATING_PART = re.compile(
    "暖气|地暖|地热|散热器|分水器|集水器|立管|回水|进水管|主管道|管道|管子|阀|接头|接口|对丝|热力|供热"
)

# Water heard rushing (哗哗, 哗啦啦), from above (顶棚), a call for help or a flow that
# will not stop, and what makes it a noise in the pipes instead.
_WATER_SOUND = "哗哗|哗啦(?:哗啦|啦)?|稀里哗啦|哗(?:的|地)?一(?:下|声)"
_ABOVE = "天花板|顶棚|天棚|屋顶|房顶|吊顶|楼上"
_CALL = (
    "快|救命|求救|求助|救救|急|来人|怎么办|咋办|咋整|!|！|"
    "(?:还|还是|还在|照样|依然|仍然|一直)(?:在)?(?:" + _WATER_SOUND + ")|止不住|停不下"
)
_NOISE = re.compile("响|声|动静|吵|空气|放气|排气|气堵|睡不着")
_HOLD_FAILS = (
    "(?:停|止|堵|接|兜|吸|挡|拦|捂|按)(?:都|也)?(?:停|止|堵|接|兜|吸|挡|拦|捂|按)?"
    "不(?:住|下来|过来)(?!的话)"
)

# The valve will not close (阀门关不上, 关不住阀门, 水关不住) — unless the room is too hot and that
# is why they want it closed (暖气太热了，阀门关不上), or the writer says nothing leaks.
_VALVE_STUCK = (
    "(?:阀门?|总阀|开关|闸阀|水)"
    + _GAP
    + "{0,6}?(?P<core>关不上|关不住|关不严|关不死|关不了|关不掉|"
    "关不动|拧不上|拧不紧|拧不死|堵不住|止不住|按不回去|拧不回去?|关不回去?|拧不回来|关不回来)|"
    "(?:关不上|关不住|关不了|关不严)(?:阀门?|总阀|水)"
)
# A valve that will not close is urgent only while water escapes (the duty staff's line): a stiff
# valve that opens no wider either (暖气阀门拧不动了 想关关不上 开也开不大) is a repair. So the
# valve rules need water, steam or escaping in the message, a call for help at once (阀门关不上了
# 快来人: why else shut it now), the main valve, or words that say the flow cannot be held
# (关不住: 住 holds something back; 堵不住, 按不回去).
_ESCAPING = re.compile(
    "水|汽|漏|渗|滴|冒|喷|流|淌|呲|滋|哧|涌|溢|湿|关不住|堵不住|止不住|按不回去|"
    "(?i:water|leak|steam)"
)
# The main valve (总阀) is shut only to stop water: that it will not close is a report of water.
_VALVE_URGENT = re.compile(_ESCAPING.pattern + "|总阀|总闸|总水阀|" + _URGENT.pattern)
# A part that holds no water broken or pulled off (阀门把手掰断了, 暖气罩掉了): a repair, unless
# water escapes.
_DRY_PART = re.compile("把手|手柄|把儿|把子|旋钮|手轮|拉手|扳手|面板|外壳|暖气罩|罩子")
_TOO_HOT = re.compile("太热|热死|热得|过热|温度太高|调小|调低|关小|拧小|调节|调不了|太烫")
# 关不上 in its own clause, the valve named in another: 暖气放水阀坏了，关不上.
_VALVE_NAMED = re.compile("阀|跑水|漏水|冒水|喷水")

_GAS_PATTERNS: tuple[str, ...] = (
    # a gas word with a smell or a leak: 煤气味, 燃气泄漏, 液化气罐漏气, 好像漏煤气了
    "(?:" + _GAS_WORD + ")" + _GAP + "{0,6}?(?P<core>味|泄漏|泄露|外泄|漏|跑气|泄(?=了|啦|出))",
    "(?i:smells? (?:like |of )?gas|gas (?:leak|smell)|on fire)",
    # English alarms and smells (the CO alarm keeps beeping, carbon monoxide detector going off,
    # smells like rotten eggs); a chirp is the battery's
    "(?i:\\b(?:co|carbon monoxide|gas) (?:alarm|detector)s? "
    "(?:is |are |has been |have been |keeps? |kept |just |started |won'?t stop |still )*"
    "(?:go(?:es|ing)? off|went off|beep(?:s|ing|ed)?|sound(?:s|ing|ed)|ring(?:s|ing)|"
    "scream(?:s|ing)|blaring|flashing)|"
    "\\brotten[ -]eggs?\\b)",
    # a damaged gas line: 燃气管道被碰破了, 煤气软管裂了, 燃气表那儿嘶嘶响
    "(?:"
    + _GAS_WORD
    + ")(?:管道?|管子|软管|罐|表|阀门?|灶)"
    + _NEAR
    + "{0,6}?(?P<core>破|断|裂|爆|炸|脱|嘶嘶|呲呲)",
    "(?:泄漏|泄露|漏了?)(?:" + _GAS_WORD + ")",
    # a gas line or hose holed or hissing (燃气管子接灶的软管被老鼠咬了个洞 呲呲的)
    "(?:燃气管|煤气管|天然气管|燃气软管|煤气软管|灶(?:的|上的)?软管|(?<![暖热供回进排放])气管子|胶管|减压阀|气罐)"
    + _GAP
    + "{0,12}?(?P<core>破|断|裂|洞|口子|咬|脱|嘶嘶|呲呲|丝丝|哧哧|滋滋)",
    "闻(?:到|见|着|起来)?" + _GAP + "{0,8}?(?P<core>" + _GAS_WORD + ")",
    # fire: 着火了, 火苗窜出来, 插座打火花, 报警器一直在响
    "起火|着火(?!点)|失火|火灾|烧起来|燃起来|着起来|打火花|电火花|烧着了|短路|明火|"
    # a flame out of place: leaping, coming out, licking (not its colour: 火苗是蓝色的 正常吧)
    "火苗(?:子)?"
    + _GAP
    + "{0,6}?(?:窜|蹿|冒|往外|出来|燎|舔|烧到|呼呼|老高|很高|好高|很大|这么大|乱)|"
    "(?:冒|窜|蹿|喷|燎|往外)(?:出)?(?:了)?(?:个|一股|一团)?(?:黄|红|蓝|大)?(?:火苗|火舌|火)(?![车柴腿锅气])",
    # a gas appliance that bangs (壁挂炉轰的一声): a deflagration, not a knock in the pipes
    "(?:壁挂炉|锅炉|燃气灶|煤气灶|燃气热水器|热水器|炉子)" + _GAP + "{0,6}?"
    "(?P<core>(?:轰|砰|嘭|咚)(?:的|地)?一(?:声|下)|爆燃|炸了)(?![^。.!！?？]{0,12}正常)",
    _ELECTRIC + _GAP + "{0,4}?(?P<core>烧|冒烟|冒火|着火|打火|熔|化了|发黑|黑了|焦了|糊了)",
    # something by the heating caught fire: 袜子着了, 窗帘烧着了, 被子烤糊了
    # (着 after a verb of putting is its aspect, not fire: 毛巾垫着了, 被子盖着了, 布包着了)
    _FLAMMABLE
    + _GAP
    + "{0,2}?(?P<core>(?<![垫盖放挂搭晾铺裹包捂塞堵压围缠披穿接拿用搁摆晒收叠绑扎系])着了|"
    "烧着|烧起来|点着|燃了|烧了|烤着|烤糊|烤焦)",
    "(?:哪家|谁家|哪里|哪儿|里头|里面|什么东西|啥东西)(?:又)?着了",
    # a stove's or a boiler's flue that fails sends its fumes indoors: 排烟管掉了, 炉子倒烟
    "(?:排烟管|烟管|烟道|烟筒|排气管|炉(?:的|子的?)?烟囱|排烟"
    + _GAP
    + "{0,5}?管(?:子|道)?)"
    + _NEAR
    + "{0,6}?(?P<core>掉|脱|断|漏|堵|裂|开了|松)",
    "倒烟|返烟|回烟|倒灌烟|串烟|烟(?:都|全)?(?:倒灌|排|返)(?:到|进)?(?:了)?(?:屋|家|室内|房间|楼道)",
    "(?:排烟管|烟管|烟道|烟筒|排气管)"
    + _NEAR
    + "{0,4}?(?P<core>没(?:有)?(?:伸|通|接|引)(?:出去|到外面|好)|"
    "(?:直接)?排(?:在|到|进)(?:了)?(?:屋|家|室内|房间|阳台|封闭阳台|楼道|厨房))",
    "烟"
    + _GAP
    + "{0,6}?(?P<core>倒灌|倒(?:回|到|进)|灌(?:进|到)|回到|串(?:进|到)|往回)"
    + _GAP
    + "{0,3}?"
    "(?:屋|家|室内|房间|楼道|里|来)",
    "烟(?:都|全|直)?(?:往|朝|向|进|到)(?:屋|家|室内|房间|楼道|卧室|客厅|厨房)(?:子)?(?:里|内)?(?:都|全|直)?"
    "(?P<core>倒灌|倒|灌|回|串|钻|飘|冒)",
    "(?<!车)(?:废气|尾气|烟气)"
    + _GAP
    + "{0,8}?(?P<core>屋|家里|室内|房间|楼道|阳台|卧室|客厅|厨房|排风口|进来|进屋)",
    # a gas flame or a gas valve that will not close (燃气灶那块儿 火怎么也关不掉了)
    "(?:火|火苗|燃气|煤气|天然气|液化气|(?<![暖热放排])气阀|(?<![暖热放排])气门|灶)"
    + _GAP
    + "{0,8}?(?P<core>关不掉|关不上|关不住|关不了|灭不了|灭不掉|拧不上|拧不紧|拧不死)",
    # carbon monoxide named (会不会是一氧化碳), not its alarm's purchase (一氧化碳报警器怎么装)
    "一氧化碳(?!报警器|检测|探测)",
)
# Smoke: 冒烟, 屋里有烟呛得很, 烟往楼里灌 — unless somebody smokes, cooks, burns paper or lets off
# fireworks (a source the writer thought of and ruled out, 开始以为是楼下做饭, does not count).
_SMOKE = (
    "冒(?:着)?(?:黑|青|浓|黄|灰|蓝)?烟|"
    # smoke drifting, pouring or drawn in, the verb first: 楼上往下飘烟, 门缝里往里窜烟, 进烟了
    "(?:飘|窜|蹿|涌|灌|钻|倒|进|往下飘|往上飘|往里飘|往屋里?飘)(?:着|了|进来|出来|进|出|下来|上来)?"
    "(?:好多|很多|大量|一股股?|股|一些|阵阵|一阵)?(?:的)?(?:黑|青|浓|黄|灰)?烟(?![囱道台头筒花酒民瘾草灰缸斗叶卷感])|"
    "烟" + _GAP + "{0,10}?(?:看不清|看不见|啥也看不见|什么都看不见|伸手不见)|"
    "(?:有|冒出|起)(?:了)?(?:点|些|好多|很多|一股|股|一团|大)?(?:黑|青|浓|灰)?烟(?![囱道台头筒花酒民瘾草灰缸斗叶卷感雾味])|"
    # smoke sent indoors, words between (往屋里返黑乎乎的烟)
    "往(?:屋|家|室内|房间|楼道|里|卧室|客厅|厨房)(?:子)?(?:里)?(?:返|倒|灌|窜|蹿|飘|冒|钻|进|涌|串)"
    + _GAP
    + "{0,5}?烟(?![囱道台头筒花酒民瘾草灰缸斗叶卷感])|"
    "起烟|浓烟|黑烟|呛(?:人|得|死)|(?:屋里|家里|屋子里|楼道里?)(?:有|全是|都是)烟|"
    "烟往"
    + _GAP
    + "{0,4}?(?:冒|灌|窜|飘)|"
    # smoke filling a place where people are: 楼道里烟很大, 屋里烟气大得很, 满屋子的烟
    + _PLACE
    + "(?:里|内)?(?:的)?烟(?:气|雾)?(?:很|特别|好|太|非常|越来越|挺|老)?(?:大|浓|多)|"
    "(?:满|一)(?:屋子?|楼道|走廊)(?:的)?烟|"
    + _PLACE
    + "(?:里|内)?(?:有|全是|都是|满是|好多|很多|好大|一股子?|一阵阵?|一团|老大)(?:的)?"
    "(?:浓)?烟(?!味)|"
    "烟雾(?:缭绕|弥漫|腾腾|很大|特别大)|"
    "烟(?:是)?(?:从|打)"
    + _GAP
    + "{1,10}?(?:冒|出来|钻|飘|往外)|烟"
    + _GAP
    + "{0,4}?(?:冒出来|钻出来|飘出来)|"
    "呛(?:眼睛?|嗓子|鼻子|喉咙)|(?:嗓子|喉咙|眼睛)(?:有点|有些|发|直|都)?(?:呛|被熏|熏得)|"
    "熏(?:得)?(?:眼睛|睁不开|流眼泪|直流泪)"
)
_SMOKE_SOURCES = (
    "抽烟|吸烟|烟头|烟民|烟瘾|烧纸|烧香|烧烤|烤(?:地瓜|红薯|肉|串)|炒菜|做饭|煮|糊锅|锅糊|烧糊了饭|"
    "油烟|鞭炮|放炮|烟花|艾灸|蚊香|炒(?!股)|辣椒|炝锅|煎|熏肉|腊肉|熨|烫衣服|吹头发|卷发|"
    # a pot boiled dry or burnt, or food (锅烧干了, 锅烧糊了, 汤熬干了, 面包烤糊了; not a boiler's
    # 锅炉烧干)
    "(?:汤|粥|壶|(?<!炉)锅(?!炉))[^，,。.!！?？ ]{0,3}?(?:烧|熬|煮|炖)(?:干|糊|煳)|熬干|煮干|炖干|"
    "(?:饭|菜|粥|面包|饼|馒头|肉|鸡蛋|红薯|地瓜|土豆|吐司)(?:烤|烧|煮|熬|烙|蒸|煎|炸)?(?:糊|焦|煳)|"
    "烤面包|烤箱|烙饼|空气炸锅|"
    # the plant's chimney is a complaint about emissions, not a fire
    "(?<!炉)(?<!炉的)(?<!炉子)烟囱|热电厂|电厂|环保|"
    # …and a smell met outdoors all over the estate is an emission complaint, not a fire
    "走路(?:都|就)?(?:能)?闻(?:到|见)|出门就闻(?:到|见)"
)
# A smell of smoke or of burning (烟味, 有怪味 像烧塑料, 一股焦糊味) — unless it is one of those, or
# something new or fresh paint (新买的电暖器有股塑料味, 刚刷的漆).
_BURNT_SMELLS: tuple[str, ...] = (
    "烟(?:子|儿)?(?:的)?(?:味|气味)",
    "味[^。.!！?？]{0,6}?(?:像|跟|好像|类似|是)" + _GAP + "{0,2}?" + _BURNT,
    "闻(?:着|起来|上去|了一下)?(?:有点|有些|好像|就)?(?:像|跟|是)" + _GAP + "{0,4}?" + _BURNT,
    # something burnt, whatever it is: 有股烧头发的味道, 烤焦了什么的味
    "(?:烧|烤|燎)(?:着|焦|糊|化)?(?:了)?" + _GAP + "{1,4}?(?:的)(?:味|气味)",
    # …said before the smell, with what became of it: 塑料烧着的味道, 洋葱烂了的味
    _BURNT + "(?:烂|坏|臭|烧|烤|燎|着|焦|糊|化)?(?:了|着)?(?:的|一样的|似的)?(?:味|气味|气儿)",
    # …with the gas itself between (打火机那种气的味道, 打火机漏气的味儿)
    _BURNT + "(?:里|里面|那种|这种|那样)?(?:的)?(?:漏)?(?:气|气体)(?:的|一样的|似的)?(?:味|气味)",
)


# "Smoke" over hot water escaping is its steam (楼道满地热水 都冒烟了), when nothing smells,
# burns or sparks: the water kind, whose first steps (the valves, keep away) are the right ones.
_STEAM_AS_SMOKE = (
    # (the water said hot in any words: 水是热的还冒着烟, 水烫得很; 冒着烟 is no fire, 着火 is)
    "\\A(?=.*(?:热水|开水|暖气水|蒸汽|热气|水(?:是|还是|都是|特别|很|挺|可)?(?:热|烫|滚烫)))"
    "(?!.*(?:味|火|焦|糊|呛|烧|着(?:火|了|起来)|点着|电|插|线|炉|灶|煤|燃))"
)


# A sewer named as a smell's source (物业说是在清化粪池, 是下水道返上来的, 污水井在修): its
# rotten-egg smell is no gas.
_SEWAGE = "化粪池|粪|下水道|污水|排污|阴沟|臭水沟"


# The heating's first days (第一天供暖, 来暖头两天) burn off the dust on its parts (暖气片上的灰烤
# 着了): a smell every winter, not a fire.
_FIRST_HEATING = (
    "(?:开|来|供|通)暖(?:的)?(?:第一|头一|头两|前两|前几|头几)天|(?:第一|头一|头两|前两|头几)天(?:开|来|供|通)暖|"
    "灰(?:尘)?(?:被)?(?:烤|烧|烫)|上的灰"
)
# Clothes dried on a radiator (暖气片上头烘的衣服有股焦味 衣服都烤黄了) smell scorched: too hot a
# radiator, not a fire, unless they catch fire or smoke (the fire and smoke triggers say so).
_CLOTHES = "衣服|袜子|鞋垫|鞋|毛巾|裤子|内衣|手套|围巾|床单|被罩|尿布|尿不湿"
_DRYING = (
    "(?:烘|烤|晾|搭|晒|挂|放)(?:的|着的)(?:" + _CLOTHES + ")|"
    "(?:" + _CLOTHES + ")(?:搭|晾|放|挂|搁|盖|铺)(?:在)?(?:暖气|散热器)"
)
_SCORCHED = "太热|温度太高|太烫|(?:烤|烘|烫)(?:得)?(?:发)?(?:黄|硬|变色|变黄)|变黄|发黄|变色"
# Works next door (装修切割, 电焊, 打磨) smell burnt: a nuisance, not a fire here.
_WORKS = "装修|电焊|焊接|切割|打磨|施工"


def _unless_said(words: str) -> re.Pattern[str]:
    """`words` said in a clause, but not as what the writer first thought and ruled out."""
    return re.compile(f"(?:^|[{_PUNCT}])(?:(?!以为|不是|没|不|像|跟)[^{_PUNCT}])*?(?:{words})")


_INNOCENT_SMOKE = _unless_said(_SMOKE_SOURCES)
# …and the dust a radiator burns off when the heating first comes on (刚开暖气 有股灰尘烤焦的味),
# and clothes scorched on a radiator, put down to its heat or their colour, while nothing
# electric is named (a bare 暖气片上烤的袜子有股糊味 may smoulder, and an outlet's burnt smell
# beside them still counts).
_INNOCENT_SMELL = re.compile(
    _unless_said(
        _SMOKE_SOURCES
        + "|新买|新装|新换|刚买|第一次用|刚刷|灰尘|落灰|刚开暖气|刚来暖|刚供暖|头一回开|"
        "烧灰|积灰|一层灰|好多灰|很多灰|" + _SEWAGE + "|" + _FIRST_HEATING + "|" + _WORKS
    ).pattern
    + f"|\\A(?![\\s\\S]*(?:{_ELECTRIC}))(?=[\\s\\S]*(?:{_DRYING}))(?=[\\s\\S]*(?:{_SCORCHED}))"
)
# 漏气 / 跑气 / 泄漏 alone are gas when gas is named anywhere (好像漏气了，燃气灶那边);
# 像煤气 after a smell in another clause (有股怪味，像煤气).
_GAS_CONTEXT = re.compile(f"{_GAS_WORD}|气罐|燃气灶|煤气灶|灶台|壁挂炉|燃气热水器|锅炉")
_SMELL_CONTEXT = re.compile("味|闻")
_GAS_LIKE = "(?:像|好像|类似)(?:是)?(?:" + _GAS_WORD + ")"
# A message that names no soap, for the soap test (`_Trigger` unless: the soap is blanked).
_NO_SOAP = re.compile("\\A(?![\\s\\S]*(?:肥皂|香皂|洗洁精|洗衣粉|洗衣液|皂液))")
# The gas line is painted yellow (暖气管旁边那根黄色的管子, 黄管子): residents name it so.
_YELLOW_PIPE = "黄(?:色|颜色)?(?:的)?(?:那根|那个)?(?:管|铁管)(?:子|道)?"
# An odd smell (臭味, 怪味) by a gas appliance is gas: 燃气壁挂炉那儿有股臭味.
_ODD_SMELL = (
    "(?:臭|怪|异|刺鼻|难闻|冲)(?:的)?(?:味|气味)|"
    "(?:屋里|家里|屋子里|房间里?)?有(?:股子?|一股子?)?(?:味|气味)|"
    "味(?:儿|道)?(?:很|特别|挺|好|太)?(?:大|重|冲)|(?:说不上来|说不出(?:来)?|怪怪|不对劲)的(?:味|气味)|"
    # the smell said wrong (这味儿不对, 味道怪怪的)
    "味(?:儿|道)?(?:有点|有些|不太|就)?(?:不对|怪怪|怪)|"
    "(?:屋里|家里|屋子里|房间里?|满屋子?)(?:都是|全是|满是|一股)(?:的)?(?:味|气味)|"
    # any smell said in any words (一股子味儿, 冲鼻子, 凑近闻有点臭, 闻着不对): by a gas appliance
    # a resident notices a smell, not its name
    "一股子?(?:的)?(?:怪|异|臭|焦|糊|酸|冲|刺鼻)?(?:的)?(?:味|气味)|冲鼻|刺鼻|呛鼻|呛人|辣眼|"
    "闻(?:着|起来|一下)?"
    + _GAP
    + "{0,3}?(?:臭|冲|怪|不对|呛|刺)|(?<![不没])有(?:点|些)?(?:味儿|臭味|味道)|"
    # a smell of anything: 有股胶味, 闻到味了, 一阵一阵的怪味儿
    "(?<![不没])(?:有|闻到|闻见|一)(?:了)?(?:股子?|阵|点|些)?"
    + _GAP
    + "{0,4}?(?:的)?(?:味|气味|味道|味儿)"
)
_GAS_APPLIANCE = re.compile(
    "壁挂炉|燃气灶|煤气灶|燃气热水器|燃气表|煤气表|气罐|灶台|炉子|煤炉|锅炉(?!房)|(?<!电)热水器|燃气管|"
    "燃气阀|燃气炉|取暖炉|调压箱|调压柜|调压器|减压阀|" + _YELLOW_PIPE + "|" + _GAS_WORD
)
# …and an electric heater or a socket, whose smell is something burning (电暖器 有股胶味).
_SMELL_SOURCE = re.compile(_GAS_APPLIANCE.pattern + "|" + _ELECTRIC)
# A hiss by gas (燃气调压箱一直在嘶嘶响): gas escaping, not air in the heating's pipes.
_GAS_HISS = "(?:嘶嘶|丝丝|呲呲|哧哧|咝咝)"
# A smell that grows (越来越浓) is no passing whiff: gas or something burning, unless explained.
_SMELL_GROWS = (
    "(?:味|气味|味道|味儿)"
    + _GAP
    + "{0,8}?(?:越来越|愈来愈|越发|更)(?:浓|重|大|冲|呛|明显|厉害|刺鼻)|"
    "越来越(?:浓|呛|冲|刺鼻|臭)"
)
# Smells of everyday life (a drain, mould, rust, the tap water, a pet) that make no one's
# headache carbon monoxide (下水道返味 熏得头疼); the burnt and gas-like smells above stand alone.
_EVERYDAY_SMELL = _unless_said(
    _SMOKE_SOURCES + "|新买|新装|新换|刚买|第一次用|刚刷|灰尘|落灰|刚开暖气|刚来暖|刚供暖|头一回开|"
    "霉|潮|下水|垃圾|厕所|马桶|尿|汗|脚臭|铁锈|锈|漂白|消毒|香水|自来水|装修|刷漆|家具|猫砂|宠物|臭水|腥|药味|"
    "油漆|涂料|刷墙|甲醛|胶水|" + _SEWAGE
)
_SMELT = re.compile("味|闻(?:到|见|着|起来)|臭|冲鼻|刺鼻|呛")

# English smoke the writer explains: cooking, burnt food, candles, an alarm's battery.
_ENGLISH_INNOCENT_SMOKE = re.compile(
    "(?i)\\b(?:cook(?:ed|ing)?|toast(?:er)?|burnt (?:the |my |some )?(?:food|pan|pot|dinner|rice|"
    "bacon)|fry(?:ing)?|fried|bbq|barbecue|cigarettes?|candles?|incense|batter(?:y|ies)|"
    "chirp(?:s|ing|ed)?)\\b"
)
# A gas detector described, not named (家里那个检测燃气的东西).
_GAS_DETECTOR = (
    "(?:检测|探测|测)(?:燃气|煤气|天然气|一氧化碳|漏气)的(?:东西|玩意儿?|仪器|小盒子|那个|机器)?"
)
# A smoke alarm named, set off by something cooking or burnt in the pot (the sources above).
_SMOKE_ALARM_EXPLAINED = (
    "\\A(?=[\\s\\S]*(?:烟雾|烟感))(?=[\\s\\S]*?" + _INNOCENT_SMOKE.pattern + ")"
)
# An alarm chirping for its battery (报警器没电了一直滴滴叫) warns of nothing in the air.
_ALARM_BATTERY = re.compile("没电|电池|低电|换电|电量")
# A question about gas in general (天然气的味道是什么样的 怎么判断漏没漏), with nothing smelt here.
_GAS_ENQUIRY = re.compile(
    "是什么样|什么样的|怎么判断|如何判断|怎么辨别|如何辨别|怎么分辨|怎么知道|怎么检测|如何检测|怎么识别|"
    "有(?:什么|哪些)症状|什么症状|症状(?:是什么|有哪些)|怎么预防|如何预防|怎么急救|如何急救|"
    "(?:要|该)?注意(?:什么|些什么|哪些)|注意事项"
)
# …a general question, unless something here is said: a home, now, someone, a smell, a sign.
_GAS_HERE = re.compile(
    "闻到|闻见|闻着|有股|一股|我家|家里|屋里|现在|刚才|刚刚|这会|头晕|头疼|恶心|报警器|"
    "老人|孩子|宝宝|爸|妈|奶奶|爷爷|姥|老伴|老公|老婆|今天|昨晚|早上|"
    # a place or a smell said strong (厨房煤气味很冲 跟暖气有关系吗)
    "厨房|卫生间|楼道|客厅|卧室|这边|楼里|"
    "味(?:儿|道)?(?:很|特别|挺|好|太|越来越|有点|比较)?(?:大|重|浓|冲)"
)
# Whether a gas smell and the heating are related, asked with nothing here
# (请问煤气味跟暖气有关系吗？网上有人说暖气也会漏气): a question about gas in general, for the gas
# kind only (a person's signs asked about so are still theirs).
_GAS_RELATION = re.compile("有(?:没有)?(?:什么|啥)?关(?:系|联)(?:吗|么|没|不)?|有关吗|有没有关")

# Person, acute: counts alone (a collapse, no breath, poisoning, a fall into a pit).
_ACUTE = (
    "晕倒|晕过去|昏倒|昏迷|昏过去|不省人事|叫不醒|"
    # a sudden faint (起来一下就晕了, 突然晕了)
    "(?:一下子?|突然|猛地|当时)(?:就)?晕(?:了|过去)|"
    "(?:叫|喊|摇|拍|推|弄)(?:也|都)?不醒|醒不过来|"
    "(?:叫|喊|摇|拍|推)(?:了)?(?:半天|好几声|几下|好几下)?(?:也|都)(?:没|不)(?:醒|睁眼)|休克|抽搐|没(?:有)?(?:了)?呼吸|喘不上气|喘不过气|"
    "呼吸困难|口吐白沫|(?:煤气|燃气|一氧化碳|天然气|煤烟)中毒|中毒|中了?(?:煤气|煤烟)|"
    "(?:煤气|煤烟|炭|烟)(?:给)?熏(?:着|倒|晕)|熏着了|"
    "(?:有人|人|孩子|老人)"
    + _GAP
    + "{0,2}?(?:掉|摔|跌)(?:下去|进|到)(?:井|坑|沟)?|"
    + _FRAIL_WORDS
    + "(?:突然|一下子?|刚才|已经|直接|都)?(?:就)?晕(?:了|过去)|"
    "(?i:passed out|fainted|collapsed|unconscious|not breathing|stopped breathing|seizure)|"
    "(?<![机碗杯盘瓶壶])(?:摔|滑|跌|绊|栽)(?:倒|了一跤|了个跟头|了一下|一跤|下来|下去|了)(?:了)?"
    "[^。.!！?？□]{0,12}?"
    "(?:起不来|站不起来|爬不起来|动不了|不能动|"
    "(?:腿|胳膊|手|腰|骨头|脚|胯|屁股|头)" + _GAP + "{0,4}?(?:断|折)|骨折|流血|出血|昏)|"
    "(?:打|叫|拨)了(?:120|幺二零|救护车)|已(?:经)?(?:打|叫|拨)(?:了)?(?:120|救护车)|"
    # a sudden collapse (突然就瘫了, 一下子软下去了)
    "(?:突然|一下子?|猛地)(?:就)?(?:瘫|倒|栽|软)(?:了|下去|倒|在地|到地|地上)|"
    # someone found collapsed somewhere (我家阿姨倒在卫生间, 他一下子栽在地上)
    "(?:" + _FRAIL_WORDS + "|人|他|她|阿姨|室友|老公|老婆|同事|保姆|邻居|大叔|师傅)"
    "(?:突然|一下子?|直接|已经|就|竟然)*(?:倒|晕|昏|栽|瘫)(?:在|到)(?:了)?"
    "(?:地上|地板|卫生间|厕所|浴室|洗手间|厨房|门口|楼道|床边|床下|暖气)|"
    "(?:救护车|120)(?:来了|到了|拉走)"
)
# Person, hurt by the heating: scalded (烫伤, 烫起泡, 被暖气管烫了, 热水喷到脸上), or hit.
_SCALD_PATTERNS: tuple[str, ...] = (
    "(?<!漆)烫(?P<core>伤|破|红了|肿|起泡|出(?:了)?泡|掉(?:了)?皮|脱皮)",
    "(?<!漆)烫(?:得|掉了?)(?P<core>起泡|出(?:了)?泡|(?:一层)?皮|通红|红肿|睁不开)",
    # skin lost, however much (烫掉一大块皮, 烫得脱了层皮, 烫秃噜皮了, 手上的皮都被烫掉了), not
    # paint's or a wall's (漆皮, 墙皮)
    "(?<![漆墙])(?P<core>烫)(?:得)?(?:掉|脱|破|秃噜|下)(?:了)?" + _GAP + "{0,6}?(?<![漆墙])皮",
    "(?<![漆墙])皮(?:都|也|全)?(?:被)?" + _GAP + "{0,4}?烫(?P<core>掉|破|脱|烂|秃噜|没)",
    # 烫起了一串泡, 烫出好几个水泡
    "烫(?P<core>(?:起|出)(?:了)?(?:好大|老大|挺大|好几|好多)?(?:一|两|几)?(?:个|串|片)?(?:大|小)?(?:水)?泡)",
    "烫得(?:直|一直|都)?(?:哇哇|嗷嗷|哇哇大|嗷嗷直)?(?P<core>哭|叫|直跳|缩手)",
    "被" + _GAP + "{0,12}?(?P<core>烫)(?:了|伤|着|到|一下|起)",
    "(?P<core>烫)(?:着|到|伤|了)(?:了)?" + _BODY,
    "把" + _GAP + "{0,6}?(?P<core>烫)(?:了|伤|着|到)",
    _BODY + _GAP + "{0,8}?(?P<core>烫)(?:了|伤|着|到(?![不没能可])|一下)",
)
# English scalds: scalded, blistered, burnt a body, skin peeling, hot water or steam onto a body
# (with a hot thing or the heating named: my toddler touched the hot pipe, his palm is blistered).
_ENGLISH_SCALD = (
    "(?i:\\bscalded\\b|\\bblistered\\b|\\b(?:got|has|have|had) (?:a |some )?blisters?\\b|"
    "\\bblisters? (?:on|all over)\\b|"
    "\\bburn(?:ed|t|s)? (?:his|her|my|their|our|the baby'?s?|the child'?s?) |"
    "\\b(?:skin|palm|hand|arm|leg|face) (?:is |was |has )?"
    "(?:peeling|c[oa]me off|coming off|red raw)|"
    "(?:water|steam) (?:sprayed|splashed|poured|shot|went|squirted|spilled)(?: all)? "
    "(?:onto|on|over|into|in) (?:my|his|her|their|our|the baby'?s?|the child'?s?|someone'?s?) "
    "(?:face|eyes?|arms?|hands?|legs?|feet|foot|skin|body|back|chest|head)\\b"
    "(?=[^.!?]{0,60}(?:hurt|burn|red|blister|peel|pain|scream|cry|crying)))"
)
_ENGLISH_HOT = re.compile("(?i)hot|boiling|pipe|radiator|steam|valve|heater|heating|boiler")
# Water or steam on someone, with an injury (the heating's water is hot): 热水喷到脸上了 眼睛睁不开,
# 被热水浇了一手 皮都掉了; 水滋了我一脸 alone is the leak, not a scald.
_SPLASH = (
    _any(_WATER, _STEAM)
    + _GAP
    + "{0,2}?(?P<core>喷|溅|浇|呲|滋|泼|冲|淋)(?:(?:了|到|在)"
    + _GAP
    + "{0,3}?(?:一手|一脸|一身|满手|满脸|"
    + _BODY
    + ")|"
    # …the particle left out before the body part (热水喷脸上了, 开水呲手上了)
    + _BODY
    + "上)"
)
# The writer says the splash did no harm (还好不算太烫, 幸好不烫, 没烫着): the leak, not a scald.
# (not the radiator's 不烫, a complaint of its own: 暖气一直不烫)
_UNHARMED = re.compile(
    "(?:还好|幸好|好在)(?:水|是)?(?:不算|不怎么|不太|不是很|不|没)(?:太|很|那么)?(?:烫|热)|"
    "(?:还好|幸好|好在)(?:水)?(?:是)?(?:温的|凉的|温水|凉水)|没(?:有)?(?:被)?烫(?:着|到|伤)"
)
_SPLASH_ANY = (
    "(?P<core>喷|溅|浇|呲|滋|泼|熏|扑|冲|淋)(?:了|到|在|着)" + _GAP + "{0,4}?"
    "(?:一手|一脸|一身|满手|满脸|满身|(?:" + _BODY + ")(?![家们屋这那里楼房]))"
)
# A fall with a harm anywhere in the message (奶奶上厕所摔了，地上都是暖气漏的水，她说腿疼动不了).
_FALL = (
    "(?<![机碗杯盘瓶壶])(?:摔|滑|跌|绊|栽)"
    "(?:倒|了一跤|了个跟头|了一下|一跤|下来|下去|了|(?:在)?地上)"
)
_FALL_HARM = re.compile(
    "(?:还|一直|半天)?没(?:能)?(?:起来|爬起来|站起来|动)|起不了|"
    "起不来|站不起来|爬不起来|动不了|不能动|骨折|流(?:了)?(?:好多|很多)?血|出血|磕破|昏|"
    "(?:腿|胳膊|手|腰|骨头|脚|胯|屁股|头)" + _GAP + "{0,4}?(?:断|折|肿)|"
    # the head or the back striking (头磕在地上, 脑袋撞到暖气片上, 后脑勺着地)
    "(?:头|脑袋|后脑勺?|脑门|后背|背|腰|屁股|脸)"
    + _GAP
    + "{0,4}?(?:磕|撞|碰|砸)(?:在|到|着|破|伤)|"
    "(?:头|脑袋|后脑勺?|后背|背|腰|屁股|脸)(?:先)?着(?:的)?地"
)
_BLISTER = (
    "(?:"
    + _BODY
    + ")"
    + _GAP
    + "{0,4}?(?P<core>起(?:了)?(?:个|一个|一串|好多|一片|几个|两个)?(?:大|小)?(?:水)?泡)|"
    # …or burnt red, or a blister said in a clause of its own (胳膊上烫出一片红印子 起了水泡)
    "烫(?:出|起)(?:了)?(?:一片|一大片|一块|一大块|一道)?(?P<red>红|泡|水泡)|"
    "(?<![^" + _PUNCT + "])起(?:了)?(?:个|一个|一串|好多|一片|几个|两个)?(?:大|小)?水泡"
)
# A body touched a heating part and is hurt, no 烫 said: 孩子碰到暖气管 手上一大块红的 起泡了,
# 扶着暖气管子 手掌一下就红了 (a scald; the cold's red hands are not).
_CONTACT = (
    "(?:碰|摸|扶|抓|靠|贴|挨|蹭|按|握|踩|坐|趴|抱|攥)(?:到|着|了|在|上)?"
    + _GAP
    + "{0,4}?(?:暖气|散热器|管|片|阀|炉)"
)
_CONTACT_INJURY = (
    "(?:手|脚|腿|胳膊|脸|手掌|手心|手背|手指头?|脚底|屁股|背|身上|皮肤?)"
    + _GAP
    + "{0,8}?(?P<core>红(?:了|的|肿|一片|彤彤)|"
    "起(?:了)?(?:个|一个|好多|一片|几个)?(?:大|小)?(?:水)?泡|脱皮|掉皮|破皮)"
)
_HOT_WATER = re.compile("热水|开水|烫|蒸汽|热汽|白汽|热气|滚烫|冒着热")
_INJURY = re.compile(
    "烫|疼|痛|火辣辣|辣辣的|红了|红肿|起(?:了)?(?:个|好多|一片)?(?:大)?(?:水)?泡|伤|睁不开|掉皮|脱皮|皮(?:都)?(?:掉|脱|烂)|哭"
)
_HURT = "砸(?:到|伤|着|在)|(?:磕|碰)(?:伤|破|出血)|流(?:了)?(?:好多|很多)?血|出血|骨折|头破了"


# The symptom lexicon (issue 16, seventh round). The sign classes below first listed phrases
# (喘气费劲, 不吭声), and each new writer put a word between (喘气也费劲) or used a sibling
# (不吱声): phrase lists carry over weakly. So the body's complaints are generated: a body part
# or function x the degree and aspect words residents put inside a sign (有点, 也, 一阵阵, 越来越)
# x what it does. Each family below feeds its sign class; a new part, degree word or predicate
# serves all.
_ADVS = (
    "(?:也|都|还|又|就|有点儿?|有些|一直|老是?|总是?|特别|非常|很|挺|好|太|越来越|一阵一?阵(?:的|地)?|"
    "直|开始|感觉|觉得|更|真|是|倒|也是|突然|一下子?)"
    "{0,3}"
)


def _complaint(parts: str, predicates: str) -> str:
    """A body part or function, the degree words inside a sign, then what it does."""
    return f"(?:{parts}){_ADVS}(?:发|犯|得)?(?:{predicates})"


#: The head: 头有点晕, 脑袋嗡嗡的, 头痛欲裂, 头昏脑涨, 眼前发黑 (not 里头, 接头, 一头热一头凉).
_HEAD_SIGNS = _any(
    _complaint(
        "(?<![里外龙接堵上前后这那两一码插枕线丝])头|脑袋|脑子|脑壳|脑瓜子?|脑仁儿?|太阳穴|后脑勺?",
        "疼|痛|晕|昏|胀|涨|沉|嗡嗡|炸|裂|蒙|懵|要炸|木|乱",
    ),
    "头昏脑涨|头昏脑胀|头重脚轻|天旋地转|眼冒金星|眼前(?:发)?(?:黑|花)|眼花|晕乎|晕晕|发晕|犯晕|晕得|"
    "看不清(?:东西|人)|走路" + _GAP + "{0,4}?(?:偏|歪|打晃|不稳|拖)|"
    "(?:眼前|眼|两眼)一(?:黑|花)|重影|看东西(?:也|都)?(?:模糊|不清|发花|花)|视线模糊|眼睛(?:发)?花了",
)
#: The chest and the breath: 胸口一阵阵发闷, 喘气也费劲, 透不过气, 心里突突的.
_CHEST_SIGNS = _any(
    _complaint(
        "胸口|心口|胸|心脏",
        "闷|疼|痛|堵|紧|慌|憋|压得慌|难受|不舒服|突突|扑通|揪|跳得(?:厉害|快|乱)",
    ),
    _complaint(
        "呼吸|喘气|出气|喘",
        "费劲|困难|急|快|短|粗|不上来|不过来|不匀|不顺|吃力|不畅|弱|急促|憋",
    ),
    "透不过气|透不上气|喘不动|上不来气|憋得慌|憋闷|憋气|气(?:都)?(?:上不来|喘不匀|不够用)|"
    # …with a simile between: 胸口像压了块石头, 心口跟堵了东西似的
    "(?:胸口|心口|胸)" + _GAP + "{0,6}?(?:压|堵|憋|石头|揪|扎|刺|绞|刀|针|撕|拧)",
)
#: The stomach: 犯恶心, 一直吐, 反胃, 胃里翻腾 (not 吐槽).
_STOMACH_SIGNS = _any(
    "恶心|想吐|反胃|干呕|作呕|上吐下泻|又吐又拉|(?:一直|直|老|总|还|又|开始|也|都|就)吐(?!槽)|吐了|吐得|呕吐|拉肚子|腹泻|闹肚子",
    _complaint("胃", "难受|疼|痛|不舒服|翻|胀"),
)
#: Fumes on the eyes, the throat and the nose: 眼睛辣, 嗓子疼得厉害, 呛鼻子, 直流眼泪.
_IRRITATION_SIGNS = _any(
    _complaint("眼睛|眼|嗓子眼?|喉咙|鼻子|鼻腔", "辣|疼|痛|刺|呛|酸|火辣辣|睁不开|流泪|熏"),
    "流眼泪|直流泪|眼泪直流|辣眼睛?|辣嗓子|呛鼻子?|冲鼻子?|呛嗓子|刺鼻子?|熏眼睛?",
)
#: Weakness and drowsiness: 浑身没劲, 腿发软, 老想睡, 困得睁不开眼.
_WEAK_SIGNS = _any(
    _complaint("浑身|身上|全身|身子|腿脚?|人", "没劲|无力|发软|软|乏|虚|没力气|没(?:有)?力气"),
    "老想睡|一直想睡|总想睡|想睡觉|困得(?:不行|睁不开)|昏昏欲睡|睁不开眼|"
    "使不上劲|用不上劲|使不上力|抬不起来|拿不住|握不住",
)
#: Someone who does not answer: 喊她也不吱声, 叫了好几声都不应, 问他话就嗯嗯两声.
_NO_ANSWER_SIGNS = _any(
    "(?:叫|喊|问|招呼|跟)(?:了)?(?:我|俺)?(?:他|她|老人|孩子|了|话|" + _FRAIL_WORDS + ")?"
    "(?:半天|几声|好几声|好几遍|话)?(?:他|她|人)?(?:也|都|就|还)?"
    "(?:不|没)(?:怎么|太)?(?:吱声|吭声|出声|应|答应|理|回|说话|反应|回答|睁眼)",
    "(?:就|只)(?:会)?(?:嗯|哼)(?:嗯|哼)?(?:一|两|几)?声|嗯嗯(?:两|几)声",
    # lying or sitting silent (奶奶躺在床上不说话, 姥姥窝在床上一声不吭)
    "(?:躺|坐|窝|靠|缩|趴|蜷)(?:着|在)"
    + _GAP
    + "{0,6}?(?:不说话|不吭声|不吱声|不出声|一声不吭|一声不吱|不睁眼)",
)
#: Aches of the body in the cold: 冻得腰腿疼, 浑身酸痛, 关节疼得厉害 (an old ache is blanked).
_PAIN_SIGNS = _complaint(
    "腰腿|腰|腿|胳膊|关节|膝盖|骨头|浑身|全身|身上|后背|脖子|肩膀|手指头?|脚趾头?",
    "疼|痛|酸疼|酸痛|酸",
)
#: Any part of the body or a function of it, then, a few words on, what is wrong with it.
_BODY_ANY = (
    "(?:头|脑袋|胸口?|心口|心脏|肚子|胃|手|脚|腿|腰|后背|嘴|嘴唇|脸|脸色|眼睛?|舌头|嗓子|喉咙|鼻子|"
    "耳朵|皮肤|身上|浑身|全身|身子|呼吸|体温|手指头?|脚趾头?|关节|膝盖|血压|心跳|脉搏|精神|意识|"
    "嗓音|声音|说话|走路|眼神)"
    + _GAP
    + "{0,6}?(?:疼|痛|晕|昏|麻|肿|紫|青|乌|发白|煞白|发黑|黑了|硬|僵|软|抖|颤|烫|胀|闷|堵|"
    "慌|歪|斜|哑|不舒服|不对劲|不对|不行|不动|(?<!看)不清|不利索|不听使唤|难受|没劲|无力|打结|异常|不正常|"
    "很差|很弱|很低|很快|很急|很乱|抽|吐|咳|喘)"
)
_OLD_ACHE = re.compile("老寒腿|风湿|关节炎|腰间盘|骨质增生|老毛病")
#: Someone frail curled up against the cold: 冻得缩成一团, 蜷在被子里.
_HUDDLED = "缩成一团|蜷成一团|蜷缩|团成一团|缩成个?团|蜷在|蜷着|缩在被|(?:缩|窝)在(?:那|墙|角|门)"
#: A call for help from someone shut in: 她在里面喊救命, 被困在家里.
_HELP_SIGNS = "喊救命|叫救命|呼救|求救|被困|困在(?:家|屋|里)"
#: Shut out or trapped in the cold (被反锁在门外, 孩子关在阳台上了, 困在天台下不去): exposure,
#: whoever it is, when the cold is said.
_TRAPPED = (
    "(?:被|给|把(?:自己|我|他|她|孩子|老人)?)?(?:反)?(?:锁|关|困|卡)(?:在)?(?:了)?"
    "(?:门外|外面|外头|阳台|露台|楼顶|天台|楼道|车库|地下室|电梯|屋外|院子|门口|楼外)|"
    "(?:进不去|进不了|回不去|回不了)(?:家|屋|门)|(?:下不去|下不来|出不去)(?:了)?|被困|困住|困在"
)
_OUTDOOR_COLD = re.compile("冷|冻|零下|寒|风大|冰|(?i:cold|freez)")
#: Someone found lying or curled up (楼道里躺着个人, 地下室蜷着个老人): a stranger at risk.
_FOUND = (
    "(?:躺|趴|倒|蜷|缩|窝|坐|靠)(?:着|在)(?:地上)?(?:个|一个)?"
    "(?:人|老人|大爷|大妈|老太太|老太|老头|流浪汉|醉汉|孩子|小孩|男的|女的|大叔|阿姨)"
)
#: Anyone, of any calling, fallen into a well, a pit or a trench (一个环卫工掉进热力井里去了,
#: 送外卖的小哥摔进检查井了, 井盖没盖 一个老太太掉下去了, 井里掉进去一个人); the well may be
#: named anywhere.
_PERSON_NOUN = _any(
    "人|工|小哥|小伙子?|师傅|大爷|大妈|大叔|阿姨|老太太?|老头|行人|路人|学生|男的|女的|大哥|大姐|邻居|保安|"
    "快递员?|外卖员?",
    _FRAIL_WORDS,
)
_FELL_IN = (
    _PERSON_NOUN
    + "(?:不小心|一下子?|直接|突然|一脚踩空)?(?P<core>(?:掉|摔|跌|栽|落)(?:进|入|下)(?:去|了)?)|"
    "(?:井|坑|沟)(?:里|内|中|下面)?(?:掉|摔|跌|落)(?:进去|下去)(?:了)?(?:一个|个)?" + _PERSON_NOUN
)
_PIT = re.compile("井|坑|沟")
#: Someone who cannot get out where the water is (她一个人出不来, 我婆婆在里屋出不来, 地下室有人被
#: 困住了, 我女儿在里面 水还在涨): with a leak reported, a person in danger, not only a leak.
_SHUT_IN = re.compile(
    "(?<![水汽气车])(?:出不来|出不去|逃不出|跑不出|走不出)|被困|困住|困在|"
    "(?P<inside>(?:人|她|他|" + _FRAIL_WORDS + ")(?:还|都|一个人)?(?:在|关在|锁在)里(?:面|头|屋))"
)
# …someone inside (我女儿在里面) is shut in only behind a door that will not open.
_DOOR_STUCK = re.compile(
    "打不开|开不开|开不了|推不开|拉不开|锁住|卡住|反锁|门(?:也|都)?(?:坏|变形|泡胀)"
)
# Someone other than the writer alone (我出不去门 楼道全是水 is an errand put off, 我和孩子 is not).
_OTHER_PERSON = re.compile("人|他|她|" + _FRAIL_WORDS)
_NEAR_PERSON = 12

#: Unwell in the writer's own words: 我感觉不太对劲, 觉得人不舒服 (not 屋里不对劲).
_UNWELL_SELF = (
    "(?:感觉|觉得)(?:身体|身上|人|自己)?"
    + _ADVS
    + "(?:不太|不大|不)(?:对劲|舒服)|浑身不对劲|人不对劲"
)


@dataclass(frozen=True)
class _Sign:
    """One class of signs of someone unwell: its words, its weight towards the score of 3,
    whether it counts only for someone frail (a baby crying in the cold; not an adult who says
    冷得我都想哭), and its weight when someone frail shows it, if higher (an old man shivering)."""

    name: str
    pattern: re.Pattern[str]
    weight: int
    frail_only: bool = False
    frail_weight: int | None = None
    #: Whether the cold explains it (irritated eyes and throat are the fumes' or the smoke's).
    by_cold: bool = True


_SIGNS: tuple[_Sign, ...] = tuple(
    _Sign(name, re.compile(words), weight, frail_only, frail_weight, by_cold)
    for name, words, weight, frail_only, frail_weight, by_cold in (
        # an illness caught from the cold: the issue's "someone unwell from cold"
        (
            "illness",
            "冻(?:病|伤|晕|发烧|出病|出毛病|住院)|发烧|发着(?:高|低)?烧|发低烧|低烧|高烧|肺炎|生病|"
            "(?:浑身|身上|额头|脑门|身子)(?:都|有点|有些)?(?:滚烫|发烫|烫手)|烧得(?:滚烫|厉害|迷糊)|"
            "(?<!毛)病了|病倒|犯病|(?:高血压|心脏病|哮喘|老毛病|病)(?:又)?(?:犯了|发作)|(?:心梗|脑梗|中风)了|"
            "冻疮溃烂|"
            # a fever by its figure (烧到39度), and English (a high fever, pneumonia)
            "(?<![水炉片管])烧到(?:了)?(?:3[89]|4[0-2])(?:\\.[0-9])?(?:度|℃)|(?=[A-Za-z])(?i:fever|pneumonia)",
            3,
            False,
            None,
            True,
        ),
        # heat illness, in an overheated room (屋里太热 老人中暑了)
        ("heatstroke", "中暑|热晕|热得(?:虚脱|晕|喘不)|虚脱|脱水", 3, False, None, True),
        # a common cold: a sign for someone frail, not an emergency in itself (我都冻感冒了 流鼻涕)
        ("common_cold", "感冒|着凉|受凉", 1, False, 2, True),
        (
            "confusion",
            "说胡话|迷迷糊糊|迷糊|糊涂了|意识不清|神志不清|(?:意识|神志)模糊|反应(?:很|特别)?(?:慢|迟钝)|"
            "叫(?:他|她)?(?:也|都)?不(?:怎么|太)?(?:应|答应|理人|吭声)|不吭声|没(?:啥|什么|有)?反应|"
            "不认人|认不出人|不认识人|不(?:太|怎么|大)认(?:人|得人|识人|得我)|认不(?:出|得)(?:人|我)|"
            "失禁|尿裤子|发愣|发呆|愣神|呆呆的|颠三倒四|胡言乱语|答非所问|不清醒|犯糊涂|昏昏沉沉|昏沉|昏睡|嗜睡|迷瞪|睡不醒|"
            "叫不精神|叫不起来|翻白眼|(?:一直|老是?|怎么也|半天)(?:都)?(?:叫)?不醒|(?:叫|喊|问)(?:他|她)?(?:好)?半天(?:才|都|也)(?:答应|应|吭声|有反应|反应)|"
            "(?:两眼|眼睛|眼神)(?:都)?(?:发直|发呆|呆滞|直勾勾)|(?i:drowsy|not making sense)|"
            # silent for hours (一下午不说话了, 半天不吭声)
            "(?:半天|好半天|老半天|一下午|一上午|一晚上|一整天|一天)(?:都|也)?不(?:说话|吭声|吱声|出声)|"
            + _NO_ANSWER_SIGNS,
            2,
            False,
            None,
            True,
        ),
        (
            "speech",
            _complaint("舌头|舌根", "打结|硬|大|不听使唤|转不过来|发麻|木")
            + "|"
            + _complaint(
                "说话|口齿|吐字|讲话|嘴巴?|舌头",
                "不清|含糊|不利索|不利落|结巴|费劲|打结|不连贯|颠三倒四|慢|哆哆嗦嗦|断断续续",
            )
            + "|说不出话|说不清|口齿不清|含糊|说话(?:也|都)?不清|话都说不|舌头(?:发)?(?:硬|大)|"
            # speech gone (说不了话, 不会说话了, 话也说不出来, 冻得不说话了)
            "说不(?:了|出来)话|(?:话|一句话)(?:也|都)?说不(?:出|了|利索)|不会说话了|"
            "(?:冻|冷)得" + _GAP + "{0,2}?不说话|"
            "大舌头|嘴(?:都)?瓢|说话(?:也|都)?(?:很|特别)?慢|"
            "(?=[A-Za-z])"
            "(?i:mumbling|slurr(?:ing|ed)|can'?t (?:speak|talk)|not (?:talking|speaking))",
            2,
            False,
            None,
            True,
        ),
        (
            "colour",
            "(?:嘴唇?|脸|手|脚|手指头?|脚趾头?|皮肤|身上|耳朵)(?:都|也)?(?:冻|冻得)?(?:发紫|发青|发乌|发黑|乌了|"
            "紫了|青了|黑了|青紫|发灰)|脸色(?:发青|发紫|铁青|发灰)|(?:嘴唇|脸)(?:都)?(?:黢|乌|青)紫|嘴(?:都)?紫|"
            "(?:冻|冷)得(?:都|直)?(?:发紫|发青|发乌|青紫|紫了|青了)|"
            + _complaint("嘴唇?|脸色?|小脸|手|脚|手指头?|脚趾头?|皮肤|耳朵|指甲", "紫|青紫|乌|发乌")
            + "|(?:发|变)(?:紫|青|乌)(?!色)|青紫|紫青",
            2,
            False,
            None,
            True,
        ),
        (
            "mobility",
            "站不起来|站不住|站不稳|起不来|下不了床|下不来床|爬不起来|走不了路?|走路打晃|打晃|腿(?:都)?软|不听使唤|动不了|"
            "(?:起|下)不(?:了|来)床|起不了身|站不了|走不动|挪不动|(?:爬|坐)不起来|"
            "摔倒|摔了一跤|跌倒|没(?:有)?知觉|失去知觉|动弹不(?:了|得)|不(?:会|能)动(?:了|弹)?|一动不动|"
            "(?:身子|身体|浑身|全身|人)(?:都|也)?(?:冻)?僵(?:了|住了|硬)|"
            # someone frail frozen stiff (奶奶冻僵了, 孩子都冻得僵住了; not 快冻僵了, a figure): the
            # people by name, a first character checked first (the whole frail lexicon tried at
            # every position tripled this sign's time on a long paste)
            "(?=[老孩宝婴小奶爷姥外婆公爸妈娘爹闺儿女娃崽病大])"
            "(?:老人|孩子|宝宝|婴儿|小孩|奶奶|爷爷|姥姥|姥爷|外婆|外公|老太太|老爷子|老头|老太|老伴|"
            "爸|妈|娘|爹|闺女|儿子|女儿|娃|崽|病人|公公|婆婆|大爷|大妈|大娘)"
            "(?:都|也|已经|被|整个人|身子|身上)*冻(?:得)?(?:发)?僵(?:了|住|硬)|"
            "动也不动|(?<![表针机扇泵阀门车拧推搬扳转按摇走挪])(?:好像|已经|都|也)?不动了|(?:半天|好久|一直)没(?:了)?动静|"
            "不(?:会|能)(?:弯|打弯|伸直|动弹)|弯不了|伸不直|(?:一屁股|一下子?|直接)?(?:坐|瘫|倒|躺)(?:在)?地上(?:了)?(?!拖|扫|擦)|"
            "(?i:barely moving|not moving|can'?t move|can'?t (?:stand|get up)|limp|floppy|"
            "can'?t get (?:up|out of (?:his|her|the|my|a) (?:chair|bed)))",
            2,
            False,
            None,
            True,
        ),
        (
            "no_answer",
            "(?:敲门|叫门|喊门|拍门|敲了半天)" + _GAP + "{0,4}?(?:没人|不)(?:应|开|答应|理)|"
            "(?:好几天|几天|一天)(?:都)?没(?:出门|见人|下楼|动静)",
            2,
            False,
            None,
            True,
        ),
        (
            "breath",
            "喘不上|喘不过来|喘气(?:急|困难|费劲)|喘(?:得|不动|粗气)|(?:有点|有些|一直|直|老)喘|气喘|憋得慌|憋气|"
            "呼吸(?:也|都|有点|有些|很|特别|比较|越来越)?(?:急|快|急促|困难|费劲|不畅|不顺|弱)|胸闷|"
            "(?:胸口|心口|心里|心脏|胸)(?:也|都|有点|有些|很|特别|一直)?(?:发)?(?:闷|疼|痛|难受|不舒服|紧|慌|堵)|"
            "心(?:里)?(?:发)?慌|心绞痛|气短|上不来气|心跳(?:很|特别|得)?(?:快|厉害|乱|不齐)|"
            "低血糖|血糖(?:低|掉)|"
            "血压(?:也|又|一下子?|突然)?(?:高了|上来|上去|升高|飙|[12][0-9]{2})|"
            "(?i:can'?t breathe)|呼哧|哼哧|(?:嗓子|喉咙)(?:里)?呼噜|拉风箱|" + _CHEST_SIGNS,
            2,
            False,
            None,
            True,
        ),
        (
            "body_cold",
            # (a space before the figure: ti wen 34 du typed in pinyin)
            "体温 ?"
            + _GAP
            + "{0,4}?(?:低|偏低|只有|才|不到|3[0-5]|三十[一二三四五]?(?:度|点)|上不来|上不去|"
            "升不上去|升不起来|掉|降|往下)|"
            "(?:身上|浑身|全身|身子|摸着|摸起来)(?:都)?(?:冰凉|冰冷|发凉|冰拔凉)|低温症|失温|低体温|后背(?:都)?冰凉|"
            "(?i:confused|unresponsive|hypotherm|can'?t wake|"
            "lips (?:are |is )?(?:(?:turn|go|look|get)(?:s|ed|ing|ne)? |gone |a bit |kind of |"
            "really )*(?:blue|purple)|"
            "(?:blue|purple) lips)",
            2,
            False,
            None,
            True,
        ),
        (
            "pregnancy",
            "肚子" + _GAP + "{0,6}?(?:疼|痛|发紧|发硬)|腹痛|见红|宫缩",
            2,
            True,
            None,
            True,
        ),
        # (冻得不行 of someone frail: the cold on the body, not the room's 冷得不行)
        (
            "giving_up",
            "扛不住|撑不住|吃不消|顶不住|熬不住|不行了|冻得(?:实在|真|都|快)?不行(?!了吧)",
            2,
            True,
            None,
            True,
        ),
        (
            "shivering",
            "哆嗦|发抖|打抖|抖抖|打战|打着(?:哆嗦|冷战|寒颤|摆子)|牙(?:齿)?(?:直|一直)?(?:打架|打颤|咯咯|嘚嘚|得得|格格)|抖成一团|(?:冻|冷)(?:到|得)(?:直|一直)?震|打颤|打摆子|抖个不停|直抖|一直抖|浑身抖|发颤|筛糠|寒战|寒颤|打冷战|冷战|"
            "(?:止不住|不停)(?:地|的)?抖|抖(?:得)?(?:停不下来|不停|厉害|很|不行)|(?i:shiver|shaking)|"
            + _HUDDLED,
            1,
            False,
            2,
            True,
        ),
        (
            "cannot_warm",
            "暖和不过来|暖不过来|暖和不起来|捂不热|焐不热|(?:身上|浑身|全身|身子)(?:一直|还是|老是|总是|都)?"
            "(?:冷|发冷|凉)|盖(?:了)?" + _GAP + "{0,6}?(?:被子|被)(?:也|还|都)(?:冷|不暖|不热)|"
            "冷得睡不着|(?:怎么|咋)(?:捂|焐|盖|暖|烤)(?:也|都)(?:不|没)(?:暖|热|暖和)",
            1,
            False,
            None,
            True,
        ),
        ("crying", "哭", 1, True, None, True),
        # unwell in general words, said of someone frail (我妈冻得很难受, 老人身体不舒服), not
        # of the room (屋里冷得难受, 屋里不对劲), nor an old ache (老寒腿又犯了)
        (
            "unwell",
            _FRAIL_WORDS + "(?:的)?(?:身体|身子)?" + _GAP + "{0,6}?(?:不舒服|难受)",
            1,
            True,
            None,
            True,
        ),
        ("crying_out", "哭不出|哭都没(?:有)?声|哭声(?:很|特别)?(?:小|弱)", 2, True, None, True),
        (
            "listless",
            "打蔫|蔫了|蔫蔫|蔫巴|没精神|没精打采|有气无力|软绵绵|浑身发软|瘫软|提不起劲|虚弱|"
            "精神(?:头)?(?:也|都|很|特别)?(?:不好|差)|不爱动|不想动|一直躺着|一直睡|老是?睡觉|哼哼|哭闹|吐奶|"
            "没(?:有)?力气|没劲|浑身无力|乏力|犯困|打盹|不吃奶|(?:吃奶|喝奶)(?:也|都)?没劲|"
            "不吃不喝|吃不下(?:饭|东西)?|不(?:想|肯|爱)?吃(?:饭|东西)|没(?:有)?胃口|"
            "(?i:lethargic|very weak|won'?t eat)|"
            # English: a baby or an old person too sleepy, not feeding or eating (she is very sleepy
            # and not feeding, keeps sleeping, won't take her bottle)
            "(?=[A-Za-z])(?i:sleepy|keeps? (?:sleeping|dozing)|"
            "(?:not|isn'?t|won'?t|barely|hardly|stopped) "
            "(?:feeding|eating|drinking|feed|eat|drink)|"
            "(?:won'?t|refus(?:es|ed|ing) to) (?:take|have) (?:her|his|the|any) "
            "(?:bottle|milk|food|feeds?)|"
            "refus(?:es|ed|ing) "
            "(?:to (?:feed|eat|drink)|food|(?:her|his|the) (?:bottle|milk|feeds?))|"
            "off (?:her|his) (?:food|feeds?|milk))|"
            "(?:饭|东西|水|奶|饭菜)(?:也|都)?(?:不|没)(?:怎么)?(?:吃|喝|进)|"
            "(?:吃|喝|咽|吞|喂)(?:也|都)?(?:不下|不进|不了)(?:去)?|喂(?:她|他|孩子)?(?:也|都)?不(?:吃|喝)|"
            "(?:就|一直|光|老)躺着|(?:一直|一早上|一上午|一天|整天|一整天)(?:都)?没(?:下床|起床|下地)|"
            + _WEAK_SIGNS,
            1,
            False,
            None,
            True,
        ),
        (
            "pale",
            "(?i:very pale|pale and|turned pale|grey skin)|煞白|惨白|发白|白晒|苍白|"
            "脸色(?:也|都|有点|有些|很|特别)?(?:不好|难看|发白|不对|蜡黄)|没(?:有)?血色",
            1,
            False,
            None,
            True,
        ),
        ("cramp", "抽筋|痉挛|抽得|抽抽|直抽", 1, False, None, True),
        (
            "dizzy",
            "头晕|头昏|晕乎|发晕|眼前发黑|眼发黑|(?:就|直)晕|头(?:疼|痛)|头(?:有点|有些|一直|老是?|也|还)?(?:晕|昏|疼|痛)|"
            + _HEAD_SIGNS,
            1,
            False,
            None,
            True,
        ),
        ("sick", _STOMACH_SIGNS, 1, False, None, True),
        (
            "cold_limbs",
            "(?:手脚|小手|小脚|小脸|脸|手|脚)(?:都)?(?:冰凉|冰冷|冰拔凉|冰冰|凉冰冰|发凉|冰手)|发麻|麻了|麻木|伤口(?:疼|痛)|咳嗽|(?:一直|老|不停地?|直)咳|咳个不停",
            1,
            True,
            None,
            True,
        ),
        # fumes or smoke on the eyes and the throat: a sign by a stove or a smell, not the cold's
        ("irritation", _IRRITATION_SIGNS, 1, False, None, False),
        ("help", _HELP_SIGNS, 2, False, None, True),
        # someone frail missing or out of reach (走丢了, 找不着了, 联系不上), with the cold said
        (
            "lost",
            "走丢|走失|找不(?:着|到)(?:人)?了|联系不上|联系不到|(?:一直|还)没回来|打电话(?:也|都)?不接|"
            # the phone out of reach, said in a clause of its own or of the person (电话打不通,
            # 打他电话打不通, 手机一直关机) — not the company's line (你们客服电话打不通)
            "(?:(?:^|["
            + _PUNCT
            + "])|(?:他|她|"
            + _FRAIL_WORDS
            + ")(?:的)?|打(?:他|她)(?:的)?)(?:电话|手机)"
            "(?:也|都|一直|老是?|还是)?(?:占线)?(?:打不通|打不进去?|没人接|不接|关机|占线)|"
            # …or called for hours in vain (打了一下午电话都不接), not the company's line
            "(?<!你们)(?<!您们)打(?:了)?[^你们客服热线物业公司"
            + _PUNCT
            + "]{0,6}?电话(?:也|都|一直|还是|老是?|总是?)?"
            "(?:打不通|打不进去?|没人接|不接|关机|占线)",
            2,
            True,
            None,
            True,
        ),
        ("found", _FOUND, 2, False, None, True),
        # an old ache (老寒腿又犯了, 风湿) is no sign: its pain is blanked by `_person_score`
        ("pain", _PAIN_SIGNS, 1, False, None, True),
        # any part of the body said to be wrong, for someone frail (奶奶嘴也歪了, 手指头肿得
        # 跟胡萝卜似的): the product counts any complaint, and the words for one are endless
        ("body_any", _BODY_ANY, 1, True, None, True),
        ("unwell_self", _UNWELL_SELF, 1, False, None, True),
    )
)
# The signs of carbon-monoxide poisoning, scored with fumes or several people instead of cold.
_FUMES_SIGNS = frozenset(
    {"dizzy", "sick", "listless", "confusion", "pale", "breath", "irritation", "unwell_self"}
)
# …of which these alone, with no burner or smell named, add up to poisoning (一家人都头疼犯困).
_FUMES_SIGNS_ALONE = frozenset({"dizzy", "sick", "listless", "confusion", "pale"})
# The signs of heat illness, scored for someone frail in an overheated room (屋里32度 瘫痪的父亲
# 一直出汗 昏昏沉沉): not sweating alone (孩子热得满头大汗), nor a cold's crying or cough.
_HEAT_SIGNS = frozenset(
    {
        "heatstroke",
        "dizzy",
        "sick",
        "listless",
        "confusion",
        "pale",
        "speech",
        "mobility",
        "breath",
        "giving_up",
    }
)
# An overheated room: 太热, 热得, a room at 28 ℃ or more (not a fever's 39度).
_HEAT = re.compile(
    "太热|热得|热死|过热|闷热|烧得太(?:热|旺)|(?<![0-9.])(?:2[89]|3[0-5])(?:\\.[0-9])?(?:度|℃)|"
    "(?<![一二三四五六七八九十])(?:三十[一二三四五]?|二十[八九]|三十多|三十几)(?:度|℃)"
)
_THRESHOLD = 3
# An animal (楼道里躺着只猫 冻得不动了), with no person named, shows no person's signs.
_ANIMAL = re.compile("猫|狗|鸟|宠物|仓鼠|兔子|鹦鹉|金鱼|乌龟")
_HUMAN = re.compile("人|我|他|她|" + _FRAIL_WORDS)
# A grievance held against the company (你们能不能负点责任, 管不管, 我要投诉): a common cold said
# in one, with no other sign, is the complaint's argument (太冷了孩子都感冒了 流鼻涕 你们能不能负点
# 责任), not a call for help; a fever or any other sign beside it still counts.
_GRIEVANCE = re.compile(
    _LIABILITY.pattern
    + "|负(?:点|个|起|一点)?责(?:任)?|负不负责|管不管|管一管|管管|还管不|投诉|曝光|举报|12345|"
    "市长热线|凭什么|像话|拿钱不办事|不作为|太过分"
)
# What comes after someone fell ill (a certificate, a claim, the doctor's bill): asked about with
# nothing said to be happening now, it is no report (老人冻感冒了能去哪开证明).
_PERSON_AFTERMATH = re.compile("证明|报销|赔偿|索赔|理赔|医药费|医疗费|误工费")
# A sign put down to the cold in its clause: 冻得直哭, 冷得孩子发烧, 冻哭了, 冻的.
_BY_COLD_BEFORE = re.compile("(?:冻|冷)(?:得|的|着)?" + _GAP + "{0,6}$")
_BY_COLD_AFTER = re.compile("^" + _GAP + "{0,2}?(?:是)?(?:冻的|冻着了|冷的)")


@dataclass(frozen=True)
class _Trigger:
    """One pattern of one kind; `needs` must also match the (blanked) message, `unless` must not
    match the normalised message (it may name what the blanking removed, e.g. 抽烟)."""

    kind: Kind
    pattern: re.Pattern[str]
    needs: re.Pattern[str] | None = None
    unless: re.Pattern[str] | None = None
    scald: bool = False
    #: A harm the writer may call not serious (摔了一跤 膝盖磕破了 不过不严重): then no emergency.
    mild_ok: bool = False


# The writer says a harm is not serious: 不严重, 皮外伤, 没大碍.
_NOT_SERIOUS = re.compile(
    "不严重|不要紧|没(?:什么|啥)?大碍|皮外伤|没(?:什么|啥)大事|问题不大|不碍事"
)

_TRIGGERS: tuple[_Trigger, ...] = (
    _Trigger("person", re.compile(_ACUTE)),
    *(_Trigger("person", re.compile(p), scald=True) for p in _SCALD_PATTERNS),
    _Trigger("person", re.compile(_SPLASH), needs=_INJURY, unless=_UNHARMED, scald=True),
    _Trigger("person", re.compile(_ENGLISH_SCALD), needs=_ENGLISH_HOT, scald=True),
    _Trigger("person", re.compile(_FALL), needs=_FALL_HARM, mild_ok=True),
    _Trigger("person", re.compile(_TRAPPED), needs=_OUTDOOR_COLD),
    _Trigger("person", re.compile(_FELL_IN), needs=_PIT),
    _Trigger(
        "person",
        re.compile(_BLISTER),
        needs=re.compile(f"\\A(?=.*(?:烫|热水|开水|蒸汽|暖气|管子|阀))(?=.*(?:{_BODY}))", re.S),
        unless=re.compile("脚上|磨|鞋|冻疮"),
        scald=True,
    ),
    _Trigger(
        "person",
        re.compile(_SPLASH_ANY),
        needs=re.compile(f"(?:{_INJURY.pattern})|(?:{_HOT_WATER.pattern})"),
        unless=re.compile("洗澡|淋浴|花洒|热水器|洗头|洗脸|泡脚|舒服|" + _UNHARMED.pattern),
        scald=True,
    ),
    # …the body said first (孩子脸上被溅到了 红了一大片)
    _Trigger(
        "person",
        re.compile(
            "(?:"
            + _BODY
            + ")(?:上|里)?(?:被|让)"
            + _GAP
            + "{0,4}?(?P<core>喷|溅|浇|呲|滋|泼)(?:到|着|了)"
        ),
        needs=re.compile(
            f"\\A(?=[\\s\\S]*(?:{_INJURY.pattern}))(?=[\\s\\S]*(?:{_HOT_WATER.pattern}))"
        ),
        unless=_UNHARMED,
        scald=True,
    ),
    _Trigger(
        "person",
        re.compile(_CONTACT_INJURY),
        needs=re.compile(_CONTACT),
        unless=re.compile("冻|冷|冰|凉"),
        scald=True,
        mild_ok=True,
    ),
    _Trigger(
        "person",
        re.compile(_HURT),
        needs=re.compile(f"\\A(?=.*(?:{_BODY}))(?=.*(?:暖气|管|片|阀))", re.S),
        mild_ok=True,
    ),
    *(_Trigger("gas", re.compile(p)) for p in _GAS_PATTERNS),
    _Trigger(
        "gas", re.compile(_SMOKE), unless=re.compile(f"{_INNOCENT_SMOKE.pattern}|{_STEAM_AS_SMOKE}")
    ),
    # smoke said bare, right by what burns or sparks (插座 烟, 壁挂炉 烟: a keyword message)
    _Trigger(
        "gas",
        re.compile(
            "(?:" + _ELECTRIC + "|" + _BURNER.pattern + ")(?:里|那|这|上|边|口)?(?:有|出)?"
            "(?P<core>烟)(?![囱道管筒感味雾花酒头民瘾])"
        ),
        unless=_INNOCENT_SMOKE,
    ),
    _Trigger(
        "gas",
        re.compile(
            "(?<!烟雾)(?<!烟感)(?:报警器|"
            + _GAS_DETECTOR
            + ")(?:"
            + _GAP
            + "{0,3}?|[^。.!！?？]{0,12}?(?:一直|还在|还|又|在|狂|乱|嘀|滴))"
            "(?:响|叫|报警|嘀嘀|滴滴|闪红)|"
            # …its reading high (一氧化碳报警器显示300多, CO数字很高)
            "报警器" + _GAP + "{0,6}?(?:显示|数值|数字|读数|浓度)" + _GAP + "{0,3}?"
            "(?:很高|好高|特别高|老高|挺高|上百|几百|[1-9][0-9]{2,})"
        ),
        needs=re.compile("报警器|测(?:燃气|煤气|天然气|一氧化碳|漏气)"),
        # (…a smoke alarm set off by cooking, said in another clause: 报警器响了，是烟雾报警器，我在
        # 厨房炒辣椒呛的)
        unless=re.compile(_ALARM_BATTERY.pattern + "|" + _SMOKE_ALARM_EXPLAINED),
    ),
    _Trigger(
        "gas",
        re.compile("(?:烟雾|烟感)报警器" + _GAP + "{0,3}?(?:响|叫|报警|嘀嘀|滴滴)"),
        unless=re.compile(_INNOCENT_SMOKE.pattern + "|" + _ALARM_BATTERY.pattern),
    ),
    *(_Trigger("gas", re.compile(p), unless=_INNOCENT_SMELL) for p in _BURNT_SMELLS),
    # fire said in a clause of its own, what burns named before (毛巾掉电暖气上 着了)
    _Trigger(
        "gas",
        re.compile(
            f"(?:^|[{_PUNCT}])(?:都|也|又|竟然|突然|一下子?)?(?P<core>着(?:了|起来了)|烧起来了)(?![凉急迷魔道])"
        ),
        needs=re.compile(f"{_FLAMMABLE}|{_ELECTRIC}"),
    ),
    _Trigger("gas", re.compile("漏气|跑气|泄漏|泄露"), needs=_GAS_CONTEXT),
    # English smoke, a smoke alarm or a part smoking, unless the writer cooked or burnt the toast
    # or the alarm chirps for its battery (burnt my toast and set off the smoke alarm)
    _Trigger(
        "gas",
        re.compile(
            "(?i:smoke|\\b(?:radiator|heater|boiler|socket|plug|outlet|pipe|valve|wires?|cable|"
            "stove)s? (?:is |are |was |were |started |keeps? |has been )?smoking)"
        ),
        needs=re.compile("(?i:smok)"),
        unless=_ENGLISH_INNOCENT_SMOKE,
    ),
    # a gas joint brushed with soapy water that bubbles (燃气管子接头用肥皂水一抹直冒泡): the
    # residents' test for a gas leak; a radiator's bubbles are its air
    _Trigger(
        "gas",
        re.compile(
            "(?:冒|起|鼓|出|有|一串串?)(?:了)?(?:好多|很多|一堆|一串串?|小|大|一些)?(?:气)?泡"
        ),
        needs=re.compile(
            _GAS_CONTEXT.pattern
            + "|"
            + _YELLOW_PIPE
            + "|(?<!暖)气表|(?<![暖放排])气阀|灶(?:的)?软管"
        ),
        unless=_NO_SOAP,
    ),
    # sparks (插座冒火花了), unless works or fireworks throw them (楼上电焊 火星子往下掉)
    _Trigger(
        "gas",
        re.compile("冒火星|冒火花|火星子"),
        # (looked for first: the clause-wise `unless` is read only when sparks are named)
        needs=re.compile("火星|火花"),
        unless=_unless_said(_WORKS + "|焊|砂轮|烟花|鞭炮|放炮"),
    ),
    # …or in the kitchen, where the gas is (chufang louqi le: 厨房漏气了), not the heating's air
    _Trigger(
        "gas",
        re.compile("漏气|跑气"),
        needs=re.compile("厨房|灶房|后厨"),
        unless=re.compile("暖气|散热|片|阀|水|轮胎|车胎|气球|气垫|高压锅|压力锅"),
    ),
    _Trigger("gas", re.compile(_GAS_LIKE), needs=_SMELL_CONTEXT),
    # a smell likened in another clause (有个味儿一阵一阵的 像汽油 又有点像臭鸡蛋)
    _Trigger(
        "gas",
        re.compile("(?:像|好像|类似|跟)(?:是)?" + _GAP + "{0,4}?" + _BURNT),
        needs=_SMELL_CONTEXT,
        unless=_INNOCENT_SMELL,
    ),
    # (a faint smell the writer asks about as normal is a question: 打火的时候有点味 正常吗)
    _Trigger(
        "gas",
        re.compile(_ODD_SMELL),
        needs=_SMELL_SOURCE,
        unless=re.compile(_INNOCENT_SMELL.pattern + "|正常(?:吗|吧|的|不|现象)"),
    ),
    _Trigger(
        "gas",
        re.compile(_GAS_HISS),
        needs=re.compile("(?<!暖)(?<!供暖)(?<!热)(?:" + _GAS_APPLIANCE.pattern + ")"),
    ),
    _Trigger("gas", re.compile(_SMELL_GROWS), needs=_SMELL_CONTEXT, unless=_EVERYDAY_SMELL),
    # a strange smell that several households or a whole building notice (楼道里有股奇怪的臭味
    # 好几家都闻到了): no one's own cooking
    _Trigger(
        "gas",
        re.compile(
            "(?:好几家|几家|好多家|邻居们|大家|整栋楼|整个楼|整个单元|全楼|全单元|楼上楼下)"
            + _GAP
            + "{0,4}?(?:都|也)?(?:闻到|闻见|有|说有)"
        ),
        needs=re.compile("味|臭"),
        unless=_EVERYDAY_SMELL,
    ),
    # a flame still burning after the gas was turned off (旋钮关了 但是火苗还一直在烧), or
    # leaping out of a gas appliance (观察窗里火特别大 还往外冒)
    _Trigger(
        "gas",
        re.compile(
            "火苗?"
            + _GAP
            + "{0,8}?(?:还|一直|仍|依然)"
            + _GAP
            + "{0,6}?(?:在烧|烧着|着着|燃着|不灭|没灭)"
        ),
        needs=re.compile("关|拧"),
    ),
    _Trigger(
        "gas",
        re.compile(
            "火(?:苗|舌)?[^。.!！?？]{0,10}?(?:往外(?:冒|窜|蹿|喷|扑)|冒出来|窜出来|蹿出来|扑出来)"
        ),
        needs=_GAS_APPLIANCE,
        unless=re.compile("正常"),
    ),
    # a gas appliance's exhaust pipe, said in any words (壁挂炉那根往外排气的管子松了)
    _Trigger(
        "gas",
        re.compile(
            "(?:排烟|排气|出烟|出气|排废气)"
            + _GAP
            + "{0,5}?管(?:子|道)?"
            + _NEAR
            + "{0,6}?(?P<core>掉|脱|断|漏|堵|裂|开了|松|耷拉)"
        ),
        needs=_GAS_APPLIANCE,
    ),
    *(_Trigger("water", re.compile(p)) for p in _WATER_PATTERNS),
    _Trigger(
        "water",
        re.compile(_WATER_CLAUSE),
        needs=re.compile(_HEATING_PART.pattern + "|" + _ABOVE + "|" + _ROOM_TOP),
    ),
    # water heard or seen rushing, the noun left out (管子哗哗地 快派人, 阀门关死了还哗哗的):
    # with a heating part or a ceiling, and a call for help or a flow that will not stop — a
    # noise in the pipes (哗哗响, 是不是有空气) is a complaint
    _Trigger(
        "water",
        re.compile("(?P<core>" + _WATER_SOUND + ")(?![^" + _PUNCT + "]{0,4}?(?:响|声|动静|吵))"),
        needs=re.compile(f"\\A(?=.*(?:{_HEATING_PART.pattern}|{_ABOVE}))(?=.*(?:{_CALL}))", re.S),
        unless=_NOISE,
    ),
    # what holds the water back fails (毛巾堵不住, 盆接不过来, 水根本停不下来, 止都止不住)
    _Trigger(
        "water",
        re.compile(_HOLD_FAILS),
        needs=re.compile(_HEATING_PART.pattern + "|水|盆|桶|毛巾|抹布|" + _ABOVE),
        unless=_TOO_HOT,
    ),
    # a flood likened first, the part anywhere (跟开了闸一样 暖气管子那全出来了)
    _Trigger(
        "water",
        re.compile(
            "(?:跟|像|和|好像|就像)(?:个|开了闸的)?(?P<core>喷泉|水枪|消防(?:水龙|栓|水枪)|瀑布|"
            "泄洪|开(?:了)?闸|决堤|发大水|" + _LIKE_WATER + ")"
        ),
        needs=_HEATING_PART,
        unless=re.compile("响|声|哭|汗|热得|太热"),
    ),
    # a short cry naming water, a heating part and help (水 水 暖气片 救命), nothing denied
    _Trigger(
        "water",
        re.compile(
            "\\A(?=[^。.!！?？]{0,16}\\Z)(?=.*水)(?=.*(?:"
            + _HEATING_PART.pattern
            + "))(?!.*(?:没|不|停|费|钱|热水器))(?=.*(?:救命|求救|快|急)).*"
        ),
    ),
    # a ceiling giving way under water from above (吊顶快塌了, 天花板鼓包往下坠)
    _Trigger(
        "water",
        re.compile(
            "(?:吊顶|天花板|顶棚|天棚|屋顶|房顶)"
            + _GAP
            + "{0,4}?(?P<core>塌|掉下来|往下坠|鼓(?:包|起来|了个大包)|要掉)"
        ),
        needs=re.compile("水|漏|渗|滴"),
    ),
    # every vessel full (拿了三个盆接 都接满了)
    _Trigger(
        "water",
        re.compile("(?:都|也|全|又|已经|全都)(?:接|装)满了"),
        needs=re.compile("(?<!垃圾)(?:盆|桶|碗|杯|瓶|锅)"),
    ),
    # a room full of fog or steam (屋里跟澡堂子似的全是雾, 满屋子水蒸气): escaping steam — not
    # the weather outdoors (外面全是雾), a humidifier or a shower (another trade's water)
    _Trigger(
        "water",
        re.compile(
            "(?:屋|家|房间|客厅|卧室|厨房|卫生间|楼道|地下室|车库|满屋子?|一屋子?)"
            + _GAP
            + "{0,10}?(?:全是|都是|满是|一片|全|都|到处是)?(?:的)?"
            "(?P<core>(?:白)?雾(?![霾])|水汽|水蒸气|蒸气)"
            "|(?:跟|像|好像)(?:个)?(?P<like>澡堂子?|桑拿房?|蒸笼|浴池)(?="
            + _GAP
            + "{0,8}?(?:雾|汽|气|看不清))"
        ),
        unless=re.compile("加湿器|抽烟|洗澡|淋浴|花洒|做饭|烧水|煮|外面|天气|雾霾|热得|太热"),
    ),
    # a leak that grows: drops become a stream (刚才还是水珠 现在变成水线了), 越漏越大
    _Trigger(
        "water",
        re.compile(
            "(?:变成|变|成|成了|连成)(?:了)?(?P<core>一股一股|一股股|一股|水流|水线|水柱|一条线|流)(?![量程])|"
            "越(?P<grow>漏|滴|渗|冒|流|喷|淌|呲|滋)越(?:大|多|厉害|快|凶|猛|急)"
        ),
        needs=re.compile(_HEATING_PART.pattern + "|水|漏|渗|滴|" + _ABOVE),
    ),
    # closing the valve did not help (关了阀门也没用, 总阀拧死了也不管用): the flow goes on
    _Trigger(
        "water",
        re.compile(
            "(?:关|拧)(?:了|上|死|紧|住)?(?:了)?(?:阀门?|总阀|闸|开关)?(?:了)?(?:也|都|还是)"
            "(?P<core>没用|不管用|没有用|不好使|没效果|白搭|照样|照旧)"
        ),
        needs=re.compile(_HEATING_PART.pattern + "|水"),
        unless=re.compile(_TOO_HOT.pattern + "|不热|冷|凉|温度|" + _NOISE.pattern),
    ),
    # dripping or seeping onto something, from a heating part or from above (暖气片漏的水都滴到
    # 电视上了, 楼上的水渗进柜子里了)
    _Trigger(
        "water",
        re.compile("(?P<core>滴|渗|淌)(?:到|进)" + _GAP + "{1,6}?(?:上|里|下面|底下)?(?:了|啦)"),
        needs=re.compile(_HEATING_PART.pattern + "|楼上|天花板|屋顶|房顶|吊顶|顶棚"),
    ),
    _Trigger("water", re.compile(_VALVE_STUCK), needs=_VALVE_URGENT, unless=_TOO_HOT),
    _Trigger(
        "water",
        re.compile("关不上|关不住|关不严|关不了|关不掉|拧不回去?|关不回去?|拧不回来"),
        needs=re.compile(
            f"\\A(?=.*(?:{_VALVE_NAMED.pattern}))(?=.*(?:{_VALVE_URGENT.pattern}))", re.S
        ),
        unless=_TOO_HOT,
    ),
)

# ------------------------------------------------------------------------------------ matching


@dataclass(frozen=True)
class _Hit:
    kind: Kind
    start: int
    evidence: str
    #: A person's signs scored by fumes (dizzy by a boiler): carbon monoxide, which a gas report in
    #: the same message names better (leave, air, the gas number); acute signs stay the person's.
    by_fumes: bool = False
    #: Hot water or a hot part on a body (a scald rule matched).
    scald: bool = False


def _blank_false_friends(text: str) -> str:
    """Replace false friends by as many `□`, so every other position stays where it was."""
    return _FALSE_FRIENDS.sub(lambda m: "□" * len(m.group(0)), text)


@functools.lru_cache(maxsize=64)
def _ends(pattern: re.Pattern[str], text: str) -> tuple[int, ...]:
    """Where `pattern`'s matches in `text` end, found once per message: the clause and frame
    lookups ask at every match, and a long paste holds hundreds of matches."""
    return tuple(m.end() for m in pattern.finditer(text))


def _last_end(pattern: re.Pattern[str], text: str, position: int) -> int:
    """The end of the last match of `pattern` ending at or before `position`, -1 for none."""
    ends = _ends(pattern, text)
    i = bisect_right(ends, position) - 1
    return ends[i] if i >= 0 else -1


def _clause_start(text: str, position: int) -> int:
    """Where the clause holding `position` begins (after the last break before it, and at most
    `_CLAUSE_REACH` before it: voice input runs on without punctuation)."""
    return max(0, position - _CLAUSE_REACH, _last_end(_CLAUSE_BREAK, text, position))


def _clause_end(text: str, position: int) -> int:
    """Where the clause holding `position` ends: markers after a report in its clause count."""
    m = _CLAUSE_BREAK.search(text, position, position + _CLAUSE_REACH)
    return m.start() if m else min(len(text), position + _CLAUSE_REACH)


def _last_is(text: str, position: int, first: re.Pattern[str], other: re.Pattern[str]) -> bool:
    """Whether `first` was seen last before `position`, after any `other`: the frame a message has
    set by then (去年… until 现在…; 新闻说… until 我家…; 热水器… until 暖气…)."""
    return _last_end(first, text, position) > _last_end(other, text, position)


def _negated(text: str, clause: int, at: int) -> bool:
    """A negation right before `at`, within its clause (not across a comma: 不热，漏水了)."""
    return bool(_NEGATION.search(text[max(clause, at - 8) : at]))


@dataclass(frozen=True)
class _Span:
    """Where a match is: its start, its core word (the verb the markers attach to) and its end."""

    start: int
    core: int
    end: int

    @classmethod
    def of(cls, m: re.Match[str]) -> _Span:
        """The span of a match; its core is the `core` group when the pattern has one."""
        has_core = "core" in m.re.groupindex and m.start("core") >= 0
        return cls(m.start(), m.start("core") if has_core else m.start(), m.end())


def _counts(text: str, plain: str, kind: Kind, span: _Span) -> bool:
    """Whether a match reports a present danger (module docstring: what does not count), by the
    markers around it; `plain` is `text` before blanking, where hearsay (新闻) still stands."""
    clause = _clause_start(text, span.start)
    core_clause = _clause_start(text, span.core)
    if _negated(text, clause, span.start) or _negated(text, core_clause, span.core):
        return False
    before = text[clause : span.core]
    end = _clause_end(text, span.end)
    if _HYPOTHETICAL.search(_SUSPICION.sub("", before)) or _ANGER.search(before):
        return False
    if _AVERTED.search(before):
        return False
    if (
        _ABSENT_FRAME.search(before)
        and max(_ends(_ASKED_AFTER, text), default=-1) > span.end
        and not _ends(_HAPPENING, text)
        and not any(_ends(p, text) for p in _WATER_SEEN)
    ):
        return False  # 出差不在家的时候管子爆了怎么办: asked ahead of an absence
    if _A_NOT_A.search(text, span.core, min(len(text), span.end + 4)):
        return False  # 看不出暖气漏没漏: asked, not said
    if _LATIN_EVIDENCE.match(text, span.core) and (
        _ENGLISH_HYPOTHETICAL.search(text, 0, span.core)
        or _ENGLISH_NEGATION.search(text, max(0, span.start - 40), span.start)
        or _ENGLISH_NEGATION.search(text, max(0, span.core - 40), span.core)
        or (
            _ENGLISH_SUPPOSED.search(text, max(0, span.start - 60), span.start)
            and _ENGLISH_RETRACTED.match(text, span.end)
        )
        or _ENGLISH_FALSE_ALARM.match(text, span.end)
        or _english_past(text, span)
    ):
        return False
    if _CONDITIONAL_AFTER.match(text[span.end : end]) or _REPAIRED.search(before):
        return False
    if _HEARSAY.search(plain[clause:end]) or _last_is(plain, span.core, _HEARSAY, _HERE):
        return False
    if max(_ends(_NEWS, plain), default=-1) > span.end and not (
        _ends(_HERE, plain) or _ends(_URGENT, plain) or _ends(_STRONGLY_ONGOING, plain)
    ):
        return False  # 北京是不是有地方爆管了 上新闻了: the news named after, nothing of here
    if (
        _TOPIC_AFTER.match(text, span.end)
        or (_TOPIC_BEFORE.search(text, clause, span.start) and _EVENT.match(text, span.start))
    ) and not _STRONGLY_ONGOING.search(text):
        return False
    if kind == "water" and (
        _WATER_FUTURE.search(text[max(clause, span.core - 4) : span.core])
        and text[span.core : span.core + 1] in "漏爆裂破渗滴崩"
    ):
        return False  # 感觉快漏了: to come
    if kind == "person" and _FUTURE.search(text[max(clause, span.core - 6) : span.core]):
        return False
    if kind in ("person", "gas") and _GENERALLY.search(before):
        return False  # every winter, every day: a complaint about a habit, not a report
    if text[span.end : span.end + 1] == "过" and text[span.end + 1 : span.end + 2] not in "来去":
        return False  # 漏过, 爆过: it happened once
    past = (
        _PAST.search(before)
        or _last_is(text, span.core, _PAST, _PRESENT)
        or _PAST_AFTER.match(text[span.end : end])
    )
    return not (past and not _ONGOING.search(text[clause:end]))


# A report taken back at once, the harmless thing meant said as what it is (暖气漏水了！……
# 哦不对 是我家猫把水盆打翻了; 家里进水了——我是说暖气片进空气了): not a correction of a detail
# (3号楼 哦不对 是4号楼 keeps the leak), an emphasis (我是说真的) or a leak said worse (哦不对
# 漏得更厉害了 拖地都来不及).
_TAKEN_BACK = re.compile(
    "(?:(?:哦|噢|喔|啊|呃|额|哎|唉|嗯|诶|欸)(?:不对|不是)|不对不对|不是不是|(?:说|写|打)错了|口误|"
    "等(?:等|一下)[，, ]*不(?:对|是))[，,、 ]*(?:其实|原来)?是"
    "[^。.!！?？]{0,12}?(?:"
    + _OTHER_WATER.pattern
    + "|空气|进气|有气|气堵|汗|结露|没(?:有)?漏|不漏|不是漏)|"
    # (我是说 names the part again, 我是说卫生间那个暖气片: only air or sweat meant takes it back)
    "(?:我是说|我的意思是)[^。.!！?？]{0,8}?"
    "(?:(?:进|有|存)(?:了)?空气|气堵|出汗|结露|没(?:有)?漏|不漏)"
)


def _resolutions(text: str) -> list[int]:
    """Positions of reported resolutions (修好了, 不漏了, 味道散了), not asked-about ones, and of
    reports taken back (`_TAKEN_BACK`)."""
    found = [m.start() for m in _TAKEN_BACK.finditer(text)]
    for m in _RESOLVED.finditer(text):
        before = text[max(0, m.start() - 4) : m.start()]
        after = text[m.end() : m.end() + 1]
        if _NOT_RESOLVED_BEFORE.search(before) or _NOT_RESOLVED_AFTER.match(after):
            continue
        found.append(m.start())
    return found


@dataclass(frozen=True)
class _WaterFacts:
    """What a message says as a whole that decides whether its water matches count, read once
    per message (a long paste holds hundreds of matches)."""

    enquiry: bool
    happening: bool
    asked_first: bool
    not_heating: bool
    other_water: bool
    tap_water: bool
    heating: bool
    normal: bool
    water_seen: bool
    frozen: bool
    usual: bool
    noticed: bool
    habitual: bool
    no_leak: bool
    can_wait: bool
    nothing_here: bool
    dry: bool
    liability: bool
    repairing: bool
    notice: bool
    aftermath: bool
    drained: bool
    unchanged: bool
    condensation: bool

    @classmethod
    def read(cls, text: str, plain: str) -> _WaterFacts:
        """The facts of the blanked `text` (and of `plain`, where 水费 still stands)."""
        return cls(
            enquiry=bool(
                _ENQUIRY.search(text) or (_CALL_ASKED.search(text) and not _LEAK_HERE.search(text))
            ),
            happening=bool(_HAPPENING.search(text)),
            asked_first=bool(_ENQUIRY_OPENER.match(text)),
            not_heating=bool(_NOT_HEATING.search(plain)),
            other_water=bool(_OTHER_WATER.search(_unlikened(text))),
            tap_water=bool(
                (
                    _TAP_WATER.search(text)
                    or (
                        _ROOM_PIPE.search(text)
                        and not _STRONG_WATER.search(text)
                        and not _URGENT.search(text)
                    )
                )
                and not _HOT.search(text)
            ),
            heating=bool(_HEATING.search(text)),
            normal=bool(_NORMAL.search(text)),
            water_seen=any(p.search(text) for p in _WATER_SEEN),
            frozen=bool(_FROZEN.search(text)),
            usual=bool(_USUAL.search(text)),
            noticed=bool(_NOTICED.search(plain)),
            habitual=bool(_HABITUAL.search(text)),
            no_leak=bool(_NO_LEAK.search(text)),
            can_wait=_can_wait(text),
            nothing_here=bool(_NOTHING_HERE.search(text)),
            dry=bool(_DRY.search(text)),
            repairing=bool(
                _REPAIRING.search(_beside_the_stop(text))
                and not _URGENT.search(text)
                and not _STILL_LEAKING.search(text)
            ),
            liability=bool(
                _LIABILITY.search(text)
                and not _URGENT.search(text)
                and not _HAPPENING.search(text)
                and not _STILL_LEAKING.search(text)
            ),
            notice=bool(
                _NOTICE.search(plain)
                and not _URGENT.search(text)
                and not _STILL_LEAKING.search(text)
            ),
            drained=bool(_DRAINING.search(text)),
            unchanged=bool(_UNCHANGED.search(text)),
            condensation=bool(_CONDENSATION.search(plain)),
            aftermath=bool(
                _AFTERMATH.search(text)
                and (_PAST.search(text) or _DAMAGE.search(text))
                and not _STILL_LEAKING.search(text)
            ),
        )


# The writer drains the heating on purpose (暖气片放水, 给暖气放放水): the water in the buckets is
# theirs, not a leak's.
_DRAINING = re.compile(
    "(?<![漏跑冒])(?:放|排|泄)(?:了|完|过)?(?:一些|点|好多|半天)?(?:黑)?水(?!阀|管|口|嘴)"
)
_VESSEL_EVIDENCE = re.compile("盆|桶|碗|接")


# A simile (像撒尿一样, 跟拧开的水龙头似的) names no source of water: blanked, positions kept,
# before another trade's water is looked for.
_SIMILE = re.compile("(?:像|跟|好像|就像|和)" + _GAP + "{0,8}?(?:一样|似的|一般|那样)")


@functools.lru_cache(maxsize=64)
def _unlikened(text: str) -> str:
    """`text` with its similes blanked (see `_SIMILE`)."""
    return _SIMILE.sub(lambda m: "□" * len(m.group(0)), text)


#: A leak getting worse (越滴越快, 越来越大, 比刚才多了, 止不住): a drip that was slow is not any
#: more, whatever bucket stands under it.
_WORSENING = re.compile(
    r"越(?:滴|漏|流|渗|冒|喷|呲|滋)越(?:快|多|大|厉害|急|猛)|越来越(?:快|多|大|厉害|急|猛|严重)|"
    r"比(?:刚才|之前|早上|昨天)(?:还)?(?:多|大|快|厉害)|止不住|控制不住|(?:盆|桶)(?:都|快)?(?:满了|接满|装满|接不过来)"
)


def _can_wait(text: str) -> bool:
    """The writer says the leak can wait, or it is small and contained or asked for later, or
    contained and asked for later without hurry; never with water pouring or a leak getting
    worse (开始一会儿滴一滴 现在越滴越快了 底下接了个盆: module docstring)."""
    if _STRONG_WATER.search(text) or _WORSENING.search(text):
        return False
    minor, later, contained = (bool(p.search(text)) for p in (_MINOR, _LATER, _CONTAINED))
    if _URGENT.search(text):
        return False
    return (
        bool(_NOT_URGENT.search(text) or _SLOW_RATE_RE.search(text))
        or (minor and (later or contained))
        or (contained and later)
        or (_slight_seep(text) and not _BEYOND_SEEPING.search(text))
        or _english_can_wait(text)
    )


# A slight seep and nothing more (客厅暖气有点洇水 就是一点潮, 堵头儿有点儿洇水 不多 派个师傅瞧瞧):
# dampness at a joint, a repair — not once it drips, runs, spreads or goes on. 有点 is a hedge
# residents put before any leak, so it needs the smallness said again (不多, 就是潮, 地上没积水);
# 一点点, 轻微 say it alone.
_SLIGHT_SEEP = re.compile(
    "(?:(?P<hedge>有点|有些)|一点点|稍微|稍稍|轻微|微微|略微|一丁点)儿?(?:往外)?(?:渗|洇)|"
    "(?:渗|洇)(?:出)?(?:了)?(?:一)?(?:点点|丁点)儿?"
)
_SMALL_AGAIN = re.compile(
    "不多|一点潮|就是(?:有点)?潮|潮乎乎|潮潮的|湿乎乎|湿湿的|摸着(?:有点)?(?:潮|湿)|没(?:有)?积水|"
    "没(?:往下)?滴|不滴|没流|不严重|不大|一点点"
)


def _slight_seep(text: str) -> bool:
    """Whether the message says a seep is slight (`_SLIGHT_SEEP`), a hedge with its smallness
    said again."""
    m = _SLIGHT_SEEP.search(text)
    return m is not None and (m.group("hedge") is None or bool(_SMALL_AGAIN.search(text)))


_BEYOND_SEEPING = re.compile(
    "滴|流|淌|冒|喷|涌|(?<!没)漏(?!气)|往下|往外(?!渗|洇)|积了|一滩|一摊|一地|满地|一大片|哗|淹|泡|鼓|"
    "一直|不停|越来越|越(?:渗|洇)越|还在|现在|变|柱|(?:堵|止|关|捂)不住|"
    # water on the floor or below (地上湿了一小块), not the floor said dry (地上没积水)
    "(?:地上|地面|地板|楼下)(?!(?:也|都|还)?(?:没|是干|干))"
)
# English: a leak said small and contained or asked for later, or said to be no rush (the
# radiator is leaking a little, a few drops a minute, I put a towel under it, can someone come
# this week?) — never with water pouring or a call to hurry.
_ENGLISH_NO_HURRY = re.compile(
    "(?i)\\b(?:no rush|no hurry|not urgent|not an emergency|not serious|nothing serious|"
    "(?:it )?can wait|whenever (?:you|someone) (?:can|are free|have time|get a chance)|"
    "at your convenience|when you have time)\\b"
)
_ENGLISH_MINOR = re.compile(
    "(?i)\\b(?:a (?:little|bit)|slight(?:ly)?|(?:a )?few drops|tiny|small|slow(?:ly)?|minor|"
    "a drop (?:every|a))\\b"
)
_ENGLISH_LATER = re.compile(
    "(?i)\\b(?:this week|next week|tomorrow|later|the weekend|in the next (?:few|couple of) days|"
    "(?:on )?(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday))\\b"
)
_ENGLISH_CONTAINED = re.compile(
    "(?i)\\b(?:towel|bucket|bowl|pan|tray|cloth|rag|cup|container|basin)s?\\b[^.!?]{0,15}?"
    "\\b(?:under|beneath|below|catch)|\\b(?:under|beneath|catch(?:ing|es)?)\\b[^.!?]{0,20}?"
    "\\b(?:towel|bucket|bowl|pan|tray|cloth|rag|cup|container|basin)s?\\b"
)
_ENGLISH_POURING = re.compile(
    "(?i)\\b(?:pour|gush|spray|spurt|flood|burst|everywhere|soak|stream|pool|lots? of|heavily|"
    "badly|fast|quickly|worse|more and more|overflow|asap|urgent(?:ly)?|emergency|immediately|"
    "right (?:now|away)|hurry|help)"
)


def _english_can_wait(text: str) -> bool:
    """The English leak that can wait (`_ENGLISH_NO_HURRY` …); its denials are read first, so
    "not urgent" or "no hurry" is no call to hurry."""
    if not _LATIN_EVIDENCE.search(text):
        return False
    no_hurry = bool(_ENGLISH_NO_HURRY.search(text))
    if _ENGLISH_POURING.search(_ENGLISH_NO_HURRY.sub(" ", text)):
        return False
    minor = bool(_ENGLISH_MINOR.search(text))
    return no_hurry or (
        minor and bool(_ENGLISH_LATER.search(text) or _ENGLISH_CONTAINED.search(text))
    )


def _water_discounted(text: str, facts: _WaterFacts, m: re.Match[str]) -> bool:
    """The message-level classes that make a water match no emergency (module docstring):
    a general enquiry, not the heating or another trade's water, a habit; with no water seen, a
    phenomenon called normal, a guessed cause of a stop or a stuck valve with no leak; frozen old
    water; a leak that can wait."""
    evidence = m.group(0)
    happening = facts.happening or (
        bool(_HAPPENING_AFTER.match(text, m.end())) and not facts.asked_first
    )
    if (facts.enquiry and not happening) or facts.not_heating or facts.aftermath:
        return True
    if facts.tap_water and not facts.heating:
        return True
    if facts.other_water and (
        _last_is(_unlikened(text), m.end(), _OTHER_WATER, _HEATING) or not facts.heating
    ):
        return True
    clause = _clause_start(text, m.start())
    if _HABITUAL.search(text, clause, m.start() + 1) and not happening:
        return True
    if facts.can_wait or (facts.usual and not facts.happening and not _STRONG_WATER.search(text)):
        return True
    if (facts.dry or facts.liability or facts.repairing) and not facts.water_seen:
        return True  # a leak guessed with the floor dry, who is liable, a repair under way
    if (facts.unchanged or facts.condensation) and not (facts.water_seen or facts.happening):
        return True  # an old mark that does not grow, a radiator sweating
    if facts.drained and _VESSEL_EVIDENCE.search(evidence):
        return True  # 暖气片放水 接了两桶黑水: the writer drained it into the buckets
    if (_DRY_PART.search(evidence) or "松" in evidence) and not _ESCAPING.search(text):
        return True  # a knob broken off, a joint come loose: a repair while nothing escapes
    if facts.water_seen:
        return facts.frozen and not facts.heating and not facts.happening
    if facts.nothing_here or (facts.notice and _MAIN_EVENT.search(evidence)):
        return True
    guessed = _SUSPECTED.search(text, clause, m.start()) or _CAUSE_AFTER.match(text, m.end())
    if facts.normal or (facts.noticed and (guessed or facts.habitual)):
        return True
    stuck_or_damp = (
        "关" in evidence
        or "拧" in evidence
        or bool(_DAMP.search(evidence) or _DRY_PART.search(evidence))
    )
    # …and a part knocked off or cracked that the writer says does not leak (温控阀碰掉了 没漏水)
    return facts.no_leak and (stuck_or_damp or not _URGENT.search(text))


# A word, a story or a notice asked about out of curiosity (水漫金山是哪个故事里的来着, 短信说爆管
# 抢修 是什么意思, 我就是随便问问): no report, unless something here and now is said.
_IDLE = re.compile(
    "是什么意思|什么意思|啥意思|怎么理解|出自|典故|成语|哪个故事|什么故事|哪部|来着|随便问问|"
    "就是问问|只是问问|好奇"
)


def _idle_question(plain: str) -> bool:
    """A curious question about words (module docstring), with no home, no now, no hurry and
    nothing said to be going on."""
    return bool(_IDLE.search(plain)) and not (
        _HERE.search(plain)
        or _URGENT.search(plain)
        # (what goes on every winter, 一直冒白汽 每年冬天都这样, is a sight asked about)
        or (_HAPPENING.search(plain) and not _USUAL.search(plain))
    )


def _asked_in_general(plain: str) -> bool:
    """A question about gas or poisoning in general (一氧化碳中毒有什么症状啊, 天然气的味道是什么样
    的), with nothing of a home, a person, a smell or a sign here and now."""
    return bool(_GAS_ENQUIRY.search(plain)) and not _GAS_HERE.search(plain)


def _trigger_hits(text: str, plain: str, *, discounting: bool) -> list[_Hit]:
    """Every trigger match in the blanked `text` that reports a present danger (`plain` is the
    normalised text before blanking, for the `unless` checks); with `discounting=False` every
    match, negated, hypothetical or past ones included."""
    hits: list[_Hit] = []
    ahead = discounting and (bool(_AHEAD.search(plain)) or _idle_question(plain))
    general = discounting and _asked_in_general(plain)
    # a smell or smoke every day (每天都这样) is a complaint about a habit, not a report
    daily = discounting and bool(_USUAL.search(plain)) and not _URGENT.search(plain)
    related = bool(_GAS_RELATION.search(plain)) and not _GAS_HERE.search(plain)
    gas_guessed = discounting and (bool(_GAS_GUESSED.search(plain)) or general or related)
    facts = _WaterFacts.read(text, plain) if discounting else None
    for trigger in _TRIGGERS:
        if trigger.needs is not None and not trigger.needs.search(text):
            continue
        if trigger.unless is not None and trigger.unless.search(plain):
            continue
        for m in trigger.pattern.finditer(text):
            if discounting and (
                ahead
                or not _counts(text, plain, trigger.kind, _Span.of(m))
                or (facts and trigger.kind == "water" and _water_discounted(text, facts, m))
                or (trigger.kind == "gas" and (gas_guessed or daily))
                or (trigger.kind == "person" and general)
                or (trigger.mild_ok and bool(_NOT_SERIOUS.search(text, m.end())))
            ):
                continue
            hits.append(_Hit(trigger.kind, m.start(), m.group(0), scald=trigger.scald))
    return hits


def _sign_hits(text: str, plain: str) -> list[tuple[_Sign, re.Match[str]]]:
    """The first counting match of each sign class (`_SIGNS`) in `text`."""
    found = []
    for sign in _SIGNS:
        for m in sign.pattern.finditer(text):
            if _counts(text, plain, "person", _Span.of(m)):
                found.append((sign, m))
                break
    return found


def _by_cold(text: str, m: re.Match[str]) -> bool:
    """Whether the sign at `m` is put down to the cold in its clause (冻得直哭, 哭, 是冻的)."""
    clause = _clause_start(text, m.start())
    return bool(
        _BY_COLD_BEFORE.search(text[clause : m.start()])
        or _BY_COLD_AFTER.match(text[m.end() : _clause_end(text, m.end())])
    )


def _sign_named(signs: list[tuple[_Sign, re.Match[str]]], m: re.Match[str]) -> str:
    """The name of the sign class whose match `m` is."""
    return next(sign.name for sign, found in signs if found is m)


#: A sign read by touching (摸着冰凉, 摸起来冰冷): it says whose it is only through what was named.
_BY_TOUCH = re.compile("摸")
_PIPE_RE = re.compile(_PIPE)


def _touched_part(text: str, sign: str, m: re.Match[str]) -> bool:
    """Whether a body's cold felt by touch is a heating part's: the sign names no body (摸着冰凉,
    not 身上冰凉) and a pipe or radiator was named after any person (暖气不热了 摸着冰凉冰凉的;
    not 暖气不热 孩子摸着冰凉)."""
    return (
        sign == "body_cold"
        and _BY_TOUCH.match(m.group(0)) is not None
        and _last_is(text, m.start(), _PIPE_RE, _HUMAN)
    )


def _person_score(text: str, plain: str) -> _Hit | None:
    """The person kind as a product (module docstring): WHO is at risk (someone frail, more so
    ill) x WHAT is wrong (a sign) x WHY now (cold, or fumes). Someone frail with any counting
    sign in the cold or by fumes is an emergency however mild the sign's word (我家老人一个人在家
    屋里就12度 老人说头晕): a missed person costs far more than a call-back to someone who was
    fine. Anyone else needs signs that weigh 3 with what put them down to the cold; fumes alone
    need signs of poisoning with a stove, its smell or several people."""
    signs = _sign_hits(text, plain)
    # an animal's signs (楼道里躺着只猫 冻得不动了, 猫也一直吐): the animal named last before them
    signs = [(sign, m) for sign, m in signs if not _last_is(text, m.start(), _ANIMAL, _HUMAN)]
    # a cold felt by touch (摸着冰凉) is the radiator's when a heating part, not a person, was named
    # last before it (俺家暖气咋一点都不热了 摸着冰凉冰凉的: the writers' sno-001 was paged to duty)
    signs = [(sign, m) for sign, m in signs if not _touched_part(text, sign.name, m)]
    if _OLD_ACHE.search(plain):
        signs = [(sign, m) for sign, m in signs if sign.name not in ("pain", "body_any")]
    if not signs or (_PERSON_AFTERMATH.search(text) and not _PRESENT.search(text)):
        return None
    if all(sign.name == "common_cold" for sign, _ in signs) and _GRIEVANCE.search(plain):
        return None
    frail = bool(_FRAIL.search(text))
    heat = [(sign.weight, m) for sign, m in signs if sign.name in _HEAT_SIGNS]
    hot = bool(heat) and bool(_HEAT.search(text)) and not _COLD.search(text)
    # (a frail person's mild dizziness in a warm room, 暖气太热了 头有点晕乎, is a complaint)
    if hot and sum(w for w, _ in heat) >= (2 if frail else _THRESHOLD):
        m = max(heat, key=lambda wm: wm[0])[1]
        return _Hit("person", m.start(), m.group(0))
    scored = [
        (sign.frail_weight if frail and sign.frail_weight else sign.weight, m)
        for sign, m in signs
        if (frail or not sign.frail_only) and sign.by_cold
    ]
    everyday = bool(_EVERYDAY_SMELL.search(plain))
    # stung eyes while cooking are the cooking's (油烟呛得眼睛疼), not a burner's fumes
    fumes = [
        (sign.weight, m)
        for sign, m in signs
        if sign.name in _FUMES_SIGNS and not (everyday and sign.name == "irritation")
    ]
    stove = bool(_FUMES.search(text))
    # Any sign of poisoning by a burning appliance (a water heater, a wall boiler, a stove) is
    # carbon monoxide until shown otherwise, unless the cold explains it and nothing says the
    # appliance burns (壁挂炉打不着火 屋里冷 头疼 is the cold's).
    smelt = bool(_SMELT.search(text)) and not everyday
    if fumes and (
        (_BURNER.search(text) and (not _COLD.search(text) or _BURNING.search(text)))
        or (smelt and not _COLD.search(text))
    ):
        m = max(fumes, key=lambda wm: wm[0])[1]
        return _Hit("person", m.start(), m.group(0), by_fumes=True)
    if scored and frail and (_COLD.search(text) or (stove and fumes)):
        m = max(scored, key=lambda wm: wm[0])[1]
        return _Hit("person", m.start(), m.group(0), by_fumes=not _COLD.search(text))
    if _COLD.search(text) and scored:
        by_cold = any(_by_cold(text, m) for sign, m in signs if sign.name != "body_any")
        if sum(w for w, _ in scored) + by_cold >= _THRESHOLD:
            m = max(scored, key=lambda wm: wm[0])[1]
            return _Hit("person", m.start(), m.group(0))
    # with no burner and no smell named, only the classic signs add up (several people dizzy)
    fumes = [(w, m) for w, m in fumes if _sign_named(signs, m) in _FUMES_SIGNS_ALONE]
    if fumes:
        group = bool(_GROUP.search(text)) and (len(fumes) >= 2 or stove)
        smelt = stove and bool(_FUMES_SMELT.search(text))
        if sum(w for w, _ in fumes) + stove + group + smelt >= _THRESHOLD:
            m = max(fumes, key=lambda wm: wm[0])[1]
            return _Hit("person", m.start(), m.group(0), by_fumes=True)
    return None


# Emoji residents type for what they see (🔥 fire, 🆘 help, 💦 water): read as the words.
_EMOJI = re.compile("🔥|🆘|💦|💧|🌊")
_EMOJI_WORDS: Mapping[str, str] = {"🔥": "火", "🆘": "救命", "💦": "水", "💧": "水", "🌊": "水"}
_EMOJI_REST = re.compile("[\U0001f300-\U0001faff\u2600-\u27bf\ufe0f\u200d]+")
# A message of bare keywords (水管子 天棚 哗哗 快, 煤气 味 大): every word short, no sentence.
_KEYWORD = re.compile("[^A-Za-z" + _PUNCT + "]{1,4}")


def _keywords_joined(text: str) -> str:
    """A message of two to eight bare keywords read as one clause (暖气片 爆 快 → 暖气片爆快):
    its spaces are a panicked writer's shorthand, not clause breaks between separate thoughts,
    so what is named (a part, a place, a sound, a hurry) is combined as in a sentence."""
    words = [w for w in re.split(f"[{_PUNCT}]+", text) if w]
    if 2 <= len(words) <= 8 and all(_KEYWORD.fullmatch(w) for w in words):
        return "".join(words)
    return text


def _prepared(text: str | None) -> tuple[str, str] | None:
    """(blanked, normalised) text, or None for no words / a "/" payload."""
    if not text or text.lstrip().startswith("/"):
        return None
    plain = _pinyin_to_characters(normalise(text))
    plain = _EMOJI.sub(lambda m: _EMOJI_WORDS[m.group(0)] + " ", plain)
    plain = _EMOJI_REST.sub(" ", plain).strip()
    plain = _keywords_joined(re.sub(" +", " ", plain))
    for typo, fixed in _TYPOS:
        plain = typo.sub(fixed, plain)
    plain = _HOMOPHONES.sub("水", plain)
    return _blank_false_friends(plain), plain


def _shut_in(text: str, plain: str, after: int) -> list[_Hit]:
    """Someone who cannot get out (`_SHUT_IN`) in a message that reports water escaping: the
    person kind, with someone other than the writer named right before (车出不来 or 水出不来 is
    no one)."""
    return [
        _Hit("person", m.start(), m.group(0))
        for m in _SHUT_IN.finditer(text)
        if m.start() > after
        and _OTHER_PERSON.search(text, max(0, m.start() - _NEAR_PERSON), m.end())
        and (m.group("inside") is None or _DOOR_STUCK.search(text))
        and _counts(text, plain, "person", _Span.of(m))
    ]


# Escaping water that reaches the electrics (水流进插座里 冒了火花, 漏水往下浇 浴霸那块儿有股
# 焦糊味): the sparks, the crackle or the burnt smell are the leak's, so its kind is water, whose
# guidance says to move the appliances away and cut the power — unless something burns or
# smokes, or gas is named.
_WET_ELECTRICS = re.compile(_ELECTRIC + "|浴霸|灯|开关|电路|跳闸|电闸|保险丝|电箱|空开")
_ELECTRIC_FAULT = re.compile("火花|火星|冒(?:了)?火|打火|短路|跳闸|焦|糊|煳|滋滋|噼里啪啦|啪")
_BURNS_OR_GAS = re.compile(
    "着火|起火|失火|明火|火苗|火舌|烧起来|燃起来|着起来|烧着|冒烟|黑烟|浓烟|有烟|烟雾|" + _GAS_WORD
)


def _sparks_from_water(text: str, live: list[_Hit]) -> bool:
    """Whether the message's gas hits are only the electrics its escaping water reached
    (`_WET_ELECTRICS`): then the water names it."""
    gas = [h for h in live if h.kind == "gas"]
    return (
        bool(gas)
        and any(h.kind == "water" for h in live)
        and all(_ELECTRIC_FAULT.search(h.evidence) for h in gas)
        and bool(_WET_ELECTRICS.search(text))
        and not _BURNS_OR_GAS.search(text)
    )


def someone_frail_named(text: str | None) -> str | None:
    """The words naming someone frail in `text` (老人, 我妈, 80多了 …), None when none do."""
    found = _FRAIL.search(str(text or ""))
    return found.group() if found else None


def detect_emergency(text: str | None) -> Emergency | None:
    """The emergency `text` reports, or None (module docstring: kinds and what does not count).

    Works on raw or already normalised text; a message starting with "/" is a button or keyword
    payload (`/inform{…}`), not words, and is never an emergency.
    """
    texts = _prepared(text)
    if not texts:
        return None
    blanked, plain = texts
    hits = _trigger_hits(blanked, plain, discounting=True)
    scored = (
        None
        if _AHEAD.search(plain) or _asked_in_general(plain) or _idle_question(plain)
        else _person_score(blanked, plain)
    )
    if scored:
        hits.append(scored)
    # A reported resolution settles whatever was reported before it (漏水已经修好了); a report
    # after it stands (修好了今天又漏了).
    last_resolution = max(_resolutions(blanked), default=-1)
    live = [h for h in hits if h.start > last_resolution]
    if not live:
        return None
    if any(h.kind == "water" for h in live):
        live.extend(_shut_in(blanked, plain, last_resolution))
    if _sparks_from_water(blanked, live):
        live = [h for h in live if h.kind != "gas"]
    # Someone's signs scored by fumes (dizzy by a running boiler, no acute sign) are carbon
    # monoxide: a gas emergency (leave, air the rooms, no form to fill in a poisoned room), as the
    # fifth to seventh writers named it; its people get the poisoning first aid (`cause`).
    poisoned = any(h.by_fumes for h in live)
    live = [replace(h, kind="gas") if h.by_fumes else h for h in live]
    gas = any(h.kind == "gas" for h in live)
    people = [h for h in live if h.kind == "person"]
    best = min(live, key=lambda h: (KINDS.index(h.kind), h.start))
    # Someone's signs with fumes (a stove, a boiler, a gas report) are poisoning, whose first aid
    # is fresh air and 120 — not the cold's warm room — whichever kind names the message.
    cause: Cause = ""
    if best.kind == "person" and (best.scald or "烫" in best.evidence):
        cause = "scald"
    elif poisoned or (
        people
        and (
            best.kind == "gas"
            or gas
            # a stove's fumes, unless the cold explains the signs and nothing burns (壁挂炉坏了
            # 家里冷 我妈头疼 needs warmth)
            or (
                bool(_FUMES.search(blanked))
                and (not _COLD.search(blanked) or bool(_BURNING.search(blanked)))
            )
        )
    ):
        cause = "poisoning"
    return Emergency(kind=best.kind, evidence=best.evidence, cause=cause)


_VALVE_STUCK_RE = re.compile(_VALVE_STUCK)


def valve_will_not_close(text: str | None) -> Emergency | None:
    """A valve that will not close, read without asking the message itself for escaping water:
    for a caller that knows water is escaping (an urgent leak this conversation reported), where
    阀门关不上啊，怎么办 is the emergency going on, not a stiff valve (`_VALVE_URGENT`)."""
    texts = _prepared(text)
    if not texts:
        return None
    blanked, plain = texts
    found = _VALVE_STUCK_RE.search(blanked)
    if found is None or _TOO_HOT.search(plain):
        return None
    return Emergency(kind="water", evidence=found.group(0))


#: The slot holding the urgent ticket a conversation opened (actions/emergency.py).
URGENT_TICKET_SLOT = "urgent_ticket_no"


#: The form that books a repair, and the fault it books (an ordinary leak repair: `leak_in_hand`).
REPAIR_FORM, LEAK_FAULT = "repair_form", "leak"


def leak_in_hand(
    urgent_ticket: object, leak_ticket: object, form: str | None, fault: object
) -> bool:
    """Whether the conversation holds a leak that a message may go on with (`leak_going_on`):
    its urgent ticket, the ordinary repair an urgent leak became (`bot.nlu.leak_can_wait`), or an
    ordinary leak repair being booked (the repair form with fault leak). The last is the leak the
    detector read as no emergency (楼上漏水 滴到我家了, then 我拿盆接着呢 滴得越来越快 你们得赶紧
    来人: hail u hau-037 was asked for a visit time while the water came faster)."""
    return bool(urgent_ticket or leak_ticket or (form == REPAIR_FORM and fault == LEAK_FAULT))


def leak_going_on(urgent_ticket: object, text: str | None) -> Emergency | None:
    """The emergency a message continues in a conversation with a leak in hand (an urgent
    ticket open, or a leak repair: `leak_in_hand` is the caller's `urgent_ticket`): a valve
    that will not close (阀门关不上啊，怎么办 after 暖气片漏水了), or a leak getting worse (关不上啊
    越拧越大, 止不住: `bot.nlu.form_answers.leak_worsening`), is the leak going on, so the 24-hour
    number again rather than the address question again (`valve_will_not_close`)."""
    if not urgent_ticket:
        return None
    found = valve_will_not_close(text)
    if found is None and leak_worsening(text):
        found = Emergency(kind="water", evidence=str(text or "")[:30])
    return found


# A burst of a main named as an event (爆管, 主管线爆了, 群里有人说管子爆了): the words by which
# residents speak of the company's own burst repair, as of a new burst.
_MAIN_BURST = re.compile(
    "爆管|管爆|爆水管|(?:主管道?|主管线|总管|干管|管网|外网|热力管道?|供热管道?|管线|管子)"
    + _NEAR
    + "{0,4}?(?:爆|裂|破)(?:了|裂|开)?"
)
# …said of a home or a place by it: 我家爆管了, 楼道里爆管了 is a burst where people are.
_BY_A_HOME = re.compile(
    "我家|我们家|俺家|咱家|家里|屋里|屋子|我这|我屋|卧室|客厅|厨房|卫生间|楼道|楼梯|地下室|车库|单元|"
    "门口|楼上|楼下|隔壁|对门"
)


def names_only_a_main_burst(text: str | None) -> bool:
    """True when the only danger `text` reports is a main's burst named as an event (哦 是爆管啊
    那什么时候能修好, 幸福里爆管都两天了 还没修好): no water or steam seen, no part of a home, and
    not said of a home or a place by one.

    Such words are how residents speak of the company's own burst repair, which is no new
    emergency at their home: the outage answer is what they need. Whether that repair is under
    way where they live is a fact of the outage store, not of the words, so the caller decides
    (actions/emergency.py): with no such repair known, the words stay an emergency.
    """
    found = detect_emergency(text)
    texts = _prepared(text)
    if found is None or found.kind != "water" or not texts:
        return False
    blanked, plain = texts
    if any(p.search(blanked) for p in _WATER_SEEN):
        return False
    for hit in _trigger_hits(blanked, plain, discounting=True):
        clause = blanked[_clause_start(blanked, hit.start) : hit.start]
        if hit.kind != "water" or not _MAIN_BURST.fullmatch(hit.evidence):
            return False
        if _BY_A_HOME.search(clause):
            return False
    return True


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
    named = _trigger_hits(blanked, plain, discounting=False) or _EXPERIENCED.search(blanked)
    return bool(named or _resolutions(blanked))
